//! A snapshot of the process environment, so resolution logic is pure and testable.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Environment variables and the few process facts resolution needs.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// The current working directory (relative `DCOS_DIR` values resolve against it).
    pub cwd: Option<PathBuf>,
    /// The path of the running executable (a plugin lives under `clusters/<id>/subcommands/`).
    pub exe: Option<PathBuf>,
}

impl Env {
    /// Takes the real process environment. Variables that are not valid UTF-8 are ignored.
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            cwd: std::env::current_dir().ok(),
            exe: std::env::current_exe().ok(),
        }
    }

    /// An environment made of the given variables (for tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cwd: None,
            exe: None,
        }
    }

    /// The value of a variable, if set (possibly empty).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// The value of a variable when it is set and not empty.
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }

    /// All variables whose name starts with `prefix`, in name order.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.vars
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The user's home directory (`$HOME`).
    pub fn home(&self) -> Option<PathBuf> {
        self.non_empty("HOME").map(PathBuf::from)
    }
}

/// Go's `strconv.ParseBool`, which the DC/OS CLI uses for `ssl_verify` and `DCOS_SSL_VERIFY`.
pub fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_iteration_is_bounded_and_ordered() {
        let env = Env::from_pairs([
            ("DCOS_TELEMETRY_B", "2"),
            ("DCOS_TELEMETRY_A", "1"),
            ("DCOS_TELEMETRZ", "x"),
            ("DCOS_URL", "u"),
        ]);
        let got: Vec<_> = env.with_prefix("DCOS_TELEMETRY_").collect();
        assert_eq!(
            got,
            vec![("DCOS_TELEMETRY_A", "1"), ("DCOS_TELEMETRY_B", "2")]
        );
    }

    #[test]
    fn go_bool_matches_strconv() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_go_bool(t), Some(true));
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_go_bool(f), Some(false));
        }
        assert_eq!(parse_go_bool("yes"), None);
        assert_eq!(parse_go_bool("/etc/ca.pem"), None);
    }
}
