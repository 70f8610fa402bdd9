//! A stand-in for what `dcos plugin add <zip>` does on disk (contract §1.2, §1.3), for the
//! install test: stage under `clusters/<id>/tmp/`, extract the zip root into `env/` with the CLI's
//! rules, read `plugin.toml`, move the plugin to `clusters/<id>/subcommands/<name>/` (mode 0700).
//!
//! Extraction follows the CLI (Go's `archive/zip` and `os.OpenFile`): an entry's mode comes from
//! its Unix attributes when the archive was made on Unix (or macOS), from its MS-DOS attributes
//! (0666, or 0444 when read-only) when made on FAT/NTFS/VFAT, else 0; the process umask applies;
//! parent directories are created 0755; entries that would land outside `env/` are skipped;
//! errors on single entries are ignored.

use std::fs;
use std::io::{self, Read as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use zip::System;
use zip::ZipArchive;

/// A DC/OS CLI config directory with one attached cluster.
pub struct DcosDir {
    pub root: tempfile::TempDir,
    pub cluster_id: String,
}

impl DcosDir {
    /// `<root>/clusters/<id>/{dcos.toml,attached}`, as `dcos cluster setup` leaves it.
    pub fn new() -> DcosDir {
        let root = tempfile::tempdir().unwrap();
        let cluster_id = "7a8d3b1e-5c2f-4f7e-9d1a-0b6c2e4f8a90".to_string();
        let cluster = root.path().join("clusters").join(&cluster_id);
        fs::create_dir_all(&cluster).unwrap();
        fs::write(
            cluster.join("dcos.toml"),
            "[core]\ndcos_url = \"http://127.0.0.1:9\"\n[cluster]\nname = \"test\"\n",
        )
        .unwrap();
        fs::write(cluster.join("attached"), "").unwrap();
        DcosDir { root, cluster_id }
    }

    pub fn cluster(&self) -> PathBuf {
        self.root.path().join("clusters").join(&self.cluster_id)
    }

    /// `dcos plugin add <zip>`: returns the installed plugin directory.
    pub fn plugin_add(&self, zip: &Path) -> Result<PathBuf, String> {
        let mut magic = [0u8; 4];
        fs::File::open(zip)
            .and_then(|mut f| f.read_exact(&mut magic))
            .map_err(|e| e.to_string())?;
        // The CLI sniffs the content type; anything but a zip would be a bare binary.
        if &magic != b"PK\x03\x04" {
            return Err("not detected as application/zip".to_string());
        }
        let tmp = self.cluster().join("tmp");
        fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
        let staging = tempfile::Builder::new()
            .prefix("dcos-cli")
            .tempdir_in(&tmp)
            .map_err(|e| e.to_string())?;
        let env = staging.path().join("env");
        fs::create_dir_all(&env).map_err(|e| e.to_string())?;
        unzip(zip, &env).map_err(|e| e.to_string())?;

        let fallback = zip.file_stem().unwrap().to_string_lossy().into_owned();
        let toml: toml::Table = fs::read_to_string(env.join("plugin.toml"))
            .ok()
            .and_then(|t| toml::from_str(&t).ok())
            .unwrap_or_default();
        let name = toml
            .get("name")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or(fallback);
        let has_commands = toml
            .get("commands")
            .and_then(|v| v.as_array())
            .is_some_and(|c| !c.is_empty());
        if !has_commands {
            return Err(format!("{name} has no commands"));
        }
        let dest = self.cluster().join("subcommands").join(&name);
        if dest.exists() {
            return Err(format!("'{name}' is already installed"));
        }
        fs::create_dir_all(dest.parent().unwrap()).map_err(|e| e.to_string())?;
        let staged = staging.keep();
        fs::rename(&staged, &dest).map_err(|e| e.to_string())?;
        fs::set_permissions(&dest, fs::Permissions::from_mode(0o700)).map_err(|e| e.to_string())?;
        Ok(dest)
    }
}

/// Extracts `zip` into `dest` with the CLI's rules (see the module doc).
pub fn unzip(zip: &Path, dest: &Path) -> zip::result::ZipResult<()> {
    let mut archive = ZipArchive::new(fs::File::open(zip)?)?;
    for index in 0..archive.len() {
        let _ignored = extract_entry(&mut archive, index, dest);
    }
    Ok(())
}

fn extract_entry(archive: &mut ZipArchive<fs::File>, index: usize, dest: &Path) -> io::Result<()> {
    let mut entry = archive.by_index(index)?;
    let name = entry.name()?.into_owned();
    let Some(path) = join_inside(dest, &name) else {
        return Ok(()); // zip slip: skipped
    };
    let mode = go_mode(entry.system(), entry.external_attributes());
    if name.ends_with('/') {
        return fs::DirBuilder::new()
            .recursive(true)
            .mode(mode)
            .create(&path);
    }
    if let Some(parent) = path.parent() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(parent)?;
    }
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&path)?;
    io::copy(&mut entry, &mut out)?;
    Ok(())
}

/// `dest` joined with the entry name and cleaned (Go's `filepath.Join`), or `None` when the
/// result is not inside `dest`.
pub fn join_inside(dest: &Path, name: &str) -> Option<PathBuf> {
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(
        parts
            .iter()
            .fold(dest.to_path_buf(), |p, part| p.join(part)),
    )
}

/// The permission bits Go's `zip.FileHeader.Mode()` gives an entry.
pub fn go_mode(system: System, external_attributes: u32) -> u32 {
    match system {
        System::Unix | System::OsDarwin => (external_attributes >> 16) & 0o777,
        System::Dos | System::VFAT | System::MVS => {
            // MVS is 11, which Go treats as NTFS.
            let read_only = external_attributes & 0x01 != 0;
            if read_only { 0o444 } else { 0o666 }
        }
        _ => 0,
    }
}

/// The process umask, found by creating a file with mode 0777.
pub fn umask() -> u32 {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o777)
        .open(&probe)
        .unwrap();
    !fs::metadata(&probe).unwrap().permissions().mode() & 0o777
}
