//! The running simulator: configuration, shared state, and the public handle.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::auth::{self, AuthConfig, ServiceAccount, Signer};
use crate::cluster_api::ClusterHandler;
use crate::collector::CollectorHandler;
use crate::data::{ClusterData, GenSpec};
use crate::fault::{FaultSpec, FaultTable};
use crate::http_io::Request;
use crate::route::Route;
use crate::server::Server;
use crate::tls::{self, Authority, TlsMode};

/// One request as the simulator received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target: path plus query, as sent.
    pub path: String,
    /// Headers in arrival order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The (de-chunked) body.
    pub body: Vec<u8>,
    /// When the request had been read completely.
    pub at: Instant,
}

impl Recorded {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Everything [`Sim::start`] needs. `SimConfig::default()` is a generated DC/OS 2.1.2 open cluster
/// (the fixture's shape), auth on with `bootstrapuser`/`deleteme`, good TLS, ephemeral ports.
#[derive(Debug)]
pub struct SimConfig {
    /// The cluster the master describes.
    pub data: ClusterData,
    /// Authentication settings.
    pub auth: AuthConfig,
    /// Certificate of the cluster listener.
    pub tls: TlsMode,
    /// Certificate of the collector listener.
    pub collector_tls: TlsMode,
    /// The Segment write key the collector accepts.
    pub write_key: String,
    /// How long a `?cache=0` (fresh pull) diagnostics request takes before answering.
    pub fresh_pull_delay: Duration,
    /// Cluster listener port (0: any free port).
    pub port: u16,
    /// Collector listener port (0: any free port).
    pub collector_port: u16,
}

/// The write key of `SimConfig::default()` (a fake 32-character key, like Segment's).
pub const DEFAULT_WRITE_KEY: &str = "simWriteKey0123456789abcdefABCDE";

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig::new(
            ClusterData::generate(GenSpec::default()).expect("the default spec is valid"),
        )
    }
}

impl SimConfig {
    /// Defaults around the given cluster data.
    pub fn new(data: ClusterData) -> SimConfig {
        SimConfig {
            data,
            auth: AuthConfig::default(),
            tls: TlsMode::Good,
            collector_tls: TlsMode::Good,
            write_key: DEFAULT_WRITE_KEY.to_string(),
            fresh_pull_delay: Duration::ZERO,
            port: 0,
            collector_port: 0,
        }
    }

    /// Defaults around the repository's `fixtures/small-cluster`.
    pub fn small_cluster() -> io::Result<SimConfig> {
        Ok(SimConfig::new(ClusterData::small_cluster()?))
    }

    /// Sets the auth configuration.
    pub fn auth(mut self, auth: AuthConfig) -> SimConfig {
        self.auth = auth;
        self
    }

    /// Switches authentication off.
    pub fn auth_disabled(mut self) -> SimConfig {
        self.auth.enabled = false;
        self
    }

    /// Adds a password login.
    pub fn user(mut self, uid: &str, password: &str) -> SimConfig {
        self.auth
            .users
            .insert(uid.to_string(), password.to_string());
        self
    }

    /// Adds a service account.
    pub fn service_account(mut self, account: ServiceAccount) -> SimConfig {
        self.auth.service_accounts.push(account);
        self
    }

    /// Makes valid tokens of `uid` get 403 on protected routes.
    pub fn forbid_uid(mut self, uid: &str) -> SimConfig {
        self.auth.forbidden_uids.push(uid.to_string());
        self
    }

    /// Sets the cluster listener's certificate mode.
    pub fn tls(mut self, mode: TlsMode) -> SimConfig {
        self.tls = mode;
        self
    }

    /// Sets the collector listener's certificate mode.
    pub fn collector_tls(mut self, mode: TlsMode) -> SimConfig {
        self.collector_tls = mode;
        self
    }

    /// Sets the collector's write key.
    pub fn write_key(mut self, key: &str) -> SimConfig {
        self.write_key = key.to_string();
        self
    }

    /// Sets the `?cache=0` delay.
    pub fn fresh_pull_delay(mut self, delay: Duration) -> SimConfig {
        self.fresh_pull_delay = delay;
        self
    }
}

/// State shared by both listeners.
pub(crate) struct State {
    pub data: Arc<ClusterData>,
    pub auth: AuthConfig,
    pub signer: Signer,
    pub faults: FaultTable,
    pub ca_pem: String,
    pub fresh_pull_delay: Duration,
    pub write_key: String,
    cluster_log: Mutex<Vec<Recorded>>,
    collector_log: Mutex<Vec<Recorded>>,
}

fn record(req: &Request) -> Recorded {
    Recorded {
        method: req.method.clone(),
        path: req.target.clone(),
        headers: req.headers.clone(),
        body: req.body.clone(),
        at: Instant::now(),
    }
}

impl State {
    pub fn record_cluster(&self, req: &Request) {
        self.cluster_log
            .lock()
            .expect("request log")
            .push(record(req));
    }

    pub fn record_collector(&self, req: &Request) {
        self.collector_log
            .lock()
            .expect("request log")
            .push(record(req));
    }
}

/// A running simulated DC/OS master and Segment collector (two HTTPS listeners on 127.0.0.1).
/// Both stop when the `Sim` is dropped.
pub struct Sim {
    state: Arc<State>,
    cluster: Server,
    collector: Server,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("url", &self.url())
            .field("collector_url", &self.collector_url())
            .finish_non_exhaustive()
    }
}

fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Sim {
    /// Generates the PKI and signing key, and starts both listeners.
    pub fn start(cfg: SimConfig) -> io::Result<Sim> {
        let ca = Authority::new("DC/OS Simulator Root CA")?;
        let cluster_tls = tls::server_config(cfg.tls, &ca)?;
        let collector_tls = tls::server_config(cfg.collector_tls, &ca)?;
        let state = Arc::new(State {
            data: Arc::new(cfg.data),
            auth: cfg.auth,
            signer: Signer::new()?,
            faults: FaultTable::default(),
            ca_pem: ca.pem.clone(),
            fresh_pull_delay: cfg.fresh_pull_delay,
            write_key: cfg.write_key,
            cluster_log: Mutex::new(Vec::new()),
            collector_log: Mutex::new(Vec::new()),
        });
        let cluster = Server::start(
            cfg.port,
            cluster_tls,
            Arc::new(ClusterHandler {
                state: Arc::clone(&state),
            }),
        )?;
        let collector = Server::start(
            cfg.collector_port,
            collector_tls,
            Arc::new(CollectorHandler {
                state: Arc::clone(&state),
            }),
        )?;
        Ok(Sim {
            state,
            cluster,
            collector,
        })
    }

    /// `https://127.0.0.1:<port>` of the simulated master (no trailing slash).
    pub fn url(&self) -> String {
        format!("https://{}", self.cluster.addr())
    }

    /// `https://127.0.0.1:<port>` of the collector (same CA).
    pub fn collector_url(&self) -> String {
        format!("https://{}", self.collector.addr())
    }

    /// PEM of the CA that signs the server certificates (except in `TlsMode::UntrustedCa`).
    pub fn ca_pem(&self) -> String {
        self.state.ca_pem.clone()
    }

    /// Writes [`Sim::ca_pem`] to `path`.
    pub fn write_ca(&self, path: &Path) -> io::Result<()> {
        fs::write(path, self.state.ca_pem.as_bytes())
    }

    /// An RS256 auth token for `uid` that the simulator accepts until `ttl` has passed.
    pub fn issue_token(&self, uid: &str, ttl: Duration) -> String {
        self.state
            .signer
            .issue(uid, auth::unix_now() + ttl.as_secs().max(1))
    }

    /// A token for `uid` signed by the simulator but expired an hour ago.
    pub fn issue_expired_token(&self, uid: &str) -> String {
        self.state
            .signer
            .issue(uid, auth::unix_now().saturating_sub(3600))
    }

    /// Replaces the faults of `route` with `fault` (e.g. `Fault::Stall` or `Fault::Status(503).times(2)`).
    pub fn set_fault(&self, route: Route, fault: impl Into<FaultSpec>) {
        self.state.faults.set(route, fault.into());
    }

    /// Queues `fault` after the faults already set for `route` (limited faults run out in order).
    pub fn add_fault(&self, route: Route, fault: impl Into<FaultSpec>) {
        self.state.faults.add(route, fault.into());
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Every request the cluster listener received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.cluster_log.lock().expect("request log").clone()
    }

    /// Every request the collector received, in order.
    pub fn collector_requests(&self) -> Vec<Recorded> {
        self.state
            .collector_log
            .lock()
            .expect("request log")
            .clone()
    }

    /// Forgets the recorded requests of both listeners.
    pub fn clear_requests(&self) {
        self.state.cluster_log.lock().expect("request log").clear();
        self.state
            .collector_log
            .lock()
            .expect("request log")
            .clear();
    }

    /// TCP connections ever accepted by the collector.
    pub fn collector_connections(&self) -> usize {
        self.collector.accepted()
    }

    /// TCP connections ever accepted by the cluster listener.
    pub fn cluster_connections(&self) -> usize {
        self.cluster.accepted()
    }

    /// The cluster data being served.
    pub fn data(&self) -> &ClusterData {
        &self.state.data
    }

    /// The collector's write key.
    pub fn write_key(&self) -> &str {
        &self.state.write_key
    }

    /// Writes a DC/OS CLI configuration directory for this cluster under `dir` (use it as
    /// `DCOS_DIR`): `clusters/<cluster-id>/dcos.toml` (mode 0600) with `[core] dcos_url`,
    /// `dcos_acs_token`, `ssl_verify` (the CA file written beside it as `dcos_ca.crt`),
    /// `timeout = 180` and `[cluster] name`, plus the empty `attached` marker.
    /// Returns the cluster directory.
    pub fn write_dcos_dir(
        &self,
        dir: &Path,
        token: &str,
        cluster_name: &str,
    ) -> io::Result<PathBuf> {
        let cluster_dir = dir.join("clusters").join(self.data().cluster_id());
        fs::create_dir_all(&cluster_dir)?;
        let ca_path = cluster_dir.join("dcos_ca.crt");
        self.write_ca(&ca_path)?;
        let ca_path = fs::canonicalize(&ca_path)?;
        let toml = format!(
            "[core]\ndcos_url = {}\ndcos_acs_token = {}\nssl_verify = {}\ntimeout = 180\n\n[cluster]\nname = {}\n",
            toml_string(&self.url()),
            toml_string(token),
            toml_string(&ca_path.to_string_lossy()),
            toml_string(cluster_name),
        );
        let config_path = cluster_dir.join("dcos.toml");
        write_private(&config_path, toml.as_bytes())?;
        fs::write(cluster_dir.join("attached"), b"")?;
        Ok(cluster_dir)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::toml_string;

    #[test]
    fn toml_strings_escape() {
        assert_eq!(toml_string(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
