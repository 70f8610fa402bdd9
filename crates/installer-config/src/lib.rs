//! A byte-preserving editor for the DC/OS installer's `config.yaml`: it sets the top-level
//! `telemetry_enabled` to `'false'` (DC/OS's one supported telemetry switch) and changes
//! nothing else, or refuses with a reason when it cannot do that safely.
//!
//! * [`plan_opt_out`] plans the edit (pure; verified by loading the result again the way
//!   the installer's PyYAML `safe_load` would).
//! * [`unified_diff`] shows it.
//! * [`write_atomically`] writes it (temp file, fsync, rename, optional `.bak`).

mod atomic;
mod compose;
mod construct;
mod diff;
mod document;
mod events;
mod lexical;
mod plan;
mod refusal;
mod source;
mod value;

pub use atomic::{
    BeforeRename, NoHook, WriteOutcome, write_atomically, write_atomically_with_hook,
};
pub use diff::unified_diff;
pub use document::{TopLevel, read_top_level};
pub use plan::{AlreadyOptedOut, Change, ChangeKind, Edit, OPTED_OUT_VALUE, Plan, plan_opt_out};
pub use refusal::{Refusal, RefusalKind};
pub use source::LineEnding;
