//! The command line, as clap definitions only. Help text, completions and the man page all come
//! from these definitions.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// One line, used by `--info` and `plugin.toml`.
pub const DESCRIPTION: &str = "See, prove and control the telemetry your DC/OS cluster sends";

/// `dcos telemetry`
#[derive(Debug, Parser)]
#[command(
    name = "dcos-telemetry",
    version,
    about = DESCRIPTION,
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Cli {
    /// Options for every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options accepted by every subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Show this help
    #[arg(short = 'h', long, global = true, action = clap::ArgAction::SetTrue)]
    pub help: bool,
    /// Print the version
    #[arg(long, action = clap::ArgAction::SetTrue)]
    pub version: bool,
    /// Print a one-line description (used by the DC/OS CLI)
    #[arg(long, hide = true, action = clap::ArgAction::SetTrue)]
    pub info: bool,
    /// Log requests to stderr (-vv: with headers); never logs secrets
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Request timeout in seconds (0: none); default core.timeout, else 180
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Use this configured cluster (name or id) instead of the attached one
    #[arg(long, global = true, value_name = "NAME|ID")]
    pub cluster: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show whether telemetry is on for this cluster, what decides it, what runs, and why
    Status(StatusArgs),
}

/// The cluster telemetry states `--expect` can assert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExpectedState {
    /// dcos-signal is configured to send
    Enabled,
    /// nothing is sent: telemetry_enabled is 'false', or the version has no dcos-signal
    Disabled,
}

/// `dcos telemetry status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON (the schema is in the README)
    #[arg(long)]
    pub json: bool,
    /// Exit 3 when the cluster's telemetry state differs (1 when it cannot be determined)
    #[arg(long, value_name = "STATE")]
    pub expect: Option<ExpectedState>,
    /// Check every configured cluster concurrently, one row each
    #[arg(long)]
    pub all_clusters: bool,
}
