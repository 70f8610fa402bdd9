//! PyYAML's YAML 1.1 resolver and `SafeConstructor`, re-done for the node graph.
//!
//! Plain scalars get their type from the YAML 1.1 implicit patterns PyYAML registers
//! (`yes`/`off`/`True` are booleans, `0777` is octal, `1:30` is sexagesimal, `~` is null,
//! `2001-12-14` is a date, `<<` is a merge key); quoted scalars and the non-specific tag
//! `!` give strings. Everything `safe_load` would raise on is a refusal: unknown tags,
//! impossible dates, `!!int` text that is not a number, unhashable mapping keys, bad merges.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use crate::compose::{Graph, NodeId, NodeKind};
use crate::events::Style;
use crate::refusal::{Refusal, RefusalKind};
use crate::source::Source;
use crate::value::Value;

const YAML: &str = "tag:yaml.org,2002:";
/// Upper bound on the size of the document with aliases expanded.
const MAX_EXPANDED: u64 = 200_000;

/// The resolved tag of a scalar (PyYAML `resolve`). PyYAML's parser marks a scalar with
/// the non-specific tag `!` as implicit-plain, so `! false` and even `! 'false'` resolve
/// like the plain `false` (a bool), unlike the YAML spec's "string".
pub(crate) fn scalar_tag(value: &str, style: Style, tag: Option<&str>) -> String {
    match tag {
        Some("!") => format!("{YAML}{}", implicit_type(value)),
        Some(t) => t.to_string(),
        None if style == Style::Plain => format!("{YAML}{}", implicit_type(value)),
        None => format!("{YAML}str"),
    }
}

/// The YAML 1.1 type PyYAML's resolver gives a plain scalar (in its registration order).
pub(crate) fn implicit_type(v: &str) -> &'static str {
    if is_bool(v) {
        "bool"
    } else if is_float(v) {
        "float"
    } else if is_int(v) {
        "int"
    } else if v == "<<" {
        "merge"
    } else if matches!(v, "" | "~" | "null" | "Null" | "NULL") {
        "null"
    } else if parse_timestamp(v, true).is_some() {
        "timestamp"
    } else if v == "=" {
        "value"
    } else {
        "str"
    }
}

fn is_bool(v: &str) -> bool {
    matches!(
        v,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

fn strip_sign(v: &str) -> &str {
    v.strip_prefix(['-', '+']).unwrap_or(v)
}

fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}

/// `(?::[0-5]?[0-9])+`
fn is_sexagesimal_tail(s: &str) -> bool {
    !s.is_empty()
        && s.split(':').skip(1).all(|part| {
            let b = part.as_bytes();
            match b.len() {
                1 => b[0].is_ascii_digit(),
                2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
                _ => false,
            }
        })
        && s.starts_with(':')
}

/// `[1-9][0-9_]*` or `[0-9][0-9_]*` (`lead_zero`).
fn is_digits_head(s: &str, lead_zero: bool) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && (if lead_zero {
            b[0].is_ascii_digit()
        } else {
            (b'1'..=b'9').contains(&b[0])
        })
        && all(&s[1..], |c| c.is_ascii_digit() || c == b'_')
}

fn is_int(v: &str) -> bool {
    let s = strip_sign(v);
    if let Some(d) = s.strip_prefix("0b") {
        return !d.is_empty() && all(d, |c| c == b'0' || c == b'1' || c == b'_');
    }
    if let Some(d) = s.strip_prefix("0x") {
        return !d.is_empty() && all(d, |c| c.is_ascii_hexdigit() || c == b'_');
    }
    if s == "0" {
        return true;
    }
    if let Some(d) = s.strip_prefix('0') {
        return !d.is_empty() && all(d, |c| (b'0'..=b'7').contains(&c) || c == b'_');
    }
    if is_digits_head(s, false) {
        return true;
    }
    match s.find(':') {
        Some(i) => is_digits_head(&s[..i], false) && is_sexagesimal_tail(&s[i..]),
        None => false,
    }
}

/// `[eE][-+][0-9]+` (optional).
fn is_exponent_opt(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let b = s.as_bytes();
    b.len() >= 3
        && matches!(b[0], b'e' | b'E')
        && matches!(b[1], b'-' | b'+')
        && all(&s[2..], |c| c.is_ascii_digit())
}

fn is_float(v: &str) -> bool {
    if matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some(rest) = v.strip_prefix('.') {
        // `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` (no sign allowed here)
        let end = rest.find(['e', 'E']).unwrap_or(rest.len());
        if is_digits_head(&rest[..end], true) && is_exponent_opt(&rest[end..]) {
            return true;
        }
    }
    let s = strip_sign(v);
    if matches!(s, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let Some(dot) = s.find('.') else { return false };
    let (head, tail) = (&s[..dot], &s[dot + 1..]);
    // `[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?`
    let end = tail.find(['e', 'E']).unwrap_or(tail.len());
    if is_digits_head(head, true)
        && all(&tail[..end], |c| c.is_ascii_digit() || c == b'_')
        && is_exponent_opt(&tail[end..])
    {
        return true;
    }
    // `[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*`
    match head.find(':') {
        Some(i) => {
            is_digits_head(&head[..i], true)
                && is_sexagesimal_tail(&head[i..])
                && all(tail, |c| c.is_ascii_digit() || c == b'_')
        }
        None => false,
    }
}

/// Time of day: hour, minute, second, fraction digits, zone (negative, hours, minutes).
type Clock = (u32, u32, u32, String, Option<(bool, u32, u32)>);

/// Parsed timestamp parts.
struct Stamp {
    year: u32,
    month: u32,
    day: u32,
    time: Option<Clock>,
}

fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    (s.len() >= min && s.len() <= max && all(s, |c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Matches PyYAML's timestamp pattern; `strict_date` is the resolver's form (a bare date
/// needs two-digit month and day), otherwise the constructor's looser one.
fn parse_timestamp(v: &str, strict_date: bool) -> Option<Stamp> {
    let b = v.as_bytes();
    if b.len() < 8 || b[4] != b'-' {
        return None;
    }
    let year = digits(v.get(..4)?, 4, 4)?;
    let rest = &v[5..];
    let m_end = rest.find('-')?;
    let month_s = &rest[..m_end];
    let rest = &rest[m_end + 1..];
    let d_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let day_s = &rest[..d_end];
    let rest = &rest[d_end..];
    if rest.is_empty() {
        let n = if strict_date { 2 } else { 1 };
        return Some(Stamp {
            year,
            month: digits(month_s, n, 2)?,
            day: digits(day_s, n, 2)?,
            time: None,
        });
    }
    let month = digits(month_s, 1, 2)?;
    let day = digits(day_s, 1, 2)?;
    let rest = if let Some(r) = rest.strip_prefix(['T', 't']) {
        r
    } else {
        let r = rest.trim_start_matches([' ', '\t']);
        if r.len() == rest.len() {
            return None;
        }
        r
    };
    let h_end = rest.find(':')?;
    let hour = digits(&rest[..h_end], 1, 2)?;
    let rest = &rest[h_end + 1..];
    let minute = digits(rest.get(..2)?, 2, 2)?;
    let rest = rest.get(2..)?.strip_prefix(':')?;
    let second = digits(rest.get(..2)?, 2, 2)?;
    let mut rest = rest.get(2..)?;
    let mut fraction = String::new();
    if let Some(r) = rest.strip_prefix('.') {
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        fraction = r[..end].to_string();
        rest = &r[end..];
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let tz = if rest.is_empty() {
        None
    } else if rest == "Z" {
        Some((false, 0, 0))
    } else {
        let neg = rest.starts_with('-');
        let r = rest.strip_prefix(['-', '+'])?;
        let (h, m) = match r.find(':') {
            Some(i) => (digits(&r[..i], 1, 2)?, digits(&r[i + 1..], 2, 2)?),
            None => (digits(r, 1, 2)?, 0),
        };
        Some((neg, h, m))
    };
    Some(Stamp {
        year,
        month,
        day,
        time: Some((hour, minute, second, fraction, tz)),
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

/// `construct_yaml_timestamp`: Python's `date`/`datetime` reject impossible values.
fn construct_timestamp(v: &str) -> Result<Value, String> {
    let st = parse_timestamp(v, false).ok_or_else(|| format!("'{v}' is not a timestamp"))?;
    if st.year < 1
        || !(1..=12).contains(&st.month)
        || st.day < 1
        || st.day > days_in_month(st.year, st.month)
    {
        return Err(format!("'{v}' is not a valid date"));
    }
    let date = format!("{:04}-{:02}-{:02}", st.year, st.month, st.day);
    let Some((h, m, s, frac, tz)) = st.time else {
        return Ok(Value::Timestamp(date));
    };
    if h > 23 || m > 59 || s > 59 {
        return Err(format!("'{v}' is not a valid time"));
    }
    let mut micro: String = frac.chars().take(6).collect();
    while micro.len() < 6 {
        micro.push('0');
    }
    let zone = match tz {
        None => "naive".to_string(),
        Some((neg, th, tm)) => {
            if th * 60 + tm >= 24 * 60 {
                return Err(format!("'{v}' has an impossible time zone offset"));
            }
            format!("{}{:02}:{:02}", if neg { '-' } else { '+' }, th, tm)
        }
    };
    Ok(Value::Timestamp(format!(
        "{date}T{h:02}:{m:02}:{s:02}.{micro}{zone}"
    )))
}

/// Parses unsigned digits in `radix`; too large for `i128` gives the normalised text.
fn int_from_digits(d: &str, radix: u32, neg: bool) -> Result<Value, String> {
    if d.is_empty() {
        return Err("an integer without digits".into());
    }
    let mut acc: Option<i128> = Some(0);
    for c in d.chars() {
        let v = c
            .to_digit(radix)
            .ok_or_else(|| format!("invalid digit '{c}' for base {radix}"))?;
        acc = acc
            .and_then(|a| a.checked_mul(i128::from(radix)))
            .and_then(|a| a.checked_add(i128::from(v)));
    }
    Ok(match acc {
        Some(a) => Value::Int(if neg { -a } else { a }),
        None => {
            let trimmed = d.trim_start_matches('0');
            Value::BigInt(format!(
                "{}{}:{}",
                if neg { "-" } else { "" },
                radix,
                trimmed
            ))
        }
    })
}

/// `construct_yaml_int`.
fn construct_int(text: &str) -> Result<Value, String> {
    let v: String = text.chars().filter(|&c| c != '_').collect();
    let first = v.chars().next().ok_or("an empty integer")?;
    let neg = first == '-';
    let v = if matches!(first, '-' | '+') {
        &v[1..]
    } else {
        &v[..]
    };
    if v == "0" {
        return Ok(Value::Int(0));
    }
    if let Some(d) = v.strip_prefix("0b") {
        return int_from_digits(d, 2, neg);
    }
    if let Some(d) = v.strip_prefix("0x") {
        return int_from_digits(d, 16, neg);
    }
    if v.starts_with('0') {
        return int_from_digits(v, 8, neg);
    }
    if v.contains(':') {
        let mut acc: i128 = 0;
        for part in v.split(':') {
            let p: i128 = part
                .trim()
                .parse()
                .map_err(|_| format!("'{text}' is not an integer"))?;
            acc = acc
                .checked_mul(60)
                .and_then(|a| a.checked_add(p))
                .ok_or_else(|| format!("'{text}' is too large"))?;
        }
        return Ok(Value::Int(if neg { -acc } else { acc }));
    }
    let t = v.trim_matches([' ', '\t', '\n', '\r']);
    if t.is_empty() || !all(t, |c| c.is_ascii_digit()) {
        return Err(format!("'{text}' is not an integer"));
    }
    int_from_digits(t, 10, neg)
}

/// `construct_yaml_float`.
fn construct_float(text: &str) -> Result<Value, String> {
    let v: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let first = v.chars().next().ok_or("an empty float")?;
    let sign = if first == '-' { -1.0 } else { 1.0 };
    let v = if matches!(first, '-' | '+') {
        &v[1..]
    } else {
        &v[..]
    };
    let bad = || format!("'{text}' is not a float");
    if v == ".inf" {
        return Ok(Value::Float(sign * f64::INFINITY));
    }
    if v == ".nan" {
        return Ok(Value::Float(f64::NAN));
    }
    let parse = |s: &str| -> Result<f64, String> {
        let t = s.trim_matches([' ', '\t', '\n', '\r']);
        if t.is_empty() || t.starts_with(['+', '-']) && t.len() == 1 {
            return Err(bad());
        }
        t.parse::<f64>().map_err(|_| bad())
    };
    if v.contains(':') {
        let mut acc = 0.0;
        for part in v.split(':') {
            acc = acc * 60.0 + parse(part)?;
        }
        return Ok(Value::Float(sign * acc));
    }
    Ok(Value::Float(sign * parse(v)?))
}

fn too_deep() -> Refusal {
    Refusal::new(
        RefusalKind::UnsupportedLayout,
        "values are nested too deeply for this editor",
        "a DC/OS config.yaml nests a few levels; edit this file by hand",
    )
}

/// Builds values from a composed document.
pub(crate) struct Constructor<'g, 's, 'a> {
    graph: &'g Graph,
    src: &'s Source<'a>,
    done: HashMap<NodeId, Rc<Value>>,
    sizes: HashMap<NodeId, u64>,
    flattened: HashMap<NodeId, Rc<Vec<(NodeId, NodeId)>>>,
}

impl<'g, 's, 'a> Constructor<'g, 's, 'a> {
    pub fn new(graph: &'g Graph, src: &'s Source<'a>) -> Self {
        Constructor {
            graph,
            src,
            done: HashMap::new(),
            sizes: HashMap::new(),
            flattened: HashMap::new(),
        }
    }

    fn err(&self, id: NodeId, msg: impl Into<String>) -> Refusal {
        let line = self
            .graph
            .nodes
            .get(id)
            .map_or(1, |n| self.src.line_index(n.start) + 1);
        Refusal::invalid(format!("PyYAML safe_load would fail: {}", msg.into())).at_line(line)
    }

    /// The number of nodes with aliases expanded (saturating), to refuse alias bombs.
    pub fn expanded_size(&mut self, id: NodeId) -> u64 {
        let id = self.graph.resolve(id);
        if let Some(&s) = self.sizes.get(&id) {
            return s;
        }
        // Guard against deep recursion on hostile input: children first, iteratively.
        let mut order = vec![(id, false)];
        while let Some((n, expanded)) = order.pop() {
            if self.sizes.contains_key(&n) {
                continue;
            }
            let children: Vec<NodeId> = match &self.graph.nodes[n].kind {
                NodeKind::Seq { items, .. } => {
                    items.iter().map(|&c| self.graph.resolve(c)).collect()
                }
                NodeKind::Map { pairs, .. } => pairs
                    .iter()
                    .flat_map(|&(k, v)| [self.graph.resolve(k), self.graph.resolve(v)])
                    .collect(),
                _ => Vec::new(),
            };
            if expanded {
                let total = children.iter().fold(1u64, |acc, c| {
                    acc.saturating_add(self.sizes.get(c).copied().unwrap_or(1))
                });
                self.sizes.insert(n, total);
            } else {
                order.push((n, true));
                for c in children {
                    if !self.sizes.contains_key(&c) {
                        order.push((c, false));
                    }
                }
            }
        }
        self.sizes.get(&id).copied().unwrap_or(1)
    }

    /// Checks the alias-expanded size of the document rooted at `id`.
    pub fn check_size(&mut self, id: NodeId) -> Result<(), Refusal> {
        if self.expanded_size(id) > MAX_EXPANDED {
            return Err(Refusal::new(
                RefusalKind::UnsupportedLayout,
                "the document is too large (over 200,000 values once aliases are expanded)",
                "a DC/OS config.yaml is a few kilobytes; edit this file by hand",
            ));
        }
        Ok(())
    }

    fn scalar_tag_of(&self, id: NodeId) -> Option<String> {
        match &self.graph.nodes[id].kind {
            NodeKind::Scalar { value, style, tag } => {
                Some(scalar_tag(value, *style, tag.as_deref()))
            }
            _ => None,
        }
    }

    /// PyYAML `flatten_mapping`: merge keys (`<<`) pulled in ahead of the node's own pairs.
    pub fn flattened_pairs(
        &mut self,
        id: NodeId,
        depth: usize,
    ) -> Result<Rc<Vec<(NodeId, NodeId)>>, Refusal> {
        if let Some(p) = self.flattened.get(&id) {
            return Ok(Rc::clone(p));
        }
        if depth > 64 {
            return Err(too_deep());
        }
        let NodeKind::Map { pairs, .. } = &self.graph.nodes[id].kind else {
            return Err(self.err(id, "expected a mapping node"));
        };
        let pairs = pairs.clone();
        let mut merge: Vec<(NodeId, NodeId)> = Vec::new();
        let mut own: Vec<(NodeId, NodeId)> = Vec::new();
        for (k, v) in pairs {
            let k_tag = self.scalar_tag_of(self.graph.resolve(k));
            if k_tag.as_deref() == Some(&format!("{YAML}merge")) {
                let v = self.graph.resolve(v);
                match &self.graph.nodes[v].kind {
                    NodeKind::Map { .. } => {
                        merge.extend(self.flattened_pairs(v, depth + 1)?.iter().copied())
                    }
                    NodeKind::Seq { items, .. } => {
                        let items = items.clone();
                        let mut sub = Vec::new();
                        for item in items {
                            let item = self.graph.resolve(item);
                            if !matches!(self.graph.nodes[item].kind, NodeKind::Map { .. }) {
                                return Err(self.err(item, "expected a mapping for merging"));
                            }
                            sub.push(self.flattened_pairs(item, depth + 1)?);
                        }
                        for s in sub.iter().rev() {
                            merge.extend(s.iter().copied());
                        }
                    }
                    _ => {
                        return Err(
                            self.err(v, "expected a mapping or list of mappings for merging")
                        );
                    }
                }
            } else {
                own.push((k, v));
            }
        }
        merge.extend(own);
        let rc = Rc::new(merge);
        self.flattened.insert(id, Rc::clone(&rc));
        Ok(rc)
    }

    /// Constructs the value of node `id` (`key` tells whether it is a mapping key,
    /// where PyYAML turns the `=` value key into a plain string).
    pub fn construct(&mut self, id: NodeId, key: bool, depth: usize) -> Result<Rc<Value>, Refusal> {
        let id = self.graph.resolve(id);
        if let (false, Some(v)) = (key, self.done.get(&id)) {
            return Ok(Rc::clone(v));
        }
        if depth > 256 {
            return Err(too_deep());
        }
        let node = &self.graph.nodes[id];
        let value = match &node.kind {
            NodeKind::Scalar { value, style, tag } => {
                let mut t = scalar_tag(value, *style, tag.as_deref());
                if key && t == format!("{YAML}value") {
                    t = format!("{YAML}str");
                }
                let text = value.clone();
                self.construct_scalar(id, &t, &text)?
            }
            NodeKind::Seq { tag, items, .. } => {
                let items = items.clone();
                let t = match tag.as_deref() {
                    None | Some("!") => format!("{YAML}seq"),
                    Some(t) => t.to_string(),
                };
                match t.strip_prefix(YAML) {
                    Some("seq") => {
                        let mut out = Vec::with_capacity(items.len());
                        for item in items {
                            out.push(self.construct(item, false, depth + 1)?);
                        }
                        Value::Seq(out)
                    }
                    Some("omap") | Some("pairs") => {
                        let mut out = Vec::with_capacity(items.len());
                        for item in items {
                            let item = self.graph.resolve(item);
                            let pairs = match &self.graph.nodes[item].kind {
                                NodeKind::Map { pairs, .. } if pairs.len() == 1 => pairs.clone(),
                                _ => {
                                    return Err(self.err(
                                        item,
                                        "expected a mapping of length 1 in an ordered map",
                                    ));
                                }
                            };
                            let (k, v) = pairs[0];
                            out.push((
                                self.construct(k, false, depth + 1)?,
                                self.construct(v, false, depth + 1)?,
                            ));
                        }
                        Value::Pairs(out)
                    }
                    _ => {
                        return Err(self.err(
                            id,
                            format!(
                                "could not determine a constructor for the tag '{t}' on a sequence"
                            ),
                        ));
                    }
                }
            }
            NodeKind::Map { tag, .. } => {
                let t = match tag.as_deref() {
                    None | Some("!") => format!("{YAML}map"),
                    Some(t) => t.to_string(),
                };
                let is_set =
                    match t.strip_prefix(YAML) {
                        Some("map") => false,
                        Some("set") => true,
                        _ => return Err(self.err(
                            id,
                            format!(
                                "could not determine a constructor for the tag '{t}' on a mapping"
                            ),
                        )),
                    };
                let pairs = self.flattened_pairs(id, 0)?;
                let mut map: BTreeMap<Rc<Value>, Rc<Value>> = BTreeMap::new();
                for &(k, v) in pairs.iter() {
                    let kv = self.construct(k, true, depth + 1)?;
                    if !kv.is_hashable() {
                        return Err(self.err(k, "found unhashable key"));
                    }
                    let vv = self.construct(v, false, depth + 1)?;
                    map.insert(kv, vv);
                }
                if is_set {
                    Value::Set(map.into_keys().collect::<BTreeSet<_>>())
                } else {
                    Value::Map(map)
                }
            }
            NodeKind::Alias { .. } => return Err(self.err(id, "unresolved alias")),
        };
        let rc = Rc::new(value);
        if !key {
            self.done.insert(id, Rc::clone(&rc));
        }
        Ok(rc)
    }

    fn construct_scalar(&self, id: NodeId, tag: &str, text: &str) -> Result<Value, Refusal> {
        let fail = |m: String| self.err(id, m);
        Ok(match tag.strip_prefix(YAML) {
            Some("str") => Value::Str(text.to_string()),
            Some("null") => Value::Null,
            Some("bool") => match text.to_lowercase().as_str() {
                "yes" | "true" | "on" => Value::Bool(true),
                "no" | "false" | "off" => Value::Bool(false),
                _ => return Err(fail(format!("'{text}' is not a boolean"))),
            },
            Some("int") => construct_int(text).map_err(fail)?,
            Some("float") => construct_float(text).map_err(fail)?,
            Some("timestamp") => construct_timestamp(text).map_err(fail)?,
            Some("binary") => {
                if !text.is_ascii() {
                    return Err(fail("base64 binary data must be ASCII".into()));
                }
                Value::Binary(text.chars().filter(|c| !c.is_ascii_whitespace()).collect())
            }
            _ => {
                return Err(fail(format!(
                    "could not determine a constructor for the tag '{tag}'"
                )));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_implicit_types_match_pyyaml() {
        for (v, t) in [
            ("off", "bool"),
            ("True", "bool"),
            ("y", "str"),
            ("false", "bool"),
            ("fAlse", "str"),
            ("0777", "int"),
            ("0x1F", "int"),
            ("0b101", "int"),
            ("1_000", "int"),
            ("190:20:30", "int"),
            ("08", "str"),
            ("1.5", "float"),
            ("1.", "float"),
            (".5", "float"),
            ("-.5", "str"),
            ("1e5", "str"),
            ("1.0e+5", "float"),
            ("-.inf", "float"),
            (".NaN", "float"),
            ("190:20:30.15", "float"),
            ("~", "null"),
            ("", "null"),
            ("Null", "null"),
            ("<<", "merge"),
            ("=", "value"),
            ("2001-12-14", "timestamp"),
            ("2001-1-14", "str"),
            ("2001-12-14t21:59:43.10-05:00", "timestamp"),
            ("2001-12-14 21:59:43.10 -5", "timestamp"),
            ("static", "str"),
            ("'false'", "str"),
        ] {
            assert_eq!(implicit_type(v), t, "{v:?}");
        }
    }

    #[test]
    fn constructors_follow_python() {
        assert_eq!(construct_int("0777").unwrap(), Value::Int(511));
        assert_eq!(construct_int("-0x_1F").unwrap(), Value::Int(-31));
        assert_eq!(construct_int("190:20:30").unwrap(), Value::Int(685_230));
        assert!(construct_int("0x_").is_err());
        assert!(construct_timestamp("2001-02-29").is_err());
        assert!(construct_timestamp("2000-02-29").is_ok());
        assert!(construct_timestamp("2001-12-14 25:00:00").is_err());
        assert_eq!(construct_float("1_0.5").unwrap(), Value::Float(10.5));
    }
}
