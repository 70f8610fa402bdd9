//! Opening the freedesktop Secret Service (`dbus-secret-service-keyring-store`).

use std::sync::Arc;

use dbus_secret_service::{EncryptionType, SecretService};
use keyring_core::CredentialStore;

use crate::error::{FailureKind, one_line};
use crate::open::Unusable;

/// The D-Bus error name gnome-keyring returns for a locked collection.
const IS_LOCKED: &str = "org.freedesktop.Secret.Error.IsLocked";

/// Opens the store. With `probe`, first checks that the default collection exists and is
/// unlocked, so `auto` never triggers an unlock prompt (which fails or hangs when headless).
pub(crate) fn open(probe: bool) -> Result<Arc<CredentialStore>, Unusable> {
    let bus_set = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
    if !bus_set {
        // Without it libdbus tries X11 autolaunch, which only fails more slowly.
        return Err(Unusable::new(
            FailureKind::NoSessionBus,
            "DBUS_SESSION_BUS_ADDRESS is not set",
        ));
    }
    if probe {
        probe_default_collection()?;
    } else if headless() && default_collection_locked() {
        // An explicit choice may prompt to unlock, but without a display the prompter can only
        // fail, and sometimes hangs instead: refuse at once (reads then find nothing).
        return Err(Unusable::new(
            FailureKind::Locked,
            "the keyring is locked and no unlock prompt can be shown without a display",
        ));
    }
    let store = dbus_secret_service_keyring_store::Store::new()
        .map_err(|e| Unusable::from_os(&crate::os::classify(&e)))?;
    Ok(store)
}

/// No graphical session: an unlock prompt cannot be shown.
fn headless() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .all(|v| std::env::var_os(v).is_none_or(|x| x.is_empty()))
}

/// Whether the default collection exists and is locked (any other answer: not known to be).
fn default_collection_locked() -> bool {
    let Ok(service) = SecretService::connect(EncryptionType::Plain) else {
        return false;
    };
    let Ok(collection) = service.get_default_collection() else {
        return false;
    };
    collection.is_locked().unwrap_or(false)
}

fn probe_default_collection() -> Result<(), Unusable> {
    let fail = |e: dbus_secret_service::Error| {
        let (kind, cause) = classify(&e);
        Unusable::new(kind, &cause)
    };
    // The probe moves no secret, so it needs no session encryption.
    let service = SecretService::connect(EncryptionType::Plain).map_err(fail)?;
    let collection = service.get_default_collection().map_err(|e| match e {
        dbus_secret_service::Error::NoResult => {
            Unusable::new(FailureKind::Platform, "there is no default collection")
        }
        other => fail(other),
    })?;
    if collection.is_locked().map_err(fail)? {
        return Err(Unusable::new(
            FailureKind::Locked,
            "the default collection is locked",
        ));
    }
    Ok(())
}

/// Class and one-line text of a Secret Service error.
///
/// The crate's own texts start with "Secret Service:", which our messages already say.
pub(crate) fn classify(err: &dbus_secret_service::Error) -> (FailureKind, String) {
    use dbus_secret_service::Error as E;
    match err {
        E::Locked => (FailureKind::Locked, "the keyring is locked".to_owned()),
        E::Prompt => (
            FailureKind::Locked,
            "the keyring is locked and the unlock prompt was dismissed or could not be shown"
                .to_owned(),
        ),
        E::NoResult => (FailureKind::Platform, "no such object".to_owned()),
        E::Unavailable => (
            FailureKind::NoSessionBus,
            "no D-Bus session or no Secret Service provider on it".to_owned(),
        ),
        E::Dbus(e) => {
            let kind = match e.name() {
                Some(IS_LOCKED) => FailureKind::Locked,
                Some(
                    "org.freedesktop.DBus.Error.ServiceUnknown"
                    | "org.freedesktop.DBus.Error.NoServer"
                    | "org.freedesktop.DBus.Error.FileNotFound"
                    | "org.freedesktop.DBus.Error.Disconnected",
                ) => FailureKind::NoSessionBus,
                _ => FailureKind::Platform,
            };
            let text = e.message().or(e.name()).unwrap_or("unknown error");
            (kind, one_line(&format!("D-Bus error: {text}")))
        }
        other => (FailureKind::Platform, one_line(&other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_do_not_repeat_the_store_name() {
        use dbus_secret_service::Error as E;
        assert_eq!(
            classify(&E::Prompt),
            (
                FailureKind::Locked,
                "the keyring is locked and the unlock prompt was dismissed or could not be shown"
                    .to_owned()
            )
        );
        assert_eq!(classify(&E::Locked).0, FailureKind::Locked);
        assert_eq!(classify(&E::Unavailable).0, FailureKind::NoSessionBus);
    }
}
