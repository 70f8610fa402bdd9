//! Events of one document composed into a node graph, the way PyYAML's composer does it
//! (aliases point at the anchored node; an alias inside its own anchor is refused).

use std::collections::HashMap;

use crate::events::{Ev, Spanned, Style};
use crate::refusal::{Refusal, RefusalKind};
use crate::source::Source;

/// Index of a node in [`Graph::nodes`].
pub(crate) type NodeId = usize;

/// What a node holds.
#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    Scalar {
        value: String,
        style: Style,
        tag: Option<String>,
    },
    Seq {
        tag: Option<String>,
        items: Vec<NodeId>,
    },
    Map {
        tag: Option<String>,
        pairs: Vec<(NodeId, NodeId)>,
        flow: bool,
    },
    /// An alias (`*name`) to the node it names.
    Alias { target: NodeId },
}

/// A node and its source span (bytes; for collections, the span of the start event).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub start: usize,
    pub end: usize,
    /// Whether the node carries an anchor (`&name`).
    pub anchored: bool,
    /// Whether the node is inside a flow collection (or is one).
    pub in_flow: bool,
}

/// The composed document.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub nodes: Vec<Node>,
}

impl Graph {
    /// Follows aliases to the node they name.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        // Aliases never point at aliases, but stay safe against loops anyway.
        for _ in 0..4 {
            match self.nodes.get(id).map(|n| &n.kind) {
                Some(NodeKind::Alias { target }) => id = *target,
                _ => break,
            }
        }
        id
    }
}

enum Open {
    Seq(NodeId),
    Map(NodeId, Option<NodeId>),
}

/// Composes the root node of the document whose events are `events` (between, not
/// including, its DocumentStart and DocumentEnd). Returns `None` for an empty list.
pub(crate) fn compose(
    src: &Source<'_>,
    events: &[Spanned],
) -> Result<(Graph, Option<NodeId>), Refusal> {
    let mut g = Graph::default();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    let mut open_nodes: Vec<NodeId> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;

    for sp in events {
        let (node, anchor, opens) = match &sp.ev {
            Ev::Scalar {
                value,
                style,
                anchor,
                tag,
            } => (
                Node {
                    kind: NodeKind::Scalar {
                        value: value.clone(),
                        style: *style,
                        tag: tag.clone(),
                    },
                    start: sp.start,
                    end: sp.end,
                    anchored: *anchor != 0,
                    in_flow: false,
                },
                *anchor,
                false,
            ),
            Ev::Alias { target } => {
                let Some(&t) = anchors.get(target) else {
                    return Err(Refusal::invalid("found undefined alias")
                        .at_line(src.line_index(sp.start) + 1));
                };
                if open_nodes.contains(&t) {
                    return Err(Refusal::new(
                        RefusalKind::AnchorOrAlias,
                        "an alias refers to a collection that contains it (a recursive structure)",
                        "DC/OS configs never need recursive aliases; remove it",
                    )
                    .at_line(src.line_index(sp.start) + 1));
                }
                (
                    Node {
                        kind: NodeKind::Alias { target: t },
                        start: sp.start,
                        end: sp.end,
                        anchored: false,
                        in_flow: false,
                    },
                    0,
                    false,
                )
            }
            Ev::SequenceStart { anchor, tag } => (
                Node {
                    kind: NodeKind::Seq {
                        tag: tag.clone(),
                        items: Vec::new(),
                    },
                    start: sp.start,
                    end: sp.end,
                    anchored: *anchor != 0,
                    in_flow: crate::events::is_flow_start(src, sp),
                },
                *anchor,
                true,
            ),
            Ev::MappingStart { anchor, tag } => (
                Node {
                    kind: NodeKind::Map {
                        tag: tag.clone(),
                        pairs: Vec::new(),
                        flow: crate::events::is_flow_start(src, sp),
                    },
                    start: sp.start,
                    end: sp.end,
                    anchored: *anchor != 0,
                    in_flow: crate::events::is_flow_start(src, sp),
                },
                *anchor,
                true,
            ),
            Ev::SequenceEnd | Ev::MappingEnd => {
                stack.pop();
                open_nodes.pop();
                continue;
            }
            Ev::DocumentStart { .. } | Ev::DocumentEnd => continue,
        };
        let mut node = node;
        node.in_flow |= open_nodes.last().is_some_and(|&p| g.nodes[p].in_flow);
        let id = g.nodes.len();
        g.nodes.push(node);
        if anchor != 0 {
            anchors.insert(anchor, id);
        }
        // Attach to the parent.
        match stack.last_mut() {
            None => root = Some(id),
            Some(Open::Seq(parent)) => {
                if let NodeKind::Seq { items, .. } = &mut g.nodes[*parent].kind {
                    items.push(id);
                }
            }
            Some(Open::Map(parent, pending_key)) => match pending_key.take() {
                None => *pending_key = Some(id),
                Some(key) => {
                    if let NodeKind::Map { pairs, .. } = &mut g.nodes[*parent].kind {
                        pairs.push((key, id));
                    }
                }
            },
        }
        if opens {
            open_nodes.push(id);
            stack.push(match g.nodes[id].kind {
                NodeKind::Seq { .. } => Open::Seq(id),
                _ => Open::Map(id, None),
            });
        }
    }
    Ok((g, root))
}

/// Structure PyYAML rejects although YAML 1.2 (and so the parser) accepts it:
///
/// * an implicit key that spans lines or is longer than 1024 characters (PyYAML's simple
///   keys are single-line and short);
/// * an empty implicit key (`: value`), which PyYAML's block mapping rejects;
/// * a plain scalar holding `?` inside `[ ]` or `{ }` (PyYAML ends the scalar there).
pub(crate) fn check_pyyaml_structure(src: &Source<'_>, g: &Graph) -> Result<(), Refusal> {
    let text = src.text;
    let line_of = |pos: usize| src.line_index(pos) + 1;
    for node in &g.nodes {
        if let NodeKind::Scalar {
            value,
            style: Style::Plain,
            ..
        } = &node.kind
            && node.in_flow
            && value.contains('?')
        {
            return Err(Refusal::invalid(
                "a plain value inside [ ] or { } contains '?', where PyYAML ends it; quote the value",
            )
            .at_line(line_of(node.start)));
        }
        let NodeKind::Map { pairs, .. } = &node.kind else {
            continue;
        };
        for &(k, _) in pairs {
            let key = &g.nodes[k];
            let line_start = src
                .lines
                .get(src.line_index(key.start))
                .map_or(0, |l| l.start);
            let before = text
                .get(line_start..key.start)
                .unwrap_or("")
                .trim_end_matches(' ');
            let explicit = before.ends_with('?');
            if explicit || !matches!(key.kind, NodeKind::Scalar { .. }) {
                continue;
            }
            let content_start = crate::events::skip_properties(text, key.start).min(key.end);
            let content = text.get(content_start..key.end).unwrap_or("");
            if content.contains(['\n', '\r']) || content.chars().count() > 1024 {
                return Err(Refusal::invalid(
                    "a mapping key spans several lines or is longer than 1024 characters (PyYAML: could not find expected ':')",
                )
                .at_line(line_of(key.start)));
            }
            if colon_on_a_later_line(text, key.end) {
                return Err(Refusal::invalid(
                    "the ':' after a key is on a later line (PyYAML: simple keys must be on one line)",
                )
                .at_line(line_of(key.start)));
            }
            if key.start == key.end && text.get(key.start..).is_some_and(|t| t.starts_with(':')) {
                return Err(Refusal::invalid(
                    "a line starts with ':' without a key (PyYAML: expected <block end>, but found ':')",
                )
                .at_line(line_of(key.start)));
            }
        }
    }
    Ok(())
}

/// Whether, after a key ending at `end`, the next token is a ':' on a later line.
fn colon_on_a_later_line(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    let mut i = end;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if !matches!(b.get(i), Some(b'\n') | Some(b'\r')) {
        return false;
    }
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        if b.get(i) == Some(&b'#') {
            while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                i += 1;
            }
            continue;
        }
        return b.get(i) == Some(&b':');
    }
}
