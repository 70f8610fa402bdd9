//! (c) The plain-text file store: modes, atomic replacement, concurrent writers.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use dcos_telemetry_keyring::{Backend, BackendChoice, Store};

use crate::support::{SERVICE, assert_not_logged, capture_logs, helper, helper_cmd, run};

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn choice(path: &Path) -> String {
    format!("file:{}", path.display())
}

#[test]
fn creates_a_0700_directory_and_0600_files() {
    capture_logs();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("new").join("dir").join("credentials.json");
    let store = Store::open(BackendChoice::File(path.clone())).unwrap();
    assert_eq!(store.backend(), &Backend::File(path.clone()));
    assert!(store.backend().is_plaintext());

    store.set(SERVICE, "acct", "file-secret-0600").unwrap();
    assert_eq!(mode(&tmp.path().join("new")), 0o700);
    assert_eq!(mode(&tmp.path().join("new").join("dir")), 0o700);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&path.with_file_name("credentials.json.lock")), 0o600);
    assert_eq!(
        store.get(SERVICE, "acct").unwrap().as_deref(),
        Some("file-secret-0600")
    );
    assert_not_logged("file-secret-0600");
}

#[test]
fn an_existing_directory_keeps_its_mode_and_a_loose_file_is_tightened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dcos");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.join("credentials.json");
    fs::write(&path, "{\"version\": 1, \"credentials\": {}}").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();

    let store = Store::open(BackendChoice::File(path.clone())).unwrap();
    assert_eq!(store.get(SERVICE, "acct").unwrap(), None);
    store.set(SERVICE, "acct", "v").unwrap();
    assert_eq!(mode(&dir), 0o755);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn writes_replace_the_file_and_leave_no_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("credentials.json");
    let store = Store::open(BackendChoice::File(path.clone())).unwrap();
    store.set(SERVICE, "a", "1").unwrap();
    let first = fs::metadata(&path).unwrap().ino();
    store.set(SERVICE, "b", "2").unwrap();
    let second = fs::metadata(&path).unwrap().ino();
    assert_ne!(first, second, "a write renames a new file over the old one");
    assert!(!store.delete(SERVICE, "missing").unwrap());
    assert_eq!(
        fs::metadata(&path).unwrap().ino(),
        second,
        "a no-op delete does not rewrite"
    );

    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["credentials.json", "credentials.json.lock"]);
}

#[test]
fn a_reader_never_sees_a_partial_file_while_another_process_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("credentials.json");
    let store = Store::open(BackendChoice::File(path.clone())).unwrap();
    store.set(SERVICE, "sentinel", "kept").unwrap();

    let mut writer = helper_cmd(&choice(&path), &["set-many", SERVICE, "w", "300"]);
    writer.stdin(std::process::Stdio::null());
    let mut child = writer.spawn().unwrap();
    let mut reads = 0;
    loop {
        // Every read parses a whole file: the old one or the new one.
        assert_eq!(
            store.get(SERVICE, "sentinel").unwrap().as_deref(),
            Some("kept")
        );
        reads += 1;
        if child.try_wait().unwrap().is_some() {
            break;
        }
    }
    assert!(child.wait().unwrap().success());
    assert!(reads > 1, "the reader ran while the writer wrote");
    assert_eq!(
        store.get(SERVICE, "w-299").unwrap().as_deref(),
        Some("v299")
    );
}

#[test]
fn two_processes_writing_at_once_lose_no_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("shared").join("credentials.json");
    let spawn = |prefix: &str| {
        let mut cmd = helper_cmd(&choice(&path), &["set-many", SERVICE, prefix, "100"]);
        cmd.stdin(std::process::Stdio::null());
        cmd.spawn().unwrap()
    };
    let (mut a, mut b) = (spawn("a"), spawn("b"));
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());

    let store = Store::open(BackendChoice::File(path.clone())).unwrap();
    for prefix in ["a", "b"] {
        for i in 0..100 {
            assert_eq!(
                store.get(SERVICE, &format!("{prefix}-{i}")).unwrap(),
                Some(format!("v{i}")),
                "{prefix}-{i}"
            );
        }
    }
    let text = fs::read_to_string(&path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["credentials"][SERVICE].as_object().unwrap().len(), 200);
}

#[test]
fn the_helper_persists_through_the_file_across_processes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("credentials.json");
    let choice = choice(&path);
    let out = helper(&choice, &["set", SERVICE, "acct"], "ünïcode ✓");
    assert_eq!(out.code, 0, "{out:?}");
    let out = helper(&choice, &["check", SERVICE, "acct"], "ünïcode ✓");
    assert_eq!((out.code, out.stdout.as_str()), (0, "same\n"), "{out:?}");
    let out = helper(&choice, &["delete", SERVICE, "acct"], "");
    assert_eq!((out.code, out.stdout.as_str()), (0, "removed\n"), "{out:?}");
    let out = helper(&choice, &["check", SERVICE, "acct"], "");
    assert_eq!((out.code, out.stdout.as_str()), (1, "absent\n"), "{out:?}");
    let mut cmd = helper_cmd("file:relative.json", &["backend"]);
    cmd.current_dir(tmp.path());
    let out = run(cmd, "");
    assert_eq!(out.code, 3);
    assert_eq!(
        out.messages(),
        [
            "error: invalid credential store \"file:relative.json\": the path after `file:` must \
             be absolute (expected one of: auto, secret-service, keyutils, native, \
             file:<absolute path>, none)",
            "hint: set DCOS_TELEMETRY_CREDENTIAL_STORE to one of: auto, secret-service, \
             keyutils, native, file:<absolute path>, none",
        ]
    );
}
