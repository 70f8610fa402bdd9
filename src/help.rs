//! Help in the DC/OS CLI's layout (`Usage:`, `Commands:`, `Options:`, each item indented 4 and its
//! text indented 8), rendered from the clap definitions so help, completions and the man page agree.

use clap::Command;

/// The name the user types.
pub const PROGRAM: &str = "dcos telemetry";

/// Finds the (sub)command a help request is about: the leading words of `args` that name subcommands.
pub fn target<'a>(root: &'a Command, args: &[String]) -> (Vec<&'a str>, &'a Command) {
    let mut path = Vec::new();
    let mut cmd = root;
    for word in args {
        if word == "--" {
            break;
        }
        if word.starts_with('-') {
            continue;
        }
        match cmd.find_subcommand(word) {
            Some(sub) => {
                path.push(sub.get_name());
                cmd = sub;
            }
            None => break,
        }
    }
    (path, cmd)
}

/// Renders help for `cmd`, reached by `path` from the root.
pub fn render(cmd: &Command, path: &[&str]) -> String {
    let mut out = String::new();
    let about = cmd
        .get_long_about()
        .or_else(|| cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    if !about.is_empty() {
        out.push_str(&about);
        out.push_str("\n\n");
    }
    let name = std::iter::once(PROGRAM)
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let subcommands: Vec<&Command> = cmd.get_subcommands().filter(|c| !c.is_hide_set()).collect();
    out.push_str("Usage:\n");
    if subcommands.is_empty() {
        out.push_str(&format!("    {name} [options]\n"));
    } else {
        out.push_str(&format!("    {name} [command]\n"));
    }
    if !subcommands.is_empty() {
        out.push_str("\nCommands:\n");
        for sub in &subcommands {
            out.push_str(&format!("    {}\n", sub.get_name()));
            if let Some(about) = sub.get_about() {
                out.push_str(&format!("        {about}\n"));
            }
        }
    }
    let args: Vec<_> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
        .collect();
    if !args.is_empty() {
        out.push_str("\nOptions:\n");
        for arg in args {
            let mut flag = String::new();
            if let Some(short) = arg.get_short() {
                flag.push('-');
                flag.push(short);
                if arg.get_long().is_some() {
                    flag.push_str(", ");
                }
            }
            if let Some(long) = arg.get_long() {
                flag.push_str("--");
                flag.push_str(long);
            }
            if arg.get_action().takes_values() {
                let value = arg
                    .get_value_names()
                    .and_then(|v| v.first())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
                flag.push_str(&format!(" <{value}>"));
            }
            out.push_str(&format!("    {flag}\n"));
            let mut text = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                text.push_str(&format!(" (one of: {})", values.join(", ")));
            }
            if !text.is_empty() {
                out.push_str(&format!("        {text}\n"));
            }
        }
    }
    for (pos, arg) in cmd
        .get_arguments()
        .filter(|a| a.is_positional())
        .enumerate()
    {
        if pos == 0 {
            out.push_str("\nArguments:\n");
        }
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
        out.push_str(&format!("    <{value}>\n"));
        if let Some(help) = arg.get_help() {
            out.push_str(&format!("        {help}\n"));
        }
    }
    if let Some(after) = cmd.get_after_help() {
        out.push('\n');
        out.push_str(&after.to_string());
        out.push('\n');
    }
    if !subcommands.is_empty() {
        out.push_str(&format!(
            "\nUse \"{name} [command] --help\" for more information about a command.\n"
        ));
    }
    out
}
