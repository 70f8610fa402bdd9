//! `cargo xtask <task>`: see `crates/xtask/README.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Project automation for dcos-telemetry.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
enum Task {
    /// Regenerate completions/ (DC/OS, bash, zsh and fish completion, man page) from the clap
    /// definition
    Completions {
        /// Write nothing; fail if a file is out of date
        #[arg(long)]
        check: bool,
    },
    /// Build the release binary and package it as target/dcos-telemetry-<version>-<os>-<arch>.zip
    Dist {
        /// Package this binary instead of building one
        #[arg(long, value_name = "PATH")]
        binary: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Task::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(task: Task) -> xtask::Result<()> {
    let root = xtask::workspace_root();
    match task {
        Task::Completions { check: true } => {
            xtask::generated::check(&root)?;
            eprintln!("completions/ is up to date");
        }
        Task::Completions { check: false } => {
            let changed = xtask::generated::write_all(&root)?;
            if changed.is_empty() {
                eprintln!("completions/ is up to date");
            }
            for path in changed {
                eprintln!("wrote {path}");
            }
        }
        Task::Dist { binary } => {
            let zip = xtask::dist::run(&root, binary)?;
            let size = std::fs::metadata(&zip).map(|m| m.len()).unwrap_or(0);
            eprintln!("packaged {} ({size} bytes)", zip.display());
            println!("{}", zip.display());
        }
    }
    Ok(())
}
