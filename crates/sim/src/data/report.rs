//! dcos-diagnostics' JSON, rendered from the model in Go's exact wire shape.
//!
//! The report is `json.NewEncoder(w).Encode(MonitoringResponse)`: compact, HTML-safe strings, map
//! keys sorted bytewise, struct fields in declaration order, `omitempty` on `Unit.Nodes` and
//! `Node.Units`, and a trailing `\n` (see `dcos-telemetry-internals.md` §3). Every node appears in
//! full (with its whole `Output` map) inside each of its units, so a node's JSON is encoded once
//! and copied; that keeps a 2,000-node, 100+ MB report cheap to stream.

use std::io::{self, Write};

use super::ClusterData;
use super::model::{Node, UnitStatus};
use crate::gojson::write_str;

/// A node encoded once: `head` is `{"Leader":…,"Output":{…}` and `tail` is `,"MesosID":"…"}`.
/// Inside a unit the node is `head + tail`; in the `Nodes` map its `Units` go in between.
#[derive(Debug)]
pub(crate) struct NodeFragment {
    head: Vec<u8>,
    tail: Vec<u8>,
}

fn encode_node(node: &Node) -> NodeFragment {
    let mut head = Vec::with_capacity(64 + node.units.as_ref().map_or(0, |u| u.len() * 48));
    head.extend_from_slice(b"{\"Leader\":");
    head.extend_from_slice(if node.leader { b"true" } else { b"false" });
    head.extend_from_slice(b",\"Role\":");
    write_str(&mut head, node.role.as_str());
    head.extend_from_slice(b",\"IP\":");
    write_str(&mut head, &node.ip);
    head.extend_from_slice(b",\"Host\":");
    write_str(&mut head, &node.hostname);
    head.extend_from_slice(b",\"Health\":");
    head.extend_from_slice(node.health().to_string().as_bytes());
    head.extend_from_slice(b",\"Output\":");
    match &node.units {
        None => head.extend_from_slice(b"null"),
        Some(units) => {
            let mut sorted: Vec<&UnitStatus> = units.iter().collect();
            sorted.sort_by(|a, b| a.id.cmp(&b.id));
            sorted.dedup_by(|a, b| a.id == b.id);
            head.push(b'{');
            for (i, unit) in sorted.iter().enumerate() {
                if i > 0 {
                    head.push(b',');
                }
                write_str(&mut head, &unit.id);
                head.push(b':');
                write_str(&mut head, &unit.output);
            }
            head.push(b'}');
        }
    }
    let mut tail = Vec::with_capacity(64);
    tail.extend_from_slice(b",\"MesosID\":");
    write_str(&mut tail, &node.mesos_id);
    tail.push(b'}');
    NodeFragment { head, tail }
}

fn fragments(data: &ClusterData) -> &[NodeFragment] {
    data.fragments
        .get_or_init(|| data.nodes.iter().map(encode_node).collect())
}

/// Buffers small writes into large chunks before handing them to the (TLS) stream.
struct Chunker<'a> {
    out: &'a mut dyn Write,
    buf: Vec<u8>,
}

impl Chunker<'_> {
    const LIMIT: usize = 256 * 1024;

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= Self::LIMIT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

fn unit_entry(
    buf: &mut Vec<u8>,
    unit: &UnitStatus,
    health: u8,
    nodes: &mut dyn FnMut(&mut Vec<u8>),
) {
    buf.extend_from_slice(b"{\"UnitName\":");
    write_str(buf, &unit.id);
    buf.extend_from_slice(b",\"Nodes\":[");
    nodes(buf);
    buf.extend_from_slice(b"],\"Health\":");
    buf.extend_from_slice(health.to_string().as_bytes());
    buf.extend_from_slice(b",\"Title\":");
    write_str(buf, &unit.description);
    buf.extend_from_slice(b",\"Timestamp\":");
    write_str(buf, &unit.timestamp.rfc3339_nano());
    buf.extend_from_slice(b",\"PrettyName\":");
    write_str(buf, &unit.name);
    buf.push(b'}');
}

/// Writes `GET /system/health/v1/report` for the model.
pub(crate) fn write_report(data: &ClusterData, out: &mut dyn Write) -> io::Result<()> {
    let frags = fragments(data);
    let mut w = Chunker {
        out,
        buf: Vec::with_capacity(Chunker::LIMIT + 64 * 1024),
    };
    let mut scratch = Vec::with_capacity(4096);

    w.put(b"{\"Units\":{")?;
    for (i, (unit_id, members)) in data.unit_index.iter().enumerate() {
        let (first_node, first_unit) = members[0];
        let first = &data.nodes[first_node].units.as_ref().expect("indexed")[first_unit];
        let health = members
            .iter()
            .map(|&(n, u)| data.nodes[n].units.as_ref().expect("indexed")[u].health)
            .max()
            .unwrap_or(0);
        scratch.clear();
        if i > 0 {
            scratch.push(b',');
        }
        write_str(&mut scratch, unit_id);
        scratch.extend_from_slice(b":{\"UnitName\":");
        write_str(&mut scratch, &first.id);
        scratch.extend_from_slice(b",\"Nodes\":[");
        w.put(&scratch)?;
        for (k, &(n, _)) in members.iter().enumerate() {
            if k > 0 {
                w.put(b",")?;
            }
            w.put(&frags[n].head)?;
            w.put(&frags[n].tail)?;
        }
        scratch.clear();
        scratch.extend_from_slice(b"],\"Health\":");
        scratch.extend_from_slice(health.to_string().as_bytes());
        scratch.extend_from_slice(b",\"Title\":");
        write_str(&mut scratch, &first.description);
        scratch.extend_from_slice(b",\"Timestamp\":");
        write_str(&mut scratch, &first.timestamp.rfc3339_nano());
        scratch.extend_from_slice(b",\"PrettyName\":");
        write_str(&mut scratch, &first.name);
        scratch.push(b'}');
        w.put(&scratch)?;
    }

    w.put(b"},\"Nodes\":{")?;
    let mut order: Vec<usize> = (0..data.nodes.len()).collect();
    order.sort_by(|&a, &b| data.nodes[a].ip.cmp(&data.nodes[b].ip));
    order.dedup_by(|a, b| data.nodes[*a].ip == data.nodes[*b].ip);
    for (i, &n) in order.iter().enumerate() {
        let node = &data.nodes[n];
        scratch.clear();
        if i > 0 {
            scratch.push(b',');
        }
        write_str(&mut scratch, &node.ip);
        scratch.push(b':');
        w.put(&scratch)?;
        w.put(&frags[n].head)?;
        if let Some(units) = node.units.as_ref().filter(|u| !u.is_empty()) {
            w.put(b",\"Units\":[")?;
            for (k, unit) in units.iter().enumerate() {
                scratch.clear();
                if k > 0 {
                    scratch.push(b',');
                }
                let frag = &frags[n];
                unit_entry(&mut scratch, unit, unit.health, &mut |buf| {
                    buf.extend_from_slice(&frag.head);
                    buf.extend_from_slice(&frag.tail);
                });
                w.put(&scratch)?;
            }
            w.put(b"]")?;
        }
        w.put(&frags[n].tail)?;
    }
    scratch.clear();
    scratch.extend_from_slice(b"},\"UpdatedTime\":");
    write_str(&mut scratch, &data.updated_time.rfc3339_nano());
    scratch.extend_from_slice(b"}\n");
    w.put(&scratch)?;
    w.finish()
}

/// A writer that only counts bytes.
#[derive(Debug, Default)]
pub(crate) struct CountingWriter {
    pub count: u64,
}

impl Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.count += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Why a diagnostics sub-route found nothing (`Unit X not found` / `Node X not found`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotFound(pub String);

fn finish(mut buf: Vec<u8>) -> Vec<u8> {
    buf.push(b'\n');
    buf
}

fn unit_summary(buf: &mut Vec<u8>, id: &str, name: &str, health: u8, description: &str) {
    buf.extend_from_slice(b"{\"id\":");
    write_str(buf, id);
    buf.extend_from_slice(b",\"name\":");
    write_str(buf, name);
    buf.extend_from_slice(b",\"health\":");
    buf.extend_from_slice(health.to_string().as_bytes());
    buf.extend_from_slice(b",\"description\":");
    write_str(buf, description);
    buf.push(b'}');
}

fn node_summary(buf: &mut Vec<u8>, ip: &str, health: u8, role: &str) {
    buf.extend_from_slice(b"{\"host_ip\":");
    write_str(buf, ip);
    buf.extend_from_slice(b",\"health\":");
    buf.extend_from_slice(health.to_string().as_bytes());
    buf.extend_from_slice(b",\"role\":");
    write_str(buf, role);
    buf.push(b'}');
}

fn help_for(mesos_id: &str) -> String {
    format!(
        "Node available at `dcos node ssh -mesos-id {mesos_id}`. Try, `journalctl -xv` to diagnose further."
    )
}

/// A unit across the cluster: its first-pulled status, its worst health, and its (node, unit) members.
type Aggregate<'a> = (&'a UnitStatus, u8, &'a [(usize, usize)]);

impl ClusterData {
    fn aggregate(&self, unit_id: &str) -> Option<Aggregate<'_>> {
        let members = self.unit_index.get(unit_id)?;
        let (n, u) = members[0];
        let first = &self.nodes[n].units.as_ref()?[u];
        let health = members
            .iter()
            .filter_map(|&(n, u)| self.nodes[n].units.as_ref().map(|units| units[u].health))
            .max()
            .unwrap_or(0);
        Some((first, health, members))
    }

    fn node_by_ip(&self, ip: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.ip == ip)
    }

    /// `GET /system/health/v1/units`: `{"units":[{id,name,health,description}]}` (`null` if none).
    pub(crate) fn render_units(&self) -> Vec<u8> {
        let mut buf = b"{\"units\":".to_vec();
        if self.unit_index.is_empty() {
            buf.extend_from_slice(b"null");
        } else {
            buf.push(b'[');
            for (i, id) in self.unit_index.keys().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                let (first, health, _) = self.aggregate(id).expect("indexed unit");
                unit_summary(&mut buf, &first.id, &first.name, health, &first.description);
            }
            buf.push(b']');
        }
        buf.push(b'}');
        finish(buf)
    }

    /// `GET /system/health/v1/units/<unit>`.
    pub(crate) fn render_unit(&self, unit_id: &str) -> Result<Vec<u8>, NotFound> {
        let (first, health, _) = self
            .aggregate(unit_id)
            .ok_or_else(|| NotFound(format!("Unit {unit_id} not found")))?;
        let mut buf = Vec::new();
        unit_summary(&mut buf, &first.id, &first.name, health, &first.description);
        Ok(finish(buf))
    }

    /// `GET /system/health/v1/units/<unit>/nodes`.
    pub(crate) fn render_unit_nodes(&self, unit_id: &str) -> Result<Vec<u8>, NotFound> {
        let (_, _, members) = self
            .aggregate(unit_id)
            .ok_or_else(|| NotFound(format!("Unit {unit_id} not found")))?;
        let mut buf = b"{\"nodes\":[".to_vec();
        for (i, &(n, _)) in members.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            let node = &self.nodes[n];
            node_summary(&mut buf, &node.ip, node.health(), node.role.as_str());
        }
        buf.extend_from_slice(b"]}");
        Ok(finish(buf))
    }

    /// `GET /system/health/v1/units/<unit>/nodes/<ip>`.
    pub(crate) fn render_unit_node(&self, unit_id: &str, ip: &str) -> Result<Vec<u8>, NotFound> {
        let (_, _, members) = self
            .aggregate(unit_id)
            .ok_or_else(|| NotFound(format!("Unit {unit_id} not found")))?;
        let node = members
            .iter()
            .map(|&(n, _)| &self.nodes[n])
            .find(|node| node.ip == ip)
            .ok_or_else(|| NotFound(format!("Node {ip} not found")))?;
        let output = node.unit(unit_id).map_or("", |u| u.output.as_str());
        let mut buf = b"{\"host_ip\":".to_vec();
        write_str(&mut buf, &node.ip);
        buf.extend_from_slice(b",\"health\":");
        buf.extend_from_slice(node.health().to_string().as_bytes());
        buf.extend_from_slice(b",\"role\":");
        write_str(&mut buf, node.role.as_str());
        buf.extend_from_slice(b",\"output\":");
        write_str(&mut buf, output);
        buf.extend_from_slice(b",\"help\":");
        write_str(&mut buf, &help_for(&node.mesos_id));
        buf.push(b'}');
        Ok(finish(buf))
    }

    /// `GET /system/health/v1/nodes` (sorted by IP; the real order is Go's random map order).
    pub(crate) fn render_nodes(&self) -> Vec<u8> {
        let mut nodes: Vec<&Node> = self.nodes.iter().collect();
        nodes.sort_by(|a, b| a.ip.cmp(&b.ip));
        let mut buf = b"{\"nodes\":".to_vec();
        if nodes.is_empty() {
            buf.extend_from_slice(b"null");
        } else {
            buf.push(b'[');
            for (i, node) in nodes.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                node_summary(&mut buf, &node.ip, node.health(), node.role.as_str());
            }
            buf.push(b']');
        }
        buf.push(b'}');
        finish(buf)
    }

    /// `GET /system/health/v1/nodes/<ip>`.
    pub(crate) fn render_node(&self, ip: &str) -> Result<Vec<u8>, NotFound> {
        let node = self
            .node_by_ip(ip)
            .ok_or_else(|| NotFound(format!("Node {ip} not found")))?;
        let mut buf = Vec::new();
        node_summary(&mut buf, &node.ip, node.health(), node.role.as_str());
        Ok(finish(buf))
    }

    /// `GET /system/health/v1/nodes/<ip>/units` (`null` for an unreachable node).
    pub(crate) fn render_node_units(&self, ip: &str) -> Result<Vec<u8>, NotFound> {
        let node = self
            .node_by_ip(ip)
            .ok_or_else(|| NotFound(format!("Node {ip} not found")))?;
        let mut buf = b"{\"units\":".to_vec();
        match node.units.as_ref().filter(|u| !u.is_empty()) {
            None => buf.extend_from_slice(b"null"),
            Some(units) => {
                buf.push(b'[');
                for (i, unit) in units.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    unit_summary(
                        &mut buf,
                        &unit.id,
                        &unit.name,
                        unit.health,
                        &unit.description,
                    );
                }
                buf.push(b']');
            }
        }
        buf.push(b'}');
        Ok(finish(buf))
    }

    /// `GET /system/health/v1/nodes/<ip>/units/<unit>`.
    pub(crate) fn render_node_unit(&self, ip: &str, unit_id: &str) -> Result<Vec<u8>, NotFound> {
        let node = self
            .node_by_ip(ip)
            .ok_or_else(|| NotFound(format!("Node {ip} not found")))?;
        let unit = node
            .unit(unit_id)
            .ok_or_else(|| NotFound(format!("Unit {unit_id} not found")))?;
        let mut buf = Vec::new();
        health_values(&mut buf, unit, &help_for(&node.mesos_id));
        Ok(finish(buf))
    }

    /// `GET /system/health/v1`: the answering master's own units (node-local form).
    pub(crate) fn render_self_health(&self) -> Vec<u8> {
        let mut buf = b"{\"units\":".to_vec();
        let leader = self.leader();
        match leader
            .and_then(|n| n.units.as_ref())
            .filter(|u| !u.is_empty())
        {
            None => buf.extend_from_slice(b"null"),
            Some(units) => {
                buf.push(b'[');
                for (i, unit) in units.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    health_values(&mut buf, unit, "");
                }
                buf.push(b']');
            }
        }
        let field = |buf: &mut Vec<u8>, key: &[u8], value: &str| {
            buf.extend_from_slice(key);
            write_str(buf, value);
        };
        field(
            &mut buf,
            b",\"hostname\":",
            leader.map_or("", |n| n.hostname.as_str()),
        );
        field(&mut buf, b",\"ip\":", leader.map_or("", |n| n.ip.as_str()));
        field(&mut buf, b",\"dcos_version\":", &self.version);
        field(&mut buf, b",\"node_role\":", "master");
        field(
            &mut buf,
            b",\"mesos_id\":",
            leader.map_or("", |n| n.mesos_id.as_str()),
        );
        field(
            &mut buf,
            b",\"dcos_diagnostics_version\":",
            &self.diagnostics_version,
        );
        buf.push(b'}');
        finish(buf)
    }
}

/// `{"id","health","output","description","help","name"}` (Go's `HealthResponseValues`).
fn health_values(buf: &mut Vec<u8>, unit: &UnitStatus, help: &str) {
    buf.extend_from_slice(b"{\"id\":");
    write_str(buf, &unit.id);
    buf.extend_from_slice(b",\"health\":");
    buf.extend_from_slice(unit.health.to_string().as_bytes());
    buf.extend_from_slice(b",\"output\":");
    write_str(buf, &unit.output);
    buf.extend_from_slice(b",\"description\":");
    write_str(buf, &unit.description);
    buf.extend_from_slice(b",\"help\":");
    write_str(buf, help);
    buf.extend_from_slice(b",\"name\":");
    write_str(buf, &unit.name);
    buf.push(b'}');
}
