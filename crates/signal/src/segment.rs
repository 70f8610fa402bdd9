//! Segment `POST /v1/batch` bodies exactly as dcos-signal's analytics-go posts them: one
//! batch per track.
//!
//! analytics-go `a3bcbc9544d2` (`Version = "2.1.0"`, vendored by 27b9cef, fcf41b8 and a2040b7)
//! marshals
//! `Batch{Context map "context,omitempty"; Messages []interface{} "batch"; Message}` compactly,
//! where the embedded `Message` contributes `messageId` and `sentAt`, and each message is the
//! `Track` with `type: "track"`, a `messageId` and a `timestamp`. Times are
//! `strftime("%Y-%m-%dT%H:%M:%S%z")`: whole seconds and `+0000` for UTC.

use std::collections::BTreeMap;
use std::fmt;

use crate::gojson::{GoStruct, GoValue, marshal};
use crate::payload::Track;
use crate::version::Event;

/// Segment's limit on one message, in bytes (analytics-go v3 `maxMessageBytes`; the HTTP API
/// docs say 32 KB per call or event).
pub const MAX_MESSAGE_BYTES: usize = 32_000;
/// Segment's limit on one batch body, in bytes (analytics-go v3 `maxBatchBytes`; the docs say
/// 500 KB per batch).
pub const MAX_BATCH_BYTES: usize = 500_000;

/// The per-send values of a batch that dcos-signal generated itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `context.library.name` (we name our own tool honestly, e.g. `dcos-telemetry`).
    pub library_name: String,
    /// `context.library.version`.
    pub library_version: String,
    /// The track's `messageId` (a uuid4 string, see [`new_message_id`]).
    pub track_message_id: String,
    /// The batch's `messageId`.
    pub batch_message_id: String,
    /// The track's `timestamp` and the batch's `sentAt`, as UNIX seconds (UTC).
    pub time: i64,
}

/// Which Segment limit a body broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// One message (the track as it sits in `batch`).
    Message,
    /// The whole batch body.
    Batch,
}

/// A body too large for Segment, found before anything is posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeError {
    /// The event whose body is too large.
    pub event: Event,
    /// Which limit.
    pub kind: LimitKind,
    /// The size in bytes.
    pub size: usize,
    /// The limit in bytes.
    pub limit: usize,
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            LimitKind::Message => "message",
            LimitKind::Batch => "batch",
        };
        write!(
            f,
            "the `{}` event is {} bytes as a Segment {what}, over Segment's limit of {} bytes",
            self.event.name(),
            self.size,
            self.limit
        )
    }
}

impl std::error::Error for SizeError {}

/// The track as it sits in the batch (`type`, `messageId`, `timestamp` added), compact.
pub fn message_bytes(track: &Track, track_message_id: &str, time: i64) -> Vec<u8> {
    let v = track.to_go_value("track", track_message_id, &format_timestamp(time));
    marshal(&v, track.float_style)
}

/// The exact compact body of the `POST /v1/batch` that carries `track`, after checking
/// Segment's size limits.
pub fn batch_body(track: &Track, envelope: &Envelope) -> Result<Vec<u8>, SizeError> {
    let stamp = format_timestamp(envelope.time);
    let message = track.to_go_value("track", &envelope.track_message_id, &stamp);
    let message_size = marshal(&message, track.float_style).len();
    if message_size > MAX_MESSAGE_BYTES {
        return Err(SizeError {
            event: track.event,
            kind: LimitKind::Message,
            size: message_size,
            limit: MAX_MESSAGE_BYTES,
        });
    }
    let mut library = BTreeMap::new();
    library.insert(b"name".to_vec(), GoValue::str(&envelope.library_name));
    library.insert(b"version".to_vec(), GoValue::str(&envelope.library_version));
    let mut context = BTreeMap::new();
    context.insert(b"library".to_vec(), GoValue::Map(library));
    let batch = GoStruct::new()
        .omitempty("context", GoValue::Map(context))
        .field("batch", GoValue::Array(vec![message]))
        .omitempty("type", GoValue::str(""))
        .omitempty("messageId", GoValue::str(&envelope.batch_message_id))
        .omitempty("timestamp", GoValue::str(""))
        .omitempty("sentAt", GoValue::str(&stamp))
        .build();
    let body = marshal(&batch, track.float_style);
    if body.len() > MAX_BATCH_BYTES {
        return Err(SizeError {
            event: track.event,
            kind: LimitKind::Batch,
            size: body.len(),
            limit: MAX_BATCH_BYTES,
        });
    }
    Ok(body)
}

/// A random (version 4) UUID in the lower-case hyphenated form analytics-go's
/// `uuid.NewRandom().String()` gives.
pub fn new_message_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// `%Y-%m-%dT%H:%M:%S%z` of a UNIX time in UTC, e.g. `2020-11-18T09:30:02+0000`.
pub fn format_timestamp(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+0000",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00+0000");
        assert_eq!(format_timestamp(1_605_691_802), "2020-11-18T09:30:02+0000");
        assert_eq!(format_timestamp(951_782_400), "2000-02-29T00:00:00+0000");
        assert_eq!(format_timestamp(4_107_542_399), "2100-02-28T23:59:59+0000");
        assert_eq!(format_timestamp(-1), "1969-12-31T23:59:59+0000");
    }

    #[test]
    fn message_ids_are_uuid4() {
        let a = new_message_id();
        let b = new_message_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert!(
            a.bytes()
                .all(|c| c == b'-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }
}
