//! The non-diagnostics documents of a generated cluster, in the shapes the fixtures show.
//!
//! `dcos-version.json`, `ui-config.json` and `/metadata` use the fixtures' pretty layout; Cosmos and
//! Mesos answer compact JSON; `/pkgpanda/active.buildinfo.full.json` is pkgpanda's
//! `json.dump(indent=2, sort_keys=True)`. Field orders follow the upstream models.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::Variant;
use super::catalog::DcosVersion;
use super::generate::PackageSpec;
use super::model::{Framework, Node, Package, Role};

fn pretty<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("documents serialize");
    out.push(b'\n');
    out
}

#[derive(Serialize)]
struct VersionDoc<'a> {
    version: &'a str,
    #[serde(rename = "dcos-image-commit")]
    image_commit: &'a str,
    #[serde(rename = "bootstrap-id")]
    bootstrap_id: &'a str,
    #[serde(rename = "dcos-variant", skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
}

/// `/dcos-metadata/dcos-version.json`; `dcos-variant` exists from 1.12 on.
pub(super) fn dcos_version(
    text: &str,
    version: DcosVersion,
    variant: Variant,
    image_commit: &str,
    bootstrap_id: &str,
) -> Vec<u8> {
    let has_variant = version
        >= DcosVersion {
            major: 1,
            minor: 12,
            patch: 0,
        };
    pretty(&VersionDoc {
        version: text,
        image_commit,
        bootstrap_id,
        variant: has_variant.then_some(variant.as_str()),
    })
}

/// `/dcos-metadata/ui-config.json`: the generated ui-config plus what IAM adds
/// (`firstUser` and, from 1.13 with Bouncer, the cluster `id`).
pub(super) fn ui_config(
    version: DcosVersion,
    variant: Variant,
    cluster_id: &str,
    tracking: bool,
) -> Vec<u8> {
    let bouncer = version
        >= DcosVersion {
            major: 1,
            minor: 13,
            patch: 0,
        };
    let cluster_configuration = if bouncer {
        format!(
            "{{\n    \"firstUser\": false,\n    \"id\": {}\n  }}",
            json!(cluster_id)
        )
    } else {
        "{\n    \"firstUser\": false\n  }".to_string()
    };
    let oauth = variant == Variant::Open;
    format!(
        r##"{{
  "uiConfiguration": {{
    "plugins": {{
      "banner": {{
        "enabled": false,
        "backgroundColor": "#1E232F",
        "foregroundColor": "#FFFFFF",
        "headerTitle": null,
        "headerContent": null,
        "footerContent": null,
        "imagePath": null,
        "dismissible": null
      }},
      "branding": {{
        "enabled": false
      }},
      "external-links": {{
        "enabled": false
      }},
      "authentication": {{
        "enabled": false
      }},
      "oauth": {{
        "enabled": {oauth},
        "authHost": "https://dcos.auth0.com"
      }},
      "intercom": {{
        "enabled": true,
        "appId": "wn4z9z0y"
      }},
      "tracking": {{
        "enabled": {tracking},
        "metadata": {{
          "openBuild": {open_build}
        }}
      }},
      "ui-update": {{
        "enabled": true
      }},
      "mesos": {{
        "logging-strategy": "fluentbit+logrotate"
      }}
    }}
  }},
  "clusterConfiguration": {cluster_configuration}
}}
"##,
        open_build = variant == Variant::Open,
    )
    .into_bytes()
}

/// `/metadata` (Admin Router's Lua).
pub(super) fn metadata(public_ip: &str, cluster_id: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct Metadata<'a> {
        #[serde(rename = "PUBLIC_IPV4")]
        public_ipv4: &'a str,
        #[serde(rename = "CLUSTER_ID")]
        cluster_id: &'a str,
    }
    pretty(&Metadata {
        public_ipv4: public_ip,
        cluster_id,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Installation<'a> {
    app_id: &'a str,
    package_information: PackageInformation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PackageInformation<'a> {
    package_definition: PackageDefinition<'a>,
    resource_definition: ResourceDefinition,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PackageDefinition<'a> {
    packaging_version: &'a str,
    name: &'a str,
    version: &'a str,
    maintainer: &'a str,
    description: &'a str,
    tags: Vec<&'a str>,
    selected: bool,
    framework: bool,
}

#[derive(Serialize)]
struct ResourceDefinition {
    images: Images,
}

#[derive(Serialize)]
struct Images {
    #[serde(rename = "icon-small")]
    small: String,
    #[serde(rename = "icon-medium")]
    medium: String,
    #[serde(rename = "icon-large")]
    large: String,
}

/// One Cosmos `Installation` as compact JSON (Cosmos drops null fields).
pub(crate) fn package_json(spec: &PackageSpec) -> String {
    let icon = |size: &str| {
        format!(
            "https://downloads.mesosphere.com/assets/universe/000/{}-icon-{size}.png",
            spec.name
        )
    };
    serde_json::to_string(&Installation {
        app_id: &spec.app_id,
        package_information: PackageInformation {
            package_definition: PackageDefinition {
                packaging_version: "4.0",
                name: &spec.name,
                version: &spec.version,
                maintainer: "support@mesosphere.io",
                description: &spec.description,
                tags: vec!["generated"],
                selected: false,
                framework: spec.framework,
            },
            resource_definition: ResourceDefinition {
                images: Images {
                    small: icon("small"),
                    medium: icon("medium"),
                    large: icon("large"),
                },
            },
        },
    })
    .expect("package serializes")
}

/// `{"packages":[…]}` from the stored entries.
pub(crate) fn package_list<'a>(packages: impl IntoIterator<Item = &'a Package>) -> Vec<u8> {
    let mut out = b"{\"packages\":[".to_vec();
    for (i, package) in packages.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(package.json.as_bytes());
    }
    out.extend_from_slice(b"]}");
    out
}

#[derive(Serialize, Clone, Copy)]
struct Resources {
    disk: f64,
    mem: f64,
    gpus: f64,
    cpus: f64,
}

/// One Mesos framework object, in Mesos' field order (trimmed like the fixture).
#[derive(Serialize)]
struct MesosFramework<'a> {
    id: &'a str,
    name: &'a str,
    pid: Option<&'a str>,
    used_resources: Resources,
    offered_resources: Resources,
    capabilities: [&'a str; 2],
    hostname: &'a str,
    webui_url: Option<&'a str>,
    active: bool,
    connected: bool,
    recovered: bool,
    #[serde(rename = "TASK_RUNNING")]
    task_running: u64,
    user: &'a str,
    failover_timeout: f64,
    checkpoint: bool,
    principal: String,
    resources: Resources,
    roles: [&'a str; 1],
    tasks: [(); 0],
    unreachable_tasks: [(); 0],
    completed_tasks: [(); 0],
    offers: [(); 0],
    executors: [(); 0],
}

#[derive(Serialize)]
struct MesosFrameworks<'a> {
    frameworks: Vec<MesosFramework<'a>>,
    completed_frameworks: [(); 0],
    unregistered_frameworks: [(); 0],
}

/// Mesos `GET /frameworks` (fields trimmed as in the fixture).
pub(super) fn frameworks(frameworks: &[Framework], nodes: &[Node]) -> Vec<u8> {
    let leader = nodes
        .iter()
        .find(|n| n.leader)
        .map_or("10.0.1.10", |n| n.ip.as_str());
    let none = Resources {
        disk: 0.0,
        mem: 0.0,
        gpus: 0.0,
        cpus: 0.0,
    };
    let list = frameworks
        .iter()
        .map(|f| MesosFramework {
            id: &f.id,
            name: &f.name,
            pid: None,
            used_resources: none,
            offered_resources: none,
            capabilities: ["PARTITION_AWARE", "MULTI_ROLE"],
            hostname: leader,
            webui_url: None,
            active: true,
            connected: true,
            recovered: false,
            task_running: f.tasks_running,
            user: "root",
            failover_timeout: 604_800.0,
            checkpoint: true,
            principal: format!("dcos_{}", f.name),
            resources: none,
            roles: ["*"],
            tasks: [],
            unreachable_tasks: [],
            completed_tasks: [],
            offers: [],
            executors: [],
        })
        .collect();
    serde_json::to_vec(&MesosFrameworks {
        frameworks: list,
        completed_frameworks: [],
        unregistered_frameworks: [],
    })
    .expect("frameworks serialize")
}

/// Mesos `GET /metrics/snapshot` values derived from the model.
pub(super) fn metrics(nodes: &[Node], frameworks: &[Framework]) -> BTreeMap<String, f64> {
    let agents: Vec<&Node> = nodes.iter().filter(|n| n.role != Role::Master).collect();
    let active = agents.iter().filter(|n| n.reachable()).count() as f64;
    let total = agents.len() as f64;
    let tasks: u64 = frameworks.iter().map(|f| f.tasks_running).sum();
    let (cpus_total, mem_total, disk_total) = (4.0 * active, 14_826.0 * active, 37_558.0 * active);
    let cpus_used = (tasks as f64).min(cpus_total);
    let mem_used = (1152.0 * tasks as f64).min(mem_total);
    let disk_used = (3000.0 * tasks as f64).min(disk_total);
    let pct = |used: f64, total: f64| if total > 0.0 { used / total } else { 0.0 };
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: f64| {
        m.insert(format!("master/{k}"), v);
    };
    put("cpus_percent", pct(cpus_used, cpus_total));
    put("cpus_revocable_percent", 0.0);
    put("cpus_revocable_total", 0.0);
    put("cpus_revocable_used", 0.0);
    put("cpus_total", cpus_total);
    put("cpus_used", cpus_used);
    put("disk_percent", pct(disk_used, disk_total));
    put("disk_revocable_percent", 0.0);
    put("disk_revocable_total", 0.0);
    put("disk_revocable_used", 0.0);
    put("disk_total", disk_total);
    put("disk_used", disk_used);
    put("dropped_messages", 0.0);
    put("elected", 1.0);
    put("event_queue_dispatches", 0.0);
    put("event_queue_http_requests", 0.0);
    put("event_queue_messages", 0.0);
    put("frameworks_active", frameworks.len() as f64);
    put("frameworks_connected", frameworks.len() as f64);
    put("frameworks_disconnected", 0.0);
    put("frameworks_inactive", 0.0);
    put("gpus_percent", 0.0);
    put("gpus_total", 0.0);
    put("gpus_used", 0.0);
    put("mem_percent", pct(mem_used, mem_total));
    put("mem_revocable_percent", 0.0);
    put("mem_revocable_total", 0.0);
    put("mem_revocable_used", 0.0);
    put("mem_total", mem_total);
    put("mem_used", mem_used);
    put("slaves_active", active);
    put("slaves_connected", active);
    put("slaves_disconnected", total - active);
    put("slaves_inactive", 0.0);
    put("tasks_error", 0.0);
    put("tasks_failed", 0.0);
    put("tasks_finished", 0.0);
    put("tasks_killed", 0.0);
    put("tasks_killing", 0.0);
    put("tasks_lost", 0.0);
    put("tasks_running", tasks as f64);
    put("tasks_staging", 0.0);
    put("tasks_starting", 0.0);
    put("tasks_unreachable", 0.0);
    put("uptime_secs", 86_391.736_541_952);
    m.insert("registrar/log/recovered".into(), 1.0);
    m.insert("system/cpus_total".into(), 4.0);
    m.insert("system/load_15min".into(), 0.31);
    m.insert("system/load_1min".into(), 0.42);
    m.insert("system/load_5min".into(), 0.37);
    m.insert("system/mem_free_bytes".into(), 9_321_254_912.0);
    m.insert("system/mem_total_bytes".into(), 16_307_367_936.0);
    m
}

/// The metrics map as Mesos writes it (compact).
pub(super) fn metrics_json(metrics: &BTreeMap<String, f64>) -> Vec<u8> {
    serde_json::to_vec(metrics).expect("metrics serialize")
}

/// The dcos-signal commit each release line shipped (§0 of the internals document).
fn signal_ref(version: DcosVersion) -> &'static str {
    let v = |major, minor, patch| DcosVersion {
        major,
        minor,
        patch,
    };
    if version < v(1, 8, 0) {
        "27b9cef"
    } else if version < v(1, 9, 0) {
        "7e7cb7a"
    } else if version < v(1, 10, 0) {
        "5f64585"
    } else if version < v(1, 11, 0) {
        "7026c19"
    } else if version < v(1, 12, 0) {
        "8e23723"
    } else if version < v(1, 13, 9) {
        "fcf41b8"
    } else {
        "a2040b7"
    }
}

/// `/pkgpanda/active.buildinfo.full.json`: package name -> its full buildinfo (`null` for setup
/// packages). Only the presence of `dcos-signal` is meaningful (it is gone from 2.2); the
/// buildinfo bodies and the refs' trailing hex digits are placeholders.
pub(super) fn buildinfo(version: DcosVersion, version_text: &str) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(
        u64::from(version.major) << 32 | u64::from(version.minor) << 16 | u64::from(version.patch),
    );
    let mut packages: BTreeMap<String, Value> = BTreeMap::new();
    let git = |name: &str, short: &str, rng: &mut fastrand::Rng| {
        let full = format!("{short}{}", super::generate::hex(rng, 40 - short.len()));
        json!({
            "requires": ["openssl", "python"],
            "single_source": {
                "kind": "git",
                "git": format!("https://github.com/dcos/{name}.git"),
                "ref": full,
                "ref_origin": "master"
            },
            "package_version": format!("{version_text}-{}", &full[..7]),
        })
    };
    for name in [
        "adminrouter",
        "bootstrap",
        "cosmos",
        "dcos-diagnostics",
        "dcos-image",
        "exhibitor",
        "marathon",
        "mesos",
        "mesos-dns",
        "pkgpanda-api",
    ] {
        let value = git(name, "", &mut rng);
        packages.insert(name.to_string(), value);
    }
    if version.has_signal() {
        let value = git("dcos-signal", signal_ref(version), &mut rng);
        packages.insert("dcos-signal".to_string(), value);
    }
    packages.insert("dcos-config".to_string(), Value::Null);
    packages.insert("dcos-metadata".to_string(), Value::Null);
    pretty(&packages)
}
