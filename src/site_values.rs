//! Values dcos-signal sends that no HTTP endpoint exposes: `platform`, `provider`, `customerKey` and
//! `licenseId` (internals §2.1). They come from flags, `[telemetry]` settings, a
//! `dcos-signal-config.json` the operator points at, or default to an on-prem Open cluster's values.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cluster::Settings;
use crate::error::{Error, Result};

/// Where one value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag.
    Flag(&'static str),
    /// A `[telemetry]` setting.
    Setting(String),
    /// A `dcos-signal-config.json`.
    SignalConfig(PathBuf),
    /// The installer's `config.yaml`.
    InstallerConfig(PathBuf),
    /// Assumed: what an on-prem DC/OS Open cluster sends.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Setting(source) => f.write_str(source),
            Origin::SignalConfig(path) | Origin::InstallerConfig(path) => {
                write!(f, "{}", path.display())
            }
            Origin::Default => f.write_str("assumed"),
        }
    }
}

/// One value and its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced {
    /// The value.
    pub value: String,
    /// Where it came from.
    pub origin: Origin,
}

/// The four values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteValues {
    /// `platform` (`gen_platform`).
    pub platform: Sourced,
    /// `provider` (`gen_provider`).
    pub provider: Sourced,
    /// `customerKey` (and `userId`).
    pub customer_key: Sourced,
    /// `licenseId`.
    pub license_id: Sourced,
}

/// Values given on the command line.
#[derive(Clone, Debug, Default)]
pub struct SiteFlags {
    /// `--platform`.
    pub platform: Option<String>,
    /// `--provider`.
    pub provider: Option<String>,
    /// `--customer-key`.
    pub customer_key: Option<String>,
    /// `--license-id`.
    pub license_id: Option<String>,
    /// `--signal-config`.
    pub signal_config: Option<PathBuf>,
    /// `--installer-config`.
    pub installer_config: Option<PathBuf>,
}

/// `platform`, `provider` and `customer_key` of an installer `config.yaml`, as the installer
/// reads them.
#[derive(Default)]
struct InstallerValues {
    platform: Option<String>,
    provider: Option<String>,
    customer_key: Option<String>,
}

#[derive(Deserialize, Default)]
struct SignalConfig {
    gen_platform: Option<String>,
    gen_provider: Option<String>,
    customer_key: Option<String>,
    license_id: Option<String>,
}

impl SiteValues {
    /// Flags, then settings, then the signal config file, then the on-prem Open defaults.
    pub fn resolve(flags: &SiteFlags, settings: &Settings) -> Result<SiteValues> {
        let config_path = flags.signal_config.clone().map(|p| (p, true)).or_else(|| {
            settings
                .get("signal_config")
                .map(|s| (PathBuf::from(&s.value), false))
        });
        let config = match &config_path {
            Some((path, _)) => read_signal_config(path)?,
            None => SignalConfig::default(),
        };
        let installer_path = flags.installer_config.clone().or_else(|| {
            settings
                .get("installer_config")
                .map(|s| PathBuf::from(&s.value))
        });
        let installer = match &installer_path {
            Some(path) => read_installer_config(path)?,
            None => InstallerValues::default(),
        };
        let pick = |flag: &Option<String>,
                    flag_name: &'static str,
                    key: &str,
                    from_file: &Option<String>,
                    from_installer: &Option<String>,
                    default: &str| {
            if let Some(v) = flag {
                return Sourced {
                    value: v.clone(),
                    origin: Origin::Flag(flag_name),
                };
            }
            if let Some(s) = settings.get(key) {
                return Sourced {
                    value: s.value.clone(),
                    origin: Origin::Setting(s.source.to_string()),
                };
            }
            if let (Some(v), Some((path, _))) = (from_file, &config_path) {
                return Sourced {
                    value: v.clone(),
                    origin: Origin::SignalConfig(path.clone()),
                };
            }
            if let (Some(v), Some(path)) = (from_installer, &installer_path) {
                return Sourced {
                    value: v.clone(),
                    origin: Origin::InstallerConfig(path.clone()),
                };
            }
            Sourced {
                value: default.to_string(),
                origin: Origin::Default,
            }
        };
        Ok(SiteValues {
            platform: pick(
                &flags.platform,
                "--platform",
                "platform",
                &config.gen_platform,
                &installer.platform,
                "onprem",
            ),
            provider: pick(
                &flags.provider,
                "--provider",
                "provider",
                &config.gen_provider,
                &installer.provider,
                "onprem",
            ),
            customer_key: pick(
                &flags.customer_key,
                "--customer-key",
                "customer_key",
                &config.customer_key,
                &installer.customer_key,
                "",
            ),
            license_id: pick(
                &flags.license_id,
                "--license-id",
                "license_id",
                &config.license_id,
                &None,
                "",
            ),
        })
    }

    /// The values that were assumed, as `name=value` pairs (for a notice on stderr).
    pub fn assumed(&self) -> Vec<String> {
        [
            ("platform", &self.platform),
            ("provider", &self.provider),
            ("customerKey", &self.customer_key),
            ("licenseId", &self.license_id),
        ]
        .into_iter()
        .filter(|(_, v)| v.origin == Origin::Default)
        .map(|(k, v)| format!("{k}={:?}", v.value))
        .collect()
    }
}

fn read_installer_config(path: &Path) -> Result<InstallerValues> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::new(format!(
            "cannot read the installer config {}: {e}",
            path.display()
        ))
        .hint("point --installer-config at the bootstrap node's genconf/config.yaml")
    })?;
    let top = dcos_installer_config::read_top_level(&bytes).map_err(|refusal| {
        Error::new(format!(
            "cannot read the installer config {}: {}",
            path.display(),
            refusal.reason
        ))
        .hint(refusal.hint.clone())
    })?;
    // A value of a type the installer rejects (a list, a mapping) is not a usable value.
    let get = |key: &str| top.installer_value(key).flatten();
    Ok(InstallerValues {
        platform: get("platform"),
        provider: get("provider"),
        customer_key: get("customer_key"),
    })
}

fn read_signal_config(path: &Path) -> Result<SignalConfig> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::new(format!("cannot read the dcos-signal config {}: {e}", path.display()))
            .hint("copy /opt/mesosphere/etc/dcos-signal-config.json from a master and point --signal-config at it")
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::new(format!(
            "the dcos-signal config {} is not valid JSON: {e}",
            path.display()
        ))
        .hint("it should look like /opt/mesosphere/etc/dcos-signal-config.json on a master")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    #[test]
    fn defaults_are_an_onprem_open_cluster_and_reported_as_assumed() {
        let v = SiteValues::resolve(&SiteFlags::default(), &Settings::default()).unwrap();
        assert_eq!(v.platform.value, "onprem");
        assert_eq!(v.provider.value, "onprem");
        assert_eq!(v.customer_key.value, "");
        assert_eq!(
            v.assumed(),
            vec![
                "platform=\"onprem\"",
                "provider=\"onprem\"",
                "customerKey=\"\"",
                "licenseId=\"\""
            ]
        );
    }

    #[test]
    fn the_installer_config_comes_after_the_signal_config() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = dir.path().join("config.yaml");
        std::fs::write(
            &yaml,
            "---\nplatform: aws\ncustomer_key: '123-abc'\ntelemetry_enabled: true\n",
        )
        .unwrap();
        let flags = SiteFlags {
            installer_config: Some(yaml.clone()),
            ..Default::default()
        };
        let v = SiteValues::resolve(&flags, &Settings::default()).unwrap();
        assert_eq!(
            v.platform,
            Sourced {
                value: "aws".into(),
                origin: Origin::InstallerConfig(yaml.clone())
            }
        );
        assert_eq!(v.provider.origin, Origin::Default);
        assert_eq!(v.customer_key.value, "123-abc");
        assert_eq!(v.assumed(), vec!["provider=\"onprem\"", "licenseId=\"\""]);
        std::fs::write(&yaml, "a: [1\n").unwrap();
        let err = SiteValues::resolve(&flags, &Settings::default()).unwrap_err();
        assert!(
            err.message()
                .starts_with("cannot read the installer config "),
            "{}",
            err.message()
        );
    }

    #[test]
    fn flags_beat_settings_beat_the_signal_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dcos-signal-config.json");
        std::fs::write(
            &path,
            r#"{"gen_platform":"aws","gen_provider":"aws","customer_key":"ck"}"#,
        )
        .unwrap();
        let env = Env::from_pairs([("DCOS_TELEMETRY_PROVIDER", "azure")]);
        let settings = Settings::resolve(None, &env);
        let flags = SiteFlags {
            license_id: Some("lic".into()),
            signal_config: Some(path.clone()),
            ..Default::default()
        };
        let v = SiteValues::resolve(&flags, &settings).unwrap();
        assert_eq!(
            v.platform,
            Sourced {
                value: "aws".into(),
                origin: Origin::SignalConfig(path)
            }
        );
        assert_eq!(v.provider.value, "azure");
        assert_eq!(
            v.provider.origin.to_string(),
            "environment variable DCOS_TELEMETRY_PROVIDER"
        );
        assert_eq!(v.customer_key.value, "ck");
        assert_eq!(v.license_id.origin, Origin::Flag("--license-id"));
        assert!(v.assumed().is_empty());
    }
}
