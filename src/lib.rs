//! `dcos telemetry`: see, prove and control what a DC/OS cluster's dcos-signal sends.
//!
//! Data flows one way: arguments → [`cluster`] → [`http`] → [`dcos`] readers → the
//! `dcos-telemetry-signal` crate (pure) → [`output`]. [`run`] is the one place where errors become
//! exit codes.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod cluster;
pub mod collect;
pub mod commands;
pub mod dcos;
pub mod delivery_log;
pub mod env;
pub mod error;
pub mod fsutil;
pub mod help;
pub mod http;
pub mod local_settings;
pub mod logging;
pub mod output;
pub mod secret;
pub mod segment_bodies;
pub mod signal_facts;
pub mod site_values;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command, DESCRIPTION};
use crate::env::Env;
use crate::error::{Error, Exit};

/// Runs the tool with the arguments after the program name; prints errors; returns the exit code.
pub fn run(args: Vec<OsString>, env: &Env) -> Exit {
    let mut verbose = logging::verbosity(0, env) > 0;
    let result = parse_and_run(args, env, &mut verbose);
    match result {
        Ok(exit) => exit,
        Err(err) => {
            let text = err.render(verbose);
            if !text.is_empty() {
                use std::io::Write;
                let _ = std::io::stderr().lock().write_all(text.as_bytes());
            }
            err.exit()
        }
    }
}

fn parse_and_run(args: Vec<OsString>, env: &Env, verbose: &mut bool) -> Result<Exit, Error> {
    let mut words = Vec::with_capacity(args.len());
    for arg in args {
        words.push(
            arg.into_string()
                .map_err(|bad| Error::usage(format!("argument {bad:?} is not valid UTF-8")))?,
        );
    }
    // The DC/OS CLI passes the command word first (contract §1.4).
    if words.first().map(String::as_str) == Some("telemetry") {
        words.remove(0);
    }
    let root = Cli::command();
    if words.as_slice() == ["--info"] {
        output::print(&format!("{DESCRIPTION}\n"))?;
        return Ok(Exit::Success);
    }
    if words.as_slice() == ["--version"] {
        output::print(&format!("dcos-telemetry {}\n", env!("CARGO_PKG_VERSION")))?;
        return Ok(Exit::Success);
    }
    let wants_help = words.is_empty()
        || words.first().map(String::as_str) == Some("help")
        || words
            .iter()
            .take_while(|w| *w != "--")
            .any(|w| w == "-h" || w == "--help");
    if wants_help {
        let rest = if words.first().map(String::as_str) == Some("help") {
            &words[1..]
        } else {
            &words[..]
        };
        let mut built = root.clone();
        built.build();
        let (path, cmd) = help::target(&built, rest);
        output::print(&help::render(cmd, &path))?;
        return Ok(Exit::Success);
    }
    let mut built = root.clone();
    built.build();
    let help_path = help::target(&built, &words).0.join(" ");
    let to_usage = |e| usage_error(e, &help_path);
    let matches = root
        .try_get_matches_from(std::iter::once("dcos telemetry".to_string()).chain(words))
        .map_err(to_usage)?;
    let cli = Cli::from_arg_matches(&matches).map_err(to_usage)?;
    let verbosity = logging::verbosity(cli.global.verbose, env);
    *verbose = verbosity > 0;
    logging::init(verbosity);
    if let Some(cap) = env
        .non_empty("DCOS_TELEMETRY_MAX_BODY_BYTES")
        .and_then(|v| v.trim().parse().ok())
    {
        http::limit_bodies(cap);
    }
    let ctx = commands::Context::new(env.clone(), &cli.global, verbosity);
    match cli.command {
        Some(Command::Status(args)) => commands::status::run(&ctx, &args),
        Some(Command::ShowPayload(args)) => commands::show_payload::run(&ctx, &args),
        Some(Command::OptOut(args)) => commands::opt_out::run(&ctx, &args),
        Some(Command::Auth(args)) => commands::auth::run(&ctx, &args),
        Some(Command::Send(args)) => commands::send::run(&ctx, &args),
        None => {
            output::print(&help::render(&Cli::command(), &[]))?;
            Ok(Exit::Success)
        }
    }
}

/// Turns a clap error into `Error: …` with hints, exit 2.
fn usage_error(err: clap::Error, path: &str) -> Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let message = match err.kind() {
        ErrorKind::InvalidSubcommand => match err.get(ContextKind::InvalidSubcommand) {
            Some(ContextValue::String(name)) => format!("unknown command {name}"),
            _ => "unknown command".to_string(),
        },
        _ => {
            let rendered = err.render().to_string();
            rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string()
        }
    };
    let mut error = Error::usage(message);
    for kind in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        match err.get(kind) {
            Some(ContextValue::Strings(similar)) => {
                error = error.hint(format!("did you mean {}?", similar.join(" or ")));
            }
            Some(ContextValue::String(similar)) => {
                error = error.hint(format!("did you mean {similar}?"));
            }
            _ => {}
        }
    }
    if let Some(ContextValue::Strings(valid)) = err.get(ContextKind::ValidValue) {
        error = error.hint(format!("possible values: {}", valid.join(", ")));
    }
    let command = if path.is_empty() {
        help::PROGRAM.to_string()
    } else {
        format!("{} {path}", help::PROGRAM)
    };
    error.hint(format!("see `{command} --help`"))
}
