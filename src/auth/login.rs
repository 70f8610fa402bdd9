//! Logging in to a cluster: provider discovery (`GET /acs/api/v1/auth/providers`), then
//! `POST <start_flow_url>` with `{"uid","password"}` or a service account's `{"uid","token"}`
//! (contract §5). Also the auth-disabled probe (`HEAD /pkgpanda/active.buildinfo.full.json`).

use std::fmt;

use reqwest::Method;
use serde::Deserialize;

use crate::auth::jwt;
use crate::error::{Error, Exit, Result};
use crate::http::{Http, Request};
use crate::secret::Secret;

/// Provider discovery.
pub const PROVIDERS: &str = "/acs/api/v1/auth/providers";
/// The default login endpoint.
pub const LOGIN: &str = "/acs/api/v1/auth/login";
/// The file whose `HEAD` answers 200 when authentication is disabled.
pub const BUILDINFO: &str = "/pkgpanda/active.buildinfo.full.json";

/// What can log in without a prompt.
#[derive(Clone)]
pub enum Credentials {
    /// A user and password (`dcos-uid-password`, LDAP).
    Password {
        /// The user.
        uid: String,
        /// The password.
        password: Secret,
    },
    /// A service account and its private key (`dcos-uid-servicekey`).
    ServiceAccount {
        /// The service account.
        uid: String,
        /// Its PEM private key.
        key: Secret,
    },
}

impl Credentials {
    /// The uid.
    pub fn uid(&self) -> &str {
        match self {
            Credentials::Password { uid, .. } | Credentials::ServiceAccount { uid, .. } => uid,
        }
    }

    /// `password` or `service account`.
    pub fn method(&self) -> &'static str {
        match self {
            Credentials::Password { .. } => "password",
            Credentials::ServiceAccount { .. } => "service account",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials({}, uid {:?}, ****)",
            self.method(),
            self.uid()
        )
    }
}

#[derive(Deserialize)]
struct Provider {
    #[serde(rename = "authentication-type")]
    kind: Option<String>,
    config: Option<ProviderConfig>,
}

#[derive(Deserialize)]
struct ProviderConfig {
    start_flow_url: Option<String>,
}

#[derive(Deserialize)]
struct LoginAnswer {
    token: Option<String>,
}

/// Logs in and returns the cluster's token.
pub fn login(http: &Http, credentials: &Credentials) -> Result<Secret> {
    let endpoint = login_endpoint(http, credentials);
    let body = match credentials {
        Credentials::Password { uid, password } => {
            serde_json::json!({"uid": uid, "password": password.expose()})
        }
        Credentials::ServiceAccount { uid, key } => {
            let token = jwt::service_login_token(uid, key)?;
            serde_json::json!({"uid": uid, "token": token.expose()})
        }
    };
    let bytes = serde_json::to_vec(&body).expect("JSON of strings");
    log::info!(
        "logging in as {} ({})",
        credentials.uid(),
        credentials.method()
    );
    let req = Request::get(&endpoint)
        .public()
        .body(Method::POST, bytes)
        .header("Content-Type", "application/json");
    let answer = http.exchange(req)?;
    let (status, body) = (answer.status.as_u16(), answer.body);
    if status == 200 {
        let parsed: LoginAnswer = serde_json::from_slice(&body)
            .map_err(|_| Error::auth("couldn't log in: the cluster's answer holds no token"))?;
        return parsed
            .token
            .filter(|t| !t.is_empty())
            .map(Secret::new)
            .ok_or_else(|| Error::auth("couldn't log in: the cluster's answer holds no token"));
    }
    let description = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("description")
                .and_then(|d| d.as_str())
                .map(String::from)
        });
    let message = description.unwrap_or_else(|| format!("couldn't log in (HTTP {status})"));
    let hint = match credentials {
        Credentials::Password { uid, .. } => format!("check the password of {uid}"),
        Credentials::ServiceAccount { uid, .. } => {
            format!(
                "check that {uid} is a service account of this cluster and the key is its private key"
            )
        }
    };
    Err(Error::with_exit(Exit::Auth, message).hint(hint))
}

/// The login URL path for these credentials, from the cluster's providers (default `LOGIN`).
fn login_endpoint(http: &Http, credentials: &Credentials) -> String {
    let wanted: &[&str] = match credentials {
        Credentials::Password { .. } => &["dcos-uid-password", "dcos-uid-password-ldap"],
        Credentials::ServiceAccount { .. } => &["dcos-uid-servicekey"],
    };
    let providers: std::collections::BTreeMap<String, Provider> =
        match http.get_json(Request::get(PROVIDERS).public()) {
            Ok(p) => p,
            Err(err) => {
                log::info!(
                    "provider discovery failed ({}); using {LOGIN}",
                    err.message()
                );
                return LOGIN.to_string();
            }
        };
    let base = http.base().to_string();
    providers
        .values()
        .filter(|p| p.kind.as_deref().is_some_and(|k| wanted.contains(&k)))
        .find_map(|p| p.config.as_ref()?.start_flow_url.clone())
        .map(|url| match url.strip_prefix(&base) {
            Some(path) => path.to_string(),
            None if url.starts_with('/') => url,
            None => LOGIN.to_string(),
        })
        .unwrap_or_else(|| LOGIN.to_string())
}

/// Whether the cluster has authentication disabled (`HEAD` of the buildinfo answers 200 without a
/// token); `false` on a 401 (the normal case) or any other answer.
pub fn auth_disabled(http: &Http) -> Result<bool> {
    let answer = http.exchange(Request::get(BUILDINFO).public().method(Method::HEAD))?;
    Ok(answer.status.as_u16() == 200)
}

/// Explains a login failure for a 401 met while refreshing.
pub fn refresh_failed(err: &Error) -> Error {
    Error::auth("authentication failed, please run `dcos auth login`").hint(format!(
        "the token expired and logging in again failed: {}",
        err.message()
    ))
}
