//! Addresses that misbehave at the TCP level, for connect-timeout and connection-refused tests.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use crate::tls::LOOPBACK;

/// A loopback address whose TCP connects never complete: a listener that never accepts, with its
/// accept queue already full, so the kernel drops further SYNs and clients wait until their
/// connect timeout. Keep it alive for as long as the address is used.
#[derive(Debug)]
pub struct UnresponsiveAddr {
    addr: SocketAddr,
    _listener: TcpListener,
    _fillers: Vec<TcpStream>,
}

impl UnresponsiveAddr {
    /// The address (`127.0.0.1:<port>`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

/// Creates an [`UnresponsiveAddr`].
pub fn unresponsive_addr() -> io::Result<UnresponsiveAddr> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    socket.bind(&SocketAddr::new(LOOPBACK, 0).into())?;
    socket.listen(0)?;
    let listener: TcpListener = socket.into();
    let addr = listener.local_addr()?;
    let mut fillers = Vec::new();
    // Connect until one attempt times out: from then on the accept queue is full.
    for _ in 0..16 {
        let filler = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
        match filler.connect_timeout(&addr.into(), Duration::from_millis(300)) {
            Ok(()) => fillers.push(filler.into()),
            Err(e)
                if e.kind() == io::ErrorKind::TimedOut || e.kind() == io::ErrorKind::WouldBlock =>
            {
                return Ok(UnresponsiveAddr {
                    addr,
                    _listener: listener,
                    _fillers: fillers,
                });
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(
        "could not fill the accept queue of a loopback listener",
    ))
}

/// A loopback address where nothing listens (connects are refused).
pub fn refused_addr() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind(SocketAddr::new(LOOPBACK, 0))?;
    let addr = listener.local_addr()?;
    drop(listener);
    Ok(addr)
}
