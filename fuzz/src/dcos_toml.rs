//! Oracle for the main crate's cluster resolution: a fuzzed `dcos.toml` (and environment)
//! under a private `DCOS_DIR`, resolved the way `status` and `show-payload` resolve it.
//!
//! Input: the `dcos.toml` bytes, then optionally a NUL byte and lines of extra settings:
//! `NAME=value` (an environment variable; `DCOS_DIR` and `HOME` are ignored), `--cluster=x`,
//! `--timeout=n`, `attached` (mark the cluster attached) and `+second` (a second cluster
//! folder holding the same file).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use dcos_telemetry::cluster::{Cluster, Origin, ResolveOptions, Settings, Tls};
use dcos_telemetry::env::Env;

const CLUSTER_ID: &str = "9a0b1c2d-fuzz";
const SECOND_ID: &str = "second";

/// The private configuration directory (one per process, under `$TMPDIR`).
fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("dcos-toml-fuzz-")
            .tempdir()
            .expect("create a temporary DCOS_DIR")
            .keep();
        fs::create_dir_all(dir.join("clusters").join(CLUSTER_ID)).expect("create cluster dir");
        dir
    })
}

/// What the input asks for besides the file.
#[derive(Default)]
struct Extra {
    vars: Vec<(String, String)>,
    cluster: Option<String>,
    timeout: Option<u64>,
    attached: bool,
    second: bool,
}

fn parse_extra(bytes: &[u8]) -> Extra {
    let mut extra = Extra::default();
    for line in String::from_utf8_lossy(bytes).lines() {
        match line.split_once('=') {
            Some(("--cluster", v)) => extra.cluster = Some(v.to_string()),
            Some(("--timeout", v)) => extra.timeout = v.parse().ok(),
            Some(("DCOS_DIR" | "HOME", _)) => {}
            Some((k, v)) if !k.is_empty() => extra.vars.push((k.to_string(), v.to_string())),
            _ if line == "attached" => extra.attached = true,
            _ if line == "+second" => extra.second = true,
            _ => {}
        }
    }
    extra
}

fn set_file(path: &Path, present: bool, bytes: &[u8]) {
    if present {
        fs::write(path, bytes).expect("write fuzz file");
    } else if path.exists() {
        fs::remove_file(path).expect("remove fuzz file");
    }
}

/// `dcos_toml`: resolve must never panic, and what it resolves must be consistent.
pub fn dcos_toml(data: &[u8]) {
    let (toml_bytes, rest) = crate::signal::split_nul(data);
    let extra = rest.map(parse_extra).unwrap_or_default();
    let root = root();
    let clusters = root.join("clusters");
    let dir = clusters.join(CLUSTER_ID);
    set_file(&dir.join("dcos.toml"), true, toml_bytes);
    set_file(&dir.join("attached"), extra.attached, b"");
    let second = clusters.join(SECOND_ID);
    if extra.second {
        fs::create_dir_all(&second).expect("create second cluster dir");
        set_file(&second.join("dcos.toml"), true, toml_bytes);
    } else if second.exists() {
        fs::remove_dir_all(&second).expect("remove second cluster dir");
    }

    let root_text = root.to_str().expect("temp dir is UTF-8");
    let mut pairs: Vec<(&str, &str)> = vec![("DCOS_DIR", root_text)];
    pairs.extend(extra.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let env = Env::from_pairs(pairs);
    let opts = ResolveOptions {
        cluster: extra.cluster.clone(),
        timeout: extra.timeout,
    };
    let table: Option<toml::Table> = std::str::from_utf8(toml_bytes)
        .ok()
        .and_then(|text| toml::from_str(text).ok());

    match Cluster::resolve(&env, &opts) {
        Ok(cluster) => check_cluster(&cluster, &env, &opts, table.as_ref()),
        Err(err) => {
            assert!(!err.message().is_empty(), "an error without a message");
            let _ = (err.render(false), err.render(true), err.exit());
        }
    }
    match Cluster::resolve_all(&env, &opts) {
        Ok(all) => {
            for one in all {
                match one {
                    Ok(c) => check_cluster(&c, &env, &opts, table.as_ref()),
                    Err(err) => {
                        let _ = err.render(true);
                    }
                }
            }
        }
        Err(err) => {
            let _ = err.render(true);
        }
    }
    // Settings straight from the parsed table, as `from_config` reads them.
    if let Some(table) = &table {
        let section = table.get("telemetry").and_then(|v| v.as_table());
        let settings = Settings::resolve(section.map(|t| (t, dir.join("dcos.toml"))), &env);
        check_settings(&settings);
    }
}

fn check_settings(settings: &Settings) {
    for (key, setting) in settings.iter() {
        assert_eq!(
            key,
            key.to_ascii_lowercase(),
            "setting names are lower-case"
        );
        let _ = setting.source.to_string();
        if let Some(got) = settings.get(key) {
            assert!(!got.value.is_empty());
        }
    }
    if let Err(err) = settings.get_bool("opt_out") {
        let _ = err.render(true);
    }
}

fn check_cluster(c: &Cluster, env: &Env, opts: &ResolveOptions, table: Option<&toml::Table>) {
    assert!(
        !c.url.ends_with('/'),
        "URL keeps a trailing slash: {:?}",
        c.url
    );
    let _ = (c.label(), c.origin.to_string());
    match opts.timeout {
        Some(0) => assert_eq!(c.timeout, None),
        Some(s) => assert_eq!(c.timeout, Some(Duration::from_secs(s))),
        None => {}
    }
    check_settings(&c.settings);
    // A token never shows in Debug output (it is a Secret).
    if let Some((token, source)) = &c.token {
        let _ = source.to_string();
        let secret = token.expose();
        let mut without = c.clone();
        without.token = None;
        let shown = format!("{c:?}");
        if secret.len() >= 4 && !format!("{without:?}").contains(secret) {
            assert!(!shown.contains(secret), "the token shows in Debug output");
        }
    }
    if let Origin::ConfigFile(path) = &c.origin {
        assert!(!c.url.is_empty(), "resolved a cluster without a URL");
        if c.url.starts_with("http://") {
            assert_eq!(c.tls, Tls::Insecure, "http:// must not verify TLS");
        }
        let dir = c.dir.as_ref().expect("a config-file cluster has a folder");
        assert_eq!(path, &dir.join("dcos.toml"));
        assert!(c.config_id.is_some());
        if let Some(table) = table {
            let url = table
                .get("core")
                .and_then(|core| core.get("dcos_url"))
                .and_then(|u| u.as_str())
                .expect("resolved a URL the file does not hold");
            assert_eq!(c.url, url.trim_end_matches('/'));
            let section = table.get("telemetry").and_then(|v| v.as_table());
            let settings = Settings::resolve(section.map(|t| (t, path.clone())), env);
            assert_eq!(
                settings, c.settings,
                "settings differ from the file's [telemetry]"
            );
        }
    }
}
