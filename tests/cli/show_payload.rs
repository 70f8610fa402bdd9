//! `dcos telemetry show-payload` against the simulated cluster: byte-exact dcos-signal output.

use std::time::Duration;

use dcos_sim::{
    ClusterData, ExtraUnit, Failure, Fault, GenSpec, NodeRef, PackageSpec, Role, Route, SimConfig,
};

use crate::harness::{Cluster, Home, fixtures};
use crate::snap;

const ASSUMED: &str = "note: assumed platform=\"onprem\", provider=\"onprem\", customerKey=\"\", licenseId=\"\" (an on-prem Open cluster's values: no endpoint exposes them; `show-payload --help` says how to set them)\n";

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("small-cluster/dcos-signal").join(name)).unwrap()
}

/// The fixture's pretty JSON made compact, keeping its key order and bytes.
fn minify(pretty: &str) -> String {
    pretty
        .lines()
        .map(|l| {
            let l = l.trim_start();
            match l.find("\": ") {
                Some(i) if l.starts_with('"') => format!("{}\":{}", &l[..i], &l[i + 3..]),
                _ => l.to_string(),
            }
        })
        .collect()
}

/// Replaces the per-delivery values (ids, times) and the library context with placeholders.
fn normalize_batch(compact: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(compact).unwrap();
    let mut text = compact.to_string();
    let mut swap = |from: &str, to: &str| text = text.replacen(from, to, 1);
    swap(v["batch"][0]["messageId"].as_str().unwrap(), "[TRACK-ID]");
    swap(v["messageId"].as_str().unwrap(), "[BATCH-ID]");
    let lib = &v["context"]["library"];
    let library = format!(
        "{{\"name\":\"{}\",\"version\":\"{}\"}}",
        lib["name"].as_str().unwrap(),
        lib["version"].as_str().unwrap()
    );
    swap(&library, "[LIBRARY]");
    let time = v["sentAt"].as_str().unwrap().to_string();
    text.replace(&time, "[TIME]")
}

#[test]
fn equals_the_real_dcos_signal_output_byte_for_byte() {
    let c = Cluster::small();
    let run = c.run(&["show-payload"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // One trailing newline is allowed; nothing else may differ.
    assert_eq!(
        run.stdout,
        format!("{}\n", expected("dcos-signal-test-output.json"))
    );
    assert_eq!(run.stderr, ASSUMED);
    // It read what dcos-signal reads, through Admin Router, with the Cosmos media types.
    let requests = c.sim.requests();
    let list = requests.iter().find(|r| r.path == "/package/list").unwrap();
    assert_eq!(list.method, "POST");
    assert_eq!(list.body, b"{}");
    assert_eq!(
        list.header("content-type"),
        Some("application/vnd.dcos.package.list-request+json;charset=utf-8;version=v1")
    );
    assert_eq!(
        list.header("accept"),
        Some("application/vnd.dcos.package.list-response+json;charset=utf-8;version=v1")
    );
    for path in [
        "/system/health/v1/report",
        "/mesos/frameworks",
        "/mesos/metrics/snapshot",
    ] {
        assert!(requests.iter().any(|r| r.path == path), "{path}");
    }
}

#[test]
fn plugin_mode_gives_the_same_bytes() {
    let c = Cluster::small();
    let run = c.run_plugin(&["show-payload"], &[]);
    assert_eq!(
        run.stdout,
        format!("{}\n", expected("dcos-signal-test-output.json"))
    );
}

#[test]
fn segment_bodies_equal_what_dcos_signal_posts() {
    let c = Cluster::small();
    let run = c.run(&["show-payload", "--segment"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    for (line, event) in lines.iter().zip(["health", "package_list", "mesos_track"]) {
        let fixture = minify(&expected(&format!("segment-v1-batch.{event}.json")));
        assert_eq!(normalize_batch(line), normalize_batch(&fixture), "{event}");
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["context"]["library"]["name"], "dcos-telemetry");
        assert_eq!(
            v["context"]["library"]["version"],
            env!("CARGO_PKG_VERSION")
        );
        let time = v["sentAt"].as_str().unwrap();
        assert_eq!(time.len(), "2020-11-18T09:30:02+0000".len());
        assert!(time.ends_with("+0000"));
        assert_eq!(v["batch"][0]["timestamp"], v["sentAt"]);
    }
    // The content hashes are printed on stderr and do not depend on ids or times.
    let again = c.run(&["show-payload", "--segment"]);
    let hashes = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("sha256:"))
            .map(String::from)
            .collect()
    };
    assert_eq!(hashes(&run.stderr).len(), 3);
    assert_eq!(hashes(&run.stderr), hashes(&again.stderr));
    assert_ne!(run.stdout, again.stdout, "message ids are fresh per run");
}

#[test]
fn event_selection() {
    let c = Cluster::small();
    let run = c.run(&["show-payload", "--event", "mesos_track,package_list"]);
    assert_eq!(run.code, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["cosmos", "mesos"]);
    // Only what is needed is read.
    assert!(
        !c.sim
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/system/health"))
    );
}

#[test]
fn report_file_without_a_cluster() {
    let home = Home::new();
    let report = fixtures().join("small-cluster/dcos-diagnostics/system-health-v1-report.json");
    let run = home.run(&[
        "show-payload",
        "--report-file",
        report.to_str().unwrap(),
        "--as-version",
        "2.1.2",
        "--cluster-id",
        "8a4c3f2e-6d1b-4e7a-9c55-2f0b7d91e6a3",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The `diagnostics` part of the real output, alone in the map.
    let full = expected("dcos-signal-test-output.json");
    let start = full.find("    \"diagnostics\": {").unwrap();
    let end = full.find("    \"mesos\": {").unwrap();
    let block = full[start..end].trim_end().trim_end_matches(',');
    assert_eq!(run.stdout, format!("{{\n{block}\n}}\n"));
    assert!(run.stderr.contains("(--as-version)"));
    // Without the identity flags and no cluster: a clear error.
    let missing = home.run(&["show-payload", "--report-file", report.to_str().unwrap()]);
    snap!(
        "show_payload_report_file_no_cluster",
        missing.normalized(&[])
    );
}

#[test]
fn disabled_cluster_still_shows_and_says_so() {
    let c = Cluster::start(SimConfig::new(
        ClusterData::small_cluster().unwrap().with_telemetry(false),
    ));
    let run = c.run(&["show-payload"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        format!("{}\n", expected("dcos-signal-test-output.json"))
    );
    assert!(run.stderr.ends_with(
        "note: telemetry is disabled on this cluster (telemetry_enabled 'false'): dcos-signal sends nothing; shown is what it would send if enabled\n"
    ));
}

#[test]
fn dcos_2_2_has_nothing_to_show() {
    let c = Cluster::generated(GenSpec {
        version: "2.2.0".into(),
        ..GenSpec::default()
    });
    let run = c.run(&["show-payload"]);
    snap!("show_payload_2_2", c.transcript(&run));
    assert_eq!(run.code, 5);
    // --as-version shows what a 2.1 signal would send from this cluster's data.
    let as_21 = c.run(&["show-payload", "--as-version", "2.1.2"]);
    assert_eq!(as_21.code, 0, "{}", as_21.stderr);
    // The shape is 2.1's; environmentVersion stays the cluster's own version.
    assert!(as_21.stdout.contains("\"environmentVersion\": \"2.2.0\""));
    assert!(as_21.stdout.contains("\"licenseId\": \"\""));
}

#[test]
fn dcos_1_7_shape() {
    let c = Cluster::generated(GenSpec {
        version: "1.7-open".into(),
        cluster_id: Some("0e4dd1a4-1f5e-4c1b-9d8a-2d4f1c0b7e6a".into()),
        ..GenSpec::default()
    });
    let run = c.run(&["show-payload"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ClusterId", "Event", "Properties", "UserId"]);
    assert_eq!(v["ClusterId"], "0e4dd1a4-1f5e-4c1b-9d8a-2d4f1c0b7e6a\n");
    assert_eq!(v["Event"], "health");
    assert_eq!(v["Properties"]["environmentVersion"], "1.7-open");
    assert!(
        run.stdout
            .starts_with("{\n    \"Event\": \"health\",\n    \"UserId\": \"\",\n")
    );
    assert_health_matches_model(&c, &v["Properties"]);
    // 1.7's signal sends only health.
    let other = c.run(&["show-payload", "--event", "package_list"]);
    snap!("show_payload_1_7_package_list", c.transcript(&other));
    assert_eq!(other.code, 2);
}

/// Compares the `health-unit-*` properties with the simulator's model (an independent oracle).
fn assert_health_matches_model(c: &Cluster, props: &serde_json::Value) {
    let expected = c.sim.data().expected_health_counts();
    let mut seen = 0;
    for (unit, (total, unhealthy)) in &expected {
        if *total == 0 {
            continue;
        }
        let key = format!("health-unit-{}", unit.replace('.', "-"));
        assert_eq!(props[format!("{key}-total")], *total, "{unit} total");
        assert_eq!(
            props[format!("{key}-unhealthy")],
            *unhealthy,
            "{unit} unhealthy"
        );
        seen += 1;
    }
    let keys = props
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("health-unit-"))
        .count();
    assert_eq!(keys, seen * 2, "no health keys beyond the model's units");
}

#[test]
fn unreachable_nodes_partial_units_dotted_names_and_go_escaping() {
    let c = Cluster::generated(GenSpec {
        masters: 3,
        agents: 5,
        public_agents: 2,
        failures: vec![
            Failure::new(NodeRef::Agent(1), "dcos-checks-poststart.service"),
            Failure::new(NodeRef::Master(2), "dcos-mesos-master.service"),
            Failure::new(NodeRef::Agent(4), "dcos-custom.checks.v2.service"),
        ],
        unreachable: vec![NodeRef::Agent(3), NodeRef::PublicAgent(1)],
        extra_units: vec![ExtraUnit {
            id: "dcos-custom.checks.v2.service".into(),
            name: "Custom checks".into(),
            description: "runs the site's own checks".into(),
            roles: vec![Role::Agent],
        }],
        packages: Some(vec![
            PackageSpec::new("/kafka", "kafka", "2.9.0-2.4.0", true),
            PackageSpec::new("/q&a", "q&a <beta>", "1.0.0\u{2028}", true),
            PackageSpec::new("/café", "café-ünïcode", "0.1", false),
        ]),
        ..GenSpec::default()
    });
    let run = c.run(&["show-payload"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_health_matches_model(&c, &v["diagnostics"]["properties"]);
    assert_eq!(
        v["diagnostics"]["properties"]["health-unit-dcos-custom-checks-v2-service-unhealthy"],
        1
    );
    // Go's encoder escapes <, >, & and U+2028; other non-ASCII passes through.
    assert!(
        run.stdout
            .contains("\"name\": \"q\\u0026a \\u003cbeta\\u003e\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\"version\": \"1.0.0\\u2028\""));
    assert!(run.stdout.contains("\"appId\": \"/café\""));
    let frameworks = &v["mesos"]["properties"]["frameworks"];
    assert!(
        frameworks
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "q&a <beta>")
    );
}

#[test]
fn a_failing_reporter_is_null_and_the_exit_code_says_partial() {
    let c = Cluster::small();
    c.sim.set_fault(Route::PackageList, Fault::Status(500));
    let run = c.run(&["show-payload"]);
    let transcript = c.transcript(&run);
    let stderr = transcript.split("----- stderr -----\n").nth(1).unwrap();
    snap!(
        "show_payload_partial_stderr",
        stderr.replace(ASSUMED, "[ASSUMED]\n")
    );
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v["cosmos"].is_null());
    assert_eq!(v["diagnostics"]["event"], "health");
    // A second Mesos document failing drops the whole mesos_track, as a real run does.
    c.sim.clear_faults();
    c.sim.set_fault(Route::MesosMetrics, Fault::MalformedJson);
    let run = c.run(&["show-payload"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v["mesos"].is_null());
    assert!(v["cosmos"].is_object());
}

#[test]
fn fresh_asks_for_a_new_pull_and_output_writes_a_file() {
    let c = Cluster::small();
    let out = c.home.path().join("payload.json");
    let run = c.run(&["show-payload", "--fresh", "--output", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{}\n", expected("dcos-signal-test-output.json"))
    );
    assert!(
        c.sim
            .requests()
            .iter()
            .any(|r| r.path == "/system/health/v1/report?cache=0")
    );
}

#[test]
fn the_reads_run_concurrently() {
    let c = Cluster::small();
    for route in [
        Route::HealthReport,
        Route::PackageList,
        Route::MesosFrameworks,
        Route::MesosMetrics,
        Route::DcosVersion,
        Route::UiConfig,
        Route::Metadata,
    ] {
        c.sim
            .set_fault(route, Fault::Latency(Duration::from_millis(500)));
    }
    let run = c.run(&["show-payload"]);
    assert_eq!(run.code, 0);
    // Every request reached the cluster before the first one (500 ms late) could be answered.
    let requests = c.sim.requests();
    let first = requests.iter().map(|r| r.at).min().unwrap();
    let last = requests.iter().map(|r| r.at).max().unwrap();
    assert_eq!(requests.len(), 7);
    assert!(
        last - first < Duration::from_millis(400),
        "{:?}",
        last - first
    );
}

#[test]
fn site_values_from_flags_and_signal_config() {
    let c = Cluster::small();
    let config =
        fixtures().join("small-cluster/master-files/opt/mesosphere/etc/dcos-signal-config.json");
    let run = c.run(&["show-payload", "--signal-config", config.to_str().unwrap()]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        format!("{}\n", expected("dcos-signal-test-output.json"))
    );
    assert_eq!(
        run.stderr,
        "note: assumed customerKey=\"\", licenseId=\"\" (an on-prem Open cluster's values: no endpoint exposes them; `show-payload --help` says how to set them)\n"
    );
    let run = c.run_plugin(
        &[
            "show-payload",
            "--event",
            "health",
            "--customer-key",
            "ck-123",
            "--platform",
            "aws",
        ],
        &[
            ("DCOS_TELEMETRY_PROVIDER", "aws"),
            ("DCOS_TELEMETRY_LICENSE_ID", "lic-9"),
        ],
    );
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr, "");
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let track = &v["diagnostics"];
    assert_eq!(track["userId"], "ck-123");
    assert_eq!(track["properties"]["platform"], "aws");
    assert_eq!(track["properties"]["provider"], "aws");
    assert_eq!(track["properties"]["licenseId"], "lic-9");
}

#[test]
fn site_values_from_the_installer_config() {
    let c = Cluster::small();
    // A real Enterprise config.yaml (DC/OS 1.8.8) with a customer_key.
    let config = fixtures().join("config-yaml/036-ps-zk-migration-blank-line-every-line.yaml");
    let run = c.run(&[
        "show-payload",
        "--event",
        "health",
        "--installer-config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let key = v["diagnostics"]["properties"]["customerKey"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!key.is_empty());
    assert_eq!(v["diagnostics"]["userId"], key.as_str());
    assert_eq!(
        run.stderr,
        "note: assumed platform=\"onprem\", provider=\"onprem\", licenseId=\"\" (an on-prem Open cluster's values: no endpoint exposes them; `show-payload --help` says how to set them)\n"
    );
    // A file the installer cannot read is an error, not a silent default.
    let bad = fixtures().join("config-yaml/023-docs-2.2-all-parameters-invalid.yaml");
    let run = c.run(&["show-payload", "--installer-config", bad.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("Error: cannot read the installer config "),
        "{}",
        run.stderr
    );
}
