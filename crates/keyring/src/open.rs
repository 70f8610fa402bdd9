//! Turning a [`BackendChoice`] into a backend, probing what `auto` may use.

use crate::backend::Backend;
use crate::choice::BackendChoice;
use crate::error::{FailureKind, KeyringError};
use crate::file::FileStore;
use crate::os::{OsError, OsStore};

/// Why a store cannot be used (one line, no secret).
#[derive(Debug)]
pub(crate) struct Unusable {
    pub(crate) kind: FailureKind,
    pub(crate) reason: String,
}

impl Unusable {
    pub(crate) fn new(kind: FailureKind, reason: &str) -> Unusable {
        Unusable {
            kind,
            reason: reason.to_owned(),
        }
    }

    pub(crate) fn from_os(err: &OsError) -> Unusable {
        Unusable::new(err.kind, &err.cause)
    }
}

/// The opened store: something to call, or the reason there is nothing.
#[derive(Debug)]
pub(crate) enum Opened {
    Os(OsStore),
    File(FileStore),
    Unavailable(Unusable),
}

/// Opens `choice`; only an unusable `file:` path is an error, every other problem becomes
/// [`Opened::Unavailable`] so reads can still answer "nothing stored".
pub(crate) fn open(choice: &BackendChoice) -> Result<(Backend, Opened), KeyringError> {
    let opened = match choice {
        BackendChoice::Auto => auto(),
        BackendChoice::SecretService => (Backend::SecretService, secret_service(false)),
        BackendChoice::KernelKeyring => (Backend::KernelKeyring, kernel_keyring(false)),
        BackendChoice::PlatformNative => native(),
        BackendChoice::File(path) => {
            if !path.is_absolute() {
                return Err(KeyringError::InvalidChoice {
                    value: choice.to_string(),
                    reason: "the path after `file:` must be absolute".to_owned(),
                });
            }
            (
                Backend::File(path.clone()),
                Opened::File(FileStore::new(path.clone())),
            )
        }
        BackendChoice::None => (
            Backend::None,
            Opened::Unavailable(Unusable::new(
                FailureKind::TurnedOff,
                "the credential store is set to \"none\"",
            )),
        ),
    };
    match &opened.1 {
        Opened::Unavailable(why) => {
            log::debug!("credential store {choice}: {} ({})", opened.0, why.reason)
        }
        _ => log::debug!("credential store {choice}: using {}", opened.0),
    }
    Ok(opened)
}

fn wrap(
    result: Result<std::sync::Arc<keyring_core::CredentialStore>, Unusable>,
    prepare: fn(),
) -> Opened {
    match result {
        Ok(store) => Opened::Os(OsStore::new(store, prepare)),
        Err(why) => Opened::Unavailable(why),
    }
}

fn unsupported(what: &str) -> Opened {
    Opened::Unavailable(Unusable::new(FailureKind::Unsupported, what))
}

#[cfg(all(unix, not(target_os = "macos")))]
fn secret_service(probe: bool) -> Opened {
    wrap(crate::secret_service::open(probe), || {})
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn secret_service(_probe: bool) -> Opened {
    unsupported("the Secret Service exists only on Linux and the BSDs")
}

#[cfg(target_os = "linux")]
fn kernel_keyring(require_persistent: bool) -> Opened {
    wrap(
        crate::keyutils::open(require_persistent),
        crate::keyutils::ensure_session_keyring,
    )
}

#[cfg(not(target_os = "linux"))]
fn kernel_keyring(_require_persistent: bool) -> Opened {
    unsupported("the kernel keyring exists only on Linux")
}

#[cfg(any(target_os = "macos", windows))]
fn native() -> (Backend, Opened) {
    let (backend, store) = crate::native::open();
    (backend, wrap(store, || {}))
}

#[cfg(not(any(target_os = "macos", windows)))]
fn native() -> (Backend, Opened) {
    (
        Backend::None,
        unsupported(
            "\"native\" means the macOS Keychain or the Windows Credential Manager; on this system use secret-service or keyutils",
        ),
    )
}

/// Secret Service (only if it is there and unlocked), then the kernel keyring, then nothing.
#[cfg(not(any(target_os = "macos", windows)))]
fn auto() -> (Backend, Opened) {
    let mut skipped = Vec::new();
    match secret_service(true) {
        Opened::Unavailable(why) => skipped.push(format!("Secret Service: {}", why.reason)),
        opened => return (Backend::SecretService, opened),
    }
    if cfg!(target_os = "linux") {
        match kernel_keyring(true) {
            Opened::Unavailable(why) => skipped.push(format!("kernel keyring: {}", why.reason)),
            opened => {
                log::debug!("credential store auto: skipped {}", skipped.join("; "));
                return (Backend::KernelKeyring, opened);
            }
        }
    }
    (
        Backend::None,
        Opened::Unavailable(Unusable::new(
            FailureKind::NothingUsable,
            &skipped.join("; "),
        )),
    )
}

#[cfg(any(target_os = "macos", windows))]
fn auto() -> (Backend, Opened) {
    match native() {
        (_, Opened::Unavailable(why)) => (
            Backend::None,
            Opened::Unavailable(Unusable::new(FailureKind::NothingUsable, &why.reason)),
        ),
        opened => opened,
    }
}
