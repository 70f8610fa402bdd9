//! Integration tests: the real `dcos-telemetry` binary, run as the DC/OS CLI runs it and standalone,
//! against the simulated cluster over real HTTPS. Each test snapshots exit code, stdout and stderr.
//! One test binary (modules below) keeps link time low.

mod harness;

mod auth;
mod connection;
mod faults;
mod fixtures;
mod opt_out;
mod plugin;
mod robustness;
mod secrets;
mod send;
mod show_payload;
mod status;
