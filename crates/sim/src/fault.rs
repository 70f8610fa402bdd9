//! Misbehaviour on demand: faults per route, optionally only for the first N requests.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use crate::route::Route;

/// One way a route can misbehave.
///
/// *Replacing* faults answer instead of the route: `Status`, `HtmlError`, `Unauthorized`,
/// `Forbidden`, `NotFound`, `Stall`, `Reset`, `RetryAfter`, `ServiceUnavailable`.
/// *Transforming* faults alter the normal answer: `Latency`, `Truncated` and `SlowDrip` apply to
/// whatever the route answers (an auth error included); `MalformedJson`, `Huge` and
/// `WrongContentType` apply only when the normal answer is a 2xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then answer normally.
    Latency(Duration),
    /// Answer this status with a DC/OS JSON error body `{"title","description","code"}`.
    Status(u16),
    /// Answer this status with an nginx-style HTML page (`text/html`), as Admin Router does
    /// when its upstream fails.
    HtmlError(u16),
    /// Answer 401 exactly as Admin Router does for a bad token.
    Unauthorized,
    /// Answer 403 exactly as Admin Router does for a forbidden uid.
    Forbidden,
    /// Answer 404 with Admin Router's HTML page.
    NotFound,
    /// Answer 200 with a body that is not valid JSON (the first half of the normal body).
    MalformedJson,
    /// Announce the full `Content-Length`, send half of the body, then close the connection.
    Truncated,
    /// Answer 200 with a valid JSON document of exactly this many bytes, streamed.
    Huge(u64),
    /// Answer the normal body labelled `text/html; charset=utf-8`.
    WrongContentType,
    /// Send the normal body at this rate.
    SlowDrip {
        /// Body bytes per second.
        bytes_per_sec: u64,
    },
    /// Read the request and never answer (the connection stays open).
    Stall,
    /// Close the connection without answering (TCP reset).
    Reset,
    /// Answer 429 with `Retry-After: <secs>`.
    RetryAfter(u64),
    /// Answer 503 as Admin Router does when the upstream is down.
    ServiceUnavailable,
}

impl Fault {
    /// This fault for only the next `n` requests to the route; afterwards the route recovers.
    pub fn times(self, n: u32) -> FaultSpec {
        FaultSpec {
            fault: self,
            remaining: Some(n),
        }
    }

    /// Parses the command-line form: `latency:500ms`, `status:500`, `html:502`, `unauthorized`,
    /// `forbidden`, `not-found`, `malformed-json`, `truncated`, `huge:1048576`,
    /// `wrong-content-type`, `drip:100`, `stall`, `reset`, `retry-after:2`,
    /// `service-unavailable`; a `*N` suffix limits it to N requests (`status:503*2`).
    pub fn parse(text: &str) -> Option<FaultSpec> {
        let (body, times) = match text.rsplit_once('*') {
            Some((body, n)) => (body, Some(n.parse().ok()?)),
            None => (text, None),
        };
        let (kind, arg) = body.split_once(':').unwrap_or((body, ""));
        let num = || arg.parse::<u64>().ok();
        let fault = match kind {
            "latency" => Fault::Latency(parse_duration(arg)?),
            "status" => Fault::Status(u16::try_from(num()?).ok()?),
            "html" | "html-error" => Fault::HtmlError(u16::try_from(num()?).ok()?),
            "unauthorized" => Fault::Unauthorized,
            "forbidden" => Fault::Forbidden,
            "not-found" => Fault::NotFound,
            "malformed-json" => Fault::MalformedJson,
            "truncated" => Fault::Truncated,
            "huge" => Fault::Huge(num()?),
            "wrong-content-type" => Fault::WrongContentType,
            "drip" | "slow-drip" => Fault::SlowDrip {
                bytes_per_sec: num()?,
            },
            "stall" => Fault::Stall,
            "reset" => Fault::Reset,
            "retry-after" => Fault::RetryAfter(num()?),
            "service-unavailable" => Fault::ServiceUnavailable,
            _ => return None,
        };
        Some(FaultSpec {
            fault,
            remaining: times,
        })
    }
}

/// `250ms`, `2s` or a bare number of milliseconds.
fn parse_duration(text: &str) -> Option<Duration> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.parse().ok().map(Duration::from_millis);
    }
    if let Some(s) = text.strip_suffix('s') {
        return s
            .parse::<f64>()
            .ok()
            .filter(|v| *v >= 0.0)
            .map(Duration::from_secs_f64);
    }
    text.parse().ok().map(Duration::from_millis)
}

/// A fault and how many more requests it applies to (`None`: every request until cleared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    /// The fault.
    pub fault: Fault,
    /// Requests left; `None` means unlimited.
    pub remaining: Option<u32>,
}

impl From<Fault> for FaultSpec {
    fn from(fault: Fault) -> FaultSpec {
        FaultSpec {
            fault,
            remaining: None,
        }
    }
}

/// Per-route fault queues. The front fault applies; a limited one is popped when used up.
#[derive(Debug, Default)]
pub(crate) struct FaultTable {
    queues: Mutex<HashMap<Route, VecDeque<FaultSpec>>>,
}

impl FaultTable {
    pub fn set(&self, route: Route, spec: FaultSpec) {
        let mut queues = self.queues.lock().expect("fault table");
        queues.insert(route, VecDeque::from([spec]));
    }

    pub fn add(&self, route: Route, spec: FaultSpec) {
        let mut queues = self.queues.lock().expect("fault table");
        queues.entry(route).or_default().push_back(spec);
    }

    pub fn clear(&self) {
        self.queues.lock().expect("fault table").clear();
    }

    /// The fault for the next request to `route`, consuming one use of it.
    pub fn take(&self, route: Route) -> Option<Fault> {
        let mut queues = self.queues.lock().expect("fault table");
        let queue = queues.get_mut(&route)?;
        loop {
            let front = queue.front_mut()?;
            match &mut front.remaining {
                None => return Some(front.fault.clone()),
                Some(0) => {
                    queue.pop_front();
                }
                Some(n) => {
                    *n -= 1;
                    let fault = front.fault.clone();
                    if *n == 0 {
                        queue.pop_front();
                    }
                    return Some(fault);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_faults_run_out_in_order() {
        let table = FaultTable::default();
        table.set(Route::HealthReport, Fault::ServiceUnavailable.times(2));
        table.add(Route::HealthReport, Fault::RetryAfter(1).times(1));
        assert_eq!(
            table.take(Route::HealthReport),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(
            table.take(Route::HealthReport),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(table.take(Route::HealthReport), Some(Fault::RetryAfter(1)));
        assert_eq!(table.take(Route::HealthReport), None);
        assert_eq!(table.take(Route::Metadata), None);
        table.set(Route::Metadata, Fault::Stall.into());
        assert_eq!(table.take(Route::Metadata), Some(Fault::Stall));
        assert_eq!(table.take(Route::Metadata), Some(Fault::Stall));
        table.clear();
        assert_eq!(table.take(Route::Metadata), None);
    }

    #[test]
    fn parses_command_line_faults() {
        assert_eq!(
            Fault::parse("status:503*2"),
            Some(Fault::Status(503).times(2))
        );
        assert_eq!(
            Fault::parse("latency:250ms"),
            Some(Fault::Latency(Duration::from_millis(250)).into())
        );
        assert_eq!(
            Fault::parse("latency:2s"),
            Some(Fault::Latency(Duration::from_secs(2)).into())
        );
        assert_eq!(
            Fault::parse("drip:10"),
            Some(Fault::SlowDrip { bytes_per_sec: 10 }.into())
        );
        assert_eq!(Fault::parse("stall"), Some(Fault::Stall.into()));
        assert_eq!(Fault::parse("bogus"), None);
        assert_eq!(Fault::parse("status:x"), None);
    }
}
