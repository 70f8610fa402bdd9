//! JSON oracles written independently of `dcos_telemetry_signal::gojson`: what Go's
//! `encoding/json` must have produced, checked through `serde_json`.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use dcos_telemetry_signal::gojson::{FloatStyle, GoValue, format_float};
use dcos_telemetry_signal::{ParseError, ParseErrorKind};

/// Whether a document is syntactically JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Valid JSON (Go's `json.Unmarshal` would get past its syntax check).
    Valid,
    /// Not JSON.
    Invalid,
    /// Cannot tell (a limit of the reference parser).
    Unknown,
}

/// `serde_json`'s view of the syntax. Deserialising into `IgnoredAny` checks the grammar
/// without validating UTF-8 or surrogate escapes in strings, which is what Go's scanner does
/// too (Go replaces both with U+FFFD instead of failing).
pub fn reference_syntax(input: &[u8]) -> Syntax {
    match serde_json::from_slice::<IgnoredAny>(input) {
        Ok(_) => Syntax::Valid,
        Err(e) if e.to_string().contains("recursion limit") => Syntax::Unknown,
        Err(_) => Syntax::Invalid,
    }
}

/// The syntax verdict a signal parser's result implies: type errors and `null` documents are
/// only reported for documents that are valid JSON (Go checks the whole document first).
pub fn parser_syntax<T>(result: &Result<T, ParseError>) -> Syntax {
    match result {
        Ok(_) => Syntax::Valid,
        Err(e) => match &e.kind {
            ParseErrorKind::Type { .. } | ParseErrorKind::NullDocument => Syntax::Valid,
            // Our own nesting guard, not a JSON rule.
            ParseErrorKind::Syntax(msg) if msg.contains("max depth") => Syntax::Unknown,
            ParseErrorKind::Syntax(_) | ParseErrorKind::UnexpectedEof => Syntax::Invalid,
            ParseErrorKind::Io(msg) => panic!("I/O error from an in-memory reader: {msg}"),
        },
    }
}

/// Panics when the parser and `serde_json` disagree on whether `input` is JSON.
pub fn check_syntax_agreement<T>(what: &str, input: &[u8], result: &Result<T, ParseError>) {
    let ours = parser_syntax(result);
    if ours == Syntax::Unknown {
        return;
    }
    let reference = reference_syntax(input);
    if reference == Syntax::Unknown {
        return;
    }
    assert_eq!(
        ours,
        reference,
        "{what}: the parser says {ours:?} ({:?}) but serde_json says {reference:?} for {:?}",
        result.as_ref().err(),
        String::from_utf8_lossy(input)
    );
}

/// A parsed JSON value that keeps every object member in document order, duplicates
/// included (Go writes two members with the same name when two map keys differ only in
/// invalid bytes, which both become U+FFFD; `serde_json::Value` would merge them).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits in `u64`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, members in document order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// A string value.
    pub fn str(s: &str) -> Json {
        Json::Str(s.to_string())
    }

    /// The first member called `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Element `i`, if this is an array.
    pub fn at(&self, i: usize) -> Option<&Json> {
        match self {
            Json::Arr(items) => items.get(i),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Int(i) => Some(*i as f64),
            Json::UInt(u) => Some(*u as f64),
            Json::Float(f) => Some(*f),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Json, E> {
                Ok(Json::Int(i))
            }
            fn visit_u64<E>(self, u: u64) -> Result<Json, E> {
                Ok(i64::try_from(u).map_or(Json::UInt(u), Json::Int))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Json, E> {
                Ok(Json::Float(f))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::str(s))
            }
            fn visit_string<E>(self, s: String) -> Result<Json, E> {
                Ok(Json::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Arr(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    members.push((k, v));
                }
                Ok(Json::Obj(members))
            }
        }
        d.deserialize_any(V)
    }
}

/// Go's `string(bytes)` as `encoding/json` writes it: each byte that does not start a
/// complete, valid UTF-8 sequence becomes one U+FFFD.
pub fn go_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, tail) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                rest = &tail[1..];
            }
        }
    }
}

/// The JSON a [`GoValue`] must read back as: maps in Go's bytewise key order (two keys that
/// differ only in invalid bytes give two members with the same name), structs in field order.
pub fn expected_json(v: &GoValue) -> Json {
    match v {
        GoValue::Null => Json::Null,
        GoValue::Bool(b) => Json::Bool(*b),
        GoValue::Int(i) => Json::Int(*i),
        GoValue::Float(f) => Json::Float(*f),
        GoValue::String(s) => Json::Str(go_text(s)),
        GoValue::Array(items) => Json::Arr(items.iter().map(expected_json).collect()),
        GoValue::Map(map) => Json::Obj(
            map.iter()
                .map(|(k, v)| (go_text(k), expected_json(v)))
                .collect(),
        ),
        GoValue::Struct(fields) => Json::Obj(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), expected_json(v)))
                .collect(),
        ),
    }
}

/// An object with members in the order given.
pub fn object(entries: Vec<(&str, Json)>) -> Json {
    Json::Obj(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// Compares two values member by member, in order. Numbers compare by value (`0 == -0`,
/// `12 == 12.0`).
pub fn same_structure(a: &Json, b: &Json) -> Result<(), String> {
    fn walk(a: &Json, b: &Json, path: &mut String) -> Result<(), String> {
        match (a, b) {
            (Json::Int(x), Json::Int(y)) if x == y => Ok(()),
            (Json::UInt(x), Json::UInt(y)) if x == y => Ok(()),
            (
                Json::Int(_) | Json::UInt(_) | Json::Float(_),
                Json::Int(_) | Json::UInt(_) | Json::Float(_),
            ) if !matches!(
                (a, b),
                (Json::Int(_), Json::Int(_)) | (Json::UInt(_), Json::UInt(_))
            ) && a.as_f64() == b.as_f64() =>
            {
                Ok(())
            }
            (Json::Arr(x), Json::Arr(y)) => {
                if x.len() != y.len() {
                    return Err(format!("{path}: {} != {} elements", x.len(), y.len()));
                }
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(p, q, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            (Json::Obj(x), Json::Obj(y)) => {
                let kx: Vec<&String> = x.iter().map(|(k, _)| k).collect();
                let ky: Vec<&String> = y.iter().map(|(k, _)| k).collect();
                if kx != ky {
                    return Err(format!("{path}: keys {kx:?} != {ky:?}"));
                }
                for ((k, p), (_, q)) in x.iter().zip(y) {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    walk(p, q, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            (Json::Null, Json::Null) => Ok(()),
            (Json::Bool(x), Json::Bool(y)) if x == y => Ok(()),
            (Json::Str(x), Json::Str(y)) if x == y => Ok(()),
            _ => Err(format!("{path}: {a:?} != {b:?}")),
        }
    }
    walk(a, b, &mut String::from("$"))
}

/// Replaces the escape `\ufffd` (what Go writes for an invalid byte) by the character
/// itself, so a re-encoding of the parsed value (which cannot tell the two apart) compares
/// equal. Escape-aware: `\\ufffd` (a backslash, then text) is left alone.
pub fn normalize_replacement_escapes(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body[i + 1..].starts_with(b"ufffd") {
                out.extend_from_slice("\u{FFFD}".as_bytes());
                i += 6;
            } else {
                out.extend_from_slice(&body[i..(i + 2).min(body.len())]);
                i += 2;
            }
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// Re-encodes a parsed value exactly as Go's `json.Marshal` (or `MarshalIndent` with
/// `indent`) writes it: HTML-safe string escapes, `\u00XX` for other control characters,
/// `\u2028`/`\u2029`, members in the order given, integers in decimal and other numbers in
/// the given Go float style.
pub fn go_reencode(v: &Json, style: FloatStyle, indent: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, v, style, indent, 0);
    out
}

fn newline(out: &mut Vec<u8>, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push(b'\n');
        for _ in 0..depth {
            out.extend_from_slice(ind.as_bytes());
        }
    }
}

fn write(out: &mut Vec<u8>, v: &Json, style: FloatStyle, indent: Option<&str>, depth: usize) {
    match v {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Json::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Json::UInt(u) => out.extend_from_slice(u.to_string().as_bytes()),
        Json::Float(f) => out.extend_from_slice(format_float(*f, style).as_bytes()),
        Json::Str(s) => write_string(out, s),
        Json::Arr(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, indent, depth + 1);
                write(out, item, style, indent, depth + 1);
            }
            if !items.is_empty() {
                newline(out, indent, depth);
            }
            out.push(b']');
        }
        Json::Obj(members) => {
            out.push(b'{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, indent, depth + 1);
                write_string(out, k);
                out.push(b':');
                if indent.is_some() {
                    out.push(b' ');
                }
                write(out, item, style, indent, depth + 1);
            }
            if !members.is_empty() {
                newline(out, indent, depth);
            }
            out.push(b'}');
        }
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            _ => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Parses `bytes` (which must be JSON), checks that re-encoding the parsed value the Go way
/// gives the same bytes back, and returns the value.
pub fn parse_and_roundtrip(
    what: &str,
    bytes: &[u8],
    style: FloatStyle,
    indent: Option<&str>,
) -> Json {
    let value: Json = serde_json::from_slice(bytes).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}): {:?}",
            String::from_utf8_lossy(bytes)
        )
    });
    let again = go_reencode(&value, style, indent);
    let expected = normalize_replacement_escapes(bytes);
    assert!(
        again == expected,
        "{what}: re-encoding the parsed value differs\n  written: {:?}\n  re-encoded: {:?}",
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(&again)
    );
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn go_text_replaces_each_bad_byte() {
        assert_eq!(go_text(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
        assert_eq!(go_text("é".as_bytes()), "é");
    }

    #[test]
    fn syntax_oracle_matches_go_on_known_cases() {
        assert_eq!(reference_syntax(b"{\"a\":\"\xff\"}"), Syntax::Valid);
        assert_eq!(reference_syntax(b"\"\\ud800\""), Syntax::Valid);
        assert_eq!(reference_syntax(b"[1,]"), Syntax::Invalid);
        assert_eq!(reference_syntax(b"1 2"), Syntax::Invalid);
        assert_eq!(reference_syntax(b""), Syntax::Invalid);
    }

    #[test]
    fn floats_parse_exactly() {
        // Found by the fuzzer: without serde_json's `float_roundtrip` these read back one ULP
        // off, and the re-encoding differed from what the crate (correctly) wrote.
        for (text, style) in [
            ("[7.860812909079789e+276]", FloatStyle::Modern),
            ("[1.126741e-65]", FloatStyle::Modern),
            ("[1.126741e-65]", FloatStyle::Legacy),
        ] {
            parse_and_roundtrip("float", text.as_bytes(), style, None);
        }
    }

    #[test]
    fn keys_that_collide_after_replacement_stay_two_members() {
        // Found by the fuzzer: Go writes both keys as "\ufffd"; serde_json::Value would
        // merge them, so the oracle keeps members as a list.
        let mut map = BTreeMap::new();
        map.insert(b"\xfe".to_vec(), GoValue::Int(1));
        map.insert(b"\xff".to_vec(), GoValue::Null);
        let v = GoValue::Map(map);
        let bytes = dcos_telemetry_signal::gojson::marshal(&v, FloatStyle::Modern);
        assert_eq!(bytes, br#"{"\ufffd":1,"\ufffd":null}"#);
        let parsed = parse_and_roundtrip("test", &bytes, FloatStyle::Modern, None);
        same_structure(&parsed, &expected_json(&v)).unwrap();
    }

    #[test]
    fn reencoding_matches_the_crate_marshaller() {
        let mut map = BTreeMap::new();
        map.insert(
            b"b<".to_vec(),
            GoValue::String(b"x\xff\\ufffd\x08\xe2\x80\xa8".to_vec()),
        );
        map.insert(b"a".to_vec(), GoValue::Float(-0.0));
        map.insert(b"c".to_vec(), GoValue::Float(1e21));
        map.insert(b"d".to_vec(), GoValue::Int(i64::MIN));
        let v = GoValue::Map(map);
        for style in [FloatStyle::Modern, FloatStyle::Legacy] {
            let bytes = dcos_telemetry_signal::gojson::marshal(&v, style);
            let parsed = parse_and_roundtrip("test", &bytes, style, None);
            same_structure(&parsed, &expected_json(&v)).unwrap();
            let indented = dcos_telemetry_signal::gojson::marshal_indent(&v, "    ", style);
            parse_and_roundtrip("test", &indented, style, Some("    "));
        }
    }
}
