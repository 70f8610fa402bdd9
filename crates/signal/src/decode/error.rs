//! The typed error every parser returns.

use std::fmt;

/// Why a document could not be decoded the way dcos-signal's Go decoder would decode it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Reading from the source failed (the I/O error's text).
    Io(String),
    /// The input ended inside a value (truncated document) or was empty.
    UnexpectedEof,
    /// The input is not JSON: Go's `json.Unmarshal` would report a `SyntaxError`.
    Syntax(String),
    /// A JSON value has the wrong type for the Go struct field it lands in: Go reports an
    /// `UnmarshalTypeError` and dcos-signal treats the reporter as failed.
    Type {
        /// Where in the document, as a dotted Go-ish path (e.g. `Units.Nodes.Health`).
        path: String,
        /// The Go type the field has.
        expected: &'static str,
        /// What the JSON held instead.
        found: String,
    },
    /// The document is the literal `null`: dcos-signal is left with a nil report and fails.
    NullDocument,
}

/// A decoding error with the byte offset (from the start of the document) where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Byte offset into the document.
    pub offset: u64,
}

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, offset: u64) -> Self {
        ParseError { kind, offset }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ParseErrorKind::Io(msg) => write!(f, "read error at byte {}: {msg}", self.offset),
            ParseErrorKind::UnexpectedEof => {
                write!(f, "unexpected end of JSON input at byte {}", self.offset)
            }
            ParseErrorKind::Syntax(msg) => write!(f, "{msg} at byte {}", self.offset),
            ParseErrorKind::Type {
                path,
                expected,
                found,
            } => write!(
                f,
                "cannot use {found} as Go {expected} for field {path} (byte {})",
                self.offset
            ),
            ParseErrorKind::NullDocument => {
                write!(f, "the document is null (byte {})", self.offset)
            }
        }
    }
}

impl std::error::Error for ParseError {}
