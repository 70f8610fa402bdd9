//! `dcos telemetry show-payload` against the simulated cluster: byte-exact dcos-signal output.

use dcos_sim::{ClusterData, Fault, GenSpec, Route, SimConfig};

use crate::harness::{Cluster, fixtures};
use crate::snap;

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("small-cluster/dcos-signal").join(name)).unwrap()
}

#[test]
fn equals_the_real_dcos_signal_output_byte_for_byte() {
    let c = Cluster::small();
    let run = c.run(&["show-payload"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // One trailing newline is allowed; nothing else may differ.
    assert_eq!(
        run.stdout,
        format!("{}\n", expected("dcos-signal-test-output.json"))
    );
    assert_eq!(
        run.stderr,
        "note: assumed platform=\"onprem\", provider=\"onprem\", customerKey=\"\", licenseId=\"\" (an on-prem DC/OS Open cluster's values; no endpoint exposes them); set them with --platform, --provider, --customer-key, --license-id, --signal-config or [telemetry] settings\n"
    );
}
