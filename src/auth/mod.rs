//! Where the token comes from, first that applies (README "Authentication"):
//! 1. `DCOS_ACS_TOKEN` when non-empty (the DC/OS CLI passes it to plugins);
//! 2. the token this plugin cached in the OS keyring for this cluster and uid;
//! 3. `core.dcos_acs_token` in the cluster's `dcos.toml`;
//! 4. a login with configured credentials, whose token is then cached in the keyring.
//!
//! Credentials for that login (and for the one automatic re-login on a 401) come from the
//! `[telemetry]` settings `uid`, `private_key`, `password_file` (`DCOS_TELEMETRY_*` in plugin
//! mode), the `DCOS_USERNAME`/`DCOS_PASSWORD` variables, or the keyring (`auth login --remember`).

pub mod jwt;
pub mod login;

use std::fmt;
use std::path::PathBuf;

use dcos_telemetry_keyring::{BackendChoice, Key, Store};

use crate::cluster::{Cluster, TokenSource as ConfigTokenSource};
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::http::{Http, Refresh, Session};
use crate::secret::Secret;
pub use login::Credentials;

/// Where the token in use came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// `DCOS_ACS_TOKEN`.
    Env,
    /// The OS keyring (this plugin's cache).
    Keyring(String),
    /// `core.dcos_acs_token` in this file.
    ConfigFile(PathBuf),
    /// A login made by this run.
    Login(&'static str),
    /// No token.
    None,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Env => f.write_str("DCOS_ACS_TOKEN"),
            TokenSource::Keyring(backend) => write!(f, "the keyring ({backend})"),
            TokenSource::ConfigFile(path) => write!(f, "core.dcos_acs_token in {}", path.display()),
            TokenSource::Login(method) => write!(f, "a {method} login by this run"),
            TokenSource::None => f.write_str("none"),
        }
    }
}

/// A client for a cluster with its token settled, and how.
pub struct Connection {
    /// The client (re-logs in once on a 401 when credentials are at hand).
    pub http: Http,
    /// Where the token came from.
    pub source: TokenSource,
    /// The uid the credentials (or the cached token) belong to.
    pub uid: Option<String>,
    /// The login method available for automatic re-login.
    pub login_method: Option<&'static str>,
    /// The key the keyring entries of this cluster use.
    pub cluster_key: String,
    /// The keyring, when it was opened.
    pub store: Option<std::sync::Arc<Store>>,
}

/// Opens the credential store chosen by the `credential_store` setting (default `auto`).
pub fn open_store(cluster: &Cluster) -> Result<Store> {
    let choice = match cluster.settings.get("credential_store") {
        Some(s) => s.value.parse::<BackendChoice>().map_err(|e| {
            Error::usage(format!("{e} ({})", s.source)).hint(format!(
                "credential_store is one of: {}",
                dcos_telemetry_keyring::CHOICE_SYNTAX
            ))
        })?,
        None => BackendChoice::Auto,
    };
    Store::open(choice).map_err(keyring_error)
}

/// A keyring failure as an error, with the keyring's own hint.
pub fn keyring_error(e: dcos_telemetry_keyring::KeyringError) -> Error {
    let mut err = Error::new(e.to_string());
    if let Some(hint) = e.hint() {
        err = err.hint(hint);
    }
    err
}

/// The uid from the settings (`uid`) or `DCOS_USERNAME`.
pub fn configured_uid(ctx: &Context, cluster: &Cluster) -> Option<String> {
    cluster
        .settings
        .get("uid")
        .map(|s| s.value.clone())
        .or_else(|| ctx.env.non_empty("DCOS_USERNAME").map(String::from))
}

/// The id keyring entries are keyed by: the cluster's folder id (its cluster id), else the id
/// `ui-config.json` reports, else the URL.
pub fn cluster_key(cluster: &Cluster, http: &Http) -> String {
    if let Some(id) = &cluster.config_id {
        return id.clone();
    }
    crate::dcos::metadata::ui_config(http)
        .ok()
        .and_then(|u| u.cluster_id)
        .unwrap_or_else(|| cluster.url.clone())
}

/// The key of entries that must be found without asking the cluster (the write key): the
/// cluster's folder id, else its URL.
pub fn local_cluster_key(cluster: &Cluster) -> String {
    cluster
        .config_id
        .clone()
        .unwrap_or_else(|| cluster.url.clone())
}

/// Credentials for an automatic login, from settings, the environment, then the keyring.
pub fn credentials(
    ctx: &Context,
    cluster: &Cluster,
    uid: &str,
    store: Option<&Store>,
    key_id: &str,
) -> Result<Option<Credentials>> {
    if let Some(path) = cluster.settings.get("private_key") {
        let key = jwt::read_private_key(&PathBuf::from(&path.value))?;
        return Ok(Some(Credentials::ServiceAccount {
            uid: uid.to_string(),
            key,
        }));
    }
    if let Some(path) = cluster.settings.get("password_file") {
        let password = read_password_file(&PathBuf::from(&path.value))?;
        return Ok(Some(Credentials::Password {
            uid: uid.to_string(),
            password,
        }));
    }
    if let Some(password) = ctx.env.non_empty("DCOS_PASSWORD") {
        return Ok(Some(Credentials::Password {
            uid: uid.to_string(),
            password: Secret::new(password),
        }));
    }
    if let Some(store) = store {
        if let Ok(Some(key)) = store.get_key(&Key::service_key(key_id, uid)) {
            return Ok(Some(Credentials::ServiceAccount {
                uid: uid.to_string(),
                key: Secret::new(key),
            }));
        }
        if let Ok(Some(password)) = store.get_key(&Key::password(key_id, uid)) {
            return Ok(Some(Credentials::Password {
                uid: uid.to_string(),
                password: Secret::new(password),
            }));
        }
    }
    Ok(None)
}

/// Reads a password file (one trailing newline is not part of the password).
pub fn read_password_file(path: &PathBuf) -> Result<Secret> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(format!(
            "cannot read the password file {}: {e}",
            path.display()
        ))
    })?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    Ok(Secret::new(text))
}

struct KeyringRefresh {
    credentials: Credentials,
    store: Option<std::sync::Arc<Store>>,
    key: Key,
}

impl Refresh for KeyringRefresh {
    fn login(&self, http: &Http) -> Result<Secret> {
        login::login(http, &self.credentials)
    }

    fn store(&self, token: &Secret) {
        if let Some(store) = &self.store
            && let Err(e) = store.set_key(&self.key, token.expose())
        {
            log::warn!("could not cache the new token in the keyring: {e}");
        }
    }
}

/// Connects to the cluster with the token settled in the documented order.
pub fn connect(ctx: &Context, cluster: &Cluster) -> Result<Connection> {
    let base = Http::new(&cluster.url, &cluster.tls, cluster.timeout, None)?;
    let env_token = match &cluster.token {
        Some((t, ConfigTokenSource::Env)) => Some(t.clone()),
        _ => None,
    };
    let file_token = match &cluster.token {
        Some((t, ConfigTokenSource::ConfigFile(path))) => Some((t.clone(), path.clone())),
        _ => None,
    };
    let uid = configured_uid(ctx, cluster);
    // The keyring is only opened when a uid says which entry to use.
    let (store, key_id) = match &uid {
        Some(_) => {
            let store = match open_store(cluster) {
                Ok(s) => Some(std::sync::Arc::new(s)),
                Err(err) => {
                    log::info!("no keyring: {}", err.message());
                    None
                }
            };
            (store, cluster_key(cluster, &base))
        }
        None => (None, local_cluster_key(cluster)),
    };
    let credentials = match &uid {
        Some(uid) => credentials(ctx, cluster, uid, store.as_deref(), &key_id)?,
        None => None,
    };
    let login_method = credentials.as_ref().map(|c| c.method());
    let token_key = uid.as_deref().map(|u| Key::token(&key_id, u));

    let (token, source) = if let Some(t) = env_token {
        (Some(t), TokenSource::Env)
    } else if let Some(t) = cached_token(store.as_deref(), token_key.as_ref()) {
        let backend = store
            .as_ref()
            .map(|s| s.backend().name().to_string())
            .unwrap_or_default();
        (Some(t), TokenSource::Keyring(backend))
    } else if let Some((t, path)) = file_token {
        (Some(t), TokenSource::ConfigFile(path))
    } else if let Some(creds) = &credentials {
        let token = login::login(&base, creds)?;
        if let (Some(store), Some(key)) = (&store, &token_key)
            && let Err(e) = store.set_key(key, token.expose())
        {
            log::warn!("could not cache the token in the keyring: {e}");
        }
        (Some(token), TokenSource::Login(creds.method()))
    } else {
        (None, TokenSource::None)
    };
    let refresh: Option<Box<dyn Refresh>> = match (credentials, token_key) {
        (Some(credentials), Some(key)) => Some(Box::new(KeyringRefresh {
            credentials,
            store: store.clone(),
            key,
        })),
        _ => None,
    };
    Ok(Connection {
        http: base.with_session(Session::new(token, refresh)),
        source,
        uid,
        login_method,
        cluster_key: key_id,
        store,
    })
}

/// A cached token that has not expired (by its `exp` claim).
fn cached_token(store: Option<&Store>, key: Option<&Key>) -> Option<Secret> {
    let token = store?.get_key(key?).ok().flatten().map(Secret::new)?;
    if jwt::expired_at(&token).is_some() {
        log::info!("the cached token has expired; trying the next source");
        return None;
    }
    Some(token)
}
