//! Opening the macOS Keychain or the Windows Credential Manager.

use std::sync::Arc;

use keyring_core::CredentialStore;

use crate::backend::Backend;
use crate::open::Unusable;

/// The native store of this platform and its [`Backend`].
pub(crate) fn open() -> (Backend, Result<Arc<CredentialStore>, Unusable>) {
    #[cfg(target_os = "macos")]
    let opened = (
        Backend::MacosKeychain,
        apple_native_keyring_store::keychain::Store::new()
            .map(|store| store as Arc<CredentialStore>),
    );
    #[cfg(windows)]
    let opened = (
        Backend::WindowsCredentialManager,
        windows_native_keyring_store::Store::new().map(|store| store as Arc<CredentialStore>),
    );
    let (backend, store) = opened;
    (
        backend,
        store.map_err(|e| Unusable::from_os(&crate::os::classify(&e))),
    )
}
