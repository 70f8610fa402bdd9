//! The Segment-compatible collector.

use std::time::Duration;

use base64::Engine;
use dcos_sim::{
    DEFAULT_WRITE_KEY, Fault, MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, Route, Sim, SimConfig,
};
use serde_json::json;

use crate::common::{client, fixture_json, header, parts};

fn basic(key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    )
}

fn post(sim: &Sim, path: &str, auth: Option<&str>, body: Vec<u8>) -> (u16, String, Vec<u8>) {
    let mut req = client(sim)
        .post(format!("{}{path}", sim.collector_url()))
        .header("Content-Type", "application/json")
        .header("User-Agent", "analytics-go (version: 2.1.0)")
        .body(body);
    if let Some(auth) = auth {
        req = req.header("Authorization", auth);
    }
    parts(req.send().unwrap())
}

/// The fixture's health batch, compact (the wire form).
fn health_batch() -> Vec<u8> {
    serde_json::to_vec(&fixture_json("dcos-signal/segment-v1-batch.health.json")).unwrap()
}

#[test]
fn accepts_signal_batches_and_records_them() {
    let sim = Sim::start(SimConfig::default()).unwrap();
    let body = health_batch();
    let (status, ctype, reply) = post(
        &sim,
        "/v1/batch",
        Some(&basic(DEFAULT_WRITE_KEY)),
        body.clone(),
    );
    assert_eq!(
        (status, ctype.as_str(), reply.as_slice()),
        (200, "application/json", &b"{\"success\":true}"[..])
    );
    let track =
        serde_json::to_vec(&json!({"anonymousId": "x", "event": "health", "type": "track"}))
            .unwrap();
    assert_eq!(
        post(
            &sim,
            "/v1/track",
            Some(&basic(DEFAULT_WRITE_KEY)),
            track.clone()
        )
        .0,
        200
    );

    let recorded = sim.collector_requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(
        (recorded[0].method.as_str(), recorded[0].path.as_str()),
        ("POST", "/v1/batch")
    );
    assert_eq!(recorded[0].body, body);
    assert_eq!(
        recorded[0].header("authorization"),
        Some(basic(DEFAULT_WRITE_KEY).as_str())
    );
    assert_eq!(
        recorded[0].header("user-agent"),
        Some("analytics-go (version: 2.1.0)")
    );
    assert_eq!(recorded[1].body, track);
    // The cluster listener saw none of it.
    assert!(sim.requests().is_empty());
}

#[test]
fn write_key_is_checked() {
    let sim = Sim::start(SimConfig::default().write_key("k3y")).unwrap();
    for auth in [
        None,
        Some(basic("wrong")),
        Some(basic("")),
        Some("Bearer k3y".to_string()),
    ] {
        let (status, _, reply) = post(&sim, "/v1/batch", auth.as_deref(), health_batch());
        assert_eq!(status, 401, "{auth:?}");
        assert_eq!(
            reply,
            b"{\"success\":false,\"message\":\"Invalid write key\"}"
        );
    }
    // A password after the colon is ignored, like Segment does.
    let with_password = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("k3y:ignored")
    );
    assert_eq!(
        post(&sim, "/v1/batch", Some(&with_password), health_batch()).0,
        200
    );
    assert_eq!(sim.collector_requests().len(), 5);
}

#[test]
fn malformed_and_oversized_payloads_are_400() {
    let sim = Sim::start(SimConfig::default()).unwrap();
    let auth = basic(DEFAULT_WRITE_KEY);
    let big_property = "x".repeat(MAX_MESSAGE_BYTES);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("/v1/batch", b"{not json".to_vec(), "Invalid JSON"),
        ("/v1/batch", b"{\"messages\":[]}".to_vec(), "A batch needs a \"batch\" array"),
        (
            "/v1/batch",
            serde_json::to_vec(&json!({"batch": [{"anonymousId": "a", "event": "e", "properties": {"p": big_property}}]}))
                .unwrap(),
            "Message exceeds 32KB",
        ),
        ("/v1/batch", vec![b' '; MAX_BATCH_BYTES + 1], "Batch exceeds 500KB"),
        (
            "/v1/track",
            serde_json::to_vec(&json!({"anonymousId": "a", "event": "e", "properties": {"p": big_property}})).unwrap(),
            "Message exceeds 32KB",
        ),
        ("/v1/track", b"[1,2]".to_vec(), "A message must be a JSON object"),
    ];
    for (path, body, message) in cases {
        let (status, _, reply) = post(&sim, path, Some(&auth), body);
        assert_eq!(status, 400, "{message}");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&reply).unwrap(),
            json!({"success": false, "message": message})
        );
    }
    // Just under the limits is fine.
    let fits = serde_json::to_vec(&json!({"batch": [{"anonymousId": "a", "properties": {"p": "x".repeat(MAX_MESSAGE_BYTES - 100)}}]})).unwrap();
    assert_eq!(post(&sim, "/v1/batch", Some(&auth), fits).0, 200);
}

#[test]
fn unknown_paths_and_methods() {
    let sim = Sim::start(SimConfig::default()).unwrap();
    let c = client(&sim);
    let resp = c
        .get(format!("{}/v1/batch", sim.collector_url()))
        .send()
        .unwrap();
    assert_eq!(
        (resp.status().as_u16(), header(&resp, "allow").as_str()),
        (405, "POST")
    );
    assert_eq!(
        c.post(format!("{}/v1/identify", sim.collector_url()))
            .send()
            .unwrap()
            .status(),
        404
    );
}

#[test]
fn faults_apply_then_recover() {
    let sim = Sim::start(SimConfig::default()).unwrap();
    let auth = basic(DEFAULT_WRITE_KEY);
    sim.set_fault(Route::Collector, Fault::ServiceUnavailable.times(1));
    sim.add_fault(Route::Collector, Fault::RetryAfter(3).times(1));
    sim.add_fault(Route::Collector, Fault::Status(400).times(1));
    let statuses: Vec<u16> = (0..4)
        .map(|_| post(&sim, "/v1/batch", Some(&auth), health_batch()).0)
        .collect();
    assert_eq!(statuses, [503, 429, 400, 200]);
    assert_eq!(sim.collector_requests().len(), 4);
    sim.set_fault(Route::Collector, Fault::Stall);
    let quick = crate::common::client_for(&sim.ca_pem(), Duration::from_millis(400));
    let err = quick
        .post(format!("{}/v1/batch", sim.collector_url()))
        .header("Authorization", &auth)
        .body(health_batch())
        .send()
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(sim.collector_requests().len(), 5);
}

#[test]
fn connections_are_counted() {
    let sim = Sim::start(SimConfig::default()).unwrap();
    let auth = basic(DEFAULT_WRITE_KEY);
    assert_eq!(sim.collector_connections(), 0);
    let c = client(&sim);
    for _ in 0..3 {
        let resp = c
            .post(format!("{}/v1/batch", sim.collector_url()))
            .header("Authorization", &auth)
            .body(health_batch())
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.bytes().unwrap();
    }
    assert_eq!(sim.collector_connections(), 1, "one keep-alive connection");
    let other = client(&sim);
    other
        .post(format!("{}/v1/batch", sim.collector_url()))
        .header("Authorization", &auth)
        .body(health_batch())
        .send()
        .unwrap();
    assert_eq!(sim.collector_connections(), 2);
    assert_eq!(sim.cluster_connections(), 0);
}
