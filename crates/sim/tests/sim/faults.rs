//! Every fault kind, limits (`times`), queues and clearing.

use std::time::{Duration, Instant};

use dcos_sim::{Fault, Route};

use crate::common::{authed, client, client_for, fetch, fixture, fixture_sim, header, json, parts};

const METADATA: &str = "/metadata";

#[test]
fn latency_delays_then_answers_normally() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::Latency(Duration::from_millis(600)));
    let started = Instant::now();
    let (status, _, body) = fetch(&sim, METADATA);
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert_eq!((status, body), (200, fixture("metadata.json")));
}

#[test]
fn status_fault_answers_a_dcos_json_error() {
    let sim = fixture_sim();
    sim.set_fault(Route::HealthReport, Fault::Status(500));
    let (status, ctype, body) = fetch(&sim, "/system/health/v1/report");
    assert_eq!((status, ctype.as_str()), (500, "application/json"));
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"title":"Internal Server Error","description":"The simulated DC/OS cluster answered 500 (injected fault).","code":"ERR_SIMULATED_FAULT"}"#
    );
}

#[test]
fn html_error_is_an_nginx_page() {
    let sim = fixture_sim();
    sim.set_fault(Route::MesosFrameworks, Fault::HtmlError(502));
    let (status, ctype, body) = fetch(&sim, "/mesos/frameworks");
    assert_eq!((status, ctype.as_str()), (502, "text/html"));
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n"
    );
}

#[test]
fn unauthorized_forbidden_and_not_found_faults_override_a_valid_token() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::Unauthorized);
    let resp = authed(&client(&sim), &sim, METADATA).send().unwrap();
    assert_eq!(
        (
            resp.status().as_u16(),
            header(&resp, "www-authenticate").as_str()
        ),
        (401, "oauthjwt")
    );
    sim.set_fault(Route::Metadata, Fault::Forbidden);
    assert_eq!(fetch(&sim, METADATA).0, 403);
    sim.set_fault(Route::Metadata, Fault::NotFound);
    let (status, ctype, _) = fetch(&sim, METADATA);
    assert_eq!((status, ctype.as_str()), (404, "text/html"));
}

#[test]
fn malformed_json_is_a_prefix_that_does_not_parse() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::MalformedJson);
    let (status, ctype, body) = fetch(&sim, METADATA);
    assert_eq!((status, ctype.as_str()), (200, "application/json"));
    let whole = fixture("metadata.json");
    assert_eq!(body, whole[..whole.len() / 2]);
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    sim.set_fault(Route::HealthReport, Fault::MalformedJson);
    let (status, _, body) = fetch(&sim, "/system/health/v1/report");
    assert_eq!(status, 200);
    assert_eq!(body.len(), 64 * 1024);
    assert!(fixture("dcos-diagnostics/system-health-v1-report.json").starts_with(&body));
}

#[test]
fn malformed_json_leaves_error_answers_alone() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::MalformedJson);
    let resp = client(&sim)
        .get(format!("{}{METADATA}", sim.url()))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[test]
fn truncated_bodies_fail_to_read() {
    let sim = fixture_sim();
    for route_path in [
        (Route::Metadata, METADATA),
        (Route::HealthReport, "/system/health/v1/report"),
    ] {
        sim.set_fault(route_path.0, Fault::Truncated);
        let resp = authed(&client(&sim), &sim, route_path.1).send().unwrap();
        assert_eq!(resp.status(), 200);
        assert!(
            !header(&resp, "content-length").is_empty(),
            "a truncated answer announces its full length"
        );
        assert!(resp.bytes().is_err(), "{}", route_path.1);
    }
}

#[test]
fn huge_bodies_are_valid_json_of_the_requested_size() {
    let sim = fixture_sim();
    sim.set_fault(Route::HealthReport, Fault::Huge(3_000_000));
    let resp = authed(&client(&sim), &sim, "/system/health/v1/report")
        .send()
        .unwrap();
    assert_eq!(header(&resp, "content-length"), "3000000");
    let (status, ctype, body) = parts(resp);
    assert_eq!(
        (status, ctype.as_str(), body.len()),
        (200, "application/json", 3_000_000)
    );
    assert!(json(&body)["padding"].is_string());
}

#[test]
fn wrong_content_type_keeps_the_body() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::WrongContentType);
    let (status, ctype, body) = fetch(&sim, METADATA);
    assert_eq!((status, ctype.as_str()), (200, "text/html; charset=utf-8"));
    assert_eq!(body, fixture("metadata.json"));
}

#[test]
fn slow_drip_trips_a_client_timeout_but_completes_without_one() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::SlowDrip { bytes_per_sec: 200 });
    let quick = client_for(&sim.ca_pem(), Duration::from_millis(250));
    let err = authed(&quick, &sim, METADATA)
        .send()
        .and_then(|r| r.bytes())
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let started = Instant::now();
    let (status, _, body) = fetch(&sim, METADATA);
    assert_eq!((status, body), (200, fixture("metadata.json")));
    // 92 bytes at 20 bytes per 100 ms take about half a second.
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[test]
fn stall_reads_the_request_and_never_answers() {
    let sim = fixture_sim();
    sim.set_fault(Route::HealthReport, Fault::Stall);
    let quick = client_for(&sim.ca_pem(), Duration::from_millis(500));
    let started = Instant::now();
    let err = authed(&quick, &sim, "/system/health/v1/report?cache=0")
        .send()
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let recorded = sim.requests();
    assert_eq!(
        recorded.last().unwrap().path,
        "/system/health/v1/report?cache=0"
    );
}

#[test]
fn reset_closes_without_answering() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::Reset);
    let err = authed(&client(&sim), &sim, METADATA).send().unwrap_err();
    assert!(!err.is_timeout() && err.status().is_none(), "{err:?}");
    assert_eq!(sim.requests().len(), 1);
}

#[test]
fn retry_after_and_service_unavailable() {
    let sim = fixture_sim();
    sim.set_fault(Route::PackageList, Fault::RetryAfter(7));
    let resp = client(&sim)
        .post(format!("{}/package/list", sim.url()))
        .send()
        .unwrap();
    assert_eq!(
        (
            resp.status().as_u16(),
            header(&resp, "retry-after").as_str()
        ),
        (429, "7")
    );
    assert_eq!(json(&resp.bytes().unwrap())["code"], "ERR_RATE_LIMITED");
    sim.set_fault(Route::PackageList, Fault::ServiceUnavailable);
    let (status, ctype, body) = parts(
        client(&sim)
            .post(format!("{}/package/list", sim.url()))
            .send()
            .unwrap(),
    );
    assert_eq!((status, ctype.as_str()), (503, "text/html"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<title>503 Service Unavailable</title>")
    );
}

#[test]
fn limited_faults_run_out_and_queue_in_order() {
    let sim = fixture_sim();
    sim.set_fault(Route::Metadata, Fault::ServiceUnavailable.times(2));
    sim.add_fault(Route::Metadata, Fault::Status(500).times(1));
    let statuses: Vec<u16> = (0..5).map(|_| fetch(&sim, METADATA).0).collect();
    assert_eq!(statuses, [503, 503, 500, 200, 200]);
    // Other routes are unaffected; set_fault replaces, clear_faults removes everything.
    sim.set_fault(Route::Metadata, Fault::Status(500));
    sim.set_fault(Route::Metadata, Fault::Status(502));
    assert_eq!(fetch(&sim, "/mesos/frameworks").0, 200);
    assert_eq!(fetch(&sim, METADATA).0, 502);
    sim.clear_faults();
    assert_eq!(fetch(&sim, METADATA).0, 200);
}

#[test]
fn faults_apply_to_unauthenticated_routes_too() {
    let sim = fixture_sim();
    sim.set_fault(Route::UiConfig, Fault::Status(503).times(1));
    let c = client(&sim);
    let url = format!("{}/dcos-metadata/ui-config.json", sim.url());
    assert_eq!(c.get(&url).send().unwrap().status(), 503);
    assert_eq!(c.get(&url).send().unwrap().status(), 200);
}
