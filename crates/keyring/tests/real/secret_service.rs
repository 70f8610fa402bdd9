//! (b) The Secret Service: needs a D-Bus session with an unlocked gnome-keyring (`scripts/test`).

use dcos_telemetry_keyring::{Backend, BackendChoice, Store};

use crate::support::{
    SERVICE, assert_not_logged, capture_logs, helper, require_session_bus, unique,
};

fn open() -> Store {
    require_session_bus();
    let store = Store::open(BackendChoice::SecretService).unwrap();
    assert_eq!(store.backend(), &Backend::SecretService);
    assert!(store.is_available(), "{:?}", store.unavailable_reason());
    store
}

#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn set_get_overwrite_delete() {
    capture_logs();
    let store = open();
    let account = unique("basic");
    let secret = format!("{}-ss-secret", unique("value"));
    assert_eq!(store.get(SERVICE, &account).unwrap(), None);
    store.set(SERVICE, &account, &secret).unwrap();
    assert_eq!(store.get(SERVICE, &account).unwrap(), Some(secret.clone()));
    store.set(SERVICE, &account, "overwritten").unwrap();
    assert_eq!(
        store.get(SERVICE, &account).unwrap().as_deref(),
        Some("overwritten")
    );
    assert!(store.delete(SERVICE, &account).unwrap());
    assert_eq!(store.get(SERVICE, &account).unwrap(), None);
    assert!(!store.delete(SERVICE, &account).unwrap());
    assert_not_logged(&secret);
}

#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn unicode_and_4_kb_values_round_trip() {
    let store = open();
    let account = unique("big");
    let secret: String = "ключ-🔑-秘密-".repeat(200).chars().take(4096).collect();
    store.set(SERVICE, &account, &secret).unwrap();
    assert_eq!(store.get(SERVICE, &account).unwrap(), Some(secret.clone()));
    let out = helper("secret-service", &["check", SERVICE, &account], &secret);
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");
    assert!(store.delete(SERVICE, &account).unwrap());
}

#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn a_secret_persists_across_processes() {
    require_session_bus();
    let account = unique("cross-process");
    let out = helper("secret-service", &["set", SERVICE, &account], "persisted ✓");
    assert_eq!(out.code, 0, "{out:?}");
    let out = helper(
        "secret-service",
        &["check", SERVICE, &account],
        "persisted ✓",
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");
    let out = helper("auto", &["check", SERVICE, &account], "persisted ✓");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "same\n"),
        "auto finds it too: {out:?}"
    );
    let out = helper("secret-service", &["delete", SERVICE, &account], "");
    assert_eq!((out.code, out.stdout.as_str()), (0, "removed\n"), "{out:?}");
    let out = helper(
        "secret-service",
        &["check", SERVICE, &account],
        "persisted ✓",
    );
    assert_eq!((out.code, out.stdout.as_str()), (1, "absent\n"), "{out:?}");
}

#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn auto_prefers_an_unlocked_secret_service() {
    require_session_bus();
    let store = Store::open(BackendChoice::Auto).unwrap();
    assert_eq!(store.backend(), &Backend::SecretService);
    let out = helper("auto", &["backend"], "");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "Secret Service\n"),
        "{out:?}"
    );
}

#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn no_log_line_of_a_child_contains_the_secret() {
    require_session_bus();
    let account = unique("child-logs");
    let secret = format!("{}-ss-child-secret", unique("value"));
    let mut outputs = Vec::new();
    for (args, stdin) in [
        (vec!["set", SERVICE, &account], secret.as_str()),
        (vec!["check", SERVICE, &account], secret.as_str()),
        (vec!["delete", SERVICE, &account], ""),
    ] {
        let mut cmd = crate::support::helper_cmd("secret-service", &args);
        cmd.env("KEYRING_HELPER_LOG", "1");
        let out = crate::support::run(cmd, stdin);
        assert_eq!(out.code, 0, "{out:?}");
        outputs.push(out);
    }
    assert!(
        outputs[0].stderr.contains("log DEBUG keyring_core"),
        "logging is on"
    );
    for out in &outputs {
        assert!(!out.stderr.contains(&secret) && !out.stdout.contains(&secret));
    }
}
