//! A config file loaded the way the installer loads it, with the positions needed to edit it.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::compose::{self, Graph, NodeId, NodeKind};
use crate::construct::Constructor;
use crate::events::{self, Ev, Spanned, Style};
use crate::lexical;
use crate::refusal::{Refusal, RefusalKind};
use crate::source::Source;
use crate::value::Value;

/// The key this crate edits.
pub(crate) const TELEMETRY_KEY: &str = "telemetry_enabled";

/// A loaded config.
pub(crate) struct Loaded<'a> {
    pub src: Source<'a>,
    pub graph: Graph,
    /// The top-level mapping node; `None` when the file holds no document or an empty one
    /// (PyYAML gives `None`; the installer cannot use that, adding the key fixes it).
    pub root: Option<NodeId>,
    /// The constructed top-level mapping (empty when `root` is `None`).
    pub top: TopLevel,
    /// Direct top-level pairs whose key is the string `telemetry_enabled`.
    pub telemetry_pairs: Vec<(NodeId, NodeId)>,
    /// Largest end offset of any node or document marker of the document.
    pub content_end: usize,
    /// Where the document's body ends: the start of its `...` line, or the end of the text.
    pub body_end: usize,
}

/// Loads `bytes`, refusing whatever PyYAML's `safe_load` or the installer would reject.
pub(crate) fn load(bytes: &[u8]) -> Result<Loaded<'_>, Refusal> {
    let src = Source::new(bytes)?;
    lexical::check_characters(&src)?;
    let events = events::parse(&src)?;
    lexical::check_tokens(&src, &events)?;

    let starts: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.ev, Ev::DocumentStart { .. }))
        .map(|(i, _)| i)
        .collect();
    if starts.len() > 1 {
        let line = src.line_index(events[starts[1]].start) + 1;
        return Err(Refusal::new(
            RefusalKind::MultipleDocuments,
            "the file holds more than one YAML document (PyYAML safe_load: expected a single document in the stream)",
            "keep only the document the installer should read",
        )
        .at_line(line));
    }
    let Some(&first) = starts.first() else {
        return Ok(Loaded {
            body_end: src.text.len(),
            content_end: 0,
            src,
            graph: Graph::default(),
            root: None,
            top: TopLevel::default(),
            telemetry_pairs: Vec::new(),
        });
    };
    let end = events[first..]
        .iter()
        .position(|e| matches!(e.ev, Ev::DocumentEnd))
        .map_or(events.len(), |p| first + p);
    let doc_events: &[Spanned] = &events[first + 1..end];
    let body_end = match events.get(end) {
        Some(e) if e.end > e.start => src
            .lines
            .get(src.line_index(e.start))
            .map_or(e.start, |l| l.start),
        _ => src.text.len(),
    };
    let content_end = events[first..end]
        .iter()
        .filter(|e| {
            e.end > e.start
                || matches!(
                    e.ev,
                    Ev::Scalar { .. }
                        | Ev::Alias { .. }
                        | Ev::SequenceStart { .. }
                        | Ev::MappingStart { .. }
                )
        })
        .map(|e| e.end)
        .max()
        .unwrap_or(0)
        .min(body_end);

    let (graph, root) = compose::compose(&src, doc_events)?;
    compose::check_pyyaml_structure(&src, &graph)?;
    let mut loaded = Loaded {
        src,
        graph,
        root: None,
        top: TopLevel::default(),
        telemetry_pairs: Vec::new(),
        content_end,
        body_end,
    };
    let Some(root) = root else {
        return Ok(loaded);
    };
    let node = &loaded.graph.nodes[root];
    let is_empty_document = matches!(
        &node.kind,
        NodeKind::Scalar { value, style: Style::Plain, tag: None } if value.is_empty()
    ) && !node.anchored;
    if is_empty_document {
        return Ok(loaded);
    }
    let mut ctor = Constructor::new(&loaded.graph, &loaded.src);
    ctor.check_size(root)?;
    let value = ctor.construct(root, false, 0)?;
    let top = match &*value {
        Value::Map(m) if matches!(loaded.graph.nodes[root].kind, NodeKind::Map { .. }) => m.clone(),
        other => {
            let what = match other {
                Value::Null => "null",
                Value::Seq(_) | Value::Pairs(_) => "a list",
                Value::Set(_) => "a set",
                _ => "a single value",
            };
            return Err(Refusal::new(
                RefusalKind::TopLevelNotMapping,
                format!("the top level of the file is {what}, not a mapping of settings"),
                "an installer config.yaml is a mapping of `key: value` lines; fix the file first",
            )
            .at_line(loaded.src.line_index(loaded.graph.nodes[root].start) + 1));
        }
    };
    let NodeKind::Map { pairs, .. } = &loaded.graph.nodes[root].kind else {
        return unreachable_mapping();
    };
    let pairs = pairs.clone();
    let mut telemetry_pairs = Vec::new();
    for (k, v) in pairs {
        let is_merge_key = matches!(
            &loaded.graph.nodes[loaded.graph.resolve(k)].kind,
            NodeKind::Scalar { value, style, tag }
                if crate::construct::scalar_tag(value, *style, tag.as_deref()).ends_with(":merge")
        );
        if is_merge_key {
            continue;
        }
        let key = ctor.construct(k, true, 0)?;
        if matches!(&*key, Value::Str(s) if s == TELEMETRY_KEY) {
            telemetry_pairs.push((k, v));
        }
    }
    drop(ctor);
    loaded.root = Some(root);
    loaded.top = TopLevel(top);
    loaded.telemetry_pairs = telemetry_pairs;
    Ok(loaded)
}

/// The top-level settings of a config as the installer's PyYAML `safe_load` reads them.
/// Equality is Python's (`1 == 1.0 == True`, dicts without order); `Debug` shows the exact
/// constructed values. Used to read single settings (`platform`, `customer_key`) and, in tests
/// and fuzzing, as an independent look at what an edit changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopLevel(BTreeMap<Rc<Value>, Rc<Value>>);

impl TopLevel {
    /// The number of distinct top-level keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no settings (an empty or comments-only file).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The string the installer makes of the value of the string key `key`: `None` when
    /// the key is absent, `Some(None)` when its value is of a type the installer rejects.
    pub fn installer_value(&self, key: &str) -> Option<Option<String>> {
        self.0
            .get(&Value::Str(key.into()))
            .map(|v| v.as_installer_string())
    }

    /// These settings without the string key `key`.
    pub fn without(&self, key: &str) -> TopLevel {
        let mut map = self.0.clone();
        map.remove(&Value::Str(key.into()));
        TopLevel(map)
    }
}

/// Reads `bytes` with the same loader [`crate::plan_opt_out`] uses (PyYAML `safe_load`
/// semantics, refusing what the installer would reject) and returns the top-level settings.
/// An empty or comments-only file gives no settings.
#[doc(hidden)]
pub fn read_top_level(bytes: &[u8]) -> Result<TopLevel, Refusal> {
    load(bytes).map(|doc| doc.top)
}

/// The root was checked to be a mapping just before; keeps the code free of panics.
fn unreachable_mapping<T>() -> Result<T, Refusal> {
    Err(Refusal::new(
        RefusalKind::TopLevelNotMapping,
        "the top level of the file is not a mapping of settings",
        "an installer config.yaml is a mapping of `key: value` lines",
    ))
}

impl Loaded<'_> {
    /// The value the installer would read for `telemetry_enabled`, as a string
    /// (`None` when absent or of a type the installer rejects).
    pub fn installer_telemetry(&self) -> Option<Option<String>> {
        self.top.installer_value(TELEMETRY_KEY)
    }

    /// The top-level mapping without `telemetry_enabled`.
    pub fn others(&self) -> TopLevel {
        self.top.without(TELEMETRY_KEY)
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, pos: usize) -> usize {
        self.src.line_index(pos) + 1
    }

    /// The source text of a node's span.
    pub fn node_text(&self, id: NodeId) -> &str {
        let n = &self.graph.nodes[id];
        self.src.text.get(n.start..n.end).unwrap_or("")
    }
}
