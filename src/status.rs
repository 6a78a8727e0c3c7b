//! The portfolio at a glance: every specialist and every screening without one, with its screening result,
//! version, sign-off state and last change in git.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::git::CommitInfo;
use crate::model::catalog::DataClass;
use crate::model::screening::{AiActCategory, Outcome, SCREENINGS_DIR, Screening};
use crate::signoff::State;
use crate::workspace::{LoadedSpecialist, SPECIALISTS_DIR, Workspace};

/// Where the deployed version of a specialist comes from. `aispec status` passes [`NotDeployed`]; the deploy
/// code implements this to add one column per target.
pub trait DeployedVersions {
    /// Deployed version per target name for the specialist with this id (empty when unknown).
    fn deployed(&self, id: &str) -> BTreeMap<String, String>;
}

/// No deployment information.
pub struct NotDeployed;

impl DeployedVersions for NotDeployed {
    fn deployed(&self, _id: &str) -> BTreeMap<String, String> {
        BTreeMap::new()
    }
}

/// What a row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowKind {
    /// A specialist (with or without its screening).
    Specialist,
    /// A screened use case that no specialist refers to yet.
    Screening,
}

/// One use case or specialist.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Specialist id, or screening id for a use case without a specialist yet.
    pub id: String,
    /// Specialist or screening.
    pub kind: RowKind,
    /// The screening this row is based on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening: Option<String>,
    /// Screening outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// EU AI Act category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_act_category: Option<AiActCategory>,
    /// Data classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_class: Option<DataClass>,
    /// Spec version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Sign-off state (of the specialist, or of the screening for a screening row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// Required roles that have not signed the current content.
    pub missing_roles: Vec<String>,
    /// Why a specialist is blocked by its screening (see [`crate::gate`]); empty when it is not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
    /// For a specialist `aispec import` adopted: whether it is unchanged (and `deploy --adopt` may take the live
    /// model over without sign-off) or changed since (see [`crate::gate::unchanged_adoption`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adoption: Option<String>,
    /// Sign-offs given for earlier content.
    pub void_signoffs: usize,
    /// The newest commit that changed the folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_change: Option<CommitInfo>,
    /// Files in the folder differ from HEAD.
    pub uncommitted: bool,
    /// Deployed version per target (filled in by deploy; empty until then).
    pub deployed: BTreeMap<String, String>,
    /// Use and users' ratings per target (with `--target`, when the key may read them).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub usage: BTreeMap<String, crate::feedback::summary::Usage>,
    /// Something could not be read (already reported by `validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Most commits searched for last changes; older folders show no last change.
const MAX_COMMITS: usize = 20_000;

impl Row {
    fn new(id: String, kind: RowKind) -> Self {
        Row {
            id,
            kind,
            screening: None,
            outcome: None,
            ai_act_category: None,
            data_class: None,
            version: None,
            state: None,
            missing_roles: Vec::new(),
            blocked: Vec::new(),
            adoption: None,
            void_signoffs: 0,
            last_change: None,
            uncommitted: false,
            deployed: BTreeMap::new(),
            usage: BTreeMap::new(),
            problem: None,
        }
    }

    fn fill_screening(&mut self, sc: &Screening) {
        self.outcome = Some(sc.result.outcome);
        self.ai_act_category = Some(sc.result.ai_act_category);
        self.data_class = Some(sc.result.data_classification);
    }
}

/// One row per specialist, then one per screening no specialist refers to.
pub fn rows(ws: &Workspace, deployed: &dyn DeployedVersions) -> Vec<Row> {
    let mut ignored = Vec::new();
    let specialists = ws.specialists(&mut ignored);
    let screening_ids = ws.screening_ids();
    let screenings: BTreeMap<String, Result<Screening, String>> = screening_ids
        .iter()
        .map(|id| {
            let loaded = ws.screening(id).map(|d| d.value).map_err(|e| e.to_string());
            (id.clone(), loaded)
        })
        .collect();
    let folders: Vec<String> = specialists.iter().map(|s| s.folder.clone()).collect();
    let history = History::read(ws, &folders, &screening_ids);
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for s in &specialists {
        let row = specialist_row(ws, s, &screenings, &history, deployed);
        used.extend(row.screening.clone());
        out.push(row);
    }
    for (id, screening) in screenings.iter().filter(|(id, _)| !used.contains(*id)) {
        let mut row = Row::new(id.clone(), RowKind::Screening);
        row.screening = Some(id.clone());
        row.last_change = history.screenings.get(id).cloned();
        row.uncommitted = history.dirty_screenings.contains(id);
        match screening {
            Ok(sc) => {
                row.fill_screening(sc);
                let st = crate::signoff::screening_status(ws, sc);
                row.state = Some(st.state);
                row.missing_roles = st.missing;
                row.void_signoffs = st.void.len();
            }
            Err(e) => row.problem = Some(e.clone()),
        }
        out.push(row);
    }
    out
}

/// What git says about the folders: the last change of each, and which have uncommitted edits. One history walk
/// and one status pass per folder kind, not one per specialist (that was quadratic in their number).
struct History {
    specialists: BTreeMap<String, CommitInfo>,
    screenings: BTreeMap<String, CommitInfo>,
    dirty_specialists: BTreeSet<String>,
    dirty_screenings: BTreeSet<String>,
}

impl History {
    fn read(ws: &Workspace, folders: &[String], screening_ids: &[String]) -> Self {
        let repo = crate::git::open(&ws.root).ok();
        let prefix = repo
            .as_ref()
            .and_then(|r| crate::git::relative_to_workdir(r, &ws.root))
            .map(|p| crate::diagnostic::display_path(&p))
            .filter(|p| !p.is_empty())
            .map_or(String::new(), |p| format!("{p}/"));
        let last = |dir: &str, names: &[String]| {
            repo.as_ref()
                .and_then(|r| crate::git::last_changes(r, &format!("{prefix}{dir}"), names, MAX_COMMITS).ok())
                .unwrap_or_default()
        };
        let uncommitted = |dir: &str| {
            repo.as_ref()
                .and_then(|r| crate::git::uncommitted_folders(r, &format!("{prefix}{dir}")).ok())
                .unwrap_or_default()
        };
        History {
            specialists: last(SPECIALISTS_DIR, folders).into_iter().collect(),
            screenings: last(SCREENINGS_DIR, screening_ids).into_iter().collect(),
            dirty_specialists: uncommitted(SPECIALISTS_DIR).into_iter().collect(),
            dirty_screenings: uncommitted(SCREENINGS_DIR).into_iter().collect(),
        }
    }
}

/// A specialist's row: its screening's result and its own sign-off state, blocked where the screening says so.
fn specialist_row(
    ws: &Workspace,
    s: &LoadedSpecialist,
    screenings: &BTreeMap<String, Result<Screening, String>>,
    history: &History,
    deployed: &dyn DeployedVersions,
) -> Row {
    let spec = s.spec.as_ref().map(|d| &d.value);
    let mut row = Row::new(spec.map_or(s.folder.clone(), |sp| sp.id.clone()), RowKind::Specialist);
    row.screening = spec.and_then(|sp| sp.screening.clone());
    row.version = spec.map(|sp| sp.version.clone());
    row.last_change = history.specialists.get(&s.folder).cloned();
    row.uncommitted = history.dirty_specialists.contains(&s.folder);
    row.deployed = deployed.deployed(&s.folder);
    let screening = row.screening.as_ref().and_then(|id| screenings.get(id));
    match (screening, &row.screening) {
        (Some(Ok(sc)), _) => row.fill_screening(sc),
        (Some(Err(e)), _) => row.problem = Some(e.clone()),
        (None, Some(id)) => row.problem = Some(format!("screening `{id}` not found")),
        (None, None) => {}
    }
    match (spec, crate::signoff::hash_loaded(ws, s)) {
        (Some(sp), Some(hash)) => {
            let extra = match screening {
                Some(Ok(sc)) => sc.result.required_signoffs.clone(),
                _ => Vec::new(),
            };
            let required = crate::signoff::required_roles(&ws.config, &extra);
            let st = crate::signoff::status(&sp.signoffs, &hash, &required);
            let mut blocks = crate::gate::check(ws, sp.screening.as_deref());
            blocks.extend(crate::gate::check_placeholders(s));
            row.state = Some(crate::gate::state(st.state, &blocks));
            row.blocked = blocks.into_iter().map(|b| b.message).collect();
            row.adoption = crate::gate::adoption_note(sp, &hash);
            row.missing_roles = st.missing;
            row.void_signoffs = st.void.len();
        }
        _ => {
            row.problem
                .get_or_insert_with(|| "specialist files do not load; run `aispec validate`".to_owned());
        }
    }
    row
}
