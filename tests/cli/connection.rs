//! Which cluster, and how to reach it: ~/.dcos resolution, plugin environment, TLS modes.

use dcos_sim::{SimConfig, TlsMode};

use crate::harness::{Cluster, Home};
use crate::snap;

fn cluster_toml(url: &str, name: &str, ca: &str, token: &str) -> String {
    format!(
        "[core]\ndcos_url = \"{url}\"\ndcos_acs_token = \"{token}\"\nssl_verify = \"{ca}\"\ntimeout = 180\n\n[cluster]\nname = \"{name}\"\n"
    )
}

#[test]
fn one_of_several_clusters_needs_attached_or_dcos_cluster() {
    let c = Cluster::small();
    let url = c.sim.url();
    let ca = c.ca.display().to_string();
    // A second configured cluster: now the attached marker decides.
    c.home
        .add_cluster("1111", &cluster_toml(&url, "other", &ca, &c.token), false);
    let ok = c.run(&["status", "--json"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let v: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(v["cluster"]["name"], "sim");
    // DCOS_CLUSTER picks by exact name.
    let other = c
        .home
        .run_with(&["status", "--json"], &[("DCOS_CLUSTER", "other")]);
    let v: serde_json::Value = serde_json::from_str(&other.stdout).unwrap();
    assert_eq!(v["cluster"]["name"], "other");
    // --cluster does the same.
    let flag = c.run(&["status", "--json", "--cluster", "1111"]);
    let v: serde_json::Value = serde_json::from_str(&flag.stdout).unwrap();
    assert_eq!(v["cluster"]["name"], "other");
    // No prefix matching.
    let none = c.home.run_with(&["status"], &[("DCOS_CLUSTER", "oth")]);
    snap!("connection_no_match", c.transcript(&none));
    // Two attached.
    std::fs::write(c.home.dcos_dir().join("clusters/1111/attached"), "").unwrap();
    let two = c.run(&["status"]);
    snap!("connection_two_attached", c.transcript(&two));
    // None attached.
    std::fs::remove_file(c.home.dcos_dir().join("clusters/1111/attached")).unwrap();
    let sim_dir = c
        .home
        .dcos_dir()
        .join("clusters")
        .join(c.sim.data().cluster_id());
    std::fs::remove_file(sim_dir.join("attached")).unwrap();
    let none = c.run(&["status"]);
    snap!("connection_none_attached", c.transcript(&none));
}

#[test]
fn no_configuration_at_all() {
    let run = Home::new().run(&["status"]);
    snap!("connection_not_configured", run.normalized(&[]));
}

#[test]
fn unreadable_dcos_toml_is_named() {
    let home = Home::new();
    home.add_cluster("abc", "[core\ndcos_url = 1", false);
    let run = home.run(&["status"]);
    let text = run.normalized(&[(&home.path().display().to_string(), "[HOME]")]);
    snap!("connection_unreadable_toml", text);
}

#[test]
fn insecure_mode_warns_once_and_works() {
    let c = Cluster::small();
    let run = c.run_plugin(
        &["status", "--expect", "enabled"],
        &[("DCOS_TLS_CA_PATH", ""), ("DCOS_TLS_INSECURE", "1")],
    );
    assert_eq!(run.code, 0);
    snap!(
        "connection_insecure",
        c.transcript(&run)
            .split("----- stderr -----")
            .nth(1)
            .unwrap()
            .to_string()
    );
}

#[test]
fn system_roots_do_not_trust_the_cluster_ca() {
    let c = Cluster::small();
    let run = c.run_plugin(&["status"], &[("DCOS_TLS_CA_PATH", "")]);
    assert_eq!(run.code, 1);
    snap!("connection_untrusted_system_roots", c.transcript(&run));
}

#[test]
fn a_ca_bundle_without_certificates_is_an_error() {
    let c = Cluster::small();
    let junk = c.home.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate\n").unwrap();
    let run = c.run_plugin(&["status"], &[("DCOS_TLS_CA_PATH", junk.to_str().unwrap())]);
    assert_eq!(run.code, 1);
    snap!("connection_empty_ca_bundle", c.transcript(&run));
}

#[test]
fn tls_failures_name_their_cause() {
    for (mode, name) in [
        (TlsMode::UntrustedCa, "untrusted_ca"),
        (TlsMode::WrongHost, "wrong_host"),
        (TlsMode::Expired, "expired"),
    ] {
        let c = Cluster::start(SimConfig::small_cluster().unwrap().tls(mode));
        let run = c.run(&["status"]);
        assert_eq!(run.code, 1, "{name}");
        assert_eq!(run.stdout, "", "{name}");
        snap!(format!("connection_tls_{name}"), c.transcript(&run));
    }
}
