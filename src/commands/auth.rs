//! `dcos telemetry auth login | logout | status`: authenticate this plugin against the cluster on its
//! own (service accounts, passwords), keep tokens in the OS keyring, and show where the token comes
//! from (never the token itself).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use dcos_telemetry_keyring::{BackendChoice, Key, Store};
use serde::Serialize;

use crate::auth::{self, Credentials, TokenSource, jwt, keyring_error, login};
use crate::cluster::{Cluster, Origin};
use crate::commands::Context;
use crate::error::{Error, Exit, Result};
use crate::http::Http;
use crate::local_settings;
use crate::output;
use crate::secret::Secret;

/// `dcos telemetry auth`
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AuthCommand,
}

/// The auth subcommands.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Log in with a service account or a password and keep the token in the OS keyring
    Login(LoginArgs),
    /// Remove the tokens and credentials this plugin stored for the cluster
    Logout(LogoutArgs),
    /// Show where the token comes from, its uid and expiry (never the token)
    Status(StatusArgs),
}

/// `auth login`
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The user or service account (default: [telemetry] uid, else DCOS_USERNAME)
    #[arg(long, value_name = "UID")]
    pub username: Option<String>,
    /// Read the password from FILE (else DCOS_PASSWORD, else a prompt on a terminal)
    #[arg(long, value_name = "FILE", conflicts_with = "private_key")]
    pub password_file: Option<PathBuf>,
    /// Log in as a service account with this PEM private key (mode 0400 or 0600)
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// Also keep the password or private key in the keyring for automatic re-login
    #[arg(long)]
    pub remember: bool,
    /// When no keyring is available, keep secrets in a 0600 plain-text file instead
    #[arg(long)]
    pub insecure_storage: bool,
}

/// `auth logout`
#[derive(Debug, Args)]
pub struct LogoutArgs {}

/// `auth status`
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON (the schema is in the README)
    #[arg(long)]
    pub json: bool,
}

/// Runs `auth`.
pub fn run(ctx: &Context, args: &AuthArgs) -> Result<Exit> {
    match &args.command {
        AuthCommand::Login(a) => login_cmd(ctx, a),
        AuthCommand::Logout(a) => logout(ctx, a),
        AuthCommand::Status(a) => status(ctx, a),
    }
}

fn plugin_mode(cluster: &Cluster) -> bool {
    cluster.origin == Origin::PluginEnv
}

/// The store for writing: the configured one, or with `--insecure-storage` a plain-text file
/// when no keyring is usable.
fn writable_store(cluster: &Cluster, insecure: bool) -> Result<(Store, Option<PathBuf>)> {
    let store = auth::open_store(cluster)?;
    if store.is_available() || !insecure {
        return Ok((store, None));
    }
    let dir = credentials_dir(cluster)?;
    let path = dir.join("credentials.json");
    let store =
        Store::open(BackendChoice::File(path.clone())).map_err(|e| Error::new(e.to_string()))?;
    Ok((store, Some(path)))
}

fn credentials_dir(cluster: &Cluster) -> Result<PathBuf> {
    cluster
        .dir
        .as_ref()
        .map(|d| d.join("telemetry"))
        .ok_or_else(|| {
            Error::new("this cluster has no folder in the DC/OS CLI configuration to keep a credentials file in")
                .hint("run `dcos cluster setup` for it, or use a keyring")
        })
}

fn login_cmd(ctx: &Context, args: &LoginArgs) -> Result<Exit> {
    let cluster = ctx.cluster()?;
    let http = Http::new(&cluster.url, &cluster.tls, cluster.timeout, None)?;
    if login::auth_disabled(&http)? {
        output::notice(&format!(
            "authentication is disabled on {}: no login is needed",
            cluster.label()
        ));
        return Ok(Exit::Success);
    }
    let interactive = std::io::stdin().is_terminal();
    let uid = match args
        .username
        .clone()
        .or_else(|| auth::configured_uid(ctx, &cluster))
    {
        Some(uid) => uid,
        None if interactive => prompt("Username: ", false)?.expose().trim().to_string(),
        None => {
            return Err(Error::usage("no uid to log in with")
                .hint("pass --username <uid>, set DCOS_USERNAME, or set [telemetry] uid"));
        }
    };
    let credentials = match (&args.private_key, &args.password_file) {
        (Some(key), _) => Credentials::ServiceAccount {
            uid: uid.clone(),
            key: jwt::read_private_key(key)?,
        },
        (None, Some(file)) => Credentials::Password {
            uid: uid.clone(),
            password: auth::read_password_file(file)?,
        },
        (None, None) => match ctx.env.non_empty("DCOS_PASSWORD") {
            Some(p) => Credentials::Password {
                uid: uid.clone(),
                password: Secret::new(p),
            },
            None if interactive => Credentials::Password {
                uid: uid.clone(),
                password: prompt("Password: ", true)?,
            },
            None => {
                return Err(Error::usage("no password or private key to log in with")
                    .hint("pass --password-file <file> or --private-key <file>, or set DCOS_PASSWORD (there is no prompt without a terminal)"));
            }
        },
    };
    let token = login::login(&http, &credentials)?;
    let key_id = auth::cluster_key(&cluster, &http);
    let (store, plaintext) = writable_store(&cluster, args.insecure_storage)?;
    store
        .set_key(&Key::token(&key_id, &uid), token.expose())
        .map_err(keyring_error)?;
    if args.remember {
        let (key, secret) = match &credentials {
            Credentials::ServiceAccount { key, .. } => (Key::service_key(&key_id, &uid), key),
            Credentials::Password { password, .. } => (Key::password(&key_id, &uid), password),
        };
        store
            .set_key(&key, secret.expose())
            .map_err(keyring_error)?;
    }
    // Remember who logged in (not a secret) so later runs find the cached token.
    if let Some(dir) = &cluster.dir {
        let mode = plugin_mode(&cluster);
        local_settings::set(&ctx.env, dir, "uid", Some(&uid), mode)?;
        if let Some(key) = &args.private_key {
            let path = std::fs::canonicalize(key).unwrap_or_else(|_| key.clone());
            local_settings::set(
                &ctx.env,
                dir,
                "private_key",
                Some(&path.to_string_lossy()),
                mode,
            )?;
        }
        if let Some(path) = &plaintext {
            let value = format!("file:{}", path.display());
            local_settings::set(&ctx.env, dir, "credential_store", Some(&value), mode)?;
        }
    }
    if plaintext.is_some() {
        output::warn(&format!(
            "credentials saved in plain text in {} (no keyring is available; --insecure-storage)",
            plaintext
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ));
    }
    let expiry = jwt::claims(&token)
        .and_then(|c| c.exp)
        .map(|exp| format!("; it expires {}", describe_time(exp)))
        .unwrap_or_default();
    output::print(&format!(
        "Logged in to {} as {uid} ({}); the token is kept in {}{expiry}\n",
        cluster.label(),
        credentials.method(),
        store.backend().name(),
    ))?;
    Ok(Exit::Success)
}

fn prompt(label: &str, hidden: bool) -> Result<Secret> {
    let text = if hidden {
        rpassword::prompt_password(label)
    } else {
        use std::io::Write;
        let mut err = std::io::stderr();
        let _ = err.write_all(label.as_bytes());
        let _ = err.flush();
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map(|_| line.trim_end().to_string())
    }
    .map_err(|e| Error::new(format!("cannot read from the terminal: {e}")))?;
    Ok(Secret::new(text))
}

fn logout(ctx: &Context, _args: &LogoutArgs) -> Result<Exit> {
    let cluster = ctx.cluster()?;
    let uid = auth::configured_uid(ctx, &cluster);
    let store = auth::open_store(&cluster)?;
    let mut removed: Vec<String> = Vec::new();
    if let Some(uid) = &uid {
        // Only a uid's entries are keyed by the cluster id, which may take a request to learn.
        let http = Http::new(&cluster.url, &cluster.tls, cluster.timeout, None)?;
        let key_id = auth::cluster_key(&cluster, &http);
        for (key, what) in [
            (Key::token(&key_id, uid), "the token"),
            (Key::service_key(&key_id, uid), "the service-account key"),
            (Key::password(&key_id, uid), "the password"),
        ] {
            if store.delete_key(&key).map_err(keyring_error)? {
                removed.push(format!("{what} from {}", store.backend().name()));
            }
        }
    }
    let write_key = crate::commands::send::write_key_entry(&cluster);
    if store.delete_key(&write_key).map_err(keyring_error)? {
        removed.push(format!(
            "the Segment write key from {}",
            store.backend().name()
        ));
    }
    if let Some(dir) = &cluster.dir {
        let mode = plugin_mode(&cluster);
        for key in ["uid", "private_key", "credential_store"] {
            if let local_settings::Outcome::Changed(_) =
                local_settings::set(&ctx.env, dir, key, None, mode)?
            {
                removed.push(format!("[telemetry] {key}"));
            }
        }
    }
    let text = if removed.is_empty() {
        format!(
            "nothing to remove: this plugin stored nothing for {}\n",
            cluster.label()
        )
    } else {
        format!(
            "Logged out of {}: removed {}\n",
            cluster.label(),
            removed.join(", ")
        )
    };
    output::print(&text)?;
    Ok(Exit::Success)
}

/// `auth status --json`, the same data as the table.
#[derive(Clone, Debug, Serialize)]
pub struct AuthStatus {
    /// Schema version.
    pub schema_version: u32,
    /// Base URL.
    pub cluster: String,
    /// `env`, `keyring`, `config-file`, `login` or `none`.
    pub source: &'static str,
    /// The source in words.
    pub source_detail: String,
    /// The token's uid claim.
    pub uid: Option<String>,
    /// The token's expiry (UNIX seconds).
    pub expires_at: Option<i64>,
    /// Whether the token has expired.
    pub expired: Option<bool>,
    /// The automatic re-login available (`password`, `service account`), if any.
    pub auto_login: Option<&'static str>,
    /// The credential store in use.
    pub keyring: Option<String>,
}

fn status(ctx: &Context, args: &StatusArgs) -> Result<Exit> {
    let cluster = ctx.cluster()?;
    let conn = auth::connect(ctx, &cluster)?;
    let token = conn.http.token();
    let claims = token.as_ref().and_then(jwt::claims);
    let exp = claims.as_ref().and_then(|c| c.exp);
    let report = AuthStatus {
        schema_version: 1,
        cluster: cluster.url.clone(),
        source: match conn.source {
            TokenSource::Env => "env",
            TokenSource::Keyring(_) => "keyring",
            TokenSource::ConfigFile(_) => "config-file",
            TokenSource::Login(_) => "login",
            TokenSource::None => "none",
        },
        source_detail: conn.source.to_string(),
        uid: claims
            .as_ref()
            .and_then(|c| c.uid.clone())
            .or(conn.uid.clone()),
        expires_at: exp,
        expired: exp.map(|e| e <= crate::clock::unix_now()),
        auto_login: conn.login_method,
        keyring: conn.store.as_ref().map(|s| s.backend().name().to_string()),
    };
    if args.json {
        output::print(&output::json(&report))?;
    } else {
        let rows = vec![
            ("CLUSTER", cluster.label().to_string()),
            ("TOKEN", match report.source {
                "none" => "none".to_string(),
                _ => format!("from {}", report.source_detail),
            }),
            ("UID", report.uid.clone().unwrap_or_else(|| "-".into())),
            ("EXPIRES", exp.map(describe_time).unwrap_or_else(|| "-".into())),
            ("RE-LOGIN", match report.auto_login {
                Some(m) => format!("automatic on expiry ({m})"),
                None => "not configured ([telemetry] uid with private_key or password_file, or auth login --remember)".into(),
            }),
            ("KEYRING", report.keyring.clone().unwrap_or_else(|| "not opened (no uid configured)".into())),
        ];
        output::print(&output::key_values(&rows))?;
    }
    Ok(if token.is_none() {
        Exit::Auth
    } else {
        Exit::Success
    })
}

/// `2026-11-26 21:13:02 UTC (in 23 h)` or `… (expired 2 h ago)`.
fn describe_time(unix: i64) -> String {
    let when = dcos_telemetry_signal::segment::format_timestamp(unix);
    // format_timestamp gives 2026-11-26T21:13:02+0000.
    let when = when.replacen('T', " ", 1).replace("+0000", " UTC");
    let delta = unix - crate::clock::unix_now();
    let span = |s: i64| {
        if s >= 7200 {
            format!("{} h", s / 3600)
        } else if s >= 120 {
            format!("{} min", s / 60)
        } else {
            format!("{s} s")
        }
    };
    if delta >= 0 {
        format!("{when} (in {})", span(delta))
    } else {
        format!("{when} (expired {} ago)", span(-delta))
    }
}
