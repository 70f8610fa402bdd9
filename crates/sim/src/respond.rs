//! Turning a route's normal answer and an injected fault into what goes on the wire.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use crate::fault::Fault;
use crate::http_io::{Body, Delivery, Response, reason};
use crate::pages;
use crate::server::Reply;

/// A route's answer when no fault interferes, plus any delay the route itself adds.
pub(crate) struct Normal {
    pub response: Response,
    pub delay: Duration,
}

impl From<Response> for Normal {
    fn from(response: Response) -> Normal {
        Normal {
            response,
            delay: Duration::ZERO,
        }
    }
}

/// Who is answering: decides the 401 challenge and the look of injected errors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flavor {
    /// `acsjwt` or `oauthjwt`.
    pub challenge: &'static str,
}

/// The first bytes of a body (at most `max`), or half of it when it is shorter than `max`.
fn broken_prefix(body: &Body) -> Vec<u8> {
    const MAX: usize = 64 * 1024;
    let mut captured = match body {
        Body::Bytes(b) => b.clone(),
        Body::Stream { write, .. } => {
            struct Capture(Vec<u8>);
            impl Write for Capture {
                fn write(&mut self, data: &[u8]) -> io::Result<usize> {
                    if self.0.len() > MAX {
                        return Err(io::Error::other("captured enough"));
                    }
                    self.0.extend_from_slice(data);
                    Ok(data.len())
                }
                fn flush(&mut self) -> io::Result<()> {
                    Ok(())
                }
            }
            let mut capture = Capture(Vec::new());
            let _ = write(&mut capture);
            capture.0
        }
    };
    let keep = if captured.len() > MAX {
        MAX
    } else {
        (captured.len() / 2).max(1)
    };
    captured.truncate(keep);
    if captured.is_empty() {
        captured.push(b'{');
    }
    captured
}

/// A syntactically valid JSON object of exactly `size` bytes.
fn huge_body(size: u64) -> Body {
    let write = move |w: &mut dyn Write| -> io::Result<()> {
        const PREFIX: &[u8] = b"{\"padding\":\"";
        const SUFFIX: &[u8] = b"\"}";
        let frame = (PREFIX.len() + SUFFIX.len()) as u64;
        if size < frame {
            let mut small = b"{}".to_vec();
            small.resize(size.max(2) as usize, b' ');
            small.truncate(size as usize);
            return w.write_all(&small);
        }
        w.write_all(PREFIX)?;
        let chunk = [b'x'; 64 * 1024];
        let mut left = size - frame;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            w.write_all(&chunk[..n])?;
            left -= n as u64;
        }
        w.write_all(SUFFIX)
    };
    Body::Stream {
        len: Some(size),
        write: Arc::new(write),
    }
}

/// Applies `fault` (if any) to the route's answer; `normal` is only computed when needed.
pub(crate) fn apply(
    fault: Option<Fault>,
    flavor: Flavor,
    normal: impl FnOnce() -> Normal,
) -> Reply {
    let Some(fault) = fault else {
        let n = normal();
        return Reply::Respond {
            response: n.response,
            delivery: Delivery::Normal,
            delay: n.delay,
        };
    };
    let replace = |response: Response| Reply::now(response);
    match fault {
        Fault::Status(code) => replace(pages::dcos_error(
            code,
            reason(code),
            &format!("The simulated DC/OS cluster answered {code} (injected fault)."),
            "ERR_SIMULATED_FAULT",
        )),
        Fault::HtmlError(code) => replace(pages::nginx_page(code)),
        Fault::Unauthorized => replace(pages::unauthorized(flavor.challenge)),
        Fault::Forbidden => replace(pages::forbidden()),
        Fault::NotFound => replace(pages::nginx_page(404)),
        Fault::ServiceUnavailable => replace(pages::nginx_page(503)),
        Fault::RetryAfter(secs) => replace(
            pages::dcos_error(
                429,
                "Too Many Requests",
                "Rate limit exceeded; retry after the interval in Retry-After.",
                "ERR_RATE_LIMITED",
            )
            .header("Retry-After", secs.to_string()),
        ),
        Fault::Stall => Reply::Stall,
        Fault::Reset => Reply::Reset,
        Fault::Latency(extra) => {
            let n = normal();
            Reply::Respond {
                response: n.response,
                delivery: Delivery::Normal,
                delay: n.delay + extra,
            }
        }
        Fault::Truncated | Fault::SlowDrip { .. } => {
            let n = normal();
            let delivery = match fault {
                Fault::SlowDrip { bytes_per_sec } => Delivery::Drip { bytes_per_sec },
                _ => Delivery::Truncated,
            };
            Reply::Respond {
                response: n.response,
                delivery,
                delay: n.delay,
            }
        }
        Fault::MalformedJson | Fault::Huge(_) | Fault::WrongContentType => {
            let mut n = normal();
            if (200..300).contains(&n.response.status) {
                match fault {
                    Fault::MalformedJson => {
                        n.response.body = Body::Bytes(broken_prefix(&n.response.body))
                    }
                    Fault::Huge(size) => {
                        n.response.body = huge_body(size);
                        n.response.set_header("Content-Type", "application/json");
                    }
                    _ => n
                        .response
                        .set_header("Content-Type", "text/html; charset=utf-8"),
                }
            }
            Reply::Respond {
                response: n.response,
                delivery: Delivery::Normal,
                delay: n.delay,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_bodies_are_exact_and_valid() {
        for size in [0u64, 1, 2, 5, 14, 15, 100, 200_000] {
            let bytes = huge_body(size).to_vec().unwrap();
            assert_eq!(bytes.len() as u64, size);
            if size >= 2 {
                let _: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            }
        }
    }

    #[test]
    fn broken_prefix_is_not_json() {
        let body = Body::Bytes(br#"{"a":1,"b":[1,2,3]}"#.to_vec());
        let cut = broken_prefix(&body);
        assert!(serde_json::from_slice::<serde_json::Value>(&cut).is_err());
        assert!(
            serde_json::from_slice::<serde_json::Value>(&broken_prefix(&Body::Bytes(
                b"{}".to_vec()
            )))
            .is_err()
        );
    }
}
