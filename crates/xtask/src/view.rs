//! The command line as users may see it: the plugin's clap definition without hidden arguments
//! and subcommands.
//!
//! clap_complete 4.6 writes hidden options (such as `--info`, which only the DC/OS CLI calls) into
//! the scripts it generates, and clap has no way to remove an argument from a `Command`. So the
//! scripts are generated from a copy of the tree that holds only what is visible.

use std::collections::BTreeSet;

use clap::builder::Resettable;
use clap::{Arg, Command, CommandFactory, Id};

/// The plugin's command, as defined (not built).
pub fn definition() -> Command {
    dcos_telemetry::cli::Cli::command()
}

/// The plugin's command, built: global arguments propagated, bin names set.
pub fn built() -> Command {
    let mut cmd = definition();
    cmd.build();
    cmd
}

/// The definition without hidden arguments and subcommands, for shell-completion generators.
///
/// Arguments keep everything completion reads (names, aliases, help, value parser, number of
/// values, value hint, global); their conflicts are recomputed among the visible ones; other
/// relations (requires, overrides, groups) are dropped, as no completion generator reads them and
/// they may point at a removed argument.
pub fn visible() -> Command {
    let definition = definition();
    let built = built();
    copy_visible(&definition, &built)
}

/// `cmd` (as defined) without hidden parts; `built` is the same command after `build()`.
fn copy_visible(cmd: &Command, built: &Command) -> Command {
    let visible_ids: BTreeSet<&str> = built
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .map(|a| a.get_id().as_str())
        .collect();
    let mut out = Command::new(leak(cmd.get_name()))
        .disable_help_flag(cmd.is_disable_help_flag_set())
        .disable_version_flag(cmd.is_disable_version_flag_set())
        .disable_help_subcommand(cmd.is_disable_help_subcommand_set())
        .subcommand_required(cmd.is_subcommand_required_set())
        .allow_external_subcommands(cmd.is_allow_external_subcommands_set())
        .args_conflicts_with_subcommands(cmd.is_args_conflicts_with_subcommands_set());
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(about) = cmd.get_long_about() {
        out = out.long_about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(leak(version));
    }
    for alias in cmd.get_visible_aliases() {
        out = out.visible_alias(leak(alias));
    }
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let conflicts: Vec<&str> = built
            .find_arg(arg.get_id().as_str())
            .map(|b| built.get_arg_conflicts_with(b))
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.get_id().as_str())
            .filter(|id| visible_ids.contains(id) && cmd.find_arg(id).is_some())
            .collect();
        out = out.arg(
            without_relations(arg.clone())
                .conflicts_with_all(conflicts.into_iter().map(leak).collect::<Vec<_>>()),
        );
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let built_sub = built
            .find_subcommand(sub.get_name())
            .expect("the built command has the same subcommands");
        out = out.subcommand(copy_visible(sub, built_sub));
    }
    out
}

/// `arg` without links to other arguments.
fn without_relations(arg: Arg) -> Arg {
    let reset = || Resettable::<Id>::Reset;
    arg.conflicts_with(reset())
        .requires(reset())
        .overrides_with(reset())
        .required_unless_present(reset())
        .group(reset())
}

/// clap's builder only takes `'static` names (its `string` feature would change the plugin's own
/// clap build), and this process generates a few files and exits, so names are leaked.
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// `find_arg` for both defined and built commands.
trait FindArg {
    fn find_arg(&self, id: &str) -> Option<&Arg>;
}

impl FindArg for Command {
    fn find_arg(&self, id: &str) -> Option<&Arg> {
        self.get_arguments().find(|a| a.get_id().as_str() == id)
    }
}
