//! Opening the Linux kernel keyring (`linux-keyutils-keyring-store`), headless-safe (spec §4.2).

use std::collections::HashMap;
use std::sync::Arc;

use keyring_core::CredentialStore;
use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};

use crate::error::FailureKind;
use crate::open::Unusable;

/// A description no entry can have (entries all start with `keyring:`), searched for as an
/// access probe.
const PROBE: &str = "dcos-telemetry-access-probe";

/// Opens the store.
///
/// A process started outside a login session may have no session keyring; keyctl then fails
/// with "access denied". Asking for the session keyring with `create` joins a new anonymous
/// one only when there is none (a desktop or ssh session keeps its own). Entries are also
/// linked into the per-user persistent keyring, which is what makes them visible to the next
/// process. With `require_persistent` (used by `auto`) a kernel without persistent keyrings
/// counts as unusable, since secrets would vanish when this process exits.
pub(crate) fn open(require_persistent: bool) -> Result<Arc<CredentialStore>, Unusable> {
    let session = KeyRing::from_special_id(KeyRingIdentifier::Session, true)
        .map_err(|e| unusable("no session keyring", &e))?;
    if let Err(e) = KeyRing::get_persistent(KeyRingIdentifier::Session) {
        if require_persistent {
            return Err(unusable(
                "no persistent keyring, so secrets would not outlive this process",
                &e,
            ));
        }
        log::debug!(
            "kernel keyring: no persistent keyring ({}); secrets last as long as the session keyring",
            describe(&e)
        );
    }
    match session.search(PROBE) {
        Ok(_) | Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {}
        Err(e) => return Err(unusable("cannot search the session keyring", &e)),
    }
    // Services may not contain the `@` divider, so (service, account) ↔ description is 1:1.
    let config = HashMap::from([("service_no_divider", "true")]);
    let store = linux_keyutils_keyring_store::Store::new_with_configuration(&config)
        .map_err(|e| Unusable::from_os(&crate::os::classify(&e)))?;
    Ok(store)
}

/// Gives the calling thread a session keyring if it has none (session keyrings belong to a
/// thread's credentials, so a thread started before `open` may lack one). Failures show up
/// in the entry call that follows.
pub(crate) fn ensure_session_keyring() {
    let _ = KeyRing::from_special_id(KeyRingIdentifier::Session, true);
}

fn unusable(what: &str, err: &KeyError) -> Unusable {
    let (kind, text) = classify(err);
    Unusable::new(kind, &format!("{what}: {text}"))
}

/// Class and human text of a keyutils error (its own `Display` is the variant name).
pub(crate) fn classify(err: &KeyError) -> (FailureKind, String) {
    let kind = match err {
        KeyError::AccessDenied | KeyError::PermissionDenied => FailureKind::AccessDenied,
        KeyError::OperationNotSupported => FailureKind::Unsupported,
        _ => FailureKind::Platform,
    };
    (kind, describe(err))
}

fn describe(err: &KeyError) -> String {
    match err {
        KeyError::AccessDenied => "access denied (EACCES)".to_owned(),
        KeyError::PermissionDenied => {
            "operation not permitted (EPERM; keyctl may be blocked by a seccomp profile)".to_owned()
        }
        KeyError::QuotaExceeded => "the user's key quota is exhausted (EDQUOT)".to_owned(),
        KeyError::OperationNotSupported => "not supported by this kernel (ENOTSUP)".to_owned(),
        KeyError::OutOfMemory => "out of memory (ENOMEM)".to_owned(),
        KeyError::KeyDoesNotExist => "no such key (ENOKEY)".to_owned(),
        KeyError::KeyringDoesNotExist => "no such keyring".to_owned(),
        KeyError::KeyExpired => "the key or keyring expired (EKEYEXPIRED)".to_owned(),
        KeyError::KeyRevoked => "the key or keyring was revoked (EKEYREVOKED)".to_owned(),
        KeyError::InvalidArguments => "invalid argument (EINVAL)".to_owned(),
        KeyError::Unknown(errno) => {
            format!(
                "{} (errno {errno})",
                std::io::Error::from_raw_os_error(*errno)
            )
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_words_with_a_class() {
        assert_eq!(
            classify(&KeyError::AccessDenied),
            (
                FailureKind::AccessDenied,
                "access denied (EACCES)".to_owned()
            )
        );
        assert_eq!(
            classify(&KeyError::PermissionDenied).0,
            FailureKind::AccessDenied
        );
        assert_eq!(
            classify(&KeyError::Unknown(38)).1,
            "Function not implemented (os error 38) (errno 38)"
        );
        assert_eq!(
            unusable("no session keyring", &KeyError::AccessDenied).reason,
            "no session keyring: access denied (EACCES)"
        );
    }
}
