//! Go-decoder behaviour of the three parsers, on small hand-made documents.

use dcos_telemetry_signal::{ParseErrorKind, parse_health_report, parse_mesos, parse_package_list};

fn health(doc: &str) -> dcos_telemetry_signal::HealthReport {
    parse_health_report(doc.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{doc}"))
}

fn health_err(doc: &[u8]) -> dcos_telemetry_signal::ParseError {
    parse_health_report(doc).expect_err("must fail")
}

const NODE_OK: &str = r#"{"Role":"agent","IP":"10.0.0.1","Host":"a","Health":0,"Output":{"x.service":"","y.service":""}}"#;

#[test]
fn unreachable_nodes_are_counted_and_listed() {
    let doc = r#"{"Units":{},"Nodes":{
        "10.0.0.1":{"Role":"agent","Health":0,"Output":{}},
        "10.0.0.2":{"Role":"agent","Health":3,"Output":null,"Host":""},
        "10.0.0.3":{"Role":"master","Health":1},
        "10.0.0.4":{"Role":"agent_public","Health":3}}}"#;
    let r = health(doc);
    assert_eq!(r.nodes.all.total, 4);
    assert_eq!(r.nodes.all.unreachable, 2);
    assert_eq!(r.nodes.all.unhealthy, 1);
    assert_eq!(r.nodes.by_role["agent"].total, 2);
    assert_eq!(r.nodes.by_role["agent"].unreachable, 1);
    assert_eq!(r.nodes.by_role["agent_public"].unreachable, 1);
    assert_eq!(r.nodes.unreachable_ips, vec!["10.0.0.2", "10.0.0.4"]);
}

#[test]
fn output_of_the_unit_decides_per_node() {
    let doc = r#"{"Units":{"a.b.c.service":{"UnitName":"a.b.c.service","Nodes":[
        {"Health":1,"Output":{"a.b.c.service":"failed\n","other":""}},
        {"Health":1,"Output":{"a.b.c.service":"","other":"failed"}},
        {"Health":0,"Output":{"a.b.c.service":"\u0000"}},
        {"Health":0}
    ]}}}"#;
    let r = health(doc);
    let u = &r.units[0];
    assert_eq!(u.unit_name, "a.b.c.service");
    let flags: Vec<bool> = u.nodes.iter().map(|n| n.output_nonempty).collect();
    assert_eq!(flags, vec![true, false, true, false]);
    let healths: Vec<i64> = u.nodes.iter().map(|n| n.health).collect();
    assert_eq!(healths, vec![1, 1, 0, 0]);
}

#[test]
fn keys_are_matched_case_insensitively_and_duplicates_follow_go() {
    // "units"/"unitname"/"nodes"/"output" in other cases; a duplicate Output key in the map
    // (last wins); a duplicate Output field (maps merge); a duplicate UnitName (last wins).
    let doc = r#"{"units":{"k":{"unitname":"first","NODES":[
        {"output":{"u.service":"x","u.service":""},"Output":{"v":"1"}},
        {"OUTPUT":{"u.service":"boom"},"Output":{"other":""}}
    ],"UnitName":"u.service"}}}"#;
    let r = health(doc);
    let u = &r.units[0];
    assert_eq!(u.key, "k");
    assert_eq!(u.unit_name, "u.service");
    assert_eq!(
        u.nodes
            .iter()
            .map(|n| n.output_nonempty)
            .collect::<Vec<_>>(),
        vec![false, true]
    );
}

#[test]
fn duplicate_nodes_field_decodes_over_existing_elements() {
    // Go reuses the *Node of element 0: its Output map keeps "u" from the first array.
    let doc = r#"{"Units":{"u":{"UnitName":"u","Nodes":[{"Output":{"u":"bad"}},{}],
        "Nodes":[{"Health":0}]}}}"#;
    let r = health(doc);
    let u = &r.units[0];
    assert_eq!(u.nodes.len(), 1);
    assert!(u.nodes[0].output_nonempty);
}

#[test]
fn null_and_missing_fields() {
    let r = health(r#"{"Units":null,"Nodes":null}"#);
    assert!(r.units.is_empty());
    assert_eq!(r.nodes.all.total, 0);
    let r = health("{}");
    assert!(r.units.is_empty());
    // A unit without Nodes, and one with an empty list: both have no nodes.
    let r = health(r#"{"Units":{"a":{"UnitName":"a"},"b":{"UnitName":"b","Nodes":[]}}}"#);
    assert_eq!(r.units.len(), 2);
    assert!(r.units.iter().all(|u| u.nodes.is_empty()));
    // Missing UnitName: the Go zero value "".
    let r = health(&format!(r#"{{"Units":{{"a":{{"Nodes":[{NODE_OK}]}}}}}}"#));
    assert_eq!(r.units[0].unit_name, "");
    // null scalars leave the zero value.
    let r = health(
        r#"{"Units":{"a":{"UnitName":null,"Health":null,"Title":null,"Timestamp":null,"Nodes":[{"Health":null,"Output":{"a":null}}]}}}"#,
    );
    assert!(!r.units[0].nodes[0].output_nonempty);
}

#[test]
fn null_entries_would_crash_signal() {
    let e = health_err(br#"{"Units":{"a":null}}"#);
    assert!(matches!(e.kind, ParseErrorKind::Type { .. }), "{e}");
    let e = health_err(br#"{"Units":{"a":{"UnitName":"a","Nodes":[null]}}}"#);
    assert!(matches!(e.kind, ParseErrorKind::Type { .. }), "{e}");
    // A null node in the top-level Nodes map is harmless (signal never reads it).
    assert_eq!(health(r#"{"Nodes":{"1.2.3.4":null}}"#).nodes.all.total, 0);
}

#[test]
fn null_document_is_an_error() {
    assert_eq!(health_err(b" null ").kind, ParseErrorKind::NullDocument);
    assert_eq!(
        parse_package_list(&b"null"[..]).unwrap_err().kind,
        ParseErrorKind::NullDocument
    );
}

#[test]
fn type_errors_like_go() {
    for (doc, path) in [
        (r#"{"Units":[]}"#, "Units"),
        (r#"{"Units":{"a":{"UnitName":5}}}"#, "Unit.UnitName"),
        (r#"{"Units":{"a":{"Health":1.5}}}"#, "Unit.Health"),
        (r#"{"Units":{"a":{"Health":1e2}}}"#, "Unit.Health"),
        (r#"{"Units":{"a":{"Health":"1"}}}"#, "Unit.Health"),
        (
            r#"{"Units":{"a":{"Timestamp":"yesterday"}}}"#,
            "Unit.Timestamp",
        ),
        (r#"{"Units":{"a":{"Timestamp":12}}}"#, "Unit.Timestamp"),
        (r#"{"Units":{"a":{"Nodes":{}}}}"#, "Unit.Nodes"),
        (
            r#"{"Units":{"a":{"Nodes":[{"Output":{"a":1}}]}}}"#,
            "Node.Output",
        ),
        (
            r#"{"Units":{"a":{"Nodes":[{"Output":[]}]}}}"#,
            "Node.Output",
        ),
        (r#"{"Nodes":{"n":{"Role":true}}}"#, "Node.Role"),
        // Fields whose value is not kept are still type-checked.
        (r#"{"Units":{"a":{"Nodes":[{"Role":1}]}}}"#, "Node.Role"),
        (r#"{"Units":{"a":{"Nodes":[{"Ip":[]}]}}}"#, "Node.Ip/Host"),
        (r#"{"Nodes":{"n":{"Host":{}}}}"#, "Node.Ip/Host"),
        (r#"{"Units":{"a":{"Title":false}}}"#, "Unit.Title"),
        (
            r#"{"Nodes":{"n":{"Units":[{"Nodes":[{"Role":2}]}]}}}"#,
            "Node.Role",
        ),
        (
            r#"{"Nodes":{"n":{"Units":[{"Timestamp":"2020-02-30T00:00:00Z"}]}}}"#,
            "Unit.Timestamp",
        ),
        ("[]", ""),
        ("\"report\"", ""),
    ] {
        let e = health_err(doc.as_bytes());
        match &e.kind {
            ParseErrorKind::Type { path: p, .. } => assert_eq!(p, path, "{doc}"),
            other => panic!("{doc}: {other:?}"),
        }
    }
    // Undeclared fields are not type-checked.
    health(
        r#"{"UpdatedTime":5,"Units":{"a":{"PrettyName":[1],"Nodes":[{"Leader":"yes","MesosID":{}}]}}}"#,
    );
}

#[test]
fn fields_not_kept_are_checked_like_kept_ones() {
    // null is a Go string's valid value; escapes are decoded (and checked) all the same.
    health(r#"{"Units":{"a":{"Title":null,"Nodes":[{"Role":null,"Ip":null,"Host":"h\u00e9"}]}}}"#);
    // A skipped string fails exactly as a stored one: same error, same offset.
    let stored = health_err(br#"{"Nodes":{"n":{"Role":"a\x"}}}"#);
    let skipped = health_err(br#"{"Nodes":{"n":{"Host":"a\x"}}}"#);
    assert!(matches!(stored.kind, ParseErrorKind::Syntax(_)), "{stored}");
    assert_eq!(skipped, stored);
    // Roles are counted from the Nodes map only, not from nodes listed under units.
    let r = health(
        r#"{"Units":{"a":{"UnitName":"a","Nodes":[{"Role":"master"}]}},"Nodes":{"n":{"Role":"agent"}}}"#,
    );
    assert_eq!(r.nodes.by_role.keys().collect::<Vec<_>>(), ["agent"]);
}

#[test]
fn syntax_errors_win_over_type_errors_and_carry_offsets() {
    // The type error comes first in the document, but Go checks syntax first.
    let doc = br#"{"Units":{"a":{"UnitName":5}}, "Nodes": {,}}"#;
    let e = health_err(doc);
    assert!(matches!(e.kind, ParseErrorKind::Syntax(_)), "{e}");
    assert_eq!(e.offset, 41);
    let e = health_err(br#"{"Units":{"a":{"UnitName":"x"}}} junk"#);
    assert_eq!(
        e.kind,
        ParseErrorKind::Syntax("invalid character 'j' after top-level value".into())
    );
    assert_eq!(e.offset, 33);
    let e = health_err(b"");
    assert_eq!(e.kind, ParseErrorKind::UnexpectedEof);
    assert_eq!(e.offset, 0);
}

#[test]
fn every_truncation_of_the_fixture_fails_cleanly() {
    let doc = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/small-cluster/dcos-diagnostics/node-local/system-health-v1.10.0.2.22.json"
    ))
    .unwrap();
    let report = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/small-cluster/dcos-diagnostics/system-health-v1-report.json"
    );
    let report = std::fs::read(report).unwrap();
    // Every prefix of the first 3000 bytes and a stride through the rest.
    let cuts = (0..3000).chain((3000..report.len() - 1).step_by(997));
    for cut in cuts {
        let e = parse_health_report(&report[..cut]).expect_err("truncated");
        assert_eq!(e.kind, ParseErrorKind::UnexpectedEof, "cut at {cut}: {e}");
        assert!(e.offset <= cut as u64);
    }
    // A node's own /system/health/v1 is valid JSON but not a report: its "units" array
    // lands in the report's `Units` map (keys match case-insensitively), a Go type error.
    let e = parse_health_report(&doc[..]).unwrap_err();
    assert!(
        matches!(&e.kind, ParseErrorKind::Type { path, found, .. } if path == "Units" && found == "array"),
        "{e}"
    );
}

#[test]
fn invalid_utf8_in_names_becomes_replacement_characters() {
    let doc = b"{\"Units\":{\"bad\xff.service\":{\"UnitName\":\"bad\xff.service\",\"Nodes\":[{\"Output\":{\"bad\xff.service\":\"x\"}}]}}}";
    let r = parse_health_report(&doc[..]).unwrap();
    assert_eq!(r.units[0].unit_name, "bad\u{fffd}.service");
    assert_eq!(r.units[0].key, "bad\u{fffd}.service");
    assert!(r.units[0].nodes[0].output_nonempty);
}

#[test]
fn package_list_shapes() {
    let doc = r#"{"packages":[
        {"appId":"/kafka","packageInformation":{"packageDefinition":{"name":"kafka","version":"2.9.0-2.4.0","tags":["x"]}}},
        {"APPID":"/<b>&\u2028","packageInformation":{"PackageDefinition":{"NAME":"ünïcödé"}}},
        {"appId":"/no-info"}
    ],"extra":{"ignored":[1,2,3]}}"#;
    let list = parse_package_list(doc.as_bytes()).unwrap();
    let pkgs = list.packages.unwrap();
    assert_eq!(pkgs.len(), 3);
    assert_eq!(pkgs[0].name, "kafka");
    assert_eq!(pkgs[1].app_id, "/<b>&\u{2028}");
    assert_eq!(pkgs[1].name, "ünïcödé");
    assert_eq!(pkgs[1].version, "");
    assert_eq!(pkgs[2].name, "");
    assert_eq!(parse_package_list(&b"{}"[..]).unwrap().packages, None);
    assert_eq!(
        parse_package_list(&br#"{"packages":[]}"#[..])
            .unwrap()
            .packages,
        Some(vec![])
    );
    let e = parse_package_list(&br#"{"packages":[{"appId":7}]}"#[..]).unwrap_err();
    assert!(matches!(e.kind, ParseErrorKind::Type { .. }));
}

#[test]
fn mesos_documents_merge_into_one_struct() {
    let frameworks = r#"{"frameworks":[{"name":"marathon","id":"x"},{"name":"spark<>&"}],"completed_frameworks":[]}"#;
    let snapshot = r#"{"master/cpus_total":12.0,"MASTER/CPUS_USED":0.5,"master/mem_total":1e21,"master/disk_used":-0.0,"master/tasks_running":null,"other":"x"}"#;
    let m = parse_mesos(frameworks.as_bytes(), snapshot.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(
        m.frameworks,
        Some(vec!["marathon".to_string(), "spark<>&".to_string()])
    );
    assert_eq!(m.cpu_total, 12.0);
    assert_eq!(m.cpu_used, 0.5);
    assert_eq!(m.mem_total, 1e21);
    assert!(m.disk_used == 0.0 && m.disk_used.is_sign_negative());
    assert_eq!(m.task_count, 0.0);
    // The second document may overwrite the first.
    let m = parse_mesos(
        &br#"{"frameworks":[{"name":"a"}],"master/cpus_total":1}"#[..],
        &br#"{"master/cpus_total":2,"frameworks":null}"#[..],
    )
    .unwrap()
    .unwrap();
    assert_eq!(m.cpu_total, 2.0);
    assert_eq!(m.frameworks, None);
    // A null second document leaves a nil report; a null first one is replaced.
    assert_eq!(parse_mesos(&b"{}"[..], &b"null"[..]).unwrap(), None);
    assert!(parse_mesos(&b"null"[..], &b"{}"[..]).unwrap().is_some());
    // Errors say which document failed.
    let (which, e) = parse_mesos(&b"{}"[..], &br#"{"master/cpus_total":"12"}"#[..]).unwrap_err();
    assert_eq!(which, 1);
    assert!(matches!(e.kind, ParseErrorKind::Type { .. }));
    let (which, e) = parse_mesos(&b"{\"frameworks\":["[..], &b"{}"[..]).unwrap_err();
    assert_eq!(which, 0);
    assert_eq!(e.kind, ParseErrorKind::UnexpectedEof);
    // Out-of-range numbers are Go range errors (a type error).
    let (_, e) = parse_mesos(&b"{}"[..], &br#"{"master/mem_used":1e400}"#[..]).unwrap_err();
    assert!(matches!(e.kind, ParseErrorKind::Type { .. }), "{e}");
}

/// A tiny deterministic generator (xorshift) for the no-panic sweep.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn mutated_inputs_never_panic() {
    let base: &[&[u8]] = &[
        br#"{"Units":{"a.service":{"UnitName":"a.service","Nodes":[{"Health":1,"Output":{"a.service":"x\u00e9\ud83d\ude00"},"Units":[{"UnitName":"a.service","Health":1}]}],"Timestamp":"2020-11-18T09:30:02Z"}},"Nodes":{"1":{"Role":"agent","Health":3}}}"#,
        br#"{"packages":[{"appId":"/a","packageInformation":{"packageDefinition":{"name":"n","version":"1"}}}]}"#,
        br#"{"frameworks":[{"name":"m"}],"master/cpus_total":1.5e3}"#,
    ];
    let alphabet = b"{}[]\",:\\u0123456789abcdefnulltrue-+.eE \xff\xed\xa0\x80";
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let src = base[(rng.next() % base.len() as u64) as usize];
        let mut doc = src.to_vec();
        for _ in 0..(1 + rng.next() % 4) {
            let pos = (rng.next() % doc.len() as u64) as usize;
            let byte = alphabet[(rng.next() % alphabet.len() as u64) as usize];
            match rng.next() % 3 {
                0 => doc[pos] = byte,
                1 => doc.insert(pos, byte),
                _ => {
                    doc.remove(pos);
                }
            }
            if doc.is_empty() {
                break;
            }
        }
        let _ = parse_health_report(&doc[..]);
        let _ = parse_package_list(&doc[..]);
        let _ = parse_mesos(&doc[..], &doc[..]);
    }
    // Deep nesting is bounded, not a stack overflow.
    let deep = String::from(r#"{"Units":{"a":{"Nodes":[{"Units":["#)
        + &r#"{"Nodes":[{"Units":["#.repeat(5000);
    let e = parse_health_report(deep.as_bytes()).unwrap_err();
    assert!(
        matches!(&e.kind, ParseErrorKind::Syntax(m) if m.contains("max depth")),
        "{e}"
    );
}
