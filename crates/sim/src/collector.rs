//! A Segment-compatible collector: `POST /v1/batch` and `POST /v1/track` with Basic auth
//! (write key as user name), Segment's size limits, and `{"success":true}` on acceptance.
//!
//! The limits (32 KB per message, 500 KB per batch) and the 400-for-malformed-JSON rule are from
//! Segment's public HTTP API docs (`dcos-telemetry-internals.md` §1.9). The bodies of the 200 and of
//! the error answers are not documented there: `{"success":true}` is the fixtures' choice and the
//! error shape `{"success":false,"message":…}` is this simulator's (assumed).

use std::sync::Arc;

use base64::Engine;
use serde::Serialize;

use crate::http_io::{Request, Response};
use crate::respond::{self, Flavor};
use crate::route::{Route, match_collector};
use crate::server::{Handler, Reply};
use crate::sim::State;

/// Largest accepted message, as JSON (bytes).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;
/// Largest accepted `/v1/batch` body (bytes).
pub const MAX_BATCH_BYTES: usize = 500 * 1024;

/// Answers requests to the collector listener.
pub(crate) struct CollectorHandler {
    pub state: Arc<State>,
}

#[derive(Serialize)]
struct Failure<'a> {
    success: bool,
    message: &'a str,
}

fn fail(status: u16, message: &str) -> Response {
    let body = serde_json::to_vec(&Failure {
        success: false,
        message,
    })
    .expect("failure serializes");
    Response::json(status, body)
}

fn success() -> Response {
    Response::json(200, b"{\"success\":true}".to_vec())
}

/// The write key in `Authorization: Basic base64(<key>:<anything>)`.
fn write_key(req: &Request) -> Option<String> {
    let header = req.header("Authorization")?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let user = text.split(':').next()?;
    (!user.is_empty()).then(|| user.to_string())
}

fn message_too_big(message: &serde_json::Value) -> bool {
    serde_json::to_vec(message).map_or(true, |b| b.len() > MAX_MESSAGE_BYTES)
}

impl CollectorHandler {
    fn normal(&self, req: &Request) -> Response {
        if write_key(req).as_deref() != Some(self.state.write_key.as_str()) {
            return fail(401, "Invalid write key");
        }
        let batch = req.path() == "/v1/batch";
        let limit = if batch {
            MAX_BATCH_BYTES
        } else {
            MAX_MESSAGE_BYTES
        };
        if req.body.len() > limit {
            return fail(
                400,
                if batch {
                    "Batch exceeds 500KB"
                } else {
                    "Message exceeds 32KB"
                },
            );
        }
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
            return fail(400, "Invalid JSON");
        };
        if batch {
            let Some(messages) = value.get("batch").and_then(|b| b.as_array()) else {
                return fail(400, "A batch needs a \"batch\" array");
            };
            if messages.iter().any(message_too_big) {
                return fail(400, "Message exceeds 32KB");
            }
        } else if !value.is_object() {
            return fail(400, "A message must be a JSON object");
        }
        success()
    }
}

impl Handler for CollectorHandler {
    fn handle(&self, req: Request) -> Reply {
        self.state.record_collector(&req);
        if match_collector(req.path()).is_none() {
            return Reply::now(fail(404, "Not found"));
        }
        if req.method != "POST" {
            return Reply::now(fail(405, "Method not allowed").header("Allow", "POST"));
        }
        let fault = self.state.faults.take(Route::Collector);
        let flavor = Flavor { challenge: "Basic" };
        respond::apply(fault, flavor, || self.normal(&req).into())
    }
}
