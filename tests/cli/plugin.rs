//! How the DC/OS CLI invokes the plugin (contract §1.4): argv, `--info`, `--version`, help, usage errors.

use crate::harness::{Home, Run};
use crate::snap;

fn run(args: &[&str]) -> Run {
    Home::new().run(args)
}

#[test]
fn info_prints_exactly_one_line() {
    let r = run(&["telemetry", "--info"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "See, prove and control the telemetry your DC/OS cluster sends\n"
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn plugin_toml_matches_the_binary() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plugin.toml")).unwrap();
    let toml: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(toml["schema_version"].as_integer(), Some(1));
    assert_eq!(toml["name"].as_str(), Some("dcos-telemetry"));
    let commands = toml["commands"].as_array().unwrap();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0]["name"].as_str(), Some("telemetry"));
    assert_eq!(commands[0]["path"].as_str(), Some("bin/dcos-telemetry"));
    let info = run(&["telemetry", "--info"]).stdout;
    assert_eq!(commands[0]["description"].as_str(), Some(info.trim_end()));
}

#[test]
fn version_in_both_modes() {
    let expected = format!("dcos-telemetry {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(run(&["telemetry", "--version"]).stdout, expected);
    assert_eq!(run(&["--version"]).stdout, expected);
}

#[test]
fn no_subcommand_prints_help_and_exits_0() {
    let plugin = run(&["telemetry"]);
    let standalone = run(&[]);
    assert_eq!(plugin.code, 0);
    assert_eq!(plugin.stdout, standalone.stdout);
    assert_eq!(plugin.stdout, run(&["telemetry", "--help"]).stdout);
    assert_eq!(plugin.stdout, run(&["telemetry", "-h"]).stdout);
    snap!("help_top", plugin.transcript());
}

/// Every subcommand path, nested ones included, from the clap definition itself.
fn subcommand_paths() -> Vec<Vec<String>> {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&dcos_telemetry::cli::Cli::command(), &[], &mut out);
    out
}

#[test]
fn every_subcommand_has_dcos_style_help() {
    let paths = subcommand_paths();
    assert!(paths.len() >= 2);
    for path in paths {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let mut args = vec!["telemetry"];
        args.extend(&words);
        args.push("--help");
        let r = run(&args);
        assert_eq!(r.code, 0, "{path:?}");
        assert!(
            r.stdout
                .contains(&format!("Usage:\n    dcos telemetry {} ", words.join(" ")))
        );
        let mut help_form = vec!["telemetry", "help"];
        help_form.extend(&words);
        assert_eq!(r.stdout, run(&help_form).stdout);
        snap!(
            format!("help_{}", words.join("_").replace('-', "_")),
            r.transcript()
        );
    }
}

#[test]
fn unknown_command_is_a_usage_error() {
    snap!(
        "usage_unknown_command",
        run(&["telemetry", "statu"]).transcript()
    );
    snap!(
        "usage_unknown_flag",
        run(&["telemetry", "status", "--jsn"]).transcript()
    );
    snap!(
        "usage_bad_value",
        run(&["telemetry", "status", "--expect", "maybe"]).transcript()
    );
}
