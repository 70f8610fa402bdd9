//! `dcos telemetry opt-out`: the installer config edit, the local opt-out, the live cluster check.

use std::path::PathBuf;

use dcos_sim::{ClusterData, SimConfig};

use crate::harness::{Cluster, Home, fixtures};
use crate::snap;

/// Copies a config.yaml fixture into the test's HOME.
fn config_copy(c: &Home, name: &str) -> PathBuf {
    let dir = c.path().join("genconf");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.yaml");
    std::fs::copy(fixtures().join("config-yaml").join(name), &path).unwrap();
    path
}

fn expected_edit(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/installer-config/tests/expected")
        .join(name);
    std::fs::read(path).unwrap()
}

fn dcos_toml(c: &Cluster) -> String {
    let dir = c
        .home
        .dcos_dir()
        .join("clusters")
        .join(c.sim.data().cluster_id());
    std::fs::read_to_string(dir.join("dcos.toml")).unwrap()
}

#[test]
fn edits_config_records_local_opt_out_and_says_what_is_left() {
    let c = Cluster::small();
    let config = config_copy(&c.home, "005-custom-guide-oauth-telemetry-true.yaml");
    let original = std::fs::read(&config).unwrap();
    let before = dcos_toml(&c);
    let run = c.run(&["opt-out", "--config", config.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snap!("opt_out_first_run", c.transcript(&run));
    assert_eq!(
        std::fs::read(&config).unwrap(),
        expected_edit("005-custom-guide-oauth-telemetry-true.yaml")
    );
    assert_eq!(
        std::fs::read(config.with_extension("yaml.bak")).unwrap(),
        original
    );
    assert_eq!(
        dcos_toml(&c),
        format!("{before}\n[telemetry]\nopt_out = \"true\"\n")
    );
    // Idempotent: a second run changes nothing and says so.
    let again = c.run(&["opt-out", "--config", config.to_str().unwrap()]);
    assert_eq!(again.code, 0);
    snap!("opt_out_second_run", c.transcript(&again));
    // status now shows the local opt-out; opt-out never talks to the collector.
    let status = c.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(v["local"]["send_allowed"], false);
    assert_eq!(v["local"]["opted_out"], true);
    assert_eq!(c.sim.collector_connections(), 0);
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let c = Cluster::small();
    let config = config_copy(&c.home, "013-stc-mesos-bare-bool-false.yaml");
    std::fs::copy(
        fixtures().join("config-yaml/038-uengine-generated-bare-true-12-agents.yaml"),
        &config,
    )
    .unwrap();
    let before = std::fs::read(&config).unwrap();
    let toml_before = dcos_toml(&c);
    let run = c.run(&["opt-out", "--config", config.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snap!("opt_out_dry_run", c.transcript(&run));
    assert_eq!(std::fs::read(&config).unwrap(), before);
    assert_eq!(dcos_toml(&c), toml_before);
    assert!(!config.with_extension("yaml.bak").exists());
}

#[test]
fn refuses_a_file_it_cannot_edit_safely_and_leaves_it_untouched() {
    let c = Cluster::small();
    for name in [
        "crafted/c03-duplicate-telemetry-key.yaml",
        "crafted/c06-anchor-alias.yaml",
        "023-docs-2.2-all-parameters-invalid.yaml",
    ] {
        let config = config_copy(&c.home, name);
        let before = std::fs::read(&config).unwrap();
        let run = c.run(&["opt-out", "--config", config.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{name}");
        assert_eq!(run.stdout, "", "{name}");
        assert_eq!(std::fs::read(&config).unwrap(), before, "{name}");
        let short = name
            .trim_start_matches("crafted/")
            .split('-')
            .next()
            .unwrap();
        snap!(format!("opt_out_refused_{short}"), c.transcript(&run));
    }
    // A refusal happens before the local opt-out is recorded.
    assert!(!dcos_toml(&c).contains("opt_out"));
}

#[test]
fn works_before_any_cluster_exists() {
    let home = Home::new();
    let config = config_copy(&home, "014-saturn-minimal-no-doc-marker.yaml");
    let run = home.run(&[
        "opt-out",
        "--config",
        config.to_str().unwrap(),
        "--no-backup",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snap!(
        "opt_out_no_cluster",
        run.normalized(&[(&home.path().display().to_string(), "[HOME]")])
    );
    assert_eq!(
        std::fs::read(&config).unwrap(),
        expected_edit("014-saturn-minimal-no-doc-marker.yaml")
    );
    assert!(!config.with_extension("yaml.bak").exists());
}

#[test]
fn verify_on_off_and_unreachable() {
    let on = Cluster::small();
    let run = on.run(&["opt-out", "--verify"]);
    assert_eq!(run.code, 3);
    snap!("opt_out_verify_on", on.transcript(&run));
    let off = Cluster::start(SimConfig::new(
        ClusterData::small_cluster().unwrap().with_telemetry(false),
    ));
    let run = off.run(&["opt-out", "--verify", "--json"]);
    assert_eq!(run.code, 0);
    snap!("opt_out_verify_off", off.transcript(&run));
    let down = dcos_sim::refused_addr().unwrap();
    let home = Home::new();
    let run = home.run_with(
        &["telemetry", "opt-out", "--verify"],
        &[
            ("DCOS_URL", &format!("https://{down}")),
            ("DCOS_ACS_TOKEN", "t"),
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("Error: could not reach https://"),
        "{}",
        run.stderr
    );
    for c in [&on, &off] {
        assert_eq!(c.sim.collector_connections(), 0);
    }
}

#[test]
fn undo_reverses_only_the_local_part() {
    let c = Cluster::small();
    let before = dcos_toml(&c);
    let config = config_copy(&c.home, "005-custom-guide-oauth-telemetry-true.yaml");
    assert_eq!(
        c.run(&["opt-out", "--config", config.to_str().unwrap()])
            .code,
        0
    );
    let edited = std::fs::read(&config).unwrap();
    let run = c.run(&["opt-out", "--undo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snap!("opt_out_undo", c.transcript(&run));
    assert_eq!(dcos_toml(&c), before);
    assert_eq!(std::fs::read(&config).unwrap(), edited);
    let again = c.run(&["opt-out", "--undo", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(v["local"]["result"], "not-recorded");
}

#[test]
fn plugin_mode_records_through_the_dcos_cli() {
    let c = Cluster::small();
    // A stand-in for the dcos binary that records its arguments.
    let log = c.home.path().join("dcos-args.log");
    let fake = c.home.path().join("dcos");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n", log.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let run = c.run_plugin(
        &["opt-out", "--json"],
        &[("DCOS_CLI_EXECUTABLE_PATH", fake.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "config set telemetry.opt_out true\n"
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["local"]["result"], "recorded");
    assert_eq!(v["config"], serde_json::Value::Null);
    assert_eq!(v["cluster"]["telemetry"], "enabled");
    snap!("opt_out_plugin_json", c.transcript(&run));
}
