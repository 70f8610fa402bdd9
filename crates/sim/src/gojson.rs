//! JSON string encoding exactly as Go's `encoding/json` (the Go 1.13-1.21 era that built DC/OS) writes it.
//!
//! dcos-diagnostics answers with `json.NewEncoder(w).Encode(v)`: compact output, a trailing `\n`,
//! and *HTML-safe* strings: `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026`; U+2028/U+2029 are
//! escaped; control characters other than `\n`, `\r`, `\t` become `\u00XX` (lowercase hex).
//! serde_json escapes differently (it leaves `<` alone and writes `\b`/`\f`), so the report writer
//! uses this module for every string it emits.

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a quoted Go-JSON string to `out`.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            _ => None,
        };
        if let Some(esc) = escape {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(esc);
            i += 1;
            start = i;
            continue;
        }
        if b < 0x20 || b == b'<' || b == b'>' || b == b'&' {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
            i += 1;
            start = i;
            continue;
        }
        // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
        if b == 0xE2 && i + 2 < bytes.len() && bytes[i + 1] == 0x80 && (bytes[i + 2] & 0xFE) == 0xA8
        {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(if bytes[i + 2] == 0xA8 {
                b"\\u2028"
            } else {
                b"\\u2029"
            });
            i += 3;
            start = i;
            continue;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Returns `s` encoded as a Go-JSON string literal.
pub fn quote(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    write_str(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        let cases = [
            ("plain", r#""plain""#),
            ("a<b>&c", r#""a\u003cb\u003e\u0026c""#),
            ("line\nnext\ttab\r", r#""line\nnext\ttab\r""#),
            ("quote\"back\\", r#""quote\"back\\""#),
            ("\u{8}\u{c}\u{1b}", r#""\u0008\u000c\u001b""#),
            ("über 東京", "\"über 東京\""),
            ("sep\u{2028}para\u{2029}", r#""sep\u2028para\u2029""#),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(quote(input)).unwrap(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn go_escaped_text_round_trips_through_a_json_parser() {
        let s = "x<y & \u{2028} \u{1} ü";
        let parsed: String = serde_json::from_slice(&quote(s)).unwrap();
        assert_eq!(parsed, s);
    }
}
