#![no_main]
//! See `fuzz_oracles::config_yaml::config_yaml` for what this target checks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_oracles::config_yaml::config_yaml(data));
