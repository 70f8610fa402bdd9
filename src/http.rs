//! The one HTTP client: TLS modes, timeouts, the DC/OS auth header, capped bodies, and the mapping of
//! every failure to an operator-facing [`Error`]. Requests are logged at `-v` without secrets.

use std::io::{self, Read};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use log::{debug, info};
use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::cluster::{Cluster, Tls};
use crate::error::{Error, Exit, Result};
use crate::secret::Secret;

/// `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("dcos-telemetry/", env!("CARGO_PKG_VERSION"));
/// Connect (and TLS handshake) timeout, as the DC/OS CLI uses.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an error answer is read for its explanation.
const ERROR_BODY_CAP: u64 = 64 * 1024;
/// Cap on small JSON documents (metadata, ui-config, package list, Mesos).
pub const DOCUMENT_CAP: u64 = 16 * 1024 * 1024;
/// Cap on the health report, which is large on big clusters (about 50 KB per node).
pub const REPORT_CAP: u64 = 1024 * 1024 * 1024;

/// Set from `DCOS_TELEMETRY_MAX_BODY_BYTES`: a lower cap on every response body.
static BODY_CAP: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Lowers every body cap to `bytes` (from `DCOS_TELEMETRY_MAX_BODY_BYTES`; once per process).
pub fn limit_bodies(bytes: u64) {
    let _ = BODY_CAP.set(bytes);
}

/// The cap for small documents.
pub fn document_cap() -> u64 {
    BODY_CAP
        .get()
        .map_or(DOCUMENT_CAP, |c| (*c).min(DOCUMENT_CAP))
}

/// The cap for the health report.
pub fn report_cap() -> u64 {
    BODY_CAP.get().map_or(REPORT_CAP, |c| (*c).min(REPORT_CAP))
}

/// The connect (and TLS handshake) timeout: 10 s, or the request timeout when shorter.
pub fn connect_timeout(timeout: Option<Duration>) -> Duration {
    timeout.map_or(CONNECT_TIMEOUT, |t| {
        t.min(CONNECT_TIMEOUT).max(Duration::from_secs(1))
    })
}

/// The message the DC/OS CLI prints for TLS failures (`dcos/dcos-cli:cmd/dcos/main.go`).
pub const SSL_ERROR: &str = "An SSL error occurred. To configure your SSL settings, please run: 'dcos config set core.ssl_verify <value>'";

static INSECURE_WARNING: Once = Once::new();

/// A client bound to one base URL (a cluster, or a collector).
#[derive(Clone, Debug)]
pub struct Http {
    client: Client,
    base: String,
    session: Arc<Session>,
    timeout: Option<Duration>,
}

/// Logs in again when the cluster rejects the token (401): returns the new token.
pub trait Refresh: Send + Sync {
    /// Logs in with `http` (which sends no token) and returns the new token.
    fn login(&self, http: &Http) -> Result<Secret>;
    /// Called once with the new token (to update the keyring).
    fn store(&self, token: &Secret);
}

/// The token shared by every request of a run, and the one permitted refresh.
#[derive(Default)]
pub struct Session {
    token: Mutex<Option<Secret>>,
    refresh: Option<Box<dyn Refresh>>,
    refreshed: Mutex<bool>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session(****)")
    }
}

impl Session {
    /// A session with this token and, if given, a way to log in again once on a 401.
    pub fn new(token: Option<Secret>, refresh: Option<Box<dyn Refresh>>) -> Session {
        Session {
            token: Mutex::new(token),
            refresh,
            refreshed: Mutex::new(false),
        }
    }

    /// The current token.
    pub fn token(&self) -> Option<Secret> {
        self.token.lock().map(|t| t.clone()).unwrap_or(None)
    }

    /// After a 401 with `used`: a token to retry with, at most one login per run. Another
    /// thread may already have logged in; then its token is returned.
    fn renew(&self, http: &Http, used: Option<&Secret>) -> Result<Option<Secret>> {
        let Some(refresh) = &self.refresh else {
            return Ok(None);
        };
        let mut refreshed = self
            .refreshed
            .lock()
            .map_err(|_| Error::new("internal error: session lock"))?;
        let current = self.token();
        if current.as_ref() != used {
            return Ok(current);
        }
        if *refreshed {
            return Ok(None);
        }
        *refreshed = true;
        info!("the cluster rejected the token (401); logging in again once");
        let token = refresh.login(&http.without_session())?;
        refresh.store(&token);
        if let Ok(mut slot) = self.token.lock() {
            *slot = Some(token.clone());
        }
        Ok(Some(token))
    }
}

/// One request to send.
#[derive(Debug)]
pub struct Request<'a> {
    /// HTTP method.
    pub method: Method,
    /// Path (and query) below the base URL, starting with `/`.
    pub path: &'a str,
    /// Send `Authorization: token=<t>` when a token is known.
    pub auth: bool,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body, if any.
    pub body: Option<Vec<u8>>,
    /// Largest body accepted in the answer.
    pub cap: u64,
    /// Headers whose values are secrets (e.g. `Authorization: Basic …` for a collector): sent
    /// marked sensitive, logged only as their mask.
    pub secret_headers: Vec<SecretHeader>,
    /// This request's timeout, instead of the client's.
    pub timeout: Option<Duration>,
}

/// A header whose value is a secret.
#[derive(Debug)]
pub struct SecretHeader {
    /// Header name.
    pub name: &'static str,
    /// The full value, sent as is.
    pub value: Secret,
    /// What `-vv` logs instead of the value, e.g. `Basic ****`.
    pub shown: &'static str,
}

impl<'a> Request<'a> {
    /// A `GET` of a document, with the cluster token.
    pub fn get(path: &'a str) -> Request<'a> {
        Request {
            method: Method::GET,
            path,
            auth: true,
            headers: Vec::new(),
            body: None,
            cap: document_cap(),
            secret_headers: Vec::new(),
            timeout: None,
        }
    }

    /// Without the token (for the public `/dcos-metadata` documents).
    pub fn public(mut self) -> Request<'a> {
        self.auth = false;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request<'a> {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the method.
    pub fn method(mut self, method: Method) -> Request<'a> {
        self.method = method;
        self
    }

    /// Sets the body.
    pub fn body(mut self, method: Method, body: Vec<u8>) -> Request<'a> {
        self.method = method;
        self.body = Some(body);
        self
    }

    /// Sets the body cap.
    pub fn cap(mut self, cap: u64) -> Request<'a> {
        self.cap = cap;
        self
    }

    /// Adds a header whose value is a secret; `-vv` logs `<name>: <shown>`.
    pub fn secret_header(
        mut self,
        name: &'static str,
        value: Secret,
        shown: &'static str,
    ) -> Request<'a> {
        self.secret_headers
            .push(SecretHeader { name, value, shown });
        self
    }

    /// Sets this request's timeout (instead of the client's).
    pub fn timeout(mut self, timeout: Duration) -> Request<'a> {
        self.timeout = Some(timeout);
        self
    }
}

/// An answer of any status, for callers that decide themselves what a status means.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, read up to the request's cap (cut there, or where the connection broke).
    pub body: Vec<u8>,
}

/// A successful (2xx) answer whose body is read on demand, never beyond the cap.
pub struct Body {
    url: String,
    headers: HeaderMap,
    reader: Capped<Response>,
}

impl Body {
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The full URL that answered.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The whole body, or an error if it is truncated or larger than the cap.
    pub fn bytes(mut self) -> Result<Vec<u8>> {
        let mut buf = Vec::new();
        self.reader
            .read_to_end(&mut buf)
            .map_err(|e| body_error(&self.url, &e))?;
        Ok(buf)
    }

    /// The body as a reader (for streaming parsers); errors surface as `io::Error`s, which
    /// [`body_error`] turns into operator messages.
    pub fn into_reader(self) -> impl Read {
        self.reader
    }
}

impl Http {
    /// A client for a cluster: its URL, token, TLS mode and timeout (no automatic login; see
    /// `auth::connect` for the client commands use).
    pub fn for_cluster(cluster: &Cluster) -> Result<Http> {
        Http::new(
            &cluster.url,
            &cluster.tls,
            cluster.timeout,
            cluster.token.as_ref().map(|(t, _)| t.clone()),
        )
    }

    /// The same client with another session (token and refresh).
    pub fn with_session(mut self, session: Session) -> Http {
        self.session = Arc::new(session);
        self
    }

    /// The same client without any token.
    pub fn without_session(&self) -> Http {
        let mut http = self.clone();
        http.session = Arc::new(Session::default());
        http
    }

    /// The current token, if any.
    pub fn token(&self) -> Option<Secret> {
        self.session.token()
    }

    /// A client for any base URL.
    pub fn new(
        base: &str,
        tls: &Tls,
        timeout: Option<Duration>,
        token: Option<Secret>,
    ) -> Result<Http> {
        let mut builder = Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(connect_timeout(timeout))
            .tls_version_min(reqwest::tls::Version::TLS_1_2)
            .timeout(timeout);
        match tls {
            Tls::System => {}
            Tls::CaBundle(path) => {
                let pem = std::fs::read(path).map_err(|e| {
                    Error::new(format!("cannot read the CA bundle {}: {e}", path.display())).hint(
                        "fix core.ssl_verify (or DCOS_TLS_CA_PATH) to name a readable PEM file",
                    )
                })?;
                let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                    Error::new(format!("cannot parse the CA bundle {}", path.display())).cause(&e)
                })?;
                if certs.is_empty() {
                    return Err(Error::new(format!(
                        "no certificates found in the CA bundle {}",
                        path.display()
                    ))
                    .hint("the file must hold PEM certificates (-----BEGIN CERTIFICATE-----)"));
                }
                builder = builder.tls_certs_only(certs);
            }
            Tls::Insecure => {
                if base.starts_with("https://") {
                    INSECURE_WARNING.call_once(|| {
                        crate::output::warn(&format!(
                            "TLS certificate verification is turned off for {base}; anyone on the network path can read what is sent and forge answers"
                        ));
                    });
                }
                builder = builder.tls_danger_accept_invalid_certs(true);
            }
        }
        let client = builder
            .build()
            .map_err(|e| Error::new("cannot set up the HTTP client").cause(&e))?;
        Ok(Http {
            client,
            base: base.trim_end_matches('/').to_string(),
            session: Arc::new(Session::new(token, None)),
            timeout,
        })
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether a token will be sent.
    pub fn has_token(&self) -> bool {
        self.session.token().is_some()
    }

    /// Sends a request; 2xx gives a [`Body`], anything else an operator-facing error. A 401 with
    /// credentials at hand logs in once (per run) and retries the request once.
    pub fn send(&self, req: Request<'_>) -> Result<Body> {
        let url = format!("{}{}", self.base, req.path);
        let token = if req.auth { self.session.token() } else { None };
        let timeout = req.timeout.or(self.timeout);
        let mut started = Instant::now();
        let mut response = self.dispatch(&req, &url, token.as_ref())?;
        let mut sent_token = token;
        if response.status() == StatusCode::UNAUTHORIZED && req.auth {
            match self.session.renew(self, sent_token.as_ref()) {
                Ok(Some(new)) => {
                    started = Instant::now();
                    response = self.dispatch(&req, &url, Some(&new))?;
                    sent_token = Some(new);
                }
                Ok(None) => {}
                Err(err) => return Err(crate::auth::login::refresh_failed(&err)),
            }
        }
        let status = response.status();
        if status.is_success() {
            let headers = response.headers().clone();
            for (name, value) in &headers {
                debug!("< {}: {}", name, value.to_str().unwrap_or("<binary>"));
            }
            return Ok(Body {
                url,
                headers,
                reader: Capped::new(response, req.cap).until(started, timeout),
            });
        }
        let reader = Capped::new(response, ERROR_BODY_CAP).until(started, timeout);
        Err(status_error(
            &req.method,
            &url,
            req.path,
            status,
            reader,
            sent_token.as_ref(),
        ))
    }

    /// Sends a request and returns the answer whatever its status: only a failure to get an
    /// answer (connection, TLS, timeout) is an error.
    pub fn exchange(&self, req: Request<'_>) -> Result<Answer> {
        let url = format!("{}{}", self.base, req.path);
        let token = if req.auth { self.session.token() } else { None };
        let started = Instant::now();
        let response = self.dispatch(&req, &url, token.as_ref())?;
        let status = response.status();
        let headers = response.headers().clone();
        for (name, value) in &headers {
            debug!("< {}: {}", name, value.to_str().unwrap_or("<binary>"));
        }
        let mut body = Vec::new();
        // A body cut short or over the cap still leaves the status, which is what counts here.
        let _ = Capped::new(response, req.cap)
            .until(started, req.timeout.or(self.timeout))
            .read_to_end(&mut body);
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// Builds, logs and sends one request; any HTTP status is an answer.
    fn dispatch(&self, req: &Request<'_>, url: &str, token: Option<&Secret>) -> Result<Response> {
        let mut builder = self.client.request(req.method.clone(), url);
        let mut logged = Vec::new();
        if let Some(token) = token {
            let mut value =
                HeaderValue::from_str(&format!("token={}", token.expose())).map_err(|_| {
                    Error::auth(
                        "the DC/OS token contains characters that cannot be sent in a header",
                    )
                })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
            logged.push("Authorization: token=****".to_string());
        }
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
            logged.push(format!("{name}: {value}"));
        }
        for secret in &req.secret_headers {
            let mut value = HeaderValue::from_str(secret.value.expose()).map_err(|_| {
                Error::new(format!(
                    "the {} header holds characters that cannot be sent",
                    secret.name
                ))
            })?;
            value.set_sensitive(true);
            builder = builder.header(secret.name, value);
            logged.push(format!("{}: {}", secret.name, secret.shown));
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        if let Some(timeout) = req.timeout {
            builder = builder.timeout(timeout);
        }
        info!("{} {}", req.method, url);
        for line in &logged {
            debug!("> {line}");
        }
        let started = Instant::now();
        let response = builder
            .send()
            .map_err(|e| transport_error(&e, url, req.timeout.or(self.timeout)))?;
        info!(
            "{} {} -> {} in {} ms",
            req.method,
            url,
            response.status().as_u16(),
            started.elapsed().as_millis()
        );
        Ok(response)
    }

    /// `GET` a JSON document and decode it.
    pub fn get_json<T: serde::de::DeserializeOwned>(&self, req: Request<'_>) -> Result<T> {
        let body = self.send(req)?;
        let url = body.url().to_string();
        if is_html(body.headers()) {
            return Err(html_instead_of_json(&url));
        }
        let bytes = body.bytes()?;
        decode_json(&url, false, &bytes)
    }
}

/// Decodes a JSON document, explaining HTML pages and syntax errors.
pub fn decode_json<T: serde::de::DeserializeOwned>(
    url: &str,
    html: bool,
    bytes: &[u8],
) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        if html || looks_like_html(bytes) {
            Error::new(format!("{url} answered with an HTML page, not JSON"))
                .hint("a proxy or login page may sit in front of the cluster; check the cluster URL")
        } else if e.is_eof() {
            Error::new(format!("the answer from {url} ended early (truncated JSON)"))
                .hint("the connection was cut or the server stopped writing; try again")
                .cause(&e)
        } else {
            Error::new(format!("{url} answered with invalid JSON: {e}"))
                .hint("the cluster or a proxy in front of it sent something that is not the expected document")
        }
    })
}

/// The error for a JSON route that answered with an HTML page (a proxy, a login page).
pub fn html_instead_of_json(url: &str) -> Error {
    Error::new(format!(
        "{url} answered with an HTML page (Content-Type text/html), not JSON"
    ))
    .hint("a proxy or login page may sit in front of the cluster; check the cluster URL")
}

/// Whether a `Content-Type` says HTML.
pub fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.to_ascii_lowercase().contains("html"))
        .unwrap_or(false)
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start();
    text.starts_with("<!doctype html") || text.starts_with("<html")
}

/// The `Accept` header value for JSON.
pub fn accept_json() -> (&'static str, String) {
    (ACCEPT.as_str(), "application/json".to_string())
}

/// Marker carried inside an `io::Error` when a body exceeds its cap.
#[derive(Debug)]
pub struct BodyTooLarge(pub u64);

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the body is larger than {} bytes", self.0)
    }
}

impl std::error::Error for BodyTooLarge {}

/// A reader that fails once more than `cap` bytes have been read.
pub struct Capped<R> {
    inner: R,
    remaining: u64,
    cap: u64,
    deadline: Option<(Instant, Duration)>,
}

impl<R: Read> Capped<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, cap: u64) -> Capped<R> {
        Capped {
            inner,
            remaining: cap,
            cap,
            deadline: None,
        }
    }

    /// Fails reads after `timeout` from `start`: the HTTP client only bounds each read, so a
    /// body that trickles in must be bounded here.
    pub fn until(mut self, start: Instant, timeout: Option<Duration>) -> Capped<R> {
        self.deadline = timeout.map(|t| (start + t, t));
        self
    }
}

/// Marker carried inside an `io::Error` when a body did not finish within the timeout.
#[derive(Debug)]
pub struct BodyTimedOut(pub Duration);

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the body did not arrive within {} s", self.0.as_secs())
    }
}

impl std::error::Error for BodyTimedOut {}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some((deadline, timeout)) = self.deadline
            && Instant::now() > deadline
        {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                BodyTimedOut(timeout),
            ));
        }
        if self.remaining == 0 {
            // One probe byte tells "exactly at the cap" from "over it".
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(BodyTooLarge(self.cap))),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Turns an error met while reading a body into an operator message.
pub fn body_error(url: &str, err: &io::Error) -> Error {
    if let Some(BodyTimedOut(t)) = err.get_ref().and_then(|e| e.downcast_ref::<BodyTimedOut>()) {
        return Error::new(format!(
            "{url} did not finish sending its answer within {} s",
            t.as_secs()
        ))
        .hint("raise core.timeout or pass --timeout <seconds> if the cluster is slow");
    }
    if let Some(BodyTooLarge(cap)) = err.get_ref().and_then(|e| e.downcast_ref::<BodyTooLarge>()) {
        return Error::new(format!(
            "the answer from {url} is larger than {}; stopped reading",
            if *cap >= 1024 * 1024 {
                format!("{} MiB", cap / (1024 * 1024))
            } else {
                format!("{cap} bytes")
            }
        ))
        .hint("this is far larger than any real DC/OS document; a proxy may be sending something else");
    }
    if let Some(req) = find_reqwest(err)
        && req.is_timeout()
    {
        return Error::new(format!(
            "{url} stopped sending before the answer was complete (timed out)"
        ))
        .hint("raise core.timeout or pass --timeout <seconds> if the cluster is slow")
        .cause(err);
    }
    Error::new(format!("the answer from {url} ended early or was cut off"))
        .hint("the connection broke while reading; try again")
        .cause(err)
}

fn find_reqwest(err: &io::Error) -> Option<&reqwest::Error> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = err.get_ref().map(|e| e as _);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<reqwest::Error>() {
            return Some(r);
        }
        cur = e.source();
    }
    None
}

/// The rustls error inside a reqwest error, which hides behind nested `io::Error`s.
pub fn find_tls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(t) = e.downcast_ref::<rustls::Error>() {
            return Some(t);
        }
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            cur = Some(inner);
            continue;
        }
        cur = e.source();
    }
    None
}

fn find_io_kind(err: &(dyn std::error::Error + 'static)) -> Option<io::ErrorKind> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if let Some(inner) = io.get_ref()
                && let Some(kind) = find_io_kind(inner)
            {
                return Some(kind);
            }
            return Some(io.kind());
        }
        cur = e.source();
    }
    None
}

/// Maps a failure to send (no HTTP status) to an operator message.
pub fn transport_error(err: &reqwest::Error, url: &str, timeout: Option<Duration>) -> Error {
    if let Some(tls) = find_tls_error(err) {
        return Error::new(SSL_ERROR).hint(tls_hint(tls, url)).cause(err);
    }
    if err.is_timeout() {
        let (what, hint) = if err.is_connect() {
            (
                format!(
                    "could not connect to {} within {} s",
                    origin_of(url),
                    connect_timeout(timeout).as_secs()
                ),
                "the host does not answer; check the cluster URL and that you can reach it (VPN, firewall)".to_string(),
            )
        } else {
            (
                format!(
                    "{url} did not answer within {}",
                    timeout
                        .map(|t| format!("{} s", t.as_secs()))
                        .unwrap_or_else(|| "the time allowed".into())
                ),
                "raise core.timeout or pass --timeout <seconds> if the cluster is slow".to_string(),
            )
        };
        return Error::new(what).hint(hint).cause(err);
    }
    if err.is_connect() {
        let why = match find_io_kind(err) {
            Some(io::ErrorKind::ConnectionRefused) => "connection refused",
            Some(io::ErrorKind::NotFound) => "host not found",
            _ => "connection failed",
        };
        return Error::new(format!("could not reach {} ({why})", origin_of(url)))
            .hint("is it a DC/OS master? check core.dcos_url (or DCOS_URL) and your network")
            .cause(err);
    }
    Error::new(format!("the request to {url} failed"))
        .hint("the connection broke before an answer came; try again, or use -v for details")
        .cause(err)
}

fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => url.to_string(),
    }
}

fn tls_hint(err: &rustls::Error, url: &str) -> String {
    use rustls::CertificateError as C;
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_default();
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer | C::BadSignature => "the cluster's certificate is signed by an authority this machine does not trust; set core.ssl_verify to the cluster's CA (`dcos cluster setup` saves it as dcos_ca.crt) or DCOS_TLS_CA_PATH".to_string(),
            C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                "the cluster's certificate is not valid for the host name {host}; use the name the certificate was issued for in core.dcos_url"
            ),
            C::Expired | C::ExpiredContext { .. } => "the cluster's certificate has expired; renew it on the cluster".to_string(),
            C::NotValidYet | C::NotValidYetContext { .. } => "the cluster's certificate is not valid yet; check this machine's clock".to_string(),
            C::Revoked => "the cluster's certificate has been revoked".to_string(),
            other => format!("the cluster's certificate was rejected ({other:?})"),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } | rustls::Error::InappropriateHandshakeMessage { .. } => {
            "the server did not speak TLS as expected; check that the URL's scheme and port are right".to_string()
        }
        rustls::Error::PeerIncompatible(_) | rustls::Error::AlertReceived(_) => {
            "the server and this tool share no TLS version or cipher (TLS 1.2 or newer is required)".to_string()
        }
        other => format!("TLS failed: {other}"),
    }
}

fn status_error(
    method: &Method,
    url: &str,
    path: &str,
    status: StatusCode,
    mut reader: Capped<Response>,
    sent_token: Option<&Secret>,
) -> Error {
    let html = is_html(reader.inner.headers());
    // Read a little of the body for the explanation; error bodies are small.
    let mut snippet = Vec::new();
    let _ = reader.read_to_end(&mut snippet);
    match status {
        StatusCode::UNAUTHORIZED => {
            let expiry = sent_token.and_then(crate::auth::jwt::expired_at);
            let hint = match (sent_token, expiry) {
                (Some(_), Some(exp)) => format!(
                    "the token expired at {}",
                    dcos_telemetry_signal::segment::format_timestamp(exp)
                ),
                (Some(_), None) => "the cluster rejected the token".to_string(),
                (None, _) => "no DC/OS token is available: log in with `dcos auth login` (or `dcos telemetry auth login`), or set DCOS_ACS_TOKEN".to_string(),
            };
            let mut err =
                Error::auth("authentication failed, please run `dcos auth login`").hint(hint);
            if sent_token.is_some() {
                err = err.hint("for automatic re-login set [telemetry] uid with private_key or password_file (or DCOS_PASSWORD), or use `dcos telemetry auth login --remember`");
            }
            err
        }
        StatusCode::FORBIDDEN => Error::auth("you are not authorized to perform this operation")
            .hint(format!(
                "{method} {path} was refused for this user; ask an administrator for access"
            )),
        _ => {
            let mut err = Error::new(format!(
                "{method} {url} failed: HTTP {}",
                status_line(status)
            ));
            if let Some(detail) = dcos_error_detail(&snippet) {
                err = err.hint(format!("the cluster said: {detail}"));
            } else if html || looks_like_html(&snippet) {
                err = err.hint(if status.is_server_error() {
                    "the cluster answered with an HTML error page: Admin Router could not reach the service behind this route; check the cluster's health (`dcos node diagnostics`)".to_string()
                } else {
                    "the cluster answered with an HTML page".to_string()
                });
            } else if status == StatusCode::NOT_FOUND {
                err = err.hint("this cluster does not serve this route; is it a DC/OS master, and which version?");
            } else if status.is_server_error() {
                err = err.hint("the cluster had an internal error; try again later");
            }
            err
        }
    }
}

fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// `title: description` from a DC/OS error body `{"title","description","code"}`.
pub fn dcos_error_detail(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let description = value.get("description").and_then(|v| v.as_str());
    let title = value.get("title").and_then(|v| v.as_str());
    let code = value.get("code").and_then(|v| v.as_str());
    let message = value.get("message").and_then(|v| v.as_str());
    let text = match (title, description.or(message)) {
        (Some(t), Some(d)) => format!("{t}: {d}"),
        (None, Some(d)) => d.to_string(),
        (Some(t), None) => t.to_string(),
        (None, None) => return None,
    };
    Some(match code {
        Some(c) => format!("{text} ({c})"),
        None => text,
    })
}

/// The error exit for a failure of the whole command from an HTTP status (used by callers that
/// need to classify without an [`Error`]).
pub fn exit_for_status(status: u16) -> Exit {
    match status {
        401 | 403 => Exit::Auth,
        _ => Exit::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_reader_allows_exactly_the_cap_and_fails_beyond() {
        let data = [7u8; 10];
        let mut out = Vec::new();
        Capped::new(&data[..], 10).read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 10);
        let err = Capped::new(&data[..], 9)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert!(
            err.get_ref()
                .unwrap()
                .downcast_ref::<BodyTooLarge>()
                .is_some()
        );
        let msg = body_error("https://x/y", &err);
        assert_eq!(
            msg.message(),
            "the answer from https://x/y is larger than 9 bytes; stopped reading"
        );
    }

    #[test]
    fn dcos_error_bodies_are_explained() {
        let body = br#"{"title":"Unauthorized","description":"The login credentials are invalid.","code":"ERR_INVALID_CREDENTIALS"}"#;
        assert_eq!(
            dcos_error_detail(body).unwrap(),
            "Unauthorized: The login credentials are invalid. (ERR_INVALID_CREDENTIALS)"
        );
        assert_eq!(dcos_error_detail(b"<html>"), None);
    }

    #[test]
    fn json_decoding_explains_html_truncation_and_syntax() {
        let err = decode_json::<serde_json::Value>("u", false, b"<html><body>502</body></html>")
            .unwrap_err();
        assert_eq!(err.message(), "u answered with an HTML page, not JSON");
        let err = decode_json::<serde_json::Value>("u", false, b"{\"a\": [1, 2").unwrap_err();
        assert_eq!(
            err.message(),
            "the answer from u ended early (truncated JSON)"
        );
        let err = decode_json::<serde_json::Value>("u", false, b"{\"a\" 1}").unwrap_err();
        assert_eq!(
            err.message(),
            "u answered with invalid JSON: expected `:` at line 1 column 6"
        );
    }
}
