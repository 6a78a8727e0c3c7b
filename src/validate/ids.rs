//! Checks on the ids read from files: names Windows reserves, and one id used by several specialists.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::workspace::LoadedSpecialist;

/// An error when the id in a file differs from its folder's name; `hint` says how to fix it in that place.
pub(super) fn mismatch(src: &crate::source::SourceFile, id: &str, folder: &str, hint: String) -> Option<Diagnostic> {
    (id != folder).then(|| {
        Diagnostic::at_pointer(
            src,
            "/id",
            Severity::Error,
            "id-mismatch",
            format!("id `{id}` does not match the folder name `{folder}`"),
        )
        .with_hint(hint)
    })
}

/// An error when an id read from a file is a name Windows reserves (`con`, `nul`, `com1`…): the repository must
/// check out there too.
pub(super) fn reserved(src: &crate::source::SourceFile, id: &str) -> Option<Diagnostic> {
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

pub(super) fn duplicates(specialists: &[LoadedSpecialist], diags: &mut Vec<Diagnostic>) {
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
