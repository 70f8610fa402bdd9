//! The fault matrix: every route each subcommand reads (and the collector for `send`) × every kind
//! of failure. Each case must end with one `Error:` line and a hint and the documented exit code
//! (or, where a route is optional, a normal answer), never a panic, never a partial output file,
//! and nothing sent. The README lists the matrix; this test prints how many cases ran.

use std::sync::Mutex;

use dcos_sim::{ClusterData, Fault, Route, SimConfig, TlsMode};

use crate::harness::{Cluster, Home, Run};

/// Every body cap is lowered to this for the matrix (DCOS_TELEMETRY_MAX_BODY_BYTES), so that
/// "body over the cap" needs a 1 MB answer, not a 1 GiB one.
const CAP: u64 = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmd {
    Status,
    ShowPayload,
    Send,
    Verify,
}

/// What a failure of a route means for a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// The command cannot answer without it: an error (exit 1, or 4 for 401/403).
    Needed,
    /// `send` must know the cluster's state: refused by policy (exit 5), nothing sent.
    State,
    /// The command answers without it (and says what it could not check): exit 0.
    Optional,
    /// A reporter's data: a partial payload, exit 1 (4 for 401/403), nothing sent.
    Data,
    /// The collector: the delivery fails, exit 1.
    Collector,
}

fn routes(cmd: Cmd) -> Vec<(Route, Role)> {
    use Role::*;
    match cmd {
        Cmd::Status => vec![
            (Route::UiConfig, Needed),
            (Route::DcosVersion, Optional),
            (Route::Metadata, Optional),
            (Route::HealthUnits, Optional),
        ],
        // The version says whether the release has dcos-signal at all: without it, "off" cannot
        // be verified.
        Cmd::Verify => vec![
            (Route::UiConfig, Needed),
            (Route::DcosVersion, Needed),
            (Route::Metadata, Optional),
            (Route::HealthUnits, Optional),
        ],
        Cmd::ShowPayload => vec![
            (Route::UiConfig, Needed),
            (Route::DcosVersion, Needed),
            (Route::Metadata, Optional),
            (Route::HealthReport, Data),
            (Route::PackageList, Data),
            (Route::MesosFrameworks, Data),
            (Route::MesosMetrics, Data),
        ],
        Cmd::Send => vec![
            (Route::UiConfig, State),
            (Route::DcosVersion, State),
            (Route::Metadata, Optional),
            (Route::HealthReport, Data),
            (Route::PackageList, Data),
            (Route::MesosFrameworks, Data),
            (Route::MesosMetrics, Data),
            (Route::Collector, Collector),
        ],
    }
}

/// The route-level faults, with a name for the report.
fn faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("500", Fault::Status(500)),
        ("502 HTML page", Fault::HtmlError(502)),
        ("401", Fault::Unauthorized),
        ("403", Fault::Forbidden),
        ("404", Fault::NotFound),
        ("malformed JSON", Fault::MalformedJson),
        ("truncated body", Fault::Truncated),
        ("body over the cap", Fault::Huge(CAP + 100_000)),
        ("wrong content type", Fault::WrongContentType),
        ("slow-drip body", Fault::SlowDrip { bytes_per_sec: 20 }),
        ("read timeout", Fault::Stall),
    ]
}

/// The exit code of a command whose optional routes all answer: `opt-out --verify` on the
/// fixture cluster (telemetry on) answers 3.
fn normal_exit(cmd: Cmd) -> i32 {
    if cmd == Cmd::Verify { 3 } else { 0 }
}

/// Faults of the answer's body on a 200: the collector's answer body is not needed (a 2xx is a
/// delivery, as analytics-go counts it), so these still deliver.
const BODY_FAULTS: [&str; 5] = [
    "malformed JSON",
    "truncated body",
    "body over the cap",
    "wrong content type",
    "slow-drip body",
];

fn expected_exit(cmd: Cmd, role: Role, fault: &str) -> i32 {
    let auth = fault == "401" || fault == "403";
    match role {
        Role::Optional => normal_exit(cmd),
        Role::State => 5,
        Role::Collector if BODY_FAULTS.contains(&fault) => 0,
        Role::Collector => 1,
        Role::Needed | Role::Data if auth => 4,
        Role::Needed | Role::Data => 1,
    }
}

fn args(cmd: Cmd, c: &Cluster, out: &str) -> Vec<String> {
    let mut a: Vec<String> = match cmd {
        Cmd::Status => vec!["status".into()],
        Cmd::Verify => vec!["opt-out".into(), "--verify".into()],
        Cmd::ShowPayload => vec!["show-payload".into(), "--output".into(), out.into()],
        Cmd::Send => vec![
            "send".into(),
            "--endpoint".into(),
            c.sim.collector_url(),
            "--endpoint-ca-file".into(),
            c.ca.display().to_string(),
            "--retry-for".into(),
            "3".into(),
        ],
    };
    a.extend(["--timeout".into(), "2".into()]);
    a
}

fn run(c: &Cluster, cmd: Cmd, out: &str) -> Run {
    let argv = args(cmd, c, out);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    c.home.run_with(
        &argv,
        &[
            ("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key()),
            ("DCOS_TELEMETRY_MAX_BODY_BYTES", &CAP.to_string()),
        ],
    )
}

/// Checks one run; returns a description of what is wrong, if anything.
fn check(
    label: &str,
    run: &Run,
    expected: i32,
    c: &Cluster,
    cmd: Cmd,
    out: &std::path::Path,
    nothing_sent: bool,
) -> Option<String> {
    let mut problems = Vec::new();
    if run.code != expected {
        problems.push(format!("exit {} (expected {expected})", run.code));
    }
    if run.stderr.contains("panicked") || run.code == 101 {
        problems.push("panicked".into());
    }
    let errors: Vec<usize> = run
        .stderr
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("Error: "))
        .map(|(i, _)| i)
        .collect();
    if expected == 0 || expected == 3 {
        if !errors.is_empty() {
            problems.push("an Error: line where the command should answer".into());
        }
    } else {
        if errors.len() != 1 {
            problems.push(format!("{} Error: lines (expected 1)", errors.len()));
        }
        let hint_follows = errors
            .first()
            .and_then(|i| run.stderr.lines().nth(i + 1))
            .is_some_and(|l| l.starts_with("hint: "));
        if !hint_follows {
            problems.push("no hint after the Error: line".into());
        }
    }
    if cmd == Cmd::ShowPayload && expected != 0 && out.exists() {
        problems.push("a partial output file was written".into());
    }
    if nothing_sent && c.sim.collector_connections() != 0 {
        problems.push("the collector was contacted".into());
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{label}: {}\n--- stderr ---\n{}",
            problems.join("; "),
            run.stderr
        )
    })
}

#[test]
fn every_route_times_every_fault() {
    let mut cases: Vec<(Cmd, Route, Role, &'static str, Fault)> = Vec::new();
    for cmd in [Cmd::Status, Cmd::ShowPayload, Cmd::Send, Cmd::Verify] {
        for (route, role) in routes(cmd) {
            for (name, fault) in faults() {
                cases.push((cmd, route, role, name, fault));
            }
        }
    }
    let total_route_cases = cases.len();
    let queue = Mutex::new(cases);
    let failures = Mutex::new(Vec::new());
    let ran = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| {
                let c = Cluster::small();
                loop {
                    let Some((cmd, route, role, name, fault)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    c.sim.clear_faults();
                    c.sim.clear_requests();
                    let before = c.sim.collector_connections();
                    c.sim.set_fault(route, fault);
                    let out = c.home.path().join(format!("out-{name}.json").replace(' ', "-"));
                    let _ = std::fs::remove_file(&out);
                    let r = run(&c, cmd, out.to_str().unwrap());
                    let expected = expected_exit(cmd, role, name);
                    let label = format!("{cmd:?} × {route:?} × {name}");
                    let sent_now = c.sim.collector_connections() - before;
                    let mut problem = check(&label, &r, expected, &c, cmd, &out, false);
                    if cmd == Cmd::Send && matches!(role, Role::State | Role::Data) && sent_now != 0 {
                        problem = Some(format!("{label}: the collector was contacted\n{}", r.stderr));
                    }
                    let delivered = r.stdout.matches("delivered (HTTP 200)").count();
                    if cmd == Cmd::Send && role == Role::Collector {
                        let want = if expected == 0 { 3 } else { 0 };
                        if delivered != want {
                            problem = Some(format!("{label}: {delivered} events reported delivered, expected {want}\n{}", r.stdout));
                        }
                    }
                    *ran.lock().unwrap() += 1;
                    if let Some(p) = problem {
                        failures.lock().unwrap().push(p);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let ran = ran.into_inner().unwrap();
    assert_eq!(ran, total_route_cases);
    println!("fault matrix: {ran} route × fault cases");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Faults of the whole listener: refused, connect timeout, and three TLS failures.
#[test]
fn every_command_times_every_listener_fault() {
    let mut failures = Vec::new();
    let mut ran = 0;
    let unresponsive = dcos_sim::unresponsive_addr().unwrap();
    let refused = dcos_sim::refused_addr().unwrap();
    for cmd in [Cmd::Status, Cmd::ShowPayload, Cmd::Send, Cmd::Verify] {
        let expected = if cmd == Cmd::Send { 5 } else { 1 };
        // Connection refused and connect timeout: the cluster URL points nowhere useful.
        for (name, url) in [
            ("connection refused", format!("https://{refused}")),
            ("connect timeout", unresponsive.url()),
        ] {
            let c = Cluster::small();
            let out = c.home.path().join("out.json");
            let argv = args(cmd, &c, out.to_str().unwrap());
            let mut argv: Vec<&str> = argv.iter().map(String::as_str).collect();
            argv.insert(0, "telemetry");
            let r = Home::run_with(
                &c.home,
                &argv,
                &[
                    ("DCOS_URL", &url),
                    ("DCOS_ACS_TOKEN", &c.token),
                    ("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key()),
                ],
            );
            ran += 1;
            if let Some(p) = check(
                &format!("{cmd:?} × {name}"),
                &r,
                expected,
                &c,
                cmd,
                &out,
                true,
            ) {
                failures.push(p);
            }
        }
        for (name, mode) in [
            ("TLS unknown CA", TlsMode::UntrustedCa),
            ("TLS host-name mismatch", TlsMode::WrongHost),
            ("TLS expired certificate", TlsMode::Expired),
        ] {
            let c = Cluster::start(SimConfig::new(ClusterData::small_cluster().unwrap()).tls(mode));
            let out = c.home.path().join("out.json");
            let r = run(&c, cmd, out.to_str().unwrap());
            ran += 1;
            if let Some(p) = check(
                &format!("{cmd:?} × {name}"),
                &r,
                expected,
                &c,
                cmd,
                &out,
                true,
            ) {
                failures.push(p);
            }
        }
    }
    // The collector's own listener for send: refused, timeout, and the three TLS failures.
    for (name, mode) in [
        ("TLS unknown CA", TlsMode::UntrustedCa),
        ("TLS host-name mismatch", TlsMode::WrongHost),
        ("TLS expired certificate", TlsMode::Expired),
    ] {
        let c = Cluster::start(
            SimConfig::new(ClusterData::small_cluster().unwrap()).collector_tls(mode),
        );
        let out = c.home.path().join("out.json");
        let r = run(&c, Cmd::Send, out.to_str().unwrap());
        ran += 1;
        if let Some(p) = check(
            &format!("Send × collector {name}"),
            &r,
            1,
            &c,
            Cmd::Send,
            &out,
            false,
        ) {
            failures.push(p);
        }
        if !c.sim.collector_requests().is_empty() {
            failures.push(format!(
                "Send × collector {name}: a request reached the collector"
            ));
        }
    }
    for (name, url) in [
        ("connection refused", format!("https://{refused}")),
        ("connect timeout", unresponsive.url()),
    ] {
        let c = Cluster::small();
        let out = c.home.path().join("out.json");
        let r = c.home.run_with(
            &[
                "send",
                "--endpoint",
                &url,
                "--retry-for",
                "3",
                "--timeout",
                "2",
            ],
            &[("DCOS_TELEMETRY_WRITE_KEY", c.sim.write_key())],
        );
        ran += 1;
        if let Some(p) = check(
            &format!("Send × collector {name}"),
            &r,
            1,
            &c,
            Cmd::Send,
            &out,
            false,
        ) {
            failures.push(p);
        }
    }
    println!("fault matrix: {ran} listener-level cases");
    assert_eq!(ran, 4 * 5 + 5);
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
