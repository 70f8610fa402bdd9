//! `-v`/`-vv` (or `DCOS_VERBOSITY`/`DCOS_LOG_LEVEL`, as the DC/OS CLI passes them): request logs on
//! stderr. Only this crate's records are printed: libraries below us never see the verbosity, so
//! none of their debug output (which could include headers) can leak a secret.

use std::io::Write;

use log::{Level, LevelFilter, Log, Metadata, Record};

use crate::env::Env;

struct StderrLogger {
    level: Level,
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level && metadata.target().starts_with("dcos_telemetry")
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let tag = match record.level() {
                Level::Error => "error",
                Level::Warn => "warn",
                Level::Info => "info",
                Level::Debug | Level::Trace => "debug",
            };
            let _ = writeln!(std::io::stderr().lock(), "[{tag}] {}", record.args());
        }
    }

    fn flush(&self) {}
}

/// The verbosity in effect: `-v` flags, else `DCOS_VERBOSITY`, else `DCOS_LOG_LEVEL`.
pub fn verbosity(flags: u8, env: &Env) -> u8 {
    if flags > 0 {
        return flags.min(2);
    }
    if let Some(v) = env
        .non_empty("DCOS_VERBOSITY")
        .and_then(|v| v.trim().parse::<u8>().ok())
    {
        return v.min(2);
    }
    match env
        .non_empty("DCOS_LOG_LEVEL")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("debug") => 2,
        Some("info") => 1,
        _ => 0,
    }
}

/// Installs the logger for `verbosity` (0: warnings only).
pub fn init(verbosity: u8) {
    let level = match verbosity {
        0 => Level::Warn,
        1 => Level::Info,
        _ => Level::Debug,
    };
    if log::set_boxed_logger(Box::new(StderrLogger { level })).is_ok() {
        log::set_max_level(match verbosity {
            0 => LevelFilter::Warn,
            1 => LevelFilter::Info,
            _ => LevelFilter::Debug,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_cli_environment() {
        let env = Env::from_pairs([("DCOS_VERBOSITY", "1"), ("DCOS_LOG_LEVEL", "debug")]);
        assert_eq!(verbosity(2, &env), 2);
        assert_eq!(verbosity(0, &env), 1);
        let env = Env::from_pairs([("DCOS_LOG_LEVEL", "debug")]);
        assert_eq!(verbosity(0, &env), 2);
        assert_eq!(verbosity(0, &Env::default()), 0);
        assert_eq!(verbosity(5, &Env::default()), 2);
    }
}
