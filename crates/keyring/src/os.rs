//! OS keyrings through keyring-core: entry calls and error classification.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};

use crate::error::{FailureKind, one_line};

/// A keyring-core store (Secret Service, kernel keyring, Keychain, Credential Manager).
pub(crate) struct OsStore {
    store: Arc<CredentialStore>,
    /// Run before every entry is built (the kernel keyring needs the calling thread to have
    /// a session keyring, and threads other than the opening one may have none).
    prepare: fn(),
}

/// A keyring-core failure reduced to what may be shown: the class and a one-line text.
///
/// keyring-core's `Error` can carry the secret (`BadEncoding` and `BadDataFormat` hold the
/// raw bytes), so it is converted at once and never kept or formatted with `Debug`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OsError {
    pub(crate) kind: FailureKind,
    pub(crate) cause: String,
    /// The store rejected the service or account (not a store failure).
    pub(crate) invalid_input: Option<&'static str>,
}

impl OsStore {
    pub(crate) fn new(store: Arc<CredentialStore>, prepare: fn()) -> OsStore {
        OsStore { store, prepare }
    }

    fn entry(&self, service: &str, account: &str) -> Result<Entry, OsError> {
        (self.prepare)();
        Entry::new_in_store(&self.store, service, account).map_err(|e| classify(&e))
    }

    pub(crate) fn get(&self, service: &str, account: &str) -> Result<Option<String>, OsError> {
        match self.entry(service, account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(&e)),
        }
    }

    pub(crate) fn set(&self, service: &str, account: &str, secret: &str) -> Result<(), OsError> {
        self.entry(service, account)?
            .set_password(secret)
            .map_err(|e| classify(&e))
    }

    pub(crate) fn delete(&self, service: &str, account: &str) -> Result<bool, OsError> {
        match self.entry(service, account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(&e)),
        }
    }
}

impl std::fmt::Debug for OsStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsStore")
            .field("vendor", &self.store.vendor())
            .finish()
    }
}

/// Classifies a keyring-core error without keeping any secret bytes it may hold.
pub(crate) fn classify(err: &Error) -> OsError {
    let plain = |kind, cause: String| OsError {
        kind,
        cause: one_line(&cause),
        invalid_input: None,
    };
    match err {
        Error::PlatformFailure(inner) => {
            let (kind, cause) = platform(inner.as_ref(), FailureKind::Platform);
            plain(kind, cause)
        }
        Error::NoStorageAccess(inner) => {
            let (kind, cause) = platform(inner.as_ref(), FailureKind::AccessDenied);
            plain(kind, cause)
        }
        Error::BadEncoding(_) => plain(
            FailureKind::Corrupt,
            "the stored value is not UTF-8 text".to_owned(),
        ),
        Error::BadDataFormat(_, _) => plain(
            FailureKind::Corrupt,
            "the stored value is malformed".to_owned(),
        ),
        Error::Ambiguous(entries) => plain(
            FailureKind::Corrupt,
            format!(
                "{} entries match; remove the extra ones with the keyring's own tool",
                entries.len()
            ),
        ),
        Error::Invalid(what, reason) => OsError {
            kind: FailureKind::Platform,
            cause: one_line(&format!("{what} {reason}")),
            invalid_input: Some(input_name(what)),
        },
        Error::TooLong(what, limit) => OsError {
            kind: FailureKind::Platform,
            cause: format!("{what} is longer than the store's limit of {limit}"),
            invalid_input: Some(input_name(what)),
        },
        Error::NotSupportedByStore(_) => plain(FailureKind::Unsupported, err.to_string()),
        // NoEntry is handled by the callers; NoDefaultStore cannot happen (entries are built in
        // an explicit store); later variants carry no secret in their Display.
        other => plain(FailureKind::Platform, other.to_string()),
    }
}

/// Maps keyring-core's attribute names to ours.
fn input_name(what: &str) -> &'static str {
    match what {
        "service" => "service",
        "password" | "secret" => "secret",
        _ => "account",
    }
}

/// Text and class of a platform error, knowing the concrete types of our stores.
fn platform(
    inner: &(dyn std::error::Error + Send + Sync + 'static),
    fallback: FailureKind,
) -> (FailureKind, String) {
    #[cfg(all(unix, not(target_os = "macos")))]
    if let Some(e) = inner.downcast_ref::<dbus_secret_service::Error>() {
        return crate::secret_service::classify(e);
    }
    #[cfg(target_os = "linux")]
    if let Some(e) = inner.downcast_ref::<linux_keyutils::KeyError>() {
        return crate::keyutils::classify(e);
    }
    (fallback, inner.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_bytes_never_reach_the_text() {
        let secret = b"hunter2-\xff".to_vec();
        for err in [
            Error::BadEncoding(secret.clone()),
            Error::BadDataFormat(secret.clone(), "bad padding".into()),
        ] {
            let classified = classify(&err);
            assert_eq!(classified.kind, FailureKind::Corrupt);
            assert!(!format!("{classified:?}").contains("hunter2"));
        }
        assert_eq!(
            classify(&Error::BadEncoding(secret)).cause,
            "the stored value is not UTF-8 text"
        );
    }

    #[test]
    fn platform_text_is_kept_once_and_on_one_line() {
        let err = Error::PlatformFailure("line one\nline two".into());
        assert_eq!(
            classify(&err),
            OsError {
                kind: FailureKind::Platform,
                cause: "line one line two".to_owned(),
                invalid_input: None,
            }
        );
        let err = Error::NoStorageAccess("keychain locked".into());
        assert_eq!(classify(&err).kind, FailureKind::AccessDenied);
        assert_eq!(classify(&err).cause, "keychain locked");
    }

    #[test]
    fn rejected_attributes_are_input_errors() {
        let err = Error::Invalid("service".into(), "cannot contain delimiter".into());
        let classified = classify(&err);
        assert_eq!(classified.invalid_input, Some("service"));
        assert_eq!(classified.cause, "service cannot contain delimiter");
        let err = Error::TooLong("user".into(), 255);
        assert_eq!(classify(&err).invalid_input, Some("account"));
    }
}
