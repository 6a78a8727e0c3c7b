//! `knowledge fetch`: each source's content written to its knowledge file (only when it changed) and recorded
//! in `knowledge.lock`. The caller holds the workspace's write lock.

use serde::Serialize;

use super::fetcher::{self, Fetcher, Outcome};
use super::{Group, KnowledgeError, Problem, SourceError, Target, age, lockfile, target_path};
use crate::fsread::Limit;
use crate::model::knowledge_lock::{KnowledgeLock, LockedSource};
use crate::personal_data::FindingKind;
use crate::workspace::Workspace;

/// What `knowledge fetch` did.
#[derive(Debug, Clone, Serialize)]
pub struct FetchReport {
    /// One entry per source, in specialist and file order.
    pub sources: Vec<FetchedSource>,
}

impl FetchReport {
    /// True when a source failed.
    pub fn failed(&self) -> bool {
        self.sources.iter().any(|s| s.problem.is_some())
    }
}

/// One source's result.
#[derive(Debug, Clone, Serialize)]
pub struct FetchedSource {
    /// The specialist.
    pub specialist: String,
    /// The knowledge file, relative to `knowledge/`.
    pub file: String,
    /// The `source` as written.
    pub source: String,
    /// What happened.
    pub outcome: FetchOutcome,
    /// Personal data replaced by placeholders (CPR numbers are never written at all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redacted: Vec<FindingKind>,
    /// How many replacements.
    #[serde(skip_serializing_if = "is_zero")]
    pub redacted_count: usize,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What fetching one source did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FetchOutcome {
    /// The knowledge file was written (new or changed content).
    Written,
    /// The content was the same; only the fetch time in the lock was renewed.
    Unchanged,
    /// Nothing was written for this source.
    Failed,
}

/// Fetches every source of `groups`; a failing source is reported and the others go on.
pub fn fetch(ws: &Workspace, groups: &[Group]) -> Result<FetchReport, KnowledgeError> {
    let rt = super::runtime()?;
    let fetcher = Fetcher::from_env().map_err(|e| KnowledgeError::Setup(e.to_string()))?;
    let mut sources = Vec::new();
    for group in groups {
        let mut lock = lockfile::read(ws, &group.dir)?;
        for target in &group.targets {
            sources.push(rt.block_on(one(ws, &fetcher, target, &mut lock))?);
        }
        let listed: Vec<&str> = group.targets.iter().map(|t| t.entry.file.as_str()).collect();
        lock.sources.retain(|s| listed.contains(&s.file.as_str()));
        lockfile::write(ws, &group.dir, &mut lock).map_err(|source| KnowledgeError::Write {
            path: crate::diagnostic::display_path(&lockfile::path(&group.dir)),
            source,
        })?;
    }
    Ok(FetchReport { sources })
}

/// Fetches one source and updates its lock entry; only a failed write stops the run.
async fn one(
    ws: &Workspace,
    fetcher: &Fetcher,
    target: &Target,
    lock: &mut KnowledgeLock,
) -> Result<FetchedSource, KnowledgeError> {
    let mut report = FetchedSource {
        specialist: target.specialist.clone(),
        file: target.entry.file.clone(),
        source: target.entry.source.clone().unwrap_or_default(),
        outcome: FetchOutcome::Failed,
        redacted: Vec::new(),
        redacted_count: 0,
        problem: None,
    };
    let result = async {
        let path = target_path(&target.dir, &target.entry.file)?;
        inside_workspace(ws, &path)?;
        let on_disk = ws.files.read(&path, Limit::KNOWLEDGE).ok();
        let known = lockfile::entry(lock, &target.entry.file)
            .filter(|k| same_source(k, target) && on_disk.as_deref().is_some_and(|b| super::hash(b) == k.content_hash));
        let outcome = fetcher::obtain(ws, fetcher, target, known).await?;
        Ok::<_, SourceError>((path, on_disk, known.cloned(), outcome))
    }
    .await;
    let (path, on_disk, known, outcome) = match result {
        Ok(r) => r,
        Err(e) => {
            report.problem = Some(Problem::new(&e, target.at.clone()));
            return Ok(report);
        }
    };
    let now = age::stamp(age::now());
    let entry = match (outcome, known) {
        (Outcome::NotModified, Some(known)) => {
            report.outcome = FetchOutcome::Unchanged;
            LockedSource {
                fetched_at: now,
                ..known
            }
        }
        (Outcome::NotModified, None) => return Ok(report),
        (Outcome::Fresh(got), _) => {
            let bytes = got.text.as_bytes();
            report.outcome = if on_disk.as_deref() == Some(bytes) {
                FetchOutcome::Unchanged
            } else {
                crate::fsutil::write_atomic(&ws.path(&path), bytes).map_err(|source| KnowledgeError::Write {
                    path: crate::diagnostic::display_path(&path),
                    source,
                })?;
                FetchOutcome::Written
            };
            report.redacted = got.redacted;
            report.redacted_count = got.redacted_count;
            LockedSource {
                file: target.entry.file.clone(),
                source: report.source.clone(),
                url: got.url,
                selector: target.entry.selector.clone(),
                kind: got.kind.as_str().to_owned(),
                fetched_at: now,
                etag: got.etag,
                last_modified: got.last_modified,
                content_hash: super::hash(bytes),
            }
        }
    };
    lockfile::upsert(lock, entry);
    Ok(report)
}

/// Refuses a knowledge file whose folder leads outside the workspace (through a symbolic link).
fn inside_workspace(ws: &Workspace, path: &std::path::Path) -> Result<(), SourceError> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if ws.files.exists(d) {
            return ws.files.resolve(d).map(|_| ()).map_err(|source| SourceError::File {
                path: crate::diagnostic::display_path(d),
                source,
            });
        }
        dir = d.parent();
    }
    Ok(())
}

/// True when the lock entry was fetched from the source and selector the entry names now.
pub fn same_source(known: &LockedSource, target: &Target) -> bool {
    Some(known.source.as_str()) == target.entry.source.as_deref() && known.selector == target.entry.selector
}
