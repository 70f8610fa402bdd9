//! The command line, as clap definitions only. Help text, completions and the man page all come
//! from these definitions.

use std::path::PathBuf;

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
    /// Print exactly what the cluster's dcos-signal sends, byte for byte, without sending anything
    ShowPayload(Box<ShowPayloadArgs>),
    /// Turn telemetry off the supported way (the installer config.yaml), verify it, and stop local sending
    OptOut(crate::commands::opt_out::OptOutArgs),
    /// Log in, log out, and show where the token comes from
    Auth(crate::commands::auth::AuthArgs),
    /// Send the cluster's telemetry now, to Segment or your own collector, exactly as show-payload --segment shows it
    Send(Box<crate::commands::send::SendArgs>),
}

/// The events dcos-signal sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EventArg {
    /// unit health from dcos-diagnostics
    #[value(name = "health")]
    Health,
    /// installed packages from Cosmos
    #[value(name = "package_list")]
    PackageList,
    /// frameworks and resource use from Mesos
    #[value(name = "mesos_track")]
    MesosTrack,
}

/// Values no HTTP endpoint exposes (they default to an on-prem Open cluster's).
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The `platform` property (default: [telemetry] platform, else onprem)
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,
    /// The `provider` property (default: [telemetry] provider, else onprem)
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// The `customerKey` property (Enterprise)
    #[arg(long, value_name = "KEY")]
    pub customer_key: Option<String>,
    /// The `licenseId` property (Enterprise)
    #[arg(long, value_name = "ID")]
    pub license_id: Option<String>,
    /// Read platform, provider and customer key from a master's dcos-signal-config.json
    #[arg(long, value_name = "FILE")]
    pub signal_config: Option<PathBuf>,
    /// Read platform, provider and customer_key from the installer's config.yaml
    #[arg(long, value_name = "FILE")]
    pub installer_config: Option<PathBuf>,
}

/// Which payload to build (shared by show-payload and send).
#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// Only these events (repeat or comma-separate)
    #[arg(long, value_name = "EVENT", value_delimiter = ',')]
    pub event: Vec<EventArg>,
    /// Build the payload as this DC/OS version's dcos-signal would (default: the cluster's)
    #[arg(long, value_name = "VERSION")]
    pub as_version: Option<String>,
    /// Ask every node for a fresh health report (?cache=0, as dcos-signal does; can take a minute)
    #[arg(long)]
    pub fresh: bool,
    /// Build the health event from a saved health report (e.g. from a diagnostics bundle)
    #[arg(long, value_name = "FILE")]
    pub report_file: Option<PathBuf>,
    /// The cluster id to use with --report-file when no cluster is configured
    #[arg(long, value_name = "ID")]
    pub cluster_id: Option<String>,
    /// Identity values
    #[command(flatten)]
    pub site: SiteArgs,
}

/// `dcos telemetry show-payload`
#[derive(Debug, Args)]
pub struct ShowPayloadArgs {
    /// What to build
    #[command(flatten)]
    pub payload: PayloadArgs,
    /// Print the Segment /v1/batch bodies `send` would post (one per line) instead of dcos-signal's -test output
    #[arg(long)]
    pub segment: bool,
    /// Write to FILE (atomically) instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
