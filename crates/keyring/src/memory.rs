//! The in-memory store behind [`crate::Store::in_memory`] (for tests of callers only).
//!
//! keyring-core's own mock is not used: its `Debug` output contains the stored secret, and
//! keyring-core logs entries with `{:?}` at debug level.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Secrets keyed by (service, account), kept in process memory.
#[derive(Default)]
pub(crate) struct MemoryStore {
    entries: Mutex<BTreeMap<(String, String), String>>,
}

impl MemoryStore {
    fn entries(&self) -> MutexGuard<'_, BTreeMap<(String, String), String>> {
        // A panic elsewhere cannot leave the map half-updated: every change is one map call.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn get(&self, service: &str, account: &str) -> Option<String> {
        self.entries()
            .get(&(service.to_owned(), account.to_owned()))
            .cloned()
    }

    pub(crate) fn set(&self, service: &str, account: &str, secret: &str) {
        self.entries()
            .insert((service.to_owned(), account.to_owned()), secret.to_owned());
    }

    pub(crate) fn delete(&self, service: &str, account: &str) -> bool {
        self.entries()
            .remove(&(service.to_owned(), account.to_owned()))
            .is_some()
    }
}

impl fmt::Debug for MemoryStore {
    /// Shows how many entries there are, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.entries().len())
            .finish()
    }
}
