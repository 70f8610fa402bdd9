//! `completions/dcos-telemetry.1`: one man page for the whole command line, from the clap
//! definition via clap_mangen.
//!
//! clap_mangen renders one command per page and lists subcommands as references to other pages
//! (`dcos-telemetry-status(1)`). The plugin ships one page, so instead of those references it
//! gets a COMMANDS section with each subcommand's synopsis, description and own options.

use clap::Command;
use clap_mangen::Man;

use crate::{Context, Result};

/// Renders the page.
pub fn render() -> Result<String> {
    let built = crate::view::built();
    let man = Man::new(built.clone());
    let mut out = Vec::new();
    let io = || "rendering the man page".to_string();
    man.render_title(&mut out).context(io)?;
    man.render_name_section(&mut out).context(io)?;
    man.render_synopsis_section(&mut out).context(io)?;
    man.render_description_section(&mut out).context(io)?;
    if built.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out).context(io)?;
    }
    let mut text = String::from_utf8(out).context(io)?;
    if built.get_subcommands().any(|s| !s.is_hide_set()) {
        render_commands(&mut text, &built)?;
    }
    let mut out = Vec::new();
    if built.get_after_help().is_some() || built.get_after_long_help().is_some() {
        man.render_extra_section(&mut out).context(io)?;
    }
    if built.get_version().is_some() {
        man.render_version_section(&mut out).context(io)?;
    }
    text.push_str(&String::from_utf8(out).context(io)?);
    Ok(keep_first_preamble(&text))
}

/// Every clap_mangen render call starts with the same two-line preamble (defining the `Aq`
/// string); the page needs it once, at the top.
fn keep_first_preamble(text: &str) -> String {
    const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    match text.strip_prefix(PREAMBLE) {
        Some(rest) => format!("{PREAMBLE}{}", rest.replace(PREAMBLE, "")),
        None => text.to_string(),
    }
}

/// The COMMANDS section: the options every command inherits, then one subsection per subcommand.
fn render_commands(text: &mut String, root: &Command) -> Result<()> {
    text.push_str(".SH COMMANDS\n");
    let globals: Vec<String> = root
        .get_arguments()
        .filter(|a| a.is_global_set() && !a.is_hide_set())
        .filter_map(|a| a.get_long().map(|l| format!("\\fB\\-\\-{}\\fR", escape(l))))
        .collect();
    if !globals.is_empty() {
        text.push_str(&format!(
            "Every command also takes {}.\n",
            join_words(&globals)
        ));
    }
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_command(text, sub)?;
    }
    Ok(())
}

/// One subsection: heading, synopsis, description, options that are its own; then its subcommands.
fn render_command(text: &mut String, cmd: &Command) -> Result<()> {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    text.push_str(&format!(".SS \"{}\"\n", escape(name)));
    // Inherited global options are listed where they are defined.
    let own = cmd
        .clone()
        .mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
    let has_options = own.get_arguments().any(|a| !a.is_hide_set());
    let man = Man::new(own);
    let mut out = Vec::new();
    let io = || format!("rendering the man page section for {name}");
    man.render_synopsis_section(&mut out).context(io)?;
    man.render_description_section(&mut out).context(io)?;
    if has_options {
        man.render_options_section(&mut out).context(io)?;
    }
    for line in String::from_utf8(out).context(io)?.lines() {
        match line.strip_prefix(".SH ") {
            Some("SYNOPSIS" | "DESCRIPTION" | "OPTIONS") => text.push_str(".PP\n"),
            Some(heading) => {
                text.push_str(&format!(".PP\n\\fB{}\\fR\n", heading.trim_matches('"')))
            }
            None => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_command(text, sub)?;
    }
    Ok(())
}

/// Escapes text for roff: backslashes and hyphens (so they print as ASCII hyphen-minus).
fn escape(s: &str) -> String {
    s.replace('\\', "\\e").replace('-', "\\-")
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
