//! Every use case with what the workspace knows about it, loaded once: the status row, the specialist, the
//! screening and journey, the deployed versions from the saved snapshots, and the eval pass rate per saved run.
//! `aispec register` and `aispec site` both start here.

use std::collections::BTreeMap;

use crate::model::journey::Journey;
use crate::model::screening::Screening;
use crate::model::specialist::Specialist;
use crate::platform::DeployedModel;
use crate::platform::snapshot::Snapshots;
use crate::signoff::Status;
use crate::status::{Row, RowKind};
use crate::workspace::Workspace;

/// One saved eval run's pass rate for one specialist.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvalPoint {
    /// The run's file name under `evals/` (without `.json`).
    pub run: String,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// Share of this specialist's cases that passed, 0–1.
    pub pass_rate: f64,
}

/// One use case: a specialist, or a screening without one.
#[derive(Debug, Clone)]
pub struct UseCase {
    /// The status row (`aispec status`).
    pub row: Row,
    /// The specialist, when it loads.
    pub spec: Option<Specialist>,
    /// Its sign-off status against the current content.
    pub signoff: Option<Status>,
    /// Number of test cases in its `tests.toml`.
    pub test_cases: usize,
    /// The screening, when it loads.
    pub screening: Option<Screening>,
    /// The journey, when there is one.
    pub journey: Option<Journey>,
    /// The deployed model per target, from `deployed/*.json`.
    pub deployed: Vec<(String, DeployedModel)>,
    /// Pass rate per saved eval run that tested it, oldest first.
    pub evals: Vec<EvalPoint>,
    /// Use and users' ratings per target, from `deployed/*.json`.
    pub usage: Vec<(String, crate::feedback::summary::Usage)>,
}

impl UseCase {
    /// True for a specialist (not a bare screening).
    pub fn is_specialist(&self) -> bool {
        self.row.kind == RowKind::Specialist
    }

    /// True when the screening refused the use case.
    pub fn is_refused(&self) -> bool {
        self.screening.as_ref().is_some_and(Screening::is_refused)
    }

    /// True when it runs (active) on some target.
    pub fn in_use(&self) -> bool {
        self.deployed.iter().any(|(_, m)| m.is_active)
    }

    /// True when the public may see it: the screening approved the use case, or it is deployed.
    pub fn is_public(&self) -> bool {
        let approved = self
            .screening
            .as_ref()
            .is_some_and(|s| s.result.outcome == crate::model::screening::Outcome::Approved);
        approved || !self.deployed.is_empty()
    }

    /// The latest saved run's pass rate.
    pub fn latest_pass_rate(&self) -> Option<f64> {
        self.evals.last().map(|p| p.pass_rate)
    }
}

/// Everything the register and the site show.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// Use cases in status order: specialists, then screenings without one.
    pub use_cases: Vec<UseCase>,
    /// Targets with a saved snapshot, with when it was saved.
    pub snapshots: BTreeMap<String, String>,
    /// Files that could not be read (snapshots, saved runs), with why.
    pub problems: Vec<String>,
}

impl Portfolio {
    /// Loads the workspace's use cases.
    pub fn load(ws: &Workspace) -> Self {
        let snapshots = Snapshots::load(ws);
        let rows = crate::status::rows(ws, &snapshots);
        let (runs, mut problems) = crate::eval::saved_runs(ws);
        problems.extend(snapshots.problems.iter().cloned());
        let mut ignored = Vec::new();
        let specialists: BTreeMap<String, crate::workspace::LoadedSpecialist> = ws
            .specialists(&mut ignored)
            .into_iter()
            .filter_map(|s| Some((s.spec.as_ref()?.value.id.clone(), s)))
            .collect();
        let use_cases = rows
            .into_iter()
            .map(|row| {
                let loaded = (row.kind == RowKind::Specialist)
                    .then(|| specialists.get(&row.id))
                    .flatten();
                let screening = row
                    .screening
                    .as_deref()
                    .and_then(|id| ws.screening(id).ok())
                    .map(|d| d.value);
                let journey = row
                    .screening
                    .as_deref()
                    .and_then(|id| ws.journey(id).ok())
                    .map(|d| d.value);
                let signoff = loaded.and_then(|s| signoff_status(ws, s, screening.as_ref()));
                let deployed = if row.kind == RowKind::Specialist {
                    snapshots
                        .deployed(&row.id)
                        .into_iter()
                        .map(|(t, m)| (t.to_owned(), m.clone()))
                        .collect()
                } else {
                    Vec::new()
                };
                let evals = eval_points(&runs, &row.id);
                let usage = snapshots
                    .usage(&row.id)
                    .into_iter()
                    .map(|(t, u)| (t.to_owned(), u.clone()))
                    .collect();
                UseCase {
                    spec: loaded.and_then(|s| s.spec.as_ref()).map(|d| d.value.clone()),
                    test_cases: loaded.and_then(|s| s.tests.as_ref()).map_or(0, |t| t.value.cases.len()),
                    signoff,
                    screening,
                    journey,
                    deployed,
                    evals,
                    usage,
                    row,
                }
            })
            .collect();
        Portfolio {
            use_cases,
            snapshots: snapshots
                .targets
                .iter()
                .map(|(t, s)| (t.clone(), s.saved_at.clone()))
                .collect(),
            problems,
        }
    }
}

fn signoff_status(
    ws: &Workspace,
    s: &crate::workspace::LoadedSpecialist,
    screening: Option<&Screening>,
) -> Option<Status> {
    let spec = &s.spec.as_ref()?.value;
    let hash = crate::signoff::hash_loaded(ws, s)?;
    let extra = screening
        .map(|sc| sc.result.required_signoffs.clone())
        .unwrap_or_default();
    let required = crate::signoff::required_roles(&ws.config, &extra);
    Some(crate::signoff::status(&spec.signoffs, &hash, &required))
}

/// The pass rate of `id`'s own cases in each saved run that has any.
fn eval_points(runs: &[(std::path::PathBuf, crate::eval::EvalResults)], id: &str) -> Vec<EvalPoint> {
    runs.iter()
        .filter_map(|(path, r)| {
            let mine: Vec<bool> = r.outcomes.iter().filter(|c| c.source == id).map(|c| c.pass).collect();
            if mine.is_empty() {
                return None;
            }
            let passed = mine.iter().filter(|p| **p).count();
            #[allow(clippy::cast_precision_loss)]
            let pass_rate = passed as f64 / mine.len() as f64;
            Some(EvalPoint {
                run: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                started_at: r.started_at.clone(),
                pass_rate,
            })
        })
        .collect()
}
