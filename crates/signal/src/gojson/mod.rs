//! Bytes identical to Go's `encoding/json` as dcos-signal's Go toolchains wrote them.
//!
//! dcos-signal marshals `map[string]interface{}` property bags (keys sorted bytewise) and a few
//! structs (fields in declaration order, some `omitempty`). [`GoValue`] models exactly those
//! shapes; [`marshal`] is `json.Marshal` and [`marshal_indent`] is `json.MarshalIndent`.
//!
//! Rules reproduced (Go 1.6 to 1.12, before the Go 1.22 `\b`/`\f` change):
//! * strings: `"` and `\` escaped, `\n` `\r` `\t` short escapes, other bytes below 0x20 as
//!   `\u00XX` (lower-case hex, so `\b` is `\u0008`), `<` `>` `&` as `\u003c` `\u003e` `\u0026`,
//!   U+2028/U+2029 as `\u2028`/`\u2029`, invalid UTF-8 as the six characters `\ufffd` per bad byte;
//! * numbers: see [`FloatStyle`];
//! * `MarshalIndent` keeps empty objects and arrays as `{}` and `[]`, writes `": "` after keys and
//!   no trailing newline.

mod escape;
mod float;

pub use escape::{go_utf8_lossy_into, write_go_string};
pub use float::{FloatStyle, format_float};

use std::collections::BTreeMap;

/// A value as Go would hold it just before marshalling.
#[derive(Debug, Clone, PartialEq)]
pub enum GoValue {
    /// `nil` (a nil slice, map or pointer): `null`.
    Null,
    /// A `bool`.
    Bool(bool),
    /// A Go `int`: written in decimal.
    Int(i64),
    /// A Go `float64`: written by [`format_float`].
    Float(f64),
    /// A Go `string`. Held as bytes because a Go string may carry invalid UTF-8.
    String(Vec<u8>),
    /// A slice (non-nil; use [`GoValue::Null`] for a nil slice).
    Array(Vec<GoValue>),
    /// A `map[string]...` (non-nil): keys come out sorted bytewise, as Go sorts them.
    Map(BTreeMap<Vec<u8>, GoValue>),
    /// A struct: fields in declaration order. `omitempty` fields that are empty must simply
    /// not be pushed (see [`GoStruct`]).
    Struct(Vec<(&'static str, GoValue)>),
}

impl GoValue {
    /// A string value from text.
    pub fn str(s: &str) -> GoValue {
        GoValue::String(s.as_bytes().to_vec())
    }

    /// Whether Go's `omitempty` would drop this value (false, 0, "", nil, empty slice or map).
    /// Structs are never empty for `omitempty`.
    pub fn is_go_empty(&self) -> bool {
        match self {
            GoValue::Null => true,
            GoValue::Bool(b) => !*b,
            GoValue::Int(i) => *i == 0,
            GoValue::Float(f) => *f == 0.0,
            GoValue::String(s) => s.is_empty(),
            GoValue::Array(a) => a.is_empty(),
            GoValue::Map(m) => m.is_empty(),
            GoValue::Struct(_) => false,
        }
    }
}

/// Builder for [`GoValue::Struct`] that applies `omitempty` per field.
#[derive(Debug, Default)]
pub struct GoStruct {
    fields: Vec<(&'static str, GoValue)>,
}

impl GoStruct {
    /// An empty struct builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// A field without `omitempty`: always written.
    pub fn field(mut self, name: &'static str, value: GoValue) -> Self {
        self.fields.push((name, value));
        self
    }

    /// A field with `omitempty`: written only when not empty in Go's sense.
    pub fn omitempty(mut self, name: &'static str, value: GoValue) -> Self {
        if !value.is_go_empty() {
            self.fields.push((name, value));
        }
        self
    }

    /// The finished struct value.
    pub fn build(self) -> GoValue {
        GoValue::Struct(self.fields)
    }
}

/// Compact `json.Marshal(v)` bytes, using the given float style.
pub fn marshal(v: &GoValue, style: FloatStyle) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, v, style, None, 0);
    out
}

/// `json.MarshalIndent(v, "", indent)` bytes (no trailing newline), using the given float style.
pub fn marshal_indent(v: &GoValue, indent: &str, style: FloatStyle) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, v, style, Some(indent.as_bytes()), 0);
    out
}

fn newline(out: &mut Vec<u8>, indent: Option<&[u8]>, depth: usize) {
    if let Some(ind) = indent {
        out.push(b'\n');
        for _ in 0..depth {
            out.extend_from_slice(ind);
        }
    }
}

fn write_value(
    out: &mut Vec<u8>,
    v: &GoValue,
    style: FloatStyle,
    indent: Option<&[u8]>,
    depth: usize,
) {
    match v {
        GoValue::Null => out.extend_from_slice(b"null"),
        GoValue::Bool(true) => out.extend_from_slice(b"true"),
        GoValue::Bool(false) => out.extend_from_slice(b"false"),
        GoValue::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        GoValue::Float(f) => out.extend_from_slice(format_float(*f, style).as_bytes()),
        GoValue::String(s) => write_go_string(out, s),
        GoValue::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, indent, depth + 1);
                write_value(out, item, style, indent, depth + 1);
            }
            if !items.is_empty() {
                newline(out, indent, depth);
            }
            out.push(b']');
        }
        GoValue::Map(map) => {
            let entries = map.iter().map(|(k, v)| (k.as_slice(), v));
            write_object(out, entries, map.is_empty(), style, indent, depth);
        }
        GoValue::Struct(fields) => {
            let entries = fields.iter().map(|(k, v)| (k.as_bytes(), v));
            write_object(out, entries, fields.is_empty(), style, indent, depth);
        }
    }
}

fn write_object<'a>(
    out: &mut Vec<u8>,
    entries: impl Iterator<Item = (&'a [u8], &'a GoValue)>,
    empty: bool,
    style: FloatStyle,
    indent: Option<&[u8]>,
    depth: usize,
) {
    out.push(b'{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline(out, indent, depth + 1);
        write_go_string(out, k);
        out.push(b':');
        if indent.is_some() {
            out.push(b' ');
        }
        write_value(out, v, style, indent, depth + 1);
    }
    if !empty {
        newline(out, indent, depth);
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, GoValue)]) -> GoValue {
        GoValue::Map(
            entries
                .iter()
                .map(|(k, v)| (k.as_bytes().to_vec(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn map_keys_sorted_bytewise() {
        // Go: json.Marshal(map[string]int{"b":1,"a":2,"B":3,"é":4,"a-b":5})
        let v = map(&[
            ("b", GoValue::Int(1)),
            ("a", GoValue::Int(2)),
            ("B", GoValue::Int(3)),
            ("é", GoValue::Int(4)),
            ("a-b", GoValue::Int(5)),
        ]);
        assert_eq!(
            String::from_utf8(marshal(&v, FloatStyle::Modern)).unwrap(),
            r#"{"B":3,"a":2,"a-b":5,"b":1,"é":4}"#
        );
    }

    #[test]
    fn struct_order_and_omitempty() {
        let v = GoStruct::new()
            .omitempty("properties", map(&[("x", GoValue::Int(1))]))
            .omitempty("anonymousId", GoValue::str("id"))
            .omitempty("userId", GoValue::str(""))
            .field("event", GoValue::str("health"))
            .build();
        assert_eq!(
            String::from_utf8(marshal(&v, FloatStyle::Modern)).unwrap(),
            r#"{"properties":{"x":1},"anonymousId":"id","event":"health"}"#
        );
    }

    #[test]
    fn indent_matches_go_marshal_indent() {
        // Go: json.MarshalIndent(map[string]interface{}{"a":[]int{},"b":map[string]int{},
        //     "c":[]interface{}{1,"x",nil},"d":nil}, "", "    ")
        let v = map(&[
            ("a", GoValue::Array(vec![])),
            ("b", GoValue::Map(BTreeMap::new())),
            (
                "c",
                GoValue::Array(vec![GoValue::Int(1), GoValue::str("x"), GoValue::Null]),
            ),
            ("d", GoValue::Null),
        ]);
        let expected = "{\n    \"a\": [],\n    \"b\": {},\n    \"c\": [\n        1,\n        \"x\",\n        null\n    ],\n    \"d\": null\n}";
        assert_eq!(
            String::from_utf8(marshal_indent(&v, "    ", FloatStyle::Modern)).unwrap(),
            expected
        );
        assert_eq!(
            String::from_utf8(marshal(&v, FloatStyle::Modern)).unwrap(),
            r#"{"a":[],"b":{},"c":[1,"x",null],"d":null}"#
        );
    }

    #[test]
    fn empty_struct_and_bools() {
        let v = GoStruct::new()
            .field("t", GoValue::Bool(true))
            .field("f", GoValue::Bool(false))
            .field("s", GoStruct::new().build())
            .build();
        assert_eq!(
            String::from_utf8(marshal_indent(&v, "  ", FloatStyle::Modern)).unwrap(),
            "{\n  \"t\": true,\n  \"f\": false,\n  \"s\": {}\n}"
        );
    }

    #[test]
    fn go_emptiness() {
        assert!(GoValue::Float(-0.0).is_go_empty());
        assert!(GoValue::Int(0).is_go_empty());
        assert!(!GoValue::Int(-1).is_go_empty());
        assert!(!GoStruct::new().build().is_go_empty());
    }
}
