//! Completion scripts for running the binary directly (`dcos-telemetry status ...`), generated
//! with clap_complete from the visible command line ([`crate::view::visible`]).
//!
//! Bash: clap_complete 4.6.11 names the completion states of a binary called `dcos-telemetry`
//! inconsistently (`dcos__telemetry__subcmd__status` in one place,
//! `dcos__subcmd__telemetry__subcmd__status` in the other; clap-rs/clap#6421), so nothing after
//! the first word completes. The script is therefore generated for the internal name
//! [`BASH_INTERNAL_NAME`], which has no hyphen, and its `complete` lines are rewritten to register
//! the function for `dcos-telemetry`. The function reads the typed command name from `$1`, so it
//! works under any name. The tests drive the result through bash.

use clap_complete::Shell;

use crate::{Error, Result};

/// The binary users run.
pub const BIN: &str = "dcos-telemetry";

/// The name the bash script is generated for (its function becomes `_dcos__telemetry`, distinct
/// from the DC/OS CLI's `_dcos_telemetry`).
pub const BASH_INTERNAL_NAME: &str = "dcos__telemetry";

/// `completions/bash/dcos-telemetry.bash`.
pub fn bash() -> Result<String> {
    let script = generate(Shell::Bash, BASH_INTERNAL_NAME);
    register_for(&script, BASH_INTERNAL_NAME, BIN)
}

/// `completions/zsh/_dcos-telemetry`.
pub fn zsh() -> String {
    generate(Shell::Zsh, BIN)
}

/// `completions/fish/dcos-telemetry.fish`.
pub fn fish() -> String {
    generate(Shell::Fish, BIN)
}

fn generate(shell: Shell, bin_name: &str) -> String {
    let mut cmd = crate::view::visible();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, bin_name, &mut out);
    String::from_utf8(out).expect("clap_complete writes UTF-8")
}

/// Rewrites the `complete -F <function> ... <internal>` lines of a bash script to end in `bin`.
pub fn register_for(script: &str, internal: &str, bin: &str) -> Result<String> {
    let old_end = format!(" {internal}");
    let mut rewritten = 0;
    let mut out = String::with_capacity(script.len());
    for line in script.lines() {
        match line.strip_suffix(&old_end) {
            Some(start) if line.trim_start().starts_with("complete -F ") => {
                out.push_str(start);
                out.push(' ');
                out.push_str(bin);
                rewritten += 1;
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    if rewritten == 0 {
        return Err(Error::new(format!(
            "the bash script from clap_complete has no `complete -F ... {internal}` line to \
             rewrite: its format changed, see crates/xtask/src/standalone.rs"
        )));
    }
    Ok(out)
}
