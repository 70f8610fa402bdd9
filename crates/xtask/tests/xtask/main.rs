//! Tests for `cargo xtask`: the generated completions and man page, and the plugin zip as the
//! DC/OS CLI installs it. One test binary (modules below) keeps link time down.

mod completions;
mod dcos_cli;
mod dist;
mod man;
mod support;
