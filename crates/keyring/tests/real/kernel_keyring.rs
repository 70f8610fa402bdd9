//! (a) The Linux kernel keyring, in this process and across processes.

use dcos_telemetry_keyring::{Backend, BackendChoice, FailureKind, Store};

use crate::support::{SERVICE, assert_not_logged, capture_logs, helper, helper_cmd, run, unique};

/// Does the helper start without a session keyring? (The kernel then installs the
/// user-session keyring, `_uid_ses.<uid>`, on first access.)
fn helper_has_no_session_keyring() -> bool {
    let out = helper("-", &["session-keyring"], "");
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout.trim().starts_with("_uid_ses.")
}

#[test]
fn a_secret_set_by_one_process_is_read_by_the_next_then_deleted() {
    if !helper_has_no_session_keyring() {
        // Not a skip: the rest still runs. Under a login session (pam_keyinit) the process
        // inherits a session keyring, so only the "has one already" path is exercised.
        eprintln!("note: this test runs with a session keyring; the no-keyring path is not shown");
    }
    let account = unique("cross-process");
    let secret = "first value ✓";

    let out = helper("keyutils", &["backend"], "");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "kernel keyring\n"),
        "{out:?}"
    );

    let out = helper("keyutils", &["set", SERVICE, &account], secret);
    assert_eq!(out.code, 0, "{out:?}");
    let out = helper("keyutils", &["check", SERVICE, &account], secret);
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");

    let out = helper("keyutils", &["set", SERVICE, &account], "second value");
    assert_eq!(out.code, 0, "{out:?}");
    let out = helper("keyutils", &["check", SERVICE, &account], secret);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (2, "different\n"),
        "{out:?}"
    );
    let out = helper("keyutils", &["check", SERVICE, &account], "second value");
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");

    let out = helper("keyutils", &["delete", SERVICE, &account], "");
    assert_eq!((out.code, out.stdout.as_str()), (0, "removed\n"), "{out:?}");
    let out = helper("keyutils", &["check", SERVICE, &account], secret);
    assert_eq!((out.code, out.stdout.as_str()), (1, "absent\n"), "{out:?}");
    let out = helper("keyutils", &["delete", SERVICE, &account], "");
    assert_eq!((out.code, out.stdout.as_str()), (0, "absent\n"), "{out:?}");
}

#[test]
fn a_secret_set_in_this_process_is_visible_to_a_child_and_back() {
    capture_logs();
    let store = Store::open(BackendChoice::KernelKeyring).unwrap();
    assert_eq!(store.backend(), &Backend::KernelKeyring);
    assert!(store.is_available(), "{:?}", store.unavailable_reason());
    let account = unique("parent-child");
    let secret = format!("{}-kernel-secret", unique("value"));

    store.set(SERVICE, &account, &secret).unwrap();
    let out = helper("keyutils", &["check", SERVICE, &account], &secret);
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");

    let out = helper("keyutils", &["set", SERVICE, &account], "from the child");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        store.get(SERVICE, &account).unwrap().as_deref(),
        Some("from the child")
    );

    assert!(store.delete(SERVICE, &account).unwrap());
    assert_eq!(store.get(SERVICE, &account).unwrap(), None);
    assert!(!store.delete(SERVICE, &account).unwrap());
    assert_not_logged(&secret);
}

#[test]
fn unicode_and_4_kb_values_round_trip() {
    let store = Store::open(BackendChoice::KernelKeyring).unwrap();
    let account = unique("big");
    let secret: String = "ключ-🔑-秘密-".repeat(200).chars().take(4096).collect();
    assert!(secret.len() > 4096, "4096 characters, more bytes");
    store.set(SERVICE, &account, &secret).unwrap();
    assert_eq!(store.get(SERVICE, &account).unwrap(), Some(secret.clone()));
    let out = helper("keyutils", &["check", SERVICE, &account], &secret);
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");
    assert!(store.delete(SERVICE, &account).unwrap());
}

#[test]
fn a_store_opened_on_one_thread_works_on_another() {
    // Session keyrings belong to a thread's credentials: a thread that existed before `open`
    // may have none. The store gives it one before each call.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::sync::Arc<Store>>();
    let account = unique("threads");
    let worker = {
        let account = account.clone();
        std::thread::spawn(move || {
            let store = ready_rx.recv().unwrap();
            assert_eq!(store.get(SERVICE, &account).unwrap().as_deref(), Some("v1"));
            store.set(SERVICE, &account, "v2").unwrap();
        })
    };
    let store = std::sync::Arc::new(Store::open(BackendChoice::KernelKeyring).unwrap());
    store.set(SERVICE, &account, "v1").unwrap();
    ready_tx.send(store.clone()).unwrap();
    worker.join().unwrap();
    assert_eq!(store.get(SERVICE, &account).unwrap().as_deref(), Some("v2"));
    assert!(store.delete(SERVICE, &account).unwrap());
}

#[test]
fn auto_without_a_session_bus_uses_the_kernel_keyring() {
    let mut cmd = helper_cmd("auto", &["backend"]);
    cmd.env_remove("DBUS_SESSION_BUS_ADDRESS");
    let out = run(cmd, "");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "kernel keyring\n"),
        "{out:?}"
    );
}

#[test]
fn a_service_with_the_description_divider_is_refused() {
    let store = Store::open(BackendChoice::KernelKeyring).unwrap();
    let err = store.set("svc@evil", "acct", "x").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid service: rejected by the kernel keyring: service cannot contain delimiter"
    );
}

#[test]
fn a_value_that_is_not_text_is_an_error_that_does_not_quote_it() {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let store = Store::open(BackendChoice::KernelKeyring).unwrap();
    let account = unique("binary");
    // Written behind the crate's back, as another program could: same description scheme.
    let persistent = KeyRing::get_persistent(KeyRingIdentifier::Session).unwrap();
    let key = persistent
        .add_key(
            &format!("keyring:{account}@{SERVICE}"),
            b"\xff\xfehunter2-binary",
        )
        .unwrap();

    let err = store.get(SERVICE, &account).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot read {SERVICE}/{account}: kernel keyring: the stored value is not UTF-8 text"
        )
    );
    assert_eq!(err.kind(), Some(FailureKind::Corrupt));
    assert!(!format!("{err:?}").contains("hunter2"));
    assert!(store.delete(SERVICE, &account).unwrap());
    assert!(key.metadata().is_err(), "the key is gone");
}
