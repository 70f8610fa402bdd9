//! The generated completion scripts: up to date, and behaving in bash as the DC/OS CLI and a
//! plain `dcos-telemetry` invocation need. Expectations come from the clap definition (through
//! [`xtask::model::Node`]), so new subcommands and flags are covered without editing this file;
//! the spot checks pin the cases the contract names.

use std::collections::BTreeSet;

use xtask::generated::{self, DCOS_BASH};
use xtask::model::{Flag, Node};

use crate::support::{bash, root, sh, sh_path};

#[test]
fn generated_files_are_up_to_date() {
    let stale = generated::stale(&root()).unwrap();
    assert!(stale.is_empty(), "{}", generated::stale_message(&stale));
}

#[test]
fn stale_check_names_the_command_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let stale = generated::stale(dir.path()).unwrap();
    assert_eq!(stale.len(), generated::render_all().unwrap().len());
    let message = generated::stale_message(&stale);
    assert!(
        message.contains("run `cargo xtask completions`"),
        "{message}"
    );
    assert!(message.contains(DCOS_BASH), "{message}");
}

#[test]
fn hidden_arguments_stay_hidden() {
    let built = xtask::view::built();
    let mut hidden = BTreeSet::new();
    collect_hidden_longs(&built, &mut hidden);
    // `--info` is only for the DC/OS CLI (contract §1.4); it must never be offered.
    assert!(hidden.contains("info"), "hidden: {hidden:?}");
    for file in generated::render_all().unwrap() {
        for long in &hidden {
            for needle in [
                format!("--{long}"),
                format!("\\-\\-{long}"),
                format!("-l {long}"),
            ] {
                assert!(
                    !mentions(&file.contents, &needle),
                    "{} offers the hidden option --{long}",
                    file.path
                );
            }
        }
    }
    // The fish script lists options for its own parser too.
    let fish = xtask::standalone::fish();
    let optspec = fish
        .lines()
        .find(|l| l.contains("string join"))
        .expect("fish optspec");
    for long in &hidden {
        assert!(!optspec.split_whitespace().any(|w| w == long), "{optspec}");
    }
}

fn collect_hidden_longs(cmd: &clap::Command, out: &mut BTreeSet<String>) {
    for arg in cmd.get_arguments().filter(|a| a.is_hide_set()) {
        out.extend(arg.get_long().map(str::to_string));
    }
    for sub in cmd.get_subcommands() {
        collect_hidden_longs(sub, out);
    }
}

/// Whether `needle` occurs in `text` as a whole option name (not as the start of a longer one).
fn mentions(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let next = text[at + needle.len()..].chars().next();
        !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

// ---- The DC/OS completion file -------------------------------------------------------------

/// One completion request: the words of `dcos ...` with the cursor on the last one.
struct Case {
    line: String,
    expected: Vec<String>,
}

impl Case {
    fn new(line: impl Into<String>, expected: Vec<String>) -> Case {
        Case {
            line: line.into(),
            expected,
        }
    }
}

/// Runs every case in one bash: the stand-in CLI helpers, then the generated file, then one
/// `__dcos_test_complete` per case. Returns the candidates per case, as `<candidate>` lines.
fn complete_dcos(script: &std::path::Path, lines: &[&str]) -> Vec<Vec<String>> {
    let helpers = root().join("crates/xtask/tests/xtask/dcos-cli-helpers.bash");
    let mut program = format!("source {}\nsource {}\n", sh_path(&helpers), sh_path(script));
    for line in lines {
        let words: Vec<&str> = line.split(' ').collect();
        let quoted: Vec<String> = words.iter().map(|w| sh(w)).collect();
        program.push_str(&format!(
            "echo '@@'\n__dcos_test_complete {} {}\n",
            words.len() - 1,
            quoted.join(" ")
        ));
    }
    let out = bash(&program).stdout;
    let mut results: Vec<Vec<String>> = Vec::new();
    for line in out.lines() {
        if line == "@@" {
            results.push(Vec::new());
        } else {
            let candidate = line
                .strip_prefix('<')
                .and_then(|l| l.strip_suffix('>'))
                .unwrap_or_else(|| panic!("unexpected output line {line:?}"));
            results
                .last_mut()
                .expect("a case marker first")
                .push(candidate.to_string());
        }
    }
    assert_eq!(results.len(), lines.len(), "output:\n{out}");
    results
}

fn check_dcos(cases: &[Case]) {
    let script = root().join(DCOS_BASH);
    let lines: Vec<&str> = cases.iter().map(|c| c.line.as_str()).collect();
    let results = complete_dcos(&script, &lines);
    let mut failures = Vec::new();
    for (case, got) in cases.iter().zip(results) {
        if got != case.expected {
            failures.push(format!(
                "`{}<TAB>`\n    expected {:?}\n    got      {:?}",
                case.line, case.expected, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} completions differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// What `__dcos_handle_compreply` makes of candidates: a trailing space, except after `=`.
fn replies<S: AsRef<str>>(candidates: impl IntoIterator<Item = S>) -> Vec<String> {
    candidates
        .into_iter()
        .map(|c| {
            let c = c.as_ref();
            if c.starts_with("--") && c.contains('=') {
                c.to_string()
            } else {
                format!("{c} ")
            }
        })
        .collect()
}

fn flag_replies(node: &Node, prefix: &str) -> Vec<String> {
    replies(node.flags.iter().flat_map(|f| {
        let suffix = if f.takes_value { "=" } else { "" };
        f.longs
            .iter()
            .map(move |l| format!("--{l}{suffix}"))
            .filter(|c| c.starts_with(prefix))
            .collect::<Vec<_>>()
    }))
}

fn prefix(node: &Node) -> String {
    let mut words = vec!["dcos".to_string(), "telemetry".to_string()];
    words.extend(node.path.iter().cloned());
    words.join(" ")
}

/// Cases derived from the clap definition, for every command of the tree.
fn derived_cases(root: &Node) -> Vec<Case> {
    let mut cases = Vec::new();
    for node in root.walk() {
        let at = prefix(node);
        let words_here = if node.is_leaf() {
            replies(&node.positional_values)
        } else {
            replies(node.commands())
        };
        cases.push(Case::new(format!("{at} "), words_here.clone()));
        cases.push(Case::new(format!("{at} --"), flag_replies(node, "--")));
        cases.push(Case::new(format!("{at} --help "), vec![]));
        cases.push(Case::new(format!("{at} -h "), vec![]));
        for child in &node.children {
            let name = child.name();
            let start = &name[..name.len().min(2)];
            let matching = node.commands().into_iter().filter(|c| c.starts_with(start));
            cases.push(Case::new(format!("{at} {start}"), replies(matching)));
        }
        for flag in node.flags.iter().filter(|f| f.takes_value) {
            cases.extend(value_cases(node, &at, flag, &words_here));
        }
    }
    cases
}

fn value_cases(node: &Node, at: &str, flag: &Flag, words_here: &[String]) -> Vec<Case> {
    let mut cases = Vec::new();
    let values = replies(&flag.values);
    for spelling in flag.spellings() {
        // `--flag <TAB>`: its values, never subcommands.
        cases.push(Case::new(format!("{at} {spelling} "), values.clone()));
        // `--flag value <TAB>`: the value is skipped, completion goes on at this level.
        cases.push(Case::new(
            format!("{at} {spelling} x "),
            if node.is_leaf() {
                words_here.to_vec()
            } else {
                replies(node.commands())
            },
        ));
        if let Some(child) = node.children.first() {
            let child_flags = flag_replies(child, "--");
            cases.push(Case::new(
                format!("{at} {spelling} x {} --", child.name()),
                child_flags.clone(),
            ));
            if let Some(long) = flag.longs.first() {
                cases.push(Case::new(
                    format!("{at} --{long}=x {} --", child.name()),
                    child_flags,
                ));
            }
        }
    }
    for long in &flag.longs {
        // `--flag=<TAB>`: values without the `--flag=` readline keeps.
        cases.push(Case::new(format!("{at} --{long}="), values.clone()));
        if let Some(first) = flag.values.first() {
            let start = &first[..1];
            let matching = flag.values.iter().filter(|v| v.starts_with(start));
            cases.push(Case::new(
                format!("{at} --{long}={start}"),
                replies(matching),
            ));
            if let Some(d) = flag.delimiter {
                let with_head = flag.values.iter().map(|v| format!("{first}{d}{v}"));
                cases.push(Case::new(
                    format!("{at} --{long}={first}{d}"),
                    replies(with_head),
                ));
            }
        }
    }
    cases
}

#[test]
fn dcos_completion_follows_the_clap_definition() {
    let plugin = Node::plugin();
    let cases = derived_cases(&plugin);
    // Every command, and every option with a value, got cases.
    assert!(
        cases.len() > 10 * plugin.walk().len(),
        "{} cases",
        cases.len()
    );
    check_dcos(&cases);
}

#[test]
fn dcos_completion_spot_checks() {
    let s = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let plugin = Node::plugin();
    let status = plugin
        .children
        .iter()
        .find(|c| c.name() == "status")
        .unwrap();
    check_dcos(&[
        Case::new("dcos tel", s(&["telemetry "])),
        Case::new("dcos telemetry st", s(&["status "])),
        Case::new("dcos telemetry sh", s(&["show-payload "])),
        Case::new("dcos telemetry auth lo", s(&["login ", "logout "])),
        Case::new(
            "dcos telemetry --cluster=prod auth lo",
            s(&["login ", "logout "]),
        ),
        Case::new("dcos telemetry status --", flag_replies(status, "--")),
        Case::new("dcos telemetry status --j", s(&["--json "])),
        Case::new("dcos telemetry status --exp", s(&["--expect="])),
        Case::new(
            "dcos telemetry status --expect ",
            s(&["enabled ", "disabled "]),
        ),
        Case::new("dcos telemetry status --expect=d", s(&["disabled "])),
        Case::new("dcos telemetry status --json --expect e", s(&["enabled "])),
        Case::new(
            "dcos telemetry show-payload --event ",
            s(&["health ", "package_list ", "mesos_track "]),
        ),
        Case::new(
            "dcos telemetry show-payload --event=health,p",
            s(&["health,package_list "]),
        ),
        Case::new("dcos telemetry show-payload -o ", vec![]),
        Case::new("dcos telemetry --cluster prod st", s(&["status "])),
        Case::new("dcos telemetry --cluster prod status --j", s(&["--json "])),
        Case::new("dcos telemetry --timeout=5 status --j", s(&["--json "])),
        Case::new("dcos telemetry --cluster ", vec![]),
        Case::new("dcos telemetry status --help --", vec![]),
        Case::new("dcos telemetry nope --", vec![]),
    ]);
}

#[test]
fn sourcing_the_dcos_completion_only_defines_functions() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let script = root().join(DCOS_BASH);
    // Variables a sourcing could clobber are set first; everything is compared after.
    let program = format!(
        r#"set -euo pipefail
cur=c prev=p words=(w) cword=1 c=1 last_command=l command=x i=7 flags=(f) commands=(m) COMPREPLY=(r)
vars_before=$(compgen -v | grep -vxE 'BASH_.*|FUNCNAME|_|LINENO|PIPESTATUS|SECONDS|RANDOM|SRANDOM|EPOCH.*|vars_.*|funcs_.*|opts_.*|values_.*')
funcs_before=$(declare -F)
opts_before=$(set -o; shopt -p)
values_before=$(declare -p cur prev words cword c last_command command i flags commands COMPREPLY IFS)
source {script} >{out} 2>&1
vars_after=$(compgen -v | grep -vxE 'BASH_.*|FUNCNAME|_|LINENO|PIPESTATUS|SECONDS|RANDOM|SRANDOM|EPOCH.*|vars_.*|funcs_.*|opts_.*|values_.*')
funcs_after=$(declare -F)
opts_after=$(set -o; shopt -p)
values_after=$(declare -p cur prev words cword c last_command command i flags commands COMPREPLY IFS)
[ "$vars_before" = "$vars_after" ] || {{ echo "variables changed"; diff <(echo "$vars_before") <(echo "$vars_after") || true; }}
[ "$opts_before" = "$opts_after" ] || echo "shell options changed"
[ "$values_before" = "$values_after" ] || echo "variable values changed"
{{ diff <(echo "$funcs_before") <(echo "$funcs_after") || true; }} | sed -n 's/^> declare -f //p'
"#,
        script = sh_path(&script),
        out = sh_path(&out),
    );
    let run = bash(&program);
    let defined: Vec<&str> = run.stdout.lines().collect();
    let mut expected: Vec<String> = Node::plugin()
        .walk()
        .iter()
        .map(|n| n.function_name())
        .collect();
    expected.sort();
    assert_eq!(defined, expected, "output:\n{}", run.stdout);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "",
        "sourcing printed"
    );
    // The names the DC/OS CLI calls (contract §3).
    assert!(defined.contains(&"_dcos_telemetry"));
    assert!(defined.contains(&"_dcos_telemetry_show_payload"));
}

// ---- The standalone scripts ----------------------------------------------------------------

/// Completes each line with the standalone bash script (`script` text), the way bash calls a
/// `complete -F` function; returns the candidates per line.
fn complete_standalone(script: &str, lines: &[&str]) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dcos-telemetry.bash");
    std::fs::write(&path, script).unwrap();
    let mut program = format!(
        r#"source {}
spec=$(complete -p dcos-telemetry)
fn=$(printf '%s\n' "$spec" | sed -n 's/.*-F \([^ ]*\).*/\1/p')
__complete() {{
    COMP_CWORD=$1; shift
    COMP_WORDS=("$@"); COMP_LINE="$*"; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9; COMP_KEY=9
    COMPREPLY=()
    "$fn" "${{COMP_WORDS[0]}}" "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
    local candidate
    for candidate in "${{COMPREPLY[@]}}"; do printf '<%s>\n' "$candidate"; done
}}
"#,
        sh_path(&path)
    );
    for line in lines {
        let words: Vec<&str> = line.split(' ').collect();
        let quoted: Vec<String> = words.iter().map(|w| sh(w)).collect();
        program.push_str(&format!(
            "echo '@@'\n__complete {} {}\n",
            words.len() - 1,
            quoted.join(" ")
        ));
    }
    let out = bash(&program).stdout;
    let mut results: Vec<Vec<String>> = Vec::new();
    for line in out.lines() {
        if line == "@@" {
            results.push(Vec::new());
        } else {
            let candidate = line
                .strip_prefix('<')
                .and_then(|l| l.strip_suffix('>'))
                .unwrap_or_else(|| panic!("unexpected output line {line:?}"));
            results.last_mut().unwrap().push(candidate.to_string());
        }
    }
    assert_eq!(results.len(), lines.len(), "output:\n{out}");
    results
}

fn standalone_prefix(node: &Node) -> String {
    std::iter::once("dcos-telemetry".to_string())
        .chain(node.path.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.into_iter().collect();
    items.sort();
    items
}

#[test]
fn standalone_bash_completes_every_level() {
    let plugin = Node::plugin();
    let mut lines = Vec::new();
    let mut expected = Vec::new();
    for node in plugin.walk() {
        let at = standalone_prefix(node);
        let longs = node
            .flags
            .iter()
            .flat_map(|f| f.longs.iter().map(|l| format!("--{l}")));
        lines.push(format!("{at} --"));
        expected.push(sorted(longs));
        for child in &node.children {
            let start = &child.name()[..2];
            lines.push(format!("{at} {start}"));
            expected.push(sorted(
                node.commands()
                    .into_iter()
                    .filter(|c| c.starts_with(start))
                    .map(str::to_string),
            ));
        }
        for flag in node.flags.iter().filter(|f| !f.values.is_empty()) {
            for spelling in flag.spellings() {
                lines.push(format!("{at} {spelling} "));
                expected.push(sorted(flag.values.iter().cloned()));
            }
        }
    }
    let script = std::fs::read_to_string(root().join(generated::BASH)).unwrap();
    let line_refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let got = complete_standalone(&script, &line_refs);
    let failures: Vec<String> = lines
        .iter()
        .zip(got.into_iter().map(sorted))
        .zip(&expected)
        .filter(|((_, got), want)| got != *want)
        .map(|((line, got), want)| format!("`{line}<TAB>`: expected {want:?}, got {got:?}"))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn standalone_bash_spot_checks() {
    let script = std::fs::read_to_string(root().join(generated::BASH)).unwrap();
    let got = complete_standalone(
        &script,
        &[
            "dcos-telemetry st",
            "dcos-telemetry status --j",
            "dcos-telemetry auth lo",
            "dcos-telemetry status --expect ",
            "dcos-telemetry show-payload --ev",
            "dcos-telemetry --in",
        ],
    );
    assert_eq!(got[0], ["status"]);
    assert_eq!(got[1], ["--json"]);
    assert_eq!(got[2], ["login", "logout"]);
    assert_eq!(got[3], ["enabled", "disabled"]);
    assert_eq!(got[4], ["--event"]);
    assert_eq!(got[5], Vec::<String>::new(), "the hidden --info is offered");
    // Registered for the binary's real name, with a function of its own.
    assert!(
        script.contains("complete -F _dcos__telemetry -o bashdefault -o default dcos-telemetry\n"),
        "{script}"
    );
}

/// Documents why `standalone::bash` renames: clap_complete's own script for `dcos-telemetry`
/// completes nothing below the first level (clap-rs/clap#6421). When this fails, clap_complete is
/// fixed and the rename in `src/standalone.rs` can go.
#[test]
fn clap_complete_bash_still_needs_the_workaround() {
    let mut cmd = xtask::view::visible();
    let mut raw = Vec::new();
    clap_complete::generate(
        clap_complete::Shell::Bash,
        &mut cmd,
        "dcos-telemetry",
        &mut raw,
    );
    let raw = String::from_utf8(raw).unwrap();
    let got = complete_standalone(
        &raw,
        &[
            "dcos-telemetry st",
            "dcos-telemetry status --j",
            "dcos-telemetry auth lo",
        ],
    );
    assert_eq!(got[0], ["status"], "the first level works either way");
    let fixed = "clap_complete now completes nested levels of hyphenated binaries: drop the rename";
    assert_eq!(got[1], Vec::<String>::new(), "{fixed}");
    assert_eq!(got[2], Vec::<String>::new(), "{fixed}");
}

#[test]
fn register_for_rejects_a_script_without_a_complete_line() {
    let err = xtask::standalone::register_for("_f() { :; }\n", "dcos__telemetry", "dcos-telemetry")
        .unwrap_err();
    assert!(err.to_string().contains("format changed"), "{err}");
    let ok = xtask::standalone::register_for(
        "complete -F _x -o default dcos__telemetry\n",
        "dcos__telemetry",
        "dcos-telemetry",
    )
    .unwrap();
    assert_eq!(ok, "complete -F _x -o default dcos-telemetry\n");
}

#[test]
fn zsh_and_fish_scripts_cover_every_visible_option_and_command() {
    let zsh = xtask::standalone::zsh();
    let fish = xtask::standalone::fish();
    assert!(zsh.starts_with("#compdef dcos-telemetry\n"), "{zsh}");
    for node in Node::plugin().walk() {
        for flag in &node.flags {
            for long in &flag.longs {
                assert!(mentions(&zsh, &format!("--{long}")), "zsh lacks --{long}");
                assert!(
                    mentions(&fish, &format!("-l {long}")),
                    "fish lacks --{long}"
                );
            }
        }
        for command in node.commands() {
            assert!(zsh.contains(&format!("'{command}:")), "zsh lacks {command}");
            assert!(
                fish.contains(&format!("-a \"{command}\"")),
                "fish lacks {command}"
            );
        }
    }
}
