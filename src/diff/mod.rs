//! `aispec diff`: what changed in specialists, screenings and the catalogue between two revisions — field by
//! field, the system prompt word by word — with risky changes and version-bump problems called out.
//!
//! Only files under `specialists/`, `screenings/` and `models.toml` that git reports as different are read:
//! unchanged folders are skipped by their tree and blob ids and never parsed.

mod compare;
pub mod fields;
mod load;
pub mod range;
pub mod render;
pub mod report;
pub mod risk;
pub mod version;
pub mod words;

pub use compare::{compare, describe_changes, load_specialist_at};
pub use fields::FieldChange;
pub use load::SpecialistAt;
pub use range::{Range, RangeError};
pub use report::{ChangeKind, DiffReport, FileChange, ItemDiff, Risk, Side, SignoffChanges, SpecialistDiff, Summary};
pub use version::{Level, VersionCheck};
pub use words::TextDiff;
