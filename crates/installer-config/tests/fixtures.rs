//! Every vendored `config.yaml` fixture (38 real, 29 crafted) with its expected outcome.
//!
//! Edited files are compared byte for byte with `tests/expected/<name>` (each reviewed
//! by hand as a diff against its fixture), then checked for idempotence (a second run
//! reports "already opted out" at the changed line) and for touching only the one
//! telemetry line (or adding exactly one line).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dcos_installer_config::{ChangeKind, LineEnding, Plan, RefusalKind, plan_opt_out};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/config-yaml");
const EXPECTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expected");

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Edited: how, and the 1-based telemetry line in the new file.
    Edited(ChangeKind, usize),
    /// Already opted out: the line of the existing key.
    Unchanged(usize),
    /// Refused: the kind and the line reported.
    Refused(RefusalKind, usize),
}

use ChangeKind::{Added, Rewritten};
use Expect::{Edited, Refused, Unchanged};
use RefusalKind::*;

const TABLE: &[(&str, Expect)] = &[
    ("001-vagrant-mesos-dcos.yaml", Edited(Added, 18)),
    ("002-gsi-notes-oauth-false.yaml", Edited(Added, 23)),
    ("003-qnrg-duplicate-key-no-eol.yaml", Unchanged(8)),
    ("004-demo-dpipe-commented-proxy.yaml", Unchanged(24)),
    (
        "005-custom-guide-oauth-telemetry-true.yaml",
        Edited(Rewritten, 13),
    ),
    ("006-dcos-docker-superuser-hash.yaml", Edited(Added, 18)),
    ("007-ansible-managed-block-no-eol.yaml", Edited(Added, 15)),
    (
        "008-vagrant-1.5-cluster-config-nested.yaml",
        Edited(Added, 15),
    ),
    (
        "009-vagrant-flat-trailing-spaces-no-eol.yaml",
        Edited(Added, 17),
    ),
    (
        "010-vagrant-5-masters-nested-indented.yaml",
        Edited(Added, 22),
    ),
    ("011-vagrant-1.6-duplicate-ssh-user.yaml", Edited(Added, 18)),
    (
        "012-vagrant-1.10-platform-check-time.yaml",
        Edited(Added, 17),
    ),
    ("013-stc-mesos-bare-bool-false.yaml", Unchanged(25)),
    ("014-saturn-minimal-no-doc-marker.yaml", Edited(Added, 11)),
    ("015-in-a-box-trailing-comments.yaml", Edited(Added, 10)),
    ("016-k2data-overlay-3space-indent.yaml", Edited(Added, 36)),
    ("017-vbox-ee-strict-windows.yaml", Edited(Added, 21)),
    (
        "018-rackspace-readme-bare-false-trailing-space.yaml",
        Unchanged(23),
    ),
    (
        "019-installer-config-sample-leading-blank.yaml",
        Edited(Added, 13),
    ),
    ("020-test-backend-flow-master-list.yaml", Edited(Added, 13)),
    ("021-test-backend-one-space-list.yaml", Edited(Added, 8)),
    ("022-test-backend-aws-template-keys.yaml", Edited(Added, 8)),
    (
        "023-docs-2.2-all-parameters-invalid.yaml",
        Refused(InvalidYaml, 6),
    ),
    ("024-docs-1.13-aws-s3-exhibitor.yaml", Edited(Added, 30)),
    ("025-docs-1.13-zk-http-loadbalancer.yaml", Edited(Added, 26)),
    (
        "026-docs-1.13-overlay-comments-in-list.yaml",
        Edited(Added, 32),
    ),
    ("027-docs-1.13-docker-credentials.yaml", Edited(Added, 27)),
    (
        "028-docs-1.13-custom-checks-smart-quotes.yaml",
        Edited(Added, 47),
    ),
    (
        "029-docs-cn-1.11-enterprise-template.yaml",
        Edited(Added, 31),
    ),
    (
        "030-docs-cn-1.11-oss-one-space-indent.yaml",
        Edited(Added, 18),
    ),
    (
        "031-docs-2.1-overlay-4space-root-html-entity.yaml",
        Refused(InvalidYaml, 6),
    ),
    ("032-docs-opt-out-single-key.yaml", Unchanged(1)),
    (
        "033-docs-cn-1.13-ansible-fragment-cjk-comments.yaml",
        Edited(Added, 21),
    ),
    (
        "034-docs-2.2-adminrouter-cert-elided-star.yaml",
        Refused(InvalidYaml, 2),
    ),
    ("035-docs-2.2-dns-forward-zones.yaml", Edited(Added, 8)),
    (
        "036-ps-zk-migration-blank-line-every-line.yaml",
        Unchanged(45),
    ),
    (
        "037-vagrant-early-double-quoted-scalars.yaml",
        Edited(Added, 14),
    ),
    (
        "038-uengine-generated-bare-true-12-agents.yaml",
        Edited(Rewritten, 29),
    ),
    ("crafted/c01-crlf-from-004.yaml", Unchanged(24)),
    ("crafted/c02-mixed-crlf-lf-from-013.yaml", Unchanged(25)),
    (
        "crafted/c03-duplicate-telemetry-key.yaml",
        Refused(DuplicateTelemetryKey, 12),
    ),
    (
        "crafted/c04-flow-mapping-document.yaml",
        Refused(FlowMapping, 4),
    ),
    ("crafted/c05-json-document.yaml", Refused(FlowMapping, 8)),
    ("crafted/c06-anchor-alias.yaml", Refused(AnchorOrAlias, 15)),
    (
        "crafted/c07-two-documents.yaml",
        Refused(MultipleDocuments, 12),
    ),
    (
        "crafted/c08-no-final-newline-telemetry-last.yaml",
        Edited(Rewritten, 11),
    ),
    (
        "crafted/c09-telemetry-double-quoted-true.yaml",
        Edited(Rewritten, 13),
    ),
    (
        "crafted/c10-telemetry-capital-True.yaml",
        Edited(Rewritten, 25),
    ),
    (
        "crafted/c11-telemetry-double-quoted-false-trailing-comment.yaml",
        Unchanged(8),
    ),
    (
        "crafted/c12-telemetry-bare-true-first-key.yaml",
        Edited(Rewritten, 2),
    ),
    ("crafted/c13-block-scalars-with-trap.yaml", Unchanged(22)),
    (
        "crafted/c14-commented-out-telemetry-only.yaml",
        Edited(Added, 20),
    ),
    (
        "crafted/c15-nested-telemetry-under-cluster-config.yaml",
        Edited(Added, 16),
    ),
    ("crafted/c16-utf8-bom.yaml", Edited(Rewritten, 18)),
    ("crafted/c17-tab-separators.yaml", Refused(InvalidYaml, 2)),
    (
        "crafted/c18-telemetry-empty-value.yaml",
        Edited(Rewritten, 8),
    ),
    ("crafted/c19-quoted-telemetry-key.yaml", Unchanged(30)),
    ("crafted/c20-yaml-directive-doc-end.yaml", Unchanged(18)),
    ("crafted/c21-long-lists.yaml", Edited(Rewritten, 111)),
    ("crafted/c22-empty-file.yaml", Edited(Added, 1)),
    ("crafted/c23-comments-only.yaml", Edited(Added, 5)),
    ("crafted/c24-multiline-scalars.yaml", Unchanged(13)),
    ("crafted/c25-cr-only-line-endings.yaml", Unchanged(11)),
    (
        "crafted/c26-explicit-key-syntax.yaml",
        Edited(Rewritten, 11),
    ),
    ("crafted/c27-tagged-str-value.yaml", Unchanged(45)),
    ("crafted/c28-yaml11-off.yaml", Unchanged(23)),
    (
        "crafted/c29-telemetry-in-nested-flow-map.yaml",
        Edited(Added, 14),
    ),
];

/// Splits into lines keeping terminators (LF, CRLF, lone CR).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = match bytes[i] {
            b'\n' => i + 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push(&bytes[start..end]);
        start = end;
        i = end;
    }
    if start < bytes.len() {
        out.push(&bytes[start..]);
    }
    out
}

fn content(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
}

/// Checks one fixture; returns a description of what went wrong.
fn check(name: &str, expect: Expect) -> Result<(), String> {
    let path = Path::new(FIXTURES).join(name);
    let old = std::fs::read(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
    let plan = plan_opt_out(&old);
    match (expect, plan) {
        (Refused(kind, line), Err(r)) => {
            if r.kind != kind || r.line != Some(line) {
                return Err(format!(
                    "refused as {:?} at {:?} ({r}), expected {kind:?} at {line}",
                    r.kind, r.line
                ));
            }
            if r.reason.is_empty() || r.hint.is_empty() || r.to_string().contains('\n') {
                return Err(format!(
                    "refusal message is not one line with a hint: {r:?}"
                ));
            }
            Ok(())
        }
        (Unchanged(line), Ok(Plan::AlreadyOptedOut(a))) => {
            if a.line != Some(line) {
                return Err(format!(
                    "already opted out at {:?}, expected {line}",
                    a.line
                ));
            }
            Ok(())
        }
        (Edited(kind, line), Ok(Plan::Edit(edit))) => {
            let c = &edit.change;
            if c.kind != kind || c.line != line {
                return Err(format!(
                    "edited {:?} at line {}, expected {kind:?} at {line}",
                    c.kind, c.line
                ));
            }
            let file_name = name.rsplit('/').next().unwrap_or(name);
            let expected_path = Path::new(EXPECTED).join(file_name);
            let expected = std::fs::read(&expected_path)
                .map_err(|e| format!("read {}: {e}", expected_path.display()))?;
            if edit.new_bytes != expected {
                return Err(format!(
                    "new bytes differ from {}:\n{}",
                    expected_path.display(),
                    dcos_installer_config::unified_diff(file_name, &expected, &edit.new_bytes)
                ));
            }
            // Idempotence and re-parse: a second run sees 'false' on the changed line.
            match plan_opt_out(&edit.new_bytes) {
                Ok(Plan::AlreadyOptedOut(a))
                    if a.line == Some(c.line) && a.value_text == "'false'" => {}
                other => {
                    return Err(format!(
                        "second run is not 'already opted out' at line {}: {other:?}",
                        c.line
                    ));
                }
            }
            if c.new_value != "'false'"
                || !c.new_line.ends_with("'false'")
                || !c.new_line.contains("telemetry_enabled") && c.kind == Added
            {
                return Err(format!("odd change description: {c:?}"));
            }
            only_the_telemetry_line_differs(&old, &edit.new_bytes, c)
        }
        (e, got) => Err(format!("expected {e:?}, got {got:?}")),
    }
}

fn only_the_telemetry_line_differs(
    old: &[u8],
    new: &[u8],
    c: &dcos_installer_config::Change,
) -> Result<(), String> {
    let (ol, nl) = (lines(old), lines(new));
    let at = c.line - 1;
    match c.kind {
        Rewritten => {
            if ol.len() != nl.len() {
                return Err(format!(
                    "line count changed from {} to {}",
                    ol.len(),
                    nl.len()
                ));
            }
            for (i, (a, b)) in ol.iter().zip(&nl).enumerate() {
                if i == at {
                    let same_ending = a[content(a).len()..] == b[content(b).len()..];
                    let old_text = String::from_utf8_lossy(strip_bom(content(a)));
                    let new_text = String::from_utf8_lossy(strip_bom(content(b)));
                    if !same_ending
                        || Some(old_text.as_ref()) != c.old_line.as_deref()
                        || new_text != c.new_line
                    {
                        return Err(format!(
                            "line {} is {new_text:?}, description says {c:?}",
                            c.line
                        ));
                    }
                } else if a != b {
                    return Err(format!("line {} changed too", i + 1));
                }
            }
        }
        Added => {
            if nl.len() != ol.len() + 1 {
                return Err(format!(
                    "expected one more line, got {} -> {}",
                    ol.len(),
                    nl.len()
                ));
            }
            if content(nl[at]) != c.new_line.as_bytes() {
                return Err(format!("line {} is not the added line", c.line));
            }
            let ending = c.added_line_ending.ok_or("no line ending recorded")?;
            for i in 0..ol.len() {
                let b = if i < at { nl[i] } else { nl[i + 1] };
                let a = ol[i];
                let terminated_now = i + 1 == at && content(a).len() == a.len();
                if terminated_now {
                    // The old last line had no line ending; it gains the file's one, and the
                    // added line is then the last line, also without one.
                    let gained = &b[content(b).len()..];
                    if content(a) != content(b)
                        || gained != ending.as_str().as_bytes()
                        || nl[at].len() != content(nl[at]).len()
                    {
                        return Err(format!(
                            "unterminated line {} not handled as designed",
                            i + 1
                        ));
                    }
                } else if a != b {
                    return Err(format!("old line {} changed", i + 1));
                }
            }
            let added_ending = &nl[at][content(nl[at]).len()..];
            let last_unterminated =
                ol.last().is_some_and(|l| content(l).len() == l.len()) && at == ol.len();
            if !last_unterminated && added_ending != ending.as_str().as_bytes() {
                return Err(format!(
                    "added line ends with {added_ending:?}, expected {ending:?}"
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_fixture_has_the_expected_outcome() {
    let mut failures = Vec::new();
    for &(name, expect) in TABLE {
        if let Err(e) = check(name, expect) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn yaml_files(dir: &Path, prefix: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            format!(
                "{prefix}{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .collect()
}

#[test]
fn the_table_covers_every_fixture_and_every_expected_file_is_used() {
    let mut on_disk = yaml_files(Path::new(FIXTURES), "");
    on_disk.extend(yaml_files(
        &PathBuf::from(FIXTURES).join("crafted"),
        "crafted/",
    ));
    assert_eq!(on_disk.len(), 67, "38 real + 29 crafted fixtures");
    let in_table: BTreeSet<String> = TABLE.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(in_table, on_disk);

    let edited: BTreeSet<String> = TABLE
        .iter()
        .filter(|(_, e)| matches!(e, Edited(..)))
        .map(|(n, _)| n.rsplit('/').next().unwrap_or(n).to_string())
        .collect();
    assert_eq!(yaml_files(Path::new(EXPECTED), ""), edited);
    let count = |f: fn(&Expect) -> bool| TABLE.iter().filter(|(_, e)| f(e)).count();
    assert_eq!(count(|e| matches!(e, Edited(..))), 42);
    assert_eq!(count(|e| matches!(e, Unchanged(..))), 16);
    assert_eq!(count(|e| matches!(e, Refused(..))), 9);
}

#[test]
fn added_lines_use_lf_in_these_lf_fixtures() {
    let old =
        std::fs::read(Path::new(FIXTURES).join("014-saturn-minimal-no-doc-marker.yaml")).unwrap();
    let Ok(Plan::Edit(e)) = plan_opt_out(&old) else {
        panic!("014 must be edited")
    };
    assert_eq!(e.change.added_line_ending, Some(LineEnding::Lf));
}
