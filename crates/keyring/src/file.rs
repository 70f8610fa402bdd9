//! The plain-text file store, for an explicit opt-in such as `--insecure-storage`.
//!
//! Layout (version 1), pretty-printed JSON:
//! `{"version": 1, "credentials": {"<service>": {"<account>": "<secret>"}}}`.
//!
//! * The directory is created with mode 0700 when missing (an existing one is left alone).
//! * Every write goes to a temporary file (mode 0600) in the same directory, is synced, then
//!   renamed over the target: readers see the old or the new file, never a partial one.
//! * Writers serialise on an exclusive lock of `<file>.lock` (0600, left in place), so two
//!   processes saving different entries at once both keep their entry.
//! * Readers take no lock (the rename makes that safe). A file readable by others is still
//!   read, with a warning in the log.
//! * A malformed file is never overwritten; error texts carry line and column only, because
//!   serde_json's messages can quote the offending value, which may be a secret.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::FailureKind;

/// The file format version this crate reads and writes.
const VERSION: u32 = 1;

/// A failure of the file store, already sanitised (no secret in `cause`).
#[derive(Debug)]
pub(crate) struct FileError {
    pub(crate) kind: FailureKind,
    pub(crate) cause: String,
}

impl FileError {
    fn io(action: &str, path: &Path, error: &io::Error) -> FileError {
        let kind = match error.kind() {
            io::ErrorKind::PermissionDenied => FailureKind::AccessDenied,
            _ => FailureKind::Platform,
        };
        FileError {
            kind,
            cause: format!("cannot {action} {}: {error}", path.display()),
        }
    }

    fn corrupt(cause: String) -> FileError {
        FileError {
            kind: FailureKind::Corrupt,
            cause,
        }
    }
}

/// The file's contents. Deliberately not `Debug`: it holds secrets.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Contents {
    version: u32,
    credentials: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for Contents {
    fn default() -> Self {
        Contents {
            version: VERSION,
            credentials: BTreeMap::new(),
        }
    }
}

/// A credential file at an absolute path.
#[derive(Debug)]
pub(crate) struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub(crate) fn new(path: PathBuf) -> FileStore {
        FileStore { path }
    }

    pub(crate) fn get(&self, service: &str, account: &str) -> Result<Option<String>, FileError> {
        let contents = self.load()?;
        Ok(contents.and_then(|mut c| c.credentials.get_mut(service)?.remove(account)))
    }

    pub(crate) fn set(&self, service: &str, account: &str, secret: &str) -> Result<(), FileError> {
        self.update(|contents| {
            contents
                .credentials
                .entry(service.to_owned())
                .or_default()
                .insert(account.to_owned(), secret.to_owned());
            (true, ())
        })
    }

    pub(crate) fn delete(&self, service: &str, account: &str) -> Result<bool, FileError> {
        self.update(|contents| {
            let Some(accounts) = contents.credentials.get_mut(service) else {
                return (false, false);
            };
            let removed = accounts.remove(account).is_some();
            if accounts.is_empty() {
                contents.credentials.remove(service);
            }
            (removed, removed)
        })
    }

    /// Reads the file; `None` when it does not exist.
    fn load(&self) -> Result<Option<Contents>, FileError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(FileError::io("read", &self.path, &e)),
        };
        warn_if_exposed(&self.path);
        let contents: Contents = serde_json::from_slice(&bytes).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                    "not valid JSON"
                }
                _ => "not a credential file (expected {\"version\": 1, \"credentials\": {…}})",
            };
            FileError::corrupt(format!(
                "{what} at line {}, column {}",
                e.line(),
                e.column()
            ))
        })?;
        if contents.version != VERSION {
            return Err(FileError::corrupt(format!(
                "unsupported version {} (this plugin reads version {VERSION})",
                contents.version
            )));
        }
        Ok(Some(contents))
    }

    /// Runs `change` on the current contents under the writers' lock and saves the result when
    /// `change` reports a modification.
    fn update<R>(&self, change: impl FnOnce(&mut Contents) -> (bool, R)) -> Result<R, FileError> {
        let dir = parent_dir(&self.path);
        create_private_dir(dir)?;
        let lock_path = sibling(&self.path, ".lock");
        let lock_file = private_options()
            .read(true)
            .write(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| FileError::io("open the lock file", &lock_path, &e))?;
        let mut lock = fd_lock::RwLock::new(lock_file);
        let _guard = lock
            .write()
            .map_err(|e| FileError::io("lock", &lock_path, &e))?;

        let mut contents = self.load()?.unwrap_or_default();
        let (changed, result) = change(&mut contents);
        if changed {
            self.replace(dir, &contents)?;
        }
        Ok(result)
    }

    /// Writes `contents` to a temporary file in `dir` and renames it over the target.
    fn replace(&self, dir: &Path, contents: &Contents) -> Result<(), FileError> {
        let mut temp = tempfile::Builder::new()
            .prefix(".dcos-telemetry-credentials-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| FileError::io("create a temporary file in", dir, &e))?;
        // Maps of strings always encode; the error text is generic so it cannot quote a value.
        let json = serde_json::to_vec_pretty(contents).map_err(|_| FileError {
            kind: FailureKind::Platform,
            cause: "cannot encode the credentials as JSON".to_owned(),
        })?;
        temp.write_all(&json)
            .and_then(|()| temp.write_all(b"\n"))
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| FileError::io("write", temp.path(), &e))?;
        temp.persist(&self.path)
            .map_err(|e| FileError::io("replace", &self.path, &e.error))?;
        sync_dir(dir).map_err(|e| FileError::io("sync", dir, &e))
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// `path` with `suffix` appended to its file name (`creds.json` → `creds.json.lock`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

fn create_private_dir(dir: &Path) -> Result<(), FileError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| FileError::io("create the directory", dir, &e))
}

/// Options that create a file readable and writable by the owner only.
fn private_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn warn_if_exposed(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = fs::metadata(path) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            log::warn!(
                "{} holds secrets but has mode {mode:04o}; run `chmod 600` on it",
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_exposed(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &tempfile::TempDir) -> FileStore {
        FileStore::new(dir.path().join("sub").join("creds.json"))
    }

    #[test]
    fn missing_file_reads_as_nothing_stored() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(store(&dir).get("s", "a").unwrap(), None);
        assert!(
            !dir.path().join("sub").exists(),
            "reading must not create anything"
        );
    }

    #[test]
    fn set_get_overwrite_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        s.set("s", "a", "one").unwrap();
        s.set("s", "b", "two").unwrap();
        assert_eq!(s.get("s", "a").unwrap().as_deref(), Some("one"));
        s.set("s", "a", "uno").unwrap();
        assert_eq!(s.get("s", "a").unwrap().as_deref(), Some("uno"));
        assert!(s.delete("s", "a").unwrap());
        assert!(!s.delete("s", "a").unwrap());
        assert!(!s.delete("other", "a").unwrap());
        assert_eq!(s.get("s", "a").unwrap(), None);
        assert_eq!(s.get("s", "b").unwrap().as_deref(), Some("two"));
        let text = fs::read_to_string(&s.path).unwrap();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"credentials\": {\n    \"s\": {\n      \"b\": \"two\"\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn deleting_the_last_account_drops_the_service() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        s.set("s", "a", "one").unwrap();
        assert!(s.delete("s", "a").unwrap());
        assert_eq!(
            fs::read_to_string(&s.path).unwrap(),
            "{\n  \"version\": 1,\n  \"credentials\": {}\n}\n"
        );
    }

    #[test]
    fn corrupt_files_are_reported_without_quoting_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileStore::new(dir.path().join("creds.json"));
        let cases = [
            (
                "{\"version\": \"hunter2-secret\"}",
                "not a credential file (expected {\"version\": 1, \"credentials\": {…}}) at line 1, column 28",
            ),
            (
                "{\"version\": 1, \"credentials\": {\"s\": {\"a\": 42}}}",
                "not a credential file (expected {\"version\": 1, \"credentials\": {…}}) at line 1, column 44",
            ),
            (
                "{\"version\": 1, \"credentials\": {\"s\": {\"a\": \"hunter2-secret",
                "not valid JSON at line 1, column 57",
            ),
            (
                "{\"version\": 2, \"credentials\": {}}",
                "unsupported version 2 (this plugin reads version 1)",
            ),
        ];
        for (text, expected) in cases {
            fs::write(&s.path, text).unwrap();
            let err = s.get("s", "a").unwrap_err();
            assert_eq!(err.kind, FailureKind::Corrupt);
            assert_eq!(err.cause, expected);
            let err = s.set("s", "b", "new").unwrap_err();
            assert_eq!(err.cause, expected);
            assert!(!format!("{err:?}").contains("hunter2"));
            assert_eq!(fs::read_to_string(&s.path).unwrap(), text);
        }
    }

    #[test]
    fn sibling_appends_to_the_file_name() {
        assert_eq!(
            sibling(Path::new("/a/creds.json"), ".lock"),
            PathBuf::from("/a/creds.json.lock")
        );
        assert_eq!(parent_dir(Path::new("creds.json")), Path::new("."));
    }
}
