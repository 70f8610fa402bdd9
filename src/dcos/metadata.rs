//! The cluster's identity and telemetry switch: `/dcos-metadata/ui-config.json` and
//! `/dcos-metadata/dcos-version.json` (no auth), and `/metadata` (token).

use serde::Deserialize;

use crate::error::Result;
use crate::http::{Http, Request};

/// Path of the UI configuration that Bouncer serves (no auth).
pub const UI_CONFIG: &str = "/dcos-metadata/ui-config.json";
/// Path of the version document (no auth).
pub const DCOS_VERSION: &str = "/dcos-metadata/dcos-version.json";
/// Path of Admin Router's metadata (token).
pub const METADATA: &str = "/metadata";

/// What `ui-config.json` says about telemetry and identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UiConfig {
    /// `uiConfiguration.plugins.tracking.enabled`: the cluster's `telemetry_enabled`.
    pub tracking_enabled: Option<bool>,
    /// `clusterConfiguration.id` (DC/OS 1.13 and later).
    pub cluster_id: Option<String>,
}

/// `dcos-version.json`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct DcosVersion {
    /// e.g. `2.1.2`, `1.7-open`.
    pub version: String,
    /// `open` or `enterprise` (DC/OS 1.12 and later).
    #[serde(rename = "dcos-variant")]
    pub variant: Option<String>,
    /// The `dcos/dcos` commit of the release.
    #[serde(rename = "dcos-image-commit")]
    pub image_commit: Option<String>,
}

/// `/metadata`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Metadata {
    /// The cluster id, as Admin Router reads it from `/var/lib/dcos/cluster-id` (first line).
    #[serde(rename = "CLUSTER_ID")]
    pub cluster_id: Option<String>,
    /// The master's public IPv4.
    #[serde(rename = "PUBLIC_IPV4")]
    pub public_ipv4: Option<String>,
}

#[derive(Deserialize)]
struct RawUiConfig {
    #[serde(rename = "uiConfiguration")]
    ui: Option<RawUi>,
    #[serde(rename = "clusterConfiguration")]
    cluster: Option<RawClusterConfiguration>,
}

#[derive(Deserialize)]
struct RawUi {
    plugins: Option<RawPlugins>,
}

#[derive(Deserialize)]
struct RawPlugins {
    tracking: Option<RawTracking>,
}

#[derive(Deserialize)]
struct RawTracking {
    enabled: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawClusterConfiguration {
    id: Option<String>,
}

/// Reads `ui-config.json`.
pub fn ui_config(http: &Http) -> Result<UiConfig> {
    let raw: RawUiConfig = http.get_json(Request::get(UI_CONFIG).public())?;
    let tracking_enabled = raw
        .ui
        .and_then(|u| u.plugins)
        .and_then(|p| p.tracking)
        .and_then(|t| t.enabled)
        .and_then(|v| match v {
            serde_json::Value::Bool(b) => Some(b),
            // Old generators rendered the flag as a string.
            serde_json::Value::String(s) => match s.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        });
    Ok(UiConfig {
        tracking_enabled,
        cluster_id: raw
            .cluster
            .and_then(|c| c.id)
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty()),
    })
}

/// Reads `dcos-version.json`.
pub fn dcos_version(http: &Http) -> Result<DcosVersion> {
    http.get_json(Request::get(DCOS_VERSION).public())
}

/// Reads `/metadata` (needs a token).
pub fn metadata(http: &Http) -> Result<Metadata> {
    http.get_json(Request::get(METADATA))
}
