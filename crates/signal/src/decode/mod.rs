//! Decoding JSON the way dcos-signal's Go decoder (`encoding/json` into its structs) does.
//!
//! Go behaviours reproduced: object keys match struct fields case-insensitively (exact match
//! first, then Unicode simple folding, so `ſ` matches `s` and the Kelvin sign matches `k`);
//! unknown keys are ignored; duplicate keys are decoded again into the same field (strings
//! replaced, maps merged, slices decoded over their existing elements); `null` leaves a scalar
//! field unchanged and makes a map, slice or pointer nil; missing fields keep zero values;
//! invalid UTF-8 and lone surrogates become U+FFFD; a value of the wrong type is an error (Go
//! records an `UnmarshalTypeError`, and dcos-signal drops the reporter); a syntax error anywhere
//! in the document wins over a type error, because Go checks the whole document first.

mod error;
mod scanner;

pub use error::{ParseError, ParseErrorKind};

use std::io::Read;

use scanner::{Result, Scanner};

/// Deepest nesting of typed structures accepted. Real reports are about six levels deep; the
/// limit keeps recursion bounded on hostile input (Go 1.15+ uses 10000 for the same reason).
pub(crate) const MAX_DEPTH: usize = 256;

/// What a JSON value starts with, for type checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

impl Start {
    fn go_name(self) -> &'static str {
        match self {
            Start::Object => "object",
            Start::Array => "array",
            Start::String => "string",
            Start::Number => "number",
            Start::True | Start::False => "bool",
            Start::Null => "null",
        }
    }
}

/// A [`Scanner`] plus the Go decoder's bookkeeping.
pub(crate) struct Decoder<R> {
    sc: Scanner<R>,
    /// The first type error; reported only if the document is otherwise valid.
    type_error: Option<ParseError>,
    /// The current object key (Go-decoded).
    pub key: Vec<u8>,
    num: Vec<u8>,
}

impl<R: Read> Decoder<R> {
    pub fn new(reader: R) -> Self {
        Decoder {
            sc: Scanner::new(reader),
            type_error: None,
            key: Vec::new(),
            num: Vec::new(),
        }
    }

    pub fn offset(&self) -> u64 {
        self.sc.offset()
    }

    /// Classifies the next value without consuming it.
    pub fn peek(&mut self) -> Result<Start> {
        let c = self.sc.peek_nonws_req()?;
        Ok(match c {
            b'{' => Start::Object,
            b'[' => Start::Array,
            b'"' => Start::String,
            b'-' | b'0'..=b'9' => Start::Number,
            b't' => Start::True,
            b'f' => Start::False,
            b'n' => Start::Null,
            _ => {
                return self.sc.syntax(format!(
                    "invalid character '{}' looking for beginning of value",
                    if c.is_ascii_graphic() {
                        (c as char).to_string()
                    } else {
                        format!("\\x{c:02x}")
                    }
                ));
            }
        })
    }

    /// Consumes a `null` that [`Decoder::peek`] reported.
    pub fn null(&mut self) -> Result<()> {
        self.sc.expect_literal(b"null")
    }

    /// Records a Go `UnmarshalTypeError` for the value at hand and skips it.
    pub fn mismatch(&mut self, path: &str, expected: &'static str, found: Start) -> Result<()> {
        if self.type_error.is_none() {
            self.type_error = Some(ParseError::new(
                ParseErrorKind::Type {
                    path: path.to_string(),
                    expected,
                    found: found.go_name().to_string(),
                },
                self.sc.offset(),
            ));
        }
        self.sc.skip_value()
    }

    fn mismatch_text(&mut self, path: &str, expected: &'static str, found: String) {
        if self.type_error.is_none() {
            self.type_error = Some(ParseError::new(
                ParseErrorKind::Type {
                    path: path.to_string(),
                    expected,
                    found,
                },
                self.sc.offset(),
            ));
        }
    }

    /// Skips a value of any kind (a key the struct does not declare).
    pub fn skip(&mut self) -> Result<()> {
        self.sc.skip_value()
    }

    /// A nesting-depth guard for the recursive struct decoders.
    pub fn check_depth(&self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return self.sc.syntax(format!(
                "exceeded max depth of {MAX_DEPTH} nested report structures"
            ));
        }
        Ok(())
    }

    /// Starts decoding an object whose `{` is next.
    pub fn begin_object(&mut self) {
        self.sc.begin_object();
    }

    /// Next member of the current object: its key is left in `self.key`. False at the end.
    pub fn next_key(&mut self, first: &mut bool) -> Result<bool> {
        let mut key = std::mem::take(&mut self.key);
        let r = self.sc.next_key(first, &mut key);
        self.key = key;
        r
    }

    /// Next member of the current object, matched against a struct's field names the way
    /// Go's decoder matches them. `Some(None)` is a key no field takes (skip its value).
    pub fn next_field(
        &mut self,
        first: &mut bool,
        fields: &[&str],
    ) -> Result<Option<Option<usize>>> {
        if !self.next_key(first)? {
            return Ok(None);
        }
        Ok(Some(match_field(&self.key, fields)))
    }

    /// Starts decoding an array whose `[` is next.
    pub fn begin_array(&mut self) {
        self.sc.begin_array();
    }

    /// Next element of the current array; false at the end.
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool> {
        self.sc.next_element(first)
    }

    /// Reads a string value that [`Decoder::peek`] reported into `out` (replacing it).
    /// Returns whether the raw text held escapes.
    pub fn string_into(&mut self, out: &mut Vec<u8>) -> Result<bool> {
        out.clear();
        self.sc.read_string(out)
    }

    /// Skips a string value that [`Decoder::peek`] reported; true if it is non-empty.
    pub fn skip_string(&mut self) -> Result<bool> {
        self.sc.skip_string()
    }

    /// Decodes into a Go `string` field: a string replaces it, `null` leaves it, anything else
    /// is a type error.
    pub fn go_string(&mut self, path: &str, field: &mut String) -> Result<()> {
        match self.peek()? {
            Start::String => {
                let mut buf = std::mem::take(field).into_bytes();
                self.string_into(&mut buf)?;
                // Always valid: the scanner replaced invalid UTF-8.
                *field = String::from_utf8(buf).unwrap_or_default();
                Ok(())
            }
            Start::Null => self.null(),
            other => self.mismatch(path, "string", other),
        }
    }

    /// Type-checks a Go `string` field whose value is not needed: a string or `null`, without
    /// storing it. Returns whether the string is non-empty (`null` stores Go's zero value "").
    pub fn skip_go_string(&mut self, path: &str) -> Result<bool> {
        match self.peek()? {
            Start::String => self.skip_string(),
            Start::Null => self.null().map(|()| false),
            other => self.mismatch(path, "string", other).map(|()| false),
        }
    }

    /// Decodes into a Go `float64` field.
    pub fn go_float(&mut self, path: &str, field: &mut f64) -> Result<()> {
        match self.peek()? {
            Start::Number => {
                let mut num = std::mem::take(&mut self.num);
                let r = self.sc.read_number(&mut num);
                if r.is_ok() {
                    let text = std::str::from_utf8(&num).unwrap_or("0");
                    match text.parse::<f64>() {
                        Ok(v) if v.is_finite() => *field = v,
                        // Go: strconv.ParseFloat range error -> UnmarshalTypeError.
                        _ => self.mismatch_text(path, "float64", format!("number {text}")),
                    }
                }
                self.num = num;
                r
            }
            Start::Null => self.null(),
            other => self.mismatch(path, "float64", other),
        }
    }

    /// Decodes into a Go `int` (64-bit) field: Go uses `strconv.ParseInt`, so fractions,
    /// exponents and out-of-range numbers are type errors.
    pub fn go_int(&mut self, path: &str, field: &mut i64) -> Result<()> {
        match self.peek()? {
            Start::Number => {
                let mut num = std::mem::take(&mut self.num);
                let r = self.sc.read_number(&mut num);
                if r.is_ok() {
                    let text = std::str::from_utf8(&num).unwrap_or("0");
                    match text.parse::<i64>() {
                        Ok(v) => *field = v,
                        Err(_) => self.mismatch_text(path, "int", format!("number {text}")),
                    }
                }
                self.num = num;
                r
            }
            Start::Null => self.null(),
            other => self.mismatch(path, "int", other),
        }
    }

    /// Decodes into a Go `time.Time` field: `null` is accepted, anything else must be a string
    /// that `time.Parse(time.RFC3339, …)` accepts, written without escapes.
    pub fn go_time(&mut self, path: &str) -> Result<()> {
        match self.peek()? {
            Start::Null => self.null(),
            Start::String => {
                let mut buf = std::mem::take(&mut self.num);
                let escaped = self.string_into(&mut buf)?;
                if escaped || !valid_rfc3339(&buf) {
                    let text = String::from_utf8_lossy(&buf).into_owned();
                    self.mismatch_text(path, "time.Time", format!("time {text:?}"));
                }
                self.num = buf;
                Ok(())
            }
            other => {
                let offset = self.offset();
                self.skip()?;
                if self.type_error.is_none() {
                    self.type_error = Some(ParseError::new(
                        ParseErrorKind::Type {
                            path: path.to_string(),
                            expected: "time.Time",
                            found: other.go_name().to_string(),
                        },
                        offset,
                    ));
                }
                Ok(())
            }
        }
    }

    /// Ends the document: only whitespace may follow; then a pending type error is reported.
    pub fn finish(mut self) -> std::result::Result<(), ParseError> {
        self.sc.finish()?;
        match self.type_error.take() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

/// Go's field lookup: an exact match wins, else the first field equal under Go's folding.
pub(crate) fn match_field(key: &[u8], fields: &[&str]) -> Option<usize> {
    if let Some(i) = fields.iter().position(|f| f.as_bytes() == key) {
        return Some(i);
    }
    fields.iter().position(|f| go_equal_fold(f.as_bytes(), key))
}

/// Go's case-insensitive match of an ASCII field name against a key, as `encoding/json`'s
/// `foldFunc` does it: ASCII letters match either case, `s`/`S` also match `ſ` (U+017F) and
/// `k`/`K` also match the Kelvin sign (U+212A); every other byte must be equal.
pub(crate) fn go_equal_fold(name: &[u8], key: &[u8]) -> bool {
    let mut t = key;
    for &sb in name {
        let Some(&tb) = t.first() else {
            return false;
        };
        if tb < 0x80 {
            if sb != tb {
                let upper = sb & !0x20;
                if !(upper.is_ascii_uppercase() && upper == tb & !0x20) {
                    return false;
                }
            }
            t = &t[1..];
        } else {
            let (special, len) = if t.starts_with("\u{17f}".as_bytes()) {
                ('s', 2)
            } else if t.starts_with("\u{212a}".as_bytes()) {
                ('k', 3)
            } else {
                return false;
            };
            if sb.to_ascii_lowercase() != special as u8 {
                return false;
            }
            t = &t[len..];
        }
    }
    t.is_empty()
}

/// Whether `s` is accepted by Go's `time.Parse(time.RFC3339, s)` (as in Go 1.6–1.12):
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction of any length, then `Z` or `±HH:MM`; month,
/// day (for that month and year), hour, minute and second are range-checked.
pub(crate) fn valid_rfc3339(s: &[u8]) -> bool {
    fn num(s: &[u8], at: usize, len: usize) -> Option<u32> {
        let part = s.get(at..at + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |acc, &d| acc * 10 + (d - b'0') as u32))
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(min), Some(sec)) = (
        num(s, 0, 4),
        num(s, 5, 2),
        num(s, 8, 2),
        num(s, 11, 2),
        num(s, 14, 2),
        num(s, 17, 2),
    ) else {
        return false;
    };
    if s[4] != b'-' || s[7] != b'-' || s[10] != b'T' || s[13] != b':' || s[16] != b':' {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day < 1 || day > days || hour > 23 || min > 59 || sec > 59 {
        return false;
    }
    let mut i = 19;
    if s.get(i) == Some(&b'.') && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    match s.get(i) {
        Some(b'Z') => i + 1 == s.len(),
        Some(b'+' | b'-') => {
            num(s, i + 1, 2).is_some()
                && s.get(i + 3) == Some(&b':')
                && num(s, i + 4, 2).is_some()
                && i + 6 == s.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_matching_follows_go() {
        let fields = ["UnitName", "Nodes", "Health"];
        assert_eq!(match_field(b"UnitName", &fields), Some(0));
        assert_eq!(match_field(b"unitname", &fields), Some(0));
        assert_eq!(match_field(b"UNITNAME", &fields), Some(0));
        assert_eq!(match_field("noDE\u{17f}".as_bytes(), &fields), Some(1));
        assert_eq!(match_field(b"Unit_Name", &fields), None);
        assert_eq!(match_field(b"Node", &fields), None);
        let mesos = ["frameworks", "master/tasks_running"];
        assert_eq!(match_field("FRAMEWOR\u{212a}S".as_bytes(), &mesos), Some(0));
        assert_eq!(match_field(b"MASTER/TASKS_RUNNING", &mesos), Some(1));
        assert_eq!(match_field(b"master\\tasks_running", &mesos), None);
        // Folding applies to letters only: '_' does not match DEL (0x7f = '_' | 0x20).
        assert_eq!(match_field(b"master/tasks\x7frunning", &mesos), None);
    }

    #[test]
    fn rfc3339_like_go() {
        for ok in [
            "2020-11-18T09:30:02.404330457Z",
            "2020-11-18T09:30:02Z",
            "2020-02-29T23:59:59+01:00",
            "0001-01-01T00:00:00Z",
            "2020-11-18T09:30:02.1234567890123-07:30",
        ] {
            assert!(valid_rfc3339(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "",
            "2020-11-18",
            "2019-02-29T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-11-18T24:00:00Z",
            "2020-11-18t09:30:02Z",
            "2020-11-18T09:30:02",
            "2020-11-18T09:30:02.Z",
            "2020-11-18T09:30:02+0100",
            "2020-11-18T09:30:02Zjunk",
        ] {
            assert!(!valid_rfc3339(bad.as_bytes()), "{bad}");
        }
    }
}
