//! Replacing a file atomically: a temporary file in the same directory, written and
//! fsynced, given the original's permissions (and owner, where allowed), then renamed over
//! the original; the directory is fsynced after the rename.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A test seam: called after the temporary file is complete and synced, just before it is
/// renamed over the original. Returning an error aborts the write; the temporary file is
/// removed and the original is untouched.
pub trait BeforeRename {
    /// Called with the path of the complete temporary file.
    fn before_rename(&self, temp_path: &Path) -> io::Result<()>;
}

/// The hook that does nothing (used by [`write_atomically`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHook;

impl BeforeRename for NoHook {
    fn before_rename(&self, _temp_path: &Path) -> io::Result<()> {
        Ok(())
    }
}

/// What [`write_atomically`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The file that was replaced (symlinks resolved).
    pub path: PathBuf,
    /// The backup of the previous content, when one was asked for.
    pub backup: Option<PathBuf>,
}

/// Replaces the existing file at `path` with `bytes`, atomically.
///
/// With `backup`, the previous content is first saved (also atomically) as `<name>.bak`
/// next to the file, replacing an older `.bak`: it always holds the version just before
/// the last write. A symlink at `path` is followed, so the link stays and its target is
/// replaced.
pub fn write_atomically(path: &Path, bytes: &[u8], backup: bool) -> io::Result<WriteOutcome> {
    write_atomically_with_hook(path, bytes, backup, &NoHook)
}

/// [`write_atomically`] with a hook run just before the rename (for tests that inject a
/// failure there).
pub fn write_atomically_with_hook(
    path: &Path,
    bytes: &[u8],
    backup: bool,
    hook: &dyn BeforeRename,
) -> io::Result<WriteOutcome> {
    let real = fs::canonicalize(path)?;
    let meta = fs::metadata(&real)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", real.display()),
        ));
    }
    let dir = real
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;

    let backup_path = if backup {
        let original = fs::read(&real)?;
        let bak = dir.join(format!("{name}.bak"));
        replace_with(&dir, &name, &bak, &original, &meta, &NoHook)?;
        Some(bak)
    } else {
        None
    };
    replace_with(&dir, &name, &real, bytes, &meta, hook)?;
    Ok(WriteOutcome {
        path: real,
        backup: backup_path,
    })
}

fn replace_with(
    dir: &Path,
    name: &str,
    target: &Path,
    bytes: &[u8],
    meta: &fs::Metadata,
    hook: &dyn BeforeRename,
) -> io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().set_permissions(meta.permissions())?;
    keep_owner(tmp.as_file(), meta);
    tmp.as_file().sync_all()?;
    hook.before_rename(tmp.path())?;
    tmp.persist(target).map_err(|e| e.error)?;
    sync_dir(dir)
}

#[cfg(unix)]
fn keep_owner(file: &File, meta: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    // Best effort: only root may give a file away; everyone else keeps their own files.
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _meta: &fs::Metadata) {}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}
