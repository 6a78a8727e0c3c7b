//! The screening engine: loading the questionnaire (embedded default or the workspace's own), conditions,
//! evaluation per track, derived results, answers files, storing screenings and re-screening.

pub mod answers;
pub mod check;
pub mod evaluate;
pub mod expr;
pub mod hash;
pub mod interview;
pub mod journey;
pub mod listing;
pub mod present;
pub mod report;
pub mod rescreen;
pub mod store;
pub mod summary;
pub mod texts;
pub mod why;

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::document::{self, Document};
use crate::error::UserError;
use crate::model::questionnaire::{QUESTIONNAIRE_FILE, Questionnaire};
use crate::model::screening::QuestionnaireStamp;
use crate::schema::FileKind;
use crate::workspace::Workspace;

pub use evaluate::{Engine, EvalError, Evaluation};

/// A questionnaire as loaded, with where it came from and its content hash.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The parsed file.
    pub doc: Document<Questionnaire>,
    /// True when the workspace has its own `questionnaires/screening.toml`.
    pub overridden: bool,
    /// Version and content hash, as recorded in screenings.
    pub stamp: QuestionnaireStamp,
}

impl Loaded {
    /// The questionnaire.
    pub fn questionnaire(&self) -> &Questionnaire {
        &self.doc.value
    }
}

/// Loads the workspace's questionnaire (or the embedded default) with schema and meaning checks.
pub fn load(ws: &Workspace, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let overridden = ws.files.exists(Path::new(QUESTIONNAIRE_FILE));
    let source = if overridden {
        document::read_source(
            &ws.files,
            Path::new(QUESTIONNAIRE_FILE),
            crate::fsread::Limit::TEXT,
            diags,
        )?
    } else {
        ws.resource(QUESTIONNAIRE_FILE).map(|(s, _)| s)?
    };
    let doc = document::parse::<Questionnaire>(source, FileKind::Questionnaire, &ws.schemas, diags)?;
    let before = diags.len();
    check::check(&doc.value, &doc.source, diags);
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let stamp = QuestionnaireStamp {
        version: doc.value.version.clone(),
        hash: hash::questionnaire_hash(&doc.value),
    };
    Some(Loaded { doc, overridden, stamp })
}

/// Loads the questionnaire or fails with the first problem (for commands that need a usable one).
pub fn load_valid(ws: &Workspace) -> Result<Loaded, UserError> {
    let mut diags = Vec::new();
    let loaded = load(ws, &mut diags);
    let first = diags.iter().find(|d| d.is_error());
    match (loaded, first) {
        (Some(l), None) => Ok(l),
        (_, first) => Err(UserError::new(match first {
            Some(d) => format!("the questionnaire has errors; first: {d}"),
            None => format!("the questionnaire {QUESTIONNAIRE_FILE} cannot be read"),
        })
        .hint("run `aispec validate` to see every problem, or remove the workspace's copy to use the built-in one")),
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
