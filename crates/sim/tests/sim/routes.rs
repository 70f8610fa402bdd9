//! Every cluster route over HTTPS, against the small-cluster fixtures.

use std::time::{Duration, Instant};

use dcos_sim::{ClusterData, Sim, SimConfig};

use crate::common::{
    authed, client, fetch, fixture, fixture_json, fixture_sim, header, json, parts,
};

#[test]
fn metadata_documents_are_served_verbatim_without_auth() {
    let sim = fixture_sim();
    let c = client(&sim);
    let resp = c
        .get(format!("{}/dcos-metadata/ui-config.json", sim.url()))
        .send()
        .unwrap();
    assert_eq!(header(&resp, "server"), "openresty");
    let (status, ctype, body) = parts(resp);
    assert_eq!((status, ctype.as_str()), (200, "application/json"));
    assert_eq!(body, fixture("dcos-metadata/ui-config.json"));

    let resp = c
        .get(format!("{}/dcos-metadata/dcos-version.json", sim.url()))
        .send()
        .unwrap();
    assert_eq!(header(&resp, "cache-control"), "no-cache");
    let (status, _, body) = parts(resp);
    assert_eq!(status, 200);
    assert_eq!(body, fixture("dcos-metadata/dcos-version.json"));

    let (status, ctype, body) = parts(
        c.get(format!("{}/ca/dcos-ca.crt", sim.url()))
            .send()
            .unwrap(),
    );
    assert_eq!(
        (status, ctype.as_str()),
        (200, "application/x-x509-ca-cert")
    );
    assert_eq!(String::from_utf8(body).unwrap(), sim.ca_pem());
    assert!(sim.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn telemetry_off_serves_the_disabled_ui_config() {
    let data = ClusterData::small_cluster().unwrap();
    assert!(data.telemetry_enabled());
    let sim = Sim::start(SimConfig::new(data.with_telemetry(false))).unwrap();
    let (status, _, body) = parts(
        client(&sim)
            .get(format!("{}/dcos-metadata/ui-config.json", sim.url()))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200);
    assert_eq!(
        body,
        fixture("dcos-metadata/ui-config.telemetry-disabled.json")
    );
    assert_eq!(
        json(&body)["uiConfiguration"]["plugins"]["tracking"]["enabled"],
        false
    );
}

#[test]
fn token_routes_serve_fixture_bytes() {
    let sim = fixture_sim();
    for (path, file) in [
        ("/metadata", "metadata.json"),
        ("/mesos/frameworks", "mesos/frameworks.json"),
        ("/mesos/metrics/snapshot", "mesos/metrics-snapshot.json"),
    ] {
        let (status, ctype, body) = fetch(&sim, path);
        assert_eq!(
            (status, ctype.as_str()),
            (200, "application/json"),
            "{path}"
        );
        assert_eq!(body, fixture(file), "{path}");
    }
}

#[test]
fn report_is_the_fixture_verbatim_chunked_with_last_modified_3dt() {
    let sim = fixture_sim();
    for path in [
        "/system/health/v1/report",
        "/system/health/v1/report?cache=0",
    ] {
        let resp = authed(&client(&sim), &sim, path).send().unwrap();
        assert_eq!(header(&resp, "transfer-encoding"), "chunked");
        assert_eq!(
            header(&resp, "last-modified-3dt"),
            "Wed Nov 18 09:30:02 2020"
        );
        assert_eq!(header(&resp, "content-length"), "");
        let (status, ctype, body) = parts(resp);
        assert_eq!((status, ctype.as_str()), (200, "application/json"));
        assert_eq!(
            body,
            fixture("dcos-diagnostics/system-health-v1-report.json")
        );
    }
    let resp = authed(&client(&sim), &sim, "/system/health/v1/report/download")
        .send()
        .unwrap();
    assert_eq!(
        header(&resp, "content-disposition"),
        "attachment; filename=health-report.json"
    );
    assert_eq!(
        parts(resp).2,
        fixture("dcos-diagnostics/system-health-v1-report.json")
    );
}

#[test]
fn fresh_pull_delay_applies_only_with_a_cache_parameter() {
    let delay = Duration::from_millis(700);
    let sim = Sim::start(SimConfig::small_cluster().unwrap().fresh_pull_delay(delay)).unwrap();
    let c = client(&sim);
    let started = Instant::now();
    assert_eq!(
        authed(&c, &sim, "/system/health/v1/report")
            .send()
            .unwrap()
            .status(),
        200
    );
    assert!(started.elapsed() < delay);
    let started = Instant::now();
    assert_eq!(
        authed(&c, &sim, "/system/health/v1/units?cache=0")
            .send()
            .unwrap()
            .status(),
        200
    );
    assert!(started.elapsed() >= delay);
}

/// Sorts `{"<key>":[…]}` lists by `field` (the real order is Go's random map order).
fn sorted(mut v: serde_json::Value, key: &str, field: &str) -> serde_json::Value {
    v[key]
        .as_array_mut()
        .unwrap()
        .sort_by(|a, b| a[field].as_str().cmp(&b[field].as_str()));
    v
}

#[test]
fn diagnostics_sub_routes_match_the_fixture_files() {
    let sim = fixture_sim();
    let unit = "dcos-checks-poststart.service";
    let cases = [
        (
            "/system/health/v1/units".to_string(),
            "system-health-v1-units.json",
        ),
        (
            format!("/system/health/v1/units/{unit}"),
            "system-health-v1-units-dcos-checks-poststart.service.json",
        ),
        (
            format!("/system/health/v1/units/{unit}/nodes"),
            "system-health-v1-units-dcos-checks-poststart.service-nodes.json",
        ),
        (
            format!("/system/health/v1/units/{unit}/nodes/10.0.2.22"),
            "system-health-v1-units-dcos-checks-poststart.service-nodes-10.0.2.22.json",
        ),
        (
            "/system/health/v1/nodes".to_string(),
            "system-health-v1-nodes.json",
        ),
        (
            "/system/health/v1/nodes/10.0.2.22/units".to_string(),
            "system-health-v1-nodes-10.0.2.22-units.json",
        ),
        (
            format!("/system/health/v1/nodes/10.0.2.22/units/{unit}"),
            "system-health-v1-nodes-10.0.2.22-units-dcos-checks-poststart.service.json",
        ),
        (
            "/system/health/v1".to_string(),
            "node-local/system-health-v1.10.0.1.10.json",
        ),
    ];
    for (path, file) in cases {
        let (status, ctype, body) = fetch(&sim, &path);
        assert_eq!(
            (status, ctype.as_str()),
            (200, "application/json"),
            "{path}"
        );
        // Go's compact encoding with a trailing newline.
        assert!(
            body.ends_with(b"}\n") && !body[..body.len() - 1].contains(&b'\n'),
            "{path}"
        );
        let mut got = json(&body);
        let mut want = fixture_json(&format!("dcos-diagnostics/{file}"));
        if path.ends_with("/units") && !path.contains("nodes/") {
            got = sorted(got, "units", "id");
            want = sorted(want, "units", "id");
        }
        assert_eq!(got, want, "{path}");
    }
    let (_, _, body) = fetch(&sim, "/system/health/v1/nodes/10.0.1.10");
    assert_eq!(
        body,
        b"{\"host_ip\":\"10.0.1.10\",\"health\":0,\"role\":\"master\"}\n"
    );
}

#[test]
fn unknown_units_and_nodes_are_go_text_404s() {
    let sim = fixture_sim();
    let cases = [
        (
            "/system/health/v1/units/nope.service",
            "Unit nope.service not found\n",
        ),
        (
            "/system/health/v1/units/nope.service/nodes",
            "Unit nope.service not found\n",
        ),
        (
            "/system/health/v1/units/dcos-net.service/nodes/10.9.9.9",
            "Node 10.9.9.9 not found\n",
        ),
        (
            "/system/health/v1/nodes/10.9.9.9",
            "Node 10.9.9.9 not found\n",
        ),
        (
            "/system/health/v1/nodes/10.9.9.9/units",
            "Node 10.9.9.9 not found\n",
        ),
        (
            "/system/health/v1/nodes/10.0.1.10/units/dcos-mesos-slave.service",
            "Unit dcos-mesos-slave.service not found\n",
        ),
    ];
    for (path, text) in cases {
        let (status, ctype, body) = fetch(&sim, path);
        assert_eq!(
            (
                status,
                ctype.as_str(),
                String::from_utf8(body).unwrap().as_str()
            ),
            (404, "text/plain; charset=utf-8", text),
            "{path}"
        );
    }
    let (status, ctype, body) = fetch(&sim, "/no/such/route");
    assert_eq!((status, ctype.as_str()), (404, "text/html"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<title>404 Not Found</title>")
    );
}

#[test]
fn buildinfo_get_and_head() {
    let sim = fixture_sim();
    let (status, _, body) = fetch(&sim, "/pkgpanda/active.buildinfo.full.json");
    assert_eq!(status, 200);
    let info = json(&body);
    assert!(
        info["dcos-signal"]["single_source"]["ref"]
            .as_str()
            .unwrap()
            .starts_with("a2040b7")
    );
    assert_eq!(info["dcos-config"], serde_json::Value::Null);
    let c = client(&sim);
    let resp = c
        .head(format!("{}/pkgpanda/active.buildinfo.full.json", sim.url()))
        .header(
            "Authorization",
            format!("token={}", crate::common::token(&sim)),
        )
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "content-length"), body.len().to_string());
    assert!(resp.bytes().unwrap().is_empty());
}

#[test]
fn wrong_methods_get_405() {
    let sim = fixture_sim();
    let c = client(&sim);
    let resp = authed(&c, &sim, "/package/list").send().unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(header(&resp, "allow"), "POST");
    let resp = c
        .post(format!("{}/dcos-metadata/ui-config.json", sim.url()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(header(&resp, "allow"), "GET, HEAD");
}

#[test]
fn requests_are_recorded_in_order_with_headers_and_bodies() {
    let sim = fixture_sim();
    let c = client(&sim);
    c.get(format!("{}/dcos-metadata/dcos-version.json", sim.url()))
        .header("X-Trace", "one")
        .send()
        .unwrap();
    c.post(format!("{}/acs/api/v1/auth/login", sim.url()))
        .body("{\"uid\":\"a\",\"password\":\"b\"}")
        .send()
        .unwrap();
    authed(&c, &sim, "/system/health/v1/report?cache=0")
        .send()
        .unwrap();
    let recorded = sim.requests();
    let summary: Vec<(&str, &str)> = recorded
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("GET", "/dcos-metadata/dcos-version.json"),
            ("POST", "/acs/api/v1/auth/login"),
            ("GET", "/system/health/v1/report?cache=0"),
        ]
    );
    assert_eq!(recorded[0].header("x-trace"), Some("one"));
    assert_eq!(recorded[1].body, b"{\"uid\":\"a\",\"password\":\"b\"}");
    assert!(
        recorded[2]
            .header("authorization")
            .unwrap()
            .starts_with("token=ey")
    );
    assert!(recorded[0].at <= recorded[1].at && recorded[1].at <= recorded[2].at);
    sim.clear_requests();
    assert!(sim.requests().is_empty());
}
