//! What a DC/OS release runs for telemetry, in the words `status` uses. The knowledge itself (which
//! dcos-signal each release shipped, its schedule and events) lives in the signal crate's `version`
//! module; this adapter only phrases it.

use serde::Serialize;

/// Yes / no / cannot tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tristate {
    /// Yes.
    Present,
    /// No.
    Absent,
    /// Cannot tell.
    Unknown,
}

impl Tristate {
    /// `present`, `absent` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tristate::Present => "present",
            Tristate::Absent => "absent",
            Tristate::Unknown => "unknown",
        }
    }

    /// `Some(true)`, `Some(false)` or `None`.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Tristate::Present => Some(true),
            Tristate::Absent => Some(false),
            Tristate::Unknown => None,
        }
    }
}

/// The telemetry facts of one DC/OS release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalFacts {
    /// Whether the release ships dcos-signal.
    pub has_signal: Tristate,
    /// The dcos-signal commit it ships.
    pub release: Option<String>,
    /// How often the timer fires.
    pub schedule: Option<String>,
    /// The events sent.
    pub events: Vec<String>,
    /// One sentence for the reasons table.
    pub explanation: String,
    /// Whether the release's UI carries the tracking plugin.
    pub ui_tracking_code: Tristate,
    /// One sentence about the UI.
    pub ui_explanation: String,
}

/// Facts for a version string as `dcos-version.json` reports it.
pub fn for_version(version: &str) -> SignalFacts {
    use dcos_telemetry_signal::version::{
        DcosVersion, Generation, Schedule, TimerNodes, UiTracking,
    };
    let Ok(parsed) = DcosVersion::parse(version) else {
        return SignalFacts {
            has_signal: Tristate::Unknown,
            release: None,
            schedule: None,
            events: Vec::new(),
            explanation: format!("the version {version:?} is not one this tool knows how to read"),
            ui_tracking_code: Tristate::Unknown,
            ui_explanation: "unknown for this version".into(),
        };
    };
    let generation = parsed.generation();
    let info = generation.info();
    let (ui_tracking_code, ui_explanation) = match parsed.ui_tracking() {
        UiTracking::Present => (
            Tristate::Present,
            "this release's UI loads Segment analytics.js when tracking.enabled is true (logins and page views)".to_string(),
        ),
        UiTracking::Removed => (
            Tristate::Absent,
            "this release's UI has no tracking code (removed from dcos-ui in 2020-04); tracking.enabled only drives dcos-signal".to_string(),
        ),
        UiTracking::Unknown => (
            Tristate::Unknown,
            "whether this release's UI still carries the tracking plugin is not known".to_string(),
        ),
    };
    let has_signal = match generation {
        Generation::None => Tristate::Absent,
        Generation::Unknown => Tristate::Unknown,
        _ => Tristate::Present,
    };
    let schedule: Option<String> = match info.schedule {
        Schedule::Hourly => Some("every hour"),
        Schedule::Every5Minutes => Some("every 5 minutes"),
        Schedule::Never => None,
    }
    .map(|s| match info.timer_nodes {
        TimerNodes::AllNodes => format!("{s} from every node"),
        TimerNodes::Masters => format!("{s} from each master"),
        TimerNodes::Unknown => s.to_string(),
    });
    SignalFacts {
        has_signal,
        release: info.signal_refs.last().map(|r| r.to_string()),
        schedule: schedule.clone(),
        events: info.events.iter().map(|e| e.name().to_string()).collect(),
        explanation: match (has_signal, info.signal_refs.last()) {
            (Tristate::Present, Some(commit)) => format!(
                "DC/OS {version} ships dcos-signal {commit}: {} {}",
                info.events
                    .iter()
                    .map(|e| e.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                schedule.as_deref().unwrap_or_default()
            ),
            (Tristate::Absent, _) => {
                format!("DC/OS {version} has no dcos-signal (removed in 2.2): nothing is sent")
            }
            _ => info
                .explanation
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        },
        ui_tracking_code,
        ui_explanation,
    }
}
