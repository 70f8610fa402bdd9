//! The entries the plugin stores, with their exact service and account strings.

use std::fmt;

/// The service name of every entry the plugin stores.
pub const SERVICE: &str = "dcos-telemetry";

/// One of the plugin's entries: service [`SERVICE`] and an account built from its kind,
/// the cluster id and (for credentials) the uid, joined with `:`.
///
/// | constructor | account |
/// |---|---|
/// | [`Key::token`] | `token:<cluster_id>:<uid>` |
/// | [`Key::service_key`] | `service-account-key:<cluster_id>:<uid>` |
/// | [`Key::password`] | `password:<cluster_id>:<uid>` |
/// | [`Key::write_key`] | `segment-write-key:<cluster_id>` |
///
/// In the parts, `%` is written `%25` and `:` is written `%3A`, so every account maps back to
/// exactly one (kind, cluster id, uid).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    account: String,
}

impl Key {
    /// The DC/OS authentication token (`dcos_acs_token`) of `uid` on the cluster.
    pub fn token(cluster_id: &str, uid: &str) -> Key {
        Key::new("token", &[cluster_id, uid])
    }

    /// The private key (PEM) of service account `uid` on the cluster.
    pub fn service_key(cluster_id: &str, uid: &str) -> Key {
        Key::new("service-account-key", &[cluster_id, uid])
    }

    /// The password of `uid` on the cluster (stored only with `--remember`).
    pub fn password(cluster_id: &str, uid: &str) -> Key {
        Key::new("password", &[cluster_id, uid])
    }

    /// The Segment write key used to send the cluster's telemetry.
    pub fn write_key(cluster_id: &str) -> Key {
        Key::new("segment-write-key", &[cluster_id])
    }

    /// Every key the plugin may hold for a cluster: token, service-account key and password of
    /// each uid, then the write key.
    pub fn all_for_cluster(cluster_id: &str, uids: &[&str]) -> Vec<Key> {
        let mut keys: Vec<Key> = uids
            .iter()
            .flat_map(|uid| {
                [
                    Key::token(cluster_id, uid),
                    Key::service_key(cluster_id, uid),
                    Key::password(cluster_id, uid),
                ]
            })
            .collect();
        keys.push(Key::write_key(cluster_id));
        keys
    }

    /// Always [`SERVICE`].
    pub fn service(&self) -> &'static str {
        SERVICE
    }

    /// The account string, e.g. `token:8b5c…:bootstrapuser`.
    pub fn account(&self) -> &str {
        &self.account
    }

    fn new(kind: &str, parts: &[&str]) -> Key {
        let mut account = kind.to_owned();
        for part in parts {
            account.push(':');
            account.push_str(&escape(part));
        }
        Key { account }
    }
}

impl fmt::Display for Key {
    /// `dcos-telemetry/<account>`, as in error messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SERVICE}/{}", self.account)
    }
}

fn escape(part: &str) -> String {
    part.replace('%', "%25").replace(':', "%3A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_account_strings() {
        let cluster = "8b5c1a2e-7f4d-4c1b-9a3e-0d2f6b7c8e9a";
        assert_eq!(
            Key::token(cluster, "bootstrapuser").account(),
            "token:8b5c1a2e-7f4d-4c1b-9a3e-0d2f6b7c8e9a:bootstrapuser"
        );
        assert_eq!(
            Key::service_key(cluster, "telemetry-sa").account(),
            "service-account-key:8b5c1a2e-7f4d-4c1b-9a3e-0d2f6b7c8e9a:telemetry-sa"
        );
        assert_eq!(
            Key::password(cluster, "alice@example.com").account(),
            "password:8b5c1a2e-7f4d-4c1b-9a3e-0d2f6b7c8e9a:alice@example.com"
        );
        assert_eq!(
            Key::write_key(cluster).account(),
            "segment-write-key:8b5c1a2e-7f4d-4c1b-9a3e-0d2f6b7c8e9a"
        );
        assert_eq!(Key::write_key(cluster).service(), "dcos-telemetry");
        assert_eq!(Key::token("c", "u").to_string(), "dcos-telemetry/token:c:u");
    }

    #[test]
    fn separators_inside_parts_cannot_collide() {
        assert_eq!(Key::token("a:b", "c").account(), "token:a%3Ab:c");
        assert_eq!(Key::token("a", "b:c").account(), "token:a:b%3Ac");
        assert_eq!(Key::token("100%", "u").account(), "token:100%25:u");
        assert_ne!(Key::token("a:b", "c"), Key::token("a", "b:c"));
        assert_ne!(Key::token("%3A", "u"), Key::token(":", "u"));
    }

    #[test]
    fn all_for_cluster_lists_every_kind() {
        let accounts: Vec<String> = Key::all_for_cluster("c", &["u1", "u2"])
            .iter()
            .map(|k| k.account().to_owned())
            .collect();
        assert_eq!(
            accounts,
            [
                "token:c:u1",
                "service-account-key:c:u1",
                "password:c:u1",
                "token:c:u2",
                "service-account-key:c:u2",
                "password:c:u2",
                "segment-write-key:c",
            ]
        );
    }
}
