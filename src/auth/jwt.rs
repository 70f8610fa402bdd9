//! JSON Web Tokens: reading a DC/OS token's `uid` and `exp` for `auth status` (no verification: the
//! cluster verifies), and signing a service account's login token (RS256 `{"uid", "exp": now+300}`).

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// How long a service-account login token is valid (as the DC/OS CLI signs it).
pub const LOGIN_TOKEN_TTL_SECS: u64 = 300;

/// The claims `auth status` shows.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user or service account.
    pub uid: Option<String>,
    /// Expiry, UNIX seconds.
    pub exp: Option<i64>,
}

/// Reads the claims of a JWT without verifying it; `None` if it is not a JWT.
pub fn claims(token: &Secret) -> Option<Claims> {
    let payload = token.expose().split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// When `token` expired (its `exp` claim), if it has; `None` for a live or opaque token.
pub fn expired_at(token: &Secret) -> Option<i64> {
    claims(token)
        .and_then(|c| c.exp)
        .filter(|exp| *exp <= crate::clock::unix_now())
}

#[derive(Serialize)]
struct LoginClaims<'a> {
    uid: &'a str,
    exp: u64,
}

/// Signs the login token a service account posts to `/acs/api/v1/auth/login`.
pub fn service_login_token(uid: &str, private_key_pem: &Secret) -> Result<Secret> {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(private_key_pem.expose().as_bytes()).map_err(|_| {
        Error::auth("the service account's private key is not an RSA key in PEM form")
            .hint("use the key `dcos security org service-accounts keypair` wrote (PKCS#1 or PKCS#8 PEM)")
    })?;
    let exp = crate::clock::unix_now().max(0) as u64 + LOGIN_TOKEN_TTL_SECS;
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &LoginClaims { uid, exp },
        &key,
    )
    .map_err(|_| {
        Error::auth("cannot sign the service-account login token with this private key")
    })?;
    Ok(Secret::new(token))
}

/// Reads a private key file, refusing modes other than 0400 and 0600 with the DC/OS CLI's words.
pub fn read_private_key(path: &Path) -> Result<Secret> {
    crate::fsutil::require_private_file(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(format!(
            "cannot read the private key {}: {e}",
            path.display()
        ))
    })?;
    Ok(Secret::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_uid_and_exp_without_verifying() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"uid":"bootstrapuser","exp":1700000000}"#);
        let token = Secret::new(format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln"));
        assert_eq!(
            claims(&token),
            Some(Claims {
                uid: Some("bootstrapuser".into()),
                exp: Some(1_700_000_000)
            })
        );
        assert_eq!(claims(&Secret::new("opaque")), None);
        assert_eq!(expired_at(&token), Some(1_700_000_000));
        let later = URL_SAFE_NO_PAD.encode(br#"{"uid":"u","exp":99999999999}"#);
        assert_eq!(expired_at(&Secret::new(format!("h.{later}.s"))), None);
        assert_eq!(expired_at(&Secret::new("opaque")), None);
    }

    #[cfg(unix)]
    #[test]
    fn key_files_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_private_key(&path).unwrap_err();
        assert_eq!(
            err.message(),
            format!(
                "permissions 0644 for '{}' are too open, expected 0400 or 0600",
                path.display()
            )
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(read_private_key(&path).unwrap().expose(), "x");
    }
}
