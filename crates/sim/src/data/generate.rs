//! The cluster generator: any size, any DC/OS version 1.7-2.2+, failures and unreachable nodes.
//!
//! Output is deterministic for a given [`GenSpec`] (including `seed`), so tests can compare runs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::catalog::{self, DcosVersion};
use super::model::{Framework, Node, Package, Role, UnitStatus};
use super::{ClusterData, Documents, Variant, documents};
use crate::gotime::GoTime;

/// Selects one node of a generated cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRef {
    /// The n-th master (0-based; master 0 is the leader).
    Master(usize),
    /// The n-th private agent (0-based).
    Agent(usize),
    /// The n-th public agent (0-based).
    PublicAgent(usize),
    /// The node with this IP.
    Ip(String),
}

impl NodeRef {
    /// Parses `master:0`, `agent:12`, `public:3` or an IP address.
    pub fn parse(text: &str) -> Option<NodeRef> {
        if let Some((role, index)) = text.split_once(':') {
            let index = index.parse().ok()?;
            return match role {
                "master" => Some(NodeRef::Master(index)),
                "agent" => Some(NodeRef::Agent(index)),
                "public" | "agent_public" | "public_agent" => Some(NodeRef::PublicAgent(index)),
                _ => None,
            };
        }
        text.parse::<std::net::Ipv4Addr>()
            .ok()
            .map(|_| NodeRef::Ip(text.to_string()))
    }
}

/// How a unit fails; each maps to the reason line dcos-diagnostics writes for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FailureKind {
    /// The main process exited non-zero (`ExecMainStatus return failed status for <unit>`).
    #[default]
    ExitCode,
    /// `LoadState != loaded`.
    NotLoaded,
    /// `ActiveState` outside `active|inactive|activating`, e.g. `failed`.
    State(String),
    /// Activating/auto-restart and never active.
    NeverActive,
    /// Activating/auto-restart after having been active.
    Flapping,
}

/// A failed unit on a chosen node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The node.
    pub node: NodeRef,
    /// The unit id (must be one the node runs).
    pub unit: String,
    /// Why it is unhealthy.
    pub kind: FailureKind,
    /// How many journal lines follow the reason line (dcos-diagnostics sends at most 50).
    pub journal_lines: usize,
}

impl Failure {
    /// A unit whose main process exited with status 1, with six journal lines.
    pub fn new(node: NodeRef, unit: impl Into<String>) -> Failure {
        Failure {
            node,
            unit: unit.into(),
            kind: FailureKind::ExitCode,
            journal_lines: 6,
        }
    }
}

/// An extra unit to install on every node of the given roles (e.g. one with several dots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraUnit {
    /// Unit id, e.g. `dcos-custom.checks.v2.service`.
    pub id: String,
    /// PrettyName.
    pub name: String,
    /// Title.
    pub description: String,
    /// Roles that run it.
    pub roles: Vec<Role>,
}

/// An installed package to report from Cosmos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSpec {
    /// Marathon app id, e.g. `/kafka`.
    pub app_id: String,
    /// Package name (any characters, including `<`, `&` and non-ASCII).
    pub name: String,
    /// Package version.
    pub version: String,
    /// Whether it registers a Mesos framework (its name then appears in `/mesos/frameworks`).
    pub framework: bool,
    /// Package description.
    pub description: String,
}

impl PackageSpec {
    /// A package with a generic description.
    pub fn new(app_id: &str, name: &str, version: &str, framework: bool) -> PackageSpec {
        PackageSpec {
            app_id: app_id.to_string(),
            name: name.to_string(),
            version: version.to_string(),
            framework,
            description: format!("{name} on DC/OS"),
        }
    }
}

/// What to generate. `GenSpec::default()` is the fixture's shape: DC/OS 2.1.2 open, 1 master,
/// 2 agents, 1 public agent, telemetry on, kafka and marathon-lb installed.
#[derive(Debug, Clone, PartialEq)]
pub struct GenSpec {
    /// Number of masters (1..=240).
    pub masters: usize,
    /// Number of private agents.
    pub agents: usize,
    /// Number of public agents.
    pub public_agents: usize,
    /// DC/OS version, `1.7` ... `2.2.0` and later.
    pub version: String,
    /// Variant.
    pub variant: Variant,
    /// Telemetry on/off.
    pub telemetry: bool,
    /// Cluster id; derived from `seed` when `None`.
    pub cluster_id: Option<String>,
    /// Seed for ids, hostnames' Mesos ids, timestamps and journal text.
    pub seed: u64,
    /// Failed units.
    pub failures: Vec<Failure>,
    /// Nodes the master could not pull (health 3, no units).
    pub unreachable: Vec<NodeRef>,
    /// Additional units.
    pub extra_units: Vec<ExtraUnit>,
    /// Installed packages; `None` means kafka 2.9.0-2.4.0 and marathon-lb 1.15.0.
    pub packages: Option<Vec<PackageSpec>>,
    /// Mesos framework names; `None` means marathon, metronome and each framework package.
    pub frameworks: Option<Vec<String>>,
    /// The report's `UpdatedTime`; a per-version default when `None`.
    pub updated_time: Option<GoTime>,
}

impl Default for GenSpec {
    fn default() -> GenSpec {
        GenSpec {
            masters: 1,
            agents: 2,
            public_agents: 1,
            version: "2.1.2".to_string(),
            variant: Variant::Open,
            telemetry: true,
            cluster_id: None,
            seed: 1,
            failures: Vec::new(),
            unreachable: Vec::new(),
            extra_units: Vec::new(),
            packages: None,
            frameworks: None,
            updated_time: None,
        }
    }
}

impl GenSpec {
    /// A 2.1.2 open cluster of the given size.
    pub fn new(masters: usize, agents: usize, public_agents: usize) -> GenSpec {
        GenSpec {
            masters,
            agents,
            public_agents,
            ..GenSpec::default()
        }
    }

    /// Sets the DC/OS version.
    pub fn version(mut self, version: &str) -> GenSpec {
        self.version = version.to_string();
        self
    }

    /// Sets the variant.
    pub fn variant(mut self, variant: Variant) -> GenSpec {
        self.variant = variant;
        self
    }

    /// Sets telemetry on or off.
    pub fn telemetry(mut self, enabled: bool) -> GenSpec {
        self.telemetry = enabled;
        self
    }

    /// Fails `unit` on `node` (exit code 1, six journal lines).
    pub fn fail(mut self, node: NodeRef, unit: &str) -> GenSpec {
        self.failures.push(Failure::new(node, unit));
        self
    }

    /// Adds a failure.
    pub fn failure(mut self, failure: Failure) -> GenSpec {
        self.failures.push(failure);
        self
    }

    /// Makes `node` unreachable.
    pub fn unreachable(mut self, node: NodeRef) -> GenSpec {
        self.unreachable.push(node);
        self
    }

    /// Adds an extra unit.
    pub fn extra_unit(mut self, unit: ExtraUnit) -> GenSpec {
        self.extra_units.push(unit);
        self
    }

    /// Sets the installed packages.
    pub fn packages(mut self, packages: Vec<PackageSpec>) -> GenSpec {
        self.packages = Some(packages);
        self
    }

    /// Sets the Mesos framework names.
    pub fn frameworks(mut self, names: Vec<String>) -> GenSpec {
        self.frameworks = Some(names);
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> GenSpec {
        self.seed = seed;
        self
    }
}

/// A generator spec that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(pub String);

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

const HEX: &[u8; 16] = b"0123456789abcdef";

pub(super) fn hex(rng: &mut fastrand::Rng, len: usize) -> String {
    (0..len).map(|_| HEX[rng.usize(..16)] as char).collect()
}

fn uuid4(rng: &mut fastrand::Rng) -> String {
    let mut s = hex(rng, 32).into_bytes();
    s[12] = b'4';
    s[16] = b"89ab"[rng.usize(..4)];
    let s = String::from_utf8(s).expect("hex is ASCII");
    format!(
        "{}-{}-{}-{}-{}",
        &s[0..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..32]
    )
}

fn default_updated_time(version: DcosVersion) -> GoTime {
    // Roughly when each release line was current; 2.1 uses the fixture's moment.
    let (y, m, d) = match (version.major, version.minor) {
        (1, 7) => (2016, 6, 14),
        (1, 8) => (2016, 11, 8),
        (1, 9) => (2017, 4, 11),
        (1, 10) => (2017, 10, 17),
        (1, 11) => (2018, 5, 15),
        (1, 12) => (2018, 11, 20),
        (1, 13) => (2019, 8, 20),
        (2, 0) => (2020, 2, 11),
        (2, 1) => (2020, 11, 18),
        _ => (2021, 3, 9),
    };
    GoTime::from_ymd_hms_nano(y, m, d, 9, 30, 2, 418_226_851)
}

fn node_ip(role: Role, index: usize) -> String {
    match role {
        Role::Master => format!("10.0.1.{}", 10 + index),
        Role::Agent => format!("10.0.{}.{}", 2 + index / 200, 21 + index % 200),
        Role::AgentPublic => format!("10.0.{}.{}", 128 + index / 200, 31 + index % 200),
    }
}

fn reason_line(kind: &FailureKind, unit: &str) -> String {
    match kind {
        FailureKind::ExitCode => format!("ExecMainStatus return failed status for {unit}"),
        FailureKind::NotLoaded => format!(
            "{unit} is not loaded. Please check `systemctl show all` to check current Unit status."
        ),
        FailureKind::State(state) => format!(
            "{unit} state is not one of the possible states [active inactive activating]. \
             Current state is [ {state} ]. Please check `systemctl show all {unit}` to check current Unit state. "
        ),
        FailureKind::NeverActive => format!("Unit {unit} has never entered `active` state"),
        FailureKind::Flapping => format!(
            "Unit {unit} is flapping. Please check `systemctl status {unit}` to check current Unit state."
        ),
    }
}

/// `reason\n` followed by `journal_lines` journal lines (`<Go time> <MESSAGE>\n`).
fn failure_output(
    failure: &Failure,
    unit: &UnitStatus,
    ip: &str,
    end: GoTime,
    rng: &mut fastrand::Rng,
) -> String {
    let lines = failure.journal_lines.min(50);
    let stem = unit.id.split('.').next().unwrap_or(&unit.id);
    let pid = rng.u32(1000..60000);
    let mut messages = Vec::with_capacity(lines);
    if lines > 0 {
        messages.push(format!("Starting {}: {}...", unit.name, unit.description));
    }
    let fillers = [
        format!(
            "{stem}[{pid}]: level=error msg=\"dial tcp {ip}:{}: connect: connection refused\"",
            rng.u32(1024..65535)
        ),
        format!("{stem}[{pid}]: Waiting for leader.mesos to become resolvable..."),
        format!(
            "{}: Scheduled restart job, restart counter is at {}.",
            unit.id,
            rng.u32(2..40)
        ),
        format!("{stem}[{pid}]: timeout after 30s waiting for the local Mesos agent"),
    ];
    let closing = [
        format!(
            "{}: Main process exited, code=exited, status=1/FAILURE",
            unit.id
        ),
        format!("{}: Failed with result 'exit-code'.", unit.id),
        format!("Failed to start {}: {}.", unit.name, unit.description),
    ];
    let tail_count = closing.len().min(lines.saturating_sub(1));
    let filler_count = lines.saturating_sub(1 + tail_count);
    for i in 0..filler_count {
        messages.push(fillers[i % fillers.len()].clone());
    }
    messages.extend(closing[closing.len() - tail_count..].iter().cloned());

    let mut out = reason_line(&failure.kind, &unit.id);
    out.push('\n');
    // Journal timestamps are microsecond precision, a couple of minutes before the pull.
    let mut t = end.add_nanos(-120_000_000_000 - i64::from(rng.u32(0..1_000_000)) * 1000);
    t.nanos -= t.nanos % 1000;
    for message in messages {
        out.push_str(&t.go_string_utc());
        out.push(' ');
        out.push_str(&message);
        out.push('\n');
        t = t.add_nanos(i64::from(rng.u32(200..30_000_000)) * 1000);
    }
    out
}

fn default_packages() -> Vec<PackageSpec> {
    vec![
        PackageSpec {
            app_id: "/kafka".into(),
            name: "kafka".into(),
            version: "2.9.0-2.4.0".into(),
            framework: true,
            description: "Apache Kafka running on DC/OS".into(),
        },
        PackageSpec {
            app_id: "/marathon-lb".into(),
            name: "marathon-lb".into(),
            version: "1.15.0".into(),
            framework: false,
            description: "HAProxy configured using Marathon state".into(),
        },
    ]
}

/// Builds the cluster for `spec`.
pub(super) fn build(spec: GenSpec) -> Result<ClusterData, SpecError> {
    let version = DcosVersion::parse(&spec.version)
        .ok_or_else(|| SpecError(format!("unparsable DC/OS version {:?}", spec.version)))?;
    if spec.masters == 0 || spec.masters > 240 {
        return Err(SpecError("masters must be between 1 and 240".into()));
    }
    if spec.agents > 25_000 || spec.public_agents > 25_000 {
        return Err(SpecError(
            "at most 25000 agents and 25000 public agents".into(),
        ));
    }
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let cluster_id = spec.cluster_id.clone().unwrap_or_else(|| uuid4(&mut rng));
    let updated_time = spec
        .updated_time
        .unwrap_or_else(|| default_updated_time(version));

    // Nodes in pull order: masters, then agents, then public agents.
    let agent_uuid = uuid4(&mut rng);
    let mut nodes: Vec<Node> = Vec::with_capacity(spec.masters + spec.agents + spec.public_agents);
    let mut slave_no = 0usize;
    for (role, count) in [
        (Role::Master, spec.masters),
        (Role::Agent, spec.agents),
        (Role::AgentPublic, spec.public_agents),
    ] {
        let mut defs = catalog::units_for(version, spec.variant, role)
            .into_iter()
            .map(|d| {
                (
                    d.id.to_string(),
                    d.name.to_string(),
                    d.description.to_string(),
                )
            })
            .collect::<Vec<_>>();
        for extra in spec.extra_units.iter().filter(|e| e.roles.contains(&role)) {
            defs.retain(|(id, _, _)| *id != extra.id);
            defs.push((
                extra.id.clone(),
                extra.name.clone(),
                extra.description.clone(),
            ));
        }
        defs.sort_by(|a, b| a.0.cmp(&b.0));
        for index in 0..count {
            let (hostname, mesos_id) = match role {
                Role::Master => (format!("dcos-master-{}", index + 1), uuid4(&mut rng)),
                Role::Agent => (format!("dcos-agent-{}", index + 1), {
                    slave_no += 1;
                    format!("{agent_uuid}-S{}", slave_no - 1)
                }),
                Role::AgentPublic => (format!("dcos-public-agent-{}", index + 1), {
                    slave_no += 1;
                    format!("{agent_uuid}-S{}", slave_no - 1)
                }),
            };
            let units = defs
                .iter()
                .map(|(id, name, description)| UnitStatus {
                    id: id.clone(),
                    name: name.clone(),
                    description: description.clone(),
                    health: 0,
                    output: String::new(),
                    timestamp: updated_time,
                })
                .collect();
            nodes.push(Node {
                ip: node_ip(role, index),
                hostname,
                role,
                leader: role == Role::Master && index == 0,
                mesos_id,
                units: Some(units),
            });
        }
    }

    let resolve = |node_ref: &NodeRef, nodes: &[Node]| -> Result<usize, SpecError> {
        let (role, index) = match node_ref {
            NodeRef::Ip(ip) => {
                return nodes
                    .iter()
                    .position(|n| &n.ip == ip)
                    .ok_or_else(|| SpecError(format!("no node has IP {ip}")));
            }
            NodeRef::Master(i) => (Role::Master, *i),
            NodeRef::Agent(i) => (Role::Agent, *i),
            NodeRef::PublicAgent(i) => (Role::AgentPublic, *i),
        };
        nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.role == role)
            .nth(index)
            .map(|(i, _)| i)
            .ok_or_else(|| SpecError(format!("there is no {} #{index}", role.as_str())))
    };

    // Timestamps: each unit of each node is stamped as the master processes the pull responses.
    let per_unit_ns = 52_913i64;
    let total_units: usize = nodes
        .iter()
        .map(|n| n.units.as_ref().map_or(0, Vec::len))
        .sum();
    let mut t = updated_time.add_nanos(-(total_units as i64) * per_unit_ns - 4_500_000);
    for node in &mut nodes {
        for unit in node.units.iter_mut().flatten() {
            unit.timestamp = t;
            t = t.add_nanos(per_unit_ns + i64::from(rng.u32(0..40)));
        }
    }

    for failure in &spec.failures {
        let n = resolve(&failure.node, &nodes)?;
        let ip = nodes[n].ip.clone();
        let unit = nodes[n]
            .units
            .as_mut()
            .and_then(|units| units.iter_mut().find(|u| u.id == failure.unit))
            .ok_or_else(|| SpecError(format!("{} does not run {}", ip, failure.unit)))?;
        unit.health = 1;
        unit.output = failure_output(failure, unit, &ip, updated_time, &mut rng);
    }

    let mut unreachable = BTreeSet::new();
    for node_ref in &spec.unreachable {
        unreachable.insert(resolve(node_ref, &nodes)?);
    }
    for n in unreachable {
        let node = &mut nodes[n];
        node.units = None;
        node.hostname = String::new();
        node.mesos_id = String::new();
    }

    let package_specs = spec.packages.clone().unwrap_or_else(default_packages);
    let packages: Vec<Package> = package_specs
        .iter()
        .map(|p| Package {
            app_id: p.app_id.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            framework: p.framework,
            json: documents::package_json(p),
        })
        .collect();

    let framework_names = spec.frameworks.clone().unwrap_or_else(|| {
        let mut names = vec!["marathon".to_string()];
        if version >= DcosVersion::parse("1.8").expect("literal") {
            names.push("metronome".to_string());
        }
        names.extend(
            package_specs
                .iter()
                .filter(|p| p.framework)
                .map(|p| p.name.clone()),
        );
        names
    });
    let framework_prefix = uuid4(&mut rng);
    let frameworks: Vec<Framework> = framework_names
        .iter()
        .enumerate()
        .map(|(i, name)| Framework {
            id: format!("{framework_prefix}-{i:04}"),
            name: name.clone(),
            tasks_running: match name.as_str() {
                "marathon" => 2,
                "metronome" => 0,
                _ => 3,
            },
        })
        .collect();

    let metrics = documents::metrics(&nodes, &frameworks);
    let image_commit = if spec.version == "2.1.2" {
        "f24e155aa8f19b5f9f6aa7ce76ee5e7c9a16cafd".to_string()
    } else {
        hex(&mut rng, 40)
    };
    let bootstrap_id = hex(&mut rng, 40);
    let docs = Documents {
        ui_config_enabled: documents::ui_config(version, spec.variant, &cluster_id, true),
        ui_config_disabled: documents::ui_config(version, spec.variant, &cluster_id, false),
        dcos_version: documents::dcos_version(
            &spec.version,
            version,
            spec.variant,
            &image_commit,
            &bootstrap_id,
        ),
        metadata: documents::metadata("203.0.113.10", &cluster_id),
        package_list: documents::package_list(&packages),
        frameworks: documents::frameworks(&frameworks, &nodes),
        metrics: documents::metrics_json(&metrics),
        buildinfo: documents::buildinfo(version, &spec.version),
    };

    Ok(ClusterData {
        cluster_id,
        version: spec.version.clone(),
        variant: spec.variant,
        telemetry_enabled: spec.telemetry,
        nodes,
        updated_time,
        diagnostics_version: catalog::diagnostics_version(version).to_string(),
        packages,
        frameworks,
        metrics,
        docs,
        report_verbatim: None,
        unit_index: BTreeMap::new(),
        fragments: Default::default(),
    }
    .assemble())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_output_has_reason_and_journal_lines() {
        let data = ClusterData::generate(GenSpec::default().failure(Failure {
            node: NodeRef::Agent(1),
            unit: "dcos-checks-poststart.service".into(),
            kind: FailureKind::ExitCode,
            journal_lines: 7,
        }))
        .unwrap();
        let node = &data.nodes()[2];
        let unit = node.unit("dcos-checks-poststart.service").unwrap();
        assert_eq!(unit.health, 1);
        let lines: Vec<&str> = unit.output.split_terminator('\n').collect();
        assert_eq!(lines.len(), 8);
        assert_eq!(
            lines[0],
            "ExecMainStatus return failed status for dcos-checks-poststart.service"
        );
        assert!(
            lines[1].ends_with(
                " +0000 UTC Starting DC/OS Poststart Checks: Run node-poststart checks..."
            )
        );
        assert!(
            lines[7]
                .ends_with(" Failed to start DC/OS Poststart Checks: Run node-poststart checks.")
        );
        assert!(unit.output.ends_with('\n'));
        assert_eq!(node.health(), 1);
    }

    #[test]
    fn rejects_bad_specs() {
        assert!(ClusterData::generate(GenSpec::new(0, 1, 0)).is_err());
        assert!(
            ClusterData::generate(GenSpec::default().fail(NodeRef::Agent(9), "x.service")).is_err()
        );
        assert!(
            ClusterData::generate(
                GenSpec::default().fail(NodeRef::Master(0), "dcos-mesos-slave.service")
            )
            .is_err()
        );
        assert!(ClusterData::generate(GenSpec::default().version("banana")).is_err());
    }

    #[test]
    fn node_refs_parse() {
        assert_eq!(NodeRef::parse("agent:3"), Some(NodeRef::Agent(3)));
        assert_eq!(NodeRef::parse("public:0"), Some(NodeRef::PublicAgent(0)));
        assert_eq!(
            NodeRef::parse("10.0.2.21"),
            Some(NodeRef::Ip("10.0.2.21".into()))
        );
        assert_eq!(NodeRef::parse("moon:1"), None);
    }
}
