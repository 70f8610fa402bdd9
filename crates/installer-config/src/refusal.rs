//! Why an edit was refused: a kind to match on, a one-line reason and a hint.

use std::fmt;

/// The reason class of a [`Refusal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// The bytes are not UTF-8 text.
    NotUtf8,
    /// The installer's loader (PyYAML `yaml.safe_load`) would reject the file.
    InvalidYaml,
    /// The file holds more than one YAML document (`yaml.safe_load` rejects that).
    MultipleDocuments,
    /// The document's top level is not a mapping (a list, a scalar, an explicit null).
    TopLevelNotMapping,
    /// `telemetry_enabled` is given more than once at the top level.
    DuplicateTelemetryKey,
    /// The top level is a flow mapping (`{...}`, JSON): no safe line edit exists.
    FlowMapping,
    /// The key or its value carries an anchor (`&a`) or is an alias (`*a`).
    AnchorOrAlias,
    /// The current value has a form this editor does not rewrite (block scalar,
    /// multi-line scalar, list or mapping).
    UnsupportedValue,
    /// The layout around the edit point cannot be edited safely (unusual line break
    /// characters, an indentation that cannot be determined, an explicit key without value).
    UnsupportedLayout,
    /// The planned edit did not re-parse as expected; nothing was changed.
    VerificationFailed,
}

impl RefusalKind {
    /// A stable snake_case name (for machine-readable output).
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::NotUtf8 => "not_utf8",
            RefusalKind::InvalidYaml => "invalid_yaml",
            RefusalKind::MultipleDocuments => "multiple_documents",
            RefusalKind::TopLevelNotMapping => "top_level_not_mapping",
            RefusalKind::DuplicateTelemetryKey => "duplicate_telemetry_key",
            RefusalKind::FlowMapping => "flow_mapping",
            RefusalKind::AnchorOrAlias => "anchor_or_alias",
            RefusalKind::UnsupportedValue => "unsupported_value",
            RefusalKind::UnsupportedLayout => "unsupported_layout",
            RefusalKind::VerificationFailed => "verification_failed",
        }
    }
}

/// A refusal to edit: the input is left untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What kind of problem it is.
    pub kind: RefusalKind,
    /// One line saying what is wrong (no trailing period).
    pub reason: String,
    /// One line saying what the operator can do.
    pub hint: String,
    /// 1-based line the problem is on, where known.
    pub line: Option<usize>,
}

impl Refusal {
    pub(crate) fn new(
        kind: RefusalKind,
        reason: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Refusal {
            kind,
            reason: reason.into(),
            hint: hint.into(),
            line: None,
        }
    }

    pub(crate) fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Refusal::new(
            RefusalKind::InvalidYaml,
            reason,
            "the DC/OS installer (PyYAML safe_load) cannot load this file either; fix the YAML first",
        )
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {} (hint: {})", self.reason, self.hint),
            None => write!(f, "{} (hint: {})", self.reason, self.hint),
        }
    }
}

impl std::error::Error for Refusal {}
