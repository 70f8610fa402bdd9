//! The store a [`crate::Store`] actually uses, with a human name for `auth status`.

use std::fmt;
use std::path::PathBuf;

/// The credential store behind a [`crate::Store`].
///
/// For an explicit choice this is the requested store even when it turned out unusable
/// (see [`crate::Store::unavailable_reason`]); after `auto` found nothing it is [`Backend::None`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// The freedesktop Secret Service on the D-Bus session bus, default collection.
    SecretService,
    /// The Linux kernel keyring (keyutils), linked into the per-user persistent keyring.
    KernelKeyring,
    /// The macOS login Keychain.
    MacosKeychain,
    /// The Windows Credential Manager.
    WindowsCredentialManager,
    /// A plain-text JSON file (explicit opt-in only).
    File(PathBuf),
    /// Process memory; for unit tests of callers only.
    Memory,
    /// No credential store.
    None,
}

impl Backend {
    /// A short human name, e.g. `"Secret Service"` or `"plain-text file"`, for `auth status`.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::SecretService => "Secret Service",
            Backend::KernelKeyring => "kernel keyring",
            Backend::MacosKeychain => "macOS Keychain",
            Backend::WindowsCredentialManager => "Windows Credential Manager",
            Backend::File(_) => "plain-text file",
            Backend::Memory => "in-memory store",
            Backend::None => "no keyring",
        }
    }

    /// True when secrets are stored unencrypted (the caller should warn, like gh's
    /// "! Authentication credentials saved in plain text").
    pub fn is_plaintext(&self) -> bool {
        matches!(self, Backend::File(_))
    }

    /// True when stored secrets survive a reboot. The kernel keyring is a cache cleared at
    /// reboot (and after 3 days unused); memory and "no keyring" keep nothing.
    pub fn survives_reboot(&self) -> bool {
        matches!(
            self,
            Backend::SecretService
                | Backend::MacosKeychain
                | Backend::WindowsCredentialManager
                | Backend::File(_)
        )
    }
}

impl fmt::Display for Backend {
    /// The name, plus the path for the file store.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::File(path) => write!(f, "plain-text file {}", path.display()),
            other => f.write_str(other.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_properties() {
        let file = Backend::File(PathBuf::from("creds.json"));
        assert_eq!(file.to_string(), "plain-text file creds.json");
        assert_eq!(file.name(), "plain-text file");
        assert!(file.is_plaintext());
        assert!(file.survives_reboot());

        assert_eq!(Backend::SecretService.to_string(), "Secret Service");
        assert!(!Backend::SecretService.is_plaintext());
        assert!(Backend::SecretService.survives_reboot());

        assert_eq!(Backend::KernelKeyring.to_string(), "kernel keyring");
        assert!(!Backend::KernelKeyring.survives_reboot());

        assert_eq!(Backend::None.to_string(), "no keyring");
        assert!(!Backend::None.is_plaintext());
        assert!(!Backend::Memory.survives_reboot());
    }
}
