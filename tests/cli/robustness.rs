//! Nothing lost, nothing exposed: kill -9 at any moment leaves the old or the new file, never a
//! mix; 50 concurrent runs all answer correctly; files under ~/.dcos are private.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::harness::{Cluster, Home, binary, fixtures};

/// A small deterministic pseudo-random sequence (no rand dependency for a test).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn spawn(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn dcos-telemetry")
}

#[test]
fn kill_9_during_opt_out_leaves_the_old_or_the_new_config() {
    let home = Home::new();
    let name = "crafted/c21-long-lists.yaml";
    let original = std::fs::read(fixtures().join("config-yaml").join(name)).unwrap();
    let config = home.path().join("config.yaml");
    // The complete edit, from one undisturbed run.
    std::fs::write(&config, &original).unwrap();
    let done = home.run(&[
        "opt-out",
        "--config",
        config.to_str().unwrap(),
        "--no-backup",
    ]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let edited = std::fs::read(&config).unwrap();
    assert_ne!(edited, original);
    let mut rng = Lcg(7);
    let (mut old, mut new) = (0, 0);
    for _ in 0..40 {
        std::fs::write(&config, &original).unwrap();
        let mut child = spawn(
            home.path(),
            &[
                "opt-out",
                "--config",
                config.to_str().unwrap(),
                "--no-backup",
            ],
            &[],
        );
        std::thread::sleep(Duration::from_micros(rng.next(15_000)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = std::fs::read(&config).unwrap();
        if now == original {
            old += 1;
        } else if now == edited {
            new += 1;
        } else {
            panic!(
                "a mix of old and new after kill -9:\n{}",
                String::from_utf8_lossy(&now)
            );
        }
    }
    println!("kill -9 during opt-out: {old} left the original, {new} the complete edit");
    assert_eq!(old + new, 40);
}

#[test]
fn kill_9_during_concurrent_sends_keeps_the_delivery_log_whole() {
    let c = Cluster::small();
    let collector = c.sim.collector_url();
    let ca = c.ca.display().to_string();
    let args = [
        "send",
        "--endpoint",
        collector.as_str(),
        "--endpoint-ca-file",
        ca.as_str(),
    ];
    let env = [("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())];
    let mut rng = Lcg(11);
    let mut children: Vec<Child> = (0..10).map(|_| spawn(c.home.path(), &args, &env)).collect();
    for child in children.iter_mut().step_by(2) {
        std::thread::sleep(Duration::from_millis(rng.next(150)));
        let _ = child.kill();
    }
    let mut completed = 0;
    for mut child in children {
        if child.wait().unwrap().success() {
            completed += 1;
        }
    }
    assert!(completed >= 5, "{completed}");
    let log = c.dir().join("telemetry/deliveries.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    let mut entries = 0;
    for line in text.lines().filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("a damaged log line ({e}): {line}"));
        for field in [
            "time",
            "endpoint",
            "event",
            "message_id",
            "sha256",
            "status",
        ] {
            assert!(v.get(field).is_some(), "{field} missing in {line}");
        }
        entries += 1;
    }
    // Every completed send logged its three events; killed ones logged 0 to 3.
    assert!(
        entries >= completed * 3,
        "{entries} entries for {completed} completed sends"
    );
    // And status reads it.
    let status = c.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(v["last_delivery"]["status"], "delivered");
}

#[test]
fn fifty_concurrent_runs_all_answer_correctly() {
    let c = Cluster::small();
    let expected_payload = format!(
        "{}\n",
        std::fs::read_to_string(
            fixtures().join("small-cluster/dcos-signal/dcos-signal-test-output.json")
        )
        .unwrap()
    );
    let collector = c.sim.collector_url();
    let ca = c.ca.display().to_string();
    let kinds: Vec<Vec<&str>> = vec![
        vec!["status", "--json"],
        vec!["show-payload"],
        vec!["opt-out", "--verify"],
        vec![
            "send",
            "--dry-run",
            "--endpoint",
            collector.as_str(),
            "--endpoint-ca-file",
            ca.as_str(),
        ],
        vec!["auth", "status", "--json"],
    ];
    let env = [("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())];
    let children: Vec<(usize, Child)> = (0..50)
        .map(|i| {
            (
                i % kinds.len(),
                spawn(c.home.path(), &kinds[i % kinds.len()], &env),
            )
        })
        .collect();
    let mut by_kind: BTreeMap<usize, usize> = BTreeMap::new();
    for (kind, child) in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().unwrap();
        match kind {
            0 => {
                assert_eq!(code, 0, "{stderr}");
                let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                assert_eq!(v["telemetry"], "enabled");
                assert_eq!(v["cluster"]["id"], "8a4c3f2e-6d1b-4e7a-9c55-2f0b7d91e6a3");
            }
            1 => {
                assert_eq!(code, 0, "{stderr}");
                assert_eq!(stdout, expected_payload);
            }
            2 => {
                assert_eq!(code, 3, "{stderr}");
                assert!(
                    stdout.starts_with("telemetry is still on for sim"),
                    "{stdout}"
                );
            }
            3 => {
                assert_eq!(code, 0, "{stderr}");
                assert_eq!(stdout.lines().count(), 3);
            }
            _ => {
                assert_eq!(code, 0, "{stderr}");
                let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                assert_eq!(v["source"], "config-file");
            }
        }
        *by_kind.entry(kind).or_default() += 1;
    }
    assert_eq!(by_kind.values().sum::<usize>(), 50);
    assert_eq!(
        c.sim.collector_connections(),
        0,
        "the dry runs sent nothing"
    );
}

/// Every file and folder under `dir` with its mode.
fn modes(dir: &Path) -> BTreeMap<PathBuf, u32> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.insert(path, mode);
        }
    }
    out
}

#[test]
fn files_the_plugin_creates_under_dot_dcos_are_private() {
    let c = Cluster::unique(|cfg| cfg.user("mode-user", "pw-mode"));
    let before = modes(&c.home.dcos_dir());
    let collector = c.sim.collector_url();
    let ca = c.ca.display().to_string();
    type Step<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);
    let steps: Vec<Step> = vec![
        (
            vec!["auth", "login", "--username", "mode-user"],
            vec![("DCOS_PASSWORD", "pw-mode")],
        ),
        (
            vec![
                "send",
                "--endpoint",
                collector.as_str(),
                "--endpoint-ca-file",
                ca.as_str(),
            ],
            vec![("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())],
        ),
        (vec!["opt-out"], vec![]),
    ];
    for (args, env) in &steps {
        let run = c.home.run_with(args, env);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    let after = modes(&c.home.dcos_dir());
    let mut created = 0;
    for (path, mode) in &after {
        match before.get(path) {
            Some(old) => assert_eq!(mode, old, "{} changed mode", path.display()),
            None => {
                let want = if path.is_dir() { 0o700 } else { 0o600 };
                assert_eq!(*mode, want, "{} was created {mode:o}", path.display());
                created += 1;
            }
        }
    }
    // telemetry/, deliveries.jsonl, deliveries.lock at least.
    assert!(created >= 3, "{created}");
}
