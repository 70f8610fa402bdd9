//! The man page: one page with every visible command and option, nothing hidden.

use xtask::model::Node;

fn roff(text: &str) -> String {
    text.replace('-', "\\-")
}

#[test]
fn man_page_documents_every_command_and_option() {
    let page = xtask::man::render().unwrap();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH dcos-telemetry 1 "),
        "{page}"
    );
    assert_eq!(page.matches(".ds Aq").count(), 2, "one preamble");
    assert!(page.contains(".SH NAME\ndcos\\-telemetry \\- "), "{page}");
    let description = dcos_telemetry::cli::DESCRIPTION;
    assert!(page.contains(&roff(description)), "{page}");
    assert!(page.contains(".SH COMMANDS\n"), "{page}");
    for node in Node::plugin().walk() {
        if !node.path.is_empty() {
            let heading = format!(".SS \"dcos\\-telemetry {}\"\n", roff(&node.path.join(" ")));
            assert!(page.contains(&heading), "no section {heading:?}");
        }
        for flag in &node.flags {
            for long in &flag.longs {
                let option = format!("\\fB\\-\\-{}\\fR", roff(long));
                assert!(page.contains(&option), "--{long} is not documented");
            }
            for value in &flag.values {
                assert!(
                    page.contains(&roff(value)),
                    "value {value} is not documented"
                );
            }
        }
    }
    // Only the one page ships: no references to per-subcommand pages (`dcos-telemetry-status(1)`).
    assert!(!page.contains("dcos\\-telemetry\\-"), "{page}");
}

#[test]
fn man_page_sections_list_own_options_once() {
    let page = xtask::man::render().unwrap();
    let status = page
        .split(".SS ")
        .find(|s| s.starts_with("\"dcos\\-telemetry status\""))
        .expect("status section");
    assert!(status.contains("\\fB\\-\\-json\\fR"), "{status}");
    // Inherited global options are documented once, at the top.
    assert!(!status.contains("\\fB\\-\\-timeout\\fR"), "{status}");
    assert!(
        page.contains("Every command also takes \\fB\\-\\-help\\fR"),
        "{page}"
    );
}
