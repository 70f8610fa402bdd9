//! Byte-for-byte checks against the small-cluster fixtures (exact dcos-signal output).

use std::fs;

use dcos_telemetry_signal::segment::{Envelope, batch_body};
use dcos_telemetry_signal::{
    Event, Generation, Identity, Payload, Sources, parse_health_report, parse_mesos,
    parse_package_list,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/small-cluster");

fn read(rel: &str) -> Vec<u8> {
    fs::read(format!("{FIXTURES}/{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn cluster_id_file() -> String {
    String::from_utf8(read("master-files/var/lib/dcos/cluster-id")).unwrap()
}

fn identity_2_1() -> Identity {
    Identity {
        cluster_id: cluster_id_file(),
        environment_version: "2.1.2".into(),
        variant: "open".into(),
        platform: "onprem".into(),
        provider: "onprem".into(),
        customer_key: String::new(),
        license_id: String::new(),
    }
}

fn payload(generation: Generation, identity: &Identity) -> Payload {
    let health =
        parse_health_report(&read("dcos-diagnostics/system-health-v1-report.json")[..]).unwrap();
    let packages = parse_package_list(&read("cosmos/package-list.response.json")[..]).unwrap();
    let mesos = parse_mesos(
        &read("mesos/frameworks.json")[..],
        &read("mesos/metrics-snapshot.json")[..],
    )
    .unwrap()
    .unwrap();
    Payload::build(
        generation,
        identity,
        Sources {
            health: Some(&health),
            packages: Some(&packages),
            mesos: Some(&mesos),
        },
    )
}

#[test]
fn a2040b7_test_output_is_byte_identical() {
    let p = payload(Generation::Signal1_13_9, &identity_2_1());
    let expected = read("dcos-signal/dcos-signal-test-output.json");
    let got = p.to_test_output(&Event::ALL);
    assert_eq!(
        String::from_utf8(got).unwrap(),
        String::from_utf8(expected).unwrap()
    );
}

#[test]
fn signal_1_7_test_output_is_byte_identical() {
    let identity = Identity {
        environment_version: "1.7-dev".into(),
        provider: "aws".into(),
        ..identity_2_1()
    };
    let p = payload(Generation::Signal1_7, &identity);
    let expected = read("dcos-signal/dcos-signal-test-output.dcos-1.7-27b9cef.json");
    assert_eq!(
        String::from_utf8(p.to_test_output(&Event::ALL)).unwrap(),
        String::from_utf8(expected).unwrap()
    );
    // 1.7 sends only health, with the newline in the cluster id.
    assert_eq!(p.tracks.len(), 1);
    assert!(p.track(Event::Health).unwrap().anonymous_id.ends_with('\n'));
}

#[test]
fn test_output_can_be_restricted() {
    let p = payload(Generation::Signal1_13_9, &identity_2_1());
    let only_mesos = String::from_utf8(p.to_test_output(&[Event::MesosTrack])).unwrap();
    assert!(only_mesos.starts_with("{\n    \"mesos\": {\n        \"properties\": {\n"));
    assert!(!only_mesos.contains("\"cosmos\""));
    assert!(!only_mesos.contains("\"diagnostics\""));
    assert_eq!(p.to_test_output(&[]), b"{}");
}

/// Re-indents compact JSON with two spaces (as Go's `json.Indent` would), keeping the key
/// order, so the compact wire bytes can be compared textually with the pretty fixtures.
fn reindent(compact: &[u8]) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let text = std::str::from_utf8(compact).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if !matches!(chars.get(i + 1), Some('}' | ']')) {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                if !matches!(chars.get(i.wrapping_sub(1)), Some('{' | '[')) {
                    depth -= 1;
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out.push('\n');
    out
}

#[test]
fn batch_bodies_match_fixtures() {
    let p = payload(Generation::Signal1_13_9, &identity_2_1());
    for (event, file) in [
        (Event::Health, "health"),
        (Event::PackageList, "package_list"),
        (Event::MesosTrack, "mesos_track"),
    ] {
        let fixture = read(&format!("dcos-signal/segment-v1-batch.{file}.json"));
        let fixture_value: serde_json::Value = serde_json::from_slice(&fixture).unwrap();
        // Take the fixture's fixed ids and time, so everything else must match exactly.
        let track_id = fixture_value["batch"][0]["messageId"].as_str().unwrap();
        let batch_id = fixture_value["messageId"].as_str().unwrap();
        assert_eq!(fixture_value["sentAt"], "2020-11-18T09:30:02+0000");
        let envelope = Envelope {
            library_name: "analytics-go".into(),
            library_version: "2.1.0".into(),
            track_message_id: track_id.into(),
            batch_message_id: batch_id.into(),
            time: 1_605_691_802,
        };
        let body = batch_body(p.track(event).unwrap(), &envelope).unwrap();
        assert!(!body.contains(&b'\n'), "wire form is compact");
        let body_value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body_value, fixture_value, "{file}");
        // The compact wire form re-indents to exactly the fixture's text: same key order.
        assert_eq!(
            reindent(&body),
            String::from_utf8(fixture).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn node_statistics_of_fixture() {
    let health =
        parse_health_report(&read("dcos-diagnostics/system-health-v1-report.json")[..]).unwrap();
    assert_eq!(health.units.len(), 53);
    let stats = &health.nodes;
    assert_eq!(stats.all.total, 4);
    assert_eq!(stats.all.unhealthy, 1);
    assert_eq!(stats.all.unreachable, 0);
    assert_eq!(stats.by_role["agent"].total, 2);
    assert_eq!(stats.by_role["agent"].unhealthy, 1);
    assert_eq!(stats.by_role["master"].total, 1);
    assert_eq!(stats.by_role["agent_public"].total, 1);
}

#[test]
fn content_hash_is_stable_and_documented() {
    let p = payload(Generation::Signal1_13_9, &identity_2_1());
    let t = p.track(Event::MesosTrack).unwrap();
    let bytes = String::from_utf8(t.content_bytes()).unwrap();
    assert!(bytes.starts_with(r#"{"event":"mesos_track","properties":{"agents_active":3,"#));
    assert_eq!(t.content_sha256().len(), 64);
    let again = payload(Generation::Signal1_13_9, &identity_2_1());
    assert_eq!(
        again.track(Event::MesosTrack).unwrap().content_sha256(),
        t.content_sha256()
    );
}
