//! `specialists/<id>/knowledge.lock`: where each fetched knowledge file came from, written by
//! `aispec knowledge fetch` (the role `Cargo.lock` plays for crates). Not part of the signed content: the files
//! it describes are.

use serde::{Deserialize, Serialize};

/// The version of the lock format this aispec writes and reads.
pub const LOCK_VERSION: u32 = 1;

/// The whole lock file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeLock {
    /// Format version ([`LOCK_VERSION`]).
    pub version: u32,
    /// One entry per fetched knowledge file, sorted by file.
    #[serde(default, rename = "source", skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<LockedSource>,
}

impl Default for KnowledgeLock {
    fn default() -> Self {
        KnowledgeLock {
            version: LOCK_VERSION,
            sources: Vec::new(),
        }
    }
}

/// Where one knowledge file came from and what was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedSource {
    /// The knowledge file, relative to `knowledge/`.
    pub file: String,
    /// The `source` as written in `specialist.toml` when it was fetched.
    pub source: String,
    /// The address the content came from after redirects (no query), for URL sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The `selector` used for an HTML page, when one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// What the source was: `html`, `markdown`, `text`, `pdf` or `docx`.
    pub kind: String,
    /// When it was last fetched (RFC 3339, UTC), whether or not it had changed.
    pub fetched_at: String,
    /// The server's `ETag` for the content, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The server's `Last-Modified` for the content, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// `sha256:` of the knowledge file as written.
    pub content_hash: String,
}
