//! `dcos-sim`: a simulated DC/OS master (Admin Router over HTTPS, DC/OS 1.7-2.2+) and a
//! Segment-compatible collector, for the `dcos-telemetry` plugin's integration tests and demos.
//!
//! ```no_run
//! use std::time::Duration;
//! use dcos_sim::{Fault, Route, Sim, SimConfig};
//!
//! let sim = Sim::start(SimConfig::small_cluster()?)?;
//! let token = sim.issue_token("bootstrapuser", Duration::from_secs(3600));
//! sim.set_fault(Route::HealthReport, Fault::ServiceUnavailable.times(1));
//! // ... point the plugin at sim.url() with the CA from sim.ca_pem() and `token` ...
//! assert!(sim.requests().iter().any(|r| r.path.starts_with("/system/health/v1/report")));
//! # Ok::<(), std::io::Error>(())
//! ```

#![warn(missing_docs)]

mod auth;
mod cluster_api;
mod collector;
mod cosmos;
pub mod data;
mod fault;
pub mod gojson;
pub mod gotime;
mod http_io;
mod net;
mod pages;
mod respond;
mod route;
mod server;
mod sim;
mod tls;

pub use auth::{
    AuthConfig, DEFAULT_USER, ServiceAccount, expired_service_login_token, service_login_token,
};
pub use collector::{MAX_BATCH_BYTES, MAX_MESSAGE_BYTES};
pub use cosmos::{LIST_REQUEST_V1, LIST_RESPONSE_V1};
pub use data::{
    ClusterData, DcosVersion, ExtraUnit, Failure, FailureKind, GenSpec, NodeRef, PackageSpec, Role,
    SMALL_CLUSTER_DIR, SpecError, Variant,
};
pub use fault::{Fault, FaultSpec};
pub use net::{UnresponsiveAddr, refused_addr, unresponsive_addr};
pub use route::Route;
pub use sim::{DEFAULT_WRITE_KEY, Recorded, Sim, SimConfig};
pub use tls::TlsMode;
