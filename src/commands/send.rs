//! `dcos telemetry send`: post the cluster's telemetry now, to Segment or to the operator's own
//! Segment-compatible collector, exactly as `show-payload --segment` shows it.
//!
//! Order of work, so that a refusal never reaches the collector:
//! 1. local checks, no network: `DO_NOT_TRACK`, the local opt-out, the endpoint, the write key;
//! 2. the cluster's state (ui-config and version, read concurrently): telemetry disabled or
//!    unknown refuses; a release without dcos-signal refuses unless the endpoint is the
//!    operator's own collector;
//! 3. the payload (`collect`) and every body (`segment_bodies`), so Segment's size limits are
//!    checked for all events before the first POST; `--expect-sha256` is checked here too;
//! 4. one `POST <endpoint>/v1/batch` per event, retried with the same bytes, each outcome
//!    recorded in the cluster's delivery log.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use clap::Args;
use log::info;
use reqwest::Method;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Serialize;

use crate::cli::PayloadArgs;
use crate::cluster::{Cluster, Settings, Tls};
use crate::collect::{self, Collected};
use crate::commands::{Context, show_payload};
use crate::dcos::metadata;
use crate::dcos::signal_sources::join;
use crate::delivery_log::{self, Delivery, Entry};
use crate::error::{Error, Exit, Result};
use crate::http::{self, Http, Request};
use crate::output::{self, Progress};
use crate::secret::Secret;
use crate::segment_bodies::{self, Body};
use crate::signal_facts::{self, Tristate};

/// Version of the `--json` document (bumped on incompatible changes).
pub const SCHEMA_VERSION: u32 = 1;
/// Segment's HTTP API, where dcos-signal posts.
pub const DEFAULT_ENDPOINT: &str = "https://api.segment.io";
/// The path every body is posted to, below the endpoint.
pub const BATCH_PATH: &str = "/v1/batch";
/// The host of Segment's own API: an endpoint there is not "a collector of the operator's own".
const SEGMENT_HOST: &str = "api.segment.io";
/// The shape used for releases without dcos-signal when posting to the operator's collector.
pub const OWN_COLLECTOR_SHAPE: &str = "2.1.2";
/// Default of `--retry-for`, in seconds.
pub const DEFAULT_RETRY_FOR: u64 = 60;
/// First back-off ceiling; it doubles per failed attempt (full jitter below it).
const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Largest back-off ceiling.
const BACKOFF_CAP: Duration = Duration::from_secs(30);
/// Shortest timeout of one attempt while retrying, even when the budget is nearly spent.
const MIN_ATTEMPT: Duration = Duration::from_secs(10);
/// Largest answer body read from the collector.
const ANSWER_CAP: u64 = 64 * 1024;
/// Largest write-key file accepted (a Segment write key is 32 characters).
const WRITE_KEY_FILE_CAP: u64 = 4096;

/// `dcos telemetry send`
#[derive(Debug, Args)]
pub struct SendArgs {
    /// What to build
    #[command(flatten)]
    pub payload: PayloadArgs,
    /// Post to this Segment-compatible collector (default: [telemetry] endpoint, else https://api.segment.io)
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Trust only this CA bundle (PEM) for the collector (default: [telemetry] endpoint_ca, else the system roots)
    #[arg(long, value_name = "FILE", conflicts_with = "endpoint_insecure")]
    pub endpoint_ca_file: Option<PathBuf>,
    /// Do not verify the collector's TLS certificate (default: [telemetry] endpoint_insecure)
    #[arg(long)]
    pub endpoint_insecure: bool,
    /// Read the Segment write key from FILE (mode 0600 or 0400); default: [telemetry] write_key (DCOS_TELEMETRY_WRITE_KEY)
    #[arg(long, value_name = "FILE")]
    pub write_key_file: Option<PathBuf>,
    /// Send the events that could be read when another one cannot (dcos-signal's behaviour);
    /// by default a partial payload sends nothing
    #[arg(long)]
    pub allow_partial: bool,
    /// Keep the --write-key-file key in the OS keyring for this cluster (later sends need no file;
    /// not with --dry-run)
    #[arg(long, requires = "write_key_file")]
    pub remember_write_key: bool,
    /// Print exactly the bodies that would be posted (one per line) and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse (exit 3) unless the events' SHA-256 equal these, as `show-payload --segment` prints them
    #[arg(long, value_name = "SHA256", num_args = 1.., value_delimiter = ',')]
    pub expect_sha256: Vec<String>,
    /// Retry connection errors, 5xx and 429 for up to SECONDS in all (0: no retries; default 60)
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_RETRY_FOR)]
    pub retry_for: u64,
    /// Print JSON (the schema is in the README)
    #[arg(long)]
    pub json: bool,
}

/// The `--json` document; the table is rendered from it too.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Schema version of this document.
    pub schema_version: u32,
    /// `--dry-run`: nothing was posted.
    pub dry_run: bool,
    /// Which cluster.
    pub cluster: ReportCluster,
    /// The collector's base URL; bodies go to `<endpoint>/v1/batch`.
    pub endpoint: String,
    /// The DC/OS version whose dcos-signal shape was used.
    pub version: String,
    /// One entry per selected event, in sending order.
    pub events: Vec<EventReport>,
    /// How many events the collector accepted.
    pub delivered: usize,
    /// How many events failed.
    pub failed: usize,
    /// The delivery log that recorded them (`null`: none could be kept).
    pub log_file: Option<String>,
}

/// The cluster a report is about.
#[derive(Clone, Debug, Serialize)]
pub struct ReportCluster {
    /// `cluster.name`, when configured.
    pub name: Option<String>,
    /// The cluster id (as sent in `clusterId`).
    pub id: String,
    /// Base URL.
    pub url: String,
}

/// What happened to one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    /// The collector answered 2xx.
    Delivered,
    /// Every attempt failed, or the collector refused it.
    Failed,
    /// Its data could not be read from the cluster, so there was nothing to send.
    NotSent,
    /// `--dry-run`: it would be posted.
    WouldSend,
}

/// One event of a [`Report`].
#[derive(Clone, Debug, Serialize)]
pub struct EventReport {
    /// `health`, `package_list` or `mesos_track`.
    pub event: String,
    /// SHA-256 of the event's content (`null` when not built).
    pub sha256: Option<String>,
    /// The track's `messageId` (`null` when not built).
    pub message_id: Option<String>,
    /// Size of the body in bytes (`null` when not built).
    pub bytes: Option<usize>,
    /// Outcome.
    pub status: EventStatus,
    /// The last HTTP status the collector answered.
    pub http_status: Option<u16>,
    /// POSTs made.
    pub attempts: u32,
    /// The outcome in words, as in the table's STATUS column.
    pub detail: String,
    /// `--dry-run` only: the exact body that would be posted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// Runs `send`.
pub fn run(ctx: &Context, args: &SendArgs) -> Result<Exit> {
    let expected = parse_expected(&args.expect_sha256)?;

    // 1. Local checks: no network at all.
    if ctx.do_not_track() {
        return Err(Error::policy("DO_NOT_TRACK is set: nothing was sent")
            .hint("unset DO_NOT_TRACK (or set it to 0) to let `dcos telemetry send` post"));
    }
    let cluster = ctx.cluster()?;
    if let Some((true, setting)) = cluster.settings.get_bool("opt_out")? {
        return Err(Error::policy(format!(
            "telemetry is opted out for this cluster (opt_out = true, {}): nothing was sent",
            setting.source
        ))
        .hint("`dcos telemetry opt-out --undo` removes the local opt-out"));
    }
    let endpoint = Endpoint::resolve(args, &cluster.settings)?;
    let write_key = if args.dry_run {
        match resolve_write_key(args, &cluster) {
            Ok(Some(_)) => None,
            Ok(None) => {
                output::warn(&format!(
                    "no write key is configured: a real send would stop here ({})",
                    WRITE_KEY_SOURCES
                ));
                None
            }
            Err(err) => {
                output::warn(&format!("a real send would stop here: {}", err.message()));
                None
            }
        }
    } else {
        Some(resolve_write_key(args, &cluster)?.ok_or_else(missing_write_key)?)
    };

    // 2. The cluster's state; fail closed when it cannot be read.
    let state = check_cluster(&cluster, &endpoint, args.payload.as_version.as_deref())?;

    // 3. The payload and every body, before any POST (from the documents read in 2).
    let mut options = show_payload::options(&args.payload);
    options.as_version = state.as_version;
    options.known = Some((state.ui, state.version));
    let collected = collect::collect(ctx, &options)?;
    show_payload::report_notes(&collected);
    if !args.allow_partial
        && !args.dry_run
        && let Some(err) = collected.partial_error()
    {
        // A partial delivery is easy to mistake for a whole one: send all or nothing, unless asked.
        return Err(err.hint(
            "nothing was sent; --allow-partial sends the events that could be read, as dcos-signal does",
        ));
    }
    let bodies = segment_bodies::build(&collected)?;
    if let Some(expected) = &expected {
        check_expected(expected, &bodies)?;
    }

    if args.dry_run {
        return dry_run(args, &cluster, &collected, &endpoint, &bodies);
    }
    let write_key = write_key.expect("resolved above when not a dry run");
    info!("write key from {}", write_key.1);

    // 4. Post.
    let log_path = delivery_log::location(
        &ctx.env,
        cluster.dir.as_deref(),
        Some(collected.cluster_id.as_str()),
    );
    if log_path.is_none() {
        output::warn(
            "deliveries are not recorded: no folder for this cluster is known (set DCOS_DIR or HOME)",
        );
    }
    if endpoint.base.starts_with("http://") {
        output::warn(&format!(
            "{} is plain HTTP: the write key and the payload travel unencrypted",
            endpoint.base
        ));
    }
    let client = Http::new(&endpoint.base, &endpoint.tls, cluster.timeout, None)?;
    let poster = Poster {
        http: &client,
        authorization: basic_authorization(&write_key.0),
        budget: Duration::from_secs(args.retry_for),
        timeout: cluster.timeout,
    };
    let deadline = Instant::now() + poster.budget;
    let mut outcomes = Vec::with_capacity(bodies.len());
    for body in &bodies {
        let progress = Progress::start(&format!(
            "posting {} to {}",
            body.event.name(),
            endpoint.base
        ));
        let outcome = poster.deliver(body, deadline);
        drop(progress);
        if let Some(path) = &log_path {
            record(path, &endpoint.base, body, &outcome);
        }
        outcomes.push(outcome);
    }
    let report = build_report(
        &cluster,
        &collected,
        &endpoint,
        &bodies,
        &outcomes,
        log_path.as_deref(),
        false,
    );
    if args.json {
        output::print(&output::json(&report))?;
    } else {
        output::print(&render(&report))?;
    }
    finish(&report, &collected, &outcomes, &endpoint)
}

/// Where the write key may come from, for messages.
const WRITE_KEY_SOURCES: &str = "--write-key-file, DCOS_TELEMETRY_WRITE_KEY or the [telemetry] write_key setting, or the keyring";

fn missing_write_key() -> Error {
    Error::new("no Segment write key: nothing was sent")
        .hint("give it with --write-key-file FILE (mode 0600), DCOS_TELEMETRY_WRITE_KEY, or `dcos config set telemetry.write_key <key>`")
        .hint("the keyring is consulted last, under the cluster's id")
}

fn disabled() -> Error {
    Error::policy("telemetry is disabled on this cluster (telemetry_enabled 'false'): nothing was sent")
        .hint("dcos-signal sends nothing from this cluster, and neither does `dcos telemetry send`; `dcos telemetry status` shows what decides it")
}

// ---------------------------------------------------------------------------------------------
// Endpoint

/// The collector to post to.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Base URL without a trailing slash (and without `/v1/batch`).
    pub base: String,
    /// Named by `--endpoint` or the `endpoint` setting, and not Segment's own API.
    pub own: bool,
    /// Certificate verification.
    pub tls: Tls,
}

impl Endpoint {
    fn resolve(args: &SendArgs, settings: &Settings) -> Result<Endpoint> {
        let (value, source) = match (&args.endpoint, settings.get("endpoint")) {
            (Some(flag), _) => (flag.clone(), Some("--endpoint".to_string())),
            (None, Some(setting)) => (
                setting.value.clone(),
                Some(format!("the endpoint setting ({})", setting.source)),
            ),
            (None, None) => (DEFAULT_ENDPOINT.to_string(), None),
        };
        let base = parse_endpoint(&value, source.as_deref().unwrap_or("the default endpoint"))?;
        let host = url::Url::parse(&base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let own = source.is_some() && host != SEGMENT_HOST;
        let tls = if args.endpoint_insecure {
            Tls::Insecure
        } else if let Some(ca) = &args.endpoint_ca_file {
            check_ca(ca, "--endpoint-ca-file")?;
            Tls::CaBundle(ca.clone())
        } else if settings
            .get_bool("endpoint_insecure")?
            .is_some_and(|(v, _)| v)
        {
            Tls::Insecure
        } else if let Some(ca) = settings.get("endpoint_ca") {
            let path = PathBuf::from(&ca.value);
            check_ca(&path, &format!("the endpoint_ca setting ({})", ca.source))?;
            Tls::CaBundle(path)
        } else {
            Tls::System
        };
        Ok(Endpoint { base, own, tls })
    }
}

/// Checks a collector URL and returns its base: `http(s)://host[:port][/prefix]`, without a
/// trailing slash or a trailing `/v1/batch`.
fn parse_endpoint(value: &str, source: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::usage(format!("{source} is not a usable collector URL: {why}")).hint(
            "give the collector's base URL, e.g. https://api.segment.io or https://rudder.example.com",
        )
    };
    let url = url::Url::parse(value.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(bad("only https:// (or http://) URLs are supported"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "it holds credentials; the write key is sent as Basic auth on its own",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it has a query or fragment"));
    }
    let text = url.as_str().trim_end_matches('/');
    let text = text.strip_suffix(BATCH_PATH).unwrap_or(text);
    Ok(text.trim_end_matches('/').to_string())
}

fn check_ca(path: &Path, source: &str) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(Error::new(format!(
            "the collector CA bundle {} is not a file",
            path.display()
        ))
        .hint(format!("{source} must name a PEM file"))),
        Err(e) => Err(Error::new(format!(
            "cannot read the collector CA bundle {}: {e}",
            path.display()
        ))
        .hint(format!("{source} must name a readable PEM file"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Write key

/// The write key and where it came from (never the key itself in any message).
fn resolve_write_key(args: &SendArgs, cluster: &Cluster) -> Result<Option<(Secret, String)>> {
    if let Some(path) = &args.write_key_file {
        let key = read_write_key_file(path)?;
        if args.remember_write_key && args.dry_run {
            crate::output::notice("--dry-run: the write key was not stored in the keyring");
        } else if args.remember_write_key {
            let store = crate::auth::open_store(cluster)?;
            store
                .set_key(&write_key_entry(cluster), key.expose())
                .map_err(crate::auth::keyring_error)?;
            crate::output::notice(&format!(
                "the write key is now kept in {} for this cluster",
                store.backend().name()
            ));
        }
        return Ok(Some((key, format!("--write-key-file {}", path.display()))));
    }
    if let Some(setting) = cluster.settings.get("write_key") {
        let source = format!("the write_key setting ({})", setting.source);
        check_write_key(&setting.value, &source)?;
        return Ok(Some((Secret::new(setting.value.clone()), source)));
    }
    if let Some(key) = keyring_write_key(cluster)? {
        return Ok(Some((key, "the keyring".to_string())));
    }
    Ok(None)
}

/// The keyring entry of this cluster's write key (`send --remember-write-key` stores it).
pub fn write_key_entry(cluster: &Cluster) -> dcos_telemetry_keyring::Key {
    dcos_telemetry_keyring::Key::write_key(&crate::auth::local_cluster_key(cluster))
}

/// The write key stored in the OS keyring for this cluster, if any (no keyring: none).
fn keyring_write_key(cluster: &Cluster) -> Result<Option<Secret>> {
    let store = match crate::auth::open_store(cluster) {
        Ok(store) => store,
        Err(err) => {
            log::info!("no keyring for the write key: {}", err.message());
            return Ok(None);
        }
    };
    match store.get_key(&write_key_entry(cluster)) {
        Ok(key) => Ok(key.map(Secret::new)),
        Err(e) => {
            log::info!("cannot read the write key from the keyring: {e}");
            Ok(None)
        }
    }
}

/// Reads a write-key file: private (like the DC/OS CLI's rule for key files), small, one line;
/// one trailing newline is dropped.
fn read_write_key_file(path: &Path) -> Result<Secret> {
    let shown = path.display();
    // A write key is a secret: the same rule as for private keys (mode 0400 or 0600). A
    // refusal here is a configuration error (exit 1), not an authentication failure.
    let meta = crate::fsutil::require_private_file(path).map_err(|e| {
        Error::with_exit(Exit::Error, e.message())
            .hint(format!("the write key is a secret: `chmod 600 {shown}`"))
    })?;
    if meta.len() > WRITE_KEY_FILE_CAP {
        return Err(Error::new(format!(
            "the write key file {shown} is {} bytes: too large for a write key",
            meta.len()
        ))
        .hint("the file must hold only the write key, on one line"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::new(format!("cannot read the write key file {shown}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::new(format!("the write key file {shown} is not UTF-8 text")))?;
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    check_write_key(text, &format!("the write key file {shown}"))?;
    Ok(Secret::new(text))
}

fn check_write_key(key: &str, source: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::new(format!("{source} is empty")).hint(WRITE_KEY_SOURCES));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::new(format!(
            "{source} holds spaces, line breaks or control characters: not a write key"
        ))
        .hint("a Segment write key is one word on one line"));
    }
    Ok(())
}

/// `Basic base64("<write key>:")`: the key as user name, an empty password.
fn basic_authorization(key: &Secret) -> Secret {
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:", key.expose()).as_bytes());
    Secret::new(format!("Basic {encoded}"))
}

// ---------------------------------------------------------------------------------------------
// Cluster state

/// What [`check_cluster`] read and decided.
struct ClusterState {
    /// The `--as-version` to build with.
    as_version: Option<String>,
    /// The cluster's ui-config (tracking is enabled).
    ui: metadata::UiConfig,
    /// The cluster's version document.
    version: metadata::DcosVersion,
}

/// Refuses unless the cluster's telemetry is on and its release has a dcos-signal (or the
/// endpoint is the operator's own collector).
fn check_cluster(
    cluster: &Cluster,
    endpoint: &Endpoint,
    as_version: Option<&str>,
) -> Result<ClusterState> {
    let http = Http::for_cluster(cluster)?;
    let (ui, version) = thread::scope(|s| {
        let ui = s.spawn(|| metadata::ui_config(&http));
        let version = s.spawn(|| metadata::dcos_version(&http));
        (join(ui), join(version))
    });
    let cannot_tell = |why: &str| {
        Error::policy(format!(
            "cannot tell whether telemetry is enabled on this cluster ({why}): nothing was sent"
        ))
        .hint("`dcos telemetry send` fails closed: it posts only when the cluster's ui-config.json says tracking is enabled")
    };
    let ui = ui.map_err(|e| cannot_tell(e.message()))?;
    match ui.tracking_enabled {
        Some(true) => {}
        Some(false) => return Err(disabled()),
        None => {
            return Err(cannot_tell(&format!(
                "{} does not say",
                metadata::UI_CONFIG
            )));
        }
    }
    let version = version.map_err(|e| {
        Error::policy(format!(
            "cannot tell which DC/OS version this cluster runs ({}): nothing was sent",
            e.message()
        ))
        .hint("`dcos telemetry send` fails closed when the cluster's dcos-version.json cannot be read")
    })?;
    let facts = signal_facts::for_version(&version.version);
    if facts.has_signal == Tristate::Present {
        return Ok(ClusterState {
            as_version: as_version.map(String::from),
            ui,
            version,
        });
    }
    if endpoint.own {
        let shape = as_version.unwrap_or(OWN_COLLECTOR_SHAPE).to_string();
        if as_version.is_none() {
            output::notice(&format!(
                "note: DC/OS {} has no dcos-signal; for your own collector the payload is built in DC/OS {shape}'s shape (--as-version chooses another)",
                version.version
            ));
        }
        return Ok(ClusterState {
            as_version: Some(shape),
            ui,
            version,
        });
    }
    let why = if facts.has_signal == Tristate::Absent {
        format!(
            "DC/OS {} has no dcos-signal, so this cluster sends no telemetry: nothing was sent",
            version.version
        )
    } else {
        format!(
            "DC/OS {} is not a release this tool knows the dcos-signal of: nothing was sent",
            version.version
        )
    };
    Err(Error::policy(why).hint(
        "to feed a collector of your own, name it with --endpoint URL (--as-version chooses the payload's shape)",
    ))
}

// ---------------------------------------------------------------------------------------------
// --expect-sha256

/// Parses `--expect-sha256` values (`sha256:<hex>` or `<hex>`, any case).
fn parse_expected(values: &[String]) -> Result<Option<Vec<String>>> {
    if values.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        let trimmed = value.trim();
        let hex = trimmed
            .strip_prefix("sha256:")
            .or_else(|| trimmed.strip_prefix("SHA256:"))
            .unwrap_or(trimmed)
            .to_ascii_lowercase();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::usage(format!(
                "invalid value {value:?} for --expect-sha256: expected 64 hexadecimal digits"
            ))
            .hint("pass the hashes `dcos telemetry show-payload --segment` prints (sha256:…)"));
        }
        out.push(hex);
    }
    Ok(Some(out))
}

/// Refuses (exit 3) unless the bodies' hashes are exactly the expected ones.
fn check_expected(expected: &[String], bodies: &[Body]) -> Result<()> {
    let changed: Vec<&Body> = bodies
        .iter()
        .filter(|b| !expected.contains(&b.sha256))
        .collect();
    let unmatched = expected
        .iter()
        .filter(|h| !bodies.iter().any(|b| &b.sha256 == *h))
        .count();
    if changed.is_empty() && unmatched == 0 {
        output::notice("the payload matches the reviewed SHA-256 hashes");
        return Ok(());
    }
    for body in bodies {
        let mark = if expected.contains(&body.sha256) {
            "reviewed"
        } else {
            "differs"
        };
        output::notice(&format!(
            "sha256:{}  {}  {mark}",
            body.sha256,
            body.event.name()
        ));
    }
    let mut parts = Vec::new();
    if !changed.is_empty() {
        parts.push(format!(
            "{} changed",
            changed
                .iter()
                .map(|b| b.event.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if unmatched > 0 {
        parts.push(format!(
            "{unmatched} expected hash{} matched no event",
            if unmatched == 1 { "" } else { "es" }
        ));
    }
    Err(Error::with_exit(
        Exit::Mismatch,
        format!(
            "the payload differs from the one reviewed ({}): nothing was sent",
            parts.join("; ")
        ),
    )
    .hint("review it again with `dcos telemetry show-payload --segment` (same --event and identity flags) and pass the hashes it prints"))
}

// ---------------------------------------------------------------------------------------------
// Delivery

/// How one event went.
#[derive(Clone, Debug)]
struct Outcome {
    delivered: bool,
    http_status: Option<u16>,
    attempts: u32,
    /// The STATUS column.
    detail: String,
    /// Why it failed, without the "failed" prefix.
    error: Option<String>,
    /// The collector refused the write key (401/403).
    auth: bool,
}

/// Posts bodies to the collector.
struct Poster<'a> {
    http: &'a Http,
    authorization: Secret,
    budget: Duration,
    timeout: Option<Duration>,
}

/// What one attempt gave.
enum Attempt {
    Delivered(u16),
    /// Try again (after `Retry-After` when the collector said so).
    Retry {
        why: String,
        status: Option<u16>,
        retry_after: Option<Duration>,
    },
    /// Do not try again.
    Fatal {
        why: String,
        status: Option<u16>,
    },
}

impl Poster<'_> {
    /// Posts one body, retrying with the same bytes until `deadline`.
    fn deliver(&self, body: &Body, deadline: Instant) -> Outcome {
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let (why, status, retry_after) = match self.attempt(body, deadline) {
                Attempt::Delivered(code) => {
                    let detail = if attempts == 1 {
                        format!("delivered (HTTP {code})")
                    } else {
                        format!("delivered (HTTP {code}) after {attempts} attempts")
                    };
                    return Outcome {
                        delivered: true,
                        http_status: Some(code),
                        attempts,
                        detail,
                        error: None,
                        auth: false,
                    };
                }
                Attempt::Fatal { why, status } => return failed(attempts, why, status),
                Attempt::Retry {
                    why,
                    status,
                    retry_after,
                } => (why, status, retry_after),
            };
            let left = deadline.saturating_duration_since(Instant::now());
            let wait = match retry_after {
                Some(wait) if wait > left => {
                    let why = format!(
                        "{why} (Retry-After {} s is past the --retry-for budget)",
                        wait.as_secs()
                    );
                    return failed(attempts, why, status);
                }
                Some(wait) => wait,
                None => backoff(attempts),
            };
            if self.budget.is_zero() || wait >= left {
                return failed(attempts, why, status);
            }
            info!(
                "{}: {why}; retrying in {} ms (attempt {})",
                body.event.name(),
                wait.as_millis(),
                attempts + 1
            );
            let progress = Progress::start(&format!(
                "{}: {why}; retrying in {:.1} s",
                body.event.name(),
                wait.as_secs_f64()
            ));
            thread::sleep(wait);
            drop(progress);
        }
    }

    fn attempt(&self, body: &Body, deadline: Instant) -> Attempt {
        let mut req = Request::get(BATCH_PATH)
            .public()
            .body(Method::POST, body.bytes.clone())
            .header("Content-Type", "application/json")
            .secret_header("Authorization", self.authorization.clone(), "Basic ****")
            .cap(ANSWER_CAP);
        if !self.budget.is_zero() {
            // While retrying, one attempt may not outlast the budget by much.
            let left = deadline.saturating_duration_since(Instant::now());
            let mut limit = left.max(MIN_ATTEMPT);
            if let Some(timeout) = self.timeout {
                limit = limit.min(timeout);
            }
            req = req.timeout(limit);
        }
        match self.http.exchange(req) {
            Ok(answer) => {
                let code = answer.status.as_u16();
                if answer.status.is_success() {
                    return Attempt::Delivered(code);
                }
                let why = status_text(answer.status, &answer.body);
                if code == 429 || answer.status.is_server_error() {
                    Attempt::Retry {
                        why,
                        status: Some(code),
                        retry_after: retry_after(&answer.headers),
                    }
                } else {
                    Attempt::Fatal {
                        why,
                        status: Some(code),
                    }
                }
            }
            // A certificate problem does not go away by asking again.
            Err(err) if err.message() == http::SSL_ERROR => Attempt::Fatal {
                why: "TLS failed: the collector's certificate was rejected (--endpoint-ca-file names its CA)".to_string(),
                status: None,
            },
            Err(err) => Attempt::Retry {
                why: err.message().to_string(),
                status: None,
                retry_after: None,
            },
        }
    }
}

fn failed(attempts: u32, why: String, status: Option<u16>) -> Outcome {
    let detail = if attempts == 1 {
        format!("failed: {why}")
    } else {
        format!("failed after {attempts} attempts: {why}")
    };
    Outcome {
        delivered: false,
        http_status: status,
        attempts,
        error: Some(why),
        detail,
        auth: matches!(status, Some(401 | 403)),
    }
}

/// `HTTP 400 Bad Request: Invalid JSON` (the collector's own words, when it gave some).
fn status_text(status: reqwest::StatusCode, body: &[u8]) -> String {
    let reason = status.canonical_reason().unwrap_or_default();
    let mut text = format!("HTTP {} {reason}", status.as_u16());
    if let Some(detail) = http::dcos_error_detail(body) {
        // `Bad Request: <why>` would repeat the status line.
        let detail = detail
            .strip_prefix(reason)
            .and_then(|d| d.strip_prefix(": "))
            .unwrap_or(&detail);
        let clean: String = detail
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(200)
            .collect();
        text.push_str(": ");
        text.push_str(clean.trim());
    }
    text.trim_end().to_string()
}

/// `Retry-After` in seconds (an HTTP-date is not honoured: the back-off applies instead).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Exponential back-off with full jitter: a random wait up to `500 ms · 2^(failures-1)`,
/// at most 30 s.
fn backoff(failures: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1u32 << failures.saturating_sub(1).min(16))
        .min(BACKOFF_CAP);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=millis))
}

fn record(path: &Path, endpoint: &str, body: &Body, outcome: &Outcome) {
    let entry = Entry {
        time: delivery_log::now_rfc3339(),
        endpoint: endpoint.to_string(),
        event: body.event.name().to_string(),
        message_id: body.message_id.clone(),
        sha256: body.sha256.clone(),
        status: if outcome.delivered {
            Delivery::Delivered
        } else {
            Delivery::Failed
        },
        http_status: outcome.http_status,
        attempts: outcome.attempts,
        error: outcome.error.clone(),
    };
    if let Err(e) = delivery_log::append(path, &[entry]) {
        output::warn(&format!(
            "cannot record the delivery in {}: {e}",
            path.display()
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Output

fn build_report(
    cluster: &Cluster,
    collected: &Collected,
    endpoint: &Endpoint,
    bodies: &[Body],
    outcomes: &[Outcome],
    log_path: Option<&Path>,
    dry_run: bool,
) -> Report {
    let mut events = Vec::with_capacity(collected.events.len());
    for event in &collected.events {
        let found = bodies.iter().position(|b| b.event == *event);
        let report = match found {
            Some(i) => {
                let body = &bodies[i];
                let (status, http_status, attempts, detail) = if dry_run {
                    (
                        EventStatus::WouldSend,
                        None,
                        0,
                        format!("would send ({} bytes)", body.bytes.len()),
                    )
                } else {
                    let o = &outcomes[i];
                    (
                        if o.delivered {
                            EventStatus::Delivered
                        } else {
                            EventStatus::Failed
                        },
                        o.http_status,
                        o.attempts,
                        o.detail.clone(),
                    )
                };
                EventReport {
                    event: event.name().to_string(),
                    sha256: Some(body.sha256.clone()),
                    message_id: Some(body.message_id.clone()),
                    bytes: Some(body.bytes.len()),
                    status,
                    http_status,
                    attempts,
                    detail,
                    body: dry_run.then(|| String::from_utf8_lossy(&body.bytes).into_owned()),
                }
            }
            None => {
                let why = collected
                    .failures
                    .iter()
                    .find(|f| f.event == *event)
                    .map(|f| f.error.message().to_string())
                    .unwrap_or_else(|| "no data".to_string());
                EventReport {
                    event: event.name().to_string(),
                    sha256: None,
                    message_id: None,
                    bytes: None,
                    status: EventStatus::NotSent,
                    http_status: None,
                    attempts: 0,
                    detail: format!("not sent: {why}"),
                    body: None,
                }
            }
        };
        events.push(report);
    }
    Report {
        schema_version: SCHEMA_VERSION,
        dry_run,
        cluster: ReportCluster {
            name: cluster.name.clone(),
            id: collected.cluster_id.clone(),
            url: cluster.url.clone(),
        },
        endpoint: endpoint.base.clone(),
        version: collected.version.clone(),
        delivered: events
            .iter()
            .filter(|e| e.status == EventStatus::Delivered)
            .count(),
        failed: events
            .iter()
            .filter(|e| e.status == EventStatus::Failed)
            .count(),
        events,
        log_file: log_path.map(|p| p.display().to_string()),
    }
}

/// The table: `EVENT  SHA256  MESSAGE-ID  STATUS`.
pub fn render(report: &Report) -> String {
    let rows: Vec<Vec<String>> = report
        .events
        .iter()
        .map(|e| {
            vec![
                e.event.clone(),
                e.sha256.clone().unwrap_or_else(|| "-".into()),
                e.message_id.clone().unwrap_or_else(|| "-".into()),
                e.detail.clone(),
            ]
        })
        .collect();
    output::table(&["event", "sha256", "message-id", "status"], &rows, &[])
}

fn dry_run(
    args: &SendArgs,
    cluster: &Cluster,
    collected: &Collected,
    endpoint: &Endpoint,
    bodies: &[Body],
) -> Result<Exit> {
    if args.json {
        let report = build_report(cluster, collected, endpoint, bodies, &[], None, true);
        output::print(&output::json(&report))?;
    } else {
        let mut out = Vec::new();
        for body in bodies {
            out.extend_from_slice(&body.bytes);
            out.push(b'\n');
        }
        output::print_bytes(&out)?;
        for body in bodies {
            output::notice(&format!(
                "sha256:{}  {}  ({} bytes)",
                body.sha256,
                body.event.name(),
                body.bytes.len()
            ));
        }
    }
    output::notice(&format!(
        "dry run: nothing was sent; `dcos telemetry send` would post {} bod{} to {}{BATCH_PATH}",
        bodies.len(),
        if bodies.len() == 1 { "y" } else { "ies" },
        endpoint.base
    ));
    show_payload::finish(collected)
}

fn finish(
    report: &Report,
    collected: &Collected,
    outcomes: &[Outcome],
    endpoint: &Endpoint,
) -> Result<Exit> {
    if report.failed == 0 {
        return show_payload::finish(collected);
    }
    if let Some(err) = collected.partial_error() {
        output::warn(err.message());
    }
    let failed: Vec<&str> = report
        .events
        .iter()
        .filter(|e| e.status == EventStatus::Failed)
        .map(|e| e.event.as_str())
        .collect();
    let sent = report.delivered + report.failed;
    let mut err = Error::new(format!(
        "{} of {sent} event{} could not be delivered to {}",
        failed.len(),
        if sent == 1 { "" } else { "s" },
        endpoint.base
    ));
    if outcomes.iter().any(|o| o.auth) {
        err = err.hint("the collector refused the write key; check it (--write-key-file, DCOS_TELEMETRY_WRITE_KEY or the write_key setting)");
    }
    Err(err.hint(format!(
        "send only those again with `dcos telemetry send --event {}`",
        failed.join(",")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked_and_normalized() {
        let ok = |v: &str| parse_endpoint(v, "--endpoint").unwrap();
        assert_eq!(ok("https://api.segment.io"), "https://api.segment.io");
        assert_eq!(ok("https://api.segment.io/"), "https://api.segment.io");
        assert_eq!(
            ok("https://rudder.example.com:8443/segment/v1/batch"),
            "https://rudder.example.com:8443/segment"
        );
        assert_eq!(ok("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
        let bad = |v: &str| parse_endpoint(v, "--endpoint").unwrap_err();
        assert_eq!(
            bad("ftp://x").message(),
            "--endpoint is not a usable collector URL: only https:// (or http://) URLs are supported"
        );
        assert_eq!(
            bad("https://user:pw@x").message(),
            "--endpoint is not a usable collector URL: it holds credentials; the write key is sent as Basic auth on its own"
        );
        assert_eq!(
            bad("https://x/?a=1").message(),
            "--endpoint is not a usable collector URL: it has a query or fragment"
        );
        assert_eq!(
            bad("not a url").message(),
            "--endpoint is not a usable collector URL: relative URL without a base"
        );
        assert_eq!(bad("x").exit(), Exit::Usage);
    }

    #[test]
    fn basic_auth_is_the_key_as_user_with_an_empty_password() {
        let value = basic_authorization(&Secret::new("<WRITE_KEY>"));
        // The fixture's placeholder value (segment-v1-batch.request-meta.json).
        assert_eq!(value.expose(), "Basic PFdSSVRFX0tFWT46");
        assert_eq!(format!("{value:?}"), "Secret(****)");
    }

    #[test]
    fn expected_hashes_accept_the_printed_form() {
        let hex = "AB".repeat(32);
        let got = parse_expected(&[format!("sha256:{hex}"), hex.clone()])
            .unwrap()
            .unwrap();
        assert_eq!(got, vec!["ab".repeat(32), "ab".repeat(32)]);
        assert_eq!(parse_expected(&[]).unwrap(), None);
        let err = parse_expected(&["sha256:abc".into()]).unwrap_err();
        assert_eq!(err.exit(), Exit::Usage);
        assert_eq!(
            err.message(),
            "invalid value \"sha256:abc\" for --expect-sha256: expected 64 hexadecimal digits"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for _ in 0..100 {
            assert!(backoff(1) <= Duration::from_millis(500));
            assert!(backoff(3) <= Duration::from_secs(2));
            assert!(backoff(40) <= BACKOFF_CAP);
        }
        // Full jitter: not a constant.
        let waits: std::collections::BTreeSet<Duration> = (0..50).map(|_| backoff(6)).collect();
        assert!(waits.len() > 1);
    }

    #[test]
    fn retry_after_is_read_in_seconds_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn status_text_quotes_the_collector() {
        let code = reqwest::StatusCode::BAD_REQUEST;
        assert_eq!(
            status_text(code, br#"{"success":false,"message":"Invalid JSON"}"#),
            "HTTP 400 Bad Request: Invalid JSON"
        );
        assert_eq!(
            status_text(reqwest::StatusCode::SERVICE_UNAVAILABLE, b"<html>"),
            "HTTP 503 Service Unavailable"
        );
        assert_eq!(
            status_text(code, b"{\"message\":\"two\\nlines\"}"),
            "HTTP 400 Bad Request: two lines"
        );
        assert_eq!(
            status_text(code, br#"{"title":"Bad Request","description":"no"}"#),
            "HTTP 400 Bad Request: no"
        );
        assert_eq!(
            status_text(reqwest::StatusCode::from_u16(599).unwrap(), b""),
            "HTTP 599"
        );
    }

    #[test]
    fn write_keys_are_one_word() {
        assert!(check_write_key("abcDEF123", "x").is_ok());
        assert_eq!(
            check_write_key("", "x").unwrap_err().message(),
            "x is empty"
        );
        assert_eq!(
            check_write_key("a b", "x").unwrap_err().message(),
            "x holds spaces, line breaks or control characters: not a write key"
        );
    }

    #[cfg(unix)]
    #[test]
    fn write_key_files_must_be_private_and_lose_one_newline() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("key");
        std::fs::write(&path, "k3y\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_write_key_file(&path).unwrap_err();
        assert_eq!(
            err.message(),
            format!(
                "permissions 0644 for '{}' are too open, expected 0400 or 0600",
                path.display()
            )
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(read_write_key_file(&path).unwrap().expose(), "k3y");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, "k3y\r\n").unwrap();
        assert_eq!(read_write_key_file(&path).unwrap().expose(), "k3y");
        std::fs::write(&path, "k3y\n\n").unwrap();
        assert!(read_write_key_file(&path).is_err());
    }
}
