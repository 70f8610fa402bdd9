//! The checked-in generated files under `completions/`, their regeneration and the staleness
//! check.

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::Node;
use crate::{Context, Error, Result};

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Path relative to the workspace root, with `/` separators.
    pub path: &'static str,
    /// The exact contents.
    pub contents: String,
}

/// Where the DC/OS completion script lives in the repository (the zip ships it elsewhere).
pub const DCOS_BASH: &str = "completions/dcos/telemetry.sh";
/// The standalone bash completion.
pub const BASH: &str = "completions/bash/dcos-telemetry.bash";
/// The standalone zsh completion.
pub const ZSH: &str = "completions/zsh/_dcos-telemetry";
/// The standalone fish completion.
pub const FISH: &str = "completions/fish/dcos-telemetry.fish";
/// The man page.
pub const MAN: &str = "completions/dcos-telemetry.1";

/// Every generated file, rendered in memory from the clap definition.
pub fn render_all() -> Result<Vec<File>> {
    Ok(vec![
        File {
            path: DCOS_BASH,
            contents: crate::dcos_bash::render(&Node::plugin())?,
        },
        File {
            path: BASH,
            contents: crate::standalone::bash()?,
        },
        File {
            path: ZSH,
            contents: crate::standalone::zsh(),
        },
        File {
            path: FISH,
            contents: crate::standalone::fish(),
        },
        File {
            path: MAN,
            contents: crate::man::render()?,
        },
    ])
}

/// Writes every generated file under `root`; returns the paths whose contents changed.
pub fn write_all(root: &Path) -> Result<Vec<&'static str>> {
    let mut changed = Vec::new();
    for file in render_all()? {
        if is_current(root, &file) {
            continue;
        }
        let path = root.join(file.path);
        let dir = path.parent().expect("generated files live in a directory");
        fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
        fs::write(&path, &file.contents).context(|| format!("writing {}", path.display()))?;
        changed.push(file.path);
    }
    Ok(changed)
}

/// The generated files under `root` that are missing or differ from a fresh rendering.
pub fn stale(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for file in render_all()? {
        if !is_current(root, &file) {
            out.push(PathBuf::from(file.path));
        }
    }
    Ok(out)
}

/// An error naming the stale generated files, if any (what `--check` and `dist` refuse on).
pub fn check(root: &Path) -> Result<()> {
    let stale = stale(root)?;
    if stale.is_empty() {
        Ok(())
    } else {
        Err(Error::new(stale_message(&stale)))
    }
}

/// Whether the file under `root` holds exactly the fresh rendering.
fn is_current(root: &Path, file: &File) -> bool {
    fs::read(root.join(file.path)).ok().as_deref() == Some(file.contents.as_bytes())
}

/// The message for stale files.
pub fn stale_message(stale: &[PathBuf]) -> String {
    let list: Vec<String> = stale.iter().map(|p| p.display().to_string()).collect();
    format!(
        "generated files are out of date with the clap definition: {}; run `cargo xtask completions` and commit the result",
        list.join(", ")
    )
}
