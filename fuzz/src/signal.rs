//! Oracles for `dcos-telemetry-signal`: the three parsers, `Payload::build`, `-test` output,
//! Segment batch bodies and content hashes.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::io::Read;

use arbitrary::{Result as ArbResult, Unstructured};
use sha2::{Digest, Sha256};

use dcos_telemetry_signal::gojson::{FloatStyle, GoValue};
use dcos_telemetry_signal::health::{ReportUnit, UnitNode};
use dcos_telemetry_signal::segment::{
    LimitKind, MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, message_bytes,
};
use dcos_telemetry_signal::version::{PackageShape, TestOutputShape, UnhealthyRule};
use dcos_telemetry_signal::{
    DcosVersion, Envelope, Event, Generation, HealthReport, Identity, InstalledPackage,
    MesosDecoder, MesosReport, PackageList, ParseError, Payload, Sources, Track, batch_body,
    format_timestamp, parse_health_report, parse_mesos, parse_package_list,
};

use crate::json::{
    Json, check_syntax_agreement, expected_json, object, parse_and_roundtrip, same_structure,
};
use crate::reader::ChunkedReader;

/// Every generation, including the two that send nothing.
pub const GENERATIONS: [Generation; 7] = [
    Generation::Signal1_7,
    Generation::Signal1_8,
    Generation::Signal1_9,
    Generation::Signal1_11,
    Generation::Signal1_13_9,
    Generation::None,
    Generation::Unknown,
];

/// The envelope used when the input does not choose one.
pub fn fixed_envelope() -> Envelope {
    Envelope {
        library_name: "dcos-telemetry".into(),
        library_version: "0.1.0".into(),
        track_message_id: "6f1e4c1a-2b7d-4f0e-9a51-0c3d5e7f9b21".into(),
        batch_message_id: "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d".into(),
        time: 1_605_691_802,
    }
}

/// The identity used when the input does not choose one: the fixture cluster's, with the
/// untrimmed cluster id as read from `/var/lib/dcos/cluster-id`.
pub fn fixed_identity() -> Identity {
    Identity {
        cluster_id: include_str!(
            "../../fixtures/small-cluster/master-files/var/lib/dcos/cluster-id"
        )
        .into(),
        environment_version: "2.1.2".into(),
        variant: "open".into(),
        platform: "onprem".into(),
        provider: "onprem".into(),
        customer_key: String::new(),
        license_id: String::new(),
    }
}

/// Parses `input` from a slice and from a [`ChunkedReader`]: both must give the same result
/// (errors with the same offset), and the syntax verdict must agree with `serde_json`.
pub fn parse_both<T: PartialEq + Debug>(
    what: &str,
    input: &[u8],
    parse: impl Fn(&mut dyn Read) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    let mut slice = input;
    let whole = parse(&mut slice);
    let chunked = parse(&mut ChunkedReader::new(input, 1));
    assert_eq!(
        whole, chunked,
        "{what}: parsing in pieces differs from parsing at once"
    );
    check_syntax_agreement(what, input, &whole);
    if let Err(e) = &whole {
        assert!(
            e.offset <= input.len() as u64,
            "{what}: error offset {} beyond the input ({} bytes)",
            e.offset,
            input.len()
        );
        let _ = e.to_string();
    }
    whole
}

/// Splits at the first NUL byte (never valid in JSON, so the split point is unambiguous).
pub fn split_nul(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    }
}

/// [`check_payload`] with the fixed identity and envelope (the inputs that do not choose them).
fn check_fixed(generation: Generation, sources: Sources<'_>, all_test_outputs: bool) {
    check_payload(
        generation,
        &fixed_identity(),
        sources,
        &fixed_envelope(),
        all_test_outputs,
    );
}

// ---------------------------------------------------------------------------------------
// Parser targets.

/// `health_report`: parse, compare with the chunked parse and serde_json, check the report,
/// then build and check one generation's payload from it.
pub fn health_report(data: &[u8]) {
    let result = parse_both("health report", data, |r| parse_health_report(r));
    let Ok(report) = result else { return };
    check_health_report(&report);
    let sources = Sources {
        health: Some(&report),
        ..Sources::default()
    };
    check_fixed(generation_for(data), sources, false);
}

/// One sending generation per input: all of them on every input would cost most of the
/// parser targets' time (and generations differ in the builder, not in the parse).
fn generation_for(data: &[u8]) -> Generation {
    GENERATIONS[generation_index(data, 5)]
}

/// A deterministic pick in `0..n` from the input bytes.
fn generation_index(data: &[u8], n: usize) -> usize {
    let h = data.iter().fold(data.len(), |h, &b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    h % n
}

fn check_health_report(report: &HealthReport) {
    for pair in report.units.windows(2) {
        assert!(pair[0].key < pair[1].key, "units not in strict key order");
    }
    let stats = &report.nodes;
    let mut sum = (0, 0, 0);
    for counts in stats.by_role.values() {
        assert!(counts.unhealthy <= counts.total && counts.unreachable <= counts.total);
        sum.0 += counts.total;
        sum.1 += counts.unhealthy;
        sum.2 += counts.unreachable;
    }
    assert_eq!(
        sum,
        (stats.all.total, stats.all.unhealthy, stats.all.unreachable),
        "role counts do not add up"
    );
    assert_eq!(stats.unreachable_ips.len(), stats.all.unreachable);
}

/// `package_list`.
pub fn package_list(data: &[u8]) {
    let result = parse_both("package list", data, |r| parse_package_list(r));
    let Ok(list) = result else { return };
    let sources = Sources {
        packages: Some(&list),
        ..Sources::default()
    };
    check_fixed(generation_for(data), sources, false);
}

/// `mesos`: `/frameworks` and `/metrics/snapshot` split at the first NUL (without one, the
/// same document is decoded twice).
pub fn mesos(data: &[u8]) {
    let (a, b) = split_nul(data);
    let b = b.unwrap_or(a);
    let whole = parse_mesos(a, b);
    // The same through `MesosDecoder`, reading both documents in pieces.
    let mut dec = MesosDecoder::new();
    let chunked = dec
        .decode(ChunkedReader::new(a, 2))
        .map_err(|e| (0, e))
        .and_then(|()| dec.decode(ChunkedReader::new(b, 3)).map_err(|e| (1, e)))
        .map(|()| dec.clone().finish());
    assert_eq!(
        whole, chunked,
        "mesos: MesosDecoder in pieces differs from parse_mesos"
    );
    let ok: Result<(), ParseError> = Ok(());
    match &whole {
        Ok(_) => {
            check_syntax_agreement("mesos frameworks", a, &ok);
            check_syntax_agreement("mesos snapshot", b, &ok);
        }
        Err((0, e)) => check_syntax_agreement("mesos frameworks", a, &Err::<(), _>(e.clone())),
        Err((_, e)) => {
            check_syntax_agreement("mesos frameworks", a, &ok);
            check_syntax_agreement("mesos snapshot", b, &Err::<(), _>(e.clone()));
        }
    }
    if let Ok(Some(report)) = whole {
        let sources = Sources {
            mesos: Some(&report),
            ..Sources::default()
        };
        check_fixed(generation_for(data), sources, false);
    }
}

// ---------------------------------------------------------------------------------------
// segment_body.

/// `segment_body`: the first byte picks the mode: an arbitrary [`Track`] and [`Envelope`];
/// arbitrary parsed sources, identity and generation; or the four documents
/// (health, packages, frameworks, snapshot) separated by NUL bytes.
pub fn segment_body(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            let mut u = Unstructured::new(rest);
            let Ok((track, envelope)) =
                arb_track(&mut u).and_then(|t| Ok((t, arb_envelope(&mut u)?)))
            else {
                return;
            };
            check_batch_body(&track, &envelope);
        }
        1 => {
            let mut u = Unstructured::new(rest);
            let _ = arb_payload_case(&mut u);
        }
        _ => documents(rest),
    }
}

fn documents(data: &[u8]) {
    let mut parts = data.split(|&b| b == 0);
    let health = parts.next().and_then(|d| parse_health_report(d).ok());
    let packages = parts.next().and_then(|d| parse_package_list(d).ok());
    let mesos = match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => parse_mesos(a, b).ok().flatten(),
        (Some(a), None) => parse_mesos(a, &b"{}"[..]).ok().flatten(),
        _ => None,
    };
    let sources = Sources {
        health: health.as_ref(),
        packages: packages.as_ref(),
        mesos: mesos.as_ref(),
    };
    let generation = GENERATIONS[generation_index(data, GENERATIONS.len())];
    check_fixed(generation, sources, true);
}

fn arb_payload_case(u: &mut Unstructured<'_>) -> ArbResult<()> {
    let identity = Identity {
        cluster_id: u.arbitrary()?,
        environment_version: u.arbitrary()?,
        variant: u.arbitrary()?,
        platform: u.arbitrary()?,
        provider: u.arbitrary()?,
        customer_key: u.arbitrary()?,
        license_id: u.arbitrary()?,
    };
    // The version parser must not panic either; its generation is checked first.
    let version: String = u.arbitrary()?;
    let parsed_generation = DcosVersion::parse(&version).ok().map(|v| {
        let _ = (v.generation_is_assumed(), v.ui_tracking(), v.schedule());
        v.generation()
    });
    let health = if u.arbitrary()? {
        Some(arb_health(u)?)
    } else {
        None
    };
    let packages = if u.arbitrary()? {
        Some(arb_packages(u)?)
    } else {
        None
    };
    let mesos = if u.arbitrary()? {
        Some(arb_mesos(u)?)
    } else {
        None
    };
    let envelope = arb_envelope(u)?;
    let sources = Sources {
        health: health.as_ref(),
        packages: packages.as_ref(),
        mesos: mesos.as_ref(),
    };
    if let Some(g) = parsed_generation {
        check_payload(g, &identity, sources, &envelope, true);
    }
    let generation = *u.choose(&GENERATIONS)?;
    check_payload(generation, &identity, sources, &envelope, true);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Payloads.

/// Builds the payload and checks its tracks, their bodies and the `-test` output.
pub fn check_payload(
    generation: Generation,
    identity: &Identity,
    sources: Sources<'_>,
    envelope: &Envelope,
    all_test_outputs: bool,
) {
    let info = generation.info();
    let payload = Payload::build(generation, identity, sources);
    assert_eq!(payload.generation, generation);
    let events: Vec<Event> = payload.tracks.iter().map(|(e, _)| *e).collect();
    assert_eq!(events, info.events, "{generation:?}: events");
    for (event, track) in &payload.tracks {
        let present = match event {
            Event::Health => sources.health.is_some(),
            Event::PackageList => sources.packages.is_some(),
            Event::MesosTrack => sources.mesos.is_some(),
        };
        assert_eq!(track.is_some(), present, "{generation:?}: {event:?} track");
        if let Some(track) = track {
            assert_eq!(track.event, *event);
            check_properties(generation, identity, sources, track);
            check_batch_body(track, envelope);
        }
    }
    assert_eq!(
        payload.sent_tracks().count(),
        payload.tracks.iter().filter(|(_, t)| t.is_some()).count()
    );
    // Every event, and (when asked) one subset picked by the payload's size.
    const SUBSETS: [&[Event]; 5] = [
        &[],
        &[Event::Health],
        &[Event::PackageList],
        &[Event::MesosTrack],
        &[Event::MesosTrack, Event::Health],
    ];
    let pick = SUBSETS[payload
        .sent_tracks()
        .map(|t| t.properties.len())
        .sum::<usize>()
        % SUBSETS.len()];
    let subsets: &[&[Event]] = if all_test_outputs {
        &[&Event::ALL, pick]
    } else {
        &[&Event::ALL]
    };
    for subset in subsets {
        check_test_output(&payload, subset);
    }
}

fn str_value(s: &str) -> Json {
    Json::str(s)
}

/// The properties, derived independently from the sources (except the unhealthy counts,
/// which are only bounded).
fn check_properties(generation: Generation, identity: &Identity, sources: Sources<'_>, t: &Track) {
    let info = generation.info();
    let cluster_id = if info.trims_cluster_id {
        identity.cluster_id.trim()
    } else {
        identity.cluster_id.as_str()
    };
    assert_eq!(t.anonymous_id, cluster_id);
    assert_eq!(t.user_id, identity.customer_key);
    assert_eq!(t.float_style, info.float_style);

    let mut expected: BTreeMap<Vec<u8>, Json> = BTreeMap::new();
    let mut put = |k: &str, v: Json| {
        expected.insert(k.as_bytes().to_vec(), v);
    };
    put("source", str_value("cluster"));
    put("customerKey", str_value(&identity.customer_key));
    put(
        "environmentVersion",
        str_value(&identity.environment_version),
    );
    put("clusterId", str_value(cluster_id));
    put("variant", str_value(&identity.variant));
    put("provider", str_value(&identity.provider));
    if info.has_platform {
        put("platform", str_value(&identity.platform));
    }
    if info.has_license_id {
        put("licenseId", str_value(&identity.license_id));
    }
    let mut unhealthy_keys = Vec::new();
    match t.event {
        Event::Health => {
            let report = sources.health.expect("health track without a report");
            for unit in &report.units {
                if unit.nodes.is_empty() && info.unhealthy_rule != UnhealthyRule::OutputAfterLoop {
                    continue;
                }
                let base = unit.unit_name.replace('.', "-");
                let total = format!("health-unit-{base}-total");
                let unhealthy = format!("health-unit-{base}-unhealthy");
                expected.insert(total.into_bytes(), Json::Int(unit.nodes.len() as i64));
                // Placeholder; the real count is bounded below.
                expected.insert(unhealthy.clone().into_bytes(), Json::Null);
                unhealthy_keys.push((unhealthy, unit.nodes.len()));
            }
        }
        Event::PackageList => {
            let list = sources.packages.expect("package track without a list");
            let value = match &list.packages {
                None => Json::Null,
                Some(packages) => Json::Arr(
                    packages
                        .iter()
                        .map(|p| match info.package_shape {
                            PackageShape::AppIdOnly => {
                                object(vec![("appId", str_value(&p.app_id))])
                            }
                            PackageShape::WithDefinition => object(vec![
                                ("appId", str_value(&p.app_id)),
                                (
                                    "packageInformation",
                                    object(vec![(
                                        "packageDefinition",
                                        object(vec![
                                            ("name", str_value(&p.name)),
                                            ("version", str_value(&p.version)),
                                        ]),
                                    )]),
                                ),
                            ]),
                        })
                        .collect(),
                ),
            };
            expected.insert(b"package_list".to_vec(), value);
        }
        Event::MesosTrack => {
            let m = sources.mesos.expect("mesos track without a report");
            let frameworks = match &m.frameworks {
                None => Json::Null,
                Some(names) => Json::Arr(
                    names
                        .iter()
                        .map(|n| object(vec![("name", str_value(n))]))
                        .collect(),
                ),
            };
            expected.insert(b"frameworks".to_vec(), frameworks);
            for (k, v) in [
                ("cpu_total", m.cpu_total),
                ("cpu_used", m.cpu_used),
                ("mem_total", m.mem_total),
                ("mem_used", m.mem_used),
                ("disk_total", m.disk_total),
                ("disk_used", m.disk_used),
                ("task_count", m.task_count),
                ("framework_count", m.framework_count),
                ("agents_connected", m.agents_connected),
                ("agents_active", m.agents_active),
            ] {
                expected.insert(k.as_bytes().to_vec(), Json::Float(v));
            }
        }
    }
    let got_keys: Vec<&Vec<u8>> = t.properties.keys().collect();
    let want_keys: Vec<&Vec<u8>> = expected.keys().collect();
    assert_eq!(
        got_keys, want_keys,
        "{generation:?} {:?}: property names",
        t.event
    );
    for (key, want) in &expected {
        let got = expected_json(&t.properties[key]);
        if *want == Json::Null && key.ends_with(b"-unhealthy") && t.event == Event::Health {
            let Json::Int(count) = got else {
                panic!("unhealthy count {got:?} is not an int")
            };
            assert!(count >= 0, "negative unhealthy count");
            continue;
        }
        same_structure(&got, want).unwrap_or_else(|e| {
            panic!(
                "{generation:?} {:?}: property {}: {e}",
                t.event,
                String::from_utf8_lossy(key)
            )
        });
    }
    if info.unhealthy_rule != UnhealthyRule::NodeHealth {
        // At most one count per node (the key with the last unit of that name wins).
        let mut last: BTreeMap<&str, usize> = BTreeMap::new();
        for (k, n) in &unhealthy_keys {
            last.insert(k, *n);
        }
        for (k, nodes) in last {
            let count = t.properties[k.as_bytes()].clone();
            assert!(
                matches!(count, GoValue::Int(c) if c as usize <= nodes),
                "{generation:?}: {k} = {count:?} with {nodes} nodes"
            );
        }
    }
}

/// The message as analytics-go marshals it: `properties`, `anonymousId`, `userId` (all
/// omitempty), `event`, then `type`, `messageId`, `timestamp` (omitempty).
fn expected_message(t: &Track, kind: &str, id: &str, stamp: &str) -> Json {
    let mut fields = Vec::new();
    if !t.properties.is_empty() {
        fields.push((
            "properties",
            expected_json(&GoValue::Map(t.properties.clone())),
        ));
    }
    if !t.anonymous_id.is_empty() {
        fields.push(("anonymousId", str_value(&t.anonymous_id)));
    }
    if !t.user_id.is_empty() {
        fields.push(("userId", str_value(&t.user_id)));
    }
    fields.push(("event", str_value(t.event.name())));
    for (k, v) in [("type", kind), ("messageId", id), ("timestamp", stamp)] {
        if !v.is_empty() {
            fields.push((k, str_value(v)));
        }
    }
    object(fields)
}

fn expected_batch(t: &Track, env: &Envelope, stamp: &str) -> Json {
    let mut fields = vec![
        (
            "context",
            object(vec![(
                "library",
                object(vec![
                    ("name", str_value(&env.library_name)),
                    ("version", str_value(&env.library_version)),
                ]),
            )]),
        ),
        (
            "batch",
            Json::Arr(vec![expected_message(
                t,
                "track",
                &env.track_message_id,
                stamp,
            )]),
        ),
    ];
    if !env.batch_message_id.is_empty() {
        fields.push(("messageId", str_value(&env.batch_message_id)));
    }
    fields.push(("sentAt", str_value(stamp)));
    object(fields)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `format_timestamp` must read back as the same instant for four-digit years.
fn check_timestamp(time: i64, stamp: &str) {
    let b = stamp.as_bytes();
    if b.len() != 24 || !b[0].is_ascii_digit() {
        return;
    }
    let num = |r: std::ops::Range<usize>| -> i64 {
        stamp[r]
            .parse()
            .unwrap_or_else(|_| panic!("bad timestamp {stamp:?}"))
    };
    assert_eq!(&stamp[19..], "+0000", "{stamp}");
    assert!(b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':');
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let (h, min, s) = (num(11..13), num(14..16), num(17..19));
    assert!(
        (1..=12).contains(&month) && (1..=31).contains(&day),
        "{stamp}"
    );
    assert!(h < 24 && min < 60 && s < 60, "{stamp}");
    let back = days_from_civil(year, month, day) * 86_400 + h * 3600 + min * 60 + s;
    assert_eq!(back, time, "{stamp} does not read back as {time}");
}

/// The body of the batch that carries `track`: within Segment's limits or refused with the
/// right size; otherwise JSON that re-encodes to itself the Go way, with exactly the expected
/// structure, embedding the message bytes verbatim.
pub fn check_batch_body(track: &Track, env: &Envelope) {
    let stamp = format_timestamp(env.time);
    check_timestamp(env.time, &stamp);
    let message = message_bytes(track, &env.track_message_id, env.time);
    match batch_body(track, env) {
        Err(e) => {
            assert_eq!(e.event, track.event);
            match e.kind {
                LimitKind::Message => {
                    assert_eq!(e.limit, MAX_MESSAGE_BYTES);
                    assert_eq!(e.size, message.len());
                    assert!(e.size > MAX_MESSAGE_BYTES);
                }
                LimitKind::Batch => {
                    assert_eq!(e.limit, MAX_BATCH_BYTES);
                    assert!(message.len() <= MAX_MESSAGE_BYTES);
                    assert!(e.size > MAX_BATCH_BYTES);
                }
            }
            let _ = e.to_string();
        }
        Ok(body) => {
            assert!(
                message.len() <= MAX_MESSAGE_BYTES,
                "oversized message accepted"
            );
            assert!(body.len() <= MAX_BATCH_BYTES, "oversized batch accepted");
            let key = b"\"batch\":[";
            let at = body
                .windows(key.len())
                .position(|w| w == key)
                .expect("no batch array in the body")
                + key.len();
            assert!(
                body[at..].starts_with(&message) && body.get(at + message.len()) == Some(&b']'),
                "the batch does not hold the message bytes verbatim"
            );
            let parsed = parse_and_roundtrip("batch body", &body, track.float_style, None);
            let expected = expected_batch(track, env, &stamp);
            same_structure(&parsed, &expected)
                .unwrap_or_else(|e| panic!("batch body structure: {e}"));
            let parsed_message = parse_and_roundtrip("message", &message, track.float_style, None);
            same_structure(
                &parsed_message,
                parsed
                    .get("batch")
                    .and_then(|b| b.at(0))
                    .unwrap_or(&Json::Null),
            )
            .unwrap_or_else(|e| panic!("message vs batch: {e}"));
        }
    }
    check_content_hash(track);
}

/// `content_bytes` is `{"event":…,"properties":…}` compact, and `content_sha256` its
/// lower-case hex SHA-256, the same for a clone (ids and times are not part of it).
pub fn check_content_hash(track: &Track) {
    let bytes = track.content_bytes();
    let parsed = parse_and_roundtrip("content bytes", &bytes, track.float_style, None);
    let expected = object(vec![
        ("event", str_value(track.event.name())),
        (
            "properties",
            expected_json(&GoValue::Map(track.properties.clone())),
        ),
    ]);
    same_structure(&parsed, &expected).unwrap_or_else(|e| panic!("content bytes: {e}"));
    let hash = track.content_sha256();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hash, hex,
        "content_sha256 is not the SHA-256 of content_bytes"
    );
    assert_eq!(
        track.clone().content_sha256(),
        hash,
        "content_sha256 unstable"
    );
}

/// `-test` output: the reporter map as `MarshalIndent` with four spaces, or 1.7's single
/// struct (checked when `fmt.Printf` left it alone, i.e. it holds no `%`).
fn check_test_output(payload: &Payload, events: &[Event]) {
    let info = payload.generation.info();
    let out = payload.to_test_output(events);
    match info.test_output {
        TestOutputShape::ReporterMap => {
            let mut entries: Vec<(&str, Json)> = payload
                .tracks
                .iter()
                .filter(|(e, _)| events.contains(e))
                .map(|(e, t)| {
                    let v = match t {
                        Some(t) => expected_message(t, "", "", ""),
                        None => Json::Null,
                    };
                    (e.reporter(), v)
                })
                .collect();
            if entries.is_empty() && payload.tracks.is_empty() {
                assert!(
                    out.is_empty(),
                    "test output for a generation that sends nothing"
                );
                return;
            }
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let parsed = parse_and_roundtrip("test output", &out, info.float_style, Some("    "));
            same_structure(&parsed, &object(entries))
                .unwrap_or_else(|e| panic!("test output: {e}"));
        }
        TestOutputShape::SingleTest => {
            let track = payload
                .track(Event::Health)
                .filter(|_| events.contains(&Event::Health));
            let Some(t) = track else {
                assert!(out.is_empty(), "1.7 test output without a health track");
                return;
            };
            if out.contains(&b'%') {
                return;
            }
            let parsed =
                parse_and_roundtrip("1.7 test output", &out, info.float_style, Some("    "));
            let expected = object(vec![
                ("Event", str_value(t.event.name())),
                ("UserId", str_value(&t.user_id)),
                ("ClusterId", str_value(&t.anonymous_id)),
                (
                    "Properties",
                    expected_json(&GoValue::Map(t.properties.clone())),
                ),
            ]);
            same_structure(&parsed, &expected).unwrap_or_else(|e| panic!("1.7 test output: {e}"));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Arbitrary values.

const SPECIAL_FLOATS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -2.5,
    0.1,
    1e-6,
    1e-7,
    9.999999e-7,
    1e-5,
    1e-4,
    123456.0,
    999999.0,
    1e6,
    1126740.0,
    1e20,
    1e21,
    9.999999999999999e20,
    5e-324,
    f64::MIN_POSITIVE,
    f64::MAX,
    f64::MIN,
    9007199254740993.0,
    0.4166666666666667,
];

fn arb_f64(u: &mut Unstructured<'_>) -> ArbResult<f64> {
    let f = match u.int_in_range(0..=3u8)? {
        0 => *u.choose(SPECIAL_FLOATS)?,
        1 => u.arbitrary::<i64>()? as f64,
        2 => f64::from_bits(u.arbitrary()?),
        _ => f64::from(u.arbitrary::<i32>()?) * 10f64.powi(u.int_in_range(-330..=310)?),
    };
    // Go cannot marshal NaN or infinities, and nothing decoded from JSON holds them.
    Ok(if f.is_finite() { f } else { 0.0 })
}

const FIELD_NAMES: &[&str] = &[
    "event",
    "properties",
    "appId",
    "B",
    "a",
    "é",
    "x<y>&z",
    "line\u{2028}sep",
    "",
    "ctl\u{1}",
];

fn arb_go_value(u: &mut Unstructured<'_>, depth: u32) -> ArbResult<GoValue> {
    let max = if depth == 0 { 4 } else { 7 };
    Ok(match u.int_in_range(0..=max)? {
        0 => GoValue::Null,
        1 => GoValue::Bool(u.arbitrary()?),
        2 => GoValue::Int(u.arbitrary()?),
        3 => GoValue::Float(arb_f64(u)?),
        4 => GoValue::String(u.arbitrary()?),
        5 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(arb_go_value(u, depth - 1)?);
            }
            GoValue::Array(items)
        }
        6 => GoValue::Map(arb_map(u, depth - 1)?),
        _ => {
            let mask: u16 = u.arbitrary()?;
            let mut fields = Vec::new();
            for (i, name) in FIELD_NAMES.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    fields.push((*name, arb_go_value(u, depth - 1)?));
                }
            }
            GoValue::Struct(fields)
        }
    })
}

fn arb_map(u: &mut Unstructured<'_>, depth: u32) -> ArbResult<BTreeMap<Vec<u8>, GoValue>> {
    let n = u.int_in_range(0..=6)?;
    let mut map = BTreeMap::new();
    for _ in 0..n {
        let key: Vec<u8> = u.arbitrary()?;
        map.insert(key, arb_go_value(u, depth)?);
    }
    Ok(map)
}

/// An arbitrary track: any event, ids, property map (values nested up to three levels,
/// strings with any bytes) and float style.
pub fn arb_track(u: &mut Unstructured<'_>) -> ArbResult<Track> {
    Ok(Track {
        event: *u.choose(&Event::ALL)?,
        anonymous_id: u.arbitrary()?,
        user_id: u.arbitrary()?,
        float_style: if u.arbitrary()? {
            FloatStyle::Modern
        } else {
            FloatStyle::Legacy
        },
        properties: arb_map(u, 3)?,
    })
}

/// An arbitrary envelope (any strings, any `i64` time).
pub fn arb_envelope(u: &mut Unstructured<'_>) -> ArbResult<Envelope> {
    Ok(Envelope {
        library_name: u.arbitrary()?,
        library_version: u.arbitrary()?,
        track_message_id: u.arbitrary()?,
        batch_message_id: u.arbitrary()?,
        time: if u.arbitrary()? {
            u.arbitrary()?
        } else {
            i64::from(u.arbitrary::<u32>()?)
        },
    })
}

fn arb_health(u: &mut Unstructured<'_>) -> ArbResult<HealthReport> {
    let mut report = HealthReport::default();
    let n = u.int_in_range(0..=6)?;
    for _ in 0..n {
        let mut nodes = Vec::new();
        for _ in 0..u.int_in_range(0..=4)? {
            let health = if u.arbitrary()? {
                i64::from(u.int_in_range(-1..=4)?)
            } else {
                u.arbitrary()?
            };
            let mut matching_unit_health = Vec::new();
            for _ in 0..u.int_in_range(0..=3)? {
                matching_unit_health.push(i64::from(u.int_in_range(-1..=3)?));
            }
            nodes.push(UnitNode {
                health,
                output_nonempty: u.arbitrary()?,
                matching_unit_health,
            });
        }
        report.units.push(ReportUnit {
            key: u.arbitrary()?,
            unit_name: u.arbitrary()?,
            nodes,
        });
    }
    Ok(report)
}

fn arb_packages(u: &mut Unstructured<'_>) -> ArbResult<PackageList> {
    if u.ratio(1, 8)? {
        return Ok(PackageList { packages: None });
    }
    let mut packages = Vec::new();
    for _ in 0..u.int_in_range(0..=5)? {
        packages.push(InstalledPackage {
            app_id: u.arbitrary()?,
            name: u.arbitrary()?,
            version: u.arbitrary()?,
        });
    }
    Ok(PackageList {
        packages: Some(packages),
    })
}

fn arb_mesos(u: &mut Unstructured<'_>) -> ArbResult<MesosReport> {
    let frameworks = if u.ratio(1, 8)? {
        None
    } else {
        let mut names = Vec::new();
        for _ in 0..u.int_in_range(0..=4)? {
            names.push(u.arbitrary()?);
        }
        Some(names)
    };
    Ok(MesosReport {
        frameworks,
        cpu_total: arb_f64(u)?,
        cpu_used: arb_f64(u)?,
        disk_total: arb_f64(u)?,
        disk_used: arb_f64(u)?,
        mem_total: arb_f64(u)?,
        mem_used: arb_f64(u)?,
        task_count: arb_f64(u)?,
        framework_count: arb_f64(u)?,
        agents_connected: arb_f64(u)?,
        agents_active: arb_f64(u)?,
    })
}
