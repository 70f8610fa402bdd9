//! DC/OS versions as clusters report them, and the dcos-signal generation each release ships.
//!
//! Source of the mapping: `dcos/dcos:packages/dcos-signal/buildinfo.json` and
//! `extra/dcos-signal.timer` at each release tag (see `dcos-telemetry-internals.md` §0).

use std::cmp::Ordering;
use std::fmt;

use crate::gojson::FloatStyle;

/// A DC/OS version string as found in `/dcos-metadata/dcos-version.json` (`version`), e.g.
/// `2.1.2`, `1.13.9`, `1.7-open`, `1.10.0-rc1`, `1.7-dev`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DcosVersion {
    /// Major number (`1`, `2`).
    pub major: u32,
    /// Minor number.
    pub minor: u32,
    /// Patch number; `None` when the string has none (`1.7-open`).
    pub patch: Option<u32>,
    /// What followed a `-` (`open`, `rc1`, `dev`, `beta2`), if anything.
    pub suffix: Option<String>,
    /// The string as given (trimmed).
    pub raw: String,
}

/// Why a version string could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    /// The rejected input.
    pub input: String,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a DC/OS version: {:?} (expected MAJOR.MINOR[.PATCH][-SUFFIX])",
            self.input
        )
    }
}

impl std::error::Error for VersionError {}

impl DcosVersion {
    /// Parses `MAJOR.MINOR[.PATCH][-SUFFIX]` (surrounding whitespace ignored; a leading `v` is
    /// accepted).
    pub fn parse(input: &str) -> Result<DcosVersion, VersionError> {
        let err = || VersionError {
            input: input.to_string(),
        };
        let raw = input.trim();
        let body = raw.strip_prefix('v').unwrap_or(raw);
        let (numbers, suffix) = match body.split_once('-') {
            Some((n, s)) if !s.is_empty() => (n, Some(s.to_string())),
            Some(_) => return Err(err()),
            None => (body, None),
        };
        let parts: Vec<&str> = numbers.split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(err());
        }
        let num = |s: &str| -> Result<u32, VersionError> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            s.parse().map_err(|_| err())
        };
        Ok(DcosVersion {
            major: num(parts[0])?,
            minor: num(parts[1])?,
            patch: parts.get(2).map(|p| num(p)).transpose()?,
            suffix,
            raw: raw.to_string(),
        })
    }

    fn triple(&self) -> (u32, u32, u32) {
        (self.major, self.minor, self.patch.unwrap_or(0))
    }

    fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.triple().cmp(&(major, minor, patch)) != Ordering::Less
    }

    /// The dcos-signal generation this release ships.
    pub fn generation(&self) -> Generation {
        match self.triple() {
            (1, 7, _) => Generation::Signal1_7,
            (1, 8, _) => Generation::Signal1_8,
            (1, 9 | 10, _) => Generation::Signal1_9,
            (1, 11 | 12, _) => Generation::Signal1_11,
            (1, 13, p) if p < 9 => Generation::Signal1_11,
            _ if self.at_least(2, 2, 0) => Generation::None,
            _ if self.at_least(1, 13, 9) => Generation::Signal1_13_9,
            // Before 1.7 (1.6 and earlier had no dcos-signal package).
            _ => Generation::Unknown,
        }
    }

    /// Whether the mapping to a generation rests on an assumption rather than on the release
    /// table (true for 1.13.1 to 1.13.8: the table names 1.13.0 and 1.13.9 only).
    pub fn generation_is_assumed(&self) -> bool {
        matches!(self.triple(), (1, 13, 1..=8))
    }

    /// Whether the web UI of this release still carries the Segment tracking plugin
    /// (`dcos/dcos-ui` `plugins/tracking`, deleted in `5a1ab8937`, 2020-04).
    pub fn ui_tracking(&self) -> UiTracking {
        match self.triple() {
            (1, 13, 9) => UiTracking::Present,
            (2, 0, p) if p >= 6 => UiTracking::Removed,
            (2, 1, _) => UiTracking::Removed,
            _ if self.at_least(2, 2, 0) => UiTracking::Removed,
            _ => UiTracking::Unknown,
        }
    }

    /// How often `dcos-signal.timer` fires in this release.
    pub fn schedule(&self) -> Schedule {
        self.generation().info().schedule
    }
}

impl fmt::Display for DcosVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Whether a release's web UI sends its own telemetry (Segment analytics.js).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiTracking {
    /// The tracking plugin is in this UI: it loads when `tracking.enabled` is true.
    Present,
    /// The UI has no tracking code; `tracking` in ui-config is ignored.
    Removed,
    /// The sources at hand do not say.
    Unknown,
}

/// When `dcos-signal.timer` fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// `OnCalendar=hourly`.
    Hourly,
    /// `OnCalendar=*:0/5`.
    Every5Minutes,
    /// No timer (no dcos-signal).
    Never,
}

/// Which nodes run the timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerNodes {
    /// `dcos.target.wants` on every node (1.7).
    AllNodes,
    /// Masters only.
    Masters,
    /// Not established by the sources at hand.
    Unknown,
}

/// One of the three Segment events dcos-signal sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Event {
    /// `health`, from the dcos-diagnostics report (reporter `diagnostics`).
    Health,
    /// `package_list`, from Cosmos (reporter `cosmos`).
    PackageList,
    /// `mesos_track`, from Mesos (reporter `mesos`).
    MesosTrack,
}

impl Event {
    /// All events in the order dcos-signal sends them.
    pub const ALL: [Event; 3] = [Event::Health, Event::PackageList, Event::MesosTrack];

    /// The Segment event name.
    pub fn name(self) -> &'static str {
        match self {
            Event::Health => "health",
            Event::PackageList => "package_list",
            Event::MesosTrack => "mesos_track",
        }
    }

    /// The reporter name dcos-signal keys its `-test` output with.
    pub fn reporter(self) -> &'static str {
        match self {
            Event::Health => "diagnostics",
            Event::PackageList => "cosmos",
            Event::MesosTrack => "mesos",
        }
    }

    /// Parses an event name (`health`, `package_list`, `mesos_track`) or reporter name.
    pub fn from_name(name: &str) -> Option<Event> {
        Event::ALL
            .into_iter()
            .find(|e| e.name() == name || e.reporter() == name)
    }
}

/// A dcos-signal generation: a set of releases whose signal sends the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Generation {
    /// DC/OS 1.7: signal `27b9cef`.
    Signal1_7,
    /// DC/OS 1.8: signal `7e7cb7a`.
    Signal1_8,
    /// DC/OS 1.9 and 1.10: signal `5f64585`, `7026c19`.
    Signal1_9,
    /// DC/OS 1.11 to 1.13.8: signal `8e23723`, `fcf41b8`.
    Signal1_11,
    /// DC/OS 1.13.9, 2.0.x, 2.1.x: signal `a2040b7`.
    Signal1_13_9,
    /// DC/OS 2.2 and later: no dcos-signal.
    None,
    /// Before DC/OS 1.7 (no dcos-signal package) or not recognised.
    Unknown,
}

/// How a generation counts `health-unit-*-unhealthy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnhealthyRule {
    /// A node counts when its `Output[unit]` is non-empty; the keys are written after the node
    /// loop, so a unit with no nodes still gets `total: 0, unhealthy: 0` (27b9cef).
    OutputAfterLoop,
    /// A node counts when its `Output[unit]` is non-empty; keys written inside the node loop,
    /// so a unit with no nodes gets no keys.
    Output,
    /// Before `382f3cd`: every unit on a node with `Health != 0` counts, else each of the
    /// node's `Units` entries with the same name and `Health != 0` counts.
    NodeHealth,
    /// Since `382f3cd`: non-empty `Output[unit]`, else the node's `Units` entries with the same
    /// name and `Health != 0` (at most one count per node).
    OutputThenUnitHealth,
}

/// The JSON shape of a `package_list` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageShape {
    /// `{"appId": …}` (before `67ce8b9`).
    AppIdOnly,
    /// `{"appId", "packageInformation": {"packageDefinition": {"name", "version"}}}`.
    WithDefinition,
}

/// What `-test` printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestOutputShape {
    /// One `test{Event, UserId, ClusterId, Properties}` struct (27b9cef).
    SingleTest,
    /// `map[reporterName]*analytics.Track`.
    ReporterMap,
}

/// Everything the plugin needs to know about a generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerationInfo {
    /// dcos-signal commits the releases of this generation build.
    pub signal_refs: &'static [&'static str],
    /// The releases, in words.
    pub releases: &'static str,
    /// Events sent, in order.
    pub events: &'static [Event],
    /// Timer schedule.
    pub schedule: Schedule,
    /// Where the timer is installed.
    pub timer_nodes: TimerNodes,
    /// Whether `clusterId`/`anonymousId` are `strings.TrimSpace`d (since `e46409f`).
    pub trims_cluster_id: bool,
    /// Whether the properties carry `platform`.
    pub has_platform: bool,
    /// Whether the properties carry `licenseId`.
    pub has_license_id: bool,
    /// The `health-unit-*-unhealthy` rule.
    pub unhealthy_rule: UnhealthyRule,
    /// The `package_list` element shape.
    pub package_shape: PackageShape,
    /// How the Go toolchain wrote floats.
    pub float_style: FloatStyle,
    /// The `-test` output shape.
    pub test_output: TestOutputShape,
    /// analytics-go library name and version this generation vendored, if known.
    pub analytics_library: Option<(&'static str, &'static str)>,
    /// Whether any of the above rests on assumption rather than on read source or verified
    /// output (see [`GenerationInfo::evidence`]).
    pub assumed: bool,
    /// One paragraph for `status`: what this generation sends and how sure we are.
    pub explanation: &'static str,
    /// Where that comes from.
    pub citation: &'static str,
}

impl GenerationInfo {
    /// How solid the rules are, in words.
    pub fn evidence(&self) -> &'static str {
        if self.assumed {
            "partly assumed: see the explanation"
        } else {
            "verified against the real program's output"
        }
    }
}

const ALL_EVENTS: &[Event] = &[Event::Health, Event::PackageList, Event::MesosTrack];

impl Generation {
    /// The facts for this generation.
    pub fn info(self) -> GenerationInfo {
        match self {
            Generation::Signal1_7 => GenerationInfo {
                signal_refs: &["27b9cef"],
                releases: "DC/OS 1.7",
                events: &[Event::Health],
                schedule: Schedule::Hourly,
                timer_nodes: TimerNodes::AllNodes,
                trims_cluster_id: false,
                has_platform: false,
                has_license_id: false,
                unhealthy_rule: UnhealthyRule::OutputAfterLoop,
                package_shape: PackageShape::AppIdOnly,
                float_style: FloatStyle::Legacy,
                test_output: TestOutputShape::SingleTest,
                // vendor/vendor.json at 27b9cef pins analytics-go a3bcbc9544d2, the same
                // library a2040b7 uses: same /v1/batch body shape.
                analytics_library: Some(("analytics-go", "2.1.0")),
                assumed: false,
                explanation: "dcos-signal 27b9cef sends one `health` event every hour from every node \
                    (the timer is in dcos.target.wants), with the cluster id untrimmed (it ends in a \
                    newline) and no `platform` or `licenseId`.",
                citation: "dcos/dcos@41b52e1df packages/dcos-signal; dcos-signal 27b9cef \
                    signal/segmentizer.go and vendor/vendor.json (analytics-go a3bcbc9544d2); \
                    verified: fixtures dcos-signal-test-output.dcos-1.7-27b9cef.json",
            },
            Generation::Signal1_8 => GenerationInfo {
                signal_refs: &["7e7cb7a"],
                releases: "DC/OS 1.8",
                events: ALL_EVENTS,
                schedule: Schedule::Hourly,
                timer_nodes: TimerNodes::Unknown,
                trims_cluster_id: true,
                has_platform: false,
                has_license_id: false,
                unhealthy_rule: UnhealthyRule::Output,
                package_shape: PackageShape::AppIdOnly,
                float_style: FloatStyle::Legacy,
                test_output: TestOutputShape::ReporterMap,
                // Both 27b9cef and fcf41b8 pin analytics-go a3bcbc9544d2; assumed in between.
                analytics_library: Some(("analytics-go", "2.1.0")),
                assumed: true,
                explanation: "dcos-signal 7e7cb7a sends `health`, `package_list` (app ids only) and \
                    `mesos_track` every hour, built with Go 1.6 (floats such as 1e+06). The exact \
                    unhealthy-unit rule and -test shape of this ref are assumed from neighbouring \
                    source versions, not verified.",
                citation: "dcos/dcos packages/dcos-signal/buildinfo.json (ref 7e7cb7a, docker golang:1.6); \
                    dcos-signal signal/{diagnostics,cosmos,mesos}.go of the three-reporter era",
            },
            Generation::Signal1_9 => GenerationInfo {
                signal_refs: &["5f64585", "7026c19"],
                releases: "DC/OS 1.9 and 1.10",
                events: ALL_EVENTS,
                schedule: Schedule::Hourly,
                timer_nodes: TimerNodes::Unknown,
                trims_cluster_id: true,
                has_platform: true,
                has_license_id: false,
                unhealthy_rule: UnhealthyRule::NodeHealth,
                package_shape: PackageShape::WithDefinition,
                float_style: FloatStyle::Modern,
                test_output: TestOutputShape::ReporterMap,
                analytics_library: Some(("analytics-go", "2.1.0")),
                assumed: true,
                explanation: "dcos-signal sends `health`, `package_list` and `mesos_track` every hour \
                    and adds `platform`. Before signal 382f3cd (2018) every unit on an unhealthy node \
                    counted as unhealthy; that these refs predate it, and the Go version, are \
                    inferred from release dates, not verified.",
                citation: "dcos-telemetry-internals.md §0 and §1.6; dcos-signal signal/diagnostics.go \
                    (pre-382f3cd version)",
            },
            Generation::Signal1_11 => GenerationInfo {
                signal_refs: &["8e23723", "fcf41b8"],
                releases: "DC/OS 1.11 to 1.13.8",
                events: ALL_EVENTS,
                schedule: Schedule::Hourly,
                timer_nodes: TimerNodes::Unknown,
                trims_cluster_id: true,
                has_platform: true,
                has_license_id: false,
                unhealthy_rule: UnhealthyRule::OutputThenUnitHealth,
                package_shape: PackageShape::WithDefinition,
                float_style: FloatStyle::Modern,
                test_output: TestOutputShape::ReporterMap,
                analytics_library: Some(("analytics-go", "2.1.0")),
                assumed: true,
                explanation: "dcos-signal sends `health`, `package_list` and `mesos_track` every hour \
                    with `platform` but no `licenseId`; otherwise as in 2.1. fcf41b8 is built with \
                    Go 1.12 and analytics-go a3bcbc9544d2; that 8e23723 already has the 382f3cd \
                    unhealthy rule is inferred from dates, and 1.13.1-1.13.8 are assumed to keep \
                    1.13.0's signal.",
                citation: "dcos-telemetry-internals.md §0; dcos-signal@fcf41b8 go.mod",
            },
            Generation::Signal1_13_9 => GenerationInfo {
                signal_refs: &["a2040b7"],
                releases: "DC/OS 1.13.9, 2.0.x and 2.1.x",
                events: ALL_EVENTS,
                schedule: Schedule::Every5Minutes,
                timer_nodes: TimerNodes::Masters,
                trims_cluster_id: true,
                has_platform: true,
                has_license_id: true,
                unhealthy_rule: UnhealthyRule::OutputThenUnitHealth,
                package_shape: PackageShape::WithDefinition,
                float_style: FloatStyle::Modern,
                test_output: TestOutputShape::ReporterMap,
                analytics_library: Some(("analytics-go", "2.1.0")),
                assumed: false,
                explanation: "dcos-signal a2040b7 runs on the masters every 5 minutes and posts three \
                    Segment events (`health`, `package_list`, `mesos_track`), each in its own \
                    /v1/batch request; a reporter whose source failed is not sent.",
                citation: "dcos/dcos@2.1.2 packages/dcos-signal; dcos-signal a2040b7; verified: \
                    fixtures dcos-signal-test-output.json and segment-v1-batch.*.json",
            },
            Generation::None => GenerationInfo {
                signal_refs: &[],
                releases: "DC/OS 2.2 and later",
                events: &[],
                schedule: Schedule::Never,
                timer_nodes: TimerNodes::Masters,
                trims_cluster_id: true,
                has_platform: true,
                has_license_id: true,
                unhealthy_rule: UnhealthyRule::OutputThenUnitHealth,
                package_shape: PackageShape::WithDefinition,
                float_style: FloatStyle::Modern,
                test_output: TestOutputShape::ReporterMap,
                analytics_library: None,
                assumed: false,
                explanation: "This release has no dcos-signal: the cluster sends no telemetry events.",
                citation: "dcos/dcos commit 322fd3654 (2020-06-30) removed dcos-signal before 2.2",
            },
            Generation::Unknown => GenerationInfo {
                signal_refs: &[],
                releases: "unrecognised DC/OS release",
                events: &[],
                schedule: Schedule::Never,
                timer_nodes: TimerNodes::Unknown,
                trims_cluster_id: true,
                has_platform: true,
                has_license_id: true,
                unhealthy_rule: UnhealthyRule::OutputThenUnitHealth,
                package_shape: PackageShape::WithDefinition,
                float_style: FloatStyle::Modern,
                test_output: TestOutputShape::ReporterMap,
                analytics_library: None,
                assumed: true,
                explanation: "This DC/OS version predates dcos-signal (added in 1.7) or is not \
                    recognised; what it sends is unknown.",
                citation: "dcos-telemetry-internals.md §0",
            },
        }
    }

    /// Whether this generation sends anything at all.
    pub fn sends_telemetry(self) -> bool {
        !self.info().events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> DcosVersion {
        DcosVersion::parse(s).unwrap()
    }

    #[test]
    fn parses_real_version_strings() {
        let x = v("2.1.2");
        assert_eq!(
            (x.major, x.minor, x.patch, x.suffix.as_deref()),
            (2, 1, Some(2), None)
        );
        let x = v("1.7-open");
        assert_eq!(
            (x.major, x.minor, x.patch, x.suffix.as_deref()),
            (1, 7, None, Some("open"))
        );
        let x = v("1.10.0-rc1");
        assert_eq!(
            (x.major, x.minor, x.patch, x.suffix.as_deref()),
            (1, 10, Some(0), Some("rc1"))
        );
        assert_eq!(v(" 1.12.4\n").raw, "1.12.4");
        assert_eq!(v("1.7-dev").suffix.as_deref(), Some("dev"));
        for bad in ["", "2", "2.x", "1.13.9.1", "a.b.c", "1.7-", "-1.7", "1..2"] {
            assert!(DcosVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn maps_releases_to_generations() {
        let cases = [
            ("1.7-open", Generation::Signal1_7),
            ("1.7-dev", Generation::Signal1_7),
            ("1.8.8", Generation::Signal1_8),
            ("1.9.0", Generation::Signal1_9),
            ("1.10.0-rc1", Generation::Signal1_9),
            ("1.11.4", Generation::Signal1_11),
            ("1.12.4", Generation::Signal1_11),
            ("1.13.0", Generation::Signal1_11),
            ("1.13.8", Generation::Signal1_11),
            ("1.13.9", Generation::Signal1_13_9),
            ("2.0.0", Generation::Signal1_13_9),
            ("2.1.2", Generation::Signal1_13_9),
            ("2.2.0", Generation::None),
            ("2.2.0-dev", Generation::None),
            ("3.0.1", Generation::None),
            ("1.6.1", Generation::Unknown),
        ];
        for (s, g) in cases {
            assert_eq!(v(s).generation(), g, "{s}");
        }
        assert!(v("1.13.4").generation_is_assumed());
        assert!(!v("1.13.9").generation_is_assumed());
        assert!(!v("1.13.0").generation_is_assumed());
    }

    #[test]
    fn schedules_and_ui() {
        assert_eq!(v("1.7-open").schedule(), Schedule::Hourly);
        assert_eq!(v("1.12.4").schedule(), Schedule::Hourly);
        assert_eq!(v("2.1.2").schedule(), Schedule::Every5Minutes);
        assert_eq!(v("2.2.0").schedule(), Schedule::Never);
        assert_eq!(
            Generation::Signal1_7.info().timer_nodes,
            TimerNodes::AllNodes
        );
        assert_eq!(v("1.13.9").ui_tracking(), UiTracking::Present);
        assert_eq!(v("2.0.5").ui_tracking(), UiTracking::Unknown);
        assert_eq!(v("2.0.6").ui_tracking(), UiTracking::Removed);
        assert_eq!(v("2.1.0").ui_tracking(), UiTracking::Removed);
        assert_eq!(v("1.12.4").ui_tracking(), UiTracking::Unknown);
        assert_eq!(Generation::Signal1_7.info().events, &[Event::Health][..]);
        assert_eq!(Generation::Signal1_13_9.info().events.len(), 3);
        assert!(!Generation::None.sends_telemetry());
    }

    #[test]
    fn event_names() {
        assert_eq!(Event::from_name("mesos_track"), Some(Event::MesosTrack));
        assert_eq!(Event::from_name("cosmos"), Some(Event::PackageList));
        assert_eq!(Event::from_name("nope"), None);
    }
}
