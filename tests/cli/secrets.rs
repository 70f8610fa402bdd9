//! Secrets are never shown: every subcommand at `-vv`, with known token, password, private key and
//! write key values; none of them may appear in stdout, stderr, or any file the plugin writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dcos_sim::ServiceAccount;

use crate::harness::Cluster;

/// Every file under `dir` with its content.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.insert(path, bytes);
            }
        }
    }
    out
}

/// Pieces of a secret that must not leak: the whole value and, for a PEM key, each base64 line.
fn needles(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string()];
    for line in secret.lines() {
        if line.len() >= 40 && !line.starts_with("-----") {
            out.push(line.to_string());
        }
    }
    out
}

#[test]
fn no_subcommand_leaks_a_secret_at_vv() {
    let (account, key_pem) = ServiceAccount::generate("leak-sa").unwrap();
    let password = "pw-Never-Show-Me-7319";
    let c = Cluster::unique(|cfg| cfg.user("leak-user", password).service_account(account));
    let token = c.token.clone();
    let key = c.home.path().join("sa.pem");
    std::fs::write(&key, &key_pem).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let pw_file = c.home.path().join("pw");
    std::fs::write(&pw_file, password).unwrap();
    let config = c.home.path().join("config.yaml");
    std::fs::write(
        &config,
        "---\nbootstrap_url: http://boot\ntelemetry_enabled: true\n",
    )
    .unwrap();
    let (k, p, cfg) = (
        key.to_str().unwrap().to_string(),
        pw_file.to_str().unwrap().to_string(),
        config.to_str().unwrap().to_string(),
    );
    let write_key = c.sim.write_key().to_string();
    let collector = c.sim.collector_url();
    let ca = c.ca.display().to_string();
    // A stand-in for the dcos binary (plugin mode runs `dcos config set`): it logs its arguments.
    let args_log = c.home.path().join("spawned-args.log");
    let fake_dcos = c.home.path().join("dcos");
    std::fs::write(
        &fake_dcos,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n",
            args_log.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake_dcos, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let fake = fake_dcos.to_str().unwrap().to_string();
    let secrets: Vec<String> = [
        token.as_str(),
        password,
        key_pem.as_str(),
        write_key.as_str(),
    ]
    .iter()
    .flat_map(|s| needles(s))
    .collect();

    let runs: Vec<Vec<&str>> = vec![
        vec!["-vv", "status"],
        vec!["-vv", "status", "--json", "--all-clusters"],
        vec!["-vv", "show-payload"],
        vec!["-vv", "show-payload", "--segment"],
        vec![
            "-vv",
            "auth",
            "login",
            "--username",
            "leak-user",
            "--password-file",
            &p,
            "--remember",
        ],
        vec!["-vv", "auth", "status", "--json"],
        vec![
            "-vv",
            "auth",
            "login",
            "--username",
            "leak-sa",
            "--private-key",
            &k,
            "--remember",
        ],
        vec!["-vv", "auth", "status"],
        vec!["-vv", "opt-out", "--config", &cfg, "--dry-run"],
        vec!["-vv", "opt-out", "--config", &cfg],
        vec!["-vv", "opt-out", "--verify"],
        vec!["-vv", "opt-out", "--undo"],
        vec![
            "-vv",
            "send",
            "--dry-run",
            "--endpoint",
            &collector,
            "--endpoint-ca-file",
            &ca,
        ],
        vec![
            "-vv",
            "send",
            "--endpoint",
            &collector,
            "--endpoint-ca-file",
            &ca,
        ],
        vec!["-vv", "auth", "logout"],
        vec!["-vv", "--help"],
    ];
    let mut checked = 0;
    let mut masked_headers = 0;
    for (i, args) in runs.iter().enumerate() {
        let before = files(c.home.path());
        // Both ways the DC/OS CLI hands over credentials: the environment and dcos.toml.
        let run = if i % 2 == 0 {
            c.home
                .run_with(args, &[("DCOS_TELEMETRY_WRITE_KEY", &write_key)])
        } else {
            c.run_plugin(
                args,
                &[
                    ("DCOS_PASSWORD", password),
                    ("DCOS_TELEMETRY_WRITE_KEY", &write_key),
                    ("DCOS_CLI_EXECUTABLE_PATH", &fake),
                ],
            )
        };
        assert!(
            run.code <= 3,
            "{args:?} exited {}: {}",
            run.code,
            run.stderr
        );
        masked_headers += run.stderr.matches("> Authorization: token=****").count();
        for secret in &secrets {
            assert!(
                !run.stdout.contains(secret.as_str()),
                "{args:?} printed a secret on stdout"
            );
            assert!(
                !run.stderr.contains(secret.as_str()),
                "{args:?} printed a secret on stderr"
            );
        }
        for (path, bytes) in files(c.home.path()) {
            let old = before.get(&path);
            if old == Some(&bytes) {
                continue;
            }
            // A file may keep what was there (the DC/OS CLI's own token in dcos.toml); the plugin
            // must not add a secret to it.
            let old_text = old
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            for secret in &secrets {
                assert!(
                    text.matches(secret.as_str()).count()
                        <= old_text.matches(secret.as_str()).count(),
                    "{args:?} wrote a secret to {}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    // Processes the plugin spawned (the DC/OS CLI) never saw a secret in their arguments.
    let spawned = std::fs::read_to_string(&args_log).unwrap_or_default();
    assert!(
        spawned.contains("config set telemetry."),
        "the plugin-mode runs spawned dcos: {spawned:?}"
    );
    for secret in &secrets {
        assert!(
            !spawned.contains(secret.as_str()),
            "a secret was passed to a spawned process"
        );
    }
    // The runs above did write files (config.yaml, its backup, dcos.toml settings), and -vv did
    // log the requests' headers, with the token masked.
    assert!(checked >= 3, "{checked}");
    assert!(masked_headers >= 10, "{masked_headers}");
}
