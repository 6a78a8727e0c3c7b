//! `[[knowledge]]` entries with a `source`: the source, selector and headers can be used; and, against
//! `knowledge.lock`, the fetched file was not edited by hand and is not older than its `max_age`.

use crate::diagnostic::{Diagnostic, Severity, display_path};
use crate::knowledge::{self, age, lockfile, source};
use crate::model::knowledge_lock::KnowledgeLock;
use crate::model::specialist::{KnowledgeFile, Specialist};
use crate::source::SourceFile;
use crate::workspace::{LoadedSpecialist, Workspace};

/// Checks every sourced entry of one specialist.
pub fn check(ws: &Workspace, s: &LoadedSpecialist, spec: &Specialist, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    if !spec.knowledge.iter().any(|k| k.source.is_some()) {
        return;
    }
    let lock = match lockfile::read(ws, &s.dir) {
        Ok(lock) => Some(lock),
        Err(e) => {
            let (file, line, column) = match &e {
                knowledge::LockFileError::Parse { path, line, column, .. } => (path.clone(), *line, *column),
                knowledge::LockFileError::File { path, .. } => (path.clone(), 1, 1),
            };
            let message = e.to_string();
            let message = message.split_once(": ").map_or(message.as_str(), |(_, m)| m).to_owned();
            diags.push(
                Diagnostic::at_path(file, line, column, Severity::Error, "knowledge-lock", message).with_hint(e.hint()),
            );
            None
        }
    };
    let now = age::now();
    for (i, entry) in spec.knowledge.iter().enumerate() {
        let Some(raw) = entry.source.as_deref() else { continue };
        let at = |field: &str| format!("/knowledge/{i}/{field}");
        if !usable(ws, s, entry, raw, src, &at, diags) {
            continue;
        }
        if let Some(lock) = &lock {
            against_lock(ws, s, entry, lock, src, &at, now, diags);
        }
    }
}

/// The source, target file, selector and headers of one entry; false when the source itself is unusable.
fn usable(
    ws: &Workspace,
    s: &LoadedSpecialist,
    entry: &KnowledgeFile,
    raw: &str,
    src: &SourceFile,
    at: &dyn Fn(&str) -> String,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let error = |field: &str, code: &'static str, message: String, hint: String| {
        Diagnostic::at_pointer(src, &at(field), Severity::Error, code, message).with_hint(hint)
    };
    let ext = entry
        .file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !source::WRITABLE_EXTENSIONS.contains(&ext.as_str()) {
        let e = knowledge::SourceError::TargetType(entry.file.clone());
        let message = format!("{e}: aispec writes the text it fetches as Markdown");
        diags.push(error("file", "knowledge-source-file", message, e.hint()));
    }
    if let Some(sel) = &entry.selector
        && let Err(e) = knowledge::html::check_selector(sel)
    {
        let hint = "write CSS such as `main article` or `#indhold`".to_owned();
        diags.push(error("selector", "knowledge-selector", e.to_string(), hint));
    }
    headers(entry, src, at, diags);
    match source::parse(raw, &s.dir) {
        Err(p) => {
            diags.push(error("source", "knowledge-source", p.to_string(), p.hint().to_owned()));
            false
        }
        Ok(source::Source::Path(path)) => match ws.files.resolve(&path) {
            Ok(_) => true,
            Err(e) => {
                let message = format!("the source {}: {e}", display_path(&path));
                diags.push(error("source", "knowledge-source", message, e.hint()));
                false
            }
        },
        Ok(source::Source::Url(_)) => true,
    }
}

/// Header names HTTP allows, and values that name environment variables (never shown: one may be a token).
fn headers(entry: &KnowledgeFile, src: &SourceFile, at: &dyn Fn(&str) -> String, diags: &mut Vec<Diagnostic>) {
    for (header, var) in &entry.headers_env {
        let pointer = format!("{}/{}", at("headers_env"), header.replace('~', "~0").replace('/', "~1"));
        let problem = |message: String, hint: &str| {
            Diagnostic::at_pointer(src, &pointer, Severity::Error, "headers-env", message).with_hint(hint)
        };
        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
            diags.push(problem(
                format!("`{header}` is not an HTTP header name"),
                "use letters, digits and `-`, such as Authorization or X-Api-Key",
            ));
        }
        let is_name = !var.is_empty()
            && !var.starts_with(|c: char| c.is_ascii_digit())
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_name {
            diags.push(problem(
                format!("the value for `{header}` is not the name of an environment variable"),
                "write the variable's name (such as INTRANET_TOKEN) and put the secret in it; if a credential was written here, remove it and rotate it: it is in git history",
            ));
        }
    }
}

/// The file still holds what was fetched, and the copy is not past its `max_age`.
#[allow(clippy::too_many_arguments)]
fn against_lock(
    ws: &Workspace,
    s: &LoadedSpecialist,
    entry: &KnowledgeFile,
    lock: &KnowledgeLock,
    src: &SourceFile,
    at: &dyn Fn(&str) -> String,
    now: chrono::DateTime<chrono::Utc>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(locked) = lockfile::entry(lock, &entry.file) else {
        diags.push(
            Diagnostic::at_pointer(
                src,
                &at("source"),
                Severity::Warning,
                "knowledge-not-fetched",
                format!("`{}` has a source but has not been fetched yet", entry.file),
            )
            .with_hint(format!("run `aispec knowledge fetch {}`", s.folder)),
        );
        return;
    };
    let Ok(path) = knowledge::target_path(&s.dir, &entry.file) else {
        return;
    };
    if let Ok(bytes) = ws.files.read(&path, crate::fsread::Limit::KNOWLEDGE)
        && knowledge::hash(&bytes) != locked.content_hash
    {
        diags.push(
            Diagnostic::at_path(
                display_path(&path),
                1,
                1,
                Severity::Warning,
                "knowledge-edited",
                "the file differs from what was fetched from its source (edited by hand?); the next fetch replaces it",
            )
            .with_hint(format!(
                "ask the source's owner to change the source, then run `aispec knowledge fetch {}`; to keep a hand-written file, remove `source` from its [[knowledge]] entry",
                s.folder
            )),
        );
    }
    let Some(max_age) = entry.max_age.as_deref() else {
        return;
    };
    let Some(days) = age::parse(max_age)
        .ok()
        .and_then(|a| age::days_overdue(&locked.fetched_at, a, now))
    else {
        return;
    };
    let owner = entry
        .owner
        .as_deref()
        .map(|o| format!(" and let {o} confirm it"))
        .unwrap_or_default();
    diags.push(
        Diagnostic::at_pointer(
            src,
            &at("max_age"),
            Severity::Warning,
            "knowledge-stale",
            format!(
                "`{}` was fetched {} and is older than its max_age {max_age} by {days} day{}",
                entry.file,
                locked.fetched_at.get(..10).unwrap_or(&locked.fetched_at),
                if days == 1 { "" } else { "s" }
            ),
        )
        .with_hint(format!("run `aispec knowledge fetch {}`{owner}", s.folder)),
    );
}
