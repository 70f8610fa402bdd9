#![no_main]
//! See `fuzz_oracles::signal::health_report` for what this target checks.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_oracles::signal::health_report(data));
