//! Project automation for `dcos-telemetry`, run as `cargo xtask <task>` (see `README.md`).
//!
//! Everything generated here comes from the plugin's clap definition,
//! [`dcos_telemetry::cli::Cli`], so a new subcommand or flag shows up in the completions, the man
//! page and the plugin zip without touching this crate.

pub mod cargo;
pub mod dcos_bash;
pub mod dist;
pub mod generated;
pub mod man;
pub mod model;
pub mod standalone;
pub mod view;

use std::fmt;
use std::path::{Path, PathBuf};

/// An error with the whole story in its message; `main` prints it after `error: `.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The result of every task.
pub type Result<T> = std::result::Result<T, Error>;

/// Adds what was being done to a lower-level error.
pub trait Context<T> {
    /// Prefixes the error with `what` (e.g. "reading plugin.toml").
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error(format!("{}: {e}", what())))
    }
}

/// The workspace root (the directory holding the root `Cargo.toml` and `plugin.toml`).
pub fn workspace_root() -> PathBuf {
    // crates/xtask -> the workspace root; resolved when xtask is compiled, in this checkout.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask has two parents")
        .to_path_buf()
}
