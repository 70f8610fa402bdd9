//! The cluster generator: shape equal to the fixture's, per-version realism, failures, unreachable
//! nodes, odd names, the model oracle, and a 2,000+ node report of 100+ MB over HTTPS.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

use dcos_sim::{
    ClusterData, ExtraUnit, Failure, FailureKind, GenSpec, LIST_REQUEST_V1, LIST_RESPONSE_V1,
    NodeRef, PackageSpec, Role, Sim, SimConfig, Variant,
};

use crate::common::{client, client_for, fetch, fixture, fixture_json, json, token};

/// An order-preserving JSON tree (serde_json's map sorts keys without `preserve_order`).
#[derive(Debug)]
enum J {
    Obj(Vec<(String, J)>),
    Arr(Vec<J>),
    Str,
    Num,
    Bool,
    Null,
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn string(&mut self) -> String {
        let start = self.i;
        self.i += 1;
        while self.b[self.i] != b'"' {
            self.i += if self.b[self.i] == b'\\' { 2 } else { 1 };
        }
        self.i += 1;
        serde_json::from_slice(&self.b[start..self.i]).unwrap()
    }
    fn value(&mut self) -> J {
        self.ws();
        match self.b[self.i] {
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                loop {
                    self.ws();
                    if self.b[self.i] == b'}' {
                        self.i += 1;
                        return J::Obj(fields);
                    }
                    let key = self.string();
                    self.ws();
                    assert_eq!(self.b[self.i], b':');
                    self.i += 1;
                    fields.push((key, self.value()));
                    self.ws();
                    if self.b[self.i] == b',' {
                        self.i += 1;
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.b[self.i] == b']' {
                        self.i += 1;
                        return J::Arr(items);
                    }
                    items.push(self.value());
                    self.ws();
                    if self.b[self.i] == b',' {
                        self.i += 1;
                    }
                }
            }
            b'"' => {
                self.string();
                J::Str
            }
            b't' | b'f' => {
                self.i += if self.b[self.i] == b't' { 4 } else { 5 };
                J::Bool
            }
            b'n' => {
                self.i += 4;
                J::Null
            }
            _ => {
                while self.i < self.b.len() && b"-+.eE0123456789".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                J::Num
            }
        }
    }
}

/// The shape of the report: field names in order and value kinds; the maps `Units`, `Nodes` and
/// `Output` (keyed by unit or IP) are described by the distinct shapes of their values.
fn shape(j: &J, as_map: bool) -> String {
    match j {
        J::Obj(fields) if as_map => {
            let mut shapes: Vec<String> = fields.iter().map(|(_, v)| shape(v, false)).collect();
            shapes.sort();
            shapes.dedup();
            format!("map<{}>", shapes.join("|"))
        }
        J::Obj(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{k}:{}",
                        shape(
                            v,
                            matches!(v, J::Obj(_))
                                && ["Units", "Nodes", "Output"].contains(&k.as_str())
                        )
                    )
                })
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        J::Arr(items) => {
            let mut shapes: Vec<String> = items.iter().map(|v| shape(v, false)).collect();
            shapes.sort();
            shapes.dedup();
            format!("[{}]", shapes.join("|"))
        }
        J::Str => "s".into(),
        J::Num => "n".into(),
        J::Bool => "b".into(),
        J::Null => "null".into(),
    }
}

fn report_shape(bytes: &[u8]) -> String {
    shape(&P { b: bytes, i: 0 }.value(), false)
}

/// The fixture cluster's failure, reproduced by the generator.
fn fixture_like_spec() -> GenSpec {
    GenSpec::default().fail(NodeRef::Agent(1), "dcos-checks-poststart.service")
}

#[test]
fn generated_report_has_the_fixture_shape_and_go_framing() {
    let data = ClusterData::generate(fixture_like_spec()).unwrap();
    let generated = data.report_bytes();
    let fixture_report = fixture("dcos-diagnostics/system-health-v1-report.json");
    assert_eq!(report_shape(&generated), report_shape(&fixture_report));
    assert!(
        generated.starts_with(b"{\"Units\":{\"dcos-adminrouter-agent.service\":{\"UnitName\":")
    );
    assert!(generated.ends_with(b"Z\"}\n") && !generated[..generated.len() - 1].contains(&b'\n'));
    assert_eq!(data.report_len(), generated.len() as u64);
}

#[test]
fn default_spec_runs_the_fixture_units_per_role() {
    let generated = ClusterData::generate(GenSpec::default()).unwrap();
    let fixtures = ClusterData::small_cluster().unwrap();
    let units_of = |data: &ClusterData, role: Role| -> Vec<(String, String, String)> {
        let node = data.nodes().iter().find(|n| n.role == role).unwrap();
        node.units
            .as_ref()
            .unwrap()
            .iter()
            .map(|u| (u.id.clone(), u.name.clone(), u.description.clone()))
            .collect()
    };
    for role in [Role::Master, Role::Agent, Role::AgentPublic] {
        assert_eq!(
            units_of(&generated, role),
            units_of(&fixtures, role),
            "{role:?}"
        );
    }
    assert_eq!(generated.expected_health_counts().len(), 53);
}

/// dcos-signal's rule, recomputed from a served report.
fn counts_from_report(report: &serde_json::Value) -> BTreeMap<String, (u64, u64)> {
    report["Units"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(unit, entry)| {
            let nodes = entry["Nodes"].as_array().unwrap();
            let unhealthy = nodes
                .iter()
                .filter(|n| n["Output"][unit].as_str().is_some_and(|o| !o.is_empty()))
                .count();
            (unit.clone(), (nodes.len() as u64, unhealthy as u64))
        })
        .collect()
}

#[test]
fn oracle_matches_the_served_report() {
    let fixtures = ClusterData::small_cluster().unwrap();
    let counts = fixtures.expected_health_counts();
    assert_eq!(counts["dcos-checks-poststart.service"], (4, 1));
    assert_eq!(counts["dcos-mesos-slave.service"], (2, 0));
    assert_eq!(
        counts,
        counts_from_report(&fixture_json(
            "dcos-diagnostics/system-health-v1-report.json"
        ))
    );

    let spec = GenSpec::new(3, 5, 2)
        .fail(NodeRef::Agent(0), "dcos-mesos-slave.service")
        .fail(NodeRef::Agent(3), "dcos-mesos-slave.service")
        .fail(NodeRef::Master(2), "dcos-net.service")
        .unreachable(NodeRef::Agent(4))
        .unreachable(NodeRef::PublicAgent(1));
    let sim = Sim::start(SimConfig::new(ClusterData::generate(spec).unwrap())).unwrap();
    let (status, _, body) = fetch(&sim, "/system/health/v1/report?cache=0");
    assert_eq!(status, 200);
    let counts = sim.data().expected_health_counts();
    assert_eq!(counts, counts_from_report(&json(&body)));
    assert_eq!(counts["dcos-mesos-slave.service"], (4, 2));
    assert_eq!(counts["dcos-net.service"], (8, 1));
    let nodes = sim.data().node_counts();
    assert_eq!(
        (
            nodes.masters,
            nodes.agents,
            nodes.public_agents,
            nodes.unreachable,
            nodes.unhealthy
        ),
        (3, 5, 2, 2, 3)
    );
}

#[test]
fn unreachable_nodes_have_health_3_null_output_and_no_units() {
    let data = ClusterData::generate(GenSpec::default().unreachable(NodeRef::Agent(1))).unwrap();
    let ip = data.nodes()[2].ip.clone();
    let report = String::from_utf8(data.report_bytes()).unwrap();
    let entry = format!(
        "\"{ip}\":{{\"Leader\":false,\"Role\":\"agent\",\"IP\":\"{ip}\",\"Host\":\"\",\"Health\":3,\"Output\":null,\"MesosID\":\"\"}}"
    );
    assert!(report.contains(&entry), "{entry}");
    assert_eq!(
        report.matches(&format!("\"IP\":\"{ip}\"")).count(),
        1,
        "in no unit's Nodes"
    );
    let sim = Sim::start(SimConfig::new(data)).unwrap();
    assert_eq!(
        fetch(&sim, &format!("/system/health/v1/nodes/{ip}/units")).2,
        b"{\"units\":null}\n"
    );
    assert_eq!(
        fetch(&sim, &format!("/system/health/v1/nodes/{ip}")).2,
        format!("{{\"host_ip\":\"{ip}\",\"health\":3,\"role\":\"agent\"}}\n").into_bytes()
    );
}

#[test]
fn failures_carry_reason_and_journal_lines() {
    let spec = GenSpec::default()
        .failure(Failure {
            node: NodeRef::Master(0),
            unit: "dcos-cosmos.service".into(),
            kind: FailureKind::State("failed".into()),
            journal_lines: 50,
        })
        .failure(Failure {
            node: NodeRef::PublicAgent(0),
            unit: "dcos-net.service".into(),
            kind: FailureKind::NotLoaded,
            journal_lines: 0,
        });
    let data = ClusterData::generate(spec).unwrap();
    let master = data.nodes()[0]
        .unit("dcos-cosmos.service")
        .unwrap()
        .output
        .clone();
    let lines: Vec<&str> = master.split_terminator('\n').collect();
    assert_eq!(lines.len(), 51);
    assert_eq!(
        lines[0],
        "dcos-cosmos.service state is not one of the possible states [active inactive activating]. Current state is [ failed ]. Please check `systemctl show all dcos-cosmos.service` to check current Unit state. "
    );
    assert!(lines[1..].iter().all(|l| l.contains(" +0000 UTC ")));
    let public = data.nodes()[3].unit("dcos-net.service").unwrap();
    assert_eq!(
        public.output,
        "dcos-net.service is not loaded. Please check `systemctl show all` to check current Unit status.\n"
    );
    let sim = Sim::start(SimConfig::new(data)).unwrap();
    let body = json(
        &fetch(
            &sim,
            "/system/health/v1/units/dcos-cosmos.service/nodes/10.0.1.10",
        )
        .2,
    );
    assert_eq!(body["health"], 1);
    assert_eq!(body["output"], master);
}

#[test]
fn versions_change_units_and_documents() {
    let signal_units = |data: &ClusterData, role: Role| -> Vec<String> {
        let node = data.nodes().iter().find(|n| n.role == role).unwrap();
        node.units
            .as_ref()
            .unwrap()
            .iter()
            .filter(|u| u.id.starts_with("dcos-signal"))
            .map(|u| u.id.clone())
            .collect()
    };
    let v17 = ClusterData::generate(GenSpec::new(1, 1, 1).version("1.7")).unwrap();
    for role in [Role::Master, Role::Agent, Role::AgentPublic] {
        assert_eq!(signal_units(&v17, role), ["dcos-signal.timer"]);
    }
    assert_eq!(v17.expected_health_counts()["dcos-signal.timer"], (3, 0));
    let v113 = ClusterData::generate(GenSpec::default().version("1.13.9")).unwrap();
    assert_eq!(
        signal_units(&v113, Role::Master),
        ["dcos-signal.service", "dcos-signal.timer"]
    );
    assert!(signal_units(&v113, Role::Agent).is_empty());
    let v22 = ClusterData::generate(GenSpec::default().version("2.2.0")).unwrap();
    assert!(
        v22.expected_health_counts()
            .keys()
            .all(|u| !u.starts_with("dcos-signal"))
    );
    assert!(!v22.has_signal() && v113.has_signal());

    let docs = |data: ClusterData| {
        let sim = Sim::start(SimConfig::new(data)).unwrap();
        let c = client(&sim);
        let get = |path: &str| {
            json(
                &c.get(format!("{}{path}", sim.url()))
                    .send()
                    .unwrap()
                    .bytes()
                    .unwrap(),
            )
        };
        let buildinfo = json(&fetch(&sim, "/pkgpanda/active.buildinfo.full.json").2);
        (
            get("/dcos-metadata/dcos-version.json"),
            get("/dcos-metadata/ui-config.json"),
            buildinfo,
        )
    };
    let (version, ui, buildinfo) = docs(v22);
    assert_eq!(
        (
            version["version"].as_str(),
            version["dcos-variant"].as_str()
        ),
        (Some("2.2.0"), Some("open"))
    );
    assert!(ui["clusterConfiguration"]["id"].is_string());
    assert!(buildinfo.get("dcos-signal").is_none());
    let (version, ui, buildinfo) =
        docs(ClusterData::generate(GenSpec::default().version("1.11.4")).unwrap());
    assert!(version.get("dcos-variant").is_none());
    assert_eq!(
        ui["clusterConfiguration"],
        serde_json::json!({"firstUser": false})
    );
    assert!(
        buildinfo["dcos-signal"]["single_source"]["ref"]
            .as_str()
            .unwrap()
            .starts_with("8e23723")
    );
    let (version, _, _) = docs(
        ClusterData::generate(
            GenSpec::default()
                .version("1.12.0")
                .variant(Variant::Enterprise),
        )
        .unwrap(),
    );
    assert_eq!(version["dcos-variant"], "enterprise");
}

#[test]
fn telemetry_switch_and_determinism() {
    let on = ClusterData::generate(GenSpec::default()).unwrap();
    let again = ClusterData::generate(GenSpec::default()).unwrap();
    assert_eq!(on.report_bytes(), again.report_bytes());
    assert_eq!(on.cluster_id(), again.cluster_id());
    let other = ClusterData::generate(GenSpec::default().seed(2)).unwrap();
    assert_ne!(on.cluster_id(), other.cluster_id());
    let off = Sim::start(SimConfig::new(
        ClusterData::generate(GenSpec::default().telemetry(false)).unwrap(),
    ))
    .unwrap();
    let ui = json(
        &client(&off)
            .get(format!("{}/dcos-metadata/ui-config.json", off.url()))
            .send()
            .unwrap()
            .bytes()
            .unwrap(),
    );
    assert_eq!(
        ui["uiConfiguration"]["plugins"]["tracking"]["enabled"],
        false
    );
    assert_eq!(ui["clusterConfiguration"]["id"], off.data().cluster_id());
}

#[test]
fn odd_names_survive_every_encoder() {
    let spec = GenSpec::default()
        .extra_unit(ExtraUnit {
            id: "dcos-custom.checks.v2.service".into(),
            name: "Custom <checks> & more".into(),
            description: "verifies ünïcode \u{2028} and \"quotes\"".into(),
            roles: vec![Role::Agent, Role::AgentPublic],
        })
        .fail(NodeRef::Agent(0), "dcos-custom.checks.v2.service")
        .packages(vec![
            PackageSpec::new("/odd", "<b>bold</b> & co", "1.0.0-ß", true),
            PackageSpec::new("/plain", "plain", "2.0", false),
        ])
        .frameworks(vec!["marathon".into(), "fw <&> 日本".into()]);
    let data = ClusterData::generate(spec).unwrap();
    let report = data.report_bytes();
    let text = String::from_utf8(report.clone()).unwrap();
    assert!(text.contains(r#""PrettyName":"Custom \u003cchecks\u003e \u0026 more""#));
    assert!(text.contains("verifies ünïcode \\u2028 and \\\"quotes\\\""));
    let parsed = json(&report);
    assert_eq!(
        parsed["Units"]["dcos-custom.checks.v2.service"]["PrettyName"],
        "Custom <checks> & more"
    );
    assert_eq!(
        data.expected_health_counts()["dcos-custom.checks.v2.service"],
        (3, 1)
    );

    let sim = Sim::start(SimConfig::new(data)).unwrap();
    let list = client(&sim)
        .post(format!("{}/package/list", sim.url()))
        .header("Authorization", format!("token={}", token(&sim)))
        .header("Content-Type", LIST_REQUEST_V1)
        .header("Accept", LIST_RESPONSE_V1)
        .body("{}")
        .send()
        .unwrap();
    let list = json(&list.bytes().unwrap());
    assert_eq!(
        list["packages"][0]["packageInformation"]["packageDefinition"]["name"],
        "<b>bold</b> & co"
    );
    assert_eq!(list["packages"][0]["appId"], "/odd");
    let frameworks = json(&fetch(&sim, "/mesos/frameworks").2);
    assert_eq!(frameworks["frameworks"][1]["name"], "fw <&> 日本");
    let names: Vec<&str> = sim
        .data()
        .frameworks()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["marathon", "fw <&> 日本"]);
    let unit = json(
        &fetch(
            &sim,
            "/system/health/v1/units/dcos-custom.checks.v2.service",
        )
        .2,
    );
    assert_eq!(unit["name"], "Custom <checks> & more");
}

#[test]
fn metrics_follow_the_model() {
    let data = ClusterData::generate(GenSpec::new(1, 4, 1).unreachable(NodeRef::Agent(3))).unwrap();
    let m = data.metrics();
    assert_eq!(m["master/slaves_active"], 4.0);
    assert_eq!(m["master/slaves_disconnected"], 1.0);
    assert_eq!(m["master/cpus_total"], 16.0);
    assert_eq!(m["master/frameworks_active"], 3.0);
    assert_eq!(m["master/tasks_running"], 5.0);
    let sim = Sim::start(SimConfig::new(data)).unwrap();
    let served = json(&fetch(&sim, "/mesos/metrics/snapshot").2);
    assert_eq!(served["master/cpus_total"], 16.0);
    let fixture_keys: Vec<String> = fixture_json("mesos/metrics-snapshot.json")
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let served_keys: Vec<String> = served.as_object().unwrap().keys().cloned().collect();
    assert_eq!(served_keys, fixture_keys);
}

/// Counts bytes while checking JSON syntax on the fly.
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

#[test]
fn a_2000_node_report_is_over_100_mb_and_streams_over_https() {
    let spec = GenSpec::new(3, 1_800, 250)
        .fail(NodeRef::Agent(17), "dcos-mesos-slave.service")
        .unreachable(NodeRef::Agent(1_799));
    let data = ClusterData::generate(spec).unwrap();
    assert_eq!(data.nodes().len(), 2_053);
    let expected_len = data.report_len();
    assert!(expected_len >= 100_000_000, "{expected_len} bytes");
    let sim = Sim::start(SimConfig::new(data)).unwrap();
    let c = client_for(&sim.ca_pem(), Duration::from_secs(600));
    let resp = crate::common::authed(&c, &sim, "/system/health/v1/report?cache=0")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(crate::common::header(&resp, "transfer-encoding"), "chunked");
    // serde_json reads byte by byte: buffer, or every byte is a trip through reqwest.
    let mut reader = std::io::BufReader::with_capacity(
        1 << 20,
        Counting {
            inner: resp,
            count: 0,
        },
    );
    let _: serde::de::IgnoredAny =
        serde_json::from_reader(&mut reader).expect("the report is valid JSON");
    // from_reader also consumed the trailing newline and checked that nothing else follows.
    assert_eq!(reader.read(&mut [0u8; 1]).unwrap(), 0);
    assert_eq!(reader.get_ref().count, expected_len);
}
