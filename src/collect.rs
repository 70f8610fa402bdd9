//! Builds the payload a cluster's dcos-signal sends: fetch what it reads (or take a saved report),
//! settle the identity values, pick the generation from the version, and build the tracks with the
//! signal crate. `show-payload` prints the result; `send` posts it: both use this one function.

use std::path::PathBuf;

use dcos_telemetry_signal::version::{DcosVersion, Generation};
use dcos_telemetry_signal::{Event, HealthReport, Identity, Payload, Sources, parse_health_report};

use crate::cluster::Cluster;
use crate::commands::Context;
use crate::dcos::metadata::{self, UiConfig};
use crate::dcos::signal_sources::{self, Fetched, Wanted};
use crate::error::{Error, Result};
use crate::output::Progress;
use crate::site_values::{SiteFlags, SiteValues};

/// What to collect.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only these events (default: every event the generation sends).
    pub events: Vec<Event>,
    /// Ask dcos-diagnostics for a fresh pull (`?cache=0`).
    pub fresh: bool,
    /// Build `health` from this saved report instead of the cluster's.
    pub report_file: Option<PathBuf>,
    /// Build the payload as this DC/OS version's dcos-signal would.
    pub as_version: Option<String>,
    /// The cluster id to use (with `report_file`, when no cluster is at hand).
    pub cluster_id: Option<String>,
    /// platform/provider/customerKey/licenseId overrides.
    pub site: SiteFlags,
    /// The cluster's ui-config and version documents, when the caller has read them already
    /// (`send` reads them first to fail closed); they are then not fetched again.
    pub known: Option<(UiConfig, metadata::DcosVersion)>,
}

/// A failed reporter: its event and why.
pub struct Failure {
    /// The event that cannot be built.
    pub event: Event,
    /// Why.
    pub error: Error,
}

/// The payload and everything said about it.
pub struct Collected {
    /// The tracks (a failed reporter is `None`).
    pub payload: Payload,
    /// The events selected, in dcos-signal's order.
    pub events: Vec<Event>,
    /// The DC/OS version whose shape was used.
    pub version: String,
    /// Whether `--as-version` chose the shape.
    pub version_overridden: bool,
    /// `tracking.enabled` of the cluster, when read.
    pub telemetry_enabled: Option<bool>,
    /// The identity values and where they came from.
    pub site: SiteValues,
    /// The variant was assumed (`open`) because the cluster does not report it.
    pub variant_assumed: bool,
    /// Reporters whose data could not be read.
    pub failures: Vec<Failure>,
    /// The cluster id (trimmed).
    pub cluster_id: String,
}

/// Collects the payload.
pub fn collect(ctx: &Context, opts: &Options) -> Result<Collected> {
    let offline =
        opts.report_file.is_some() && opts.cluster_id.is_some() && opts.as_version.is_some();
    let cluster: Option<Cluster> = if offline {
        ctx.cluster().ok()
    } else {
        match ctx.cluster() {
            Ok(c) => Some(c),
            Err(err) if opts.report_file.is_some() => {
                return Err(err
                    .hint("without a cluster, --report-file needs --as-version and --cluster-id"));
            }
            Err(err) => return Err(err),
        }
    };
    let settings = cluster
        .as_ref()
        .map(|c| c.settings.clone())
        .unwrap_or_default();
    let site = SiteValues::resolve(&opts.site, &settings)?;

    // Which events, before knowing the version: the selection, or all of them.
    let selected: Vec<Event> = if opts.events.is_empty() {
        if opts.report_file.is_some() {
            vec![Event::Health]
        } else {
            Event::ALL.to_vec()
        }
    } else {
        Event::ALL
            .into_iter()
            .filter(|e| opts.events.contains(e))
            .collect()
    };
    let from_file = opts.report_file.as_ref().map(read_report_file);
    let fetched = match (&cluster, offline) {
        (Some(cluster), false) => {
            let http = crate::auth::connect(ctx, cluster)?.http;
            let wanted = Wanted {
                health: selected.contains(&Event::Health) && opts.report_file.is_none(),
                fresh: opts.fresh,
                packages: selected.contains(&Event::PackageList),
                mesos: selected.contains(&Event::MesosTrack),
                identity: opts.known.is_none(),
            };
            let progress = (wanted.health && opts.fresh).then(|| {
                Progress::start("asking every node for a fresh health report (up to a minute)")
            });
            let fetched = signal_sources::fetch(&http, wanted);
            drop(progress);
            Some(fetched)
        }
        _ => None,
    };
    let (ui, version_doc, meta) = match (&fetched, &opts.known) {
        (Some(Fetched { metadata, .. }), Some((ui, version))) => (
            Some(ui.clone()),
            Some(Ok(version.clone())),
            metadata.as_ref(),
        ),
        (
            Some(Fetched {
                ui,
                version,
                metadata,
                ..
            }),
            None,
        ) => (
            ui_ok(ui)?,
            version.as_ref().map(clone_result),
            metadata.as_ref(),
        ),
        (None, _) => (None, None, None),
    };

    // The version decides the shape.
    let (version, version_overridden) = match (&opts.as_version, &version_doc) {
        (Some(v), _) => (v.clone(), true),
        (None, Some(Ok(doc))) => (doc.version.clone(), false),
        (None, Some(Err(err))) => {
            return Err(Error::with_exit(
                err.exit(),
                format!(
                    "cannot tell which dcos-signal this cluster runs: {}",
                    err.message()
                ),
            )
            .hint("pass --as-version <DC/OS version> to choose the payload shape yourself"));
        }
        (None, None) => {
            return Err(Error::usage(
                "--report-file without a cluster needs --as-version and --cluster-id",
            )
            .hint(
                "or configure a cluster (`dcos cluster setup`) so its version and id can be read",
            ));
        }
    };
    let parsed = DcosVersion::parse(&version).map_err(|e| {
        Error::usage(format!("{e}")).hint("DC/OS versions look like 2.1.2, 1.13.9 or 1.7-open")
    })?;
    let generation = parsed.generation();
    if generation == Generation::None {
        return Err(Error::policy(format!(
            "DC/OS {version} has no dcos-signal: this cluster sends no telemetry events"
        ))
        .hint("dcos-signal was removed in DC/OS 2.2; pass --as-version 2.1.2 to see what a 2.1 cluster would send with the same data"));
    }
    if generation == Generation::Unknown {
        return Err(Error::new(format!(
            "DC/OS {version} is not a release this tool knows the dcos-signal of"
        ))
        .hint("dcos-signal shipped with DC/OS 1.7 to 2.1; pass --as-version to choose a shape"));
    }
    let info = generation.info();
    for event in &selected {
        if !info.events.contains(event) && !opts.events.is_empty() {
            return Err(Error::usage(format!(
                "{} (dcos-signal {}) does not send the `{}` event",
                info.releases,
                info.signal_refs.join("/"),
                event.name()
            ))
            .hint(format!(
                "it sends: {}",
                info.events
                    .iter()
                    .map(|e| e.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let events: Vec<Event> = selected
        .into_iter()
        .filter(|e| info.events.contains(e))
        .collect();

    // Identity.
    let cluster_id = match (&opts.cluster_id, &ui, meta) {
        (Some(id), _, _) => id.trim().to_string(),
        (
            None,
            Some(UiConfig {
                cluster_id: Some(id),
                ..
            }),
            _,
        ) => id.clone(),
        (None, _, Some(Ok(m)))
            if m.cluster_id
                .as_deref()
                .is_some_and(|id| !id.trim().is_empty()) =>
        {
            m.cluster_id
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_string()
        }
        (None, _, Some(Err(err))) => {
            return Err(Error::with_exit(err.exit(), format!("cannot read the cluster id: {}", err.message()))
                .hint("the cluster id comes from /metadata (needs a token) or ui-config.json (DC/OS 1.13+)"));
        }
        _ => {
            return Err(Error::new("cannot read the cluster id").hint(
                "log in (`dcos auth login`) so /metadata can be read, or pass --cluster-id",
            ));
        }
    };
    let (variant, variant_assumed) = match version_doc
        .as_ref()
        .and_then(|v| v.as_ref().ok())
        .and_then(|v| v.variant.clone())
    {
        Some(v) => (v, false),
        None => ("open".to_string(), true),
    };
    let identity = Identity {
        // /var/lib/dcos/cluster-id always ends with a newline; 1.7 sent it (internals §1.7).
        cluster_id: format!("{cluster_id}\n"),
        // DCOS_VERSION on the master: the cluster's own version, even when --as-version picks
        // another generation's shape (a 2.2 cluster built as 2.1's signal would).
        environment_version: match version_doc.as_ref().and_then(|v| v.as_ref().ok()) {
            Some(doc) => doc.version.clone(),
            None => version.clone(),
        },
        variant,
        platform: site.platform.value.clone(),
        provider: site.provider.value.clone(),
        customer_key: site.customer_key.value.clone(),
        license_id: site.license_id.value.clone(),
    };

    // Sources.
    let mut failures = Vec::new();
    let mut health: Option<HealthReport> = None;
    let mut packages = None;
    let mut mesos = None;
    let Fetched {
        health: fetched_health,
        packages: fetched_packages,
        mesos: fetched_mesos,
        ..
    } = fetched.unwrap_or(Fetched {
        health: None,
        packages: None,
        mesos: None,
        version: None,
        ui: None,
        metadata: None,
    });
    let health_result = from_file.or(fetched_health);
    for event in &events {
        let result = match event {
            Event::Health => health_result
                .as_ref()
                .map(|r| r.as_ref().map(|h| health = Some(h.clone()))),
            Event::PackageList => fetched_packages
                .as_ref()
                .map(|r| r.as_ref().map(|p| packages = Some(p.clone()))),
            Event::MesosTrack => fetched_mesos
                .as_ref()
                .map(|r| r.as_ref().map(|m| mesos = Some(m.clone()))),
        };
        match result {
            Some(Ok(())) => {}
            Some(Err(err)) => failures.push(Failure {
                event: *event,
                error: copy_error(err),
            }),
            None => failures.push(Failure {
                event: *event,
                error: Error::new(format!(
                    "no data for `{}`: this event needs a cluster",
                    event.name()
                )),
            }),
        }
    }
    let payload = Payload::build(
        generation,
        &identity,
        Sources {
            health: health.as_ref(),
            packages: packages.as_ref(),
            mesos: mesos.as_ref(),
        },
    );
    Ok(Collected {
        payload,
        events,
        version,
        version_overridden,
        telemetry_enabled: ui.as_ref().and_then(|u| u.tracking_enabled),
        site,
        variant_assumed,
        failures,
        cluster_id,
    })
}

fn ui_ok(ui: &Option<Result<UiConfig>>) -> Result<Option<UiConfig>> {
    match ui {
        None => Ok(None),
        Some(Ok(ui)) => Ok(Some(ui.clone())),
        // ui-config needs no token: when it fails, the cluster is not reachable as a DC/OS master.
        Some(Err(err)) => Err(copy_error(err)),
    }
}

fn clone_result(r: &Result<metadata::DcosVersion>) -> Result<metadata::DcosVersion> {
    match r {
        Ok(v) => Ok(v.clone()),
        Err(e) => Err(copy_error(e)),
    }
}

impl Collected {
    /// One error for the reporters whose data could not be read (`None` when there are none):
    /// a single failure keeps its own message and hints; several are listed as hints.
    pub fn partial_error(&self) -> Option<Error> {
        let (first, rest) = self.failures.split_first()?;
        let errors: Vec<&Error> = self.failures.iter().map(|f| &f.error).collect();
        let exit = signal_sources::exit_for(&errors);
        let names: Vec<&str> = self.failures.iter().map(|f| f.event.name()).collect();
        let mut err = if rest.is_empty() {
            let mut err = Error::with_exit(exit, first.error.message());
            for hint in first.error.hints() {
                err = err.hint(hint.clone());
            }
            err
        } else {
            let mut err = Error::with_exit(
                exit,
                format!("the data of {} could not be read", names.join(", ")),
            );
            for f in &self.failures {
                err = err.hint(format!("{}: {}", f.event.name(), f.error.message()));
            }
            err
        };
        err = err.hint(format!(
            "so the payload is partial: {} {} null, as dcos-signal sends nothing for a reporter whose data it cannot read",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" }
        ));
        Some(err)
    }
}

/// A copy of an error (message, hints, exit code).
pub fn copy_error(err: &Error) -> Error {
    let mut copy = Error::with_exit(err.exit(), err.message());
    for hint in err.hints() {
        copy = copy.hint(hint.clone());
    }
    copy
}

fn read_report_file(path: &PathBuf) -> Result<HealthReport> {
    let file = std::fs::File::open(path).map_err(|e| {
        Error::new(format!(
            "cannot read the health report {}: {e}",
            path.display()
        ))
    })?;
    let reader = std::io::BufReader::with_capacity(256 * 1024, file);
    parse_health_report(reader).map_err(|e| {
        signal_sources::parse_error(
            &path.display().to_string(),
            "health report",
            &e,
            Some("use the report as dcos-diagnostics serves it: /system/health/v1/report, or report.json from a diagnostics bundle"),
        )
    })
}
