//! Which cluster to talk to and how: the DC/OS CLI's plugin environment (`DCOS_URL`, …) or, when run
//! standalone, the CLI's configuration directory (contract §2 and §4).

pub mod config_dir;
pub mod settings;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::env::{Env, parse_go_bool};
use crate::error::{Error, Result};
use crate::secret::Secret;
pub use config_dir::{ClusterConfig, ConfigDir};
pub use settings::{Setting, SettingSource, Settings};

/// Default request timeout of the DC/OS CLI (`core.timeout` absent).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// How to verify the cluster's TLS certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tls {
    /// Verify against the system's trust store.
    System,
    /// Verify against this CA bundle only (`DCOS_TLS_CA_PATH`, `core.ssl_verify = "<path>"`).
    CaBundle(PathBuf),
    /// Do not verify (`DCOS_TLS_INSECURE=1`, `core.ssl_verify = "false"`, or an `http://` URL).
    Insecure,
}

/// Where the cluster's connection settings came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The DC/OS CLI ran us as a plugin and passed `DCOS_URL` and friends.
    PluginEnv,
    /// We read this `dcos.toml` ourselves (standalone run).
    ConfigFile(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::PluginEnv => f.write_str("DCOS_URL (set by the DC/OS CLI)"),
            Origin::ConfigFile(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Where the token came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// `DCOS_ACS_TOKEN`.
    Env,
    /// `core.dcos_acs_token` in this file.
    ConfigFile(PathBuf),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Env => f.write_str("DCOS_ACS_TOKEN"),
            TokenSource::ConfigFile(path) => write!(f, "core.dcos_acs_token in {}", path.display()),
        }
    }
}

/// Everything needed to reach one cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Base URL without a trailing slash, e.g. `https://dcos.example.com`.
    pub url: String,
    /// The DC/OS auth token, if any.
    pub token: Option<(Secret, TokenSource)>,
    /// Certificate verification.
    pub tls: Tls,
    /// Per-request timeout (`None`: no timeout, `core.timeout = 0`).
    pub timeout: Option<Duration>,
    /// `cluster.name`, when known from the configuration.
    pub name: Option<String>,
    /// The cluster folder's id (the cluster id at setup time), when known.
    pub config_id: Option<String>,
    /// The cluster folder under the configuration directory, when known.
    pub dir: Option<PathBuf>,
    /// The `[telemetry]` settings in effect.
    pub settings: Settings,
    /// Where the connection settings came from.
    pub origin: Origin,
}

/// Options from the command line that influence resolution.
#[derive(Clone, Debug, Default)]
pub struct ResolveOptions {
    /// `--cluster`, which acts like `DCOS_CLUSTER`.
    pub cluster: Option<String>,
    /// `--timeout` in seconds.
    pub timeout: Option<u64>,
}

impl Cluster {
    /// Resolves the cluster to use: the plugin environment when `DCOS_URL` is set, else the
    /// configuration directory.
    pub fn resolve(env: &Env, opts: &ResolveOptions) -> Result<Cluster> {
        if opts.cluster.is_none()
            && let Some(url) = env.non_empty("DCOS_URL")
        {
            return Ok(Cluster::from_plugin_env(env, url, opts));
        }
        let root = config_dir::root(env).ok_or_else(|| {
            Error::new("cannot find the DC/OS CLI configuration: neither DCOS_DIR nor HOME is set")
                .hint("set DCOS_URL (and DCOS_ACS_TOKEN) to talk to a cluster directly")
        })?;
        let dir = ConfigDir::load(root);
        let wanted = opts.cluster.as_deref().or_else(|| env.get("DCOS_CLUSTER"));
        let config = dir.current(wanted)?;
        Cluster::from_config(config, env, opts)
    }

    /// Every configured cluster, for `--all-clusters`; each entry is resolved independently.
    pub fn resolve_all(env: &Env, opts: &ResolveOptions) -> Result<Vec<Result<Cluster>>> {
        let root = config_dir::root(env).ok_or_else(|| {
            Error::new("cannot find the DC/OS CLI configuration: neither DCOS_DIR nor HOME is set")
        })?;
        let dir = ConfigDir::load(root);
        if dir.clusters.is_empty() {
            return Err(Error::new("no clusters are configured").hint(format!(
                "`dcos cluster setup <url>` adds one to {}",
                dir.root.join("clusters").display()
            )));
        }
        Ok(dir
            .clusters
            .iter()
            .map(|c| Cluster::from_config(c, env, opts))
            .collect())
    }

    fn from_plugin_env(env: &Env, url: &str, opts: &ResolveOptions) -> Cluster {
        let url = url.trim_end_matches('/').to_string();
        let token = env
            .non_empty("DCOS_ACS_TOKEN")
            .map(|t| (Secret::new(t), TokenSource::Env));
        let tls = if env.get("DCOS_TLS_INSECURE").and_then(parse_go_bool) == Some(true) {
            Tls::Insecure
        } else if let Some(ca) = env.non_empty("DCOS_TLS_CA_PATH") {
            Tls::CaBundle(PathBuf::from(ca))
        } else {
            Tls::System
        };
        // The CLI passes neither the cluster id nor core.timeout; the plugin binary is installed
        // inside the cluster's folder, and otherwise the folder whose URL matches is ours.
        let config = config_dir::root(env).map(ConfigDir::load).and_then(|dir| {
            let by_exe = env
                .exe
                .as_deref()
                .and_then(|exe| dir.containing(exe))
                .cloned();
            by_exe.or_else(|| {
                let same_url: Vec<_> = dir
                    .clusters
                    .iter()
                    .filter(|c| {
                        c.get_str("core", "dcos_url")
                            .map(|u| u.trim_end_matches('/') == url)
                            .unwrap_or(false)
                    })
                    .collect();
                match same_url.as_slice() {
                    [one] => Some((*one).clone()),
                    many => many.iter().find(|c| c.attached).map(|c| (*c).clone()),
                }
            })
        });
        let timeout = timeout_from(env, opts, config.as_ref());
        let settings = Settings::resolve(None, env);
        Cluster {
            url,
            token,
            tls,
            timeout,
            name: config.as_ref().and_then(|c| c.name().map(String::from)),
            config_id: config.as_ref().map(|c| c.id.clone()),
            dir: config.as_ref().map(|c| c.dir.clone()),
            settings,
            origin: Origin::PluginEnv,
        }
    }

    fn from_config(config: &ClusterConfig, env: &Env, opts: &ResolveOptions) -> Result<Cluster> {
        let path = config.toml_path();
        let url = config
            .get_str("core", "dcos_url")
            .filter(|u| !u.is_empty())
            .ok_or_else(|| {
                Error::new(format!("core.dcos_url is not set in {}", path.display()))
                    .hint("run `dcos cluster setup <url>` to configure this cluster")
            })?
            .trim_end_matches('/')
            .to_string();
        // A DCOS_ACS_TOKEN exported by the user (CI) wins over the file, as in plugin mode.
        let token = match env.non_empty("DCOS_ACS_TOKEN") {
            Some(t) => Some((Secret::new(t), TokenSource::Env)),
            None => config
                .get_str("core", "dcos_acs_token")
                .filter(|t| !t.is_empty())
                .map(|t| (Secret::new(t), TokenSource::ConfigFile(path.clone()))),
        };
        let tls = if url.starts_with("http://") {
            Tls::Insecure
        } else {
            let verify = match env.get("DCOS_SSL_VERIFY") {
                Some(v) => Some(v.to_string()),
                None => config.get("core", "ssl_verify").map(|v| match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            };
            match verify.as_deref() {
                None | Some("") => Tls::System,
                Some(v) => match parse_go_bool(v) {
                    Some(true) => Tls::System,
                    Some(false) => Tls::Insecure,
                    None => Tls::CaBundle(PathBuf::from(v)),
                },
            }
        };
        let timeout = timeout_from(env, opts, Some(config));
        let section = config.toml.get("telemetry").and_then(|v| v.as_table());
        let settings = Settings::resolve(section.map(|t| (t, path.clone())), env);
        Ok(Cluster {
            url,
            token,
            tls,
            timeout,
            name: config.name().map(String::from),
            config_id: Some(config.id.clone()),
            dir: Some(config.dir.clone()),
            settings,
            origin: Origin::ConfigFile(path),
        })
    }

    /// A short label for messages: the cluster name, else the URL.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.url)
    }
}

/// `--timeout`, else `DCOS_TIMEOUT`, else `core.timeout`, else 180 s; `0` means no timeout.
fn timeout_from(
    env: &Env,
    opts: &ResolveOptions,
    config: Option<&ClusterConfig>,
) -> Option<Duration> {
    let secs = opts
        .timeout
        .or_else(|| {
            env.non_empty("DCOS_TIMEOUT")
                .and_then(|v| v.trim().parse().ok())
        })
        .or_else(|| {
            config
                .and_then(|c| c.get("core", "timeout"))
                .and_then(|v| match v {
                    toml::Value::Integer(i) => u64::try_from(*i).ok(),
                    toml::Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                })
        });
    match secs {
        Some(0) => None,
        Some(s) => Some(Duration::from_secs(s)),
        None => Some(DEFAULT_TIMEOUT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn plugin_env_takes_url_token_and_tls_from_the_cli() {
        let env = Env::from_pairs([
            ("DCOS_URL", "https://10.0.0.1/"),
            ("DCOS_ACS_TOKEN", "tok"),
            ("DCOS_TLS_CA_PATH", "/x/dcos_ca.crt"),
            ("DCOS_TELEMETRY_OPT_OUT", "true"),
        ]);
        let c = Cluster::resolve(&env, &ResolveOptions::default()).unwrap();
        assert_eq!(c.url, "https://10.0.0.1");
        assert_eq!(c.token.as_ref().unwrap().0.expose(), "tok");
        assert_eq!(c.tls, Tls::CaBundle(PathBuf::from("/x/dcos_ca.crt")));
        assert_eq!(c.timeout, Some(DEFAULT_TIMEOUT));
        assert_eq!(c.origin, Origin::PluginEnv);
        assert!(c.settings.get_bool("opt_out").unwrap().unwrap().0);
    }

    #[test]
    fn empty_token_means_none_and_insecure_wins_over_ca() {
        let env = Env::from_pairs([
            ("DCOS_URL", "https://a"),
            ("DCOS_ACS_TOKEN", ""),
            ("DCOS_TLS_INSECURE", "1"),
            ("DCOS_TLS_CA_PATH", "/ca"),
        ]);
        let c = Cluster::resolve(&env, &ResolveOptions::default()).unwrap();
        assert!(c.token.is_none());
        assert_eq!(c.tls, Tls::Insecure);
    }

    #[test]
    fn standalone_reads_dcos_toml_with_env_overrides() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("clusters/abc");
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("dcos.toml"),
            "[core]\ndcos_url = \"https://c.example/\"\ndcos_acs_token = \"t\"\nssl_verify = \"false\"\ntimeout = 7\n[cluster]\nname = \"prod\"\n[telemetry]\nendpoint = \"https://collector\"\n",
        )
        .unwrap();
        let root = tmp.path().to_str().unwrap();
        let env = Env::from_pairs([("DCOS_DIR", root)]);
        let c = Cluster::resolve(&env, &ResolveOptions::default()).unwrap();
        assert_eq!(c.url, "https://c.example");
        assert_eq!(c.tls, Tls::Insecure);
        assert_eq!(c.timeout, Some(Duration::from_secs(7)));
        assert_eq!(c.name.as_deref(), Some("prod"));
        assert_eq!(
            c.settings.get("endpoint").unwrap().value,
            "https://collector"
        );

        let env = Env::from_pairs([
            ("DCOS_DIR", root),
            ("DCOS_SSL_VERIFY", "true"),
            ("DCOS_TIMEOUT", "0"),
        ]);
        let c = Cluster::resolve(&env, &ResolveOptions::default()).unwrap();
        assert_eq!(c.tls, Tls::System);
        assert_eq!(c.timeout, None);
        let opts = ResolveOptions {
            timeout: Some(3),
            ..Default::default()
        };
        assert_eq!(
            Cluster::resolve(&env, &opts).unwrap().timeout,
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn ssl_verify_may_be_a_bool_or_a_ca_path() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("clusters/abc");
        fs::create_dir_all(&dir).unwrap();
        let root = tmp.path().to_str().unwrap();
        let env = Env::from_pairs([("DCOS_DIR", root)]);
        for (value, expected) in [
            ("true", Tls::System),
            ("\"True\"", Tls::System),
            ("false", Tls::Insecure),
            ("\"/ca.pem\"", Tls::CaBundle(PathBuf::from("/ca.pem"))),
        ] {
            fs::write(
                dir.join("dcos.toml"),
                format!("[core]\ndcos_url = \"https://x\"\nssl_verify = {value}\n"),
            )
            .unwrap();
            let c = Cluster::resolve(&env, &ResolveOptions::default()).unwrap();
            assert_eq!(c.tls, expected, "ssl_verify = {value}");
        }
    }

    #[test]
    fn missing_url_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("clusters/abc")).unwrap();
        let env = Env::from_pairs([("DCOS_DIR", tmp.path().to_str().unwrap())]);
        let err = Cluster::resolve(&env, &ResolveOptions::default()).unwrap_err();
        assert!(err.message().starts_with("core.dcos_url is not set in "));
    }
}
