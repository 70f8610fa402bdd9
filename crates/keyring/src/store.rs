//! [`Store`]: get, set and delete secrets in the chosen backend, with the plugin's policy.

use std::fmt;

use crate::backend::Backend;
use crate::choice::BackendChoice;
use crate::error::{FailureKind, KeyringError, Operation, unusable};
use crate::file::FileStore;
use crate::key::Key;
use crate::memory::MemoryStore;
use crate::open::{Opened, Unusable, open};
use crate::os::{OsError, OsStore};

/// A credential store chosen once at start.
///
/// Policy (spec §4.4):
/// * reading from no keyring, or from a locked or failing OS keyring, is "nothing stored"
///   (`Ok(None)`); the reason is logged at debug level for `-v`;
/// * writing (and deleting) there fails with a [`KeyringError`] naming the store and the cause;
/// * the plain-text file store is used only when chosen explicitly; its read errors (a corrupt
///   or unreadable file) are errors, since the user asked for that file;
/// * a stored value that is not text is an error, not "nothing stored".
///
/// `Debug` shows the backend only. Secrets are never logged or put in errors.
pub struct Store {
    backend: Backend,
    inner: Inner,
}

enum Inner {
    Os(OsStore),
    File(FileStore),
    Memory(MemoryStore),
    Unavailable(Unusable),
}

impl Store {
    /// Opens the store for `choice` (see [`BackendChoice`] for what `Auto` picks).
    ///
    /// A store that cannot be used is not an error here: the result reports it through
    /// [`Store::unavailable_reason`], reads return `Ok(None)` and writes fail. The only error
    /// is a `File` choice with a relative path.
    pub fn open(choice: BackendChoice) -> Result<Store, KeyringError> {
        let (backend, opened) = open(&choice)?;
        let inner = match opened {
            Opened::Os(store) => Inner::Os(store),
            Opened::File(store) => Inner::File(store),
            Opened::Unavailable(why) => Inner::Unavailable(why),
        };
        Ok(Store { backend, inner })
    }

    /// An empty store in process memory. **For unit tests of callers only**: nothing is
    /// persisted and other processes cannot see it.
    pub fn in_memory() -> Store {
        Store {
            backend: Backend::Memory,
            inner: Inner::Memory(MemoryStore::default()),
        }
    }

    /// The store in use (for `auth status`: `store.backend().to_string()`).
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// True when secrets can be saved.
    pub fn is_available(&self) -> bool {
        !matches!(self.inner, Inner::Unavailable(_))
    }

    /// Why the store cannot be used, as one line, e.g.
    /// `Secret Service: DBUS_SESSION_BUS_ADDRESS is not set; kernel keyring: …`.
    pub fn unavailable_reason(&self) -> Option<&str> {
        match &self.inner {
            Inner::Unavailable(why) => Some(&why.reason),
            _ => None,
        }
    }

    /// The secret stored for (`service`, `account`); `Ok(None)` when there is none or no
    /// keyring can be read (see the policy above).
    pub fn get(&self, service: &str, account: &str) -> Result<Option<String>, KeyringError> {
        check_name("service", service)?;
        check_name("account", account)?;
        let ctx = Ctx::new(self, Operation::Read, service, account);
        match &self.inner {
            Inner::Memory(store) => Ok(store.get(service, account)),
            Inner::File(store) => store
                .get(service, account)
                .map_err(|e| ctx.failed(e.kind, e.cause)),
            Inner::Unavailable(why) => {
                log::debug!(
                    "{service}/{account} treated as not stored: {}",
                    unusable(&self.backend, &why.reason)
                );
                Ok(None)
            }
            Inner::Os(store) => match store.get(service, account) {
                Ok(found) => Ok(found),
                Err(e) if e.invalid_input.is_some() || e.kind == FailureKind::Corrupt => {
                    Err(ctx.os(e))
                }
                Err(e) => {
                    log::debug!(
                        "{service}/{account} treated as not stored: {}: {}",
                        self.backend,
                        e.cause
                    );
                    Ok(None)
                }
            },
        }
    }

    /// Saves `secret` for (`service`, `account`), replacing any previous value.
    ///
    /// An empty secret is refused (the kernel keyring cannot hold one); use
    /// [`Store::delete`] instead.
    pub fn set(&self, service: &str, account: &str, secret: &str) -> Result<(), KeyringError> {
        check_name("service", service)?;
        check_name("account", account)?;
        if secret.is_empty() {
            return Err(KeyringError::InvalidInput {
                what: "secret",
                reason: "an empty secret cannot be stored; delete the entry instead".to_owned(),
            });
        }
        let ctx = Ctx::new(self, Operation::Write, service, account);
        match &self.inner {
            Inner::Memory(store) => {
                store.set(service, account, secret);
                Ok(())
            }
            Inner::File(store) => store
                .set(service, account, secret)
                .map_err(|e| ctx.failed(e.kind, e.cause)),
            Inner::Unavailable(why) => Err(ctx.unavailable(why)),
            Inner::Os(store) => store.set(service, account, secret).map_err(|e| ctx.os(e)),
        }
    }

    /// Removes the entry; `Ok(true)` when something was removed, `Ok(false)` when nothing was
    /// stored. With no keyring at all (`none`, or `auto` found nothing) this is `Ok(false)`;
    /// an unusable explicit or locked store is an error, since something may be stored there.
    pub fn delete(&self, service: &str, account: &str) -> Result<bool, KeyringError> {
        check_name("service", service)?;
        check_name("account", account)?;
        let ctx = Ctx::new(self, Operation::Delete, service, account);
        match &self.inner {
            Inner::Memory(store) => Ok(store.delete(service, account)),
            Inner::File(store) => store
                .delete(service, account)
                .map_err(|e| ctx.failed(e.kind, e.cause)),
            Inner::Unavailable(why) if self.backend == Backend::None => {
                log::debug!(
                    "{service}/{account}: nothing to delete: {}",
                    unusable(&self.backend, &why.reason)
                );
                Ok(false)
            }
            Inner::Unavailable(why) => Err(ctx.unavailable(why)),
            Inner::Os(store) => store.delete(service, account).map_err(|e| ctx.os(e)),
        }
    }

    /// [`Store::get`] for one of the plugin's [`Key`]s.
    pub fn get_key(&self, key: &Key) -> Result<Option<String>, KeyringError> {
        self.get(key.service(), key.account())
    }

    /// [`Store::set`] for one of the plugin's [`Key`]s.
    pub fn set_key(&self, key: &Key, secret: &str) -> Result<(), KeyringError> {
        self.set(key.service(), key.account(), secret)
    }

    /// [`Store::delete`] for one of the plugin's [`Key`]s.
    pub fn delete_key(&self, key: &Key) -> Result<bool, KeyringError> {
        self.delete(key.service(), key.account())
    }

    /// Forgets everything the plugin stored for a cluster (for `auth logout`): the token,
    /// service-account key and password of each uid, and the cluster's Segment write key.
    ///
    /// Returns the keys that were actually removed; stops at the first error (entries removed
    /// before it stay removed, so running it again finishes the job).
    pub fn delete_all_for_cluster(
        &self,
        cluster_id: &str,
        uids: &[&str],
    ) -> Result<Vec<Key>, KeyringError> {
        let mut removed = Vec::new();
        for key in Key::all_for_cluster(cluster_id, uids) {
            if self.delete_key(&key)? {
                removed.push(key);
            }
        }
        Ok(removed)
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Store");
        s.field("backend", &self.backend);
        match &self.inner {
            Inner::Memory(store) => s.field("memory", store),
            Inner::Unavailable(why) => s.field("unavailable", &why.reason),
            Inner::Os(_) | Inner::File(_) => s.field("available", &true),
        };
        s.finish()
    }
}

fn check_name(what: &'static str, value: &str) -> Result<(), KeyringError> {
    let reason = if value.is_empty() {
        "must not be empty"
    } else if value.contains('\0') {
        "must not contain NUL characters"
    } else {
        return Ok(());
    };
    Err(KeyringError::InvalidInput {
        what,
        reason: reason.to_owned(),
    })
}

/// What an operation needs to build its errors.
struct Ctx<'a> {
    backend: &'a Backend,
    op: Operation,
    service: &'a str,
    account: &'a str,
}

impl<'a> Ctx<'a> {
    fn new(store: &'a Store, op: Operation, service: &'a str, account: &'a str) -> Ctx<'a> {
        Ctx {
            backend: &store.backend,
            op,
            service,
            account,
        }
    }

    fn failed(&self, kind: FailureKind, cause: String) -> KeyringError {
        KeyringError::Failed {
            backend: self.backend.clone(),
            op: self.op,
            service: self.service.to_owned(),
            account: self.account.to_owned(),
            cause,
            kind,
        }
    }

    fn unavailable(&self, why: &Unusable) -> KeyringError {
        KeyringError::Unavailable {
            backend: self.backend.clone(),
            op: self.op,
            service: self.service.to_owned(),
            account: self.account.to_owned(),
            reason: why.reason.clone(),
            kind: why.kind,
        }
    }

    fn os(&self, err: OsError) -> KeyringError {
        match err.invalid_input {
            Some(what) => KeyringError::InvalidInput {
                what,
                reason: format!("rejected by the {}: {}", self.backend, err.cause),
            },
            None => self.failed(err.kind, err.cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_round_trip_overwrite_and_delete() {
        let store = Store::in_memory();
        assert_eq!(store.backend(), &Backend::Memory);
        assert!(store.is_available());
        assert_eq!(store.unavailable_reason(), None);
        assert_eq!(store.get("svc", "acct").unwrap(), None);
        store.set("svc", "acct", "first").unwrap();
        assert_eq!(store.get("svc", "acct").unwrap().as_deref(), Some("first"));
        store.set("svc", "acct", "second ✓").unwrap();
        assert_eq!(
            store.get("svc", "acct").unwrap().as_deref(),
            Some("second ✓")
        );
        assert_eq!(store.get("svc", "other").unwrap(), None);
        assert_eq!(store.get("other", "acct").unwrap(), None);
        assert!(store.delete("svc", "acct").unwrap());
        assert!(!store.delete("svc", "acct").unwrap());
        assert_eq!(store.get("svc", "acct").unwrap(), None);
    }

    #[test]
    fn invalid_names_and_empty_secrets_are_refused_everywhere() {
        for store in [
            Store::in_memory(),
            Store::open(BackendChoice::None).unwrap(),
        ] {
            assert_eq!(
                store.get("", "a").unwrap_err().to_string(),
                "invalid service: must not be empty"
            );
            assert_eq!(
                store.delete("s", "a\0b").unwrap_err().to_string(),
                "invalid account: must not contain NUL characters"
            );
            assert_eq!(
                store.set("s", "a", "").unwrap_err().to_string(),
                "invalid secret: an empty secret cannot be stored; delete the entry instead"
            );
        }
    }

    #[test]
    fn none_reads_nothing_refuses_writes_and_has_nothing_to_delete() {
        let store = Store::open(BackendChoice::None).unwrap();
        assert_eq!(store.backend(), &Backend::None);
        assert!(!store.is_available());
        assert_eq!(
            store.unavailable_reason(),
            Some("the credential store is set to \"none\"")
        );
        assert_eq!(store.get("dcos-telemetry", "token:c:u").unwrap(), None);
        assert!(!store.delete("dcos-telemetry", "token:c:u").unwrap());
        let err = store
            .set("dcos-telemetry", "token:c:u", "s3cret")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot save dcos-telemetry/token:c:u: no keyring (the credential store is set to \
             \"none\")"
        );
        assert_eq!(err.kind(), Some(FailureKind::TurnedOff));
        assert_eq!(
            err.hint().unwrap(),
            "DCOS_TELEMETRY_CREDENTIAL_STORE=none turns credential storage off; unset it, or pass \
             --insecure-storage to write a 0600 file instead"
        );
    }

    #[test]
    fn relative_file_paths_are_refused_at_open() {
        let err = Store::open(BackendChoice::File("creds.json".into())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid credential store \"file:creds.json\": the path after `file:` must be \
             absolute (expected one of: auto, secret-service, keyutils, native, \
             file:<absolute path>, none)"
        );
    }

    #[test]
    fn file_backend_is_plaintext_and_works_through_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creds.json");
        let store = Store::open(BackendChoice::File(path.clone())).unwrap();
        assert_eq!(store.backend(), &Backend::File(path.clone()));
        assert!(store.backend().is_plaintext());
        store.set_key(&Key::token("c1", "alice"), "tok").unwrap();
        assert_eq!(
            store
                .get_key(&Key::token("c1", "alice"))
                .unwrap()
                .as_deref(),
            Some("tok")
        );
    }

    #[test]
    fn delete_all_for_cluster_removes_only_that_cluster() {
        let store = Store::in_memory();
        store.set_key(&Key::token("c1", "alice"), "t1").unwrap();
        store.set_key(&Key::password("c1", "alice"), "p1").unwrap();
        store.set_key(&Key::service_key("c1", "bob"), "k1").unwrap();
        store.set_key(&Key::write_key("c1"), "w1").unwrap();
        store.set_key(&Key::token("c2", "alice"), "t2").unwrap();
        store.set_key(&Key::write_key("c2"), "w2").unwrap();

        let removed = store
            .delete_all_for_cluster("c1", &["alice", "bob", "carol"])
            .unwrap();
        assert_eq!(
            removed,
            vec![
                Key::token("c1", "alice"),
                Key::password("c1", "alice"),
                Key::service_key("c1", "bob"),
                Key::write_key("c1"),
            ]
        );
        for key in &removed {
            assert_eq!(store.get_key(key).unwrap(), None);
        }
        assert_eq!(
            store
                .get_key(&Key::token("c2", "alice"))
                .unwrap()
                .as_deref(),
            Some("t2")
        );
        assert_eq!(
            store.get_key(&Key::write_key("c2")).unwrap().as_deref(),
            Some("w2")
        );
        assert_eq!(
            store.delete_all_for_cluster("c1", &["alice"]).unwrap(),
            vec![]
        );
    }

    #[test]
    fn delete_all_for_cluster_reports_an_unusable_store() {
        let store = Store::open(BackendChoice::None).unwrap();
        assert_eq!(
            store.delete_all_for_cluster("c1", &["alice"]).unwrap(),
            vec![]
        );
    }

    #[test]
    fn debug_shows_the_backend_not_the_secrets() {
        let store = Store::in_memory();
        store.set("s", "a", "hunter2-memory").unwrap();
        let debug = format!("{store:?}");
        assert_eq!(
            debug,
            "Store { backend: Memory, memory: MemoryStore { entries: 1 } }"
        );
    }
}
