//! Everything that reaches the terminal: DC/OS-style tables, 4-space JSON, warnings and progress on
//! stderr, and stdout writes that end quietly when the reader goes away (`| head`).

use std::io::{self, IsTerminal, Write};

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Padding, Style};

use crate::error::{Error, Result};

/// Pretty JSON as the DC/OS CLI prints it: 4-space indent, trailing newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value
        .serialize(&mut ser)
        .expect("serializing plain data to memory cannot fail");
    buf.push(b'\n');
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// A DC/OS-style table: upper-case headers, no borders, two spaces between columns, the given
/// columns right-aligned (numbers), no trailing spaces.
pub fn table(headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut builder = Builder::default();
    builder.push_record(headers.iter().map(|h| h.to_uppercase()));
    for row in rows {
        builder.push_record(row.iter().cloned());
    }
    let mut table = builder.build();
    table
        .with(Style::empty())
        .with(Padding::new(0, 2, 0, 0))
        .modify(Columns::last(), Padding::zero());
    for &col in right {
        table.modify(Columns::one(col), Alignment::right());
    }
    trim_lines(&table.to_string())
}

/// Key/value lines without a header, the key column padded.
pub fn key_values(rows: &[(&str, String)]) -> String {
    let mut builder = Builder::default();
    for (k, v) in rows {
        builder.push_record([k.to_string(), v.clone()]);
    }
    let mut table = builder.build();
    table
        .with(Style::empty())
        .with(Padding::new(0, 2, 0, 0))
        .modify(Columns::last(), Padding::zero());
    trim_lines(&table.to_string())
}

fn trim_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Writes to stdout; a closed pipe becomes a silent exit 0.
pub fn print(text: &str) -> Result<()> {
    print_bytes(text.as_bytes())
}

/// Writes bytes to stdout; a closed pipe becomes a silent exit 0.
pub fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Error::broken_pipe()),
        Err(e) => Err(Error::new("cannot write to standard output").cause(&e)),
    }
}

/// A warning on stderr.
pub fn warn(message: &str) {
    let _ = writeln!(io::stderr().lock(), "warning: {message}");
}

/// A notice on stderr (facts the operator should know that are not errors).
pub fn notice(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// Progress text on stderr, only when stderr is a terminal (never in CI logs or pipes).
pub struct Progress {
    active: bool,
}

impl Progress {
    /// Starts showing `message` if stderr is a terminal.
    pub fn start(message: &str) -> Progress {
        let active = io::stderr().is_terminal();
        if active {
            let _ = write!(io::stderr().lock(), "{message}…");
        }
        Progress { active }
    }

    /// Clears the progress line.
    pub fn finish(self) {}
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.active {
            let _ = write!(io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_look_like_the_dcos_cli() {
        let out = table(
            &["name", "events", "state"],
            &[
                vec!["metrics".into(), "12".into(), "enabled".into()],
                vec!["crash-reports".into(), "1234".into(), "disabled".into()],
            ],
            &[1],
        );
        assert_eq!(
            out,
            "NAME           EVENTS  STATE\nmetrics            12  enabled\ncrash-reports    1234  disabled\n"
        );
    }

    #[test]
    fn key_values_pad_the_key_column() {
        let out = key_values(&[("CLUSTER", "prod".into()), ("URL", "https://x".into())]);
        assert_eq!(out, "CLUSTER  prod\nURL      https://x\n");
    }

    #[test]
    fn json_uses_four_spaces() {
        assert_eq!(
            json(&serde_json::json!({"a": [1]})),
            "{\n    \"a\": [\n        1\n    ]\n}\n"
        );
    }
}
