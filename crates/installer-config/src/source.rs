//! The raw file as text: UTF-8 BOM, character/byte offsets, lines and line endings.
//!
//! All offsets handed around inside this crate are byte offsets into [`Source::text`]
//! (the file without its leading BOM). Helpers here never slice a `str` in the middle
//! of a character: every offset they return is a char boundary.

use crate::refusal::{Refusal, RefusalKind};

/// The UTF-8 byte order mark.
pub(crate) const BOM: &str = "\u{feff}";

/// A line terminator as found in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n` (Unix).
    Lf,
    /// `\r\n` (Windows).
    CrLf,
    /// `\r` alone (classic Mac OS).
    Cr,
}

impl LineEnding {
    /// The bytes of this terminator.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }
}

/// One physical line: `start..content_end` is the text, `content_end..end` the terminator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub content_end: usize,
    pub end: usize,
}

/// The decoded file.
#[derive(Debug)]
pub(crate) struct Source<'a> {
    /// Whether the file starts with a UTF-8 BOM (not part of `text`).
    pub has_bom: bool,
    /// The file without its BOM.
    pub text: &'a str,
    /// Byte offset of every character of `text`, plus `text.len()` at the end.
    char_offsets: Vec<usize>,
    /// The physical lines of `text`.
    pub lines: Vec<Line>,
}

impl<'a> Source<'a> {
    /// Decodes the file; refuses anything the installer could not read as UTF-8 text.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Refusal> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Refusal::new(
                RefusalKind::NotUtf8,
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
                "save the file as UTF-8; the DC/OS installer cannot read it either",
            )
        })?;
        let (has_bom, text) = match text.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut char_offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        char_offsets.push(text.len());
        let lines = split_lines(text);
        Ok(Source {
            has_bom,
            text,
            char_offsets,
            lines,
        })
    }

    /// Converts a character index (as reported by the YAML parser) to a byte offset.
    /// Out-of-range indexes clamp to the end of the text.
    pub fn byte_of_char(&self, char_index: usize) -> usize {
        self.char_offsets
            .get(char_index)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Index into `lines` of the line holding byte offset `pos` (the last line for `pos == len`).
    pub fn line_index(&self, pos: usize) -> usize {
        match self.lines.binary_search_by(|l| {
            if pos < l.start {
                std::cmp::Ordering::Greater
            } else if pos >= l.end {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Equal
            }
        }) {
            Ok(i) => i,
            Err(i) => i.min(self.lines.len().saturating_sub(1)),
        }
    }

    /// The text of a line without its terminator.
    pub fn line_text(&self, line: &Line) -> &'a str {
        self.text.get(line.start..line.content_end).unwrap_or("")
    }

    /// The line ending to use for a line this crate adds: the most common one in the
    /// file; ties go to LF, then CRLF; a file without any line break gets LF.
    pub fn dominant_ending(&self) -> LineEnding {
        let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
        for l in &self.lines {
            match self.text.get(l.content_end..l.end) {
                Some("\n") => lf += 1,
                Some("\r\n") => crlf += 1,
                Some("\r") => cr += 1,
                _ => {}
            }
        }
        if lf >= crlf && lf >= cr {
            LineEnding::Lf
        } else if crlf >= cr {
            LineEnding::CrLf
        } else {
            LineEnding::Cr
        }
    }
}

/// Splits text into physical lines on LF, CRLF and lone CR (the breaks Python's
/// universal-newline reading, and so the installer, recognises). A final line without a
/// terminator is included; an empty text has no lines.
pub(crate) fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(Line {
                    start,
                    content_end: i,
                    end: i + 1,
                });
                i += 1;
                start = i;
            }
            b'\r' => {
                let end = if bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                lines.push(Line {
                    start,
                    content_end: i,
                    end,
                });
                i = end;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        lines.push(Line {
            start,
            content_end: bytes.len(),
            end: bytes.len(),
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_all_three_endings_and_a_final_unterminated_line() {
        let lines = split_lines("a\r\nb\rc\nd");
        let spans: Vec<_> = lines
            .iter()
            .map(|l| (l.start, l.content_end, l.end))
            .collect();
        assert_eq!(spans, vec![(0, 1, 3), (3, 4, 5), (5, 6, 7), (7, 8, 8)]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn dominant_ending_counts_and_breaks_ties_towards_lf() {
        assert_eq!(
            Source::new(b"a\r\nb\r\nc\n").unwrap().dominant_ending(),
            LineEnding::CrLf
        );
        assert_eq!(
            Source::new(b"a\r\nb\n").unwrap().dominant_ending(),
            LineEnding::Lf
        );
        assert_eq!(
            Source::new(b"a\rb\r").unwrap().dominant_ending(),
            LineEnding::Cr
        );
        assert_eq!(Source::new(b"").unwrap().dominant_ending(), LineEnding::Lf);
    }

    #[test]
    fn bom_is_stripped_and_char_offsets_are_bytes() {
        let s = Source::new("\u{feff}é: 1".as_bytes()).unwrap();
        assert!(s.has_bom);
        assert_eq!(s.text, "é: 1");
        assert_eq!(s.byte_of_char(1), 2);
        assert_eq!(s.byte_of_char(99), s.text.len());
    }
}
