//! A pull scanner over any `Read`: JSON syntax exactly as Go's `encoding/json` accepts it,
//! strings decoded as Go decodes them, and a fast path to skip what the caller does not need.

use std::io::Read;

use super::error::{ParseError, ParseErrorKind};
use crate::gojson::go_utf8_lossy_into;

const BUF_SIZE: usize = 256 * 1024;

/// Streaming JSON scanner. Holds one buffer of input, never the whole document.
pub(crate) struct Scanner<R> {
    reader: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Offset in the document of `buf[0]`.
    base: u64,
    eof: bool,
    /// Containers open during [`Scanner::skip_value`] (true = object).
    skip_stack: Vec<bool>,
    scratch: Vec<u8>,
}

pub(crate) type Result<T> = std::result::Result<T, ParseError>;

fn describe(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        0x20..=0x7e => format!("'{}'", c as char),
        _ => format!("'\\x{c:02x}'"),
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

impl<R: Read> Scanner<R> {
    /// A scanner reading from `reader`.
    pub fn new(reader: R) -> Self {
        Scanner {
            reader,
            buf: vec![0u8; BUF_SIZE].into_boxed_slice(),
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            skip_stack: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Offset in the document of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError::new(kind, self.offset())
    }

    pub fn syntax<T>(&self, msg: String) -> Result<T> {
        Err(self.error(ParseErrorKind::Syntax(msg)))
    }

    fn eof_error<T>(&self) -> Result<T> {
        Err(self.error(ParseErrorKind::UnexpectedEof))
    }

    /// Refills the buffer when it is used up. Returns false at end of input.
    #[cold]
    fn fill(&mut self) -> Result<bool> {
        debug_assert!(self.pos >= self.end);
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.error(ParseErrorKind::Io(e.to_string()))),
            }
        }
    }

    #[inline]
    fn peek_raw(&mut self) -> Result<Option<u8>> {
        if self.pos < self.end || self.fill()? {
            Ok(Some(self.buf[self.pos]))
        } else {
            Ok(None)
        }
    }

    /// Next byte, consumed; end of input is an error.
    #[inline]
    fn next_req(&mut self) -> Result<u8> {
        match self.peek_raw()? {
            Some(c) => {
                self.pos += 1;
                Ok(c)
            }
            None => self.eof_error(),
        }
    }

    /// Consumes one byte that was just peeked.
    #[inline]
    pub fn bump(&mut self) {
        self.pos += 1;
    }

    /// The next byte that is not whitespace, not consumed; `None` at end of input.
    #[inline]
    pub fn peek_nonws(&mut self) -> Result<Option<u8>> {
        loop {
            while self.pos < self.end {
                let c = self.buf[self.pos];
                if !is_ws(c) {
                    return Ok(Some(c));
                }
                self.pos += 1;
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Like [`Scanner::peek_nonws`] but end of input is an error.
    #[inline]
    pub fn peek_nonws_req(&mut self) -> Result<u8> {
        match self.peek_nonws()? {
            Some(c) => Ok(c),
            None => self.eof_error(),
        }
    }

    /// After the top-level value: only whitespace may follow (Go's `checkValid`).
    pub fn finish(&mut self) -> Result<()> {
        match self.peek_nonws()? {
            None => Ok(()),
            Some(c) => self.syntax(format!(
                "invalid character {} after top-level value",
                describe(c)
            )),
        }
    }

    /// Consumes `{`, the current byte.
    pub fn begin_object(&mut self) {
        self.bump();
    }

    /// Advances to the next member of an object opened by [`Scanner::begin_object`]: reads its
    /// key (Go-decoded) into `key` and consumes the `:`. Returns false once the closing `}` is
    /// consumed.
    pub fn next_key(&mut self, first: &mut bool, key: &mut Vec<u8>) -> Result<bool> {
        let c = self.peek_nonws_req()?;
        if *first {
            *first = false;
            if c == b'}' {
                self.bump();
                return Ok(false);
            }
            if c != b'"' {
                return self.syntax(format!(
                    "invalid character {} looking for beginning of object key string",
                    describe(c)
                ));
            }
        } else {
            match c {
                b'}' => {
                    self.bump();
                    return Ok(false);
                }
                b',' => {
                    self.bump();
                    let c = self.peek_nonws_req()?;
                    if c != b'"' {
                        return self.syntax(format!(
                            "invalid character {} looking for beginning of object key string",
                            describe(c)
                        ));
                    }
                }
                _ => {
                    return self.syntax(format!(
                        "invalid character {} after object key:value pair",
                        describe(c)
                    ));
                }
            }
        }
        key.clear();
        self.read_string(key)?;
        self.expect_colon()?;
        Ok(true)
    }

    fn expect_colon(&mut self) -> Result<()> {
        let c = self.peek_nonws_req()?;
        if c != b':' {
            return self.syntax(format!(
                "invalid character {} after object key",
                describe(c)
            ));
        }
        self.bump();
        Ok(())
    }

    /// Consumes `[`, the current byte.
    pub fn begin_array(&mut self) {
        self.bump();
    }

    /// Advances to the next element of an array opened by [`Scanner::begin_array`]. Returns
    /// false once the closing `]` is consumed; otherwise the element is next.
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool> {
        let c = self.peek_nonws_req()?;
        if *first {
            *first = false;
            if c == b']' {
                self.bump();
                return Ok(false);
            }
            return Ok(true);
        }
        match c {
            b']' => {
                self.bump();
                Ok(false)
            }
            b',' => {
                self.bump();
                Ok(true)
            }
            _ => self.syntax(format!(
                "invalid character {} after array element",
                describe(c)
            )),
        }
    }

    /// Consumes a literal (`true`, `false`, `null`) whose first byte is current.
    pub fn expect_literal(&mut self, lit: &'static [u8]) -> Result<()> {
        for &want in lit {
            let c = self.next_req()?;
            if c != want {
                self.pos -= 1;
                return self.syntax(format!(
                    "invalid character {} in literal {} (expecting {})",
                    describe(c),
                    String::from_utf8_lossy(lit),
                    describe(want)
                ));
            }
        }
        Ok(())
    }

    /// Reads a number token (current byte `-` or a digit) into `out`, checking JSON's grammar.
    pub fn read_number(&mut self, out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        while let Some(c) = self.peek_raw()? {
            if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                out.push(c);
                self.bump();
            } else {
                break;
            }
        }
        if let Err(bad) = check_number(out) {
            let at_end = bad >= out.len();
            if at_end && self.peek_raw()?.is_none() {
                return self.eof_error();
            }
            let c = out.get(bad).copied().or(self.peek_raw()?).unwrap_or(b' ');
            return self.syntax(format!(
                "invalid character {} in numeric literal",
                describe(c)
            ));
        }
        Ok(())
    }

    /// Reads a string (current byte `"`), appending its Go-decoded content to `out`: escapes
    /// resolved, lone surrogates and invalid UTF-8 bytes turned into U+FFFD as Go does.
    /// Returns whether the raw string held any escape.
    pub fn read_string(&mut self, out: &mut Vec<u8>) -> Result<bool> {
        self.bump(); // opening quote
        let start_len = out.len();
        let mut had_escape = false;
        let mut non_ascii = false;
        loop {
            if self.pos >= self.end && !self.fill()? {
                return self.eof_error();
            }
            let span = &self.buf[self.pos..self.end];
            let stop = memchr::memchr2(b'"', b'\\', span).unwrap_or(span.len());
            let chunk = &span[..stop];
            if has_control(chunk) {
                let i = chunk.iter().position(|&b| b < 0x20).unwrap_or(0);
                self.pos += i;
                return self.syntax(format!(
                    "invalid character {} in string literal",
                    describe(chunk[i])
                ));
            }
            non_ascii |= !chunk.is_ascii();
            out.extend_from_slice(chunk);
            self.pos += stop;
            if stop == span.len() {
                continue;
            }
            let c = self.buf[self.pos];
            self.pos += 1;
            if c == b'"' {
                break;
            }
            had_escape = true;
            self.read_escape(out)?;
        }
        if non_ascii {
            // Go replaces each byte that does not start a valid UTF-8 sequence with U+FFFD.
            // Escapes only ever produced valid UTF-8 starting with a lead byte, so fixing the
            // whole decoded text gives the same result as Go's byte-by-byte pass.
            if std::str::from_utf8(&out[start_len..]).is_err() {
                self.scratch.clear();
                go_utf8_lossy_into(&out[start_len..], &mut self.scratch);
                out.truncate(start_len);
                out.extend_from_slice(&self.scratch);
            }
        }
        Ok(had_escape)
    }

    fn read_hex4(&mut self) -> Result<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let c = self.next_req()?;
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => {
                    self.pos -= 1;
                    return self.syntax(format!(
                        "invalid character {} in \\u hexadecimal character escape",
                        describe(c)
                    ));
                }
            };
            v = v * 16 + d as u32;
        }
        Ok(v)
    }

    /// After a backslash: decodes one escape (two for a surrogate pair) into `out`.
    fn read_escape(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let c = self.next_req()?;
        let simple = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => 0,
            _ => {
                self.pos -= 1;
                return self.syntax(format!(
                    "invalid character {} in string escape code",
                    describe(c)
                ));
            }
        };
        if c != b'u' {
            out.push(simple);
            return Ok(());
        }
        let mut r = self.read_hex4()?;
        loop {
            if !(0xD800..0xE000).contains(&r) {
                push_char(out, r);
                return Ok(());
            }
            // A surrogate: Go combines it with an immediately following `\uXXXX` when the two
            // form a valid pair, else writes U+FFFD and decodes the next escape on its own.
            if (0xD800..0xDC00).contains(&r) && self.peek_raw()? == Some(b'\\') {
                self.bump();
                let c2 = self.next_req()?;
                if c2 != b'u' {
                    push_char(out, 0xFFFD);
                    self.pos -= 1; // re-read as an ordinary escape
                    return self.read_escape(out);
                }
                let r2 = self.read_hex4()?;
                if (0xDC00..0xE000).contains(&r2) {
                    let combined = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                    push_char(out, combined);
                    return Ok(());
                }
                push_char(out, 0xFFFD);
                r = r2;
                continue;
            }
            push_char(out, 0xFFFD);
            return Ok(());
        }
    }

    /// Skips a string (current byte `"`), checking its syntax. Returns whether it has any
    /// content (Go's `len(s) > 0` after decoding).
    pub fn skip_string(&mut self) -> Result<bool> {
        self.bump();
        let mut nonempty = false;
        loop {
            if self.pos >= self.end && !self.fill()? {
                return self.eof_error();
            }
            let span = &self.buf[self.pos..self.end];
            let stop = memchr::memchr2(b'"', b'\\', span).unwrap_or(span.len());
            let chunk = &span[..stop];
            if has_control(chunk) {
                let i = chunk.iter().position(|&b| b < 0x20).unwrap_or(0);
                self.pos += i;
                return self.syntax(format!(
                    "invalid character {} in string literal",
                    describe(chunk[i])
                ));
            }
            nonempty |= stop > 0;
            self.pos += stop;
            if stop == span.len() {
                continue;
            }
            let c = self.buf[self.pos];
            self.pos += 1;
            if c == b'"' {
                return Ok(nonempty);
            }
            nonempty = true;
            self.scratch.clear();
            let mut scratch = std::mem::take(&mut self.scratch);
            let r = self.read_escape(&mut scratch);
            self.scratch = scratch;
            r?;
        }
    }

    /// Skips one complete value of any kind, checking its syntax. Iterative, so any nesting
    /// depth is fine.
    pub fn skip_value(&mut self) -> Result<()> {
        let mut stack = std::mem::take(&mut self.skip_stack);
        stack.clear();
        let r = self.skip_value_with(&mut stack);
        self.skip_stack = stack;
        r
    }

    fn skip_value_with(&mut self, stack: &mut Vec<bool>) -> Result<()> {
        'value: loop {
            let c = self.peek_nonws_req()?;
            match c {
                b'{' => {
                    self.bump();
                    let c = self.peek_nonws_req()?;
                    if c == b'}' {
                        self.bump();
                    } else if c == b'"' {
                        self.skip_string()?;
                        self.expect_colon()?;
                        stack.push(true);
                        continue 'value;
                    } else {
                        return self.syntax(format!(
                            "invalid character {} looking for beginning of object key string",
                            describe(c)
                        ));
                    }
                }
                b'[' => {
                    self.bump();
                    if self.peek_nonws_req()? == b']' {
                        self.bump();
                    } else {
                        stack.push(false);
                        continue 'value;
                    }
                }
                b'"' => {
                    self.skip_string()?;
                }
                b'-' | b'0'..=b'9' => {
                    let mut num = std::mem::take(&mut self.scratch);
                    let r = self.read_number(&mut num);
                    self.scratch = num;
                    r?;
                }
                b't' => self.expect_literal(b"true")?,
                b'f' => self.expect_literal(b"false")?,
                b'n' => self.expect_literal(b"null")?,
                _ => {
                    return self.syntax(format!(
                        "invalid character {} looking for beginning of value",
                        describe(c)
                    ));
                }
            }
            // A value is complete: close finished containers, or move to the next member.
            loop {
                let Some(&is_object) = stack.last() else {
                    return Ok(());
                };
                let c = self.peek_nonws_req()?;
                match c {
                    b',' => {
                        self.bump();
                        if is_object {
                            let c = self.peek_nonws_req()?;
                            if c != b'"' {
                                return self.syntax(format!(
                                    "invalid character {} looking for beginning of object key string",
                                    describe(c)
                                ));
                            }
                            self.skip_string()?;
                            self.expect_colon()?;
                        }
                        continue 'value;
                    }
                    b'}' if is_object => {
                        self.bump();
                        stack.pop();
                    }
                    b']' if !is_object => {
                        self.bump();
                        stack.pop();
                    }
                    _ => {
                        let what = if is_object {
                            "after object key:value pair"
                        } else {
                            "after array element"
                        };
                        return self.syntax(format!("invalid character {} {what}", describe(c)));
                    }
                }
            }
        }
    }
}

#[inline]
fn has_control(chunk: &[u8]) -> bool {
    // Written as a fold so that it vectorises.
    chunk.iter().fold(false, |acc, &b| acc | (b < 0x20))
}

fn push_char(out: &mut Vec<u8>, r: u32) {
    let ch = char::from_u32(r).unwrap_or('\u{FFFD}');
    let mut tmp = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
}

/// Checks a number token against JSON's grammar; on failure returns the index of the first
/// offending byte (`tok.len()` when the token ended too early).
fn check_number(tok: &[u8]) -> std::result::Result<(), usize> {
    let mut i = 0;
    if tok.get(i) == Some(&b'-') {
        i += 1;
    }
    match tok.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while tok.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return Err(i),
    }
    if tok.get(i) == Some(&b'.') {
        i += 1;
        if !tok.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(i);
        }
        while tok.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if matches!(tok.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(tok.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !tok.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(i);
        }
        while tok.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if i == tok.len() { Ok(()) } else { Err(i) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_of(json: &[u8]) -> Result<Vec<u8>> {
        let mut s = Scanner::new(json);
        let mut out = Vec::new();
        s.peek_nonws_req()?;
        s.read_string(&mut out)?;
        s.finish()?;
        Ok(out)
    }

    #[test]
    fn decodes_like_go() {
        assert_eq!(string_of(br#""a\u00e9\n\/""#).unwrap(), "aé\n/".as_bytes());
        // A valid surrogate pair.
        assert_eq!(string_of(br#""\ud83d\ude00""#).unwrap(), "😀".as_bytes());
        // Lone surrogates become U+FFFD; the escape after a bad high surrogate stands alone.
        assert_eq!(string_of(br#""\ud83dx""#).unwrap(), "\u{fffd}x".as_bytes());
        assert_eq!(string_of(br#""\ude00""#).unwrap(), "\u{fffd}".as_bytes());
        assert_eq!(
            string_of(br#""\ud83d\u0041""#).unwrap(),
            "\u{fffd}A".as_bytes()
        );
        assert_eq!(
            string_of(br#""\ud83d\ud83d\ude00""#).unwrap(),
            "\u{fffd}😀".as_bytes()
        );
        assert_eq!(
            string_of(br#""\ud83d\n""#).unwrap(),
            "\u{fffd}\n".as_bytes()
        );
        // Invalid UTF-8: one U+FFFD per bad byte.
        assert_eq!(
            string_of(b"\"a\xffb\xe2\x82\"").unwrap(),
            "a\u{fffd}b\u{fffd}\u{fffd}".as_bytes()
        );
    }

    #[test]
    fn rejects_what_go_rejects() {
        assert!(matches!(
            string_of(b"\"a\nb\"").unwrap_err().kind,
            ParseErrorKind::Syntax(_)
        ));
        assert!(matches!(
            string_of(br#""\x""#).unwrap_err().kind,
            ParseErrorKind::Syntax(_)
        ));
        assert!(matches!(
            string_of(br#""\u12g4""#).unwrap_err().kind,
            ParseErrorKind::Syntax(_)
        ));
        assert_eq!(
            string_of(br#""abc"#).unwrap_err().kind,
            ParseErrorKind::UnexpectedEof
        );
        let err = string_of(br#""abc" x"#).unwrap_err();
        assert_eq!(
            err.kind,
            ParseErrorKind::Syntax("invalid character 'x' after top-level value".into())
        );
        assert_eq!(err.offset, 6);
    }

    #[test]
    fn numbers() {
        for ok in ["0", "-0", "12", "1.5", "1e5", "1E+5", "-1.25e-3"] {
            assert_eq!(check_number(ok.as_bytes()), Ok(()), "{ok}");
        }
        for bad in ["01", "-", "1.", ".5", "1e", "1e+", "+1", "1.5.5", "--1"] {
            assert!(check_number(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn skips_anything_valid() {
        let doc = br#" {"a":[1,2,{"b":null,"c":[true,false,"x\"y"]}],"d":{},"e":[]} "#;
        let mut s = Scanner::new(&doc[..]);
        s.skip_value().unwrap();
        s.finish().unwrap();
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let mut s = Scanner::new(deep.as_bytes());
        s.skip_value().unwrap();
        s.finish().unwrap();
        for bad in [
            &br#"{"a" 1}"#[..],
            br#"{"a":1,}"#,
            br#"[1,]"#,
            br#"[1 2]"#,
            br#"{1:2}"#,
            br#"tru"#,
            br#"nul"#,
            br#"[01]"#,
        ] {
            let mut s = Scanner::new(bad);
            assert!(s.skip_value().is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn skip_string_reports_content() {
        let mut s = Scanner::new(&br#""" "x" "\n""#[..]);
        s.peek_nonws_req().unwrap();
        assert!(!s.skip_string().unwrap());
        s.peek_nonws_req().unwrap();
        assert!(s.skip_string().unwrap());
        s.peek_nonws_req().unwrap();
        assert!(s.skip_string().unwrap());
    }

    /// A reader that hands out one byte per call, to exercise every buffer boundary.
    struct OneByte<'a>(&'a [u8]);
    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    #[test]
    fn works_across_buffer_boundaries() {
        let doc = br#""\ud83d\ude00 caf\u00e9 ok""#;
        let mut s = Scanner::new(OneByte(doc));
        let mut out = Vec::new();
        s.peek_nonws_req().unwrap();
        s.read_string(&mut out).unwrap();
        assert_eq!(out, "😀 café ok".as_bytes());
        assert_eq!(s.offset(), doc.len() as u64);
    }
}
