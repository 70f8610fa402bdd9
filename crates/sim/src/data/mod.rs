//! Cluster data: what the simulated master knows and serves, from fixtures or a generator.

pub mod catalog;
mod documents;
mod fixtures;
pub mod generate;
pub mod model;
pub(crate) mod report;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::gotime::GoTime;
pub use catalog::DcosVersion;
pub(crate) use documents::package_list as package_list_body;
pub use generate::ExtraUnit;
pub use generate::{Failure, FailureKind, GenSpec, NodeRef, PackageSpec, SpecError};
pub use model::{Framework, Node, NodeCounts, Package, Role, UnitStatus};

/// The repository's `fixtures/small-cluster` directory (resolved when this crate is built).
pub const SMALL_CLUSTER_DIR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/small-cluster");

/// DC/OS variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Variant {
    /// DC/OS (open source): Admin Router challenges with `oauthjwt`.
    #[default]
    Open,
    /// DC/OS Enterprise: Admin Router challenges with `acsjwt`.
    Enterprise,
}

impl Variant {
    /// `open` or `enterprise`, as in `dcos-version.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Open => "open",
            Variant::Enterprise => "enterprise",
        }
    }

    /// Parses `open` / `enterprise`.
    pub fn parse(text: &str) -> Option<Variant> {
        match text {
            "open" => Some(Variant::Open),
            "enterprise" => Some(Variant::Enterprise),
            _ => None,
        }
    }
}

/// Documents served as stored bytes (fixture files verbatim, or rendered once by the generator).
#[derive(Debug, Clone)]
pub(crate) struct Documents {
    pub ui_config_enabled: Vec<u8>,
    pub ui_config_disabled: Vec<u8>,
    pub dcos_version: Vec<u8>,
    pub metadata: Vec<u8>,
    pub package_list: Vec<u8>,
    pub frameworks: Vec<u8>,
    pub metrics: Vec<u8>,
    pub buildinfo: Vec<u8>,
}

/// A whole simulated cluster: nodes and units (dcos-diagnostics), packages (Cosmos), frameworks and
/// metrics (Mesos), and the metadata documents. Immutable once built; the server shares it.
pub struct ClusterData {
    pub(crate) cluster_id: String,
    pub(crate) version: String,
    pub(crate) variant: Variant,
    pub(crate) telemetry_enabled: bool,
    pub(crate) nodes: Vec<Node>,
    pub(crate) updated_time: GoTime,
    pub(crate) diagnostics_version: String,
    pub(crate) packages: Vec<Package>,
    pub(crate) frameworks: Vec<Framework>,
    pub(crate) metrics: BTreeMap<String, f64>,
    pub(crate) docs: Documents,
    /// The fixture's report bytes, served verbatim instead of rendering the model.
    pub(crate) report_verbatim: Option<Arc<Vec<u8>>>,
    /// unit id -> (node index, unit index) in pull order.
    pub(crate) unit_index: BTreeMap<String, Vec<(usize, usize)>>,
    pub(crate) fragments: OnceLock<Vec<report::NodeFragment>>,
}

impl std::fmt::Debug for ClusterData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterData")
            .field("cluster_id", &self.cluster_id)
            .field("version", &self.version)
            .field("variant", &self.variant)
            .field("telemetry_enabled", &self.telemetry_enabled)
            .field("nodes", &self.node_counts())
            .field("packages", &self.packages.len())
            .field("frameworks", &self.frameworks.len())
            .field("verbatim_report", &self.report_verbatim.is_some())
            .finish_non_exhaustive()
    }
}

impl ClusterData {
    /// Loads the `small-cluster` style fixture directory (see `fixtures/small-cluster/README.md`).
    /// The report, metadata, Cosmos and Mesos documents are then served byte for byte.
    pub fn from_fixtures(dir: impl AsRef<Path>) -> io::Result<ClusterData> {
        fixtures::load(dir.as_ref())
    }

    /// Loads [`SMALL_CLUSTER_DIR`], the fixture DC/OS 2.1.2 cluster.
    pub fn small_cluster() -> io::Result<ClusterData> {
        ClusterData::from_fixtures(SMALL_CLUSTER_DIR)
    }

    /// Builds a cluster from a generator spec.
    pub fn generate(spec: GenSpec) -> Result<ClusterData, SpecError> {
        generate::build(spec)
    }

    /// Switches telemetry on or off (selects which `ui-config.json` is served).
    pub fn with_telemetry(mut self, enabled: bool) -> ClusterData {
        self.telemetry_enabled = enabled;
        self
    }

    pub(crate) fn assemble(mut self) -> ClusterData {
        let mut index: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
        for (ni, node) in self.nodes.iter().enumerate() {
            for (ui, unit) in node.units.iter().flatten().enumerate() {
                index.entry(unit.id.clone()).or_default().push((ni, ui));
            }
        }
        self.unit_index = index;
        self
    }

    /// The cluster id (`CLUSTER_ID` of `/metadata`).
    pub fn cluster_id(&self) -> &str {
        &self.cluster_id
    }

    /// The DC/OS version string, e.g. `2.1.2`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The parsed DC/OS version.
    pub fn dcos_version(&self) -> DcosVersion {
        DcosVersion::parse(&self.version).unwrap_or(DcosVersion {
            major: 2,
            minor: 1,
            patch: 0,
        })
    }

    /// The variant.
    pub fn variant(&self) -> Variant {
        self.variant
    }

    /// Whether telemetry is on (`uiConfiguration.plugins.tracking.enabled`).
    pub fn telemetry_enabled(&self) -> bool {
        self.telemetry_enabled
    }

    /// Whether this release ships dcos-signal (before 2.2); decides the `dcos-signal` buildinfo entry.
    pub fn has_signal(&self) -> bool {
        self.dcos_version().has_signal()
    }

    /// All nodes, in the order the master pulled them.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The leading master (the node whose Admin Router the simulator plays).
    pub fn leader(&self) -> Option<&Node> {
        self.nodes
            .iter()
            .find(|n| n.leader)
            .or_else(|| self.nodes.iter().find(|n| n.role == Role::Master))
    }

    /// Node counts per role, plus unreachable and unhealthy nodes.
    pub fn node_counts(&self) -> NodeCounts {
        let mut counts = NodeCounts::default();
        for node in &self.nodes {
            match node.role {
                Role::Master => counts.masters += 1,
                Role::Agent => counts.agents += 1,
                Role::AgentPublic => counts.public_agents += 1,
            }
            match node.health() {
                3 => counts.unreachable += 1,
                0 => {}
                _ => counts.unhealthy += 1,
            }
        }
        counts
    }

    /// For every unit in the report: (total, unhealthy) where total is the number of reachable
    /// nodes that run it (`len(Units[u].Nodes)`) and unhealthy the number of those whose output for
    /// it is non-empty. This is dcos-signal's `health-unit-*` rule, computed from the model.
    pub fn expected_health_counts(&self) -> BTreeMap<String, (u64, u64)> {
        let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for node in &self.nodes {
            for unit in node.units.iter().flatten() {
                let entry = counts.entry(unit.id.clone()).or_default();
                entry.0 += 1;
                if !unit.output.is_empty() {
                    entry.1 += 1;
                }
            }
        }
        counts
    }

    /// Installed packages, in `POST /package/list` order.
    pub fn packages(&self) -> &[Package] {
        &self.packages
    }

    /// Mesos frameworks, in `GET /mesos/frameworks` order.
    pub fn frameworks(&self) -> &[Framework] {
        &self.frameworks
    }

    /// The flat `GET /mesos/metrics/snapshot` map.
    pub fn metrics(&self) -> &BTreeMap<String, f64> {
        &self.metrics
    }

    /// The report's `UpdatedTime`.
    pub fn updated_time(&self) -> GoTime {
        self.updated_time
    }

    /// The `/system/health/v1/report` body (a fixture's bytes verbatim, else rendered).
    pub fn report_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_report(&mut out)
            .expect("writing to a Vec cannot fail");
        out
    }

    /// Streams the report body to `w` without holding it in memory.
    pub fn write_report(&self, w: &mut dyn Write) -> io::Result<()> {
        match &self.report_verbatim {
            Some(bytes) => w.write_all(bytes),
            None => report::write_report(self, w),
        }
    }

    /// Renders the report from the model, even for fixtures (whose served bytes are verbatim).
    pub fn render_report_from_model(&self) -> Vec<u8> {
        let mut out = Vec::new();
        report::write_report(self, &mut out).expect("writing to a Vec cannot fail");
        out
    }

    /// The size in bytes of the report body, without building it.
    pub fn report_len(&self) -> u64 {
        let mut counter = report::CountingWriter::default();
        self.write_report(&mut counter)
            .expect("counting cannot fail");
        counter.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> ClusterData {
        ClusterData::small_cluster().unwrap()
    }

    #[test]
    fn fixture_report_re_renders_byte_for_byte() {
        let data = fixtures();
        let rendered = data.render_report_from_model();
        let verbatim = data.report_bytes();
        assert_eq!(data.report_len(), verbatim.len() as u64);
        // The fixture writes `&` literally; Go's encoder (HTML-safe by default) writes `\u0026`.
        // That is the only difference between the fixture and a rendering of its model.
        let go_escaped = String::from_utf8(verbatim).unwrap().replace('&', "\\u0026");
        assert!(
            rendered == go_escaped.as_bytes(),
            "model rendering differs from the fixture report"
        );
    }
}
