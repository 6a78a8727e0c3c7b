//! Loading screenings and their journeys (`screenings/<id>/`), schema-checked and typed.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::Workspace;
use crate::diagnostic::{Diagnostic, display_path};
use crate::document::{self, Document};
use crate::fsread::Limit;
use crate::model::journey::{self, Journey};
use crate::model::screening::{self, SCREENINGS_DIR, Screening};
use crate::schema::FileKind;

/// Why a screening (or its journey) could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No `screenings/<id>/screening.toml` (or `journey.toml`).
    #[error("there is no {what} `{id}` ({path} does not exist)")]
    Missing {
        /// `screening` or `journey`.
        what: &'static str,
        /// The id asked for.
        id: String,
        /// Workspace-relative path looked at.
        path: String,
        /// An existing screening the id is probably a typo of.
        suggestion: Option<String>,
    },
    /// The file exists but has errors.
    #[error("{path} has {} problem(s); first: {}", .diagnostics.len(), first_message(.diagnostics))]
    Invalid {
        /// Workspace-relative path.
        path: String,
        /// Every problem found.
        diagnostics: Vec<Diagnostic>,
    },
}

impl LoadError {
    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            LoadError::Missing {
                what: "journey", id, ..
            } => {
                format!("run `aispec journey {id}` to capture the user journey first")
            }
            LoadError::Missing {
                id,
                suggestion: Some(best),
                ..
            } => format!("did you mean `{best}`? (to screen a new use case: `aispec screen {id}`)"),
            LoadError::Missing { id, .. } => format!("run `aispec screen {id}` to screen the use case first"),
            LoadError::Invalid { .. } => "run `aispec validate` to see every problem".to_owned(),
        }
    }
}

fn first_message(diags: &[Diagnostic]) -> String {
    diags.first().map(ToString::to_string).unwrap_or_default()
}

impl Workspace {
    /// The screening with this id, schema-checked and typed (what `new`, `status` and `approve` start from).
    pub fn screening(&self, id: &str) -> Result<Document<Screening>, LoadError> {
        self.load_typed(id, "screening", &screening::path(id), FileKind::Screening)
    }

    /// The screening with this id, collecting problems in `diags` (for `validate`); `None` when it is missing
    /// (also reported) or cannot be typed.
    pub fn screening_checked(&self, id: &str, diags: &mut Vec<Diagnostic>) -> Option<Document<Screening>> {
        self.load_checked_typed(&screening::path(id), FileKind::Screening, diags)
    }

    /// The journey of the screening with this id, schema-checked and typed.
    pub fn journey(&self, id: &str) -> Result<Document<Journey>, LoadError> {
        self.load_typed(id, "journey", &journey::path(id), FileKind::Journey)
    }

    /// The journey of the screening with this id, collecting problems in `diags`.
    pub fn journey_checked(&self, id: &str, diags: &mut Vec<Diagnostic>) -> Option<Document<Journey>> {
        self.load_checked_typed(&journey::path(id), FileKind::Journey, diags)
    }

    /// Ids (folder names) of every screening folder, sorted; folders that lead outside the workspace are left
    /// out.
    pub fn screening_ids(&self) -> Vec<String> {
        self.screening_folders(&mut Vec::new())
    }

    /// Ids of every screening folder, sorted; folders that lead outside the workspace are reported in `diags`.
    pub fn screening_folders(&self, diags: &mut Vec<Diagnostic>) -> Vec<String> {
        self.folders_in(SCREENINGS_DIR, diags)
    }

    /// Loads a typed file of a screening folder, failing with a [`LoadError`] when it is missing or has errors.
    fn load_typed<T: DeserializeOwned>(
        &self,
        id: &str,
        what: &'static str,
        rel: &Path,
        kind: FileKind,
    ) -> Result<Document<T>, LoadError> {
        let display = display_path(rel);
        if !self.files.exists(rel) {
            // A journey is missing beside an existing screening; only an unknown screening is a typo.
            let suggestion = (what == "screening")
                .then(|| crate::suggest::closest(id, &self.screening_ids()).map(str::to_owned))
                .flatten();
            return Err(LoadError::Missing {
                what,
                id: id.to_owned(),
                path: display,
                suggestion,
            });
        }
        let mut diags = Vec::new();
        match self.load_checked_typed(rel, kind, &mut diags) {
            Some(doc) if !diags.iter().any(Diagnostic::is_error) => Ok(doc),
            _ => Err(LoadError::Invalid {
                path: display,
                diagnostics: diags.into_iter().filter(Diagnostic::is_error).collect(),
            }),
        }
    }

    /// Reads and types one file, collecting problems in `diags`.
    fn load_checked_typed<T: DeserializeOwned>(
        &self,
        rel: &Path,
        kind: FileKind,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Document<T>> {
        let source = document::read_source(&self.files, rel, Limit::TEXT, diags)?;
        document::parse::<T>(source, kind, &self.schemas, diags)
    }
}
