//! Everything dcos-signal reads, fetched concurrently through Admin Router and parsed in one
//! streaming pass each: the health report, Cosmos' package list, Mesos' frameworks and metrics,
//! plus the cluster's identity (version, ui-config, `/metadata`).

use std::io::{self, Read};
use std::sync::{Arc, Mutex};
use std::thread;

use dcos_telemetry_signal::{
    HealthReport, MesosReport, PackageList, ParseError, ParseErrorKind, parse_health_report,
    parse_mesos, parse_package_list,
};
use reqwest::Method;

use crate::dcos::metadata::{self, DcosVersion, Metadata, UiConfig};
use crate::error::{Error, Exit, Result};
use crate::http::{self, Http, Request};

/// The health report route (dcos-signal adds `?cache=0`; so does `--fresh`).
pub const REPORT: &str = "/system/health/v1/report";
/// The health report route asking for a fresh pull of every node (blocks up to a minute).
pub const REPORT_FRESH: &str = "/system/health/v1/report?cache=0";
/// Cosmos' package list.
pub const PACKAGE_LIST: &str = "/package/list";
/// Mesos' frameworks.
pub const FRAMEWORKS: &str = "/mesos/frameworks";
/// Mesos' metrics.
pub const METRICS: &str = "/mesos/metrics/snapshot";
/// Cosmos request media type (what dcos-signal sends).
pub const LIST_REQUEST_TYPE: &str =
    "application/vnd.dcos.package.list-request+json;charset=utf-8;version=v1";
/// Cosmos response media type.
pub const LIST_RESPONSE_TYPE: &str =
    "application/vnd.dcos.package.list-response+json;charset=utf-8;version=v1";

/// Which documents to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wanted {
    /// The health report (for `health`).
    pub health: bool,
    /// Ask for a fresh pull (`?cache=0`).
    pub fresh: bool,
    /// The package list (for `package_list`).
    pub packages: bool,
    /// Frameworks and metrics (for `mesos_track`).
    pub mesos: bool,
    /// `dcos-version.json` and `ui-config.json`. (`/metadata` is read whenever there is a
    /// token: it holds the cluster id.)
    pub identity: bool,
}

/// What was read; each part independently succeeded or failed.
pub struct Fetched {
    /// The parsed health report.
    pub health: Option<Result<HealthReport>>,
    /// The parsed package list.
    pub packages: Option<Result<PackageList>>,
    /// The merged Mesos report.
    pub mesos: Option<Result<MesosReport>>,
    /// `dcos-version.json`.
    pub version: Option<Result<DcosVersion>>,
    /// `ui-config.json`.
    pub ui: Option<Result<UiConfig>>,
    /// `/metadata`.
    pub metadata: Option<Result<Metadata>>,
}

/// Fetches everything wanted, each document on its own thread.
pub fn fetch(http: &Http, wanted: Wanted) -> Fetched {
    thread::scope(|s| {
        let health = wanted.health.then(|| {
            s.spawn(move || {
                let path = if wanted.fresh { REPORT_FRESH } else { REPORT };
                read_parsed(
                    http,
                    Request::get(path).cap(http::report_cap()),
                    "health report",
                    |r| parse_health_report(r),
                )
            })
        });
        let packages = wanted.packages.then(|| {
            s.spawn(|| {
                let req = Request::get(PACKAGE_LIST)
                    .body(Method::POST, b"{}".to_vec())
                    .header("Content-Type", LIST_REQUEST_TYPE)
                    .header("Accept", LIST_RESPONSE_TYPE);
                read_parsed(http, req, "package list", |r| parse_package_list(r))
            })
        });
        let frameworks = wanted
            .mesos
            .then(|| s.spawn(|| json_bytes(http, FRAMEWORKS)));
        let metrics = wanted.mesos.then(|| s.spawn(|| json_bytes(http, METRICS)));
        let version = wanted
            .identity
            .then(|| s.spawn(|| metadata::dcos_version(http)));
        let ui = wanted
            .identity
            .then(|| s.spawn(|| metadata::ui_config(http)));
        let meta = http
            .has_token()
            .then(|| s.spawn(|| metadata::metadata(http)));
        let mesos = match (frameworks, metrics) {
            (Some(f), Some(m)) => Some(join(f).and_then(|f| join(m).map(|m| (f, m))).and_then(
                |(f, m)| match parse_mesos(&f[..], &m[..]) {
                    Ok(Some(report)) => Ok(report),
                    Ok(None) => Err(Error::new(format!(
                        "{}{FRAMEWORKS} and {METRICS} held no data (null)",
                        http.base()
                    ))),
                    Err((which, err)) => {
                        let path = if which == 0 { FRAMEWORKS } else { METRICS };
                        Err(parse_error(
                            &format!("{}{path}", http.base()),
                            "Mesos document",
                            &err,
                            None,
                        ))
                    }
                },
            )),
            _ => None,
        };
        Fetched {
            health: health.map(join),
            packages: packages.map(join),
            mesos,
            version: version.map(join),
            ui: ui.map(join),
            metadata: meta.map(join),
        }
    })
}

fn json_bytes(http: &Http, path: &str) -> Result<Vec<u8>> {
    let body = http.send(Request::get(path))?;
    if http::is_html(body.headers()) {
        return Err(http::html_instead_of_json(body.url()));
    }
    body.bytes()
}

/// Waits for a request thread; a panic in it becomes an error instead of ending the process.
pub(crate) fn join<T>(handle: thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(Error::new("internal error: a request thread panicked")))
}

/// Sends `req` and feeds the body to `parse` while it downloads.
fn read_parsed<T>(
    http: &Http,
    req: Request<'_>,
    what: &str,
    parse: impl FnOnce(&mut dyn Read) -> std::result::Result<T, ParseError>,
) -> Result<T> {
    let body = http.send(req)?;
    let url = body.url().to_string();
    if http::is_html(body.headers()) {
        return Err(http::html_instead_of_json(&url));
    }
    let tap = Tap::new(body.into_reader());
    let last_io = tap.last_error.clone();
    let mut reader = io::BufReader::with_capacity(256 * 1024, tap);
    parse(&mut reader).map_err(|err| {
        let io_error = last_io.lock().ok().and_then(|mut e| e.take());
        if let Some(io_error) = io_error {
            return http::body_error(&url, &io_error);
        }
        parse_error(&url, what, &err, None)
    })
}

/// An operator message for a document that does not decode.
pub fn parse_error(url: &str, what: &str, err: &ParseError, hint: Option<&str>) -> Error {
    let e = match &err.kind {
        ParseErrorKind::UnexpectedEof => Error::new(format!(
            "the {what} from {url} ended early at byte {} (truncated JSON)",
            err.offset
        ))
        .hint("the connection was cut or the server stopped writing; try again"),
        ParseErrorKind::Type { .. } | ParseErrorKind::NullDocument => Error::new(format!(
            "the {what} from {url} does not have the shape dcos-signal expects: {err}"
        ))
        .hint("dcos-signal would fail on this document too and send nothing for it"),
        _ => Error::new(format!("the {what} from {url} is not valid JSON: {err}"))
            .hint("the cluster or a proxy in front of it sent something that is not the expected document"),
    };
    match hint {
        Some(h) => e.hint(h),
        None => e,
    }
}

/// A reader that remembers the last I/O error, so a parser's text error can be explained
/// (cap exceeded, connection cut, timeout).
struct Tap<R> {
    inner: R,
    last_error: Arc<Mutex<Option<io::Error>>>,
}

impl<R> Tap<R> {
    fn new(inner: R) -> Tap<R> {
        Tap {
            inner,
            last_error: Arc::new(Mutex::new(None)),
        }
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => {
                // The parser keeps only the text; the original (with its typed payload) stays here.
                let copy = io::Error::new(e.kind(), e.to_string());
                if let Ok(mut slot) = self.last_error.lock() {
                    *slot = Some(e);
                }
                Err(copy)
            }
        }
    }
}

/// The exit code for a set of failures: auth failures dominate.
pub fn exit_for(errors: &[&Error]) -> Exit {
    if errors.iter().any(|e| e.exit() == Exit::Auth) {
        Exit::Auth
    } else {
        Exit::Error
    }
}
