//! The fuzz oracles hold on the fixtures and on hand-picked edge cases (so a crash found by
//! the fuzzer is a bug in the code under test, not in the oracle).
//! Run: `cargo test --manifest-path fuzz/Cargo.toml`.

use std::path::{Path, PathBuf};

use fuzz_oracles::{config_yaml, dcos_toml, signal};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn health_report_fixtures() {
    signal::health_report(&read(
        "small-cluster/dcos-diagnostics/system-health-v1-report.json",
    ));
    for rel in [
        "small-cluster/dcos-diagnostics/system-health-v1-units.json",
        "small-cluster/dcos-diagnostics/node-local/system-health-v1.10.0.1.10.json",
    ] {
        signal::health_report(&read(rel));
    }
    for doc in [
        &b"null"[..],
        b"{}",
        b"",
        b"{\"Units\":{\"a.b\":{\"UnitName\":\"a.b\",\"Nodes\":[{\"Health\":1,\"Output\":{\"a.b\":\"x\"}}]}}}",
        b"{\"Units\":{\"a\":null}}",
        b"{\"Units\":[]}",
        b"{\"x\":\"\xff\\ud800\"}",
        b"[1,]",
    ] {
        signal::health_report(doc);
    }
}

#[test]
fn package_list_fixture() {
    signal::package_list(&read("small-cluster/cosmos/package-list.response.json"));
    signal::package_list(b"{\"packages\":[{\"appId\":\"/a<&>\\u2028\"},null]}");
}

#[test]
fn mesos_fixtures() {
    let mut both = read("small-cluster/mesos/frameworks.json");
    both.push(0);
    both.extend(read("small-cluster/mesos/metrics-snapshot.json"));
    signal::mesos(&both);
    signal::mesos(b"null\0{\"master/cpus_total\":1e21}");
    signal::mesos(b"{\"frameworks\":[{\"name\":\"a\"}]}\0{\"master/mem_used\":1e999}");
}

#[test]
fn segment_body_modes() {
    let mut docs = vec![2u8];
    for rel in [
        "small-cluster/dcos-diagnostics/system-health-v1-report.json",
        "small-cluster/cosmos/package-list.response.json",
        "small-cluster/mesos/frameworks.json",
        "small-cluster/mesos/metrics-snapshot.json",
    ] {
        docs.extend(read(rel));
        docs.push(0);
    }
    docs.pop();
    signal::segment_body(&docs);
    let text = read("small-cluster/dcos-signal/segment-v1-batch.health.json");
    for mode in 0..3u8 {
        for len in [0, 1, 7, 64, 512, 4096] {
            let mut input = vec![mode];
            input.extend(&text[..len.min(text.len())]);
            signal::segment_body(&input);
        }
        // Bytes that drive `arbitrary` into its edge values.
        signal::segment_body(&[mode, 0xff, 0xff, 0xff, 0x80, 0, 0x7f, 0xfe, 0xff, 0xff]);
    }
}

#[test]
fn config_yaml_fixtures() {
    let dir = fixtures().join("config-yaml");
    let mut n = 0;
    for sub in [dir.clone(), dir.join("crafted")] {
        for entry in std::fs::read_dir(sub).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                config_yaml::config_yaml(&std::fs::read(&path).unwrap());
                n += 1;
            }
        }
    }
    assert_eq!(n, 67);
}

#[test]
fn dcos_toml_cases() {
    for input in [
        &b""[..],
        b"[core]\ndcos_url = \"https://a/\"\ndcos_acs_token = \"secret-token\"\ntimeout = 0\n",
        b"[core]\ndcos_url = \"http://a\"\n[telemetry]\nOPT_OUT = 1\n\0attached\n+second\n--timeout=3\n",
        b"[core]\ndcos_url = \"https://a\"\0DCOS_URL=https://b/\nDCOS_TELEMETRY_=x\n",
        b"[core\n",
        b"\xff\xfe",
        b"[core]\ndcos_url = \"https://a\"\0--cluster=nope\n",
    ] {
        dcos_toml::dcos_toml(input);
    }
}
