//! The `placeholder` check: text left for a person to fill in (`UDFYLD:`, `TODO:`) in a specialist's files. A
//! warning, since a draft may have to-dos; the gate keeps `approve` and `deploy` from going on while one is left.

use crate::diagnostic::{Diagnostic, Severity};
use crate::placeholder;
use crate::source::SourceFile;
use crate::workspace::LoadedSpecialist;

/// One warning per placeholder in the specialist's `specialist.toml`, system prompt and tests.
pub fn check(s: &LoadedSpecialist, diags: &mut Vec<Diagnostic>) {
    for file in files(s) {
        for found in placeholder::find(&file.text) {
            diags.push(
                Diagnostic::at_path(
                    crate::diagnostic::display_path(&file.path),
                    found.line,
                    found.column,
                    Severity::Warning,
                    "placeholder",
                    format!("left to fill in: {}", found.text),
                )
                .with_hint("write the real text in its place; approve and deploy refuse while a placeholder is left"),
            );
        }
    }
}

/// How many placeholders the specialist's files hold, and where the first one is (`file:line`).
pub fn first(s: &LoadedSpecialist) -> Option<(usize, String)> {
    let mut count = 0;
    let mut at = None;
    for file in files(s) {
        let found = placeholder::find(&file.text);
        if at.is_none() {
            at = found
                .first()
                .map(|f| format!("{}:{}", crate::diagnostic::display_path(&file.path), f.line));
        }
        count += found.len();
    }
    at.map(|at| (count, at))
}

fn files(s: &LoadedSpecialist) -> impl Iterator<Item = &SourceFile> {
    s.spec
        .as_ref()
        .map(|d| &d.source)
        .into_iter()
        .chain(s.prompt.as_ref())
        .chain(s.tests.as_ref().map(|t| &t.source))
}
