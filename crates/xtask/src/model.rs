//! What shell completion needs to know about each (sub)command, read from the built clap
//! definition. The DC/OS completion script is rendered from it, and the tests derive their
//! expectations from it, so both follow the clap definition.

use clap::{Arg, Command};

/// One command of the tree: `dcos telemetry` itself, or a subcommand at any depth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The subcommand names from `telemetry` down, e.g. `["auth", "login"]`; empty for the root.
    pub path: Vec<String>,
    /// Visible options and flags (including those inherited as global), `--help` first.
    pub flags: Vec<Flag>,
    /// Enumerated values the positional arguments accept (hidden values left out).
    pub positional_values: Vec<String>,
    /// Visible subcommands, in definition order.
    pub children: Vec<Node>,
}

/// One visible option or flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// Long names without `--`: the name, then its visible aliases. May be empty (short only).
    pub longs: Vec<String>,
    /// Short names, then visible short aliases.
    pub shorts: Vec<char>,
    /// Whether it needs a value (`--name value` or `--name=value`).
    pub takes_value: bool,
    /// The enumerated values it accepts, if any (hidden values left out).
    pub values: Vec<String>,
    /// The separator for several values in one word (`--event=a,b`), if any.
    pub delimiter: Option<char>,
}

impl Node {
    /// The tree of the plugin's command line.
    pub fn plugin() -> Node {
        Node::read(&crate::view::built(), Vec::new())
    }

    /// Reads `cmd`, which must be built, reached by `path`.
    pub fn read(cmd: &Command, path: Vec<String>) -> Node {
        let mut flags: Vec<Flag> = cmd
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_positional())
            .map(Flag::read)
            .collect();
        // The DC/OS CLI's own completion lists --help first.
        flags.sort_by_key(|f| f.longs.first().map(String::as_str) != Some("help"));
        let positional_values = cmd
            .get_arguments()
            .filter(|a| !a.is_hide_set() && a.is_positional())
            .flat_map(visible_values)
            .collect();
        let children = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| {
                let mut child_path = path.clone();
                child_path.push(s.get_name().to_string());
                Node::read(s, child_path)
            })
            .collect();
        Node {
            path,
            flags,
            positional_values,
            children,
        }
    }

    /// This node and all below it, parents before children.
    pub fn walk(&self) -> Vec<&Node> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }

    /// The subcommand name of this node (`telemetry` for the root).
    pub fn name(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or("telemetry")
    }

    /// The names of the visible subcommands.
    pub fn commands(&self) -> Vec<&str> {
        self.children.iter().map(Node::name).collect()
    }

    /// The bash function the DC/OS CLI calls for this node: `_dcos_telemetry`, then `_<name>` per
    /// level with `-` turned into `_` (as `__dcos_handle_subcommand` does).
    pub fn function_name(&self) -> String {
        let mut name = String::from("_dcos_telemetry");
        for part in &self.path {
            name.push('_');
            name.push_str(&part.replace('-', "_"));
        }
        name
    }

    /// Whether the node has subcommands.
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

impl Flag {
    fn read(arg: &Arg) -> Flag {
        let takes_value = arg.get_action().takes_values()
            && arg.get_num_args().is_none_or(|n| n.min_values() > 0);
        Flag {
            longs: arg
                .get_long_and_visible_aliases()
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
            shorts: arg.get_short_and_visible_aliases().unwrap_or_default(),
            takes_value,
            values: if takes_value {
                visible_values(arg)
            } else {
                Vec::new()
            },
            delimiter: arg.get_value_delimiter(),
        }
    }

    /// Every spelling that is followed by its value as the next word: `--name`, `-n`.
    pub fn spellings(&self) -> Vec<String> {
        let longs = self.longs.iter().map(|l| format!("--{l}"));
        let shorts = self.shorts.iter().map(|s| format!("-{s}"));
        longs.chain(shorts).collect()
    }
}

fn visible_values(arg: &Arg) -> Vec<String> {
    arg.get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect()
}
