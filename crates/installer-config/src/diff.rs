//! A standard unified diff (as `diff -u` prints it) of the old and new file.

use similar::{Algorithm, DiffTag, capture_diff_slices, group_diff_ops};

use crate::source::split_lines;

/// Lines of context around each change, as in `diff -u`.
const CONTEXT: usize = 3;

/// Returns the unified diff from `old` to `new`, both labelled `path_label`
/// (`--- label` / `+++ label`, so `patch -p0` applies it). Empty when they are equal.
///
/// Lines are split on LF, CRLF and lone CR; each is printed without its original line
/// ending and followed by `\n` (line endings do not show in the diff). A last line
/// without a line ending is followed by `\ No newline at end of file`. Bytes that are not
/// UTF-8 are shown as U+FFFD.
pub fn unified_diff(path_label: &str, old: &[u8], new: &[u8]) -> String {
    let old_text = String::from_utf8_lossy(old);
    let new_text = String::from_utf8_lossy(new);
    let old_lines = lines_of(&old_text);
    let new_lines = lines_of(&new_text);
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let groups = group_diff_ops(ops, CONTEXT);
    if groups.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {path_label}\n+++ {path_label}\n");
    for group in groups {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_start = first.old_range().start;
        let old_end = last.old_range().end;
        let new_start = first.new_range().start;
        let new_end = last.new_range().end;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_start, old_end - old_start),
            range(new_start, new_end - new_start)
        ));
        for op in &group {
            let (tag, old_r, new_r) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => old_r.for_each(|i| push_line(&mut out, ' ', old_lines[i])),
                DiffTag::Delete => old_r.for_each(|i| push_line(&mut out, '-', old_lines[i])),
                DiffTag::Insert => new_r.for_each(|i| push_line(&mut out, '+', new_lines[i])),
                DiffTag::Replace => {
                    old_r.for_each(|i| push_line(&mut out, '-', old_lines[i]));
                    new_r.for_each(|i| push_line(&mut out, '+', new_lines[i]));
                }
            }
        }
    }
    out
}

/// GNU diff's range form: `start,len`, `start` alone when `len` is 1, and for an empty
/// range the line before it.
fn range(start0: usize, len: usize) -> String {
    match len {
        0 => format!("{start0},0"),
        1 => format!("{}", start0 + 1),
        n => format!("{},{n}", start0 + 1),
    }
}

fn lines_of(text: &str) -> Vec<&str> {
    split_lines(text)
        .iter()
        .map(|l| text.get(l.start..l.end).unwrap_or(""))
        .collect()
}

fn push_line(out: &mut String, prefix: char, line: &str) {
    out.push(prefix);
    let content = line.trim_end_matches(['\n', '\r']);
    out.push_str(content);
    out.push('\n');
    if content.len() == line.len() {
        out.push_str("\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_with_context() {
        let old = b"a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = b"a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified_diff("config.yaml", old, new),
            "--- config.yaml\n+++ config.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn appended_line_to_a_file_without_final_newline() {
        assert_eq!(
            unified_diff("c", b"a\nb", b"a\nb\nx"),
            "--- c\n+++ c\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+x\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn equal_inputs_and_empty_old() {
        assert_eq!(unified_diff("c", b"a\n", b"a\n"), "");
        assert_eq!(
            unified_diff("c", b"", b"x\n"),
            "--- c\n+++ c\n@@ -0,0 +1 @@\n+x\n"
        );
    }
}
