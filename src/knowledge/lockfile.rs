//! Reading and writing `knowledge.lock` (the data is [`crate::model::knowledge_lock`]).

use std::path::{Path, PathBuf};

use crate::fsread::{FileError, Limit};
use crate::model::knowledge_lock::{KnowledgeLock, LOCK_VERSION, LockedSource};
use crate::model::specialist::KNOWLEDGE_LOCK_FILE;
use crate::workspace::Workspace;

/// First lines of every lock file.
const HEADER: &str = "# Written by `aispec knowledge fetch`: where each fetched knowledge file came from.\n\
# Do not edit; change `source` in specialist.toml and fetch again.\n\n";

/// Why a lock file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LockFileError {
    /// It cannot be read.
    #[error("{path}: {source}")]
    File {
        /// The lock file.
        path: String,
        /// Why.
        source: FileError,
    },
    /// It is not a lock file this aispec understands.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The lock file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl LockFileError {
    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        "restore it from git (`git checkout -- <file>`), or delete it and run `aispec knowledge fetch` to write it anew"
    }
}

/// Where the lock of the specialist in `spec_dir` (relative to the root) is.
pub fn path(spec_dir: &Path) -> PathBuf {
    spec_dir.join(KNOWLEDGE_LOCK_FILE)
}

/// The lock of the specialist in `spec_dir`; empty when there is none yet.
pub fn read(ws: &Workspace, spec_dir: &Path) -> Result<KnowledgeLock, LockFileError> {
    let rel = path(spec_dir);
    let shown = crate::diagnostic::display_path(&rel);
    let text = match ws.files.read_text(&rel, Limit::TEXT) {
        Ok(text) => text,
        Err(e) if e.is_missing() => return Ok(KnowledgeLock::default()),
        Err(source) => return Err(LockFileError::File { path: shown, source }),
    };
    let lock: KnowledgeLock = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(0, |span| span.start);
        let pos = crate::source::SourceFile::new(&rel, text.clone()).position(at);
        let (line, column) = (pos.line, pos.column);
        LockFileError::Parse {
            path: shown.clone(),
            line,
            column,
            message: e.message().to_owned(),
        }
    })?;
    if lock.version != LOCK_VERSION {
        return Err(LockFileError::Parse {
            path: shown,
            line: 1,
            column: 1,
            message: format!(
                "lock format version {} is not the {LOCK_VERSION} this aispec reads (written by another aispec version?)",
                lock.version
            ),
        });
    }
    Ok(lock)
}

/// Writes the lock atomically, entries sorted by file; a lock without entries removes the file.
pub fn write(ws: &Workspace, spec_dir: &Path, lock: &mut KnowledgeLock) -> std::io::Result<()> {
    let target = ws.path(path(spec_dir));
    if lock.sources.is_empty() {
        return match std::fs::remove_file(&target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    lock.sources.sort_by(|a, b| a.file.cmp(&b.file));
    let body = toml::to_string(lock).map_err(std::io::Error::other)?;
    crate::fsutil::write_atomic(&target, format!("{HEADER}{body}").as_bytes())
}

/// The entry for the knowledge file `file`.
pub fn entry<'a>(lock: &'a KnowledgeLock, file: &str) -> Option<&'a LockedSource> {
    lock.sources.iter().find(|s| s.file == file)
}

/// Puts `new` in place of the entry for the same file, or adds it.
pub fn upsert(lock: &mut KnowledgeLock, new: LockedSource) {
    match lock.sources.iter_mut().find(|s| s.file == new.file) {
        Some(old) => *old = new,
        None => lock.sources.push(new),
    }
}
