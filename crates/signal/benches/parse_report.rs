//! Throughput of `parse_health_report` on a generated report in the real wire shape.
//!
//! Run: `cargo bench -p dcos-telemetry-signal --bench parse_report`
//! Builds a compact report like dcos-diagnostics writes it (Units → Nodes with each node's
//! full Output map; Nodes → Units each with a one-element Nodes), for 2,200 nodes and the 53
//! DC/OS 2.1 units, with 50-line journal excerpts in the Output of failed units, then prints
//! MB/s (1 MB = 10^6 bytes) of the best and median of several parses.

use std::fmt::Write as _;
use std::time::Instant;

use dcos_telemetry_signal::gojson::write_go_string;
use dcos_telemetry_signal::parse_health_report;

const MASTER_UNITS: &[&str] = &[
    "dcos-adminrouter.service",
    "dcos-bouncer-migrate-users.service",
    "dcos-bouncer.service",
    "dcos-calico-bird.service",
    "dcos-calico-confd.service",
    "dcos-calico-felix.service",
    "dcos-checks-api.service",
    "dcos-checks-api.socket",
    "dcos-checks-poststart.service",
    "dcos-checks-poststart.timer",
    "dcos-cockroach.service",
    "dcos-cockroachdb-config-change.service",
    "dcos-cockroachdb-config-change.timer",
    "dcos-cosmos.service",
    "dcos-diagnostics-mesos-state.service",
    "dcos-diagnostics-mesos-state.timer",
    "dcos-diagnostics.service",
    "dcos-diagnostics.socket",
    "dcos-etcd.service",
    "dcos-exhibitor.service",
    "dcos-fluent-bit.service",
    "dcos-gen-resolvconf.service",
    "dcos-gen-resolvconf.timer",
    "dcos-log-master.service",
    "dcos-log-master.socket",
    "dcos-logrotate-master.service",
    "dcos-logrotate-master.timer",
    "dcos-marathon.service",
    "dcos-mesos-dns.service",
    "dcos-mesos-master.service",
    "dcos-metronome.service",
    "dcos-net-watchdog.service",
    "dcos-net.service",
    "dcos-pkgpanda-api.service",
    "dcos-signal.service",
    "dcos-signal.timer",
    "dcos-telegraf.service",
    "dcos-telegraf.socket",
    "dcos-ui-update-service.service",
    "dcos-ui-update-service.socket",
];

const AGENT_UNITS: &[&str] = &[
    "dcos-adminrouter-agent.service",
    "dcos-calico-bird.service",
    "dcos-calico-confd.service",
    "dcos-calico-felix.service",
    "dcos-calico-libnetwork-plugin.service",
    "dcos-checks-api.service",
    "dcos-checks-api.socket",
    "dcos-checks-poststart.service",
    "dcos-checks-poststart.timer",
    "dcos-diagnostics.service",
    "dcos-diagnostics.socket",
    "dcos-docker-gc.service",
    "dcos-docker-gc.timer",
    "dcos-fluent-bit.service",
    "dcos-gen-resolvconf.service",
    "dcos-gen-resolvconf.timer",
    "dcos-log-agent.service",
    "dcos-log-agent.socket",
    "dcos-logrotate-agent.service",
    "dcos-logrotate-agent.timer",
    "dcos-mesos-slave.service",
    "dcos-mesos-slave.socket",
    "dcos-net-watchdog.service",
    "dcos-net.service",
    "dcos-pkgpanda-api.service",
    "dcos-rexray.service",
    "dcos-telegraf.service",
    "dcos-telegraf.socket",
];

struct Node {
    ip: String,
    host: String,
    role: &'static str,
    units: Vec<&'static str>,
    failed: Option<&'static str>,
    mesos_id: String,
}

fn journal(unit: &str, seed: usize) -> String {
    let mut s = format!("ExecMainStatus return failed status for {unit}\n");
    for line in 0..50 {
        let _ = writeln!(
            s,
            "2020-11-18 09:{:02}:{:02}.{:06} +0000 UTC {unit}: check \"mesos_agent_registered\" \
             <stage {line}> failed: dial tcp 10.0.{}.{}:5051: i/o timeout & retrying\twait=2s \
             (attempt {}/50) — état dégradé",
            line % 60,
            (seed + line) % 60,
            (seed * 7919 + line) % 1_000_000,
            seed % 250,
            line % 250,
            line + 1
        );
    }
    s
}

fn quoted(s: &str) -> String {
    let mut out = Vec::new();
    write_go_string(&mut out, s.as_bytes());
    String::from_utf8(out).unwrap()
}

fn node_json(out: &mut String, n: &Node, outputs: &str, with_units: Option<&str>) {
    let _ = write!(
        out,
        r#"{{"Leader":{},"Role":"{}","IP":"{}","Host":"{}","Health":{},"Output":{}"#,
        n.role == "master" && n.ip.ends_with(".1"),
        n.role,
        n.ip,
        n.host,
        u8::from(n.failed.is_some()),
        outputs
    );
    if let Some(units) = with_units {
        out.push_str(",\"Units\":");
        out.push_str(units);
    }
    let _ = write!(out, r#","MesosID":"{}"}}"#, n.mesos_id);
}

fn generate(node_count: usize) -> Vec<u8> {
    let mut nodes = Vec::with_capacity(node_count);
    for i in 0..node_count {
        let (role, units) = match i {
            0..=2 => ("master", MASTER_UNITS),
            _ if i % 7 == 0 => ("agent_public", AGENT_UNITS),
            _ => ("agent", AGENT_UNITS),
        };
        let mut units: Vec<&'static str> = units.to_vec();
        if role == "agent_public" {
            for u in &mut units {
                *u = match *u {
                    "dcos-mesos-slave.service" => "dcos-mesos-slave-public.service",
                    "dcos-mesos-slave.socket" => "dcos-mesos-slave-public.socket",
                    other => other,
                };
            }
            units.sort_unstable();
        }
        let failed = (i % 37 == 5).then_some("dcos-checks-poststart.service");
        nodes.push(Node {
            ip: format!("10.{}.{}.{}", i / 65_536, (i / 256) % 256, i % 256),
            host: format!("ip-10-0-{}-{}.ec2.internal", (i / 256) % 256, i % 256),
            role,
            units,
            failed,
            mesos_id: format!("b2f6d5a8-3c41-4f1e-8d7e-0a9c6e1f2b34-S{i}"),
        });
    }
    // Each node's Output map, compact, written once and reused.
    let outputs: Vec<String> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut s = String::from("{");
            for (k, u) in n.units.iter().enumerate() {
                if k > 0 {
                    s.push(',');
                }
                s.push_str(&quoted(u));
                s.push(':');
                let text = if n.failed == Some(*u) {
                    journal(u, i)
                } else {
                    String::new()
                };
                s.push_str(&quoted(&text));
            }
            s.push('}');
            s
        })
        .collect();
    let mut all_units: Vec<&'static str> =
        nodes.iter().flat_map(|n| n.units.iter().copied()).collect();
    all_units.sort_unstable();
    all_units.dedup();

    let mut out = String::with_capacity(200 << 20);
    out.push_str("{\"Units\":{");
    for (k, unit) in all_units.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{}:{{\"UnitName\":{},\"Nodes\":[",
            quoted(unit),
            quoted(unit)
        );
        let mut first = true;
        let mut unit_health = 0;
        for (i, n) in nodes.iter().enumerate() {
            if !n.units.contains(unit) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            if n.failed == Some(*unit) {
                unit_health = 1;
            }
            node_json(&mut out, n, &outputs[i], None);
        }
        let _ = write!(
            out,
            r#"],"Health":{unit_health},"Title":"DC/OS component {unit}","Timestamp":"2020-11-18T09:30:02.404330457Z","PrettyName":"{unit}"}}"#
        );
    }
    out.push_str("},\"Nodes\":{");
    for (i, n) in nodes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut units = String::from("[");
        for (k, u) in n.units.iter().enumerate() {
            if k > 0 {
                units.push(',');
            }
            let mut one = String::new();
            node_json(&mut one, n, &outputs[i], None);
            let _ = write!(
                units,
                r#"{{"UnitName":{},"Nodes":[{one}],"Health":{},"Title":"DC/OS component","Timestamp":"2020-11-18T09:30:02.404330457Z","PrettyName":{}}}"#,
                quoted(u),
                u8::from(n.failed == Some(*u)),
                quoted(u)
            );
        }
        units.push(']');
        let _ = write!(out, "{}:", quoted(&n.ip));
        node_json(&mut out, n, &outputs[i], Some(&units));
    }
    out.push_str("},\"UpdatedTime\":\"2020-11-18T09:30:02.404330457Z\"}\n");
    out.into_bytes()
}

fn main() {
    // `cargo bench` passes --bench; test runners (cargo test, nextest --list) do not: nothing to
    // list or run in a debug build then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let nodes = 2_200;
    let doc = generate(nodes);
    let mb = doc.len() as f64 / 1e6;
    println!("generated report: {nodes} nodes, {mb:.1} MB");
    let mut rates = Vec::new();
    for run in 0..5 {
        let start = Instant::now();
        let report = parse_health_report(&doc[..]).expect("generated report parses");
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(report.nodes.all.total, nodes);
        assert_eq!(report.units.len(), 53);
        let poststart = report
            .units
            .iter()
            .find(|u| u.unit_name == "dcos-checks-poststart.service")
            .expect("unit present");
        let failed = poststart.nodes.iter().filter(|n| n.output_nonempty).count();
        assert_eq!(failed, (0..nodes).filter(|i| i % 37 == 5).count());
        rates.push(mb / secs);
        println!("run {run}: {secs:.3} s, {:.0} MB/s", mb / secs);
    }
    // Baseline for the choice of a hand-written scanner: serde_json validating and skipping
    // the same document (no typed decoding at all).
    let start = Instant::now();
    serde_json::from_slice::<serde::de::IgnoredAny>(&doc).expect("valid JSON");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "baseline serde_json::from_slice::<IgnoredAny>: {:.0} MB/s",
        mb / secs
    );
    let start = Instant::now();
    serde_json::from_reader::<_, serde::de::IgnoredAny>(std::io::BufReader::new(&doc[..]))
        .expect("valid JSON");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "baseline serde_json::from_reader::<IgnoredAny>: {:.0} MB/s",
        mb / secs
    );
    rates.sort_by(f64::total_cmp);
    println!(
        "parse_health_report: best {:.0} MB/s, median {:.0} MB/s",
        rates[rates.len() - 1],
        rates[rates.len() / 2]
    );
}
