//! `write_atomically`: content, permissions, backup, symlinks, and an injected failure
//! between write and rename that must leave the original intact.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use dcos_installer_config::{
    BeforeRename, Plan, plan_opt_out, write_atomically, write_atomically_with_hook,
};

const ORIGINAL: &[u8] = b"---\nbootstrap_url: http://boot\ntelemetry_enabled: 'true'\n";
const EDITED: &[u8] = b"---\nbootstrap_url: http://boot\ntelemetry_enabled: 'false'\n";

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn replaces_content_and_keeps_the_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    fs::write(&path, ORIGINAL).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();

    let Ok(Plan::Edit(edit)) = plan_opt_out(&fs::read(&path).unwrap()) else {
        panic!("must edit")
    };
    assert_eq!(edit.new_bytes, EDITED);
    let outcome = write_atomically(&path, &edit.new_bytes, false).unwrap();

    assert_eq!(fs::read(&path).unwrap(), EDITED);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o7777,
        0o640
    );
    assert_eq!(outcome.backup, None);
    assert_eq!(names_in(dir.path()), vec!["config.yaml"]);
}

#[test]
fn backup_keeps_the_previous_content_next_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    fs::write(&path, ORIGINAL).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();

    let outcome = write_atomically(&path, EDITED, true).unwrap();
    let bak = dir.path().join("config.yaml.bak");
    assert_eq!(
        outcome.backup.as_deref(),
        Some(fs::canonicalize(&bak).unwrap().as_path())
    );
    assert_eq!(fs::read(&bak).unwrap(), ORIGINAL);
    assert_eq!(
        fs::metadata(&bak).unwrap().permissions().mode() & 0o7777,
        0o600
    );
    assert_eq!(fs::read(&path).unwrap(), EDITED);

    // A second write replaces the backup with the version just before it.
    write_atomically(&path, b"x: 1\n", true).unwrap();
    assert_eq!(fs::read(&bak).unwrap(), EDITED);
    assert_eq!(names_in(dir.path()), vec!["config.yaml", "config.yaml.bak"]);
}

struct FailBeforeRename;

impl BeforeRename for FailBeforeRename {
    fn before_rename(&self, temp_path: &Path) -> io::Result<()> {
        // The temporary file is complete at this point.
        assert_eq!(fs::read(temp_path).unwrap(), EDITED);
        Err(io::Error::other("injected failure"))
    }
}

#[test]
fn a_failure_before_the_rename_leaves_the_original_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    fs::write(&path, ORIGINAL).unwrap();

    let err = write_atomically_with_hook(&path, EDITED, false, &FailBeforeRename).unwrap_err();
    assert_eq!(err.to_string(), "injected failure");
    assert_eq!(fs::read(&path).unwrap(), ORIGINAL);
    assert_eq!(
        names_in(dir.path()),
        vec!["config.yaml"],
        "no temporary file is left behind"
    );
}

#[test]
fn a_symlink_is_followed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.yaml");
    let link = dir.path().join("config.yaml");
    fs::write(&real, ORIGINAL).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();

    write_atomically(&link, EDITED, false).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&real).unwrap(), EDITED);
}

#[test]
fn a_refusal_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    let invalid = b"bootstrap_url:\thttp://boot\ntelemetry_enabled: 'true'\n";
    fs::write(&path, invalid).unwrap();

    let refusal = plan_opt_out(&fs::read(&path).unwrap()).unwrap_err();
    assert_eq!(
        refusal.kind,
        dcos_installer_config::RefusalKind::InvalidYaml
    );
    assert_eq!(fs::read(&path).unwrap(), invalid);
    assert_eq!(names_in(dir.path()), vec!["config.yaml"]);
}

#[test]
fn a_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_atomically(&dir.path().join("absent.yaml"), EDITED, true).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert!(names_in(dir.path()).is_empty());
}
