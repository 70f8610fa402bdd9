//! The YAML event stream (from `saphyr-parser`) with byte spans into the source text.

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::refusal::Refusal;
use crate::source::Source;

/// Upper bound on the number of events accepted (a guard against pathological input).
const MAX_EVENTS: usize = 2_000_000;

/// Scalar presentation style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Style {
    pub fn is_block(self) -> bool {
        matches!(self, Style::Literal | Style::Folded)
    }
}

/// An owned event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ev {
    DocumentStart {
        explicit: bool,
    },
    DocumentEnd,
    /// An alias; `target` is the parser's anchor id.
    Alias {
        target: usize,
    },
    Scalar {
        value: String,
        style: Style,
        anchor: usize,
        tag: Option<String>,
    },
    SequenceStart {
        anchor: usize,
        tag: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: usize,
        tag: Option<String>,
    },
    MappingEnd,
}

/// An event and its byte span `start..end` in [`Source::text`].
#[derive(Debug, Clone)]
pub(crate) struct Spanned {
    pub ev: Ev,
    pub start: usize,
    pub end: usize,
}

/// Parses the whole stream; a syntax error becomes an `InvalidYaml` refusal.
pub(crate) fn parse(src: &Source<'_>) -> Result<Vec<Spanned>, Refusal> {
    let mut parser = Parser::new_from_str(src.text);
    let mut out = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let line = e.marker().line().max(1);
            if e.info().contains("invalid indentation in quoted scalar") {
                // YAML 1.2 wants a quoted scalar's continuation lines indented; PyYAML
                // does not. Not a file the installer rejects, just one this parser won't read.
                Refusal::new(
                    crate::refusal::RefusalKind::UnsupportedLayout,
                    "a quoted value continues on a line indented less than its key",
                    "join the quoted value into one line, or set telemetry_enabled by hand",
                )
                .at_line(line)
            } else if e.info().contains("recursion limit exceeded") {
                Refusal::new(
                    crate::refusal::RefusalKind::UnsupportedLayout,
                    "values are nested too deeply for this editor",
                    "a DC/OS config.yaml nests a few levels; edit this file by hand",
                )
                .at_line(line)
            } else if e.info().contains("comments must be separated") {
                // PyYAML accepts `"value"# comment`; YAML 1.2 does not.
                Refusal::new(
                    crate::refusal::RefusalKind::UnsupportedLayout,
                    "a comment follows a value without a space before '#'",
                    "put a space before the '#' and try again",
                )
                .at_line(line)
            } else {
                Refusal::invalid(format!("YAML syntax error: {}", e.info())).at_line(line)
            }
        })?;
        let start = src.byte_of_char(span.start.index());
        let end = src.byte_of_char(span.end.index()).max(start);
        let ev = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(explicit) => Ev::DocumentStart { explicit },
            Event::DocumentEnd => Ev::DocumentEnd,
            Event::Alias(target) => Ev::Alias { target },
            Event::Scalar(value, style, anchor, tag) => Ev::Scalar {
                value: value.into_owned(),
                style: match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                },
                anchor,
                tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
            },
            Event::SequenceStart(anchor, tag) => Ev::SequenceStart {
                anchor,
                tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
            },
            Event::SequenceEnd => Ev::SequenceEnd,
            Event::MappingStart(anchor, tag) => Ev::MappingStart {
                anchor,
                tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
            },
            Event::MappingEnd => Ev::MappingEnd,
        };
        let end = match &ev {
            // saphyr-parser 0.3.4 ends a quoted scalar's span after any trailing spaces and
            // comment on its line; the scalar really ends at its closing quote.
            Ev::Scalar {
                style: Style::SingleQuoted | Style::DoubleQuoted,
                ..
            } => quoted_end(src.text, start).unwrap_or(end),
            _ => end,
        };
        out.push(Spanned { ev, start, end });
        if out.len() > MAX_EVENTS {
            return Err(Refusal::new(
                crate::refusal::RefusalKind::UnsupportedLayout,
                "the file is too large to check",
                "a DC/OS config.yaml is a few kilobytes; edit this file by hand",
            ));
        }
    }
    Ok(out)
}

/// Skips node properties (`!tag`, `&anchor`), spaces, line breaks and comments from `i`.
pub(crate) fn skip_properties(text: &str, mut i: usize) -> usize {
    let b = text.as_bytes();
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        match b.get(i) {
            Some(b'!') | Some(b'&') => {
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
            }
            Some(b'#') => {
                while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            _ => return i,
        }
    }
}

/// The end (after the closing quote) of the quoted scalar whose span starts at `start`.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let open = skip_properties(text, start);
    let quote = *b.get(open)?;
    if quote != b'\'' && quote != b'"' {
        return None;
    }
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Whether a collection-start event opened a flow collection (`{` or `[`).
pub(crate) fn is_flow_start(src: &Source<'_>, sp: &Spanned) -> bool {
    sp.end > sp.start && matches!(src.text.as_bytes().get(sp.end - 1), Some(b'{') | Some(b'['))
}
