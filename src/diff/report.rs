//! What `aispec diff` finds, as data: per specialist, screening and catalogue entry, with a summary.

use serde::Serialize;

use super::fields::FieldChange;
use super::version::VersionCheck;
use super::words::TextDiff;
use crate::model::specialist::Signoff;
use crate::signoff::State;

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// New at the head.
    Added,
    /// Gone at the head.
    Removed,
    /// Moved to another folder (and possibly edited).
    Renamed,
    /// Edited in place.
    Changed,
}

impl ChangeKind {
    /// The word shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One side of the comparison as shown in reports.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// How the user named it.
    pub name: String,
    /// The commit id, absent for the work tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// A file inside an item that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// Path inside the item's folder (for knowledge: inside `knowledge/`).
    pub file: String,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// Size before, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_size: Option<u64>,
    /// Size after, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_size: Option<u64>,
}

/// Sign-offs that this change voided or added.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SignoffChanges {
    /// Sign-offs that were valid at the base and are not at the head.
    pub voided: Vec<Signoff>,
    /// Sign-offs recorded in this change.
    pub added: Vec<Signoff>,
    /// Sign-off state at the head (against the workspace's and screening's required roles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
}

/// Everything that changed in one specialist.
#[derive(Debug, Clone, Serialize)]
pub struct SpecialistDiff {
    /// Id at the head (at the base when removed).
    pub id: String,
    /// What happened.
    pub change: ChangeKind,
    /// The old folder, when renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Version at the base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    /// Version at the head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    /// Changed fields of `specialist.toml` (without version and sign-offs).
    pub fields: Vec<FieldChange>,
    /// The system prompt, word by word; absent when unchanged (all added for a new specialist).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<TextDiff>,
    /// Knowledge files added, removed or changed.
    pub knowledge: Vec<FileChange>,
    /// True when `tests.toml` changed.
    pub tests_changed: bool,
    /// Sign-offs voided or added.
    pub signoffs: SignoffChanges,
    /// Risky changes.
    pub risks: Vec<Risk>,
    /// Whether the version moved far enough; absent when no deployable content changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_check: Option<VersionCheck>,
    /// Files that could not be read as expected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl SpecialistDiff {
    /// True when deployable content changed (not only tests, sign-offs or formatting).
    pub fn deployable_change(&self) -> bool {
        !self.fields.is_empty() || self.prompt.is_some() || !self.knowledge.is_empty()
    }

    /// True when the files differ only in formatting or comments.
    pub fn only_formatting(&self) -> bool {
        self.change == ChangeKind::Changed
            && !self.deployable_change()
            && !self.tests_changed
            && self.signoffs.added.is_empty()
            && self.old_version == self.new_version
            && self.problems.is_empty()
    }
}

/// A screening or catalogue entry that changed.
#[derive(Debug, Clone, Serialize)]
pub struct ItemDiff {
    /// Screening id or model id.
    pub id: String,
    /// What happened.
    pub change: ChangeKind,
    /// Changed fields.
    pub fields: Vec<FieldChange>,
    /// Other files in the item's folder that changed (screenings: reports, journeys).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileChange>,
    /// Risky changes.
    pub risks: Vec<Risk>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Specialists added.
    pub added: usize,
    /// Specialists removed.
    pub removed: usize,
    /// Specialists renamed.
    pub renamed: usize,
    /// Specialists changed.
    pub changed: usize,
    /// Risky changes across everything.
    pub risks: usize,
    /// Specialists whose version was not bumped enough.
    pub version_problems: usize,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// The old side.
    pub base: Side,
    /// The new side.
    pub head: Side,
    /// Changed specialists, by id.
    pub specialists: Vec<SpecialistDiff>,
    /// Changed screenings, by id.
    pub screenings: Vec<ItemDiff>,
    /// Changed catalogue entries, by model id.
    pub models: Vec<ItemDiff>,
    /// Counts.
    pub summary: Summary,
}

impl DiffReport {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.specialists.is_empty() && self.screenings.is_empty() && self.models.is_empty()
    }
}

/// One risky change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    /// Stable code: `access-widened`, `base-model-changed`, `weaker-hosting`, `knowledge-added`,
    /// `knowledge-removed`, `temperature-raised`, `notice-removed`, `signoffs-voided`, `screening-changed`,
    /// `model-weakened`.
    pub code: &'static str,
    /// What changed, in words.
    pub message: String,
}
