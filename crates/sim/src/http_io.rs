//! HTTP/1.1 on a byte stream: reading requests (with `httparse`) and writing responses in the
//! deliberately imperfect ways the faults need (truncated, dripped, chunked).

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::gotime::GoTime;

/// Largest request head accepted (bytes).
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted (bytes); bigger bodies get 413.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (path plus query).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the connection may serve another request afterwards.
    pub keep_alive: bool,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The raw query string (without `?`), empty when absent.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// Whether the query has a parameter named `name` (any value).
    pub fn has_query_param(&self, name: &str) -> bool {
        self.query()
            .split('&')
            .any(|pair| pair.split('=').next() == Some(name))
    }
}

/// What reading the next request produced.
#[derive(Debug)]
pub(crate) enum ReadOutcome {
    Request(Request),
    /// The peer closed the connection (or went idle) between requests.
    Closed,
    /// A malformed or oversized request; answer with this status and close.
    Bad(u16),
}

/// A connection: requests are read from it and `100 Continue` is written to it.
pub(crate) trait Conn: Read + Write {}

impl<T: Read + Write> Conn for T {}

/// Reads one request from `stream`. `buf` carries bytes read past the previous request.
/// A request with `Expect: 100-continue` (curl sends it for bodies over 1 KB) gets its interim
/// `100 Continue` before the body is read.
pub(crate) fn read_request(stream: &mut dyn Conn, buf: &mut Vec<u8>) -> io::Result<ReadOutcome> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if !buf.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; 96];
            let mut parsed = httparse::Request::new(&mut headers);
            match parsed.parse(buf) {
                Ok(httparse::Status::Complete(head_len)) => {
                    let method = parsed.method.unwrap_or("").to_string();
                    let target = parsed.path.unwrap_or("").to_string();
                    let version = parsed.version.unwrap_or(1);
                    let headers: Vec<(String, String)> = parsed
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect();
                    buf.drain(..head_len);
                    let find = |name: &str| {
                        headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v.trim().to_ascii_lowercase())
                    };
                    let connection = find("connection").unwrap_or_default();
                    let keep_alive = if version == 0 {
                        connection.contains("keep-alive")
                    } else {
                        !connection.contains("close")
                    };
                    let chunked =
                        find("transfer-encoding").is_some_and(|te| te.contains("chunked"));
                    let has_body = chunked || find("content-length").is_some_and(|l| l != "0");
                    if has_body
                        && version == 1
                        && buf.is_empty()
                        && find("expect").is_some_and(|e| e == "100-continue")
                    {
                        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
                        stream.flush()?;
                    }
                    let body = if chunked {
                        match read_chunked(stream, buf)? {
                            Some(body) => body,
                            None => return Ok(ReadOutcome::Bad(400)),
                        }
                    } else if let Some(len) = find("content-length") {
                        let Ok(len) = len.parse::<usize>() else {
                            return Ok(ReadOutcome::Bad(400));
                        };
                        if len > MAX_BODY {
                            return Ok(ReadOutcome::Bad(413));
                        }
                        if !fill(stream, buf, len)? {
                            return Ok(ReadOutcome::Closed);
                        }
                        buf.drain(..len).collect()
                    } else {
                        Vec::new()
                    };
                    return Ok(ReadOutcome::Request(Request {
                        method,
                        target,
                        headers,
                        body,
                        keep_alive,
                    }));
                }
                Ok(httparse::Status::Partial) => {
                    if buf.len() > MAX_HEAD {
                        return Ok(ReadOutcome::Bad(431));
                    }
                }
                Err(_) => return Ok(ReadOutcome::Bad(400)),
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(ReadOutcome::Closed),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if is_disconnect(&e) => return Ok(ReadOutcome::Closed),
            Err(e) => return Err(e),
        }
    }
}

/// Errors that just mean the peer or the idle timer ended the connection.
pub(crate) fn is_disconnect(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::TimedOut
            | io::ErrorKind::WouldBlock
            | io::ErrorKind::NotConnected
    )
}

/// Reads until `buf` holds at least `len` bytes; false if the peer closed first.
fn fill(stream: &mut dyn Read, buf: &mut Vec<u8>, len: usize) -> io::Result<bool> {
    let mut chunk = [0u8; 16 * 1024];
    while buf.len() < len {
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if is_disconnect(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Reads a line ending in CRLF from `buf`/`stream` and removes it from `buf`.
fn take_line(stream: &mut dyn Read, buf: &mut Vec<u8>) -> io::Result<Option<String>> {
    loop {
        if let Some(pos) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = String::from_utf8_lossy(&buf[..pos]).into_owned();
            buf.drain(..pos + 2);
            return Ok(Some(line));
        }
        if buf.len() > MAX_HEAD {
            return Ok(None);
        }
        let have = buf.len();
        if !fill(stream, buf, have + 1)? {
            return Ok(None);
        }
    }
}

/// Decodes a chunked body; `None` when it is malformed or too large.
fn read_chunked(stream: &mut dyn Read, buf: &mut Vec<u8>) -> io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    loop {
        let Some(line) = take_line(stream, buf)? else {
            return Ok(None);
        };
        let size_text = line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return Ok(None);
        };
        if size == 0 {
            // Trailers end with an empty line.
            loop {
                match take_line(stream, buf)? {
                    None => return Ok(None),
                    Some(l) if l.is_empty() => return Ok(Some(body)),
                    Some(_) => {}
                }
            }
        }
        if body.len() + size > MAX_BODY || !fill(stream, buf, size + 2)? {
            return Ok(None);
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

/// Writes a streamed body to a writer.
pub(crate) type StreamFn = Arc<dyn Fn(&mut dyn Write) -> io::Result<()> + Send + Sync>;

/// A response body.
#[derive(Clone)]
pub(crate) enum Body {
    /// Sent with `Content-Length`.
    Bytes(Vec<u8>),
    /// Produced while sending; with `Content-Length` when `len` is known, else chunked.
    Stream { len: Option<u64>, write: StreamFn },
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Body::Stream { len, .. } => write!(f, "Stream(len {len:?})"),
        }
    }
}

impl Body {
    /// The whole body in memory (streams are rendered).
    #[cfg(test)]
    pub fn to_vec(&self) -> io::Result<Vec<u8>> {
        match self {
            Body::Bytes(b) => Ok(b.clone()),
            Body::Stream { write, .. } => {
                let mut out = Vec::new();
                write(&mut out)?;
                Ok(out)
            }
        }
    }

    fn total_len(&self) -> io::Result<u64> {
        match self {
            Body::Bytes(b) => Ok(b.len() as u64),
            Body::Stream { len: Some(len), .. } => Ok(*len),
            Body::Stream { len: None, write } => {
                let mut counter = crate::data::report::CountingWriter::default();
                write(&mut counter)?;
                Ok(counter.count)
            }
        }
    }
}

/// A response before it is put on the wire.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    /// Headers other than the framing ones (`Content-Length`, `Transfer-Encoding`, `Connection`,
    /// `Date`), which the writer adds.
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
        }
    }

    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response::new(status, "application/json", body)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces (or adds) a header.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
    }
}

/// How the bytes of a response go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    Normal,
    /// Announce the full `Content-Length`, send half the body, then close.
    Truncated,
    /// Send the body at this many bytes per second.
    Drip {
        bytes_per_sec: u64,
    },
}

/// Standard reason phrases.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Writes at most `limit` bytes, then fails (used to cut a body short).
struct LimitWriter<'a> {
    inner: &'a mut dyn Write,
    left: u64,
}

impl Write for LimitWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::other("simulated truncation"));
        }
        let n = data.len().min(self.left as usize);
        self.inner.write_all(&data[..n])?;
        self.left -= n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Sends bytes slowly: `bytes_per_sec`, in ten slices a second, flushing each.
struct DripWriter<'a> {
    inner: &'a mut dyn Write,
    slice: usize,
    pause: Duration,
}

impl<'a> DripWriter<'a> {
    fn new(inner: &'a mut dyn Write, bytes_per_sec: u64) -> DripWriter<'a> {
        let per_tick = (bytes_per_sec / 10).max(1);
        DripWriter {
            inner,
            slice: per_tick as usize,
            pause: Duration::from_millis(100),
        }
    }
}

impl Write for DripWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(self.slice);
        self.inner.write_all(&data[..n])?;
        self.inner.flush()?;
        thread::sleep(self.pause);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Frames writes as HTTP chunks.
struct ChunkedWriter<'a> {
    inner: &'a mut dyn Write,
}

impl Write for ChunkedWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        write!(self.inner, "{:x}\r\n", data.len())?;
        self.inner.write_all(data)?;
        self.inner.write_all(b"\r\n")?;
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What the connection should do after a response was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterWrite {
    KeepOpen,
    Close,
}

/// Writes `response` to `out`. `head_only` is for HEAD requests.
pub(crate) fn write_response(
    out: &mut dyn Write,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
    delivery: Delivery,
) -> io::Result<AfterWrite> {
    let truncated = delivery == Delivery::Truncated;
    let keep_alive = keep_alive && !truncated;
    let no_body_status = response.status == 204 || response.status == 304 || response.status < 200;
    let (length, chunked) = match (&response.body, truncated) {
        (_, true) => (Some(response.body.total_len()?), false),
        (Body::Bytes(b), _) => (Some(b.len() as u64), false),
        (Body::Stream { len: Some(len), .. }, _) => (Some(*len), false),
        (Body::Stream { len: None, .. }, _) => (None, true),
    };

    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    let mut has_date = false;
    for (name, value) in &response.headers {
        has_date |= name.eq_ignore_ascii_case("date");
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !has_date {
        head.push_str(&format!("Date: {}\r\n", GoTime::now().http_date()));
    }
    if !no_body_status {
        match length {
            Some(len) => head.push_str(&format!("Content-Length: {len}\r\n")),
            None => head.push_str("Transfer-Encoding: chunked\r\n"),
        }
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    out.write_all(head.as_bytes())?;

    if head_only || no_body_status {
        out.flush()?;
        return Ok(if keep_alive {
            AfterWrite::KeepOpen
        } else {
            AfterWrite::Close
        });
    }

    let send = |sink: &mut dyn Write| -> io::Result<()> {
        match &response.body {
            Body::Bytes(b) => sink.write_all(b),
            Body::Stream { write, .. } => write(sink),
        }
    };

    if truncated {
        let half = length.unwrap_or(0) / 2;
        let mut limited = LimitWriter {
            inner: out,
            left: half,
        };
        // The limit error is the point; whatever was written is flushed below.
        let _ = send(&mut limited);
        out.flush()?;
        return Ok(AfterWrite::Close);
    }

    let result = match (delivery, chunked) {
        (Delivery::Drip { bytes_per_sec }, true) => {
            let mut drip = DripWriter::new(out, bytes_per_sec);
            let mut chunks = ChunkedWriter { inner: &mut drip };
            send(&mut chunks).and_then(|_| drip.write_all(b"0\r\n\r\n"))
        }
        (Delivery::Drip { bytes_per_sec }, false) => {
            let mut drip = DripWriter::new(out, bytes_per_sec);
            send(&mut drip)
        }
        (_, true) => {
            let mut chunks = ChunkedWriter { inner: out };
            send(&mut chunks).and_then(|_| out.write_all(b"0\r\n\r\n"))
        }
        (_, false) => send(out),
    };
    result?;
    out.flush()?;
    Ok(if keep_alive {
        AfterWrite::KeepOpen
    } else {
        AfterWrite::Close
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Input from a byte slice, output collected.
    struct Pipe<'a> {
        input: &'a [u8],
        output: Vec<u8>,
    }

    impl Read for Pipe<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Pipe<'_> {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.output.write(data)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn parse(raw: &[u8]) -> ReadOutcome {
        let mut buf = Vec::new();
        let mut pipe = Pipe {
            input: raw,
            output: Vec::new(),
        };
        read_request(&mut pipe, &mut buf).unwrap()
    }

    #[test]
    fn answers_expect_100_continue_before_reading_the_body() {
        let mut pipe = Pipe {
            input: b"POST /v1/batch HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
            output: Vec::new(),
        };
        let mut buf = Vec::new();
        // The body arrives only after the interim answer; here the peer then closes.
        assert!(matches!(
            read_request(&mut pipe, &mut buf).unwrap(),
            ReadOutcome::Closed
        ));
        assert_eq!(pipe.output, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn reads_content_length_and_chunked_bodies() {
        let ReadOutcome::Request(r) =
            parse(b"POST /v1/batch?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}")
        else {
            panic!("expected a request")
        };
        assert_eq!(
            (r.method.as_str(), r.path(), r.query()),
            ("POST", "/v1/batch", "x=1")
        );
        assert_eq!(r.body, b"{}");
        assert!(r.keep_alive);
        let ReadOutcome::Request(r) = parse(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
        ) else {
            panic!("expected a request")
        };
        assert_eq!(r.body, b"abcde");
        assert!(!r.keep_alive);
        assert!(matches!(
            parse(b"GARBAGE\x01\r\n\r\n"),
            ReadOutcome::Bad(400)
        ));
        assert!(matches!(parse(b""), ReadOutcome::Closed));
    }

    #[test]
    fn writes_framing_for_each_delivery() {
        let body = Response::json(200, b"0123456789".to_vec()).header("Date", "x");
        let mut out = Vec::new();
        write_response(&mut out, &body, false, true, Delivery::Normal).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: x\r\nContent-Length: 10\r\nConnection: keep-alive\r\n\r\n0123456789"
        );
        let mut out = Vec::new();
        assert_eq!(
            write_response(&mut out, &body, false, true, Delivery::Truncated).unwrap(),
            AfterWrite::Close
        );
        assert!(
            String::from_utf8(out)
                .unwrap()
                .ends_with("Content-Length: 10\r\nConnection: close\r\n\r\n01234")
        );
        let stream = Response {
            status: 200,
            headers: vec![("Date".into(), "x".into())],
            body: Body::Stream {
                len: None,
                write: Arc::new(|w: &mut dyn Write| w.write_all(b"hello")),
            },
        };
        let mut out = Vec::new();
        write_response(&mut out, &stream, false, false, Delivery::Normal).unwrap();
        assert!(String::from_utf8(out).unwrap().ends_with(
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        ));
    }
}
