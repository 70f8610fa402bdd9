//! The plugin's own settings: the `[telemetry]` section of a cluster's `dcos.toml`, which the DC/OS CLI
//! passes to plugins as `DCOS_TELEMETRY_<KEY>` variables (contract §2). Each value remembers where it
//! came from, so `status` can say what decided what.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::env::Env;
use crate::error::{Error, Result};

/// Prefix of the per-command variables the DC/OS CLI sets for `[telemetry]` keys.
pub const ENV_PREFIX: &str = "DCOS_TELEMETRY_";

/// Keys this plugin reads from `[telemetry]`, with what each one does (shown in the README and `status`).
pub const KNOWN_KEYS: &[(&str, &str)] = &[
    (
        "opt_out",
        "\"true\" records a local opt-out: `send` refuses for this cluster",
    ),
    (
        "endpoint",
        "collector base URL for `send` (default https://api.segment.io)",
    ),
    (
        "endpoint_ca",
        "CA bundle (PEM) trusted for the collector, instead of the system roots",
    ),
    (
        "endpoint_insecure",
        "\"true\" skips verifying the collector's TLS certificate",
    ),
    (
        "write_key",
        "Segment write key for `send` (prefer the keyring or --write-key-file)",
    ),
    (
        "platform",
        "value of the `platform` property (default onprem)",
    ),
    (
        "provider",
        "value of the `provider` property (default onprem)",
    ),
    (
        "customer_key",
        "value of `customerKey` (Enterprise; default empty)",
    ),
    (
        "license_id",
        "value of `licenseId` (Enterprise; default empty)",
    ),
    (
        "signal_config",
        "path of a dcos-signal-config.json to read platform/provider/customer_key from",
    ),
    (
        "installer_config",
        "path of the installer config.yaml to read platform/provider from",
    ),
    (
        "uid",
        "account for automatic login (`auth login` writes it)",
    ),
    (
        "private_key",
        "service account private key file (mode 0400 or 0600) for automatic login",
    ),
    (
        "password_file",
        "file holding the password for automatic login",
    ),
    (
        "credential_store",
        "where secrets are kept: auto, secret-service, keyutils, native, file:<path>, none",
    ),
];

/// Where a setting came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingSource {
    /// A `DCOS_TELEMETRY_<KEY>` environment variable.
    Env(String),
    /// The `[telemetry]` section of a `dcos.toml`.
    File(PathBuf),
}

impl fmt::Display for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingSource::Env(var) => write!(f, "environment variable {var}"),
            SettingSource::File(path) => write!(f, "[telemetry] in {}", path.display()),
        }
    }
}

/// One setting value and its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The value as text (the CLI passes every value as Go `%v`).
    pub value: String,
    /// Where it came from.
    pub source: SettingSource,
}

/// All `[telemetry]` settings in effect.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    entries: BTreeMap<String, Setting>,
}

impl Settings {
    /// Settings from a `[telemetry]` TOML table, then environment variables over them.
    pub fn resolve(file: Option<(&toml::Table, PathBuf)>, env: &Env) -> Settings {
        let mut entries = BTreeMap::new();
        if let Some((table, path)) = file {
            for (key, value) in table {
                let text = match value {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                entries.insert(
                    key.to_ascii_lowercase(),
                    Setting {
                        value: text,
                        source: SettingSource::File(path.clone()),
                    },
                );
            }
        }
        for (var, value) in env.with_prefix(ENV_PREFIX) {
            let key = var[ENV_PREFIX.len()..].to_ascii_lowercase();
            if key.is_empty() {
                continue;
            }
            entries.insert(
                key,
                Setting {
                    value: value.to_string(),
                    source: SettingSource::Env(var.to_string()),
                },
            );
        }
        Settings { entries }
    }

    /// A setting, if present and not empty. Every key the plugin reads must be in
    /// [`KNOWN_KEYS`], or `status` warns about it as unknown.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.entries.get(key).filter(|s| !s.value.is_empty())
    }

    /// A boolean setting: `true`/`false` (any case), `1`/`0`, `yes`/`no`.
    pub fn get_bool(&self, key: &str) -> Result<Option<(bool, &Setting)>> {
        let Some(setting) = self.get(key) else {
            return Ok(None);
        };
        let value = match setting.value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => true,
            "false" | "0" | "no" | "off" => false,
            _ => {
                return Err(Error::usage(format!(
                    "invalid value {:?} for the telemetry setting `{key}` ({})",
                    setting.value, setting.source
                ))
                .hint("use \"true\" or \"false\""));
            }
        };
        Ok(Some((value, setting)))
    }

    /// Every setting, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Setting)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_plugin_reads_or_writes_is_known() {
        // status warns about any other key, so a key missing there warns about the plugin's own.
        // opt-out, send and status read opt_out; send the endpoint and write key; the site
        // values their four keys and two files; auth and `auth login` the credentials.
        let used = [
            "opt_out",
            "endpoint",
            "endpoint_ca",
            "endpoint_insecure",
            "write_key",
            "platform",
            "provider",
            "customer_key",
            "license_id",
            "signal_config",
            "installer_config",
            "uid",
            "private_key",
            "password_file",
            "credential_store",
        ];
        for key in used {
            assert!(KNOWN_KEYS.iter().any(|(k, _)| *k == key), "{key}");
        }
        assert_eq!(KNOWN_KEYS.len(), used.len());
    }

    #[test]
    fn env_overrides_file_and_keys_are_lowercased() {
        let table: toml::Table =
            toml::from_str("endpoint = \"https://file\"\nopt_out = true\n").unwrap();
        let env = Env::from_pairs([("DCOS_TELEMETRY_ENDPOINT", "https://env")]);
        let s = Settings::resolve(Some((&table, PathBuf::from("c/dcos.toml"))), &env);
        let endpoint = s.get("endpoint").unwrap();
        assert_eq!(endpoint.value, "https://env");
        assert_eq!(
            endpoint.source.to_string(),
            "environment variable DCOS_TELEMETRY_ENDPOINT"
        );
        let (opt_out, from) = s.get_bool("opt_out").unwrap().unwrap();
        assert!(opt_out);
        assert_eq!(from.source.to_string(), "[telemetry] in c/dcos.toml");
    }

    #[test]
    fn invalid_bool_is_a_usage_error_naming_the_source() {
        let env = Env::from_pairs([("DCOS_TELEMETRY_OPT_OUT", "maybe")]);
        let s = Settings::resolve(None, &env);
        let err = s.get_bool("opt_out").unwrap_err();
        assert_eq!(
            err.message(),
            "invalid value \"maybe\" for the telemetry setting `opt_out` (environment variable DCOS_TELEMETRY_OPT_OUT)"
        );
    }

    #[test]
    fn empty_values_count_as_unset() {
        let env = Env::from_pairs([("DCOS_TELEMETRY_WRITE_KEY", "")]);
        assert!(Settings::resolve(None, &env).get("write_key").is_none());
    }
}
