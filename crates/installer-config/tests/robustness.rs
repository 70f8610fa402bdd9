//! Deterministic mutations of every fixture: `plan_opt_out` never panics, and every edit it
//! returns is idempotent and changes exactly one line (the property a fuzz target checks).

use std::path::Path;

use dcos_installer_config::{ChangeKind, Plan, plan_opt_out};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/config-yaml");

/// xorshift64*: a fixed sequence, so the test is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const PIECES: &[&[u8]] = &[
    b"\t",
    b" ",
    b"\n",
    b"\r\n",
    b"\r",
    b":",
    b"- ",
    b"? ",
    b"#",
    b"'",
    b"\"",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"!!str ",
    b"!",
    b"|",
    b">-",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"telemetry_enabled: ",
    b"telemetry_enabled:\n",
    b"off",
    b"~",
    b"<<: ",
    b"\xef\xbb\xbf",
    b"\xc3\xa9",
    b"\xe2\x80\xa8",
    b"\xff",
    b"\\",
    b"  ",
];

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in [
        Path::new(FIXTURES).to_path_buf(),
        Path::new(FIXTURES).join("crafted"),
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        {
            out.push(std::fs::read(p).unwrap());
        }
    }
    out
}

fn line_count(b: &[u8]) -> usize {
    let breaks = b
        .iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + usize::from(!b.is_empty() && !matches!(b.last(), Some(b'\n') | Some(b'\r')))
}

#[test]
fn mutated_fixtures_never_panic_and_edits_verify() {
    let seeds = seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut edits, mut refusals, mut unchanged) = (0, 0, 0);
    for _ in 0..4000 {
        let mut input = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            let pos = rng.below(input.len() + 1);
            match rng.below(3) {
                0 => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    input.splice(pos..pos, piece.iter().copied());
                }
                1 => {
                    let end = (pos + 1 + rng.below(6)).min(input.len());
                    input.drain(pos.min(end)..end);
                }
                _ => input.truncate(pos),
            }
        }
        match plan_opt_out(&input) {
            Ok(Plan::Edit(e)) => {
                edits += 1;
                match plan_opt_out(&e.new_bytes) {
                    Ok(Plan::AlreadyOptedOut(a)) => assert_eq!(
                        a.line,
                        Some(e.change.line),
                        "{:?}",
                        String::from_utf8_lossy(&input)
                    ),
                    other => panic!(
                        "not idempotent for {:?}: {other:?}",
                        String::from_utf8_lossy(&input)
                    ),
                }
                let added = usize::from(e.change.kind == ChangeKind::Added);
                assert_eq!(
                    line_count(&e.new_bytes),
                    line_count(&input) + added,
                    "{:?}",
                    String::from_utf8_lossy(&input)
                );
            }
            Ok(Plan::AlreadyOptedOut(_)) => unchanged += 1,
            Err(_) => refusals += 1,
        }
    }
    // The mutations exercise all three outcomes.
    assert!(
        edits > 500 && refusals > 500 && unchanged > 100,
        "{edits} edits, {refusals} refusals, {unchanged} unchanged"
    );
}
