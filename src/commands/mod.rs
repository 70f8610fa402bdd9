//! One module per subcommand: each has an args struct (in `cli`) and a `run` function; the data they
//! produce is rendered as a table or as JSON from the same structs.

pub mod auth;
pub mod opt_out;
pub mod send;
pub mod show_payload;
pub mod status;

use crate::cli::GlobalArgs;
use crate::cluster::{Cluster, ResolveOptions};
use crate::env::Env;
use crate::error::Result;

/// What every subcommand gets: the environment and the global options.
#[derive(Clone, Debug)]
pub struct Context {
    /// The process environment snapshot.
    pub env: Env,
    /// Cluster selection and timeout from the command line.
    pub resolve: ResolveOptions,
    /// 0, 1 or 2.
    pub verbosity: u8,
}

impl Context {
    /// Builds the context from the parsed global options.
    pub fn new(env: Env, global: &GlobalArgs, verbosity: u8) -> Context {
        Context {
            env,
            resolve: ResolveOptions {
                cluster: global.cluster.clone(),
                timeout: global.timeout,
            },
            verbosity,
        }
    }

    /// The cluster to talk to.
    pub fn cluster(&self) -> Result<Cluster> {
        Cluster::resolve(&self.env, &self.resolve)
    }

    /// Whether `DO_NOT_TRACK` asks for no telemetry (any value but empty, `0` or `false`).
    pub fn do_not_track(&self) -> bool {
        self.env
            .non_empty("DO_NOT_TRACK")
            .map(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false" | "no"))
            .unwrap_or(false)
    }
}
