//! DC/OS authentication: RS256 auth tokens (`uid`, `exp`), Admin Router's token check, and the IAM
//! login endpoint (user/password and service-account login tokens).

use std::collections::BTreeMap;
use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rcgen::{KeyPair, PKCS_RSA_SHA256};
use serde::{Deserialize, Serialize};

use crate::http_io::Request;

/// A service account: its uid and the PEM public key its login tokens are checked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// The account's uid.
    pub uid: String,
    /// PEM public key (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`).
    pub public_key_pem: String,
}

impl ServiceAccount {
    /// Generates an RSA-2048 key pair for `uid`: the account (public key) and the private key PEM
    /// (PKCS#8), as `dcos security org service-accounts keypair` would.
    pub fn generate(uid: &str) -> io::Result<(ServiceAccount, String)> {
        let key = KeyPair::generate_for(&PKCS_RSA_SHA256).map_err(io::Error::other)?;
        Ok((
            ServiceAccount {
                uid: uid.to_string(),
                public_key_pem: key.public_key_pem(),
            },
            key.serialize_pem(),
        ))
    }
}

/// Authentication settings of the simulated cluster.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// When false, no route needs a token and `HEAD /pkgpanda/active.buildinfo.full.json` is 200.
    pub enabled: bool,
    /// uid -> password of the accounts that can log in with a password.
    pub users: BTreeMap<String, String>,
    /// Service accounts that can log in with a signed login token.
    pub service_accounts: Vec<ServiceAccount>,
    /// uids whose (valid) tokens get 403 on every protected route.
    pub forbidden_uids: Vec<String>,
    /// Lifetime of the tokens the login endpoint issues (DC/OS default: 5 days).
    pub token_ttl: Duration,
}

/// The default login (`bootstrapuser` / `deleteme`, the well-known DC/OS docs example).
pub const DEFAULT_USER: (&str, &str) = ("bootstrapuser", "deleteme");

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            enabled: true,
            users: BTreeMap::from([(DEFAULT_USER.0.to_string(), DEFAULT_USER.1.to_string())]),
            service_accounts: Vec::new(),
            forbidden_uids: Vec::new(),
            token_ttl: Duration::from_secs(5 * 24 * 3600),
        }
    }
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Passwords stay out of debug output.
        f.debug_struct("AuthConfig")
            .field("enabled", &self.enabled)
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .field(
                "service_accounts",
                &self
                    .service_accounts
                    .iter()
                    .map(|a| &a.uid)
                    .collect::<Vec<_>>(),
            )
            .field("forbidden_uids", &self.forbidden_uids)
            .field("token_ttl", &self.token_ttl)
            .finish()
    }
}

impl AuthConfig {
    /// Authentication switched off (every route answers without a token).
    pub fn disabled() -> AuthConfig {
        AuthConfig {
            enabled: false,
            ..AuthConfig::default()
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    uid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

fn validation() -> Validation {
    let mut v = Validation::new(Algorithm::RS256);
    v.required_spec_claims.clear();
    v.validate_exp = true;
    v.leeway = 0;
    v.validate_aud = false;
    v
}

/// Signs and verifies the simulator's own auth tokens (like Bouncer's RS256 key).
pub(crate) struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Signer {
    pub fn new() -> io::Result<Signer> {
        let key = KeyPair::generate_for(&PKCS_RSA_SHA256).map_err(io::Error::other)?;
        let encoding =
            EncodingKey::from_rsa_pem(key.serialize_pem().as_bytes()).map_err(io::Error::other)?;
        let decoding =
            DecodingKey::from_rsa_pem(key.public_key_pem().as_bytes()).map_err(io::Error::other)?;
        Ok(Signer { encoding, decoding })
    }

    /// An RS256 token `{"uid", "exp"}` expiring at `exp` (Unix seconds).
    pub fn issue(&self, uid: &str, exp: u64) -> String {
        let claims = Claims {
            uid: uid.to_string(),
            exp: Some(exp),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.encoding)
            .expect("RS256 signing with a fresh key")
    }

    /// The uid of a valid token (signature ours, `exp` absent or in the future, `uid` present).
    pub fn verify(&self, token: &str) -> Option<String> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation())
            .ok()
            .map(|data| data.claims.uid)
            .filter(|uid| !uid.is_empty())
    }
}

/// Signs a service-account login token `{"uid", "exp": now + ttl}` with the account's private key,
/// the way the DC/OS CLI does for `dcos auth login --private-key`.
pub fn service_login_token(private_key_pem: &str, uid: &str, ttl: Duration) -> io::Result<String> {
    let key = EncodingKey::from_rsa_pem(private_key_pem.as_bytes()).map_err(io::Error::other)?;
    let claims = Claims {
        uid: uid.to_string(),
        exp: Some(unix_now() + ttl.as_secs()),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).map_err(io::Error::other)
}

/// Signs a login token whose `exp` has already passed (to test rejected service logins).
pub fn expired_service_login_token(private_key_pem: &str, uid: &str) -> io::Result<String> {
    let key = EncodingKey::from_rsa_pem(private_key_pem.as_bytes()).map_err(io::Error::other)?;
    let claims = Claims {
        uid: uid.to_string(),
        exp: Some(unix_now().saturating_sub(600)),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).map_err(io::Error::other)
}

/// The token a request carries, the way Admin Router finds it: `Authorization` containing
/// `token=<jwt>` or `Bearer <jwt>`; without an `Authorization` header, the `dcos-acs-auth-cookie`.
pub(crate) fn request_token(req: &Request) -> Option<String> {
    if let Some(header) = req.header("Authorization") {
        if let Some(pos) = header.find("token=") {
            let token = &header[pos + "token=".len()..];
            return (!token.is_empty()).then(|| token.to_string());
        }
        if let Some(pos) = header.find("Bearer ") {
            let token = &header[pos + "Bearer ".len()..];
            return (!token.is_empty()).then(|| token.to_string());
        }
        return None;
    }
    let cookies = req.header("Cookie")?;
    cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == "dcos-acs-auth-cookie" && !value.is_empty()).then(|| value.to_string())
    })
}

/// The body of `POST /acs/api/v1/auth/login`.
#[derive(Debug, Deserialize)]
struct LoginRequest {
    uid: Option<String>,
    password: Option<String>,
    token: Option<String>,
}

/// Why a login failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LoginError {
    /// 400 with this description.
    BadRequest(&'static str),
    /// 401 `ERR_INVALID_CREDENTIALS`.
    InvalidCredentials,
}

/// Checks a login request; returns the uid to issue a token for.
pub(crate) fn check_login(config: &AuthConfig, body: &[u8]) -> Result<String, LoginError> {
    let login: LoginRequest = serde_json::from_slice(body)
        .map_err(|_| LoginError::BadRequest("Request body is not a valid JSON object."))?;
    if login.password.is_some() == login.token.is_some() {
        return Err(LoginError::BadRequest(
            "Exactly one of `token` and `password` must be provided in the request body",
        ));
    }
    let Some(uid) = login.uid else {
        if login.password.is_some() {
            return Err(LoginError::BadRequest("`uid` missing in the request body"));
        }
        // A token without uid is an OIDC ID token login, which the simulator has no issuer for.
        return Err(LoginError::InvalidCredentials);
    };
    if uid.is_empty() || login.password.as_deref() == Some("") {
        return Err(LoginError::BadRequest(
            "`uid` and `password` must not be empty strings",
        ));
    }
    if let Some(password) = login.password {
        return match config.users.get(&uid) {
            Some(expected) if *expected == password => Ok(uid),
            _ => Err(LoginError::InvalidCredentials),
        };
    }
    let token = login.token.unwrap_or_default();
    let account = config
        .service_accounts
        .iter()
        .find(|a| a.uid == uid)
        .ok_or(LoginError::InvalidCredentials)?;
    let key = DecodingKey::from_rsa_pem(account.public_key_pem.as_bytes())
        .map_err(|_| LoginError::InvalidCredentials)?;
    let claims = jsonwebtoken::decode::<Claims>(&token, &key, &validation())
        .map_err(|_| LoginError::InvalidCredentials)?
        .claims;
    if claims.uid != uid {
        return Err(LoginError::InvalidCredentials);
    }
    Ok(uid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_passwords() {
        let text = format!("{:?}", AuthConfig::default());
        assert!(
            text.contains("bootstrapuser") && !text.contains(DEFAULT_USER.1),
            "{text}"
        );
    }

    #[test]
    fn signer_round_trips_and_rejects_expired_tokens() {
        let signer = Signer::new().unwrap();
        let token = signer.issue("alice", unix_now() + 60);
        assert_eq!(signer.verify(&token).as_deref(), Some("alice"));
        assert_eq!(signer.verify(&signer.issue("alice", unix_now() - 1)), None);
        assert_eq!(Signer::new().unwrap().verify(&token), None);
    }
}
