//! The dcos-diagnostics health report (`GET /system/health/v1/report`), decoded in one
//! streaming pass into what dcos-signal reads from it.
//!
//! dcos-signal decodes the report into Go structs (`signal/diagnostics.go`):
//! `HealthReport{Units map[string]*Unit; Nodes map[string]*Node}`,
//! `Unit{UnitName string; Nodes []*Node; Health int; Title string; Timestamp time.Time}`,
//! `Node{Role, Ip, Host string; Health int; Output map[string]string; Units []Unit}`.
//! Every declared field is type-checked as Go would; what the `health` track needs is kept:
//! per unit its `UnitName` and, per node listed under it, the node's `Health`, whether
//! `Output[UnitName]` is non-empty and the `Health` of the node's own `Units` entries with the
//! same `UnitName`. The report's journal text is never held: memory grows with units × nodes,
//! not with the document.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use crate::decode::{Decoder, ParseError, ParseErrorKind, Start};

/// Health code dcos-diagnostics gives a node it could not pull.
pub const HEALTH_UNKNOWN: i64 = 3;

/// One node as listed under a unit (`Units[u].Nodes[i]`), reduced to what signal reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNode {
    /// The node's `Health` (0 healthy, 1 unhealthy, 3 unknown).
    pub health: i64,
    /// Whether the node's `Output[UnitName]` is non-empty (the unit failed there).
    pub output_nonempty: bool,
    /// `Health` of each entry of the node's `Units` whose `UnitName` equals the unit's (in
    /// real reports this list is empty: nodes under a unit carry no `Units`).
    pub matching_unit_health: Vec<i64>,
}

/// One entry of the report's `Units` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportUnit {
    /// The map key (the systemd unit file name).
    pub key: String,
    /// The `UnitName` field, which signal uses for the property names (equal to the key in
    /// real reports).
    pub unit_name: String,
    /// The unit's `Nodes`: every node that answered and has this unit.
    pub nodes: Vec<UnitNode>,
}

/// Node counts for one role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleCounts {
    /// Nodes with this role.
    pub total: usize,
    /// Of those, nodes with health 1 (a unit failed).
    pub unhealthy: usize,
    /// Of those, nodes with health 3 (dcos-diagnostics could not pull them).
    pub unreachable: usize,
}

/// Statistics over the report's top-level `Nodes` map, for operators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeStats {
    /// All nodes.
    pub all: RoleCounts,
    /// Per `Role` (`master`, `agent`, `agent_public`; an empty string if missing).
    pub by_role: BTreeMap<String, RoleCounts>,
    /// IPs (map keys) of the unreachable nodes, sorted.
    pub unreachable_ips: Vec<String>,
}

/// What dcos-signal reads from a health report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthReport {
    /// The `Units` map in key order; empty if it was missing or `null`.
    pub units: Vec<ReportUnit>,
    /// Statistics over the `Nodes` map.
    pub nodes: NodeStats,
}

/// A node's decoded fields. Its `Role` is kept apart (see [`decode_node`]): only the top-level
/// `Nodes` map needs it, and one String per node listed under a unit (units × nodes of them)
/// was most of the parser's memory on big clusters.
#[derive(Default)]
struct NodeAcc {
    health: i64,
    /// Keys of `Output` whose current value is non-empty.
    nonempty: BTreeSet<Vec<u8>>,
    /// `Units` as (UnitName, Health); `None` while nil.
    units: Option<Vec<(String, i64)>>,
}

#[derive(Default)]
struct UnitAcc {
    unit_name: String,
    health: i64,
    /// `None` while nil; a `None` element is a `null` (nil *Node).
    nodes: Option<Vec<Option<NodeAcc>>>,
}

const REPORT_FIELDS: &[&str] = &["Units", "Nodes"];
const UNIT_FIELDS: &[&str] = &["UnitName", "Nodes", "Health", "Title", "Timestamp"];
const NODE_FIELDS: &[&str] = &["Role", "Ip", "Host", "Health", "Output", "Units"];

/// Decodes a health report from `reader` in one pass.
///
/// Errors: syntax and truncation (with the byte offset), Go type errors, a `null` document,
/// and `null` entries in `Units` or in a unit's `Nodes` (dcos-signal would dereference a nil
/// pointer there and crash).
pub fn parse_health_report<R: Read>(reader: R) -> Result<HealthReport, ParseError> {
    let mut dec = Decoder::new(reader);
    let mut units: Option<BTreeMap<Vec<u8>, Option<UnitAcc>>> = None;
    let mut nodes: BTreeMap<Vec<u8>, Option<(String, i64)>> = BTreeMap::new();
    let start_offset = dec.offset();
    match dec.peek()? {
        Start::Null => {
            dec.null()?;
            dec.finish()?;
            return Err(ParseError {
                kind: ParseErrorKind::NullDocument,
                offset: start_offset,
            });
        }
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while let Some(field) = dec.next_field(&mut first, REPORT_FIELDS)? {
                match field {
                    Some(0) => decode_units_map(&mut dec, &mut units)?,
                    Some(1) => decode_nodes_map(&mut dec, &mut nodes)?,
                    _ => dec.skip()?,
                }
            }
        }
        other => dec.mismatch("", "signal.HealthReport", other)?,
    }
    let end_offset = dec.offset();
    dec.finish()?;

    let mut report = HealthReport::default();
    for (key, unit) in units.unwrap_or_default() {
        let Some(unit) = unit else {
            return Err(nil_error("Units", &key, end_offset));
        };
        let mut out_nodes = Vec::new();
        for node in unit.nodes.unwrap_or_default() {
            let Some(node) = node else {
                return Err(nil_error("Units.Nodes", &key, end_offset));
            };
            let name = unit.unit_name.as_bytes();
            out_nodes.push(UnitNode {
                health: node.health,
                output_nonempty: node.nonempty.contains(name),
                matching_unit_health: node
                    .units
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(n, _)| n.as_bytes() == name)
                    .map(|(_, h)| h)
                    .collect(),
            });
        }
        report.units.push(ReportUnit {
            key: String::from_utf8(key).unwrap_or_default(),
            unit_name: unit.unit_name,
            nodes: out_nodes,
        });
    }
    for (ip, node) in nodes {
        let Some((role, health)) = node else { continue };
        let stats = &mut report.nodes;
        let per_role = stats.by_role.entry(role).or_default();
        for counts in [&mut stats.all, per_role] {
            counts.total += 1;
            counts.unhealthy += usize::from(health == 1);
            counts.unreachable += usize::from(health == HEALTH_UNKNOWN);
        }
        if health == HEALTH_UNKNOWN {
            stats
                .unreachable_ips
                .push(String::from_utf8(ip).unwrap_or_default());
        }
    }
    Ok(report)
}

fn nil_error(path: &str, key: &[u8], offset: u64) -> ParseError {
    ParseError {
        kind: ParseErrorKind::Type {
            path: format!("{path}[{}]", String::from_utf8_lossy(key)),
            expected: "non-nil pointer (dcos-signal would crash on null)",
            found: "null".to_string(),
        },
        offset,
    }
}

fn decode_units_map<R: Read>(
    dec: &mut Decoder<R>,
    units: &mut Option<BTreeMap<Vec<u8>, Option<UnitAcc>>>,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => {
            *units = None;
            dec.null()
        }
        Start::Object => {
            let map = units.get_or_insert_with(BTreeMap::new);
            dec.begin_object();
            let mut first = true;
            while dec.next_key(&mut first)? {
                let key = dec.key.clone();
                // Go decodes each map value into a fresh element.
                match dec.peek()? {
                    Start::Null => {
                        dec.null()?;
                        map.insert(key, None);
                    }
                    _ => {
                        let mut unit = UnitAcc::default();
                        decode_unit(dec, &mut unit, 1, true)?;
                        map.insert(key, Some(unit));
                    }
                }
            }
            Ok(())
        }
        other => dec.mismatch("Units", "map[string]*signal.Unit", other),
    }
}

fn decode_nodes_map<R: Read>(
    dec: &mut Decoder<R>,
    nodes: &mut BTreeMap<Vec<u8>, Option<(String, i64)>>,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => {
            nodes.clear();
            dec.null()
        }
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while dec.next_key(&mut first)? {
                let key = dec.key.clone();
                match dec.peek()? {
                    Start::Null => {
                        dec.null()?;
                        nodes.insert(key, None);
                    }
                    _ => {
                        let mut node = NodeAcc::default();
                        let mut role = String::new();
                        decode_node(dec, &mut node, Some(&mut role), 1, false)?;
                        nodes.insert(key, Some((role, node.health)));
                    }
                }
            }
            Ok(())
        }
        other => dec.mismatch("Nodes", "map[string]*signal.Node", other),
    }
}

/// Decodes a `Unit` object into `unit` (Go semantics: fields not present keep their values).
/// `keep_nodes` is false below the first level, where only validity matters.
fn decode_unit<R: Read>(
    dec: &mut Decoder<R>,
    unit: &mut UnitAcc,
    depth: usize,
    keep_nodes: bool,
) -> Result<(), ParseError> {
    dec.check_depth(depth)?;
    match dec.peek()? {
        // null into a struct value: no change.
        Start::Null => dec.null(),
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while let Some(field) = dec.next_field(&mut first, UNIT_FIELDS)? {
                match field {
                    Some(0) => dec.go_string("Unit.UnitName", &mut unit.unit_name)?,
                    Some(1) => decode_unit_nodes(dec, unit, depth, keep_nodes)?,
                    Some(2) => dec.go_int("Unit.Health", &mut unit.health)?,
                    Some(3) => {
                        dec.skip_go_string("Unit.Title")?;
                    }
                    Some(4) => dec.go_time("Unit.Timestamp")?,
                    _ => dec.skip()?,
                }
            }
            Ok(())
        }
        other => dec.mismatch("Unit", "signal.Unit", other),
    }
}

fn decode_unit_nodes<R: Read>(
    dec: &mut Decoder<R>,
    unit: &mut UnitAcc,
    depth: usize,
    keep_nodes: bool,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => {
            unit.nodes = None;
            dec.null()
        }
        Start::Array => {
            // Go decodes over the existing elements, then truncates; `[]` gives an empty,
            // non-nil slice.
            let nodes = unit.nodes.get_or_insert_with(Vec::new);
            dec.begin_array();
            let mut first = true;
            let mut i = 0;
            while dec.next_element(&mut first)? {
                if dec.peek()? == Start::Null {
                    dec.null()?;
                    if keep_nodes {
                        if i < nodes.len() {
                            nodes[i] = None;
                        } else {
                            nodes.push(None);
                        }
                    }
                } else if keep_nodes {
                    if i >= nodes.len() {
                        nodes.push(None);
                    }
                    let slot = nodes[i].get_or_insert_with(NodeAcc::default);
                    decode_node(dec, slot, None, depth + 1, true)?;
                } else {
                    let mut scratch = NodeAcc::default();
                    decode_node(dec, &mut scratch, None, depth + 1, false)?;
                }
                i += 1;
            }
            if keep_nodes {
                nodes.truncate(i);
            }
            Ok(())
        }
        other => dec.mismatch("Unit.Nodes", "[]*signal.Node", other),
    }
}

/// Decodes a `Node` object into `node`, and its `Role` into `role` when given (otherwise the
/// field is only type-checked). `keep` says whether its `Output` and `Units` matter (they do
/// for nodes listed under a top-level unit).
fn decode_node<R: Read>(
    dec: &mut Decoder<R>,
    node: &mut NodeAcc,
    mut role: Option<&mut String>,
    depth: usize,
    keep: bool,
) -> Result<(), ParseError> {
    dec.check_depth(depth)?;
    match dec.peek()? {
        Start::Null => dec.null(),
        Start::Object => {
            dec.begin_object();
            let mut first = true;
            while let Some(field) = dec.next_field(&mut first, NODE_FIELDS)? {
                match field {
                    Some(0) => match role.as_deref_mut() {
                        Some(role) => dec.go_string("Node.Role", role)?,
                        None => {
                            dec.skip_go_string("Node.Role")?;
                        }
                    },
                    Some(1) | Some(2) => {
                        dec.skip_go_string("Node.Ip/Host")?;
                    }
                    Some(3) => dec.go_int("Node.Health", &mut node.health)?,
                    Some(4) => decode_output(dec, node, keep)?,
                    Some(5) => decode_node_units(dec, node, depth, keep)?,
                    _ => dec.skip()?,
                }
            }
            Ok(())
        }
        other => dec.mismatch("Node", "signal.Node", other),
    }
}

/// `Output map[string]string`: the hot path of the whole report.
fn decode_output<R: Read>(
    dec: &mut Decoder<R>,
    node: &mut NodeAcc,
    keep: bool,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => {
            node.nonempty.clear();
            dec.null()
        }
        Start::Object => {
            // Go reuses an existing map: entries from an earlier duplicate `Output` stay.
            dec.begin_object();
            let mut first = true;
            while dec.next_key(&mut first)? {
                // null stores the zero value "" under the key.
                let nonempty = dec.skip_go_string("Node.Output")?;
                if keep {
                    if nonempty {
                        if !node.nonempty.contains(&dec.key) {
                            node.nonempty.insert(dec.key.clone());
                        }
                    } else if !node.nonempty.is_empty() {
                        node.nonempty.remove(&dec.key);
                    }
                }
            }
            Ok(())
        }
        other => dec.mismatch("Node.Output", "map[string]string", other),
    }
}

fn decode_node_units<R: Read>(
    dec: &mut Decoder<R>,
    node: &mut NodeAcc,
    depth: usize,
    keep: bool,
) -> Result<(), ParseError> {
    match dec.peek()? {
        Start::Null => {
            node.units = None;
            dec.null()
        }
        Start::Array => {
            let units = node.units.get_or_insert_with(Vec::new);
            dec.begin_array();
            let mut first = true;
            let mut i = 0;
            while dec.next_element(&mut first)? {
                // []Unit holds struct values: decode over the existing element.
                let mut acc = UnitAcc::default();
                if let Some((name, health)) = units.get(i) {
                    acc.unit_name.clone_from(name);
                    acc.health = *health;
                }
                decode_unit(dec, &mut acc, depth + 1, false)?;
                if keep {
                    if i < units.len() {
                        units[i] = (acc.unit_name, acc.health);
                    } else {
                        units.push((acc.unit_name, acc.health));
                    }
                }
                i += 1;
            }
            if keep {
                units.truncate(i);
            }
            Ok(())
        }
        other => dec.mismatch("Node.Units", "[]signal.Unit", other),
    }
}
