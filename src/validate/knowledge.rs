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
use crate::workspace::{KnowledgeOnDisk, LoadedSpecialist, Workspace};

/// Checks the `[[knowledge]]` entries against the `knowledge/` folder.
pub fn check(
    ws: &Workspace,
    s: &LoadedSpecialist,
    spec: &Specialist,
    src: &SourceFile,
    allow: Allow<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let listed = entries(s, spec, src, diags);
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
        if let Some(d) = size_problem(file, &shown) {
            diags.push(d);
            continue;
        }
        scan(ws, file, shown, allow, diags);
    }
    super::knowledge_sources::check(ws, s, spec, src, diags);
}

/// The listed entries: each once, inside `knowledge/`, of a supported type, present on disk. Returns the names
/// listed.
fn entries<'a>(
    s: &LoadedSpecialist,
    spec: &'a Specialist,
    src: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> HashSet<&'a str> {
    let on_disk: HashSet<&str> = s.knowledge.iter().map(|k| k.name.as_str()).collect();
    let mut listed = HashSet::new();
    for (i, entry) in spec.knowledge.iter().enumerate() {
        let name = entry.file.trim_start_matches("./");
        let problem = |code: &'static str, message: String, hint: String| {
            let pointer = format!("/knowledge/{i}/file");
            Diagnostic::at_pointer(src, &pointer, Severity::Error, code, message).with_hint(hint)
        };
        if !listed.insert(name) {
            let hint = "remove the second [[knowledge]] entry".to_owned();
            diags.push(problem(
                "duplicate-knowledge",
                format!("`{name}` is listed twice"),
                hint,
            ));
            continue;
        }
        if name.contains("..") || name.starts_with('/') {
            let hint = "put the file inside the specialist's knowledge/ folder and give its path relative to it";
            let message = format!("`{name}` points outside knowledge/");
            diags.push(problem("knowledge-path", message, hint.to_owned()));
            continue;
        }
        if !KNOWLEDGE_TYPES.contains(&extension(name).as_str()) {
            let hint = format!("convert it to one of: {}", KNOWLEDGE_TYPES.join(", "));
            let message = format!("`{name}` is not a supported file type");
            diags.push(problem("knowledge-type", message, hint));
        }
        if !on_disk.contains(name) && !s.knowledge_unreadable {
            let folder = display_path(&s.dir.join(KNOWLEDGE_DIR));
            let message = format!("knowledge file `{name}` does not exist in {folder}");
            let hint = "add the file, or remove the [[knowledge]] entry".to_owned();
            diags.push(problem("missing-knowledge", message, hint));
        }
    }
    listed
}

/// Too large to upload, or empty.
fn size_problem(file: &KnowledgeOnDisk, shown: &str) -> Option<Diagnostic> {
    if file.size > Limit::KNOWLEDGE.bytes {
        let e = crate::fsread::FileError::TooLarge {
            size: file.size,
            limit: Limit::KNOWLEDGE,
        };
        return Some(crate::document::file_diagnostic(shown.to_owned(), &e));
    }
    (file.size == 0).then(|| {
        Diagnostic::at_path(
            shown,
            1,
            1,
            Severity::Error,
            "empty-knowledge",
            "the knowledge file is empty",
        )
        .with_hint("add the content or delete the file")
    })
}

/// Scans a document (PDF, Word) or a text file for personal data.
fn scan(ws: &Workspace, file: &KnowledgeOnDisk, shown: String, allow: Allow<'_>, diags: &mut Vec<Diagnostic>) {
    if let Some(kind) = DocKind::from_name(&file.name) {
        match ws.files.read(&file.path, Limit::KNOWLEDGE) {
            Ok(bytes) => personal_data::scan_document(&shown, kind, &bytes, allow, diags),
            Err(e) => diags.push(crate::document::file_diagnostic(shown, &e)),
        }
        return;
    }
    if matches!(extension(&file.name).as_str(), "md" | "txt" | "html" | "htm") {
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

/// The file name's extension, lowercased (empty when it has none).
fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}
