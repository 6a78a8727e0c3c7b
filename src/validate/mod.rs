//! `aispec validate`: every check on every file, collected as diagnostics.

mod adoption;
pub mod cases;
mod catalog;
mod config;
mod ids;
mod knowledge;
mod knowledge_sources;
pub mod limits;
pub mod personal_data;
pub mod placeholders;
mod register;
mod screening;
mod signoffs;
mod specialist;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::{self, Diagnostic};
use crate::model::catalog::Catalog;
use crate::workspace::{LoadedSpecialist, Workspace};

pub use limits::{KNOWLEDGE_RESERVE_TOKENS, KNOWLEDGE_TYPES, MAX_KNOWLEDGE_BYTES, QUESTION_RESERVE_TOKENS};
pub use specialist::BudgetNumbers;

/// The result of a validation run.
#[derive(Debug, Serialize)]
pub struct Report {
    /// True when there are no errors (warnings allowed).
    pub ok: bool,
    /// Every finding, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How much was checked.
    pub checked: Checked,
}

/// Counts of what was checked.
#[derive(Debug, Default, Serialize)]
pub struct Checked {
    /// Specialist folders.
    pub specialists: usize,
    /// Test-case files (specialists' and suites').
    pub test_files: usize,
    /// Screenings under `screenings/`.
    pub screenings: usize,
}

/// Everything loaded for validation, so other commands can reuse the same pass.
pub struct Validated {
    /// The catalogue used for model checks.
    pub catalog: Catalog,
    /// Every specialist folder.
    pub specialists: Vec<LoadedSpecialist>,
    /// The report.
    pub report: Report,
}

/// Validates the whole workspace, then keeps the findings under `paths` (all when empty).
pub fn validate(ws: &Workspace, paths: &[PathBuf]) -> Validated {
    let mut diags = ws.config_diagnostics.clone();
    config::explain_api_key_env(ws, &mut diags);
    config::check(ws, &mut diags);
    let catalog_doc = ws.catalog_document(&mut diags);
    if let Some(doc) = &catalog_doc {
        catalog::check(doc, &mut diags);
    }
    let catalog = catalog_doc.map(|d| d.value);
    let specialists = ws.specialists(&mut diags);

    let per_spec: Vec<Diagnostic> = specialists
        .par_iter()
        .flat_map_iter(|s| {
            let mut d = Vec::new();
            specialist::check(ws, s, catalog.as_ref(), &mut d);
            d
        })
        .collect();
    diags.extend(per_spec);
    ids::duplicates(&specialists, &mut diags);
    signoffs::check(ws, &specialists, &mut diags);
    let suites = cases::check_suites(ws, &mut diags);
    let screenings = screening::check(ws, catalog.as_ref(), &specialists, &mut diags);
    register::check(ws, catalog.as_ref(), &mut diags);

    if !paths.is_empty() {
        diags.retain(|d| in_scope(&d.file, paths));
    }
    diagnostic::sort(&mut diags);
    let test_files = suites + specialists.iter().filter(|s| s.tests.is_some()).count();
    let report = Report {
        ok: !diags.iter().any(Diagnostic::is_error),
        diagnostics: diags,
        checked: Checked {
            specialists: specialists.len(),
            test_files,
            screenings,
        },
    };
    Validated {
        catalog: catalog.unwrap_or_default(),
        specialists,
        report,
    }
}

fn in_scope(file: &str, paths: &[PathBuf]) -> bool {
    let file = Path::new(file);
    paths
        .iter()
        .any(|p| p.as_os_str().is_empty() || file.starts_with(p) || p.starts_with(file))
}
