//! Lexical rules where PyYAML (YAML 1.1, the installer's loader) is stricter than the
//! YAML 1.2 parser this crate uses, checked on the source text with the parser's spans:
//!
//! * characters PyYAML's reader rejects (controls, U+FFFE/U+FFFF);
//! * NEL/LS/PS, which PyYAML treats as line breaks but YAML 1.2 does not (refused as a
//!   layout this editor does not handle), and a BOM anywhere but at the start;
//! * tabs: PyYAML only ever skips spaces between tokens, so a tab is accepted only inside
//!   a comment, a quoted scalar, or a block scalar's content at or beyond its indentation;
//! * anchor and alias names: PyYAML allows only `[0-9A-Za-z_-]` and requires one of
//!   ``\0 \t\r\n?:,]}%@` `` right after the name (YAML 1.2 allows far more, so e.g.
//!   `&lt;name&gt;` is an anchor for YAML 1.2 and an error for PyYAML);
//! * a duplicate anchor name (PyYAML's composer rejects it; YAML 1.2 allows redefinition).

use std::collections::HashSet;

use crate::events::{Ev, Spanned, Style};
use crate::refusal::{Refusal, RefusalKind};
use crate::source::Source;

/// Checks tabs, directives and anchor names against the parser's spans, and that the
/// stream does not open with `...` (PyYAML: "expected the node content, but found
/// '<document end>'"); the first problem is returned.
pub(crate) fn check_tokens(src: &Source<'_>, events: &[Spanned]) -> Result<(), Refusal> {
    let first_significant = src.lines.iter().find(|l| {
        let t = src.line_text(l).trim_start_matches(' ');
        !t.is_empty() && !t.starts_with('#')
    });
    if let Some(line) = first_significant {
        let t = src.line_text(line);
        if t.starts_with("...") && matches!(t.as_bytes().get(3), None | Some(b' ') | Some(b'\t')) {
            return Err(
                Refusal::invalid("the file starts with a document end marker '...'")
                    .at_line(line_no(src, line.start)),
            );
        }
    }
    let mut scan = Scan {
        src,
        anchors: HashSet::new(),
    };
    scan.run(events)
}

fn line_no(src: &Source<'_>, pos: usize) -> usize {
    src.line_index(pos) + 1
}

/// PyYAML's reader: `NON_PRINTABLE` characters are an error; also refuses the characters
/// the two parsers read differently (NEL/LS/PS, a BOM after the start). Runs before parsing.
pub(crate) fn check_characters(src: &Source<'_>) -> Result<(), Refusal> {
    for (pos, c) in src.text.char_indices() {
        let printable = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}');
        if !printable {
            return Err(Refusal::invalid(format!(
                "special character U+{:04X} is not allowed in YAML",
                c as u32
            ))
            .at_line(line_no(src, pos)));
        }
        if matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') {
            return Err(Refusal::new(
                RefusalKind::UnsupportedLayout,
                format!(
                    "the file contains the Unicode line break U+{:04X}",
                    c as u32
                ),
                "replace it by a normal line break (LF) and try again",
            )
            .at_line(line_no(src, pos)));
        }
        if c == '\u{feff}' {
            return Err(Refusal::new(
                RefusalKind::UnsupportedLayout,
                "the file contains a byte order mark (U+FEFF) after its start",
                "remove the stray byte order mark and try again",
            )
            .at_line(line_no(src, pos)));
        }
    }
    Ok(())
}

fn is_pyyaml_anchor_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn tab_error(src: &Source<'_>, pos: usize) -> Refusal {
    Refusal::invalid("a tab character where PyYAML allows only spaces (PyYAML: found character '\\t' that cannot start any token)")
        .at_line(line_no(src, pos))
}

struct Scan<'s, 'a> {
    src: &'s Source<'a>,
    anchors: HashSet<String>,
}

impl Scan<'_, '_> {
    fn bytes(&self) -> &[u8] {
        self.src.text.as_bytes()
    }

    fn run(&mut self, events: &[Spanned]) -> Result<(), Refusal> {
        let mut regions: Vec<(usize, usize, Style)> = events
            .iter()
            .filter_map(|sp| match &sp.ev {
                Ev::Scalar { style, .. } if sp.end > sp.start => Some((sp.start, sp.end, *style)),
                _ => None,
            })
            .collect();
        regions.sort_by_key(|r| r.0);
        let len = self.bytes().len();
        let mut next_region = 0;
        let mut i = 0;
        while i < len {
            while next_region < regions.len() && regions[next_region].1 <= i {
                next_region += 1;
            }
            if let Some(&(start, end, style)) = regions.get(next_region)
                && start <= i
            {
                self.scalar_region(i, end, style)?;
                i = end;
                next_region += 1;
                continue;
            }
            let region_start = regions.get(next_region).map_or(len, |r| r.0);
            i = self.outside(i, region_start)?;
        }
        Ok(())
    }

    /// Scans text outside any scalar from `i`, stopping at `limit`; returns the new position.
    fn outside(&mut self, mut i: usize, limit: usize) -> Result<usize, Refusal> {
        while i < limit {
            let b = self.bytes()[i];
            let at_line_start = i == 0 || matches!(self.bytes()[i - 1], b'\n' | b'\r');
            match b {
                b'#' => i = self.skip_to_eol(i).min(limit.max(i + 1)),
                b'%' if at_line_start => i = self.directive(i, limit)?,
                b'\t' => return Err(tab_error(self.src, i)),
                b'&' => i = self.anchor_token(i, true)?,
                b'*' => i = self.anchor_token(i, false)?,
                b'!' => i = self.skip_token(i),
                _ => i += 1,
            }
        }
        Ok(i)
    }

    /// A directive line, checked the way PyYAML's `scan_directive` does: a name of
    /// `[0-9A-Za-z_-]`, then a space or the line end; `%YAML` takes `1.<minor>`. Its
    /// arguments may hold '&', '!' or '*' (tag URIs), which are not anchors or aliases.
    fn directive(&self, i: usize, limit: usize) -> Result<usize, Refusal> {
        let line_end = self.skip_to_eol(i).min(limit.max(i + 1));
        let line = self.src.text.get(i..line_end).unwrap_or("");
        let bad = |why: &str| {
            Refusal::invalid(format!("while scanning a directive: {why}"))
                .at_line(line_no(self.src, i))
        };
        let name_len = line[1..]
            .bytes()
            .take_while(|&c| is_pyyaml_anchor_char(c))
            .count();
        if name_len == 0 || !matches!(line.as_bytes().get(1 + name_len), None | Some(b' ')) {
            return Err(bad(
                "expected a name made of letters, digits, '-' or '_' and then a space",
            ));
        }
        if let Some(tab) = line.find('\t') {
            return Err(tab_error(self.src, i + tab));
        }
        if &line[1..1 + name_len] == "YAML" {
            let rest = line[1 + name_len..].trim_start_matches(' ');
            let version_len = rest.find([' ', '#']).unwrap_or(rest.len());
            let (version, after) = rest.split_at(version_len);
            let ok = version.split_once('.').is_some_and(|(major, minor)| {
                major == "1" && !minor.is_empty() && minor.bytes().all(|c| c.is_ascii_digit())
            });
            let after = after.trim_start_matches(' ');
            if !ok || !(after.is_empty() || after.starts_with('#')) {
                return Err(bad("expected %YAML 1.x"));
            }
        }
        Ok(line_end)
    }

    fn skip_to_eol(&self, mut i: usize) -> usize {
        while i < self.bytes().len() && !matches!(self.bytes()[i], b'\n' | b'\r') {
            i += 1;
        }
        i
    }

    /// Skips a tag token (up to whitespace); tabs end it and are then reported by the caller.
    fn skip_token(&self, mut i: usize) -> usize {
        while i < self.bytes().len() && !matches!(self.bytes()[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    }

    /// Checks an anchor (`&`) or alias (`*`) name the way PyYAML's `scan_anchor` does.
    fn anchor_token(&mut self, i: usize, is_anchor: bool) -> Result<usize, Refusal> {
        let what = if is_anchor { "an anchor" } else { "an alias" };
        let bytes = self.bytes();
        let mut j = i + 1;
        while j < bytes.len() && is_pyyaml_anchor_char(bytes[j]) {
            j += 1;
        }
        let after_ok = match bytes.get(j) {
            None => true,
            Some(b) => b" \t\r\n?:,]}%@`".contains(b),
        };
        if j == i + 1 || !after_ok {
            return Err(Refusal::invalid(format!(
                "while scanning {what}: PyYAML allows only letters, digits, '-' and '_' in its name"
            ))
            .at_line(line_no(self.src, i)));
        }
        if is_anchor {
            let name = self.src.text.get(i + 1..j).unwrap_or("").to_string();
            if !self.anchors.insert(name.clone()) {
                return Err(Refusal::invalid(format!("found duplicate anchor '{name}'"))
                    .at_line(line_no(self.src, i)));
            }
        }
        Ok(j)
    }

    /// Checks a scalar's span: its properties (tag, anchor), then its content.
    fn scalar_region(&mut self, start: usize, end: usize, style: Style) -> Result<usize, Refusal> {
        // Properties that the parser folded into the scalar's span. A block scalar's span
        // starts at its content when it has no properties, and that content may begin
        // with '#', so only look for properties where they can be.
        let mut j = start;
        let mut props_line_end = None;
        let may_have_props =
            !style.is_block() || matches!(self.bytes().get(start), Some(b'&') | Some(b'!'));
        while may_have_props && j < end {
            while j < end && matches!(self.bytes()[j], b' ' | b'\n' | b'\r') {
                j += 1;
            }
            if j >= end {
                break;
            }
            match self.bytes()[j] {
                b'\t' => return Err(tab_error(self.src, j)),
                b'#' => j = self.skip_to_eol(j).min(end),
                b'&' => {
                    j = self.anchor_token(j, true)?;
                    props_line_end = Some(j);
                }
                b'!' => {
                    j = self.skip_token(j);
                    props_line_end = Some(j);
                }
                _ => break,
            }
        }
        let content = j.min(end);
        match style {
            Style::Plain => {
                if let Some(pos) = (content..end).find(|&k| self.bytes()[k] == b'\t') {
                    return Err(tab_error(self.src, pos));
                }
            }
            Style::SingleQuoted | Style::DoubleQuoted => {}
            Style::Literal | Style::Folded => {
                let body_start = if props_line_end.is_some() {
                    // The header (`|`, `>`, indicators, comment) is inside the span.
                    let header_end = self.skip_to_eol(content).min(end);
                    let mut k = content;
                    while k < header_end && self.bytes()[k] != b'#' {
                        if self.bytes()[k] == b'\t' {
                            return Err(tab_error(self.src, k));
                        }
                        k += 1;
                    }
                    header_end
                } else {
                    content
                };
                self.block_body(body_start, end, props_line_end.is_none())?;
            }
        }
        Ok(end)
    }

    /// A block scalar body: no tab may stand where indentation spaces are expected.
    fn block_body(
        &self,
        body_start: usize,
        end: usize,
        starts_at_content: bool,
    ) -> Result<(), Refusal> {
        let src = self.src;
        let first = src.line_index(body_start);
        let mut indent: Option<usize> = None;
        if starts_at_content {
            let line = src.lines.get(first).copied();
            if let Some(line) = line {
                indent = Some(body_start.saturating_sub(line.start));
            }
        }
        for idx in first..src.lines.len() {
            let line = src.lines[idx];
            if line.start >= end {
                break;
            }
            let from = if idx == first { body_start } else { line.start };
            if starts_at_content && idx == first {
                continue;
            }
            let text = src.text.as_bytes();
            let mut k = from;
            while k < line.content_end && text[k] == b' ' {
                k += 1;
            }
            if k < line.content_end && text[k] == b'\t' {
                let col = k - line.start;
                let has_content = text[k..line.content_end]
                    .iter()
                    .any(|b| !matches!(b, b' ' | b'\t'));
                match indent {
                    Some(n) if col >= n => {}
                    // Indentation not known yet (the header carried properties): spaces
                    // before the tab on the first content line define it.
                    None if col > 0 && has_content => indent = Some(col),
                    _ => return Err(tab_error(src, k)),
                }
            } else if indent.is_none() && k < line.content_end {
                indent = Some(k - line.start);
            }
        }
        Ok(())
    }
}
