//! (d) No keyring: reads find nothing, writes fail with the documented message.

use std::path::Path;
use std::process::Command;

use dcos_telemetry_keyring::{Backend, BackendChoice, FailureKind, Store};

use crate::support::{SERVICE, helper, helper_cmd, on_path, run, unique};

#[test]
fn none_reads_nothing_and_refuses_writes_with_a_hint() {
    let store = Store::open(BackendChoice::None).unwrap();
    assert_eq!(store.backend(), &Backend::None);
    assert_eq!(store.get(SERVICE, "acct").unwrap(), None);
    assert!(!store.delete(SERVICE, "acct").unwrap());
    let err = store.set(SERVICE, "acct", "never-stored").unwrap_err();
    assert_eq!(err.kind(), Some(FailureKind::TurnedOff));

    let out = helper("none", &["set", SERVICE, "acct"], "never-stored");
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.messages(),
        [
            "error: cannot save dcos-telemetry-test/acct: no keyring (the credential store is \
             set to \"none\")",
            "hint: DCOS_TELEMETRY_CREDENTIAL_STORE=none turns credential storage off; unset it, \
             or pass --insecure-storage to write a 0600 file instead",
        ]
    );
    let out = helper("none", &["check", SERVICE, "acct"], "");
    assert_eq!((out.code, out.stdout.as_str()), (1, "absent\n"), "{out:?}");
}

#[test]
fn secret_service_without_a_session_bus_reads_nothing_and_refuses_writes() {
    let without_bus = |args: &[&str], stdin: &str| {
        let mut cmd = helper_cmd("secret-service", args);
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS");
        run(cmd, stdin)
    };
    let out = without_bus(&["backend"], "");
    assert_eq!(
        out.stdout,
        "Secret Service\nunavailable: DBUS_SESSION_BUS_ADDRESS is not set\n"
    );
    let out = without_bus(&["check", SERVICE, "acct"], "x");
    assert_eq!((out.code, out.stdout.as_str()), (1, "absent\n"), "{out:?}");
    let out = without_bus(&["set", SERVICE, "acct"], "x");
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        out.messages(),
        [
            "error: cannot save dcos-telemetry-test/acct: Secret Service is unavailable \
             (DBUS_SESSION_BUS_ADDRESS is not set)",
            "hint: no Secret Service on this session bus; on headless Linux use the kernel \
             keyring with DCOS_TELEMETRY_CREDENTIAL_STORE=keyutils, or pass --insecure-storage \
             to write a 0600 file instead",
        ]
    );
    let out = without_bus(&["delete", SERVICE, "acct"], "");
    assert_eq!(
        out.code, 3,
        "an explicit store that cannot be reached may still hold it"
    );
}

/// `dbus-run-session` with gnome-keyring started in `home`; `unlock` decides whether the login
/// keyring is unlocked (with a password) or only started (locked), then runs `helper_args`.
fn in_keyring_session(
    home: &Path,
    unlock: bool,
    helper_args: &[&str],
    stdin: &str,
) -> crate::support::Out {
    // Daemons started here (gnome-keyring, and services the bus activates) outlive the helper;
    // they must not inherit the test's output pipes, or reading to the end waits for them. Only
    // the helper writes to them (fds 3 and 4); everything else gets /dev/null.
    let start = if unlock {
        "printf %s dcos-telemetry-tests | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 3>&- 4>&-"
    } else {
        "gnome-keyring-daemon --start --components=secrets </dev/null >/dev/null 2>&1 3>&- 4>&-"
    };
    let inner = format!("{start}; exec \"$@\" >&3 2>&4 3>&- 4>&-");
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "exec 3>&1 4>&2 >/dev/null 2>&1; exec dbus-run-session -- sh -c \"$0\" sh \"$@\"",
        &inner,
    ])
    .arg(crate::support::HELPER)
    .args(helper_args)
    .env("HOME", home)
    .env("XDG_DATA_HOME", home.join("share"))
    .env("XDG_RUNTIME_DIR", home.join("run"))
    .env_remove("DBUS_SESSION_BUS_ADDRESS");
    run(cmd, stdin)
}

#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn a_locked_collection_reads_as_nothing_stored_and_refuses_writes() {
    assert!(
        on_path("dbus-run-session") && on_path("gnome-keyring-daemon"),
        "install dbus and gnome-keyring (scripts/test and .ci/run do)"
    );
    // Runs its own buses, so it works inside or outside scripts/test's session.
    let home = tempfile::tempdir().unwrap();
    for dir in ["share", "run"] {
        std::fs::create_dir(home.path().join(dir)).unwrap();
    }
    std::fs::set_permissions(
        home.path().join("run"),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let account = unique("locked");

    // First session: create the login keyring (with a password) and store a value.
    let out = in_keyring_session(
        home.path(),
        true,
        &["secret-service", "set", SERVICE, &account],
        "stored while unlocked",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let out = in_keyring_session(
        home.path(),
        true,
        &["secret-service", "check", SERVICE, &account],
        "stored while unlocked",
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");

    // Later sessions start the daemon without unlocking: the collection is locked.
    let out = in_keyring_session(home.path(), false, &["auto", "backend"], "");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "kernel keyring\n"),
        "auto skips a locked collection: {out:?}"
    );
    let out = in_keyring_session(
        home.path(),
        false,
        &["secret-service", "check", SERVICE, &account],
        "stored while unlocked",
    );
    assert_eq!((out.code, out.stdout.as_str()), (1, "absent\n"), "{out:?}");
    let out = in_keyring_session(
        home.path(),
        false,
        &["secret-service", "set", SERVICE, &account],
        "new",
    );
    assert_eq!(out.code, 3, "{out:?}");
    let messages = out.messages();
    let locked = format!(
        "error: cannot save dcos-telemetry-test/{account}: Secret Service is unavailable \
         (the keyring is locked and no unlock prompt can be shown without a display)"
    );
    // A gnome-keyring that is still starting on a loaded machine may not answer in time; that
    // also refuses the write (the store is unusable), just for another reason.
    let busy_prefix = format!(
        "error: cannot save dcos-telemetry-test/{account}: Secret Service is unavailable (D-Bus error: "
    );
    assert!(
        messages
            .first()
            .is_some_and(|m| *m == locked || m.starts_with(&busy_prefix)),
        "{out:?}"
    );
    if messages.first().is_some_and(|m| *m == locked) {
        assert_eq!(
            messages.get(1).copied(),
            Some(
                "hint: unlock the login keyring (headless: printf %s \"$PASSWORD\" | \
                 gnome-keyring-daemon --unlock), or use the kernel keyring with \
                 DCOS_TELEMETRY_CREDENTIAL_STORE=keyutils, or pass --insecure-storage to write a \
                 0600 file instead"
            )
        );
    }
}
