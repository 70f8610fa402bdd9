//! `read_top_level`: the loader behind `plan_opt_out`, exposed (doc-hidden) so fuzzing can
//! check an edit's effect independently of the plan's own verification.

use dcos_installer_config::{RefusalKind, read_top_level};

#[test]
fn reads_values_as_the_installer_does() {
    let top = read_top_level(b"a: 1\ntelemetry_enabled: off\nb: [x]\nc: yes\n").unwrap();
    assert_eq!(top.len(), 4);
    assert_eq!(
        top.installer_value("telemetry_enabled"),
        Some(Some("false".into()))
    );
    assert_eq!(top.installer_value("c"), Some(Some("true".into())));
    assert_eq!(top.installer_value("a"), Some(Some("1".into())));
    assert_eq!(top.installer_value("b"), Some(None));
    assert_eq!(top.installer_value("missing"), None);
}

#[test]
fn without_drops_one_key_and_equality_is_pythons() {
    let a = read_top_level(b"x: 1\ntelemetry_enabled: true\n").unwrap();
    let b = read_top_level(b"x: 1.0\n").unwrap();
    assert_ne!(a, b);
    assert_eq!(a.without("telemetry_enabled"), b);
    // Python-equal, but not the same value: Debug tells them apart.
    assert_ne!(
        format!("{:?}", a.without("telemetry_enabled")),
        format!("{b:?}")
    );
}

#[test]
fn empty_files_have_no_settings_and_non_mappings_are_refused() {
    assert!(read_top_level(b"").unwrap().is_empty());
    assert!(read_top_level(b"# only a comment\n").unwrap().is_empty());
    let err = read_top_level(b"- a\n- b\n").unwrap_err();
    assert_eq!(err.kind, RefusalKind::TopLevelNotMapping);
    let err = read_top_level(b"a: [\n").unwrap_err();
    assert_eq!(err.kind, RefusalKind::InvalidYaml);
}
