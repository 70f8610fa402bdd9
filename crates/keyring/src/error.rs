//! One typed error for every store, with a one-line `Display` and a `hint()`.
//!
//! No variant holds a secret, so `Display` and `Debug` are safe to print. Keyring-core's
//! `Display` already contains its platform cause, so the cause text is kept as a string and no
//! variant has a `source()`: printing the chain with `{:#}` cannot repeat it (spec §4.4 item 5).

use std::fmt;

use crate::backend::Backend;
use crate::choice::CHOICE_SYNTAX;

/// What the caller was doing when the store failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `get`
    Read,
    /// `set`
    Write,
    /// `delete`
    Delete,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Read => "read",
            Operation::Write => "save",
            Operation::Delete => "delete",
        })
    }
}

/// The class of a failure, for hints and for callers that pick exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// The user turned storage off (`none`).
    TurnedOff,
    /// `auto` found no usable store.
    NothingUsable,
    /// No D-Bus session bus, or no Secret Service provider on it.
    NoSessionBus,
    /// The Secret Service collection is locked, or the unlock prompt was dismissed.
    Locked,
    /// The platform refused access (for example keyctl blocked in a container, file permissions).
    AccessDenied,
    /// The store does not exist on this platform.
    Unsupported,
    /// Stored data is malformed (corrupt file, non-UTF-8 value).
    Corrupt,
    /// Any other failure of the platform store or the file system.
    Platform,
}

/// Errors of this crate. `Display` is one line naming the store and the cause; see [`KeyringError::hint`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// A `DCOS_TELEMETRY_CREDENTIAL_STORE` value (or a `file:` path) that cannot be used.
    #[error("invalid credential store {value:?}: {reason} (expected one of: {CHOICE_SYNTAX})")]
    InvalidChoice {
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The store cannot be used at all (writes and deletes fail; reads return `Ok(None)`).
    #[error("cannot {op} {service}/{account}: {}", unusable(.backend, .reason))]
    Unavailable {
        /// The chosen store, or [`Backend::None`] when `auto` found none.
        backend: Backend,
        /// What was attempted.
        op: Operation,
        /// The service name of the entry.
        service: String,
        /// The account name of the entry.
        account: String,
        /// Why the store is unusable (one line).
        reason: String,
        /// The class of the reason.
        kind: FailureKind,
    },
    /// The store is there but the operation failed.
    #[error("cannot {op} {service}/{account}: {backend}: {cause}")]
    Failed {
        /// The store that failed.
        backend: Backend,
        /// What was attempted.
        op: Operation,
        /// The service name of the entry.
        service: String,
        /// The account name of the entry.
        account: String,
        /// The platform's message (one line, never the secret).
        cause: String,
        /// The class of the cause.
        kind: FailureKind,
    },
    /// An empty service, account or secret, or one the store rejects.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// `"service"`, `"account"` or `"secret"`.
        what: &'static str,
        /// Why it was rejected.
        reason: String,
    },
}

/// "no keyring (…)" or "<store> is unavailable (…)".
pub(crate) fn unusable(backend: &Backend, reason: &str) -> String {
    match backend {
        Backend::None => format!("no keyring ({reason})"),
        other => format!("{other} is unavailable ({reason})"),
    }
}

/// Appended to every hint about a failed save, as spec §4.4 item 3 asks.
const INSECURE: &str = "or pass --insecure-storage to write a 0600 file instead";

impl KeyringError {
    /// The failure class, when the error comes from a store.
    pub fn kind(&self) -> Option<FailureKind> {
        match self {
            KeyringError::Unavailable { kind, .. } | KeyringError::Failed { kind, .. } => {
                Some(*kind)
            }
            KeyringError::InvalidChoice { .. } | KeyringError::InvalidInput { .. } => None,
        }
    }

    /// One line telling the user what to do next, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            KeyringError::InvalidChoice { .. } => Some(format!(
                "set {} to one of: {CHOICE_SYNTAX}",
                crate::CREDENTIAL_STORE_ENV
            )),
            KeyringError::InvalidInput { .. } => None,
            KeyringError::Unavailable { backend, kind, .. }
            | KeyringError::Failed { backend, kind, .. } => hint_for(backend, *kind),
        }
    }
}

fn hint_for(backend: &Backend, kind: FailureKind) -> Option<String> {
    let env = crate::CREDENTIAL_STORE_ENV;
    let text = match (backend, kind) {
        (_, FailureKind::TurnedOff) => {
            format!("{env}=none turns credential storage off; unset it, {INSECURE}")
        }
        (Backend::File(path), FailureKind::Corrupt) => format!(
            "fix or remove {} (it holds only this plugin's credentials) and log in again",
            path.display()
        ),
        (_, FailureKind::Corrupt) => {
            "the entry was written by another program; delete it (`dcos telemetry auth logout`) \
             and log in again"
                .to_owned()
        }
        (Backend::File(path), _) => format!(
            "check that {} and its directory are writable by you",
            path.display()
        ),
        (_, FailureKind::NothingUsable) => format!(
            "no Secret Service on this session bus; on headless Linux the kernel keyring is used, \
             but this process cannot use it (containers often block keyctl); set DCOS_ACS_TOKEN \
             for one-off use, {INSECURE}"
        ),
        (_, FailureKind::Locked) => format!(
            "unlock the login keyring (headless: printf %s \"$PASSWORD\" | gnome-keyring-daemon \
             --unlock), or use the kernel keyring with {env}=keyutils, {INSECURE}"
        ),
        (Backend::SecretService, FailureKind::NoSessionBus) => format!(
            "no Secret Service on this session bus; on headless Linux use the kernel keyring with \
             {env}=keyutils, {INSECURE}"
        ),
        (Backend::SecretService, _) => format!(
            "on Linux the kernel keyring works without a Secret Service: {env}=keyutils, \
             {INSECURE}"
        ),
        (Backend::KernelKeyring, FailureKind::AccessDenied | FailureKind::Unsupported) => {
            format!(
                "the kernel keyring refused this process (containers often block keyctl); use a \
                 Secret Service with {env}=secret-service, {INSECURE}"
            )
        }
        (_, FailureKind::Unsupported) => {
            format!("{env}=auto picks the store this platform offers, {INSECURE}")
        }
        (Backend::None, _) => format!("unset {env} to use the OS keyring, {INSECURE}"),
        (_, _) => format!("set {env} to another store, {INSECURE}"),
    };
    Some(text)
}

/// Makes platform text safe for a one-line message.
pub(crate) fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn unavailable(backend: Backend, kind: FailureKind, reason: &str) -> KeyringError {
        KeyringError::Unavailable {
            backend,
            op: Operation::Write,
            service: "dcos-telemetry".into(),
            account: "token:c1:alice".into(),
            reason: reason.into(),
            kind,
        }
    }

    #[test]
    fn no_keyring_names_the_cause_on_one_line_with_the_documented_hint() {
        let err = unavailable(
            Backend::None,
            FailureKind::NothingUsable,
            "Secret Service: DBUS_SESSION_BUS_ADDRESS is not set; kernel keyring: Access denied",
        );
        assert_eq!(
            err.to_string(),
            "cannot save dcos-telemetry/token:c1:alice: no keyring (Secret Service: \
             DBUS_SESSION_BUS_ADDRESS is not set; kernel keyring: Access denied)"
        );
        assert_eq!(
            err.hint().unwrap(),
            "no Secret Service on this session bus; on headless Linux the kernel keyring is used, \
             but this process cannot use it (containers often block keyctl); set DCOS_ACS_TOKEN \
             for one-off use, or pass --insecure-storage to write a 0600 file instead"
        );
        assert_eq!(err.kind(), Some(FailureKind::NothingUsable));
    }

    #[test]
    fn explicit_store_unavailable_names_it() {
        let err = unavailable(
            Backend::SecretService,
            FailureKind::NoSessionBus,
            "DBUS_SESSION_BUS_ADDRESS is not set",
        );
        assert_eq!(
            err.to_string(),
            "cannot save dcos-telemetry/token:c1:alice: Secret Service is unavailable \
             (DBUS_SESSION_BUS_ADDRESS is not set)"
        );
        assert_eq!(
            err.hint().unwrap(),
            "no Secret Service on this session bus; on headless Linux use the kernel keyring with \
             DCOS_TELEMETRY_CREDENTIAL_STORE=keyutils, or pass --insecure-storage to write a 0600 \
             file instead"
        );
    }

    #[test]
    fn hints_follow_the_cause_not_only_the_store() {
        let hint = |backend, kind| {
            KeyringError::Failed {
                backend,
                op: Operation::Write,
                service: "s".into(),
                account: "a".into(),
                cause: "c".into(),
                kind,
            }
            .hint()
            .unwrap()
        };
        assert!(
            hint(Backend::KernelKeyring, FailureKind::AccessDenied)
                .starts_with("the kernel keyring refused this process")
        );
        assert_eq!(
            hint(Backend::KernelKeyring, FailureKind::Platform),
            "set DCOS_TELEMETRY_CREDENTIAL_STORE to another store, or pass --insecure-storage to \
             write a 0600 file instead"
        );
        assert_eq!(
            hint(Backend::SecretService, FailureKind::Platform),
            "on Linux the kernel keyring works without a Secret Service: \
             DCOS_TELEMETRY_CREDENTIAL_STORE=keyutils, or pass --insecure-storage to write a 0600 \
             file instead"
        );
        assert!(hint(Backend::SecretService, FailureKind::Locked).starts_with("unlock the login"));
    }

    #[test]
    fn turned_off_hint_names_the_variable() {
        let err = unavailable(
            Backend::None,
            FailureKind::TurnedOff,
            "credential store is \"none\"",
        );
        assert_eq!(
            err.hint().unwrap(),
            "DCOS_TELEMETRY_CREDENTIAL_STORE=none turns credential storage off; unset it, or pass \
             --insecure-storage to write a 0600 file instead"
        );
    }

    #[test]
    fn failures_show_store_and_cause_once_without_a_source_chain() {
        let err = KeyringError::Failed {
            backend: Backend::File(PathBuf::from("/c/creds.json")),
            op: Operation::Read,
            service: "s".into(),
            account: "a".into(),
            cause: "not valid JSON (syntax error at line 1, column 2)".into(),
            kind: FailureKind::Corrupt,
        };
        assert_eq!(
            err.to_string(),
            "cannot read s/a: plain-text file /c/creds.json: not valid JSON (syntax error at line \
             1, column 2)"
        );
        assert!(std::error::Error::source(&err).is_none());
        assert_eq!(
            err.hint().unwrap(),
            "fix or remove /c/creds.json (it holds only this plugin's credentials) and log in again"
        );
    }

    #[test]
    fn one_line_joins_platform_text() {
        assert_eq!(one_line("a\n  b\r\n\nc "), "a b c");
        assert_eq!(one_line("plain"), "plain");
    }
}
