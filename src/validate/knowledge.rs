//! Knowledge files: listed files exist, have a supported type and size, every file on disk is listed, and
//! text files and documents (PDF, Word) carry no personal data.

use std::collections::HashSet;

use super::limits::KNOWLEDGE_TYPES;
use super::personal_data::{self, Allow};
use crate::diagnostic::{Diagnostic, Severity, display_path};
use crate::extract::DocKind;
use crate::fsread::Limit;
use crate::model::specialist::{KNOWLEDGE_DIR, Specialist};
use crate::source::SourceFile;
use crate::workspace::{LoadedSpecialist, Workspace};

/// Checks the `[[knowledge]]` entries against the `knowledge/` folder.
pub fn check(
    ws: &Workspace,
    s: &LoadedSpecialist,
    spec: &Specialist,
    src: &SourceFile,
    allow: Allow<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let on_disk: HashSet<&str> = s.knowledge.iter().map(|k| k.name.as_str()).collect();
    let mut listed = HashSet::new();
    for (i, entry) in spec.knowledge.iter().enumerate() {
        let pointer = format!("/knowledge/{i}/file");
        let name = entry.file.trim_start_matches("./");
        if !listed.insert(name) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &pointer,
                    Severity::Error,
                    "duplicate-knowledge",
                    format!("`{name}` is listed twice"),
                )
                .with_hint("remove the second [[knowledge]] entry"),
            );
            continue;
        }
        if name.contains("..") || name.starts_with('/') {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &pointer,
                    Severity::Error,
                    "knowledge-path",
                    format!("`{name}` points outside knowledge/"),
                )
                .with_hint("put the file inside the specialist's knowledge/ folder and give its path relative to it"),
            );
            continue;
        }
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if !KNOWLEDGE_TYPES.contains(&ext.as_str()) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &pointer,
                    Severity::Error,
                    "knowledge-type",
                    format!("`{name}` is not a supported file type"),
                )
                .with_hint(format!("convert it to one of: {}", KNOWLEDGE_TYPES.join(", "))),
            );
        }
        if !on_disk.contains(name) && !s.knowledge_unreadable {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &pointer,
                    Severity::Error,
                    "missing-knowledge",
                    format!(
                        "knowledge file `{name}` does not exist in {}",
                        display_path(&s.dir.join(KNOWLEDGE_DIR))
                    ),
                )
                .with_hint("add the file, or remove the [[knowledge]] entry"),
            );
        }
    }
    for file in s.knowledge.iter().filter(|f| !f.unreadable) {
        let shown = display_path(&file.path);
        personal_data::scan_name(&shown, &file.name, allow, diags);
        if !listed.contains(file.name.as_str()) {
            diags.push(
                Diagnostic::at_path(
                    shown.clone(),
                    1,
                    1,
                    Severity::Error,
                    "unlisted-knowledge",
                    "the file is in knowledge/ but not listed in specialist.toml",
                )
                .with_hint(format!(
                    "add [[knowledge]] file = \"{}\" with a description, or delete the file",
                    file.name
                )),
            );
        }
        if file.size > Limit::KNOWLEDGE.bytes {
            let e = crate::fsread::FileError::TooLarge {
                size: file.size,
                limit: Limit::KNOWLEDGE,
            };
            diags.push(crate::document::file_diagnostic(shown.clone(), &e));
            continue;
        }
        if file.size == 0 {
            diags.push(
                Diagnostic::at_path(
                    shown.clone(),
                    1,
                    1,
                    Severity::Error,
                    "empty-knowledge",
                    "the knowledge file is empty",
                )
                .with_hint("add the content or delete the file"),
            );
            continue;
        }
        let ext = file
            .name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if let Some(kind) = DocKind::from_name(&file.name) {
            match ws.files.read(&file.path, Limit::KNOWLEDGE) {
                Ok(bytes) => personal_data::scan_document(&shown, kind, &bytes, allow, diags),
                Err(e) => diags.push(crate::document::file_diagnostic(shown, &e)),
            }
            continue;
        }
        if matches!(ext.as_str(), "md" | "txt" | "html" | "htm") {
            match ws.files.read_text(&file.path, Limit::KNOWLEDGE) {
                Ok(text) => personal_data::scan_file(&SourceFile::new(&file.path, text), allow, diags),
                Err(e @ crate::fsread::FileError::NotUtf8 { .. }) => diags.push(
                    crate::document::file_diagnostic(shown, &e)
                        .with_hint("save it as UTF-8 so Danish letters survive the upload"),
                ),
                Err(e) => diags.push(crate::document::file_diagnostic(shown, &e)),
            }
        }
    }
}
