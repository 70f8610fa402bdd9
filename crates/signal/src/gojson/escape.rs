//! Go `encoding/json` string escaping (HTML-safe, as `json.Marshal` does it).

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a quoted JSON string exactly as Go's `json.Marshal` writes a `string` holding
/// these bytes (before Go 1.22): see the module docs of [`crate::gojson`] for the rules.
pub fn write_go_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    let mut rest = s;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                write_valid(out, valid);
                break;
            }
            Err(err) => {
                let (valid, tail) = rest.split_at(err.valid_up_to());
                // SAFETY-free: `valid` was just checked by from_utf8.
                write_valid(out, std::str::from_utf8(valid).unwrap_or_default());
                // Go's utf8.DecodeRune yields (RuneError, 1) for each byte that does not start
                // a complete valid sequence, and the encoder writes `\ufffd` for it.
                out.extend_from_slice(b"\\ufffd");
                rest = &tail[1..];
            }
        }
    }
    out.push(b'"');
}

/// Appends `bytes` to `out` with every byte that does not start a complete, valid UTF-8
/// sequence replaced by U+FFFD, one replacement per byte, as Go's decoder does.
pub fn go_utf8_lossy_into(bytes: &[u8], out: &mut Vec<u8>) {
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.extend_from_slice(valid.as_bytes());
                return;
            }
            Err(err) => {
                let (valid, tail) = rest.split_at(err.valid_up_to());
                out.extend_from_slice(valid);
                out.extend_from_slice("\u{FFFD}".as_bytes());
                rest = &tail[1..];
            }
        }
    }
}

fn write_valid(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&') {
                i += 1;
                continue;
            }
            out.extend_from_slice(&bytes[start..i]);
            match b {
                b'"' | b'\\' => {
                    out.push(b'\\');
                    out.push(b);
                }
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                _ => {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[(b >> 4) as usize]);
                    out.push(HEX[(b & 0xf) as usize]);
                }
            }
            i += 1;
            start = i;
            continue;
        }
        // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
        if b == 0xE2 && i + 2 < bytes.len() && bytes[i + 1] == 0x80 && (bytes[i + 2] & 0xFE) == 0xA8
        {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(b"\\u202");
            out.push(HEX[(bytes[i + 2] & 0xf) as usize]);
            i += 3;
            start = i;
            continue;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &[u8]) -> String {
        let mut out = Vec::new();
        write_go_string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn html_characters() {
        // Go 1.12: json.Marshal("<a href=\"x\">&</a>")
        assert_eq!(
            enc(b"<a href=\"x\">&</a>"),
            r#""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e""#
        );
    }

    #[test]
    fn control_characters_before_go_1_22() {
        // Go < 1.22 writes \b and \f as \u0008 and \u000c.
        assert_eq!(
            enc(b"a\nb\rc\td\x08e\x0cf\x00g\x1fh\x7f\\"),
            r#""a\nb\rc\td\u0008e\u000cf\u0000g\u001fh"#.to_string() + "\u{7f}\\\\\""
        );
    }

    #[test]
    fn line_separators() {
        assert_eq!(
            enc("x\u{2028}y\u{2029}z".as_bytes()),
            r#""x\u2028y\u2029z""#
        );
        // U+2027 and U+202A are left alone.
        assert_eq!(enc("\u{2027}\u{202a}".as_bytes()), "\"\u{2027}\u{202a}\"");
    }

    #[test]
    fn non_ascii_is_raw() {
        assert_eq!(enc("kafka-ü-日本-😀".as_bytes()), "\"kafka-ü-日本-😀\"");
        assert_eq!(enc("\u{fffd}".as_bytes()), "\"\u{fffd}\"");
    }

    #[test]
    fn invalid_utf8_one_replacement_per_byte() {
        // Go: each byte of a truncated sequence, a surrogate or a stray continuation byte is
        // written as \ufffd.
        assert_eq!(enc(b"a\xffb"), r#""a\ufffdb""#);
        assert_eq!(enc(b"\xe2\x82"), r#""\ufffd\ufffd""#);
        assert_eq!(enc(b"\xed\xa0\x80"), r#""\ufffd\ufffd\ufffd""#);
        assert_eq!(enc(b"\xf0\x9f\x98"), r#""\ufffd\ufffd\ufffd""#);
        assert_eq!(enc(b"\xc0\xaf<"), r#""\ufffd\ufffd\u003c""#);
    }
}
