//! A TLS listener on 127.0.0.1 with one thread per connection, HTTP/1.1 keep-alive, and the
//! connection-level faults (stall, reset, truncation, slow drip) that a framework would not allow.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::http_io::{
    AfterWrite, Delivery, ReadOutcome, Request, Response, read_request, write_response,
};
use crate::pages;
use crate::tls::LOOPBACK;

/// How long an idle keep-alive connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a stalled request is held at most.
const STALL_LIMIT: Duration = Duration::from_secs(600);

/// What to do with a request.
pub(crate) enum Reply {
    /// Send `response` after `delay`, delivered as `delivery`.
    Respond {
        response: Response,
        delivery: Delivery,
        delay: Duration,
    },
    /// Never answer; keep the connection open.
    Stall,
    /// Close the connection with a TCP reset, without answering.
    Reset,
}

impl Reply {
    pub fn now(response: Response) -> Reply {
        Reply::Respond {
            response,
            delivery: Delivery::Normal,
            delay: Duration::ZERO,
        }
    }
}

/// Answers requests of one listener.
pub(crate) trait Handler: Send + Sync + 'static {
    fn handle(&self, req: Request) -> Reply;
}

struct Shared {
    shutdown: AtomicBool,
    accepted: AtomicUsize,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, TcpStream>>,
}

impl Shared {
    fn sleep(&self, total: Duration) {
        let end = Instant::now() + total;
        while !self.shutdown.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now >= end {
                break;
            }
            thread::sleep((end - now).min(Duration::from_millis(50)));
        }
    }
}

/// A running listener; stops (and drops its connections) when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Listens on `127.0.0.1:port` (0 picks a free port).
    pub fn start(
        port: u16,
        tls: Arc<ServerConfig>,
        handler: Arc<dyn Handler>,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(SocketAddr::new(LOOPBACK, port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            shutdown: AtomicBool::new(false),
            accepted: AtomicUsize::new(0),
            next_id: AtomicU64::new(0),
            conns: Mutex::new(HashMap::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name(format!("dcos-sim-accept-{}", addr.port()))
            .spawn(move || accept_loop(listener, tls, handler, accept_shared))?;
        Ok(Server {
            addr,
            shared,
            accept_thread: Some(accept_thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// TCP connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.accept_thread.take() {
            let _ = handle.join();
        }
        let conns = std::mem::take(&mut *self.shared.conns.lock().expect("connection registry"));
        for (_, stream) in conns {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    tls: Arc<ServerConfig>,
    handler: Arc<dyn Handler>,
    shared: Arc<Shared>,
) {
    for stream in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(tcp) = stream else {
            thread::sleep(Duration::from_millis(5));
            continue;
        };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = tcp.try_clone() {
            shared
                .conns
                .lock()
                .expect("connection registry")
                .insert(id, clone);
        }
        let (tls, handler, conn_shared) =
            (Arc::clone(&tls), Arc::clone(&handler), Arc::clone(&shared));
        let spawned = thread::Builder::new()
            .name("dcos-sim-conn".into())
            .spawn(move || {
                serve_connection(tcp, tls, handler.as_ref(), &conn_shared);
                conn_shared
                    .conns
                    .lock()
                    .expect("connection registry")
                    .remove(&id);
            });
        if spawned.is_err() {
            shared
                .conns
                .lock()
                .expect("connection registry")
                .remove(&id);
        }
    }
}

fn serve_connection(
    tcp: TcpStream,
    tls: Arc<ServerConfig>,
    handler: &dyn Handler,
    shared: &Shared,
) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(IDLE_TIMEOUT));
    let Ok(conn) = ServerConnection::new(tls) else {
        return;
    };
    let mut stream = StreamOwned::new(conn, tcp);
    let mut buf = Vec::new();
    let mut abrupt = false;
    loop {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let req = match read_request(&mut stream, &mut buf) {
            Ok(ReadOutcome::Request(req)) => req,
            Ok(ReadOutcome::Bad(status)) => {
                let _ = write_response(
                    &mut stream,
                    &pages::nginx_page(status),
                    false,
                    false,
                    Delivery::Normal,
                );
                break;
            }
            Ok(ReadOutcome::Closed) | Err(_) => {
                abrupt = true;
                break;
            }
        };
        let head_only = req.method == "HEAD";
        let keep_alive = req.keep_alive;
        match handler.handle(req) {
            Reply::Stall => {
                stall(&mut stream, shared);
                abrupt = true;
                break;
            }
            Reply::Reset => {
                let _ = socket2::SockRef::from(&stream.sock).set_linger(Some(Duration::ZERO));
                return;
            }
            Reply::Respond {
                response,
                delivery,
                delay,
            } => {
                if !delay.is_zero() {
                    shared.sleep(delay);
                }
                match write_response(&mut stream, &response, head_only, keep_alive, delivery) {
                    Ok(AfterWrite::KeepOpen) => continue,
                    Ok(AfterWrite::Close) => {
                        abrupt = delivery == Delivery::Truncated;
                        break;
                    }
                    Err(_) => {
                        abrupt = true;
                        break;
                    }
                }
            }
        }
    }
    if !abrupt {
        stream.conn.send_close_notify();
        let _ = stream.flush();
    }
    let _ = stream.sock.shutdown(Shutdown::Both);
}

/// Holds the connection without answering until the peer gives up or the server stops.
fn stall(stream: &mut StreamOwned<ServerConnection, TcpStream>, shared: &Shared) {
    let _ = stream
        .sock
        .set_read_timeout(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let mut sink = [0u8; 4096];
    while !shared.shutdown.load(Ordering::SeqCst) && started.elapsed() < STALL_LIMIT {
        match stream.read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
}
