//! `dcos telemetry status`: is telemetry on for this cluster, what decides it, what runs, and why.

use std::thread;

use serde::Serialize;

use crate::cli::{ExpectedState, StatusArgs};
use crate::cluster::Cluster;
use crate::commands::Context;
use crate::dcos::signal_sources::join;
use crate::dcos::{health, metadata};
use crate::error::{Error, Exit, Result};
use crate::output;
use crate::signal_facts::{self, SignalFacts, Tristate};

/// Version of the JSON schema below (bumped on incompatible changes; documented in the README).
pub const SCHEMA_VERSION: u32 = 1;

/// The cluster's telemetry state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// dcos-signal is configured to send.
    Enabled,
    /// Nothing is sent: `telemetry_enabled` is `'false'`, or the release has no dcos-signal.
    Disabled,
    /// Could not be determined.
    Unknown,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Enabled => "enabled",
            State::Disabled => "disabled",
            State::Unknown => "unknown",
        }
    }
}

/// `status` for one cluster: the data behind both the table and `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct Status {
    /// Schema version of this document.
    pub schema_version: u32,
    /// Which cluster.
    pub cluster: ClusterInfo,
    /// What the cluster does.
    pub telemetry: State,
    /// One sentence: what leaves this cluster, and what decides it.
    pub verdict: String,
    /// What runs on the cluster, derived from its version.
    pub signal: SignalInfo,
    /// Whether the cluster's web UI carries Segment tracking code.
    pub ui_tracking_code: Tristate,
    /// What this machine allows `dcos telemetry send` to do.
    pub local: LocalInfo,
    /// The newest entry of this cluster's `dcos telemetry send` delivery log (`null`: none).
    pub last_delivery: Option<crate::delivery_log::Entry>,
    /// Every input that decided the answer, and what it means.
    pub reasons: Vec<Reason>,
    /// What could not be checked, and why.
    pub unavailable: Vec<Unavailable>,
    /// Set only in `--all-clusters` output, for a cluster that could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
}

/// Identity of the cluster.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ClusterInfo {
    /// `cluster.name` from the DC/OS CLI configuration.
    pub name: Option<String>,
    /// The cluster id.
    pub id: Option<String>,
    /// Base URL.
    pub url: String,
    /// DC/OS version.
    pub version: Option<String>,
    /// `open` or `enterprise`.
    pub variant: Option<String>,
}

/// dcos-signal on this cluster.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SignalInfo {
    /// Whether this release ships dcos-signal (`null`: version unknown).
    pub present: Option<bool>,
    /// The dcos-signal commit the release ships.
    pub release: Option<String>,
    /// How often its timer fires.
    pub schedule: Option<String>,
    /// The Segment events it sends.
    pub events: Vec<String>,
    /// Health of its systemd units, as dcos-diagnostics reports them.
    pub units: Vec<UnitState>,
}

/// Health of one dcos-signal unit.
#[derive(Clone, Debug, Serialize)]
pub struct UnitState {
    /// `dcos-signal.service` or `dcos-signal.timer`.
    pub unit: String,
    /// `healthy`, `unhealthy`, `unknown` or `absent`.
    pub health: String,
}

/// The local side: whether `send` may post from this machine.
#[derive(Clone, Debug, Serialize)]
pub struct LocalInfo {
    /// `dcos telemetry send` is allowed for this cluster.
    pub send_allowed: bool,
    /// The `[telemetry] opt_out` setting is true.
    pub opted_out: bool,
    /// `DO_NOT_TRACK` is set.
    pub do_not_track: bool,
}

/// One input and what it means.
#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    /// Where the value was read.
    pub source: String,
    /// Which setting.
    pub setting: String,
    /// Its value.
    pub value: String,
    /// What it means for telemetry.
    pub meaning: String,
}

/// Something that could not be checked.
#[derive(Clone, Debug, Serialize)]
pub struct Unavailable {
    /// What.
    pub what: String,
    /// Why.
    pub why: String,
    /// The cluster refused our credentials.
    #[serde(skip)]
    pub auth: bool,
}

impl Unavailable {
    fn from_error(what: String, err: &Error) -> Unavailable {
        Unavailable {
            what,
            why: err.message().to_string(),
            auth: err.exit() == Exit::Auth,
        }
    }
}

/// A failure to read one cluster (in `--all-clusters`).
#[derive(Clone, Debug, Serialize)]
pub struct ErrorInfo {
    /// The error message.
    pub message: String,
    /// Hints.
    pub hints: Vec<String>,
}

const SIGNAL_UNITS: [&str; 2] = ["dcos-signal.service", "dcos-signal.timer"];

/// Runs `status`.
pub fn run(ctx: &Context, args: &StatusArgs) -> Result<Exit> {
    if args.all_clusters {
        return run_all(ctx, args);
    }
    let cluster = ctx.cluster()?;
    let status = check(ctx, &cluster)?;
    if args.json {
        output::print(&output::json(&status))?;
    } else {
        output::print(&render(&status))?;
    }
    Ok(match args.expect {
        None => Exit::Success,
        Some(expected) => compare(&status, expected)?,
    })
}

fn compare(status: &Status, expected: ExpectedState) -> Result<Exit> {
    let want = match expected {
        ExpectedState::Enabled => State::Enabled,
        ExpectedState::Disabled => State::Disabled,
    };
    match status.telemetry {
        // The version was refused: exit 4, as `opt-out --verify` does for the same cause.
        State::Unknown if version_refused(status) => Err(Error::with_exit(
            Exit::Auth,
            format!(
                "cannot tell whether telemetry is {} on {}: the cluster refused the token",
                want.as_str(),
                status.cluster.url
            ),
        )
        .hint(LOGIN_AGAIN)),
        State::Unknown => Err(Error::new(format!(
            "cannot tell whether telemetry is {} on {}",
            want.as_str(),
            status.cluster.url
        ))
        .hint("see the reasons above; the cluster's ui-config or version could not be read")),
        got if got == want => Ok(Exit::Success),
        got => {
            output::notice(&format!(
                "telemetry is {} on {}, expected {}",
                got.as_str(),
                status
                    .cluster
                    .name
                    .as_deref()
                    .unwrap_or(&status.cluster.url),
                want.as_str()
            ));
            Ok(Exit::Mismatch)
        }
    }
}

fn run_all(ctx: &Context, args: &StatusArgs) -> Result<Exit> {
    let clusters = Cluster::resolve_all(&ctx.env, &ctx.resolve)?;
    let results: Vec<Result<Status>> = thread::scope(|scope| {
        let handles: Vec<_> = clusters
            .iter()
            .map(|c| {
                scope.spawn(move || c.as_ref().map_err(clone_error).and_then(|c| check(ctx, c)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::new("internal error while checking a cluster")))
            })
            .collect()
    });
    let mut statuses = Vec::with_capacity(results.len());
    let mut failed = false;
    for (cluster, result) in clusters.iter().zip(results) {
        match result {
            Ok(status) => statuses.push(status),
            Err(err) => {
                failed = true;
                let label = cluster
                    .as_ref()
                    .map(|c| c.label().to_string())
                    .unwrap_or_else(|_| "a configured cluster".to_string());
                output::warn(&format!("{label}: {}", err.message()));
                for hint in err.hints() {
                    output::notice(&format!("hint: {hint}"));
                }
                statuses.push(failed_status(cluster.as_ref().ok(), &err));
            }
        }
    }
    if args.json {
        output::print(&output::json(&statuses))?;
    } else {
        let rows: Vec<Vec<String>> = statuses
            .iter()
            .map(|s| {
                vec![
                    s.cluster.name.clone().unwrap_or_else(|| "-".into()),
                    s.cluster.id.clone().unwrap_or_else(|| "-".into()),
                    s.cluster.url.clone(),
                    s.cluster.version.clone().unwrap_or_else(|| "-".into()),
                    s.telemetry.as_str().to_string(),
                    if s.error.is_some() {
                        "-".to_string()
                    } else if s.local.send_allowed {
                        "send allowed".to_string()
                    } else {
                        "send refused".to_string()
                    },
                ]
            })
            .collect();
        output::print(&output::table(
            &["name", "id", "url", "version", "telemetry", "local"],
            &rows,
            &[],
        ))?;
    }
    if let Some(expected) = args.expect {
        let mut worst = Exit::Success;
        for status in &statuses {
            match compare(status, expected) {
                Err(_) => {
                    return Err(Error::new(
                        "the telemetry state of some clusters could not be determined",
                    )
                    .hint("see the warnings above"));
                }
                Ok(Exit::Mismatch) => worst = Exit::Mismatch,
                Ok(_) => {}
            }
        }
        return Ok(worst);
    }
    Ok(if failed { Exit::Error } else { Exit::Success })
}

fn clone_error(err: &Error) -> Error {
    let mut copy = Error::with_exit(err.exit(), err.message());
    for hint in err.hints() {
        copy = copy.hint(hint.clone());
    }
    copy
}

fn failed_status(cluster: Option<&Cluster>, err: &Error) -> Status {
    Status {
        schema_version: SCHEMA_VERSION,
        cluster: ClusterInfo {
            name: cluster.and_then(|c| c.name.clone()),
            id: cluster.and_then(|c| c.config_id.clone()),
            url: cluster.map(|c| c.url.clone()).unwrap_or_default(),
            version: None,
            variant: None,
        },
        telemetry: State::Unknown,
        verdict: format!("cannot tell: {}", err.message()),
        signal: SignalInfo::default(),
        ui_tracking_code: Tristate::Unknown,
        local: LocalInfo {
            send_allowed: false,
            opted_out: false,
            do_not_track: false,
        },
        last_delivery: None,
        reasons: Vec::new(),
        unavailable: Vec::new(),
        error: Some(ErrorInfo {
            message: err.message().to_string(),
            hints: err.hints().to_vec(),
        }),
    }
}

const LOGIN_AGAIN: &str =
    "see the reasons above; log in again with `dcos auth login` or `dcos telemetry auth login`";

/// Whether the cluster refused the token for the version document (so the state is unknown).
fn version_refused(status: &Status) -> bool {
    let label = version_label();
    status.unavailable.iter().any(|u| u.auth && u.what == label)
}

/// How the "not checked" list names the DC/OS version document.
fn version_label() -> String {
    format!("DC/OS version ({})", metadata::DCOS_VERSION)
}

/// Reads what the cluster exposes, concurrently, and derives the status.
pub fn check(ctx: &Context, cluster: &Cluster) -> Result<Status> {
    let http = crate::auth::connect(ctx, cluster)?.http;
    let has_token = http.has_token();
    let (ui, version, meta, units) = thread::scope(|scope| {
        let ui = scope.spawn(|| metadata::ui_config(&http));
        let version = scope.spawn(|| metadata::dcos_version(&http));
        let meta = has_token.then(|| scope.spawn(|| metadata::metadata(&http)));
        let units = has_token.then(|| scope.spawn(|| health::units(&http)));
        (join(ui), join(version), meta.map(join), units.map(join))
    });
    let ui = ui?;
    let mut reasons = Vec::new();
    let mut unavailable = Vec::new();

    let version = match version {
        Ok(v) => Some(v),
        Err(err) => {
            unavailable.push(Unavailable::from_error(version_label(), &err));
            None
        }
    };
    let facts: Option<SignalFacts> = version
        .as_ref()
        .map(|v| signal_facts::for_version(&v.version));

    let mut cluster_id = ui.cluster_id.clone();
    match meta {
        Some(Ok(m)) if cluster_id.is_none() => {
            cluster_id = m
                .cluster_id
                .map(|id| id.trim().to_string())
                .filter(|id| !id.is_empty());
        }
        Some(Ok(_)) => {}
        Some(Err(err)) if cluster_id.is_none() => unavailable.push(Unavailable::from_error(
            format!("cluster id ({})", metadata::METADATA),
            &err,
        )),
        // The id came from ui-config; still tell the operator the token was refused.
        Some(Err(err)) if err.exit() == Exit::Auth => unavailable.push(Unavailable::from_error(
            format!("token check ({})", metadata::METADATA),
            &err,
        )),
        Some(Err(_)) => {}
        None if cluster_id.is_none() => unavailable.push(Unavailable {
            what: format!("cluster id ({})", metadata::METADATA),
            why: "no token: log in with `dcos auth login` or set DCOS_ACS_TOKEN".into(),
            auth: false,
        }),
        None => {}
    }
    if cluster_id.is_none() {
        cluster_id = cluster.config_id.clone();
    }

    // The switch.
    let tracking = ui.tracking_enabled;
    reasons.push(Reason {
        source: format!("GET {}", metadata::UI_CONFIG),
        setting: "uiConfiguration.plugins.tracking.enabled".into(),
        value: match tracking {
            Some(v) => v.to_string(),
            None => "(absent)".into(),
        },
        meaning: match tracking {
            Some(true) => "the installer's telemetry_enabled is 'true' (its default when config.yaml does not set it)".into(),
            Some(false) => "the installer's telemetry_enabled is 'false': dcos-signal exits without sending".into(),
            None => "the cluster's ui-config does not say; the installer's telemetry_enabled cannot be read".into(),
        },
    });
    if let (Some(v), Some(f)) = (&version, &facts) {
        reasons.push(Reason {
            source: format!("GET {}", metadata::DCOS_VERSION),
            setting: "version".into(),
            value: v.version.clone(),
            meaning: f.explanation.clone(),
        });
    }

    // The units, when a token lets us see them.
    let mut unit_states = Vec::new();
    match units {
        Some(Ok(list)) => {
            for name in SIGNAL_UNITS {
                let health = match list.iter().find(|u| u.id == name) {
                    Some(u) if u.health == 0 => "healthy",
                    Some(u) if u.health == 1 => "unhealthy",
                    Some(_) => "unknown",
                    None => "absent",
                };
                unit_states.push(UnitState {
                    unit: name.to_string(),
                    health: health.to_string(),
                });
            }
            reasons.push(Reason {
                source: format!("GET {}", health::UNITS),
                setting: "dcos-signal.service, dcos-signal.timer".into(),
                value: unit_states
                    .iter()
                    .map(|u| u.health.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                meaning: unit_meaning(&unit_states, facts.as_ref()),
            });
        }
        Some(Err(err)) => unavailable.push(Unavailable::from_error(
            format!("dcos-signal unit health ({})", health::UNITS),
            &err,
        )),
        None => {
            unavailable.push(Unavailable {
                what: format!("dcos-signal unit health ({})", health::UNITS),
                why: "no token: log in with `dcos auth login` or set DCOS_ACS_TOKEN".into(),
                auth: false,
            });
        }
    }

    let telemetry = match (tracking, &facts) {
        (Some(false), _) => State::Disabled,
        (_, Some(f)) if f.has_signal == Tristate::Absent => State::Disabled,
        (Some(true), Some(f)) if f.has_signal == Tristate::Present => State::Enabled,
        _ => State::Unknown,
    };

    let ui_tracking_code = facts
        .as_ref()
        .map(|f| f.ui_tracking_code)
        .unwrap_or(Tristate::Unknown);
    if let Some(f) = &facts {
        reasons.push(Reason {
            source: "release notes (derived from the version)".into(),
            setting: "UI tracking plugin".into(),
            value: ui_tracking_code.as_str().into(),
            meaning: f.ui_explanation.clone(),
        });
    }

    // The local side.
    let opt_out = cluster.settings.get_bool("opt_out")?;
    let opted_out = opt_out.map(|(v, _)| v).unwrap_or(false);
    reasons.push(match opt_out {
        Some((value, setting)) => Reason {
            source: setting.source.to_string(),
            setting: "opt_out".into(),
            value: value.to_string(),
            meaning: if value {
                "local opt-out: `dcos telemetry send` refuses for this cluster".into()
            } else {
                "no local opt-out".into()
            },
        },
        None => Reason {
            source: "[telemetry] settings".into(),
            setting: "opt_out".into(),
            value: "(unset)".into(),
            meaning: "no local opt-out".into(),
        },
    });
    let do_not_track = ctx.do_not_track();
    reasons.push(Reason {
        source: "environment".into(),
        setting: "DO_NOT_TRACK".into(),
        value: match ctx.env.get("DO_NOT_TRACK") {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => "(unset)".into(),
        },
        meaning: if do_not_track {
            "`dcos telemetry send` refuses while it is set".into()
        } else {
            "no effect".into()
        },
    });
    for (key, setting) in cluster.settings.iter() {
        if !crate::cluster::settings::KNOWN_KEYS
            .iter()
            .any(|(k, _)| *k == key)
        {
            crate::output::warn(&format!(
                "unknown telemetry setting `{key}` ({}); known: {}",
                setting.source,
                crate::cluster::settings::KNOWN_KEYS
                    .iter()
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if unavailable.iter().any(|u| u.auth) {
        crate::output::warn(
            "the cluster rejected the token: some checks were skipped; log in again with `dcos auth login`",
        );
    }
    let send_allowed = !opted_out && !do_not_track;
    let verdict = verdict(
        telemetry,
        tracking,
        facts.as_ref(),
        version.as_ref().map(|v| v.version.as_str()),
        send_allowed,
        opted_out,
    );

    // The local delivery log of `dcos telemetry send`.
    let last_delivery =
        crate::delivery_log::location(&ctx.env, cluster.dir.as_deref(), cluster_id.as_deref())
            .and_then(|path| crate::delivery_log::last(&path));

    Ok(Status {
        schema_version: SCHEMA_VERSION,
        cluster: ClusterInfo {
            name: cluster.name.clone(),
            id: cluster_id,
            url: cluster.url.clone(),
            version: version.as_ref().map(|v| v.version.clone()),
            variant: version.as_ref().and_then(|v| v.variant.clone()),
        },
        telemetry,
        verdict,
        signal: SignalInfo {
            present: facts.as_ref().and_then(|f| f.has_signal.as_bool()),
            release: facts.as_ref().and_then(|f| f.release.clone()),
            schedule: facts.as_ref().and_then(|f| f.schedule.clone()),
            events: facts.as_ref().map(|f| f.events.clone()).unwrap_or_default(),
            units: unit_states,
        },
        ui_tracking_code,
        local: LocalInfo {
            send_allowed,
            opted_out,
            do_not_track,
        },
        last_delivery,
        reasons,
        unavailable,
        error: None,
    })
}

fn verdict(
    telemetry: State,
    tracking: Option<bool>,
    facts: Option<&SignalFacts>,
    version: Option<&str>,
    send_allowed: bool,
    opted_out: bool,
) -> String {
    let cluster = match (telemetry, facts) {
        (State::Enabled, Some(f)) => format!(
            "this cluster sends {} to Segment {}; `dcos telemetry opt-out` turns it off",
            f.events.join(", "),
            f.schedule.as_deref().unwrap_or_default()
        ),
        (State::Disabled, _) if tracking == Some(false) => {
            "this cluster sends nothing: its installer config has telemetry_enabled 'false'"
                .to_string()
        }
        (State::Disabled, _) => format!(
            "this cluster sends nothing: DC/OS {} has no dcos-signal",
            version.unwrap_or("?")
        ),
        _ => "cannot tell what this cluster sends: see the reasons and what was not checked"
            .to_string(),
    };
    let local = if send_allowed {
        String::new()
    } else if opted_out {
        "; `dcos telemetry send` refuses here (local opt-out)".to_string()
    } else {
        "; `dcos telemetry send` refuses here (DO_NOT_TRACK)".to_string()
    };
    format!("{cluster}{local}")
}

fn unit_meaning(units: &[UnitState], facts: Option<&SignalFacts>) -> String {
    let timer = units.iter().find(|u| u.unit == "dcos-signal.timer");
    match (
        timer.map(|u| u.health.as_str()),
        facts.map(|f| f.has_signal),
    ) {
        (Some("absent"), Some(Tristate::Absent)) => {
            "no dcos-signal units, as expected for this release".into()
        }
        (Some("absent"), _) => {
            "the dcos-signal timer is not installed: dcos-signal does not run".into()
        }
        (Some("healthy"), _) => "the timer that starts dcos-signal is healthy".into(),
        (Some("unhealthy"), _) => "the dcos-signal timer is unhealthy: runs may be failing".into(),
        _ => "the health of the dcos-signal timer is unknown".into(),
    }
}

/// The table view of one status.
pub fn render(status: &Status) -> String {
    let c = &status.cluster;
    let cluster = match (&c.name, &c.id) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        (Some(name), None) => name.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => "-".into(),
    };
    let version = match (&c.version, &c.variant) {
        (Some(v), Some(variant)) => format!("{v} ({variant})"),
        (Some(v), None) => v.clone(),
        _ => "unknown".into(),
    };
    let signal = match status.signal.present {
        Some(true) => format!(
            "dcos-signal {} sends {} {}",
            status.signal.release.as_deref().unwrap_or("?"),
            status.signal.events.join(", "),
            status.signal.schedule.as_deref().unwrap_or("")
        )
        .trim_end()
        .to_string(),
        Some(false) => "none in this release".into(),
        None => "unknown".into(),
    };
    let mut rows = vec![
        ("CLUSTER", cluster),
        ("URL", c.url.clone()),
        ("VERSION", version),
        ("TELEMETRY", status.telemetry.as_str().to_string()),
        ("SIGNAL", signal),
    ];
    if !status.signal.units.is_empty() {
        rows.push((
            "UNITS",
            status
                .signal
                .units
                .iter()
                .map(|u| format!("{} {}", u.unit, u.health))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    rows.push((
        "UI",
        match status.ui_tracking_code {
            Tristate::Present => "carries Segment tracking code".into(),
            Tristate::Absent => "no tracking code".into(),
            Tristate::Unknown => "unknown".into(),
        },
    ));
    let mut local = if status.local.send_allowed {
        "send allowed".to_string()
    } else {
        "send refused".to_string()
    };
    let mut why = Vec::new();
    if status.local.opted_out {
        why.push("local opt-out");
    }
    if status.local.do_not_track {
        why.push("DO_NOT_TRACK");
    }
    if !why.is_empty() {
        local = format!("{local} ({})", why.join(", "));
    }
    rows.push(("LOCAL", local));
    if let Some(last) = &status.last_delivery {
        rows.push(("LAST SENT", last.summary()));
    }
    rows.push(("VERDICT", status.verdict.clone()));
    let mut out = output::key_values(&rows);
    out.push('\n');
    let reason_rows: Vec<Vec<String>> = status
        .reasons
        .iter()
        .map(|r| {
            vec![
                r.source.clone(),
                r.setting.clone(),
                r.value.clone(),
                r.meaning.clone(),
            ]
        })
        .collect();
    out.push_str(&output::table(
        &["source", "setting", "value", "meaning"],
        &reason_rows,
        &[],
    ));
    if !status.unavailable.is_empty() {
        out.push('\n');
        let rows: Vec<Vec<String>> = status
            .unavailable
            .iter()
            .map(|u| vec![u.what.clone(), u.why.clone()])
            .collect();
        out.push_str(&output::table(&["not checked", "why"], &rows, &[]));
    }
    out
}
