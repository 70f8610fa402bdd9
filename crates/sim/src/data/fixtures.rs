//! Loading a `small-cluster` style fixture directory.
//!
//! Documents are kept byte for byte (they are served verbatim); the report is also parsed into the
//! model so the diagnostics sub-routes and the test oracle can be derived from it.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::model::{Framework, Node, Package, Role, UnitStatus};
use super::{ClusterData, Documents, Variant, catalog, documents};
use crate::gotime::GoTime;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawReport {
    #[serde(default)]
    nodes: BTreeMap<String, RawNode>,
    updated_time: String,
}

#[derive(Deserialize)]
struct RawNode {
    #[serde(rename = "Leader")]
    leader: bool,
    #[serde(rename = "Role")]
    role: String,
    #[serde(rename = "IP")]
    ip: String,
    #[serde(rename = "Host")]
    host: String,
    #[serde(rename = "Output")]
    output: Option<BTreeMap<String, String>>,
    #[serde(rename = "Units", default)]
    units: Vec<RawUnit>,
    #[serde(rename = "MesosID")]
    mesos_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawUnit {
    unit_name: String,
    health: u8,
    title: String,
    timestamp: String,
    pretty_name: String,
}

#[derive(Deserialize)]
struct RawVersion {
    version: String,
    #[serde(rename = "dcos-variant")]
    variant: Option<String>,
}

#[derive(Deserialize)]
struct RawMetadata {
    #[serde(rename = "CLUSTER_ID")]
    cluster_id: String,
}

#[derive(Deserialize)]
struct RawPackageList<'a> {
    #[serde(borrow)]
    packages: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawInstallation {
    app_id: String,
    package_information: RawPackageInformation,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPackageInformation {
    package_definition: RawPackageDefinition,
}

#[derive(Deserialize)]
struct RawPackageDefinition {
    name: String,
    version: String,
    #[serde(default)]
    framework: bool,
}

#[derive(Deserialize)]
struct RawFrameworks {
    frameworks: Vec<RawFramework>,
}

#[derive(Deserialize)]
struct RawFramework {
    id: String,
    name: String,
    #[serde(rename = "TASK_RUNNING", default)]
    tasks_running: u64,
}

#[derive(Deserialize)]
struct RawUiConfig {
    #[serde(rename = "uiConfiguration")]
    ui_configuration: RawUiConfiguration,
}

#[derive(Deserialize)]
struct RawUiConfiguration {
    plugins: RawPlugins,
}

#[derive(Deserialize)]
struct RawPlugins {
    tracking: RawTracking,
}

#[derive(Deserialize)]
struct RawTracking {
    enabled: bool,
}

fn invalid(path: &Path, err: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {err}", path.display()),
    )
}

fn read(dir: &Path, rel: &str) -> io::Result<Vec<u8>> {
    let path = dir.join(rel);
    fs::read(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn parse<'a, T: Deserialize<'a>>(dir: &Path, rel: &str, bytes: &'a [u8]) -> io::Result<T> {
    serde_json::from_slice(bytes).map_err(|e| invalid(&dir.join(rel), e))
}

/// Loads the fixture directory `dir`.
pub(super) fn load(dir: &Path) -> io::Result<ClusterData> {
    const REPORT: &str = "dcos-diagnostics/system-health-v1-report.json";
    let report_bytes = read(dir, REPORT)?;
    let report: RawReport = parse(dir, REPORT, &report_bytes)?;
    let updated_time = GoTime::parse_rfc3339_utc(&report.updated_time)
        .ok_or_else(|| invalid(&dir.join(REPORT), "UpdatedTime is not RFC 3339 UTC"))?;

    let mut nodes = Vec::with_capacity(report.nodes.len());
    for (key, raw) in report.nodes {
        let role = Role::parse(&raw.role).ok_or_else(|| {
            invalid(
                &dir.join(REPORT),
                format!("node {key}: unknown role {:?}", raw.role),
            )
        })?;
        let units = match raw.output {
            None => None,
            Some(outputs) => {
                let mut units = Vec::with_capacity(raw.units.len());
                for unit in raw.units {
                    let timestamp =
                        GoTime::parse_rfc3339_utc(&unit.timestamp).ok_or_else(|| {
                            invalid(
                                &dir.join(REPORT),
                                format!("unit {}: bad Timestamp", unit.unit_name),
                            )
                        })?;
                    units.push(UnitStatus {
                        output: outputs.get(&unit.unit_name).cloned().unwrap_or_default(),
                        id: unit.unit_name,
                        name: unit.pretty_name,
                        description: unit.title,
                        health: unit.health,
                        timestamp,
                    });
                }
                Some(units)
            }
        };
        nodes.push(Node {
            ip: raw.ip,
            hostname: raw.host,
            role,
            leader: raw.leader,
            mesos_id: raw.mesos_id,
            units,
        });
    }

    const VERSION: &str = "dcos-metadata/dcos-version.json";
    let dcos_version = read(dir, VERSION)?;
    let version: RawVersion = parse(dir, VERSION, &dcos_version)?;
    let variant = match version.variant.as_deref() {
        None => Variant::Open,
        Some(text) => Variant::parse(text)
            .ok_or_else(|| invalid(&dir.join(VERSION), format!("unknown dcos-variant {text:?}")))?,
    };

    const METADATA: &str = "metadata.json";
    let metadata = read(dir, METADATA)?;
    let meta: RawMetadata = parse(dir, METADATA, &metadata)?;

    const UI: &str = "dcos-metadata/ui-config.json";
    let ui_config_enabled = read(dir, UI)?;
    let ui: RawUiConfig = parse(dir, UI, &ui_config_enabled)?;
    let ui_config_disabled = read(dir, "dcos-metadata/ui-config.telemetry-disabled.json")?;

    const PACKAGES: &str = "cosmos/package-list.response.json";
    let package_list = read(dir, PACKAGES)?;
    let list: RawPackageList = parse(dir, PACKAGES, &package_list)?;
    let mut packages = Vec::with_capacity(list.packages.len());
    for raw in list.packages {
        let install: RawInstallation =
            serde_json::from_str(raw.get()).map_err(|e| invalid(&dir.join(PACKAGES), e))?;
        let def = install.package_information.package_definition;
        packages.push(Package {
            app_id: install.app_id,
            name: def.name,
            version: def.version,
            framework: def.framework,
            json: raw.get().to_string(),
        });
    }

    const FRAMEWORKS: &str = "mesos/frameworks.json";
    let frameworks_doc = read(dir, FRAMEWORKS)?;
    let raw_frameworks: RawFrameworks = parse(dir, FRAMEWORKS, &frameworks_doc)?;
    let frameworks = raw_frameworks
        .frameworks
        .into_iter()
        .map(|f| Framework {
            id: f.id,
            name: f.name,
            tasks_running: f.tasks_running,
        })
        .collect();

    const METRICS: &str = "mesos/metrics-snapshot.json";
    let metrics_doc = read(dir, METRICS)?;
    let metrics: BTreeMap<String, f64> = parse(dir, METRICS, &metrics_doc)?;

    let parsed_version = catalog::DcosVersion::parse(&version.version)
        .ok_or_else(|| invalid(&dir.join(VERSION), "unparsable version"))?;
    let buildinfo = documents::buildinfo(parsed_version, &version.version);

    Ok(ClusterData {
        cluster_id: meta.cluster_id,
        diagnostics_version: catalog::diagnostics_version(parsed_version).to_string(),
        version: version.version,
        variant,
        telemetry_enabled: ui.ui_configuration.plugins.tracking.enabled,
        nodes,
        updated_time,
        packages,
        frameworks,
        metrics,
        docs: Documents {
            ui_config_enabled,
            ui_config_disabled,
            dcos_version,
            metadata,
            package_list,
            frameworks: frameworks_doc,
            metrics: metrics_doc,
            buildinfo,
        },
        report_verbatim: Some(Arc::new(report_bytes)),
        unit_index: BTreeMap::new(),
        fragments: Default::default(),
    }
    .assemble())
}
