//! `aispec validate`: every check on every file, collected as diagnostics.

pub mod cases;
mod catalog;
mod config;
mod knowledge;
pub mod personal_data;
mod screening;
mod signoffs;
mod specialist;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::model::catalog::Catalog;
use crate::workspace::{LoadedSpecialist, Workspace};

pub use specialist::BudgetNumbers;

/// Tokens kept free for the user's question and the conversation so far.
pub const QUESTION_RESERVE_TOKENS: usize = 1024;
/// Tokens kept free for retrieved knowledge when a specialist has a knowledge base.
pub const KNOWLEDGE_RESERVE_TOKENS: usize = 2048;
/// Largest knowledge file accepted, in bytes.
pub const MAX_KNOWLEDGE_BYTES: u64 = crate::fsread::Limit::KNOWLEDGE.bytes;
/// Knowledge file types Open WebUI extracts text from and aispec accepts.
pub const KNOWLEDGE_TYPES: &[&str] = &["md", "txt", "pdf", "docx", "html", "htm"];

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
    duplicate_ids(&specialists, &mut diags);
    signoffs::check(ws, &specialists, &mut diags);
    let suites = cases::check_suites(ws, &mut diags);
    let screenings = screening::check(ws, catalog.as_ref(), &specialists, &mut diags);

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

/// An error when an id read from a file is a name Windows reserves (`con`, `nul`, `com1`…): the repository must
/// check out there too.
pub(crate) fn reserved_id(src: &crate::source::SourceFile, id: &str) -> Option<Diagnostic> {
    crate::id::is_windows_reserved(id).then(|| {
        Diagnostic::at_pointer(
            src,
            "/id",
            Severity::Error,
            "reserved-id",
            format!("`{id}` is a device name on Windows, so its folder could not be checked out there"),
        )
        .with_hint("choose another id and rename the folder to match")
    })
}

fn in_scope(file: &str, paths: &[PathBuf]) -> bool {
    let file = Path::new(file);
    paths
        .iter()
        .any(|p| p.as_os_str().is_empty() || file.starts_with(p) || p.starts_with(file))
}

fn duplicate_ids(specialists: &[LoadedSpecialist], diags: &mut Vec<Diagnostic>) {
    let mut by_id: HashMap<&str, Vec<&LoadedSpecialist>> = HashMap::new();
    for s in specialists {
        if let Some(doc) = &s.spec {
            by_id.entry(doc.value.id.as_str()).or_default().push(s);
        }
    }
    for (id, group) in by_id.into_iter().filter(|(_, g)| g.len() > 1) {
        let folders: Vec<&str> = group.iter().map(|s| s.folder.as_str()).collect();
        for s in &group {
            let Some(doc) = &s.spec else { continue };
            diags.push(
                Diagnostic::at_pointer(
                    &doc.source,
                    "/id",
                    Severity::Error,
                    "duplicate-id",
                    format!(
                        "id `{id}` is used by {} specialists ({})",
                        group.len(),
                        folders.join(", ")
                    ),
                )
                .with_hint("ids must be unique: give each specialist the id of its own folder"),
            );
        }
    }
}
