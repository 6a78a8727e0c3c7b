//! `knowledge check`: is each source still what was fetched, and is the fetched copy younger than `max_age`?
//! Writes nothing.

use serde::Serialize;

use super::fetch::same_source;
use super::fetcher::{self, Fetcher, Outcome};
use super::{Failure, Group, KnowledgeError, Problem, SourceError, Target, age, lockfile, target_path};
use crate::diff::words::{CONTEXT_LINES, TextDiff, diff_text};
use crate::fsread::Limit;
use crate::model::knowledge_lock::LockedSource;
use crate::workspace::Workspace;

/// What `knowledge check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// One entry per source, in specialist and file order.
    pub sources: Vec<CheckedSource>,
    /// Counts.
    pub summary: Summary,
}

/// How many sources are in which state.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    /// Sources checked.
    pub total: usize,
    /// Unchanged upstream.
    pub unchanged: usize,
    /// Changed upstream, or never fetched.
    pub changed: usize,
    /// Fetched longer ago than their `max_age`.
    pub stale: usize,
    /// Unreachable or refused.
    pub failed: usize,
}

/// The answer in one word, for exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Everything unchanged and fresh.
    Current,
    /// Something to fetch: a change, a source never fetched, or a copy past its `max_age`.
    FetchPending,
    /// A source could not be checked.
    Failed,
}

impl CheckReport {
    /// Failed wins over pending, as errors win in `plan --detailed-exitcode`.
    pub fn verdict(&self) -> Verdict {
        let s = self.summary;
        if s.failed > 0 {
            Verdict::Failed
        } else if s.changed > 0 || s.stale > 0 {
            Verdict::FetchPending
        } else {
            Verdict::Current
        }
    }
}

/// One source's state.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedSource {
    /// The specialist.
    pub specialist: String,
    /// The knowledge file, relative to `knowledge/`.
    pub file: String,
    /// The `source` as written.
    pub source: String,
    /// Who reviews its changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Unchanged, changed, never fetched, unreachable or refused.
    pub state: State,
    /// When it was last fetched (from `knowledge.lock`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// The entry's `max_age`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<String>,
    /// Days past `max_age`, when the copy is older than that.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<i64>,
    /// For a change: the knowledge file as it is, against what the source gives now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<TextDiff>,
    /// Why it could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Where a source stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// The same content as the lock records.
    Unchanged,
    /// Different content (or a different `source` or `selector` than was fetched).
    Changed,
    /// Not in `knowledge.lock` yet.
    NotFetched,
    /// Could not be reached.
    Unreachable,
    /// Reached, but its content cannot become a knowledge file.
    Refused,
}

impl State {
    /// The word shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Unchanged => "unchanged",
            State::Changed => "changed upstream",
            State::NotFetched => "not fetched yet",
            State::Unreachable => "unreachable",
            State::Refused => "refused",
        }
    }
}

/// Checks every source of `groups`.
pub fn check(ws: &Workspace, groups: &[Group]) -> Result<CheckReport, KnowledgeError> {
    let rt = super::runtime()?;
    let fetcher = Fetcher::from_env().map_err(|e| KnowledgeError::Setup(e.to_string()))?;
    let now = age::now();
    let mut sources = Vec::new();
    for group in groups {
        let lock = lockfile::read(ws, &group.dir)?;
        for target in &group.targets {
            let known = lockfile::entry(&lock, &target.entry.file);
            let mut checked = rt.block_on(one(ws, &fetcher, target, known));
            checked.overdue_days = overdue(target, known, now);
            sources.push(checked);
        }
    }
    let mut summary = Summary {
        total: sources.len(),
        ..Summary::default()
    };
    for s in &sources {
        match s.state {
            State::Unchanged => summary.unchanged += 1,
            State::Changed | State::NotFetched => summary.changed += 1,
            State::Unreachable | State::Refused => summary.failed += 1,
        }
        if s.overdue_days.is_some() {
            summary.stale += 1;
        }
    }
    Ok(CheckReport { sources, summary })
}

async fn one(ws: &Workspace, fetcher: &Fetcher, target: &Target, known: Option<&LockedSource>) -> CheckedSource {
    let mut out = CheckedSource {
        specialist: target.specialist.clone(),
        file: target.entry.file.clone(),
        source: target.entry.source.clone().unwrap_or_default(),
        owner: target.entry.owner.clone(),
        state: State::Unchanged,
        fetched_at: known.map(|k| k.fetched_at.clone()),
        max_age: target.entry.max_age.clone(),
        overdue_days: None,
        diff: None,
        problem: None,
    };
    let current = known.filter(|k| same_source(k, target));
    let result = async {
        let path = target_path(&target.dir, &target.entry.file)?;
        Ok::<_, SourceError>((path, fetcher::obtain(ws, fetcher, target, current).await?))
    }
    .await;
    let (path, got) = match result {
        Ok((path, Outcome::Fresh(got))) => (path, got),
        Ok((_, Outcome::NotModified)) => return out,
        Err(e) => {
            out.state = match e.failure() {
                Failure::Unreachable => State::Unreachable,
                Failure::Refused => State::Refused,
            };
            out.problem = Some(Problem::new(&e, target.at.clone()));
            return out;
        }
    };
    if current.is_some_and(|k| k.content_hash == super::hash(got.text.as_bytes())) {
        return out;
    }
    out.state = if known.is_some() {
        State::Changed
    } else {
        State::NotFetched
    };
    let old = ws.files.read_text(&path, Limit::KNOWLEDGE).unwrap_or_default();
    out.diff = Some(diff_text(&old, &got.text, CONTEXT_LINES)).filter(|d| !d.is_empty());
    out
}

/// Days past `max_age` of the copy in the lock.
fn overdue(target: &Target, known: Option<&LockedSource>, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    let max_age = age::parse(target.entry.max_age.as_deref()?).ok()?;
    age::days_overdue(&known?.fetched_at, max_age, now)
}
