//! The checks behind the fuzz targets in `fuzz_targets/`, kept in a library so that
//! `cargo test --manifest-path fuzz/Cargo.toml` runs them on the fixtures without libFuzzer.
//!
//! Every target asserts more than "no panic": see each module.

pub mod config_yaml;
pub mod dcos_toml;
pub mod json;
pub mod reader;
pub mod signal;
