//! Go's `float64` encoding in `encoding/json`, for the two eras dcos-signal was built in.

/// How the Go toolchain that built a dcos-signal release wrote `float64` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatStyle {
    /// Go 1.8 and later: `strconv.FormatFloat(f, 'f', -1, 64)`, or `'e'` when
    /// `|f| < 1e-6 || |f| >= 1e21` with the exponent cleaned (`1e-07` becomes `1e-7`).
    /// So `12.0` is `12`, `1e21` is `1e+21`, `0.0000001` is `1e-7`, `-0.0` is `-0`.
    Modern,
    /// Go 1.7 and earlier: `strconv.FormatFloat(f, 'g', -1, 64)`, which switches to the
    /// exponent form when the decimal exponent is below -4 or at least 6 and keeps two
    /// exponent digits: `1000000.0` is `1e+06`, `0.00001` is `1e-05`.
    Legacy,
}

/// Shortest decimal digits of `f` (no sign) and the decimal point position `dp`, so that
/// `|f| = 0.DIGITS × 10^dp`. Zero has no digits and `dp = 0` (as in Go's strconv).
fn shortest_digits(f: f64) -> (Vec<u8>, i32) {
    if f == 0.0 {
        return (Vec::new(), 0);
    }
    // Rust's `{:e}` prints the shortest round-tripping digits, as Go's strconv does.
    let text = format!("{:e}", f.abs());
    let (mantissa, exp) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp + 1)
}

fn fmt_f(out: &mut String, digits: &[u8], dp: i32) {
    // Integer part.
    if dp > 0 {
        for i in 0..dp as usize {
            out.push(digits.get(i).map_or('0', |&d| d as char));
        }
    } else {
        out.push('0');
    }
    let frac = digits.len() as i32 - dp;
    if frac > 0 {
        out.push('.');
        for i in 0..frac {
            let pos = dp + i;
            let c = if pos < 0 {
                '0'
            } else {
                digits.get(pos as usize).map_or('0', |&d| d as char)
            };
            out.push(c);
        }
    }
}

fn fmt_e(out: &mut String, digits: &[u8], dp: i32) {
    let first = digits.first().map_or('0', |&d| d as char);
    out.push(first);
    if digits.len() > 1 {
        out.push('.');
        for &d in &digits[1..] {
            out.push(d as char);
        }
    }
    out.push('e');
    let exp = if digits.is_empty() { 0 } else { dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

/// Formats `f` exactly as Go's `encoding/json` did in the given era. `f` must be finite (Go
/// refuses NaN and infinities; nothing decoded from JSON can hold them).
pub fn format_float(f: f64, style: FloatStyle) -> String {
    let (digits, dp) = shortest_digits(f);
    let mut out = String::with_capacity(24);
    if f.is_sign_negative() {
        out.push('-');
    }
    let abs = f.abs();
    match style {
        FloatStyle::Modern => {
            if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
                fmt_e(&mut out, &digits, dp);
                // Go's encoder: "clean up e-09 to e-9".
                let b = out.as_bytes();
                let n = b.len();
                if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
                    out.remove(n - 2);
                }
            } else {
                fmt_f(&mut out, &digits, dp);
            }
        }
        FloatStyle::Legacy => {
            let exp = dp - 1;
            if !digits.is_empty() && !(-4..6).contains(&exp) {
                fmt_e(&mut out, &digits, dp);
            } else {
                fmt_f(&mut out, &digits, dp);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(f: f64) -> String {
        format_float(f, FloatStyle::Modern)
    }
    fn l(f: f64) -> String {
        format_float(f, FloatStyle::Legacy)
    }

    #[test]
    fn modern_matches_go_1_8_plus() {
        // Outputs of json.Marshal(float64) with Go >= 1.8.
        assert_eq!(m(12.0), "12");
        assert_eq!(m(0.0), "0");
        assert_eq!(m(-0.0), "-0");
        assert_eq!(m(44479.0), "44479");
        assert_eq!(m(0.4166666666666667), "0.4166666666666667");
        assert_eq!(m(1e20), "100000000000000000000");
        assert_eq!(m(1e21), "1e+21");
        assert_eq!(m(1.5e300), "1.5e+300");
        assert_eq!(m(1e-6), "0.000001");
        assert_eq!(m(1e-7), "1e-7");
        assert_eq!(m(1.234e-9), "1.234e-9");
        assert_eq!(m(1e-10), "1e-10");
        assert_eq!(m(5e-324), "5e-324");
        assert_eq!(m(-2.5), "-2.5");
        assert_eq!(m(0.1), "0.1");
        assert_eq!(m(123456789.0), "123456789");
        assert_eq!(m(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(m(9007199254740993.0), "9007199254740992");
    }

    #[test]
    fn legacy_matches_go_1_6() {
        // Outputs of json.Marshal(float64) with Go 1.6/1.7 ('g', shortest).
        assert_eq!(l(12.0), "12");
        assert_eq!(l(0.0), "0");
        assert_eq!(l(-0.0), "-0");
        assert_eq!(l(123456.0), "123456");
        assert_eq!(l(1000000.0), "1e+06");
        assert_eq!(l(1126740.0), "1.12674e+06");
        assert_eq!(l(0.0001), "0.0001");
        assert_eq!(l(0.00001), "1e-05");
        assert_eq!(l(1e21), "1e+21");
        assert_eq!(l(1e100), "1e+100");
        assert_eq!(l(-7296.5), "-7296.5");
        assert_eq!(l(0.4166666666666667), "0.4166666666666667");
    }
}
