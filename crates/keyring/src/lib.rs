//! Secrets of the `dcos telemetry` plugin in the OS keyring.
//!
//! The plugin keeps DC/OS tokens, service-account private keys, passwords (only with
//! `--remember`) and Segment write keys here. The store is chosen once at start
//! ([`BackendChoice`], usually from `DCOS_TELEMETRY_CREDENTIAL_STORE`):
//!
//! * `auto` on Linux: the Secret Service when `DBUS_SESSION_BUS_ADDRESS` is set, the store
//!   connects and its default collection is unlocked; otherwise the kernel keyring (joining a
//!   new session keyring when the process has none); otherwise no keyring. On macOS and
//!   Windows: the Keychain or the Credential Manager.
//! * `file:<path>` is a plain-text 0600 JSON file, only for an explicit opt-in;
//!   [`Backend::is_plaintext`] tells the caller to warn.
//! * `none` stores nothing (hermetic CI).
//!
//! Reading from an unusable keyring is "nothing stored"; writing fails with a
//! [`KeyringError`] whose `Display` is one line and whose [`KeyringError::hint`] says what to
//! do. No secret ever appears in an error, in `Debug` output or in the log.
//!
//! ```
//! use dcos_telemetry_keyring::{Key, Store};
//!
//! let store = Store::in_memory(); // tests only; real code: Store::open(choice)?
//! store.set_key(&Key::token("cluster-1", "alice"), "eyJhbGciOi...")?;
//! assert!(store.get_key(&Key::token("cluster-1", "alice"))?.is_some());
//! # Ok::<(), dcos_telemetry_keyring::KeyringError>(())
//! ```

#![warn(missing_docs)]

mod backend;
mod choice;
mod error;
mod file;
mod key;
mod memory;
mod open;
mod os;
mod store;

#[cfg(target_os = "linux")]
mod keyutils;
#[cfg(any(target_os = "macos", windows))]
mod native;
#[cfg(all(unix, not(target_os = "macos")))]
mod secret_service;

pub use backend::Backend;
pub use choice::{BackendChoice, CHOICE_SYNTAX, CREDENTIAL_STORE_ENV};
pub use error::{FailureKind, KeyringError, Operation};
pub use key::{Key, SERVICE};
pub use store::Store;
