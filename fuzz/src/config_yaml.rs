//! Oracle for `dcos-installer-config`: `plan_opt_out` never panics, and every edit it plans
//! does exactly what it says, checked outside the plan's own verification.

use dcos_installer_config::{
    ChangeKind, Edit, OPTED_OUT_VALUE, Plan, plan_opt_out, read_top_level, unified_diff,
};

const KEY: &str = "telemetry_enabled";
const BOM: &[u8] = "\u{feff}".as_bytes();

/// `config_yaml`: the fuzz input is a whole `config.yaml`.
pub fn config_yaml(data: &[u8]) {
    let plan = plan_opt_out(data);
    let before = read_top_level(data);
    match &plan {
        Err(refusal) => {
            assert!(!refusal.reason.is_empty(), "a refusal without a reason");
            let _ = refusal.to_string();
        }
        Ok(Plan::AlreadyOptedOut(_)) => {
            let top =
                before.unwrap_or_else(|r| panic!("already opted out, but it does not load: {r}"));
            assert_eq!(
                top.installer_value(KEY),
                Some(Some("false".into())),
                "already opted out, but the installer would not read 'false'"
            );
        }
        Ok(Plan::Edit(edit)) => {
            let old = before
                .unwrap_or_else(|r| panic!("planned an edit of a file that does not load: {r}"));
            assert_ne!(
                old.installer_value(KEY),
                Some(Some("false".into())),
                "planned an edit of a file that already opts out"
            );
            check_edit(data, &old, edit);
        }
    }
}

fn check_edit(data: &[u8], old: &dcos_installer_config::TopLevel, edit: &Edit) {
    let new = read_top_level(&edit.new_bytes)
        .unwrap_or_else(|r| panic!("the edited file does not load again: {r}"));
    assert_eq!(
        new.installer_value(KEY),
        Some(Some("false".into())),
        "after the edit the installer would not read telemetry_enabled as 'false'"
    );
    let (old_rest, new_rest) = (old.without(KEY), new.without(KEY));
    assert_eq!(old_rest, new_rest, "another top-level setting changed");
    assert_eq!(
        format!("{old_rest:?}"),
        format!("{new_rest:?}"),
        "another top-level setting changed its exact value (equal only in Python's sense)"
    );
    match plan_opt_out(&edit.new_bytes) {
        Ok(Plan::AlreadyOptedOut(_)) => {}
        other => panic!("planning again on the edited file gave {other:?}"),
    }
    assert_eq!(edit.change.new_value, OPTED_OUT_VALUE);
    check_bytes(data, edit);
    let diff = unified_diff("genconf/config.yaml", data, &edit.new_bytes);
    assert!(
        diff.starts_with("--- genconf/config.yaml\n+++ genconf/config.yaml\n@@ -"),
        "diff header: {diff:?}"
    );
}

fn is_break(b: &u8) -> bool {
    matches!(b, b'\n' | b'\r')
}

/// Only the one line changed: everything outside a single region is byte-identical, the
/// region holds no line break (rewritten) or exactly the added line (added), and the line the
/// change names holds the new text.
fn check_bytes(old: &[u8], edit: &Edit) {
    let new = &edit.new_bytes;
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let removed = &old[prefix..old.len() - suffix];
    let inserted = &new[prefix..new.len() - suffix];
    match edit.change.kind {
        ChangeKind::Rewritten => {
            assert!(
                !removed.iter().any(is_break) && !inserted.iter().any(is_break),
                "a rewrite touched a line break: {:?} -> {:?}",
                String::from_utf8_lossy(removed),
                String::from_utf8_lossy(inserted)
            );
            assert!(edit.change.added_line_ending.is_none());
        }
        ChangeKind::Added => {
            assert!(removed.is_empty(), "adding the key removed {removed:?}");
            let ending = edit
                .change
                .added_line_ending
                .expect("an added line without a line ending")
                .as_str();
            assert_eq!(
                inserted.len(),
                edit.change.new_line.len() + ending.len(),
                "added more than one line: {:?}",
                String::from_utf8_lossy(inserted)
            );
            let breaks = |s: &[u8]| s.iter().filter(|b| is_break(b)).count();
            assert_eq!(breaks(inserted), breaks(ending.as_bytes()));
        }
    }
    let text = new.strip_prefix(BOM).unwrap_or(new);
    let lines = split_lines(text);
    let line = edit.change.line;
    assert!(
        line >= 1 && line <= lines.len(),
        "change.line {line} outside 1..={}",
        lines.len()
    );
    assert_eq!(
        String::from_utf8_lossy(lines[line - 1]),
        edit.change.new_line,
        "change.line does not hold change.new_line"
    );
}

/// Lines without their endings (LF, CRLF, CR); a final line without an ending counts.
fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if text.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}
