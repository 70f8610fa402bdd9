//! No error, `Debug` output or log line ever contains a stored secret.

use dcos_telemetry_keyring::{BackendChoice, Key, KeyringError, Store};

use crate::support::{SERVICE, assert_not_logged, capture_logs, helper_cmd, logs, run, unique};

/// Everything a caller could print about a failed or successful operation.
fn printed(store: &Store, results: &[Result<(), KeyringError>]) -> String {
    let mut text = format!(
        "{store:?} {} {:?}",
        store.backend(),
        store.unavailable_reason()
    );
    for result in results {
        if let Err(e) = result {
            text.push_str(&format!(" {e} {e:?} {:?} {:?}", e.hint(), e.kind()));
        }
    }
    text
}

#[test]
fn no_output_of_any_store_contains_the_secret() {
    capture_logs();
    let tmp = tempfile::tempdir().unwrap();
    let corrupt = tmp.path().join("corrupt.json");
    let stores = [
        Store::in_memory(),
        Store::open(BackendChoice::File(tmp.path().join("creds.json"))).unwrap(),
        Store::open(BackendChoice::File(corrupt.clone())).unwrap(),
        Store::open(BackendChoice::KernelKeyring).unwrap(),
        Store::open(BackendChoice::None).unwrap(),
    ];
    for store in &stores {
        let secret = format!("{}-leak-marker", unique("secret"));
        let account = unique("leak");
        // A corrupt file that contains the secret: its parse error must not quote it.
        std::fs::write(&corrupt, format!("{{\"version\": \"{secret}\"}}")).unwrap();
        let key = Key::token("cluster-leak", &account);
        let results = [
            store.set(SERVICE, &account, &secret),
            store.get(SERVICE, &account).map(drop),
            store.set_key(&key, &secret),
            store.get_key(&key).map(drop),
            store.set(SERVICE, &account, ""),
            store.set("", &account, &secret),
            store.set(SERVICE, &account, &format!("{secret}-2")),
            store.delete(SERVICE, &account).map(drop),
            store.delete_key(&key).map(drop),
        ];
        let text = printed(store, &results);
        assert!(
            !text.contains(&secret),
            "{} printed its secret",
            store.backend()
        );
        assert_not_logged(&secret);
    }
    assert!(
        logs().iter().any(|l| l.contains("treated as not stored")),
        "the debug log was captured"
    );
}

#[test]
fn no_log_line_of_a_child_contains_the_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let file = format!("file:{}", tmp.path().join("creds.json").display());
    for choice in ["keyutils", file.as_str(), "none"] {
        let account = unique("child-logs");
        let secret = format!("{}-child-leak-marker", unique("secret"));
        let mut stderr = String::new();
        for (args, stdin) in [
            (vec!["set", SERVICE, &account], secret.as_str()),
            (vec!["check", SERVICE, &account], secret.as_str()),
            (vec!["delete", SERVICE, &account], ""),
        ] {
            let mut cmd = helper_cmd(choice, &args);
            cmd.env("KEYRING_HELPER_LOG", "1");
            let out = run(cmd, stdin);
            assert!(
                !out.stdout.contains(&secret),
                "{choice}: stdout has the secret"
            );
            stderr.push_str(&out.stderr);
        }
        assert!(
            stderr.contains("log DEBUG"),
            "{choice}: logging is on: {stderr}"
        );
        assert!(!stderr.contains(&secret), "{choice}: stderr has the secret");
    }
}
