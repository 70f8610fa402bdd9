//! Authentication: token sources in order, service-account and password logins, the keyring,
//! one re-login on an expired token, auth-disabled clusters.

use std::path::{Path, PathBuf};

use dcos_sim::{Fault, Route, ServiceAccount};

use crate::harness::{Cluster, Run, mask_times};
use crate::snap;

fn write_private(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn keys_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cli/keys")
}

/// Removes `core.dcos_acs_token` from the cluster's dcos.toml (a logged-out DC/OS CLI).
fn forget_cli_token(c: &Cluster) {
    let path = c.dir().join("dcos.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("dcos_acs_token"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, kept).unwrap();
}

/// Sets `core.dcos_acs_token` in the cluster's dcos.toml.
fn set_cli_token(c: &Cluster, token: &str) {
    forget_cli_token(c);
    let path = c.dir().join("dcos.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen(
            "[core]\n",
            &format!("[core]\ndcos_acs_token = \"{token}\"\n"),
            1,
        ),
    )
    .unwrap();
}

fn logins(c: &Cluster) -> usize {
    c.sim
        .requests()
        .iter()
        .filter(|r| r.path == "/acs/api/v1/auth/login")
        .count()
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

#[test]
fn service_account_login_pkcs8_and_pkcs1_keys() {
    let (account, pkcs8) = ServiceAccount::generate("telemetry-sa").unwrap();
    let pkcs1_account = ServiceAccount {
        uid: "telemetry-sa1".into(),
        public_key_pem: std::fs::read_to_string(keys_dir().join("sa-pkcs1.pub.pem")).unwrap(),
    };
    let c = Cluster::unique(|cfg| cfg.service_account(account).service_account(pkcs1_account));
    forget_cli_token(&c);
    let key = c.home.path().join("sa.pem");
    write_private(&key, &pkcs8, 0o600);
    let run = c.run(&[
        "auth",
        "login",
        "--username",
        "telemetry-sa",
        "--private-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = c.transcript(&run);
    let text = text.split("; it expires").next().unwrap().to_string();
    snap!("auth_login_service_account", text);
    // The sim checked the RS256 login token against the account's public key.
    let login = c
        .sim
        .requests()
        .into_iter()
        .find(|r| r.path == "/acs/api/v1/auth/login")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&login.body).unwrap();
    assert_eq!(body["uid"], "telemetry-sa");
    assert!(body["token"].as_str().unwrap().starts_with("eyJ"));
    // Later runs use the keyring token: no dcos_acs_token, no new login.
    let status = c.run(&["auth", "status", "--json"]);
    let v = json(&status);
    assert_eq!(v["source"], "keyring");
    assert_eq!(v["uid"], "telemetry-sa");
    assert_eq!(v["auto_login"], "service account");
    assert_eq!(c.run(&["status", "--expect", "enabled"]).code, 0);
    assert_eq!(logins(&c), 1);
    // A PKCS#1 ("BEGIN RSA PRIVATE KEY") key works too.
    let key1 = c.home.path().join("sa1.pem");
    write_private(
        &key1,
        &std::fs::read_to_string(keys_dir().join("sa-pkcs1.pem")).unwrap(),
        0o400,
    );
    let run = c.run(&[
        "auth",
        "login",
        "--username",
        "telemetry-sa1",
        "--private-key",
        key1.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(logins(&c), 2);
}

#[test]
fn key_file_with_mode_0644_is_refused() {
    let (account, pem) = ServiceAccount::generate("sa-open").unwrap();
    let c = Cluster::unique(|cfg| cfg.service_account(account));
    let key = c.home.path().join("sa.pem");
    write_private(&key, &pem, 0o644);
    let run = c.run(&[
        "auth",
        "login",
        "--username",
        "sa-open",
        "--private-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 4);
    snap!("auth_key_mode_0644", c.transcript(&run));
    assert_eq!(logins(&c), 0);
}

#[test]
fn password_login_and_wrong_password() {
    let c = Cluster::unique(|cfg| cfg.user("alice", "s3cret-pw"));
    forget_cli_token(&c);
    let pw = c.home.path().join("pw");
    std::fs::write(&pw, "s3cret-pw\n").unwrap();
    let ok = c.run(&[
        "auth",
        "login",
        "--username",
        "alice",
        "--password-file",
        pw.to_str().unwrap(),
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let login = c
        .sim
        .requests()
        .into_iter()
        .find(|r| r.path == "/acs/api/v1/auth/login")
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&login.body).unwrap(),
        serde_json::json!({"uid": "alice", "password": "s3cret-pw"})
    );
    assert_eq!(login.header("content-type"), Some("application/json"));
    // DCOS_PASSWORD works too; a wrong one gets the cluster's own words and exit 4.
    let wrong = c.home.run_with(
        &["auth", "login", "--username", "alice"],
        &[("DCOS_PASSWORD", "nope")],
    );
    assert_eq!(wrong.code, 4);
    snap!("auth_wrong_password", c.transcript(&wrong));
    // No terminal and no password: an error, never a prompt that hangs.
    let none = c.run(&["auth", "login", "--username", "alice"]);
    assert_eq!(none.code, 2);
    snap!("auth_no_password_no_tty", c.transcript(&none));
}

#[test]
fn expired_token_is_refreshed_once_and_the_keyring_updated() {
    let c = Cluster::unique(|cfg| cfg.user("bob", "pw-bob"));
    set_cli_token(&c, &c.sim.issue_expired_token("bob"));
    let run = c.home.run_with(
        &["show-payload", "--event", "health"],
        &[("DCOS_TELEMETRY_UID", "bob"), ("DCOS_PASSWORD", "pw-bob")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(logins(&c), 1);
    // The new token was cached: the next run needs no login and no password.
    let again = c.home.run_with(
        &["auth", "status", "--json"],
        &[("DCOS_TELEMETRY_UID", "bob")],
    );
    assert_eq!(json(&again)["source"], "keyring");
    assert_eq!(json(&again)["expired"], false);
    assert_eq!(logins(&c), 1);
}

#[test]
fn concurrent_requests_share_one_refresh() {
    let c = Cluster::unique(|cfg| cfg.user("carol", "pw-carol"));
    set_cli_token(&c, &c.sim.issue_expired_token("carol"));
    // show-payload makes 7 requests at once; every one meets the expired token.
    let run = c.home.run_with(
        &["show-payload"],
        &[
            ("DCOS_TELEMETRY_UID", "carol"),
            ("DCOS_PASSWORD", "pw-carol"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(logins(&c), 1);
}

#[test]
fn expired_token_without_credentials_exits_4() {
    let c = Cluster::unique(|cfg| cfg);
    set_cli_token(&c, &c.sim.issue_expired_token("bootstrapuser"));
    let run = c.run(&["show-payload", "--event", "health"]);
    assert_eq!(run.code, 4);
    snap!(
        "auth_expired_no_credentials",
        mask_times(&c.transcript(&run))
    );
    assert_eq!(logins(&c), 0);
}

#[test]
fn never_loops_when_the_new_token_is_refused_too() {
    let c = Cluster::unique(|cfg| cfg.user("dave", "pw-dave"));
    set_cli_token(&c, &c.sim.issue_expired_token("dave"));
    c.sim.set_fault(Route::HealthReport, Fault::Unauthorized);
    let run = c.home.run_with(
        &["show-payload", "--event", "health"],
        &[("DCOS_TELEMETRY_UID", "dave"), ("DCOS_PASSWORD", "pw-dave")],
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(logins(&c), 1);
    let reports = c
        .sim
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/system/health/v1/report"))
        .count();
    assert_eq!(reports, 2, "one try and one retry");
}

#[test]
fn auth_disabled_cluster_needs_no_token() {
    let c = Cluster::unique(|cfg| cfg.auth_disabled());
    forget_cli_token(&c);
    let login = c.run(&["auth", "login", "--username", "x"]);
    assert_eq!(login.code, 0);
    snap!("auth_disabled_login", c.transcript(&login));
    let payload = c.run(&["show-payload", "--event", "health"]);
    assert_eq!(payload.code, 0, "{}", payload.stderr);
}

#[test]
fn token_sources_in_order() {
    let c = Cluster::unique(|cfg| cfg.user("erin", "pw-erin"));
    forget_cli_token(&c);
    let status =
        |extra: &[(&str, &str)]| json(&c.home.run_with(&["auth", "status", "--json"], extra));
    // 4. login with configured credentials.
    let v = status(&[("DCOS_TELEMETRY_UID", "erin"), ("DCOS_PASSWORD", "pw-erin")]);
    assert_eq!(v["source"], "login");
    // 2. ... whose token is now cached in the keyring, which wins over 3. dcos.toml.
    set_cli_token(
        &c,
        &c.sim
            .issue_token("from-file", std::time::Duration::from_secs(600)),
    );
    let v = status(&[("DCOS_TELEMETRY_UID", "erin")]);
    assert_eq!(v["source"], "keyring");
    assert_eq!(v["uid"], "erin");
    // 3. dcos.toml when no uid points at a keyring entry.
    let v = status(&[]);
    assert_eq!(v["source"], "config-file");
    assert_eq!(v["uid"], "from-file");
    // 1. DCOS_ACS_TOKEN beats everything.
    let env_token = c
        .sim
        .issue_token("from-env", std::time::Duration::from_secs(600));
    let v = status(&[
        ("DCOS_TELEMETRY_UID", "erin"),
        ("DCOS_ACS_TOKEN", &env_token),
    ]);
    assert_eq!(v["source"], "env");
    assert_eq!(v["uid"], "from-env");
    // Nothing at all: exit 4.
    forget_cli_token(&c);
    let none = c.run(&["auth", "status"]);
    assert_eq!(none.code, 4);
    snap!("auth_status_none", c.transcript(&none));
}

#[test]
fn logout_removes_what_the_plugin_stored() {
    let c = Cluster::unique(|cfg| cfg.user("frank", "pw-frank"));
    forget_cli_token(&c);
    let before = std::fs::read_to_string(c.dir().join("dcos.toml")).unwrap();
    let login = c.home.run_with(
        &["auth", "login", "--username", "frank", "--remember"],
        &[("DCOS_PASSWORD", "pw-frank")],
    );
    assert_eq!(login.code, 0, "{}", login.stderr);
    assert!(
        std::fs::read_to_string(c.dir().join("dcos.toml"))
            .unwrap()
            .contains("uid = \"frank\"")
    );
    // Remembered password: automatic login works without DCOS_PASSWORD.
    let v = json(&c.run(&["auth", "status", "--json"]));
    assert_eq!(v["auto_login"], "password");
    let run = c.run(&["auth", "logout"]);
    assert_eq!(run.code, 0);
    snap!("auth_logout", c.transcript(&run));
    assert_eq!(
        std::fs::read_to_string(c.dir().join("dcos.toml")).unwrap(),
        before
    );
    let again = c.run(&["auth", "logout"]);
    snap!("auth_logout_again", c.transcript(&again));
}
