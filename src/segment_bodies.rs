//! The Segment `/v1/batch` bodies for a collected payload, one per event in dcos-signal's order,
//! with fresh message ids and the current time. `show-payload --segment` prints them and `send`
//! posts them: the same function builds both.

use dcos_telemetry_signal::Event;
use dcos_telemetry_signal::segment::{self, Envelope};

use crate::collect::Collected;
use crate::error::{Error, Result};

/// The library context we send: this tool, honestly named.
pub const LIBRARY_NAME: &str = "dcos-telemetry";

/// One body ready to post.
#[derive(Clone, Debug)]
pub struct Body {
    /// The event.
    pub event: Event,
    /// The exact bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the event's content (name and properties), stable across deliveries.
    pub sha256: String,
    /// The track's `messageId` (kept on retries so the collector can de-duplicate).
    pub message_id: String,
}

/// Builds the bodies for every sent track among the selected events.
pub fn build(collected: &Collected) -> Result<Vec<Body>> {
    let now = crate::clock::unix_now();
    let mut bodies = Vec::new();
    for event in &collected.events {
        let Some(track) = collected.payload.track(*event) else {
            continue;
        };
        let envelope = Envelope {
            library_name: LIBRARY_NAME.to_string(),
            library_version: env!("CARGO_PKG_VERSION").to_string(),
            track_message_id: segment::new_message_id(),
            batch_message_id: segment::new_message_id(),
            time: now,
        };
        let bytes = segment::batch_body(track, &envelope).map_err(|e| {
            Error::new(e.to_string())
                .hint("Segment rejects messages over 32 KB and batches over 500 KB with HTTP 400; nothing was sent")
        })?;
        bodies.push(Body {
            event: *event,
            bytes,
            sha256: track.content_sha256(),
            message_id: envelope.track_message_id,
        });
    }
    Ok(bodies)
}
