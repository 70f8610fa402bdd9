//! Track building per generation, Go encoding of the results, and Segment envelopes.

use dcos_telemetry_signal::segment::{
    Envelope, LimitKind, MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, batch_body, message_bytes,
};
use dcos_telemetry_signal::{
    Event, Generation, HealthReport, Identity, MesosReport, PackageList, Payload, Sources,
    parse_health_report, parse_mesos, parse_package_list,
};

fn identity() -> Identity {
    Identity {
        cluster_id: "c1d2\n".into(),
        environment_version: "9.9.9".into(),
        variant: "open".into(),
        platform: "aws".into(),
        provider: "aws".into(),
        customer_key: String::new(),
        license_id: "lic".into(),
    }
}

/// Two units: `a.b.c.service` on three nodes (node 2 has Health 1 because of another unit,
/// node 3 lists `a.b.c.service` unhealthy in its own Units) and `lonely.timer` on none.
fn report() -> HealthReport {
    let doc = r#"{"Units":{
      "a.b.c.service":{"UnitName":"a.b.c.service","Nodes":[
        {"Health":0,"Output":{"a.b.c.service":""}},
        {"Health":1,"Output":{"a.b.c.service":"","z.service":"failed"}},
        {"Health":0,"Output":{"a.b.c.service":""},"Units":[{"UnitName":"a.b.c.service","Health":1}]},
        {"Health":1,"Output":{"a.b.c.service":"ExecMainStatus failed\n"}}]},
      "lonely.timer":{"UnitName":"lonely.timer","Nodes":[]}},
      "Nodes":{}}"#;
    parse_health_report(doc.as_bytes()).unwrap()
}

fn packages() -> PackageList {
    parse_package_list(
        r#"{"packages":[{"appId":"/a<b>&c","packageInformation":{"packageDefinition":{"name":"ünï\u2028code","version":"1.0"}}}]}"#
            .as_bytes(),
    )
    .unwrap()
}

fn mesos() -> MesosReport {
    parse_mesos(
        r#"{"frameworks":[{"name":"spark\u2029<x>"},{"name":"日本"}]}"#.as_bytes(),
        br#"{"master/cpus_total":12.0,"master/cpus_used":0.0000001,"master/mem_total":1126740,"master/mem_used":-0.0,"master/disk_total":1e21,"master/disk_used":123456789.5,"master/tasks_running":0.00001}"#.as_slice(),
    )
    .unwrap()
    .unwrap()
}

fn build(generation: Generation) -> Payload {
    let (h, p, m) = (report(), packages(), mesos());
    Payload::build(
        generation,
        &identity(),
        Sources {
            health: Some(&h),
            packages: Some(&p),
            mesos: Some(&m),
        },
    )
}

fn prop(p: &Payload, event: Event, key: &str) -> Option<String> {
    let t = p.track(event)?;
    let v = t.property(key)?;
    let bytes = dcos_telemetry_signal::gojson::marshal(v, t.float_style);
    Some(String::from_utf8(bytes).unwrap())
}

#[test]
fn unhealthy_rules_per_generation() {
    let cases = [
        // (generation, unhealthy count of a.b.c.service, lonely.timer has keys).
        // Output rules count node 4 only; 382f3cd adds node 3 (its own Units entry is
        // unhealthy); the pre-382f3cd rule also counts node 2 (Health 1 for another unit).
        (Generation::Signal1_7, "1", true),
        (Generation::Signal1_8, "1", false),
        (Generation::Signal1_9, "3", false),
        (Generation::Signal1_11, "2", false),
        (Generation::Signal1_13_9, "2", false),
    ];
    for (g, unhealthy, lonely) in cases {
        let p = build(g);
        assert_eq!(
            prop(&p, Event::Health, "health-unit-a-b-c-service-total").as_deref(),
            Some("4"),
            "{g:?}"
        );
        assert_eq!(
            prop(&p, Event::Health, "health-unit-a-b-c-service-unhealthy").as_deref(),
            Some(unhealthy),
            "{g:?}"
        );
        assert_eq!(
            prop(&p, Event::Health, "health-unit-lonely-timer-total").is_some(),
            lonely,
            "{g:?}"
        );
    }
    // 1.7: a unit without nodes is written as 0/0.
    let p = build(Generation::Signal1_7);
    assert_eq!(
        prop(&p, Event::Health, "health-unit-lonely-timer-unhealthy").as_deref(),
        Some("0")
    );
}

#[test]
fn shared_properties_per_generation() {
    let names = |g| -> Vec<String> {
        let p = build(g);
        let t = p.track(Event::Health).unwrap();
        t.properties
            .keys()
            .map(|k| String::from_utf8(k.clone()).unwrap())
            .filter(|k| !k.starts_with("health-unit-"))
            .collect()
    };
    let base = [
        "clusterId",
        "customerKey",
        "environmentVersion",
        "provider",
        "source",
        "variant",
    ];
    assert_eq!(names(Generation::Signal1_7), base);
    assert_eq!(names(Generation::Signal1_8), base);
    let with_platform = [
        "clusterId",
        "customerKey",
        "environmentVersion",
        "platform",
        "provider",
        "source",
        "variant",
    ];
    assert_eq!(names(Generation::Signal1_9), with_platform);
    assert_eq!(names(Generation::Signal1_11), with_platform);
    let with_license = [
        "clusterId",
        "customerKey",
        "environmentVersion",
        "licenseId",
        "platform",
        "provider",
        "source",
        "variant",
    ];
    assert_eq!(names(Generation::Signal1_13_9), with_license);
    // Cluster id: untrimmed only in 1.7.
    assert_eq!(
        prop(&build(Generation::Signal1_7), Event::Health, "clusterId").as_deref(),
        Some("\"c1d2\\n\"")
    );
    assert_eq!(
        prop(&build(Generation::Signal1_8), Event::Health, "clusterId").as_deref(),
        Some("\"c1d2\"")
    );
    // Events per generation.
    assert_eq!(build(Generation::Signal1_7).tracks.len(), 1);
    assert_eq!(build(Generation::Signal1_8).tracks.len(), 3);
    assert!(build(Generation::None).tracks.is_empty());
    assert!(
        build(Generation::None)
            .to_test_output(&Event::ALL)
            .is_empty()
    );
}

#[test]
fn package_list_shape_and_escaping() {
    assert_eq!(
        prop(
            &build(Generation::Signal1_13_9),
            Event::PackageList,
            "package_list"
        )
        .as_deref(),
        Some(
            r#"[{"appId":"/a\u003cb\u003e\u0026c","packageInformation":{"packageDefinition":{"name":"ünï\u2028code","version":"1.0"}}}]"#
        )
    );
    assert_eq!(
        prop(
            &build(Generation::Signal1_8),
            Event::PackageList,
            "package_list"
        )
        .as_deref(),
        Some(r#"[{"appId":"/a\u003cb\u003e\u0026c"}]"#)
    );
    // A nil package slice is sent as null, an empty one as [].
    let none = PackageList { packages: None };
    let empty = PackageList {
        packages: Some(vec![]),
    };
    for (list, want) in [(none, "null"), (empty, "[]")] {
        let p = Payload::build(
            Generation::Signal1_13_9,
            &identity(),
            Sources {
                packages: Some(&list),
                ..Sources::default()
            },
        );
        assert_eq!(
            prop(&p, Event::PackageList, "package_list").as_deref(),
            Some(want)
        );
    }
}

#[test]
fn mesos_numbers_per_go_version() {
    let modern = build(Generation::Signal1_13_9);
    let legacy = build(Generation::Signal1_8);
    let expect = [
        ("cpu_total", "12", "12"),
        ("cpu_used", "1e-7", "1e-07"),
        ("mem_total", "1126740", "1.12674e+06"),
        ("mem_used", "-0", "-0"),
        ("disk_total", "1e+21", "1e+21"),
        ("disk_used", "123456789.5", "1.234567895e+08"),
        ("task_count", "0.00001", "1e-05"),
        ("agents_active", "0", "0"),
        (
            "frameworks",
            r#"[{"name":"spark\u2029\u003cx\u003e"},{"name":"日本"}]"#,
            r#"[{"name":"spark\u2029\u003cx\u003e"},{"name":"日本"}]"#,
        ),
    ];
    for (key, m, l) in expect {
        assert_eq!(
            prop(&modern, Event::MesosTrack, key).as_deref(),
            Some(m),
            "{key}"
        );
        assert_eq!(
            prop(&legacy, Event::MesosTrack, key).as_deref(),
            Some(l),
            "{key}"
        );
    }
}

#[test]
fn failed_reporters_are_null_in_test_output_and_not_sent() {
    let h = report();
    let p = Payload::build(
        Generation::Signal1_13_9,
        &identity(),
        Sources {
            health: Some(&h),
            ..Sources::default()
        },
    );
    let out = String::from_utf8(p.to_test_output(&Event::ALL)).unwrap();
    assert!(
        out.starts_with("{\n    \"cosmos\": null,\n    \"diagnostics\": {\n"),
        "{out}"
    );
    assert!(out.ends_with("\n    },\n    \"mesos\": null\n}"), "{out}");
    assert_eq!(p.sent_tracks().count(), 1);
    // userId appears when the customer key is set, between anonymousId and event.
    let ee = Identity {
        customer_key: "ck-1".into(),
        ..identity()
    };
    let p = Payload::build(
        Generation::Signal1_13_9,
        &ee,
        Sources {
            health: Some(&h),
            ..Sources::default()
        },
    );
    let out = String::from_utf8(p.to_test_output(&[Event::Health])).unwrap();
    assert!(
        out.ends_with("\n        },\n        \"anonymousId\": \"c1d2\",\n        \"userId\": \"ck-1\",\n        \"event\": \"health\"\n    }\n}"),
        "{out}"
    );
    // 1.7 with a failed health reporter printed nothing (signal exited 1).
    let p = Payload::build(Generation::Signal1_7, &identity(), Sources::default());
    assert!(p.to_test_output(&Event::ALL).is_empty());
}

#[test]
fn signal_1_7_printf_quirk() {
    let h = report();
    let id = Identity {
        provider: "100%".into(),
        environment_version: "1.7-%s".into(),
        ..identity()
    };
    let p = Payload::build(
        Generation::Signal1_7,
        &id,
        Sources {
            health: Some(&h),
            ..Sources::default()
        },
    );
    let out = String::from_utf8(p.to_test_output(&Event::ALL)).unwrap();
    assert!(
        out.contains("\"environmentVersion\": \"1.7-%!s(MISSING)\""),
        "{out}"
    );
    assert!(out.contains("\"provider\": \"100%!\"(MISSING),\n"), "{out}");
}

fn envelope() -> Envelope {
    Envelope {
        library_name: "dcos-telemetry".into(),
        library_version: "0.1.0".into(),
        track_message_id: "11111111-1111-4111-8111-111111111111".into(),
        batch_message_id: "22222222-2222-4222-8222-222222222222".into(),
        time: 1_605_691_802,
    }
}

#[test]
fn batch_body_exact_bytes() {
    let m = MesosReport {
        frameworks: Some(vec!["a".into()]),
        cpu_total: 2.0,
        ..MesosReport::default()
    };
    let id = Identity {
        customer_key: "ck".into(),
        ..identity()
    };
    let p = Payload::build(
        Generation::Signal1_13_9,
        &id,
        Sources {
            mesos: Some(&m),
            ..Sources::default()
        },
    );
    let body = batch_body(p.track(Event::MesosTrack).unwrap(), &envelope()).unwrap();
    assert_eq!(
        String::from_utf8(body).unwrap(),
        concat!(
            r#"{"context":{"library":{"name":"dcos-telemetry","version":"0.1.0"}},"#,
            r#""batch":[{"properties":{"agents_active":0,"agents_connected":0,"clusterId":"c1d2","#,
            r#""cpu_total":2,"cpu_used":0,"customerKey":"ck","disk_total":0,"disk_used":0,"#,
            r#""environmentVersion":"9.9.9","framework_count":0,"frameworks":[{"name":"a"}],"#,
            r#""licenseId":"lic","mem_total":0,"mem_used":0,"platform":"aws","provider":"aws","#,
            r#""source":"cluster","task_count":0,"variant":"open"},"anonymousId":"c1d2","#,
            r#""userId":"ck","event":"mesos_track","type":"track","#,
            r#""messageId":"11111111-1111-4111-8111-111111111111","#,
            r#""timestamp":"2020-11-18T09:30:02+0000"}],"#,
            r#""messageId":"22222222-2222-4222-8222-222222222222","#,
            r#""sentAt":"2020-11-18T09:30:02+0000"}"#
        )
    );
    // The content hash ignores ids and times.
    let t = p.track(Event::MesosTrack).unwrap();
    let h1 = t.content_sha256();
    let mut other = envelope();
    other.time += 3600;
    other.track_message_id = "x".into();
    batch_body(t, &other).unwrap();
    assert_eq!(h1, t.content_sha256());
    assert!(
        String::from_utf8(t.content_bytes())
            .unwrap()
            .starts_with(r#"{"event":"mesos_track","properties":{"agents_active":0,"#)
    );
}

#[test]
fn size_limits_are_checked_before_posting() {
    // 700 units give a health track of about 50 KB: over the per-message limit.
    let mut doc = String::from("{\"Units\":{");
    for i in 0..700 {
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(&format!(
            r#""dcos-unit-with-a-long-name-{i}.service":{{"UnitName":"dcos-unit-with-a-long-name-{i}.service","Nodes":[{{"Output":{{}}}}]}}"#
        ));
    }
    doc.push_str("}}");
    let h = parse_health_report(doc.as_bytes()).unwrap();
    let p = Payload::build(
        Generation::Signal1_13_9,
        &identity(),
        Sources {
            health: Some(&h),
            ..Sources::default()
        },
    );
    let t = p.track(Event::Health).unwrap();
    let size = message_bytes(t, &envelope().track_message_id, envelope().time).len();
    let err = batch_body(t, &envelope()).unwrap_err();
    assert_eq!(err.event, Event::Health);
    assert_eq!(err.kind, LimitKind::Message);
    assert_eq!(err.size, size);
    assert_eq!(err.limit, MAX_MESSAGE_BYTES);
    assert!(size > MAX_MESSAGE_BYTES);
    assert_eq!(
        err.to_string(),
        format!(
            "the `health` event is {size} bytes as a Segment message, over Segment's limit of 32000 bytes"
        )
    );
    // A batch over its limit with a small message is impossible with one message, unless
    // the library fields are huge.
    let mut env = envelope();
    env.library_name = "x".repeat(MAX_BATCH_BYTES);
    let small = build(Generation::Signal1_13_9);
    let err = batch_body(small.track(Event::MesosTrack).unwrap(), &env).unwrap_err();
    assert_eq!(err.kind, LimitKind::Batch);
    assert_eq!(err.event, Event::MesosTrack);
}

#[test]
fn signal_1_7_batch_body_keeps_the_newline() {
    let h = report();
    let id = Identity {
        customer_key: String::new(),
        ..identity()
    };
    let p = Payload::build(
        Generation::Signal1_7,
        &id,
        Sources {
            health: Some(&h),
            ..Sources::default()
        },
    );
    let body = String::from_utf8(batch_body(p.track(Event::Health).unwrap(), &envelope()).unwrap())
        .unwrap();
    assert!(body.starts_with(
        r#"{"context":{"library":{"name":"dcos-telemetry","version":"0.1.0"}},"batch":[{"properties":{"clusterId":"c1d2\n","customerKey":"","environmentVersion":"9.9.9","health-unit-a-b-c-service-total":4,"#
    ), "{body}");
    assert!(
        body.contains(
            r#""variant":"open"},"anonymousId":"c1d2\n","event":"health","type":"track","#
        ),
        "{body}"
    );
}
