//! The local opt-out: `opt_out = "true"` in the cluster's `[telemetry]` section, the DC/OS-native
//! place for a plugin's settings (the DC/OS CLI passes it back as `DCOS_TELEMETRY_OPT_OUT`). Written
//! with the DC/OS CLI itself when it runs us (`dcos config set`), else by editing `dcos.toml` in place,
//! keeping its comments and layout, atomically.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::env::Env;
use crate::error::{Error, Result};
use crate::fsutil;

/// The setting key.
pub const KEY: &str = "opt_out";

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

/// What a change of the local opt-out did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The value was written.
    Changed(Method),
    /// It already had that value.
    Unchanged(PathBuf),
}

/// Sets (`on = true`) or removes (`on = false`) the local opt-out of the cluster whose folder is
/// `cluster_dir`. In plugin mode (`DCOS_CLI_EXECUTABLE_PATH` set) the DC/OS CLI writes it.
pub fn set(env: &Env, cluster_dir: &Path, on: bool, plugin_mode: bool) -> Result<Outcome> {
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
            "cannot record the local opt-out: {} is not valid TOML ({})",
            path.display(),
            e.message()
        ))
        .hint("fix the file (the DC/OS CLI cannot read it either), then run the command again")
    })?;
    let current = doc.get("telemetry").and_then(|t| t.get(KEY)).and_then(|v| {
        v.as_str()
            .map(String::from)
            .or_else(|| v.as_bool().map(|b| b.to_string()))
    });
    let already = match (on, current.as_deref()) {
        (true, Some(v)) => v.eq_ignore_ascii_case("true"),
        (false, None) => true,
        _ => false,
    };
    if already {
        return Ok(Outcome::Unchanged(path));
    }
    if plugin_mode && let Some(dcos) = env.non_empty("DCOS_CLI_EXECUTABLE_PATH") {
        let dcos = PathBuf::from(dcos);
        let args: Vec<String> = if on {
            vec![
                "config".into(),
                "set".into(),
                format!("telemetry.{KEY}"),
                "true".into(),
            ]
        } else {
            vec!["config".into(), "unset".into(), format!("telemetry.{KEY}")]
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
    if on {
        let table = doc
            .entry("telemetry")
            .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
        let Some(table) = table.as_table_like_mut() else {
            return Err(Error::new(format!(
                "cannot record the local opt-out: `telemetry` in {} is not a table",
                path.display()
            )));
        };
        table.insert(KEY, toml_edit::value("true"));
    } else if let Some(table) = doc.get_mut("telemetry").and_then(|t| t.as_table_like_mut()) {
        table.remove(KEY);
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
        let out = set(&env, dir.path(), true, false).unwrap();
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
            set(&env, dir.path(), true, false).unwrap(),
            Outcome::Unchanged(dir.path().join("dcos.toml"))
        );
        set(&env, dir.path(), false, false).unwrap();
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
        set(&Env::default(), dir.path(), true, false).unwrap();
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
        let err = set(&Env::default(), dir.path(), true, false).unwrap_err();
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
