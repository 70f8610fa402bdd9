//! `dcos telemetry opt-out`: turn telemetry off the supported way (the installer's config.yaml),
//! verify it on the live cluster, and stop local sending meanwhile. It never sends anything.

use std::path::{Path, PathBuf};

use clap::Args;
use dcos_installer_config::{ChangeKind, Plan, plan_opt_out, unified_diff};
use serde::Serialize;

use crate::cluster::{Cluster, Origin};
use crate::commands::Context;
use crate::commands::status::{self, State};
use crate::error::{Error, Exit, Result};
use crate::local_settings::{self, Method, Outcome};
use crate::output;

/// `dcos telemetry opt-out`
#[derive(Debug, Args)]
pub struct OptOutArgs {
    /// Set telemetry_enabled: 'false' in this installer config.yaml (genconf/config.yaml)
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print the change to config.yaml as a unified diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not keep config.yaml.bak with the previous content
    #[arg(long)]
    pub no_backup: bool,
    /// Only check the live cluster: exit 0 when telemetry is off, 3 while it is still on
    #[arg(long, conflicts_with_all = ["config", "dry_run", "undo"])]
    pub verify: bool,
    /// Remove the local opt-out (the installer config and the cluster are not touched)
    #[arg(long, conflicts_with_all = ["config", "dry_run"])]
    pub undo: bool,
    /// Print JSON (the schema is in the README)
    #[arg(long)]
    pub json: bool,
}

/// Version of the JSON document below.
pub const SCHEMA_VERSION: u32 = 1;

/// What `opt-out` did and what is left: the data behind the text and `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Schema version.
    pub schema_version: u32,
    /// The installer config edit, when `--config` was given.
    pub config: Option<ConfigResult>,
    /// The local opt-out.
    pub local: LocalResult,
    /// The cluster's state, when a cluster is configured.
    pub cluster: Option<ClusterResult>,
    /// Steps still needed, in order.
    pub left_to_do: Vec<String>,
}

/// The config.yaml edit.
#[derive(Clone, Debug, Serialize)]
pub struct ConfigResult {
    /// The file.
    pub path: PathBuf,
    /// `changed`, `unchanged` or `would-change` (dry run).
    pub result: &'static str,
    /// 1-based line of `telemetry_enabled`.
    pub line: Option<usize>,
    /// The value before (`null` when the key was added).
    pub old_value: Option<String>,
    /// The value now.
    pub new_value: String,
    /// The backup of the previous content.
    pub backup: Option<PathBuf>,
    /// The unified diff (dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// The local opt-out.
#[derive(Clone, Debug, Serialize)]
pub struct LocalResult {
    /// `recorded`, `already-recorded`, `removed`, `not-recorded`, `would-record` or `skipped`.
    pub result: &'static str,
    /// Where it lives.
    pub location: Option<String>,
    /// Why it was skipped, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The live cluster.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterResult {
    /// Base URL.
    pub url: String,
    /// `cluster.name`.
    pub name: Option<String>,
    /// DC/OS version.
    pub version: Option<String>,
    /// `enabled`, `disabled` or `unknown`.
    pub telemetry: State,
    /// Why it could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Runs `opt-out`.
pub fn run(ctx: &Context, args: &OptOutArgs) -> Result<Exit> {
    if args.verify {
        return verify(ctx, args);
    }
    // 1. The installer config: planned (and checked) before anything else is touched.
    let config = match &args.config {
        Some(path) => Some(edit_config(path, args.dry_run, !args.no_backup)?),
        None => None,
    };
    if config.is_none() && args.dry_run {
        return Err(Error::usage(
            "--dry-run shows the change to a config.yaml: pass --config <PATH>",
        ));
    }

    // 2. The cluster, when one is configured. Without one (a fresh install), only the file matters.
    let cluster = match ctx.cluster() {
        Ok(cluster) => Some(cluster),
        Err(err) if args.config.is_some() && !args.undo => {
            log::info!("no cluster: {}", err.message());
            None
        }
        Err(err) => return Err(err),
    };

    // 3. The local opt-out.
    let local = match &cluster {
        None => LocalResult {
            result: "skipped",
            location: None,
            note: Some("no cluster is configured on this machine".into()),
        },
        Some(c) => record_local(ctx, c, !args.undo, args.dry_run)?,
    };

    // 4. What the live cluster says, and what is left to do.
    let mut failed = None;
    let cluster_result = cluster.as_ref().map(|c| match status::check(ctx, c) {
        Ok(s) => ClusterResult {
            url: c.url.clone(),
            name: c.name.clone(),
            version: s.cluster.version.clone(),
            telemetry: s.telemetry,
            error: None,
        },
        Err(err) => {
            let result = ClusterResult {
                url: c.url.clone(),
                name: c.name.clone(),
                version: None,
                telemetry: State::Unknown,
                error: Some(err.message().to_string()),
            };
            failed = Some(err);
            result
        }
    });
    let left_to_do = if args.undo {
        Vec::new()
    } else {
        left_to_do(config.as_ref(), cluster_result.as_ref())
    };
    let report = Report {
        schema_version: SCHEMA_VERSION,
        config,
        local,
        cluster: cluster_result,
        left_to_do,
    };
    if args.json {
        output::print(&output::json(&report))?;
    } else {
        output::print(&render(&report))?;
    }
    match failed {
        Some(err) => Err(Error::with_exit(err.exit(), format!(
            "could not check the cluster: {}",
            err.message()
        ))
        .hint("the changes above were made; run `dcos telemetry opt-out --verify` once the cluster is reachable")),
        None => Ok(Exit::Success),
    }
}

fn verify(ctx: &Context, args: &OptOutArgs) -> Result<Exit> {
    let cluster = ctx.cluster()?;
    let status = status::check(ctx, &cluster)?;
    let result = ClusterResult {
        url: cluster.url.clone(),
        name: cluster.name.clone(),
        version: status.cluster.version.clone(),
        telemetry: status.telemetry,
        error: None,
    };
    if args.json {
        output::print(&output::json(&result))?;
    } else {
        let label = cluster.name.as_deref().unwrap_or(&cluster.url);
        let text = match status.telemetry {
            State::Disabled => format!("telemetry is off for {label}: {}", status.verdict),
            State::Enabled => format!(
                "telemetry is still on for {label}: its ui-config has tracking.enabled true (DC/OS {})",
                status.cluster.version.as_deref().unwrap_or("?")
            ),
            State::Unknown => format!("cannot tell whether telemetry is off for {label}"),
        };
        output::print(&format!("{text}\n"))?;
    }
    match status.telemetry {
        State::Disabled => Ok(Exit::Success),
        State::Enabled => Ok(Exit::Mismatch),
        State::Unknown => {
            let auth = status.unavailable.iter().any(|u| u.auth);
            let mut err = Error::with_exit(
                if auth { Exit::Auth } else { Exit::Error },
                format!("cannot tell whether telemetry is off on {}", cluster.url),
            );
            for u in &status.unavailable {
                err = err.hint(format!("{}: {}", u.what, u.why));
            }
            Err(err.hint("`dcos telemetry status` shows what could not be read"))
        }
    }
}

fn edit_config(path: &Path, dry_run: bool, backup: bool) -> Result<ConfigResult> {
    let original = std::fs::read(path).map_err(|e| {
        Error::new(format!("cannot read {}: {e}", path.display()))
            .hint("pass the installer's config.yaml (genconf/config.yaml on the bootstrap node)")
    })?;
    let plan = plan_opt_out(&original).map_err(|refusal| {
        let at = refusal
            .line
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default();
        Error::new(format!(
            "cannot safely edit {}{at}: {}",
            path.display(),
            refusal.reason
        ))
        .hint(refusal.hint.clone())
        .hint("the file was not changed")
    })?;
    match plan {
        Plan::AlreadyOptedOut(already) => Ok(ConfigResult {
            path: path.to_path_buf(),
            result: "unchanged",
            line: already.line,
            old_value: Some(already.value_text.clone()),
            new_value: already.value_text,
            backup: None,
            diff: None,
        }),
        Plan::Edit(edit) => {
            let label = path.display().to_string();
            if dry_run {
                return Ok(ConfigResult {
                    path: path.to_path_buf(),
                    result: "would-change",
                    line: Some(edit.change.line),
                    old_value: edit.change.old_value.clone(),
                    new_value: edit.change.new_value.clone(),
                    backup: None,
                    diff: Some(unified_diff(&label, &original, &edit.new_bytes)),
                });
            }
            let written = dcos_installer_config::write_atomically(path, &edit.new_bytes, backup)
                .map_err(|e| {
                    Error::new(format!("cannot write {}: {e}", path.display()))
                        .hint("the file was not changed")
                })?;
            Ok(ConfigResult {
                path: path.to_path_buf(),
                result: "changed",
                line: Some(edit.change.line),
                old_value: match edit.change.kind {
                    ChangeKind::Added => None,
                    ChangeKind::Rewritten => edit.change.old_value.clone(),
                },
                new_value: edit.change.new_value.clone(),
                backup: written.backup,
                diff: None,
            })
        }
    }
}

fn record_local(ctx: &Context, cluster: &Cluster, on: bool, dry_run: bool) -> Result<LocalResult> {
    let dir = match &cluster.dir {
        Some(dir) => dir.clone(),
        None => {
            return Ok(LocalResult {
                result: "skipped",
                location: None,
                note: Some(
                    "this cluster has no folder in the DC/OS CLI configuration (set up with `dcos cluster setup` to keep a local opt-out)".into(),
                ),
            });
        }
    };
    let toml = dir.join("dcos.toml");
    if dry_run {
        return Ok(LocalResult {
            result: "would-record",
            location: Some(format!(
                "[telemetry] {} in {}",
                local_settings::OPT_OUT,
                toml.display()
            )),
            note: None,
        });
    }
    let plugin_mode = cluster.origin == Origin::PluginEnv;
    let outcome = local_settings::set(
        &ctx.env,
        &dir,
        local_settings::OPT_OUT,
        on.then_some("true"),
        plugin_mode,
    )?;
    let location = match &outcome {
        Outcome::Changed(Method::DcosCli(_)) | Outcome::Unchanged(_) => {
            format!(
                "[telemetry] {} in {}",
                local_settings::OPT_OUT,
                toml.display()
            )
        }
        Outcome::Changed(method) => {
            format!(
                "[telemetry] {} {}",
                local_settings::OPT_OUT,
                method.describe()
            )
        }
    };
    let result = match (&outcome, on) {
        (Outcome::Changed(_), true) => "recorded",
        (Outcome::Unchanged(_), true) => "already-recorded",
        (Outcome::Changed(_), false) => "removed",
        (Outcome::Unchanged(_), false) => "not-recorded",
    };
    let mut note = None;
    if !on
        && let Some(s) = cluster.settings.get(local_settings::OPT_OUT)
        && matches!(s.source, crate::cluster::SettingSource::Env(_))
        && !plugin_mode
    {
        note = Some(format!("{} still opts out for this shell", s.source));
    }
    Ok(LocalResult {
        result,
        location: Some(location),
        note,
    })
}

fn left_to_do(config: Option<&ConfigResult>, cluster: Option<&ClusterResult>) -> Vec<String> {
    let mut steps = Vec::new();
    let enabled = cluster.map(|c| c.telemetry);
    if enabled == Some(State::Disabled) {
        return steps;
    }
    let edited = config.map(|c| c.path.display().to_string());
    match &edited {
        None => steps.push(
            "set telemetry_enabled: 'false' in the installer's genconf/config.yaml on the bootstrap node (`dcos telemetry opt-out --config genconf/config.yaml`)".to_string(),
        ),
        Some(path) if config.is_some_and(|c| c.result == "would-change") => {
            steps.push(format!("apply the change: run again without --dry-run to edit {path}"));
        }
        Some(_) => {}
    }
    match cluster {
        Some(c) if c.telemetry == State::Enabled || c.telemetry == State::Unknown => {
            let version = c
                .version
                .clone()
                .unwrap_or_else(|| "<installed version>".into());
            steps.push(format!(
                "on the bootstrap node, with that config.yaml in genconf/: bash dcos_generate_config.sh --generate-node-upgrade-script {version}"
            ));
            steps.push(
                "run the node upgrade script it prints on every master, then on every agent".into(),
            );
            steps.push(
                "then check: dcos telemetry opt-out --verify (exits 0 once telemetry is off)"
                    .into(),
            );
        }
        None if edited.is_some() => {
            steps.push("install (or upgrade) the cluster with this config.yaml".into());
        }
        _ => {}
    }
    steps
}

fn render(r: &Report) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(c) = &r.config {
        let at = c.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        let text = match c.result {
            "changed" => {
                let was = match &c.old_value {
                    Some(v) if !v.is_empty() => format!(", was {v}"),
                    Some(_) => ", was empty".to_string(),
                    None => ", added".to_string(),
                };
                let backup = c
                    .backup
                    .as_ref()
                    .map(|b| format!("; backup {}", b.display()))
                    .unwrap_or_default();
                format!(
                    "{}: telemetry_enabled set to {}{at}{was}{backup}",
                    c.path.display(),
                    c.new_value
                )
            }
            "unchanged" => format!(
                "{}: already opted out, telemetry_enabled: {}{}; nothing changed",
                c.path.display(),
                c.new_value,
                c.line.map(|l| format!(" on line {l}")).unwrap_or_default()
            ),
            _ => format!(
                "{}: would set telemetry_enabled to {}{at}; nothing written (dry run)",
                c.path.display(),
                c.new_value
            ),
        };
        rows.push(("CONFIG", text));
    }
    let local = match (r.local.result, &r.local.location) {
        ("recorded", Some(at)) => {
            format!("opt-out recorded: {at}; `dcos telemetry send` refuses for this cluster")
        }
        ("already-recorded", Some(at)) => format!("opt-out already recorded: {at}"),
        ("removed", Some(at)) => {
            format!("opt-out removed: {at}; `dcos telemetry send` may post again")
        }
        ("not-recorded", _) => "no local opt-out was recorded; nothing changed".to_string(),
        ("would-record", Some(at)) => format!("would record the opt-out: {at} (dry run)"),
        _ => format!("skipped: {}", r.local.note.clone().unwrap_or_default()),
    };
    let local = match (&r.local.note, r.local.result) {
        (Some(note), "removed") => format!("{local} ({note})"),
        _ => local,
    };
    rows.push(("LOCAL", local));
    if let Some(c) = &r.cluster {
        let label = c.name.clone().unwrap_or_else(|| c.url.clone());
        let text = match (c.telemetry, &c.error) {
            (_, Some(err)) => format!("{label}: cannot read its state ({err})"),
            (State::Disabled, _) => format!("{label}: telemetry is off"),
            (State::Enabled, _) => format!(
                "{label}: telemetry is still on (DC/OS {})",
                c.version.as_deref().unwrap_or("?")
            ),
            (State::Unknown, _) => format!("{label}: telemetry state unknown"),
        };
        rows.push(("CLUSTER", text));
    }
    let mut out = output::key_values(&rows);
    if let Some(diff) = r.config.as_ref().and_then(|c| c.diff.as_ref()) {
        out.push('\n');
        out.push_str(diff);
        if !diff.ends_with('\n') {
            out.push('\n');
        }
    }
    if !r.left_to_do.is_empty() {
        out.push_str("\nLeft to do:\n");
        for (i, step) in r.left_to_do.iter().enumerate() {
            out.push_str(&format!("  {}. {step}\n", i + 1));
        }
    }
    out
}
