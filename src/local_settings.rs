//! This plugin's settings in the cluster's `[telemetry]` section, the DC/OS-native place for them
//! (the DC/OS CLI passes them back as `DCOS_TELEMETRY_<KEY>`): the local opt-out (`opt_out`), the
//! uid and key path `auth login` records. Written with the DC/OS CLI itself when it runs us
//! (`dcos config set`), else by editing `dcos.toml` in place, keeping its comments and layout,
//! atomically. Never holds a secret.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::env::Env;
use crate::error::{Error, Result};
use crate::fsutil;

/// The local opt-out's key.
pub const OPT_OUT: &str = "opt_out";

/// How the setting was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// `dcos config set telemetry.opt_out true` through the DC/OS CLI.
    DcosCli(PathBuf),
    /// `dcos.toml` edited in place.
    File(PathBuf),
}

impl Method {
    /// How, in words.
    pub fn describe(&self) -> String {
        match self {
            Method::DcosCli(_) => "with `dcos config set`".to_string(),
            Method::File(path) => format!("in {}", path.display()),
        }
    }
}

/// What a change of a setting did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The value was written.
    Changed(Method),
    /// It already had that value.
    Unchanged(PathBuf),
}

/// Sets (`Some`) or removes (`None`) the setting `key` of the cluster whose folder is
/// `cluster_dir`. In plugin mode (`DCOS_CLI_EXECUTABLE_PATH` set) the DC/OS CLI writes it.
pub fn set(
    env: &Env,
    cluster_dir: &Path,
    key: &str,
    value: Option<&str>,
    plugin_mode: bool,
) -> Result<Outcome> {
    let path = cluster_dir.join("dcos.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::new(format!("cannot read {}: {e}", path.display())));
        }
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Error::new(format!(
            "cannot record `{key}` in {}: it is not valid TOML ({})",
            path.display(),
            e.message()
        ))
        .hint("fix the file (the DC/OS CLI cannot read it either), then run the command again")
    })?;
    let current = doc.get("telemetry").and_then(|t| t.get(key)).and_then(|v| {
        v.as_str()
            .map(String::from)
            .or_else(|| v.as_bool().map(|b| b.to_string()))
    });
    let already = match (value, current.as_deref()) {
        (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
        (None, None) => true,
        _ => false,
    };
    if already {
        return Ok(Outcome::Unchanged(path));
    }
    if plugin_mode && let Some(dcos) = env.non_empty("DCOS_CLI_EXECUTABLE_PATH") {
        let dcos = PathBuf::from(dcos);
        let args: Vec<String> = match value {
            Some(v) => vec![
                "config".into(),
                "set".into(),
                format!("telemetry.{key}"),
                v.into(),
            ],
            None => vec!["config".into(), "unset".into(), format!("telemetry.{key}")],
        };
        let output = Command::new(&dcos)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                Error::new(format!(
                    "cannot run the DC/OS CLI at {}: {e}",
                    dcos.display()
                ))
                .hint("DCOS_CLI_EXECUTABLE_PATH names the dcos binary that started this plugin")
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(Error::new(format!(
                "`dcos {}` failed: {}",
                args.join(" "),
                stderr.lines().next().unwrap_or("no message").trim()
            )));
        }
        return Ok(Outcome::Changed(Method::DcosCli(dcos)));
    }
    if let Some(value) = value {
        let table = doc
            .entry("telemetry")
            .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
        let Some(table) = table.as_table_like_mut() else {
            return Err(Error::new(format!(
                "cannot record `{key}`: `telemetry` in {} is not a table",
                path.display()
            )));
        };
        table.insert(key, toml_edit::value(value));
    } else if let Some(table) = doc.get_mut("telemetry").and_then(|t| t.as_table_like_mut()) {
        table.remove(key);
        if table.is_empty() {
            doc.remove("telemetry");
        }
    }
    fsutil::create_private_dir(cluster_dir)
        .and_then(|()| {
            fsutil::write_atomically(&path, doc.to_string().as_bytes(), fsutil::PRIVATE_FILE)
        })
        .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
    Ok(Outcome::Changed(Method::File(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_and_removes_keeping_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let original = "# my cluster\n[core]\ndcos_url = \"https://x\"  # prod\ntimeout = 180\n\n[cluster]\nname = \"prod\"\n";
        std::fs::write(dir.path().join("dcos.toml"), original).unwrap();
        let env = Env::default();
        let out = set(&env, dir.path(), OPT_OUT, Some("true"), false).unwrap();
        assert_eq!(
            out,
            Outcome::Changed(Method::File(dir.path().join("dcos.toml")))
        );
        let text = std::fs::read_to_string(dir.path().join("dcos.toml")).unwrap();
        assert_eq!(
            text,
            format!("{original}\n[telemetry]\nopt_out = \"true\"\n")
        );
        assert_eq!(
            set(&env, dir.path(), OPT_OUT, Some("true"), false).unwrap(),
            Outcome::Unchanged(dir.path().join("dcos.toml"))
        );
        set(&env, dir.path(), OPT_OUT, None, false).unwrap();
        // Undo restores the file byte for byte.
        let text = std::fs::read_to_string(dir.path().join("dcos.toml")).unwrap();
        assert_eq!(text, original);
    }

    #[test]
    fn existing_telemetry_table_is_extended() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("dcos.toml"),
            "[telemetry]\nendpoint = \"https://c\"\n",
        )
        .unwrap();
        set(&Env::default(), dir.path(), OPT_OUT, Some("true"), false).unwrap();
        let text = std::fs::read_to_string(dir.path().join("dcos.toml")).unwrap();
        assert_eq!(
            text,
            "[telemetry]\nendpoint = \"https://c\"\nopt_out = \"true\"\n"
        );
    }

    #[test]
    fn invalid_toml_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dcos.toml"), "[core\n").unwrap();
        let err = set(&Env::default(), dir.path(), OPT_OUT, Some("true"), false).unwrap_err();
        assert!(
            err.message().contains("is not valid TOML"),
            "{}",
            err.message()
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("dcos.toml")).unwrap(),
            "[core\n"
        );
    }
}
