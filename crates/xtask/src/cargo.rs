//! Running cargo: building the plugin binary and finding the target directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{Context, Error, Result};

/// The plugin's package and binary name.
pub const PACKAGE: &str = "dcos-telemetry";

/// The cargo that runs this process (cargo sets `CARGO`), else `cargo` from `PATH`.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Builds the plugin binary with `extra_args` (e.g. `["--release"]`) and returns its path, as
/// cargo reports it (so `CARGO_TARGET_DIR`, `--target-dir` and profiles are honoured).
/// Cargo's progress and diagnostics go to this process's stderr.
pub fn build_plugin(root: &Path, extra_args: &[&str]) -> Result<PathBuf> {
    let mut cmd = cargo();
    cmd.current_dir(root)
        .args(["build", "-p", PACKAGE, "--bin", PACKAGE])
        .arg("--message-format=json-render-diagnostics")
        .args(extra_args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    let shown = format!(
        "cargo build -p {PACKAGE} --bin {PACKAGE} {}",
        extra_args.join(" ")
    );
    let output = cmd.output().context(|| format!("running {shown}"))?;
    if !output.status.success() {
        return Err(Error::new(format!("{shown} failed ({})", output.status)));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    executable_from_messages(&stdout)
        .ok_or_else(|| Error::new(format!("{shown} reported no executable for {PACKAGE}")))
}

/// Finds the plugin executable in cargo's JSON messages (one per line).
pub fn executable_from_messages(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == PACKAGE)
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

/// What `cargo metadata` says about the workspace.
#[derive(Clone, Debug)]
pub struct Metadata {
    /// The target directory, as cargo resolves it (`CARGO_TARGET_DIR`, config, default).
    pub target_dir: PathBuf,
    /// The plugin package's version.
    pub version: String,
}

/// Runs `cargo metadata` for the workspace at `root`.
pub fn metadata(root: &Path) -> Result<Metadata> {
    let output = cargo()
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context(|| "running cargo metadata".to_string())?;
    if !output.status.success() {
        return Err(Error::new(format!(
            "cargo metadata failed ({})",
            output.status
        )));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context(|| "reading cargo metadata".to_string())?;
    let target_dir = metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| Error::new("cargo metadata has no target_directory"))?;
    let version = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == PACKAGE)
        .and_then(|p| p["version"].as_str())
        .map(str::to_string)
        .ok_or_else(|| Error::new(format!("cargo metadata does not list {PACKAGE}")))?;
    Ok(Metadata {
        target_dir,
        version,
    })
}
