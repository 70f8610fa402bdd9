//! One error type for the whole tool: what happened, hints for the operator, the exit code, and the
//! low-level causes (shown only with `-v`). The exit-code table of the README lives here.

use std::fmt;

/// Process exit codes. Every subcommand uses this table; the README documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The command did what was asked.
    Success = 0,
    /// Any error: network, cluster, files, bad data.
    Error = 1,
    /// The command line could not be parsed.
    Usage = 2,
    /// A checked state differs from the expected one (`status --expect`, `opt-out --verify`).
    Mismatch = 3,
    /// Authentication or authorization failed (HTTP 401/403, login refused, no credentials).
    Auth = 4,
    /// Refused by policy: telemetry is off or opted out, so nothing was sent.
    Policy = 5,
}

impl Exit {
    /// The numeric process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// An error for the operator: `Error: <message>`, then `hint:` lines, then (with `-v`) the causes.
#[derive(Debug)]
pub struct Error {
    exit: Exit,
    message: String,
    hints: Vec<String>,
    causes: Vec<String>,
}

/// The result type used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A general error (exit 1).
    pub fn new(message: impl Into<String>) -> Error {
        Error::with_exit(Exit::Error, message)
    }

    /// An error with a specific exit code.
    pub fn with_exit(exit: Exit, message: impl Into<String>) -> Error {
        Error {
            exit,
            message: message.into(),
            hints: Vec::new(),
            causes: Vec::new(),
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Error {
        Error::with_exit(Exit::Usage, message)
    }

    /// An authentication or authorization error (exit 4).
    pub fn auth(message: impl Into<String>) -> Error {
        Error::with_exit(Exit::Auth, message)
    }

    /// The reader closed our stdout (e.g. `| head`): stop quietly with exit 0, as ripgrep does.
    pub fn broken_pipe() -> Error {
        Error::with_exit(Exit::Success, "")
    }

    /// Whether this error prints nothing (a broken pipe).
    pub fn is_silent(&self) -> bool {
        self.exit == Exit::Success
    }

    /// A refusal by policy (exit 5).
    pub fn policy(message: impl Into<String>) -> Error {
        Error::with_exit(Exit::Policy, message)
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hints.push(hint.into());
        self
    }

    /// Records the chain of a lower-level error, shown only at `-v`.
    pub fn cause(mut self, err: &(dyn std::error::Error + 'static)) -> Error {
        let mut cur = Some(err);
        while let Some(e) = cur {
            let text = e.to_string();
            if !text.is_empty() && self.causes.last() != Some(&text) {
                self.causes.push(text);
            }
            cur = e.source();
        }
        self
    }

    /// Records a cause given as text, shown only at `-v`.
    pub fn cause_text(mut self, text: impl Into<String>) -> Error {
        self.causes.push(text.into());
        self
    }

    /// The exit code this error maps to.
    pub fn exit(&self) -> Exit {
        self.exit
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint lines.
    pub fn hints(&self) -> &[String] {
        &self.hints
    }

    /// Renders the error for stderr: `Error:` line, `hint:` lines, and causes when `verbose`.
    pub fn render(&self, verbose: bool) -> String {
        if self.is_silent() {
            return String::new();
        }
        let mut out = format!("Error: {}\n", self.message);
        for hint in &self.hints {
            out.push_str("hint: ");
            out.push_str(hint);
            out.push('\n');
        }
        if verbose {
            for cause in &self.causes {
                out.push_str("caused by: ");
                out.push_str(cause);
                out.push('\n');
            }
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_message_hints_and_causes_only_when_verbose() {
        let io = std::io::Error::other("disk on fire");
        let err = Error::new("could not read config")
            .hint("check the file mode")
            .cause(&io);
        assert_eq!(
            err.render(false),
            "Error: could not read config\nhint: check the file mode\n"
        );
        assert_eq!(
            err.render(true),
            "Error: could not read config\nhint: check the file mode\ncaused by: disk on fire\n"
        );
        assert_eq!(err.exit().code(), 1);
    }

    #[test]
    fn exit_codes_match_the_readme_table() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::Error.code(), 1);
        assert_eq!(Exit::Usage.code(), 2);
        assert_eq!(Exit::Mismatch.code(), 3);
        assert_eq!(Exit::Auth.code(), 4);
        assert_eq!(Exit::Policy.code(), 5);
    }
}
