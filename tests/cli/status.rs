//! `dcos telemetry status` against the simulated cluster over real HTTPS.

use std::time::Duration;

use dcos_sim::{ClusterData, Fault, GenSpec, Route, SimConfig};

use crate::harness::{Cluster, Home};
use crate::snap;

#[test]
fn small_cluster_is_enabled_with_its_reasons() {
    let c = Cluster::small();
    let run = c.run(&["status"]);
    assert_eq!(run.code, 0);
    snap!("status_small_cluster", c.transcript(&run));
}

#[test]
fn plugin_mode_reads_the_cli_environment() {
    let c = Cluster::small();
    let plugin = c.run_plugin(&["status"], &[]);
    assert_eq!(plugin.code, 0, "{}", plugin.stderr);
    // The same answer as standalone: the cluster name is found by URL in ~/.dcos.
    assert_eq!(c.transcript(&plugin), c.transcript(&c.run(&["status"])));
}

#[test]
fn json_has_the_documented_schema() {
    let c = Cluster::small();
    let run = c.run(&["status", "--json"]);
    assert_eq!(run.code, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["telemetry"], "enabled");
    assert_eq!(v["cluster"]["id"], "8a4c3f2e-6d1b-4e7a-9c55-2f0b7d91e6a3");
    assert_eq!(v["cluster"]["version"], "2.1.2");
    assert_eq!(v["cluster"]["variant"], "open");
    assert_eq!(v["signal"]["schedule"], "every 5 minutes from each master");
    assert_eq!(
        v["signal"]["events"],
        serde_json::json!(["health", "package_list", "mesos_track"])
    );
    snap!("status_small_cluster_json", c.transcript(&run));
}

#[test]
fn disabled_cluster() {
    let c = Cluster::start(SimConfig::new(
        ClusterData::small_cluster().unwrap().with_telemetry(false),
    ));
    let run = c.run(&["status"]);
    assert_eq!(run.code, 0);
    snap!("status_disabled", c.transcript(&run));
}

#[test]
fn dcos_2_2_has_no_signal() {
    let c = Cluster::generated(GenSpec {
        version: "2.2.0".into(),
        ..GenSpec::default()
    });
    let run = c.run(&["status", "--expect", "disabled"]);
    assert_eq!(run.code, 0);
    snap!("status_2_2", c.transcript(&run));
}

#[test]
fn dcos_1_7_sends_health_hourly_from_every_node() {
    let c = Cluster::generated(GenSpec {
        version: "1.7-open".into(),
        ..GenSpec::default()
    });
    let run = c.run(&["status"]);
    assert_eq!(run.code, 0);
    snap!("status_1_7", c.transcript(&run));
}

#[test]
fn without_a_token_it_says_what_it_could_not_see() {
    let c = Cluster::small();
    let run = c.run_plugin(&["status"], &[("DCOS_ACS_TOKEN", "")]);
    assert_eq!(run.code, 0);
    snap!("status_no_token", c.transcript(&run));
    assert!(
        c.sim
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
}

#[test]
fn expired_token_is_reported_and_the_public_answer_stands() {
    let c = Cluster::small();
    let expired = c.sim.issue_expired_token("bootstrapuser");
    let run = c.run_plugin(&["status"], &[("DCOS_ACS_TOKEN", &expired)]);
    assert_eq!(run.code, 0);
    snap!("status_expired_token", c.transcript(&run));
}

#[test]
fn forbidden_user_is_reported() {
    let c = Cluster::start(
        SimConfig::small_cluster()
            .unwrap()
            .forbid_uid("bootstrapuser"),
    );
    let run = c.run(&["status"]);
    assert_eq!(run.code, 0);
    snap!("status_forbidden", c.transcript(&run));
}

#[test]
fn expect_match_mismatch_and_unknown() {
    let c = Cluster::small();
    let ok = c.run(&["status", "--expect", "enabled"]);
    assert_eq!((ok.code, ok.stderr.as_str()), (0, ""));
    let mismatch = c.run(&["status", "--expect", "disabled", "--json"]);
    assert_eq!(mismatch.code, 3);
    assert_eq!(
        mismatch.stderr,
        "telemetry is enabled on sim, expected disabled\n"
    );
    // The switch cannot be read: exit 1.
    c.sim.set_fault(Route::UiConfig, Fault::Status(500));
    let unknown = c.run(&["status", "--expect", "disabled"]);
    snap!("status_expect_unknown", c.transcript(&unknown));
    assert_eq!(unknown.code, 1);
    // The version is refused (401): the state is unknown for want of credentials, exit 4, as
    // `opt-out --verify` exits for the same cause.
    c.sim.clear_faults();
    c.sim.set_fault(Route::DcosVersion, Fault::Unauthorized);
    let refused = c.run(&["status", "--expect", "disabled"]);
    snap!("status_expect_refused", c.transcript(&refused));
    assert_eq!(refused.code, 4);
    let verify = c.run(&["opt-out", "--verify"]);
    assert_eq!(verify.code, 4, "{}", verify.stderr);
    // A refused token elsewhere does not make a broken version document an auth failure.
    c.sim.clear_faults();
    c.sim.set_fault(Route::DcosVersion, Fault::Status(500));
    c.sim.set_fault(Route::Metadata, Fault::Unauthorized);
    let broken = c.run(&["status", "--expect", "disabled"]);
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    assert!(
        broken
            .stderr
            .contains("warning: the cluster rejected the token")
    );
}

#[test]
fn requests_run_concurrently() {
    let c = Cluster::small();
    for route in [
        Route::UiConfig,
        Route::DcosVersion,
        Route::Metadata,
        Route::HealthUnits,
    ] {
        c.sim
            .set_fault(route, Fault::Latency(Duration::from_millis(400)));
    }
    let started = std::time::Instant::now();
    let run = c.run(&["status"]);
    assert_eq!(run.code, 0);
    // Four routes of 400 ms each: sequential would take 1.6 s.
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn all_clusters_with_one_down() {
    let c = Cluster::small();
    let down = dcos_sim::refused_addr().unwrap();
    c.home.add_cluster(
        "0000-down",
        &format!(
            "[core]\ndcos_url = \"https://{down}\"\ndcos_acs_token = \"t\"\n[cluster]\nname = \"down\"\n"
        ),
        false,
    );
    let run = c.run(&["status", "--all-clusters"]);
    let text = c.transcript(&run).replace(&down.to_string(), "[DOWN]");
    snap!("status_all_clusters", text);
    assert_eq!(run.code, 1);
    let json = c.run(&["status", "--all-clusters", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["telemetry"], "unknown");
    assert_eq!(v[1]["telemetry"], "enabled");
    let expect = c.run(&["status", "--all-clusters", "--expect", "enabled"]);
    assert_eq!(expect.code, 1);
}

#[test]
fn unreachable_cluster() {
    let down = dcos_sim::refused_addr().unwrap();
    let home = Home::new();
    let run = home.run_with(
        &["telemetry", "status"],
        &[
            ("DCOS_URL", &format!("https://{down}")),
            ("DCOS_ACS_TOKEN", "t"),
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.replace(&down.to_string(), "[DOWN]"),
        "Error: could not reach https://[DOWN] (connection refused)\nhint: is it a DC/OS master? check core.dcos_url (or DCOS_URL) and your network\n"
    );
    assert_eq!(run.stdout, "");
}
