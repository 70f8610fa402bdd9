//! A reader that hands out its bytes in small, irregular pieces, with the odd
//! `ErrorKind::Interrupted`, to check that the streaming parsers give the same answer however
//! the input is cut (what a socket does to an HTTP body).

use std::io::{self, Read};

/// Serves `data` in pieces whose sizes come from a generator seeded by the data itself, so
/// a crash input replays identically.
pub struct ChunkedReader<'a> {
    data: &'a [u8],
    pos: usize,
    state: u64,
    interrupted: bool,
}

impl<'a> ChunkedReader<'a> {
    /// A reader over `data`, its cut points derived from `salt` and the data.
    pub fn new(data: &'a [u8], salt: u64) -> Self {
        let mut state = 0x9E37_79B9_7F4A_7C15 ^ salt ^ (data.len() as u64).rotate_left(17);
        for &b in data.iter().take(16) {
            state = (state ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        ChunkedReader {
            data,
            pos: 0,
            state: state | 1,
            interrupted: false,
        }
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Read for ChunkedReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.data[self.pos..];
        if rest.is_empty() || buf.is_empty() {
            return Ok(0);
        }
        let r = self.next();
        if r.is_multiple_of(11) && !self.interrupted {
            self.interrupted = true;
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "fuzz: interrupted",
            ));
        }
        self.interrupted = false;
        let want = match r % 4 {
            0 => 1,
            1 => 1 + (r >> 8) as usize % 7,
            2 => 1 + (r >> 8) as usize % 300,
            _ => 1 + (r >> 8) as usize % 70_000,
        };
        let n = want.min(buf.len()).min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivers_everything_in_order() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut r = ChunkedReader::new(&data, 7);
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(out, data);
    }
}
