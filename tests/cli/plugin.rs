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

#[test]
fn every_subcommand_has_dcos_style_help() {
    for sub in ["status"] {
        let r = run(&["telemetry", sub, "--help"]);
        assert_eq!(r.code, 0, "{sub}");
        assert_eq!(r.stdout, run(&["telemetry", "help", sub]).stdout);
        snap!(format!("help_{}", sub.replace('-', "_")), r.transcript());
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
