//! The tracks dcos-signal builds, per generation, from identity inputs and the parsed sources.

use std::collections::BTreeMap;

use crate::cosmos::PackageList;
use crate::gojson::{FloatStyle, GoStruct, GoValue, marshal, marshal_indent};
use crate::health::{HealthReport, ReportUnit};
use crate::mesos::MesosReport;
use crate::version::{Event, Generation, PackageShape, TestOutputShape, UnhealthyRule};

/// What dcos-signal knows about the cluster besides the three sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The cluster id exactly as read from `/var/lib/dcos/cluster-id` (untrimmed: 1.7 sent the
    /// trailing newline; later generations trim it).
    pub cluster_id: String,
    /// `DCOS_VERSION` (`environmentVersion`), e.g. `2.1.2`.
    pub environment_version: String,
    /// `-dcos-variant`: `open` or `enterprise`.
    pub variant: String,
    /// `gen_platform` (`onprem`, `aws`, `azure`).
    pub platform: String,
    /// `gen_provider`.
    pub provider: String,
    /// `customer_key` (`""` on Open); also the `userId`.
    pub customer_key: String,
    /// Licence id from dcos-licensing (`""` on Open).
    pub license_id: String,
}

/// The parsed sources; `None` for a source whose fetch or parse failed (that reporter then
/// sends nothing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    /// `/system/health/v1/report`.
    pub health: Option<&'a HealthReport>,
    /// Cosmos `/package/list`.
    pub packages: Option<&'a PackageList>,
    /// Mesos `/frameworks` + `/metrics/snapshot`, merged.
    pub mesos: Option<&'a MesosReport>,
}

/// One Segment track as dcos-signal builds it (before the client adds `type`, `messageId` and
/// `timestamp`).
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Which event.
    pub event: Event,
    /// `anonymousId` (the cluster id, trimmed or not as the generation did).
    pub anonymous_id: String,
    /// `userId` (the customer key; omitted from JSON when empty).
    pub user_id: String,
    /// `properties`, keys sorted bytewise as Go writes a map.
    pub properties: BTreeMap<Vec<u8>, GoValue>,
    /// The Go float style of the generation that built it.
    pub float_style: FloatStyle,
}

impl Track {
    /// The properties as a Go map value.
    pub fn properties_value(&self) -> GoValue {
        GoValue::Map(self.properties.clone())
    }

    /// A property by name.
    pub fn property(&self, name: &str) -> Option<&GoValue> {
        self.properties.get(name.as_bytes())
    }

    /// analytics-go's `Track` struct (field order `context`, `properties`, `anonymousId`,
    /// `userId`, `event`, then the embedded `Message`: `type`, `messageId`, `timestamp`,
    /// `sentAt`; all but `event` are `omitempty`), with the given message fields.
    pub fn to_go_value(&self, kind: &str, message_id: &str, timestamp: &str) -> GoValue {
        GoStruct::new()
            .omitempty("properties", self.properties_value())
            .omitempty("anonymousId", GoValue::str(&self.anonymous_id))
            .omitempty("userId", GoValue::str(&self.user_id))
            .field("event", GoValue::str(self.event.name()))
            .omitempty("type", GoValue::str(kind))
            .omitempty("messageId", GoValue::str(message_id))
            .omitempty("timestamp", GoValue::str(timestamp))
            .build()
    }

    /// The exact bytes hashed by [`Track::content_sha256`]: the compact Go encoding of
    /// `struct{Event string "event"; Properties map "properties"}`, i.e.
    /// `{"event":"<name>","properties":{…sorted…}}`, with this track's float style.
    pub fn content_bytes(&self) -> Vec<u8> {
        let v = GoStruct::new()
            .field("event", GoValue::str(self.event.name()))
            .field("properties", self.properties_value())
            .build();
        marshal(&v, self.float_style)
    }

    /// Lower-case hex SHA-256 of [`Track::content_bytes`]: stable between review and send,
    /// since ids and times are not part of it.
    pub fn content_sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.content_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Everything one run of dcos-signal would send, for one generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The generation whose rules built it.
    pub generation: Generation,
    /// One entry per event the generation sends, in sending order; `None` when that reporter
    /// failed (nothing is sent for it).
    pub tracks: Vec<(Event, Option<Track>)>,
}

impl Payload {
    /// Builds the tracks exactly as `generation`'s dcos-signal does.
    pub fn build(generation: Generation, identity: &Identity, sources: Sources<'_>) -> Payload {
        let info = generation.info();
        let cluster_id = if info.trims_cluster_id {
            identity.cluster_id.trim().to_string()
        } else {
            identity.cluster_id.clone()
        };
        let mut shared: BTreeMap<Vec<u8>, GoValue> = BTreeMap::new();
        let mut put = |k: &str, v: &str| {
            shared.insert(k.as_bytes().to_vec(), GoValue::str(v));
        };
        put("source", "cluster");
        put("customerKey", &identity.customer_key);
        put("environmentVersion", &identity.environment_version);
        put("clusterId", &cluster_id);
        put("variant", &identity.variant);
        put("provider", &identity.provider);
        if info.has_platform {
            put("platform", &identity.platform);
        }
        if info.has_license_id {
            put("licenseId", &identity.license_id);
        }
        let tracks = info
            .events
            .iter()
            .map(|&event| {
                let extra = match event {
                    Event::Health => sources
                        .health
                        .map(|h| health_properties(h, info.unhealthy_rule)),
                    Event::PackageList => sources
                        .packages
                        .map(|p| package_properties(p, info.package_shape)),
                    Event::MesosTrack => sources.mesos.map(mesos_properties),
                };
                let track = extra.map(|extra| {
                    let mut properties = shared.clone();
                    properties.extend(extra);
                    Track {
                        event,
                        anonymous_id: cluster_id.clone(),
                        user_id: identity.customer_key.clone(),
                        properties,
                        float_style: info.float_style,
                    }
                });
                (event, track)
            })
            .collect();
        Payload { generation, tracks }
    }

    /// The track for `event`, if the generation sends it and its reporter succeeded.
    pub fn track(&self, event: Event) -> Option<&Track> {
        self.tracks
            .iter()
            .find(|(e, _)| *e == event)
            .and_then(|(_, t)| t.as_ref())
    }

    /// The tracks that would really be sent, in order.
    pub fn sent_tracks(&self) -> impl Iterator<Item = &Track> {
        self.tracks.iter().filter_map(|(_, t)| t.as_ref())
    }

    /// The exact bytes `dcos-signal -test` printed for this generation, restricted to
    /// `events` (pass [`Event::ALL`] for everything). No trailing newline.
    ///
    /// * a2040b7 and the other three-reporter generations: `json.MarshalIndent` of
    ///   `map[reporterName]*analytics.Track` with 4-space indent; a failed reporter is `null`
    ///   (what is really sent: real `-test` still printed a Mesos track whose second request
    ///   failed, but a real run drops it).
    /// * 1.7 (`27b9cef`): `fmt.Printf` of `json.MarshalIndent(test{Event, UserId, ClusterId,
    ///   Properties})`; empty when `health` is excluded or failed (signal exited 1 then).
    pub fn to_test_output(&self, events: &[Event]) -> Vec<u8> {
        let info = self.generation.info();
        let style = info.float_style;
        match info.test_output {
            TestOutputShape::ReporterMap => {
                let mut map = BTreeMap::new();
                for (event, track) in &self.tracks {
                    if !events.contains(event) {
                        continue;
                    }
                    let value = match track {
                        Some(t) => t.to_go_value("", "", ""),
                        None => GoValue::Null,
                    };
                    map.insert(event.reporter().as_bytes().to_vec(), value);
                }
                if map.is_empty() && self.tracks.is_empty() {
                    return Vec::new();
                }
                marshal_indent(&GoValue::Map(map), "    ", style)
            }
            TestOutputShape::SingleTest => {
                let Some(track) = self
                    .track(Event::Health)
                    .filter(|_| events.contains(&Event::Health))
                else {
                    return Vec::new();
                };
                let test = GoStruct::new()
                    .field("Event", GoValue::str(track.event.name()))
                    .field("UserId", GoValue::str(&track.user_id))
                    .field("ClusterId", GoValue::str(&track.anonymous_id))
                    .field("Properties", track.properties_value())
                    .build();
                go_printf_no_args(&marshal_indent(&test, "    ", style))
            }
        }
    }
}

/// `health-unit-<name with dots replaced>-total` / `-unhealthy`.
pub fn unit_keys(unit_name: &str) -> (String, String) {
    let base = unit_name.replace('.', "-");
    (
        format!("health-unit-{base}-total"),
        format!("health-unit-{base}-unhealthy"),
    )
}

fn unhealthy_count(unit: &ReportUnit, rule: UnhealthyRule) -> i64 {
    let mut count = 0i64;
    for node in &unit.nodes {
        match rule {
            UnhealthyRule::Output | UnhealthyRule::OutputAfterLoop => {
                count += i64::from(node.output_nonempty);
            }
            UnhealthyRule::NodeHealth => {
                if node.health != 0 {
                    count += 1;
                } else {
                    count += node
                        .matching_unit_health
                        .iter()
                        .filter(|&&h| h != 0)
                        .count() as i64;
                }
            }
            UnhealthyRule::OutputThenUnitHealth => {
                let failed =
                    node.output_nonempty || node.matching_unit_health.iter().any(|&h| h != 0);
                count += i64::from(failed);
            }
        }
    }
    count
}

/// The `health-unit-*` properties. Units are visited in map-key order; when two units map to
/// the same property name (Go would pick by random map order), the later key wins.
fn health_properties(report: &HealthReport, rule: UnhealthyRule) -> Vec<(Vec<u8>, GoValue)> {
    let mut out = BTreeMap::new();
    for unit in &report.units {
        if unit.nodes.is_empty() && rule != UnhealthyRule::OutputAfterLoop {
            continue;
        }
        let (total, unhealthy) = unit_keys(&unit.unit_name);
        out.insert(total.into_bytes(), GoValue::Int(unit.nodes.len() as i64));
        out.insert(
            unhealthy.into_bytes(),
            GoValue::Int(unhealthy_count(unit, rule)),
        );
    }
    out.into_iter().collect()
}

fn package_properties(list: &PackageList, shape: PackageShape) -> Vec<(Vec<u8>, GoValue)> {
    let value = match &list.packages {
        None => GoValue::Null,
        Some(packages) => GoValue::Array(
            packages
                .iter()
                .map(|p| {
                    let s = GoStruct::new().field("appId", GoValue::str(&p.app_id));
                    match shape {
                        PackageShape::AppIdOnly => s.build(),
                        PackageShape::WithDefinition => s
                            .field(
                                "packageInformation",
                                GoStruct::new()
                                    .field(
                                        "packageDefinition",
                                        GoStruct::new()
                                            .field("name", GoValue::str(&p.name))
                                            .field("version", GoValue::str(&p.version))
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    }
                })
                .collect(),
        ),
    };
    vec![(b"package_list".to_vec(), value)]
}

fn mesos_properties(m: &MesosReport) -> Vec<(Vec<u8>, GoValue)> {
    let frameworks = match &m.frameworks {
        None => GoValue::Null,
        Some(list) => GoValue::Array(
            list.iter()
                .map(|name| GoStruct::new().field("name", GoValue::str(name)).build())
                .collect(),
        ),
    };
    let f = |k: &str, v: f64| (k.as_bytes().to_vec(), GoValue::Float(v));
    vec![
        (b"frameworks".to_vec(), frameworks),
        f("cpu_total", m.cpu_total),
        f("cpu_used", m.cpu_used),
        f("mem_total", m.mem_total),
        f("mem_used", m.mem_used),
        f("disk_total", m.disk_total),
        f("disk_used", m.disk_used),
        f("task_count", m.task_count),
        f("framework_count", m.framework_count),
        f("agents_connected", m.agents_connected),
        f("agents_active", m.agents_active),
    ]
}

/// Go's `fmt.Printf(format)` with no arguments, which 27b9cef used to print its JSON:
/// `%%` prints `%`, any other verb prints `%!<verb>(MISSING)`, a `*` width or precision
/// prints `%!(BADWIDTH)`/`%!(BADPREC)`, and a lone `%` at the end prints `%!(NOVERB)`.
pub fn go_printf_no_args(format: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(format.len());
    let mut i = 0;
    while i < format.len() {
        let c = format[i];
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        // Flags.
        while i < format.len() && matches!(format[i], b'+' | b'-' | b'#' | b' ' | b'0') {
            i += 1;
        }
        // Width.
        if i < format.len() && format[i] == b'*' {
            out.extend_from_slice(b"%!(BADWIDTH)");
            i += 1;
        } else {
            while i < format.len() && format[i].is_ascii_digit() {
                i += 1;
            }
        }
        // Precision.
        if i < format.len() && format[i] == b'.' {
            i += 1;
            if i < format.len() && format[i] == b'*' {
                out.extend_from_slice(b"%!(BADPREC)");
                i += 1;
            } else {
                while i < format.len() && format[i].is_ascii_digit() {
                    i += 1;
                }
            }
        }
        if i >= format.len() {
            out.extend_from_slice(b"%!(NOVERB)");
            break;
        }
        // The verb is one UTF-8 character (invalid bytes count as one U+FFFD).
        let rest = &format[i..];
        let len = match std::str::from_utf8(&rest[..rest.len().min(4)]) {
            Ok(s) => s.chars().next().map_or(1, char::len_utf8),
            Err(e) if e.valid_up_to() > 0 => std::str::from_utf8(&rest[..e.valid_up_to()])
                .ok()
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8),
            Err(_) => 1,
        };
        let verb = &rest[..len];
        if verb == b"%" {
            out.push(b'%');
        } else {
            out.extend_from_slice(b"%!");
            if std::str::from_utf8(verb).is_ok() {
                out.extend_from_slice(verb);
            } else {
                out.extend_from_slice("\u{FFFD}".as_bytes());
            }
            out.extend_from_slice(b"(MISSING)");
        }
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_key_names() {
        assert_eq!(
            unit_keys("dcos-checks-poststart.timer"),
            (
                "health-unit-dcos-checks-poststart-timer-total".to_string(),
                "health-unit-dcos-checks-poststart-timer-unhealthy".to_string()
            )
        );
        assert_eq!(
            unit_keys("a.b.c.service").0,
            "health-unit-a-b-c-service-total"
        );
        assert_eq!(unit_keys("").0, "health-unit--total");
    }

    #[test]
    fn printf_without_arguments() {
        assert_eq!(go_printf_no_args(b"plain {\"a\": 1}"), b"plain {\"a\": 1}");
        assert_eq!(go_printf_no_args(b"100%% sure"), b"100% sure");
        assert_eq!(go_printf_no_args(b"a%sb"), b"a%!s(MISSING)b");
        assert_eq!(go_printf_no_args(b"%-5.2f"), b"%!f(MISSING)");
        assert_eq!(go_printf_no_args(b"%*d"), b"%!(BADWIDTH)%!d(MISSING)");
        assert_eq!(go_printf_no_args(b"end%"), b"end%!(NOVERB)");
        assert_eq!(
            go_printf_no_args("%é".as_bytes()),
            "%!é(MISSING)".as_bytes()
        );
    }
}
