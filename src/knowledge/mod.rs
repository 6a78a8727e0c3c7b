//! Knowledge sources that stay fresh: `[[knowledge]]` entries with a `source` are fetched into `knowledge/`
//! ([`fetch`]), recorded in `knowledge.lock` ([`lockfile`]), and compared with their source again
//! ([`check`]), so a page that changes upstream becomes a reviewed change in git.

pub mod age;
pub mod check;
pub mod convert;
pub mod fetch;
pub mod fetcher;
pub mod html;
pub mod lockfile;
pub mod problem;
pub mod render;
pub mod source;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::specialist::{KNOWLEDGE_DIR, KnowledgeFile, SPEC_FILE};
use crate::workspace::Workspace;

pub use lockfile::LockFileError;
pub use problem::{Failure, Problem, SourceError};

/// One `[[knowledge]]` entry with a `source`.
#[derive(Debug, Clone)]
pub struct Target {
    /// The specialist's folder name.
    pub specialist: String,
    /// `specialists/<folder>`, relative to the workspace root.
    pub dir: PathBuf,
    /// The entry.
    pub entry: KnowledgeFile,
    /// E-mail addresses and phone numbers that may stay in the text (the specialist's and the workspace's).
    pub allow: Vec<String>,
    /// `specialists/<id>/specialist.toml:line:column` of the entry's `source`, for messages.
    pub at: String,
}

/// The sourced entries of one specialist (one lock file).
#[derive(Debug, Clone)]
pub struct Group {
    /// The specialist's folder name.
    pub specialist: String,
    /// `specialists/<folder>`, relative to the workspace root.
    pub dir: PathBuf,
    /// Its entries with a source, in file order.
    pub targets: Vec<Target>,
}

/// Why the sources could not be looked at at all.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// An id on the command line that names no specialist.
    #[error("there is no specialist `{0}` in specialists/")]
    UnknownSpecialist(String),
    /// A `specialist.toml` that does not load.
    #[error("{0} has errors, so its sources cannot be read")]
    Broken(String),
    /// A lock file that does not load.
    #[error(transparent)]
    Lock(#[from] LockFileError),
    /// Writing a file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP client or the async runtime could not be set up.
    #[error("cannot start fetching: {0}")]
    Setup(String),
}

impl KnowledgeError {
    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            KnowledgeError::UnknownSpecialist(_) => {
                "give the id of a folder in specialists/ (`aispec status` lists them)".to_owned()
            }
            KnowledgeError::Broken(_) => "run `aispec validate` and fix the errors it reports".to_owned(),
            KnowledgeError::Lock(e) => e.hint().to_owned(),
            KnowledgeError::Write { .. } => "check that the folder is writable and the disk has room".to_owned(),
            KnowledgeError::Setup(_) => "check the machine's network settings".to_owned(),
        }
    }
}

/// The specialists named by `ids` (all when empty) with their sourced entries; specialists without sources are
/// left out unless named.
pub fn select(ws: &Workspace, ids: &[String]) -> Result<Vec<Group>, KnowledgeError> {
    let folders = ws.specialist_dirs();
    if let Some(unknown) = ids.iter().find(|id| !folders.contains(id)) {
        return Err(KnowledgeError::UnknownSpecialist(unknown.clone()));
    }
    let mut groups = Vec::new();
    for folder in folders.iter().filter(|f| ids.is_empty() || ids.contains(f)) {
        let loaded = ws.load_specialist(folder, &mut Vec::new());
        let Some(doc) = loaded.spec else {
            return Err(KnowledgeError::Broken(crate::diagnostic::display_path(
                &loaded.dir.join(SPEC_FILE),
            )));
        };
        let allow: Vec<String> = doc
            .value
            .privacy
            .allow
            .iter()
            .chain(&ws.config.privacy.allow)
            .cloned()
            .collect();
        let targets: Vec<Target> = doc
            .value
            .knowledge
            .iter()
            .enumerate()
            .filter(|(_, k)| k.source.is_some())
            .map(|(i, k)| {
                let pos = doc.source.position_of(&format!("/knowledge/{i}/source"));
                Target {
                    specialist: folder.clone(),
                    dir: loaded.dir.clone(),
                    entry: k.clone(),
                    allow: allow.clone(),
                    at: format!(
                        "{}:{}:{}",
                        crate::diagnostic::display_path(&doc.source.path),
                        pos.line,
                        pos.column
                    ),
                }
            })
            .collect();
        if !targets.is_empty() || !ids.is_empty() {
            groups.push(Group {
                specialist: folder.clone(),
                dir: loaded.dir.clone(),
                targets,
            });
        }
    }
    Ok(groups)
}

/// `sha256:` of bytes, as content hashes are written everywhere.
pub fn hash(bytes: &[u8]) -> String {
    format!("{}{}", crate::signoff::HASH_PREFIX, hex::encode(Sha256::digest(bytes)))
}

/// The knowledge file an entry names, relative to the workspace root, when `file` is a plain relative path
/// with a text extension (what fetch may write).
pub fn target_path(dir: &Path, file: &str) -> Result<PathBuf, SourceError> {
    let name = file.trim_start_matches("./");
    let plain = !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && name.split('/').all(|p| !p.is_empty() && p != "." && p != "..");
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !plain || !source::WRITABLE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(SourceError::TargetType(file.to_owned()));
    }
    Ok(dir.join(KNOWLEDGE_DIR).join(name))
}

/// A tokio runtime for one command's requests.
fn runtime() -> Result<tokio::runtime::Runtime, KnowledgeError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| KnowledgeError::Setup(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetched_text_goes_only_to_a_text_file_inside_knowledge() {
        let dir = Path::new("specialists/a");
        assert_eq!(
            target_path(dir, "affald.md").expect("ok"),
            PathBuf::from("specialists/a/knowledge/affald.md")
        );
        assert!(target_path(dir, "sider/affald.txt").is_ok());
        for bad in ["../x.md", "/x.md", "a/../../x.md", "guide.pdf", "x", ""] {
            assert!(target_path(dir, bad).is_err(), "{bad}");
        }
    }
}
