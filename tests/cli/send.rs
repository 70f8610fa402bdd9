//! `dcos telemetry send` against the simulated cluster and its Segment-compatible collector.

use std::time::{Duration, Instant};

use base64::Engine;
use dcos_sim::{ClusterData, Fault, GenSpec, PackageSpec, Recorded, Route, SimConfig};

use crate::harness::{Cluster, Run, fixtures};
use crate::snap;

const EVENTS: [&str; 3] = ["health", "package_list", "mesos_track"];

fn disabled_cluster() -> Cluster {
    Cluster::start(SimConfig::new(
        ClusterData::small_cluster().unwrap().with_telemetry(false),
    ))
}

/// `send --endpoint <collector> --endpoint-ca-file <ca> <args>` with the collector's write key
/// in DCOS_TELEMETRY_WRITE_KEY, standalone.
fn send(c: &Cluster, args: &[&str]) -> Run {
    send_env(c, args, &[("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())])
}

fn send_env(c: &Cluster, args: &[&str], env: &[(&str, &str)]) -> Run {
    let collector = c.sim.collector_url();
    let ca = c.ca.display().to_string();
    let mut argv = vec![
        "send",
        "--endpoint",
        collector.as_str(),
        "--endpoint-ca-file",
        ca.as_str(),
    ];
    argv.extend_from_slice(args);
    c.home.run_with(&argv, env)
}

/// Replaces each posted message id (as recorded by the collector) with a placeholder of the
/// same width, so tables keep their layout, and the assumed-values note (show-payload's, whose
/// exact text other tests compare with `payload_notes`) with a marker.
fn transcript(c: &Cluster, run: &Run) -> String {
    let mut text: String = c
        .transcript(run)
        .lines()
        .map(|l| {
            if l.starts_with("note: assumed ") {
                "[NOTE: ASSUMED VALUES]\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    for request in c.sim.collector_requests() {
        let body = parsed(&request);
        let id = body["batch"][0]["messageId"].as_str().unwrap().to_string();
        let event = body["batch"][0]["event"].as_str().unwrap();
        let placeholder = format!("{:.<36}", format!("<{event}-message-id>"));
        text = text.replace(&id, &placeholder);
    }
    text
}

fn parsed(request: &Recorded) -> serde_json::Value {
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("small-cluster/dcos-signal").join(name)).unwrap()
}

/// Drops the whitespace between JSON tokens, keeping strings and key order byte for byte.
fn compact(pretty: &str) -> String {
    let mut out = String::with_capacity(pretty.len());
    let (mut in_string, mut escaped) = (false, false);
    for ch in pretty.chars() {
        if in_string {
            out.push(ch);
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
        } else if ch == '"' {
            in_string = true;
            out.push(ch);
        } else if !ch.is_whitespace() {
            out.push(ch);
        }
    }
    out
}

/// The fixture body of `event` with its per-delivery values (ids, time) and library context
/// replaced by those of `posted`: what `posted` must equal byte for byte.
fn expected_body(event: &str, posted: &str) -> String {
    let text = compact(&fixture(&format!("segment-v1-batch.{event}.json")));
    let f: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p: serde_json::Value = serde_json::from_str(posted).unwrap();
    let library = |v: &serde_json::Value| serde_json::to_string(&v["context"]["library"]).unwrap();
    text.replacen(&library(&f), &library(&p), 1)
        .replacen(
            f["batch"][0]["messageId"].as_str().unwrap(),
            p["batch"][0]["messageId"].as_str().unwrap(),
            1,
        )
        .replacen(
            f["messageId"].as_str().unwrap(),
            p["messageId"].as_str().unwrap(),
            1,
        )
        .replace(f["sentAt"].as_str().unwrap(), p["sentAt"].as_str().unwrap())
}

fn assert_nothing_posted(c: &Cluster) {
    assert_eq!(
        c.sim.collector_connections(),
        0,
        "connected to the collector"
    );
    assert!(c.sim.collector_requests().is_empty());
}

/// The message id of each collector request, with its event.
fn posted_ids(c: &Cluster) -> Vec<(String, String)> {
    c.sim
        .collector_requests()
        .iter()
        .map(|r| {
            let v = parsed(r);
            (
                v["batch"][0]["event"].as_str().unwrap().to_string(),
                v["batch"][0]["messageId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn log_path(c: &Cluster) -> std::path::PathBuf {
    c.home
        .dcos_dir()
        .join("clusters")
        .join(c.sim.data().cluster_id())
        .join("telemetry/deliveries.jsonl")
}

fn log_entries(c: &Cluster) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log_path(c))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every log line is whole JSON"))
        .collect()
}

/// The notes `show-payload` prints on stderr for this cluster (assumed identity values, a chosen
/// version): `send` prints the same ones, from the same code.
fn payload_notes(c: &Cluster, args: &[&str]) -> String {
    let mut argv = vec!["show-payload"];
    argv.extend_from_slice(args);
    let run = c.run(&argv);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with("note: assumed "), "{}", run.stderr);
    run.stderr
}

/// The hashes `show-payload --segment` prints for this cluster, in order.
fn reviewed_hashes(c: &Cluster) -> Vec<String> {
    let review = c.run(&["show-payload", "--segment"]);
    assert_eq!(review.code, 0, "{}", review.stderr);
    review
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("sha256:"))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn posts_exactly_what_dcos_signal_posts() {
    let c = Cluster::small();
    let run = send(&c, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Each cluster document is read once: the fail-closed check's reads feed the payload
    // (read before payload_notes, which runs show-payload against the same cluster).
    let mut read: Vec<String> = (c.sim.requests().iter())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    read.sort();
    assert_eq!(
        read,
        [
            "GET /dcos-metadata/dcos-version.json",
            "GET /dcos-metadata/ui-config.json",
            "GET /mesos/frameworks",
            "GET /mesos/metrics/snapshot",
            "GET /metadata",
            "GET /system/health/v1/report",
            "POST /package/list",
        ]
    );
    assert_eq!(run.stderr, payload_notes(&c, &[]));
    snap!("send_small_cluster", transcript(&c, &run));

    let requests = c.sim.collector_requests();
    assert_eq!(requests.len(), 3);
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:", c.sim.write_key()))
    );
    for (request, event) in requests.iter().zip(EVENTS) {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/v1/batch");
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("authorization"), Some(auth.as_str()));
        assert_eq!(
            request.header("user-agent"),
            Some(concat!("dcos-telemetry/", env!("CARGO_PKG_VERSION")))
        );
        let posted = std::str::from_utf8(&request.body).unwrap();
        assert_eq!(posted, expected_body(event, posted), "{event}");
        let v = parsed(request);
        assert_eq!(v["context"]["library"]["name"], "dcos-telemetry");
        assert_eq!(
            v["context"]["library"]["version"],
            env!("CARGO_PKG_VERSION")
        );
        let time = v["sentAt"].as_str().unwrap();
        assert_eq!(time.len(), "2020-11-18T09:30:02+0000".len());
        assert!(time.ends_with("+0000"));
        assert_eq!(v["batch"][0]["timestamp"], v["sentAt"]);
        assert_ne!(v["messageId"], v["batch"][0]["messageId"]);
    }
    // The table's hashes are the ones show-payload --segment prints; its ids are the posted ones.
    let hashes = reviewed_hashes(&c);
    assert_eq!(hashes.len(), 3);
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    for ((row, hash), (event, id)) in rows.iter().zip(&hashes).zip(posted_ids(&c)) {
        assert_eq!(
            row.split_whitespace().collect::<Vec<_>>(),
            [
                event.as_str(),
                hash.as_str(),
                id.as_str(),
                "delivered",
                "(HTTP",
                "200)"
            ]
        );
    }
    // Every delivery is in the log.
    let log = log_entries(&c);
    assert_eq!(log.len(), 3);
    for ((entry, (event, id)), hash) in log.iter().zip(posted_ids(&c)).zip(&hashes) {
        assert_eq!(entry["event"], event.as_str());
        assert_eq!(entry["message_id"], id.as_str());
        assert_eq!(entry["sha256"], hash.as_str());
        assert_eq!(entry["status"], "delivered");
        assert_eq!(entry["http_status"], 200);
        assert_eq!(entry["attempts"], 1);
        assert_eq!(entry["endpoint"], c.sim.collector_url());
        assert!(entry.get("error").is_none());
    }
}

#[test]
fn json_report() {
    let c = Cluster::small();
    let run = send(&c, &["--json", "--event", "health"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let hash = reviewed_hashes(&c)[0].clone();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["events"][0]["sha256"], hash.as_str());
    assert_eq!(
        v["events"][0]["bytes"],
        c.sim.collector_requests()[0].body.len()
    );
    snap!(
        "send_json",
        transcript(&c, &run).replace(&hash, "[SHA256-health]")
    );
}

#[test]
fn plugin_mode_takes_endpoint_ca_and_key_from_telemetry_settings() {
    let c = Cluster::small();
    let collector = c.sim.collector_url();
    let ca = c.ca.display().to_string();
    let run = c.run_plugin(
        &["send", "--event", "mesos_track"],
        &[
            ("DCOS_TELEMETRY_ENDPOINT", collector.as_str()),
            ("DCOS_TELEMETRY_ENDPOINT_CA", ca.as_str()),
            ("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key()),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(posted_ids(&c).len(), 1);
    // The cluster folder was found by URL, so the delivery is logged there.
    let log = log_entries(&c);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["event"], "mesos_track");
}

#[test]
fn refuses_a_disabled_cluster_without_touching_the_collector() {
    let c = disabled_cluster();
    let run = send(&c, &[]);
    snap!("send_refused_disabled", c.transcript(&run));
    assert_eq!(run.code, 5);
    assert_nothing_posted(&c);
    // Nor in a dry run.
    let dry = send(&c, &["--dry-run"]);
    assert_eq!(dry.code, 5);
    assert_eq!(dry.stdout, "");
    assert_eq!(dry.stderr, run.stderr);
    assert_nothing_posted(&c);
    assert!(!log_path(&c).exists());
}

#[test]
fn refuses_the_local_opt_out_before_any_network() {
    // In the environment, as the DC/OS CLI passes [telemetry] settings to plugins.
    let c = Cluster::small();
    let run = c.run_plugin(
        &["send"],
        &[
            ("DCOS_TELEMETRY_OPT_OUT", "true"),
            ("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key()),
        ],
    );
    snap!("send_refused_opt_out_env", c.transcript(&run));
    assert_eq!(run.code, 5);
    // In dcos.toml, standalone.
    let dir = c
        .home
        .dcos_dir()
        .join("clusters")
        .join(c.sim.data().cluster_id());
    let toml = std::fs::read_to_string(dir.join("dcos.toml")).unwrap();
    std::fs::write(
        dir.join("dcos.toml"),
        format!("{toml}\n[telemetry]\nopt_out = \"true\"\n"),
    )
    .unwrap();
    let run = send(&c, &[]);
    snap!("send_refused_opt_out_toml", c.transcript(&run));
    assert_eq!(run.code, 5);
    assert_nothing_posted(&c);
    assert_eq!(c.sim.cluster_connections(), 0);
}

#[test]
fn refuses_do_not_track_before_any_network() {
    let c = Cluster::small();
    let run = send_env(
        &c,
        &[],
        &[
            ("DO_NOT_TRACK", "1"),
            ("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key()),
        ],
    );
    assert_eq!(
        run.transcript(),
        "exit: 5\n----- stdout -----\n----- stderr -----\nError: DO_NOT_TRACK is set: nothing was sent\nhint: unset DO_NOT_TRACK (or set it to 0) to let `dcos telemetry send` post\n"
    );
    assert_nothing_posted(&c);
    assert_eq!(c.sim.cluster_connections(), 0);
}

#[test]
fn fails_closed_when_the_cluster_state_cannot_be_read() {
    let c = Cluster::small();
    c.sim.set_fault(Route::UiConfig, Fault::Status(500));
    let run = send(&c, &[]);
    snap!("send_refused_ui_config_unreadable", c.transcript(&run));
    assert_eq!(run.code, 5);
    c.sim.clear_faults();
    c.sim.set_fault(Route::DcosVersion, Fault::MalformedJson);
    let run = send(&c, &[]);
    snap!("send_refused_version_unreadable", c.transcript(&run));
    assert_eq!(run.code, 5);
    assert_nothing_posted(&c);
}

#[test]
fn dcos_2_2_is_refused_unless_the_collector_is_the_operators_own() {
    let c = Cluster::generated(GenSpec {
        version: "2.2.0".into(),
        ..GenSpec::default()
    });
    // Segment's own endpoint (the default, or named explicitly) is refused.
    let default = c.home.run_with(
        &["send"],
        &[("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())],
    );
    snap!("send_refused_2_2", c.transcript(&default));
    assert_eq!(default.code, 5);
    let segment = c.home.run_with(
        &["send", "--endpoint", "https://api.segment.io/"],
        &[("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())],
    );
    assert_eq!(segment.code, 5);
    assert_eq!(segment.stderr, default.stderr);
    assert_nothing_posted(&c);

    // An own collector gets a 2.1.2-shaped payload, and the operator is told.
    let own = send(&c, &[]);
    assert_eq!(own.code, 0, "{}", own.stderr);
    assert_eq!(
        own.stderr,
        format!(
            "note: DC/OS 2.2.0 has no dcos-signal; for your own collector the payload is built in DC/OS 2.1.2's shape (--as-version chooses another)\n{}",
            payload_notes(&c, &["--as-version", "2.1.2"])
        )
    );
    let requests = c.sim.collector_requests();
    assert_eq!(requests.len(), 3);
    let v = parsed(&requests[0]);
    // 2.1's shape (licenseId), the cluster's own version as environmentVersion.
    assert_eq!(v["batch"][0]["properties"]["environmentVersion"], "2.2.0");
    assert_eq!(v["batch"][0]["properties"]["licenseId"], "");
}

#[test]
fn dry_run_prints_the_exact_bodies_and_connects_nowhere() {
    let c = Cluster::small();
    let run = send(&c, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_nothing_posted(&c);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    for (line, event) in lines.iter().zip(EVENTS) {
        assert_eq!(*line, expected_body(event, line), "{event}");
    }
    let hashes = reviewed_hashes(&c);
    let mut expected_stderr = payload_notes(&c, &[]);
    for ((hash, event), line) in hashes.iter().zip(EVENTS).zip(&lines) {
        expected_stderr.push_str(&format!("sha256:{hash}  {event}  ({} bytes)\n", line.len()));
    }
    expected_stderr.push_str(&format!(
        "dry run: nothing was sent; `dcos telemetry send` would post 3 bodies to {}/v1/batch\n",
        c.sim.collector_url()
    ));
    assert_eq!(run.stderr, expected_stderr);
    assert!(!log_path(&c).exists());

    // No write key is needed to look; the operator is told a real send would stop.
    let keyless = send_env(&c, &["--dry-run", "--event", "health"], &[]);
    assert_eq!(keyless.code, 0);
    assert!(keyless.stderr.starts_with(
        "warning: no write key is configured: a real send would stop here (--write-key-file, DCOS_TELEMETRY_WRITE_KEY or the [telemetry] write_key setting, or the keyring)\n"
    ));
    // --json carries the bodies.
    let json = send(&c, &["--dry-run", "--json", "--event", "health"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["events"][0]["status"], "would_send");
    let body = v["events"][0]["body"].as_str().unwrap();
    assert_eq!(body, expected_body("health", body));
    assert_nothing_posted(&c);
}

#[test]
fn retries_a_503_with_the_same_message_id() {
    let c = Cluster::small();
    c.sim
        .set_fault(Route::Collector, Fault::ServiceUnavailable.times(1));
    let run = send(&c, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = c.sim.collector_requests();
    assert_eq!(requests.len(), 4);
    // The retry is the same bytes: same messageId, same sentAt.
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(parsed(&requests[1])["batch"][0]["event"], "health");
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert!(
        rows[1].ends_with("delivered (HTTP 200) after 2 attempts"),
        "{}",
        rows[1]
    );
    assert!(rows[2].ends_with("delivered (HTTP 200)"));
    let log = log_entries(&c);
    assert_eq!(log[0]["attempts"], 2);
    assert_eq!(
        log[0]["message_id"],
        parsed(&requests[0])["batch"][0]["messageId"]
    );
}

#[test]
fn a_400_is_not_retried() {
    let c = Cluster::small();
    c.sim
        .set_fault(Route::Collector, Fault::Status(400).times(1));
    let run = send(&c, &[]);
    snap!("send_400_not_retried", transcript(&c, &run));
    assert_eq!(run.code, 1);
    // One POST per event: the refused one was not tried again, the others were still sent.
    let events: Vec<String> = posted_ids(&c).into_iter().map(|(e, _)| e).collect();
    assert_eq!(events, EVENTS);
    let log = log_entries(&c);
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["http_status"], 400);
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[1]["status"], "delivered");
}

#[test]
fn a_429_waits_for_retry_after() {
    let c = Cluster::small();
    c.sim
        .set_fault(Route::Collector, Fault::RetryAfter(1).times(1));
    let run = send(&c, &["--event", "health"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = c.sim.collector_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    let gap = requests[1].at - requests[0].at;
    assert!(gap >= Duration::from_secs(1), "retried after {gap:?}");
    // A Retry-After past the budget is not waited for.
    c.sim.clear_requests();
    c.sim
        .set_fault(Route::Collector, Fault::RetryAfter(30).times(1));
    let started = Instant::now();
    let run = send(&c, &["--event", "health", "--retry-for", "5"]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(run.code, 1);
    assert_eq!(c.sim.collector_requests().len(), 1);
    assert!(
        run.stdout.contains(
            "failed: HTTP 429 Too Many Requests: Rate limit exceeded; retry after the interval in Retry-After. (ERR_RATE_LIMITED) (Retry-After 30 s is past the --retry-for budget)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn retries_stay_within_the_budget() {
    let c = Cluster::small();
    c.sim.set_fault(Route::Collector, Fault::ServiceUnavailable);
    let started = Instant::now();
    let run = send(&c, &["--retry-for", "2"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let requests = c.sim.collector_requests();
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 3);
    let mut total = 0;
    for (event, row) in EVENTS.iter().zip(&rows) {
        // Every attempt of an event posts the same bytes; the row says how many there were.
        let tries: Vec<&Recorded> = requests
            .iter()
            .filter(|r| parsed(r)["batch"][0]["event"] == *event)
            .collect();
        assert!(!tries.is_empty(), "{event}");
        assert!(tries.iter().all(|r| r.body == tries[0].body), "{event}");
        let status = if tries.len() == 1 {
            "failed: HTTP 503 Service Unavailable".to_string()
        } else {
            format!(
                "failed after {} attempts: HTTP 503 Service Unavailable",
                tries.len()
            )
        };
        assert!(row.ends_with(&status), "{row}");
        total += tries.len();
    }
    assert_eq!(total, requests.len());
    // The budget is spent on the first event's retries (at least one of them).
    assert!(rows[0].contains("failed after "), "{}", rows[0]);
    assert!(run.stderr.ends_with(
        "hint: send only those again with `dcos telemetry send --event health,package_list,mesos_track`\n"
    ));
    // --retry-for 0: one try each.
    c.sim.clear_requests();
    let run = send(&c, &["--retry-for", "0"]);
    assert_eq!(run.code, 1);
    assert_eq!(c.sim.collector_requests().len(), 3);
}

#[test]
fn connection_errors_are_retried_and_stalls_time_out() {
    let c = Cluster::small();
    c.sim.set_fault(Route::Collector, Fault::Reset.times(1));
    let run = send(&c, &["--event", "package_list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("delivered (HTTP 200) after 2 attempts"));
    let requests = c.sim.collector_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);

    c.sim.clear_requests();
    c.sim.set_fault(Route::Collector, Fault::Stall);
    let started = Instant::now();
    let run = send(
        &c,
        &["--event", "health", "--timeout", "1", "--retry-for", "0"],
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(&format!(
            "failed: {}/v1/batch did not answer within 1 s",
            c.sim.collector_url()
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn an_untrusted_collector_certificate_is_not_retried() {
    let c = Cluster::small();
    let collector = c.sim.collector_url();
    // No --endpoint-ca-file: the system roots do not know the simulator's CA.
    let run = c.home.run_with(
        &["send", "--endpoint", collector.as_str()],
        &[("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())],
    );
    assert_eq!(run.code, 1);
    assert!(c.sim.collector_requests().is_empty());
    // One handshake per event, no retries.
    assert_eq!(c.sim.collector_connections(), 3);
    assert!(
        run.stdout.lines().skip(1).all(|l| l.ends_with(
            "failed: TLS failed: the collector's certificate was rejected (--endpoint-ca-file names its CA)"
        )),
        "{}",
        run.stdout
    );
    // --endpoint-insecure posts anyway, and says what it costs.
    let run = c.home.run_with(
        &[
            "send",
            "--endpoint",
            collector.as_str(),
            "--endpoint-insecure",
            "--event",
            "health",
        ],
        &[("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(c.sim.collector_requests().len(), 1);
    assert!(run.stderr.contains(&format!(
        "warning: TLS certificate verification is turned off for {collector}"
    )));
}

#[test]
fn an_oversize_event_stops_everything_before_the_first_post() {
    let packages: Vec<PackageSpec> = (0..400)
        .map(|i| {
            PackageSpec::new(
                &format!("/team-{i:03}/kafka"),
                "confluent-kafka",
                "2.9.0-5.4.1",
                false,
            )
        })
        .collect();
    let c = Cluster::generated(GenSpec {
        packages: Some(packages),
        ..GenSpec::default()
    });
    let run = send(&c, &[]);
    snap!("send_oversize", transcript(&c, &run));
    assert_eq!(run.code, 1);
    assert_nothing_posted(&c);
}

#[test]
fn expect_sha256_match_and_mismatch() {
    let c = Cluster::small();
    let hashes = reviewed_hashes(&c);
    let args: Vec<String> = hashes.iter().map(|h| format!("sha256:{h}")).collect();
    let mut argv = vec!["--expect-sha256"];
    argv.extend(args.iter().map(String::as_str));
    let run = send(&c, &argv);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "{}the payload matches the reviewed SHA-256 hashes\n",
            payload_notes(&c, &[])
        )
    );
    assert_eq!(c.sim.collector_requests().len(), 3);

    // What was reviewed is not what would be sent: package_list differs (repeated and
    // comma-separated values both count).
    let changed = Cluster::generated(GenSpec::default());
    let other = reviewed_hashes(&changed);
    let rest = format!("{},{}", hashes[1], other[2]);
    let run = send(
        &changed,
        &["--expect-sha256", &other[0], "--expect-sha256", &rest],
    );
    let text = transcript(&changed, &run)
        .replace(&other[0], "[SHA256-health]")
        .replace(&other[1], "[SHA256-package_list]")
        .replace(&other[2], "[SHA256-mesos_track]");
    snap!("send_expect_sha256_mismatch", text);
    assert_eq!(run.code, 3);
    assert_nothing_posted(&changed);
}

#[test]
fn the_write_key_is_required_and_never_shown() {
    let c = Cluster::small();
    let run = send_env(&c, &[], &[]);
    snap!("send_no_write_key", c.transcript(&run));
    assert_eq!(run.code, 1);
    assert_nothing_posted(&c);
    assert_eq!(c.sim.cluster_connections(), 0);

    // A readable-by-others key file is refused, as the DC/OS CLI refuses key files.
    let key_file = c.home.path().join("write-key");
    std::fs::write(&key_file, format!("{}\n", c.sim.write_key())).unwrap();
    set_mode(&key_file, 0o644);
    let path = key_file.display().to_string();
    let run = send_env(&c, &["--write-key-file", &path], &[]);
    assert_eq!(
        c.transcript(&run),
        "exit: 1\n----- stdout -----\n----- stderr -----\nError: permissions 0644 for '[HOME]/write-key' are too open, expected 0400 or 0600\nhint: the write key is a secret: `chmod 600 [HOME]/write-key`\n"
    );
    assert_nothing_posted(&c);

    // At -vv every request is logged with its headers; the key and its Basic form never are.
    set_mode(&key_file, 0o600);
    let run = send_env(&c, &["-vv", "--write-key-file", &path], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(c.sim.collector_requests().len(), 3);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:", c.sim.write_key()));
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(c.sim.write_key()));
        assert!(!text.contains(&basic));
    }
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| *l == "[debug] > Authorization: Basic ****")
            .count(),
        3
    );
    assert!(run.stderr.contains(&format!(
        "[info] POST {}/v1/batch -> 200 in ",
        c.sim.collector_url()
    )));
}

#[test]
fn remember_write_key_keeps_it_for_later_sends_but_not_in_a_dry_run() {
    // A cluster id of its own: the key stays in the OS keyring, where other tests would see it.
    let c = Cluster::unique(|cfg| cfg);
    let key_file = c.home.path().join("write-key");
    std::fs::write(&key_file, c.sim.write_key()).unwrap();
    set_mode(&key_file, 0o600);
    let path = key_file.display().to_string();
    let remember = ["--write-key-file", path.as_str(), "--remember-write-key"];

    // A dry run changes nothing, the keyring included, and says so.
    let dry: Vec<&str> = ["--dry-run", "--event", "health"]
        .into_iter()
        .chain(remember)
        .collect();
    let run = send_env(&c, &dry, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("--dry-run: the write key was not stored in the keyring\n"),
        "{}",
        run.stderr
    );
    let keyless = send_env(&c, &["--dry-run", "--event", "health"], &[]);
    assert!(
        keyless
            .stderr
            .starts_with("warning: no write key is configured: a real send would stop here"),
        "{}",
        keyless.stderr
    );
    assert_nothing_posted(&c);

    // A real send keeps it, and the next send needs no file.
    let run = send_env(&c, &remember, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let kept = run
        .stderr
        .lines()
        .find(|l| l.starts_with("the write key is now kept in "))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        kept == "the write key is now kept in Secret Service for this cluster"
            || kept == "the write key is now kept in kernel keyring for this cluster",
        "{kept}"
    );
    assert!(!run.stderr.contains(c.sim.write_key()));
    assert_eq!(c.sim.collector_requests().len(), 3);
    std::fs::remove_file(&key_file).unwrap();
    let run = send_env(&c, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(c.sim.collector_requests().len(), 6);
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn concurrent_sends_keep_the_log_whole_and_bounded() {
    let c = Cluster::small();
    // A first send creates the log; 992 older entries after it make 995, so 4 sends of 3
    // events take it over 1,000 and it is trimmed while they run.
    assert_eq!(send(&c, &[]).code, 0);
    let first = posted_ids(&c);
    c.sim.clear_requests();
    let path = log_path(&c);
    let old: String = (0..992)
        .map(|i| {
            format!(
                "{{\"time\":\"2020-01-01T00:00:00Z\",\"endpoint\":\"https://old\",\"event\":\"health\",\"message_id\":\"old-{i}\",\"sha256\":\"{}\",\"status\":\"delivered\",\"http_status\":200,\"attempts\":1}}\n",
                "0".repeat(64)
            )
        })
        .collect();
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(old.as_bytes())
        .unwrap();
    assert_eq!(log_entries(&c).len(), 995);
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| send(&c, &[]))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n'));
    let log = log_entries(&c);
    assert_eq!(log.len(), 1000);
    // The 7 oldest made room (the first send's 3, then 4 older ones); every new delivery is
    // there exactly once.
    assert!(
        log.iter()
            .all(|e| first.iter().all(|(_, id)| e["message_id"] != id.as_str()))
    );
    assert_eq!(log[0]["message_id"], "old-4");
    let posted = posted_ids(&c);
    assert_eq!(posted.len(), 12);
    let new: Vec<&serde_json::Value> = log.iter().skip(988).collect();
    for (event, id) in &posted {
        let found: Vec<_> = new
            .iter()
            .filter(|e| e["message_id"] == id.as_str())
            .collect();
        assert_eq!(found.len(), 1, "{id}");
        assert_eq!(found[0]["event"], event.as_str());
    }
    set_mode_check(&path);
}

fn set_mode_check(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir = std::fs::metadata(path.parent().unwrap()).unwrap();
    assert_eq!(dir.permissions().mode() & 0o777, 0o700);
}

#[test]
fn status_shows_the_last_delivery() {
    let c = Cluster::small();
    let before = c.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&before.stdout).unwrap();
    assert!(v["last_delivery"].is_null());
    assert!(!c.run(&["status"]).stdout.contains("LAST SENT"));

    c.sim
        .set_fault(Route::Collector, Fault::Status(400).times(1));
    let run = send(&c, &["--event", "health"]);
    assert_eq!(run.code, 1);
    let run = send(&c, &["--event", "mesos_track,package_list"]);
    assert_eq!(run.code, 0);
    let log = log_entries(&c);
    let last = log.last().unwrap();
    assert_eq!(last["event"], "mesos_track");

    let table = c.run(&["status"]);
    assert_eq!(table.code, 0);
    let line = table
        .stdout
        .lines()
        .find(|l| l.starts_with("LAST SENT"))
        .unwrap();
    assert_eq!(
        line,
        format!(
            "LAST SENT  {} mesos_track to {}: delivered (HTTP 200)",
            last["time"].as_str().unwrap(),
            c.sim.collector_url()
        )
    );
    let json = c.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(&v["last_delivery"], last);
    let time = last["time"].as_str().unwrap();
    assert_eq!(time.len(), "2020-11-18T09:30:02Z".len());
    assert!(time.ends_with('Z'));
}

#[test]
fn help() {
    let c = Cluster::small();
    let run = c.run(&["send", "--help"]);
    assert_eq!(run.code, 0);
    snap!("help_send", run.transcript());
}

#[test]
fn a_partial_payload_sends_nothing_unless_allowed() {
    let c = Cluster::small();
    c.sim
        .set_fault(dcos_sim::Route::PackageList, dcos_sim::Fault::Status(500));
    let run = send(&c, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let errors = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("Error: "))
        .count();
    assert_eq!(errors, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "hint: nothing was sent; --allow-partial sends the events that could be read"
        )
    );
    assert_nothing_posted(&c);
    // --allow-partial: the other two events go out, as dcos-signal does; still exit 1.
    let run = send(&c, &["--allow-partial", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let statuses: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["delivered", "not_sent", "delivered"]);
    let posted: Vec<String> = c
        .sim
        .collector_requests()
        .iter()
        .map(|r| parsed(r)["batch"][0]["event"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(posted, ["health", "mesos_track"]);
}
