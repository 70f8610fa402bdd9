//! The `dcos-sim` binary: JSON line, DC/OS CLI config dir, faults, shutdown on stdin EOF.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::{client_for, json};

fn sim_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dcos-sim"))
}

#[test]
fn serve_prints_a_usable_json_line_and_exits_on_stdin_eof() {
    let dir = tempfile::tempdir().unwrap();
    let dcos_dir = dir.path().join("dcos");
    let json_out = dir.path().join("sim.json");
    let mut child = sim_bin()
        .args([
            "serve",
            "--generate",
            "masters=1,agents=1,public=0,fail=agent:0:dcos-mesos-slave.service",
        ])
        .args([
            "--version",
            "1.13.9",
            "--variant",
            "enterprise",
            "--telemetry",
            "off",
        ])
        .args([
            "--user",
            "demo",
            "--password",
            "pw",
            "--fault",
            "mesos-frameworks=status:503*1",
        ])
        .arg("--dcos-dir")
        .arg(&dcos_dir)
        .arg("--json-out")
        .arg(&json_out)
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(std::fs::read_to_string(&json_out).unwrap(), line);
    let keys: Vec<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "ca_path",
            "cluster_id",
            "collector_url",
            "dcos_dir",
            "password",
            "pid",
            "token",
            "url",
            "user",
            "write_key"
        ]
    );
    assert_eq!(
        (info["user"].as_str(), info["password"].as_str()),
        (Some("demo"), Some("pw"))
    );
    let url = info["url"].as_str().unwrap();
    let ca = std::fs::read_to_string(info["ca_path"].as_str().unwrap()).unwrap();
    let c = client_for(&ca, Duration::from_secs(30));

    let token = info["token"].as_str().unwrap();
    let metadata = c
        .get(format!("{url}/metadata"))
        .header("Authorization", format!("token={token}"))
        .send()
        .unwrap();
    assert_eq!(
        json(&metadata.bytes().unwrap())["CLUSTER_ID"],
        info["cluster_id"]
    );
    let login = c
        .post(format!("{url}/acs/api/v1/auth/login"))
        .body(r#"{"uid":"demo","password":"pw"}"#)
        .send()
        .unwrap();
    assert_eq!(login.status(), 200);
    let unauth = c
        .head(format!("{url}/pkgpanda/active.buildinfo.full.json"))
        .send()
        .unwrap();
    assert_eq!(unauth.headers()["www-authenticate"], "acsjwt");
    let version = json(
        &c.get(format!("{url}/dcos-metadata/dcos-version.json"))
            .send()
            .unwrap()
            .bytes()
            .unwrap(),
    );
    assert_eq!(
        (
            version["version"].as_str(),
            version["dcos-variant"].as_str()
        ),
        (Some("1.13.9"), Some("enterprise"))
    );
    let ui = json(
        &c.get(format!("{url}/dcos-metadata/ui-config.json"))
            .send()
            .unwrap()
            .bytes()
            .unwrap(),
    );
    assert_eq!(
        ui["uiConfiguration"]["plugins"]["tracking"]["enabled"],
        false
    );
    let frameworks = |c: &reqwest::blocking::Client| {
        c.get(format!("{url}/mesos/frameworks"))
            .header("Authorization", format!("token={token}"))
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(frameworks(&c), 503);
    assert_eq!(frameworks(&c), 200);

    // The DC/OS CLI config directory.
    let cluster_dir = std::path::PathBuf::from(info["dcos_dir"].as_str().unwrap());
    assert_eq!(
        cluster_dir,
        std::fs::canonicalize(&dcos_dir)
            .unwrap()
            .join("clusters")
            .join(info["cluster_id"].as_str().unwrap())
    );
    let toml = std::fs::read_to_string(cluster_dir.join("dcos.toml")).unwrap();
    let ca_file = cluster_dir.join("dcos_ca.crt");
    assert_eq!(
        toml,
        format!(
            "[core]\ndcos_url = \"{url}\"\ndcos_acs_token = \"{token}\"\nssl_verify = \"{}\"\ntimeout = 180\n\n[cluster]\nname = \"dcos-sim\"\n",
            ca_file.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&ca_file).unwrap(), ca);
    assert_eq!(std::fs::read(cluster_dir.join("attached")).unwrap(), b"");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cluster_dir.join("dcos.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Closing stdin stops the server.
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(
        c.get(format!("{url}/dcos-metadata/dcos-version.json"))
            .send()
            .is_err()
    );
}

#[test]
fn serve_fixtures_and_usage_errors() {
    let mut child = sim_bin()
        .args([
            "serve",
            "--fixtures",
            dcos_sim::SMALL_CLUSTER_DIR,
            "--exit-on-stdin-eof",
            "--auth",
            "disabled",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(info["cluster_id"], "8a4c3f2e-6d1b-4e7a-9c55-2f0b7d91e6a3");
    let ca = std::fs::read_to_string(info["ca_path"].as_str().unwrap()).unwrap();
    let c = client_for(&ca, Duration::from_secs(30));
    let report = c
        .get(format!(
            "{}/system/health/v1/report",
            info["url"].as_str().unwrap()
        ))
        .send()
        .unwrap();
    assert_eq!(
        report.bytes().unwrap().as_ref(),
        crate::common::fixture("dcos-diagnostics/system-health-v1-report.json")
    );
    child.stdin.take().unwrap().write_all(b"bye\n").unwrap();
    assert!(child.wait().unwrap().success());

    for args in [
        vec!["serve", "--fault", "nope=stall"],
        vec!["serve", "--fault", "metadata=explode"],
        vec!["serve", "--fixtures", "x", "--version", "1.7"],
        vec!["serve", "--tls", "sideways"],
        vec!["frobnicate"],
    ] {
        let out = sim_bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8(out.stderr)
                .unwrap()
                .starts_with("dcos-sim: "),
            "{args:?}"
        );
    }
    let out = sim_bin().arg("routes").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  health-report\n") && text.contains("status:CODE"));
    let out = sim_bin()
        .args(["serve", "--generate", "agents=1,fail=agent:5:x.service"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "dcos-sim: there is no agent #5\n"
    );
}
