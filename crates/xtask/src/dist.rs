//! `cargo xtask dist`: the plugin zip that `dcos plugin add` installs (contract §1.2).
//!
//! Layout, at the archive root (the CLI extracts the root into `subcommands/<name>/env/`):
//! - `plugin.toml` (the repository's, checked against the binary's `--info`), mode 0644;
//! - `bin/dcos-telemetry`, mode 0755 recorded in the entry (the CLI takes file modes from the
//!   entries; without it the binary installs as non-executable and `dcos telemetry` exits 1
//!   silently);
//! - `completion/bash/telemetry.sh` (from `completions/dcos/telemetry.sh`), mode 0644.
//!
//! Entries carry a fixed timestamp (1980-01-01), so the same inputs give the same bytes.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::{Context, Error, Result};

/// `plugin.toml` inside the archive.
pub const ENTRY_PLUGIN_TOML: &str = "plugin.toml";
/// The executable inside the archive (`path` in `plugin.toml`).
pub const ENTRY_BINARY: &str = "bin/dcos-telemetry";
/// The DC/OS completion script inside the archive.
pub const ENTRY_COMPLETION: &str = "completion/bash/telemetry.sh";
/// The plugin name (`name` in `plugin.toml`; the install directory `subcommands/<name>`).
pub const PLUGIN_NAME: &str = "dcos-telemetry";
/// The command the plugin adds to `dcos`.
pub const COMMAND: &str = "telemetry";

/// Unix mode of the executable entry.
pub const BINARY_MODE: u32 = 0o755;
/// Unix mode of the other entries.
pub const FILE_MODE: u32 = 0o644;

/// The operating system as DC/OS names it (`resource.cli.binaries.<os>`, Go's GOOS).
pub fn dcos_os(rust_os: &str) -> Option<&'static str> {
    match rust_os {
        "linux" => Some("linux"),
        "macos" => Some("darwin"),
        "windows" => Some("windows"),
        _ => None,
    }
}

/// The architecture as DC/OS names it: `x86-64`, the only one in `resource.cli.binaries.<os>`.
/// DC/OS never named another; 64-bit ARM gets Go's GOARCH name, `arm64`, as the OS names are
/// Go's too.
pub fn dcos_arch(rust_arch: &str) -> Option<&'static str> {
    match rust_arch {
        "x86_64" => Some("x86-64"),
        "aarch64" => Some("arm64"),
        _ => None,
    }
}

/// `dcos-telemetry-<version>-<os>-<arch>.zip` for a Rust target OS and architecture.
pub fn archive_name(version: &str, rust_os: &str, rust_arch: &str) -> Result<String> {
    let os = dcos_os(rust_os)
        .ok_or_else(|| Error::new(format!("no DC/OS name for the operating system {rust_os}")))?;
    let arch = dcos_arch(rust_arch)
        .ok_or_else(|| Error::new(format!("no DC/OS name for the architecture {rust_arch}")))?;
    Ok(format!("{PLUGIN_NAME}-{version}-{os}-{arch}.zip"))
}

/// Runs `<binary> telemetry --info` as the DC/OS CLI does and returns the line it printed.
/// It must exit 0 and print exactly one non-empty line (the CLI keeps all of stdout).
pub fn info(binary: &Path) -> Result<String> {
    let output = Command::new(binary)
        .args([COMMAND, "--info"])
        .stdin(Stdio::null())
        .output()
        .context(|| format!("running {} {COMMAND} --info", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let shown = || format!("`{} {COMMAND} --info`", binary.display());
    if !output.status.success() {
        return Err(Error::new(format!(
            "{} exited with {}",
            shown(),
            output.status
        )));
    }
    match stdout.strip_suffix('\n') {
        Some(line) if !line.trim().is_empty() && !line.contains('\n') => Ok(line.to_string()),
        _ => Err(Error::new(format!(
            "{} must print one non-empty line, printed {stdout:?}",
            shown()
        ))),
    }
}

/// Checks `plugin.toml` as the DC/OS CLI reads it: `name`, and one `[[commands]]` entry whose
/// `path` is the archived binary and whose `description` is `info` (the `--info` line).
pub fn check_plugin_toml(text: &str, info: &str) -> Result<()> {
    let doc: toml::Table = toml::from_str(text).context(|| "parsing plugin.toml".to_string())?;
    let bad = |what: String| Err(Error::new(format!("plugin.toml: {what}")));
    if doc.get("name").and_then(|v| v.as_str()) != Some(PLUGIN_NAME) {
        return bad(format!("`name` must be \"{PLUGIN_NAME}\""));
    }
    let commands = match doc.get("commands").and_then(|v| v.as_array()) {
        Some(commands) if commands.len() == 1 => commands,
        _ => return bad("needs exactly one [[commands]] entry".to_string()),
    };
    let command = &commands[0];
    let field = |key: &str| command.get(key).and_then(|v| v.as_str());
    if field("name") != Some(COMMAND) {
        return bad(format!("[[commands]] `name` must be \"{COMMAND}\""));
    }
    if field("path") != Some(ENTRY_BINARY) {
        return bad(format!("[[commands]] `path` must be \"{ENTRY_BINARY}\""));
    }
    match field("description") {
        Some(d) if d == info => Ok(()),
        Some(d) => bad(format!(
            "[[commands]] `description` {d:?} differs from `{COMMAND} --info` {info:?}"
        )),
        None => bad("[[commands]] needs a `description`".to_string()),
    }
}

/// Writes the plugin zip to `out`, through a temporary file next to it (named after this
/// process, so concurrent writers of the same zip each rename a whole file into place).
pub fn write_zip(out: &Path, binary: &Path, plugin_toml: &str, completion: &str) -> Result<()> {
    let tmp = out.with_extension(format!("zip.{}.tmp", std::process::id()));
    let written = write_entries(&tmp, binary, plugin_toml, completion)
        .context(|| format!("writing {}", tmp.display()))
        .and_then(|()| fs::rename(&tmp, out).context(|| format!("renaming to {}", out.display())));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

fn write_entries(
    path: &Path,
    binary: &Path,
    plugin_toml: &str,
    completion: &str,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let options = |mode: u32| {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(mode)
    };
    let mut zip = ZipWriter::new(fs::File::create(path)?);
    zip.start_file(ENTRY_PLUGIN_TOML, options(FILE_MODE))?;
    zip.write_all(plugin_toml.as_bytes())?;
    zip.start_file(ENTRY_BINARY, options(BINARY_MODE))?;
    let mut exe = fs::File::open(binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    io::copy(&mut exe, &mut zip)?;
    zip.start_file(ENTRY_COMPLETION, options(FILE_MODE))?;
    zip.write_all(completion.as_bytes())?;
    zip.finish()?.sync_all()?;
    Ok(())
}

/// The whole task: checks that `completions/` is current, builds the release binary (unless
/// `binary` is given), checks `plugin.toml` against it, and writes the zip into the target
/// directory. Returns the zip's path.
pub fn run(root: &Path, binary: Option<PathBuf>) -> Result<PathBuf> {
    if cfg!(windows) {
        return Err(Error::new(
            "packaging on Windows is not supported yet: the binary would be bin/dcos-telemetry.exe \
             and plugin.toml's `path` would have to say so",
        ));
    }
    crate::generated::check(root)?;
    let metadata = crate::cargo::metadata(root)?;
    let binary = match binary {
        Some(binary) => binary,
        None => crate::cargo::build_plugin(root, &["--release"])?,
    };
    let info = info(&binary)?;
    let toml_path = root.join("plugin.toml");
    let plugin_toml =
        fs::read_to_string(&toml_path).context(|| format!("reading {}", toml_path.display()))?;
    check_plugin_toml(&plugin_toml, &info)?;
    let completion_path = root.join(crate::generated::DCOS_BASH);
    let completion = fs::read_to_string(&completion_path)
        .context(|| format!("reading {}", completion_path.display()))?;
    let name = archive_name(
        &metadata.version,
        std::env::consts::OS,
        std::env::consts::ARCH,
    )?;
    fs::create_dir_all(&metadata.target_dir)
        .context(|| format!("creating {}", metadata.target_dir.display()))?;
    let out = metadata.target_dir.join(name);
    write_zip(&out, &binary, &plugin_toml, &completion)?;
    Ok(out)
}
