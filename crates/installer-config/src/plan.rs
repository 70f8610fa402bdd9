//! Planning the opt-out edit: set the top-level `telemetry_enabled` to `'false'`.

use crate::compose::{NodeId, NodeKind};
use crate::document::{self, Loaded, TELEMETRY_KEY};
use crate::refusal::{Refusal, RefusalKind};
use crate::source::{BOM, LineEnding};

/// The value text this crate writes (the form the DC/OS docs use).
pub const OPTED_OUT_VALUE: &str = "'false'";

/// Whether the telemetry line was rewritten or added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// An existing top-level `telemetry_enabled` value was replaced.
    Rewritten,
    /// The key was absent at the top level; a line was added.
    Added,
}

/// What the edit changes, for messages and reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Rewritten or added.
    pub kind: ChangeKind,
    /// 1-based number of the line holding the new value in the new file.
    pub line: usize,
    /// The value as written before (e.g. `true`, `"true"`, or empty); `None` when added.
    pub old_value: Option<String>,
    /// The value written: always [`OPTED_OUT_VALUE`].
    pub new_value: String,
    /// The old line (without line ending); `None` when added.
    pub old_line: Option<String>,
    /// The new line (without line ending).
    pub new_line: String,
    /// The line ending of the added line (`None` when rewritten: the line keeps its own).
    pub added_line_ending: Option<LineEnding>,
}

/// A planned edit: the complete new file and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The new file content (byte-identical to the old one outside the change).
    pub new_bytes: Vec<u8>,
    /// What changed.
    pub change: Change,
}

/// The file already opts out: the installer reads `telemetry_enabled` as `'false'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlreadyOptedOut {
    /// 1-based line of the value of the top-level key, if it is written directly (the
    /// key's line, except with explicit-key syntax `? key` / `: value`).
    pub line: Option<usize>,
    /// The value as written (`'false'`, `false`, `"false"`, `off`, `!!str false`, ...), or
    /// a note when the value comes from a merge key (`<<`).
    pub value_text: String,
}

/// The outcome of [`plan_opt_out`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The file must change; the new bytes were verified.
    Edit(Edit),
    /// Nothing to change.
    AlreadyOptedOut(AlreadyOptedOut),
}

/// Plans setting the top-level `telemetry_enabled` of an installer `config.yaml` to
/// `'false'`, changing nothing else. Pure: reads `original`, returns the new bytes (or
/// "nothing to change"), or a [`Refusal`] when the file cannot be edited safely.
///
/// Every edit is verified before it is returned: the new bytes are loaded again the way
/// the installer would, must read `telemetry_enabled` as `'false'`, and must give every
/// other top-level key the same value as before.
pub fn plan_opt_out(original: &[u8]) -> Result<Plan, Refusal> {
    let doc = document::load(original)?;
    if doc.telemetry_pairs.len() > 1 {
        let lines: Vec<String> = doc
            .telemetry_pairs
            .iter()
            .map(|&(k, _)| doc.line_of(doc.graph.nodes[k].start).to_string())
            .collect();
        return Err(Refusal::new(
            RefusalKind::DuplicateTelemetryKey,
            format!("telemetry_enabled is given {} times at the top level (lines {})", lines.len(), lines.join(", ")),
            "the installer keeps only the last one; delete the others by hand so the file says one thing",
        )
        .at_line(doc.line_of(doc.graph.nodes[doc.telemetry_pairs[1].0].start)));
    }
    let current = doc.installer_telemetry();
    let (new_text, change) = match doc.telemetry_pairs.first() {
        Some(&(key, value)) => {
            let key_line = doc.line_of(doc.graph.nodes[key].start);
            if let NodeKind::Alias { .. } = doc.graph.nodes[value].kind {
                return Err(Refusal::new(
                    RefusalKind::AnchorOrAlias,
                    format!(
                        "telemetry_enabled is an alias ({}) of another value",
                        doc.node_text(value)
                    ),
                    "its value follows another key; replace the alias by 'false' by hand",
                )
                .at_line(key_line));
            }
            if current == Some(Some("false".into())) {
                return Ok(Plan::AlreadyOptedOut(AlreadyOptedOut {
                    line: Some(doc.line_of(doc.graph.nodes[value].start)),
                    value_text: doc.node_text(value).to_string(),
                }));
            }
            rewrite(&doc, key, value)?
        }
        None => {
            if current == Some(Some("false".into())) {
                return Ok(Plan::AlreadyOptedOut(AlreadyOptedOut {
                    line: None,
                    value_text: "'false' (from a merge key `<<`)".into(),
                }));
            }
            add(&doc)?
        }
    };
    let mut new_bytes = Vec::with_capacity(original.len() + 32);
    if doc.src.has_bom {
        new_bytes.extend_from_slice(BOM.as_bytes());
    }
    new_bytes.extend_from_slice(new_text.as_bytes());
    verify(&doc, &new_bytes, change.kind)?;
    Ok(Plan::Edit(Edit { new_bytes, change }))
}

fn line_text_at(text: &str, pos: usize) -> String {
    let start = text[..pos].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[pos..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| pos + i);
    text[start..end].to_string()
}

fn line_number_at(text: &str, pos: usize) -> usize {
    let lines = crate::source::split_lines(text);
    lines
        .iter()
        .position(|l| pos >= l.start && pos < l.end)
        .map_or(lines.len(), |i| i + 1)
}

fn unsupported(reason: impl Into<String>, line: usize) -> Refusal {
    Refusal::new(
        RefusalKind::UnsupportedValue,
        reason,
        "replace the value by 'false' by hand (telemetry_enabled: 'false')",
    )
    .at_line(line)
}

/// Replaces the value of the single top-level `telemetry_enabled`.
fn rewrite(doc: &Loaded<'_>, key: NodeId, value: NodeId) -> Result<(String, Change), Refusal> {
    let text = doc.src.text;
    let key_node = &doc.graph.nodes[key];
    let value_node = &doc.graph.nodes[value];
    let line = doc.line_of(key_node.start);
    if let Some(root) = doc.root
        && matches!(doc.graph.nodes[root].kind, NodeKind::Map { flow: true, .. })
    {
        return Err(Refusal::new(
            RefusalKind::FlowMapping,
            "the settings are one flow mapping ({...} or JSON), which this editor does not rewrite",
            "change telemetry_enabled to 'false' by hand inside the braces",
        )
        .at_line(line));
    }
    if key_node.anchored || matches!(key_node.kind, NodeKind::Alias { .. }) || value_node.anchored {
        return Err(Refusal::new(
            RefusalKind::AnchorOrAlias,
            "telemetry_enabled or its value carries an anchor (&name) that other values may refer to",
            "change the value by hand, keeping the aliases that use it correct",
        )
        .at_line(line));
    }
    let (start, end) = (value_node.start, value_node.end);
    match &value_node.kind {
        NodeKind::Scalar {
            style,
            value: v,
            tag,
        } => {
            if style.is_block() {
                return Err(unsupported(
                    "the current value is a block scalar (| or >)",
                    line,
                ));
            }
            let written = text.get(start..end).unwrap_or("");
            if written.contains(['\n', '\r']) {
                return Err(unsupported("the current value spans several lines", line));
            }
            let (at, replace_to, insert) = if start == end && v.is_empty() && tag.is_none() {
                // No value at all: write it after the ':' indicator (the parser puts the
                // empty value at the indicator or just after it).
                let before = text[..start].trim_end_matches(' ');
                let colon_end = if text[start..].starts_with(':') {
                    start + 1
                } else if before.ends_with(':') {
                    before.len()
                } else {
                    return Err(Refusal::new(
                        RefusalKind::UnsupportedLayout,
                        "telemetry_enabled has no value and no ':' on its line to write one after",
                        "write `telemetry_enabled: 'false'` by hand",
                    )
                    .at_line(line));
                };
                (colon_end, colon_end, format!(" {OPTED_OUT_VALUE}"))
            } else {
                (start, end, OPTED_OUT_VALUE.to_string())
            };
            let mut out = String::with_capacity(text.len() + 8);
            out.push_str(&text[..at]);
            out.push_str(&insert);
            out.push_str(&text[replace_to..]);
            let new_pos = at + insert.len() - 1;
            let change = Change {
                kind: ChangeKind::Rewritten,
                line: line_number_at(&out, new_pos),
                old_value: Some(written.to_string()),
                new_value: OPTED_OUT_VALUE.to_string(),
                old_line: Some(line_text_at(text, start.min(text.len()))),
                new_line: line_text_at(&out, new_pos),
                added_line_ending: None,
            };
            Ok((out, change))
        }
        NodeKind::Seq { .. } | NodeKind::Map { .. } => Err(unsupported(
            "the current value is a list or a mapping",
            line,
        )),
        NodeKind::Alias { .. } => Err(Refusal::new(
            RefusalKind::AnchorOrAlias,
            "telemetry_enabled is an alias of another value",
            "replace the alias by 'false' by hand",
        )
        .at_line(line)),
    }
}

/// Adds `telemetry_enabled: 'false'` at the end of the top-level mapping.
fn add(doc: &Loaded<'_>) -> Result<(String, Change), Refusal> {
    let text = doc.src.text;
    let indent = match doc.root {
        None => String::new(),
        Some(root) => {
            let NodeKind::Map { pairs, flow, .. } = &doc.graph.nodes[root].kind else {
                return Err(Refusal::new(
                    RefusalKind::TopLevelNotMapping,
                    "the top level of the file is not a mapping of settings",
                    "an installer config.yaml is a mapping of `key: value` lines",
                ));
            };
            if *flow {
                return Err(Refusal::new(
                    RefusalKind::FlowMapping,
                    "the settings are one flow mapping ({...} or JSON), which this editor does not extend",
                    "add `telemetry_enabled: 'false'` by hand inside the braces",
                )
                .at_line(doc.line_of(doc.graph.nodes[root].start)));
            }
            match pairs.first() {
                None => String::new(),
                Some(&(first_key, _)) => mapping_indent(doc, first_key)?,
            }
        }
    };
    // Insert after the last non-blank line of the document body, and after its last node
    // (a block scalar that keeps trailing blank lines owns them).
    let body_end = doc.body_end.min(text.len());
    let mut insert_at = 0;
    for line in doc.src.lines.iter().filter(|l| l.start < body_end) {
        if !doc.src.line_text(line).trim_matches([' ', '\t']).is_empty() {
            insert_at = line.end;
        }
    }
    if doc.content_end > 0 {
        let ce = doc.content_end.min(text.len());
        let at_line_start = matches!(
            text.as_bytes().get(ce.wrapping_sub(1)),
            Some(b'\n') | Some(b'\r')
        ) && !(text.as_bytes()[ce - 1] == b'\r'
            && text.as_bytes().get(ce) == Some(&b'\n'));
        let ce_line_end = if at_line_start {
            ce
        } else {
            doc.src
                .lines
                .get(doc.src.line_index(ce.saturating_sub(1)))
                .map_or(ce, |l| l.end)
        };
        insert_at = insert_at.max(ce_line_end);
    }
    let ending = doc.src.dominant_ending();
    let key_line = format!("{indent}{TELEMETRY_KEY}: {OPTED_OUT_VALUE}");
    let unterminated = insert_at == text.len() && !text.is_empty() && !text.ends_with(['\n', '\r']);
    let inserted = if unterminated {
        // Keep the file's previous bytes as they are and its "no final newline" style.
        format!("{}{key_line}", ending.as_str())
    } else {
        format!("{key_line}{}", ending.as_str())
    };
    let mut out = String::with_capacity(text.len() + inserted.len());
    out.push_str(&text[..insert_at]);
    out.push_str(&inserted);
    out.push_str(&text[insert_at..]);
    let key_pos = if unterminated {
        insert_at + ending.as_str().len()
    } else {
        insert_at
    };
    let change = Change {
        kind: ChangeKind::Added,
        line: line_number_at(&out, key_pos),
        old_value: None,
        new_value: OPTED_OUT_VALUE.to_string(),
        old_line: None,
        new_line: key_line,
        added_line_ending: Some(ending),
    };
    Ok((out, change))
}

/// The indentation of the top-level mapping: the spaces before its first key (or before
/// the `?` of an explicit first key).
fn mapping_indent(doc: &Loaded<'_>, first_key: NodeId) -> Result<String, Refusal> {
    let start = doc.graph.nodes[first_key].start;
    let line = doc.src.lines.get(doc.src.line_index(start)).copied();
    let prefix = line
        .and_then(|l| doc.src.text.get(l.start..start))
        .unwrap_or("");
    let spaces = prefix.len() - prefix.trim_start_matches(' ').len();
    let rest = &prefix[spaces..];
    if rest.is_empty() || (rest.starts_with('?') && rest[1..].bytes().all(|b| b == b' ')) {
        Ok(" ".repeat(spaces))
    } else {
        Err(Refusal::new(
            RefusalKind::UnsupportedLayout,
            "cannot tell the indentation of the top-level mapping (its first key shares a line with other tokens)",
            "add `telemetry_enabled: 'false'` by hand",
        )
        .at_line(doc.line_of(start)))
    }
}

/// Loads the new bytes again and checks that only `telemetry_enabled` changed.
fn verify(old: &Loaded<'_>, new_bytes: &[u8], kind: ChangeKind) -> Result<(), Refusal> {
    let failed = |why: String| {
        Refusal::new(
            RefusalKind::VerificationFailed,
            format!("the planned edit did not verify: {why}"),
            "nothing was changed; set telemetry_enabled: 'false' by hand",
        )
    };
    let new = document::load(new_bytes)
        .map_err(|r| failed(format!("the result would not load ({r})")))?;
    if new.telemetry_pairs.len() != 1 {
        return Err(failed(format!(
            "{} top-level telemetry_enabled keys after the edit",
            new.telemetry_pairs.len()
        )));
    }
    if new.installer_telemetry() != Some(Some("false".into())) {
        return Err(failed(
            "the installer would not read telemetry_enabled as 'false'".into(),
        ));
    }
    if old.others() != new.others() {
        return Err(failed("another top-level setting would change".into()));
    }
    let expected_lines = old.src.lines.len() + usize::from(kind == ChangeKind::Added);
    if new.src.lines.len() != expected_lines {
        return Err(failed(
            "the number of lines would change unexpectedly".into(),
        ));
    }
    Ok(())
}
