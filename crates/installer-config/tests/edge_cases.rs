//! Small hand-written inputs for the cases the fixtures do not cover, with exact outputs.

use dcos_installer_config::{ChangeKind, LineEnding, Plan, RefusalKind, plan_opt_out};

/// Plans and expects an edit; returns the new text.
fn edited(input: &str) -> String {
    match plan_opt_out(input.as_bytes()) {
        Ok(Plan::Edit(e)) => {
            let out = String::from_utf8(e.new_bytes).expect("UTF-8 output");
            // Every edit is idempotent.
            assert!(
                matches!(plan_opt_out(out.as_bytes()), Ok(Plan::AlreadyOptedOut(_))),
                "second run of {out:?}"
            );
            out
        }
        other => panic!("expected an edit of {input:?}, got {other:?}"),
    }
}

fn unchanged(input: &str) -> Option<usize> {
    match plan_opt_out(input.as_bytes()) {
        Ok(Plan::AlreadyOptedOut(a)) => a.line,
        other => panic!("expected 'already opted out' for {input:?}, got {other:?}"),
    }
}

fn refused(input: &[u8]) -> RefusalKind {
    match plan_opt_out(input) {
        Err(r) => {
            assert!(!r.to_string().contains('\n'), "one-line refusal: {r}");
            r.kind
        }
        other => panic!(
            "expected a refusal of {:?}, got {other:?}",
            String::from_utf8_lossy(input)
        ),
    }
}

#[test]
fn rewrites_keep_trailing_comments_spaces_and_line_endings() {
    assert_eq!(
        edited("a: 1\ntelemetry_enabled: 'true'  # keep me\nb: 2\n"),
        "a: 1\ntelemetry_enabled: 'false'  # keep me\nb: 2\n"
    );
    assert_eq!(
        edited("telemetry_enabled: true   \r\nb: 2\r\n"),
        "telemetry_enabled: 'false'   \r\nb: 2\r\n"
    );
    assert_eq!(
        edited("telemetry_enabled: !!str true\n"),
        "telemetry_enabled: 'false'\n"
    );
    assert_eq!(
        edited("telemetry_enabled: yes\n"),
        "telemetry_enabled: 'false'\n"
    );
    assert_eq!(
        edited("telemetry_enabled: on\n"),
        "telemetry_enabled: 'false'\n"
    );
    assert_eq!(
        edited("telemetry_enabled: ~\n"),
        "telemetry_enabled: 'false'\n"
    );
    assert_eq!(
        edited("telemetry_enabled: 0\n"),
        "telemetry_enabled: 'false'\n"
    );
    // A quoted 'False' is the string "False", which the installer rejects: rewrite it.
    assert_eq!(
        edited("telemetry_enabled: 'False'\n"),
        "telemetry_enabled: 'false'\n"
    );
    assert_eq!(
        edited("telemetry_enabled:   # set me\n"),
        "telemetry_enabled: 'false'   # set me\n"
    );
    assert_eq!(
        edited("    a: 1\n    telemetry_enabled: 'true'\n"),
        "    a: 1\n    telemetry_enabled: 'false'\n"
    );
    assert_eq!(
        edited("\"telemetry_enabled\": \"true\"\n"),
        "\"telemetry_enabled\": 'false'\n"
    );
}

#[test]
fn values_the_installer_reads_as_false_are_left_alone() {
    for v in [
        "'false'",
        "\"false\"",
        "false",
        "False",
        "FALSE",
        "off",
        "Off",
        "no",
        "NO",
        "!!str false",
        "!!bool false",
        "! false",
        "! 'off'",
    ] {
        assert_eq!(
            unchanged(&format!("a: 1\ntelemetry_enabled: {v}\n")),
            Some(2),
            "{v}"
        );
    }
    // Explicit key: the line of the value is reported.
    assert_eq!(unchanged("? telemetry_enabled\n: 'false'\n"), Some(2));
    // From a merge key: nothing is written directly.
    assert_eq!(
        unchanged("base: &b {telemetry_enabled: 'false'}\n<<: *b\n"),
        None
    );
}

#[test]
fn added_lines_follow_the_file() {
    // CRLF, CR-only, mixed (dominant wins), and a file without a final line break.
    assert_eq!(
        edited("a: 1\r\nb: 2\r\n"),
        "a: 1\r\nb: 2\r\ntelemetry_enabled: 'false'\r\n"
    );
    assert_eq!(
        edited("a: 1\rb: 2\r"),
        "a: 1\rb: 2\rtelemetry_enabled: 'false'\r"
    );
    assert_eq!(
        edited("a: 1\r\nb: 2\nc: 3\n"),
        "a: 1\r\nb: 2\nc: 3\ntelemetry_enabled: 'false'\n"
    );
    assert_eq!(
        edited("a: 1\r\nb: 2"),
        "a: 1\r\nb: 2\r\ntelemetry_enabled: 'false'"
    );
    // Whole document indented by 4 spaces.
    assert_eq!(
        edited("    a: 1\n    b:\n    - x\n"),
        "    a: 1\n    b:\n    - x\n    telemetry_enabled: 'false'\n"
    );
    // Before the `...` end marker, after the comments that precede it.
    assert_eq!(
        edited("---\na: 1\n# tail\n...\n# after\n"),
        "---\na: 1\n# tail\ntelemetry_enabled: 'false'\n...\n# after\n"
    );
    // A kept (|+) block scalar owns its trailing blank lines.
    assert_eq!(
        edited("a: |+\n  x\n\n\n"),
        "a: |+\n  x\n\n\ntelemetry_enabled: 'false'\n"
    );
    // A clipped block scalar's span takes its trailing blank lines; the key goes after.
    assert_eq!(
        edited("a: |\n  x\n\n"),
        "a: |\n  x\n\ntelemetry_enabled: 'false'\n"
    );
    // A nested telemetry_enabled is not the top-level key.
    assert_eq!(
        edited("cluster_config:\n  telemetry_enabled: 'false'\n"),
        "cluster_config:\n  telemetry_enabled: 'false'\ntelemetry_enabled: 'false'\n"
    );
    // A merge key giving 'true' is overridden by an explicit key.
    assert_eq!(
        edited("base: &b {telemetry_enabled: 'true'}\n<<: *b\n"),
        "base: &b {telemetry_enabled: 'true'}\n<<: *b\ntelemetry_enabled: 'false'\n"
    );
}

#[test]
fn empty_documents_get_the_key() {
    assert_eq!(edited(""), "telemetry_enabled: 'false'\n");
    assert_eq!(edited("\n\n"), "telemetry_enabled: 'false'\n\n\n");
    assert_eq!(edited("---\n"), "---\ntelemetry_enabled: 'false'\n");
    assert_eq!(
        edited("%YAML 1.1\n---\n# nothing yet"),
        "%YAML 1.1\n---\n# nothing yet\ntelemetry_enabled: 'false'"
    );
    assert_eq!(edited("\u{feff}"), "\u{feff}telemetry_enabled: 'false'\n");
    assert_eq!(
        edited("\u{feff}a: 1\n"),
        "\u{feff}a: 1\ntelemetry_enabled: 'false'\n"
    );
}

#[test]
fn the_change_is_described() {
    let Ok(Plan::Edit(e)) = plan_opt_out(b"a: 1\ntelemetry_enabled: \"true\" # x\n") else {
        panic!()
    };
    assert_eq!(e.change.kind, ChangeKind::Rewritten);
    assert_eq!(e.change.line, 2);
    assert_eq!(e.change.old_value.as_deref(), Some("\"true\""));
    assert_eq!(
        e.change.old_line.as_deref(),
        Some("telemetry_enabled: \"true\" # x")
    );
    assert_eq!(e.change.new_line, "telemetry_enabled: 'false' # x");
    assert_eq!(e.change.added_line_ending, None);

    let Ok(Plan::Edit(e)) = plan_opt_out(b"a: 1\r\n") else {
        panic!()
    };
    assert_eq!(e.change.kind, ChangeKind::Added);
    assert_eq!(
        (
            e.change.line,
            e.change.old_value.clone(),
            e.change.added_line_ending
        ),
        (2, None, Some(LineEnding::CrLf))
    );
}

#[test]
fn pyyaml_rejections_are_refused_as_invalid() {
    for input in [
        "a:\tb\n",            // tab after ':'
        "a: b\t\n",           // trailing tab
        "a: 'b'\t# c\n",      // tab before a comment
        "a: b\tc\n",          // tab inside a plain scalar
        "a:\n\t- b\n",        // tab indentation
        "a: &x;y 1\n",        // YAML 1.2 anchor name PyYAML does not accept
        "a: &x 1\nb: &x 2\n", // duplicate anchor
        "a: *nope\n",         // undefined alias
        "a: !custom 1\n",     // tag SafeConstructor cannot construct
        "a: 2001-02-30\n",    // impossible date
        "a: !!int abc\n",     // not an integer
        "? [a]\n: 1\n",       // unhashable key
        "<<: 1\n",            // bad merge
        "a: =\n",             // the YAML 1.1 value key as a value
        "a: \u{1}\n",         // control character
        "a: [b?c]\n",         // PyYAML ends a flow plain scalar at '?'
        "? a\n: 1\n: 2\n",    // ':' without a key
        "--- a: 1\n",         // a mapping on the '---' line
        "a: b\n---\nc: d\n",  // two documents (its own kind, below)
    ] {
        let kind = refused(input.as_bytes());
        let want = if input.contains("\n---\n") {
            RefusalKind::MultipleDocuments
        } else {
            RefusalKind::InvalidYaml
        };
        assert_eq!(kind, want, "{input:?}");
    }
    // Tabs where PyYAML accepts them.
    assert_eq!(
        edited("a: 'x\ty'  # c\td\nb: |\n  x\ty\n"),
        "a: 'x\ty'  # c\td\nb: |\n  x\ty\ntelemetry_enabled: 'false'\n"
    );
}

#[test]
fn unsafe_or_unsupported_edits_are_refused() {
    let cases: &[(&[u8], RefusalKind)] = &[
        (b"\xff\xfe", RefusalKind::NotUtf8),
        (b"- a\n- b\n", RefusalKind::TopLevelNotMapping),
        (b"~\n", RefusalKind::TopLevelNotMapping),
        (b"just text\n", RefusalKind::TopLevelNotMapping),
        (b"{a: 1}\n", RefusalKind::FlowMapping),
        (
            b"telemetry_enabled: &t 'true'\nx: *t\n",
            RefusalKind::AnchorOrAlias,
        ),
        (
            b"v: &v 'false'\ntelemetry_enabled: *v\n",
            RefusalKind::AnchorOrAlias,
        ),
        (
            b"telemetry_enabled: |\n  true\n",
            RefusalKind::UnsupportedValue,
        ),
        (
            b"telemetry_enabled: \"tr\n  ue\"\n",
            RefusalKind::UnsupportedValue,
        ),
        (
            b"telemetry_enabled: [true]\n",
            RefusalKind::UnsupportedValue,
        ),
        (
            b"telemetry_enabled:\n  nested: 1\n",
            RefusalKind::UnsupportedValue,
        ),
        (
            b"telemetry_enabled: 'true'\ntelemetry_enabled: 'true'\n",
            RefusalKind::DuplicateTelemetryKey,
        ),
        (
            b"? telemetry_enabled\nb: 1\n",
            RefusalKind::UnsupportedLayout,
        ),
        ("a: b\u{2028}c\n".as_bytes(), RefusalKind::UnsupportedLayout),
        (
            "a: \"x\u{feff}y\"\n".as_bytes(),
            RefusalKind::UnsupportedLayout,
        ),
        (
            "a: 1\n\u{feff}b: 2\n".as_bytes(),
            RefusalKind::UnsupportedLayout,
        ),
    ];
    for (input, kind) in cases {
        assert_eq!(
            refused(input),
            *kind,
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(refused(flow.as_bytes()), RefusalKind::UnsupportedLayout);
    let block: String = (1..1000)
        .map(|i| format!("{}k:\n", "  ".repeat(i)))
        .collect();
    assert_eq!(
        refused(format!("a:\n{block}").as_bytes()),
        RefusalKind::UnsupportedLayout
    );
}

#[test]
fn alias_bombs_are_refused_not_expanded() {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        doc.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    assert_eq!(refused(doc.as_bytes()), RefusalKind::UnsupportedLayout);
}
