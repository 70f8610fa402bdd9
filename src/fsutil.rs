//! Files this tool writes: atomically (a temporary file in the same directory, synced, renamed over
//! the target), so a crash leaves the old content or the new, never a mix; private by default.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Mode of files created under `~/.dcos` (the DC/OS CLI's own is 0600).
pub const PRIVATE_FILE: u32 = 0o600;
/// Mode of directories created under `~/.dcos`.
pub const PRIVATE_DIR: u32 = 0o700;

/// Writes `bytes` to `path` atomically. An existing file keeps its mode; a new one gets `mode`.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir()?,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    set_mode(tmp.as_file(), path, mode)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(&dir);
    Ok(())
}

/// Checks that a file holding a secret (a private key, a write key) is readable by its owner only,
/// with the DC/OS CLI's rule and words: mode 0400 or 0600, else
/// `permissions 0644 for '<file>' are too open, expected 0400 or 0600`. Returns its metadata.
pub fn require_private_file(path: &Path) -> Result<fs::Metadata, crate::error::Error> {
    use crate::error::Error;
    let meta = fs::metadata(path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(Error::new(format!("{} is not a file", path.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode != 0o400 && mode != 0o600 {
            return Err(Error::auth(format!(
                "permissions {mode:04o} for '{}' are too open, expected 0400 or 0600",
                path.display()
            ))
            .hint(format!("chmod 600 '{}'", path.display())));
        }
    }
    Ok(meta)
}

/// Creates a directory (and its parents) with mode 0700 for the parts it creates.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(PRIVATE_DIR)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

#[cfg(unix)]
fn set_mode(file: &fs::File, path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match fs::metadata(path) {
        Ok(meta) => meta.permissions().mode() & 0o7777,
        Err(_) => mode,
    };
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &fs::File, _path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_mode_and_existing_ones_keep_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomically(&path, b"one", PRIVATE_FILE).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomically(&path, b"two", PRIVATE_FILE).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        create_private_dir(&nested).unwrap();
        assert_eq!(
            fs::metadata(&nested).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(
            fs::metadata(dir.path().join("a"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
    }
}
