//! The portfolio at a glance: every specialist and every screening without one, with its screening result,
//! version, sign-off state and last change in git.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::git::CommitInfo;
use crate::model::screening::Screening;
use crate::signoff::State;
use crate::workspace::{SPECIALISTS_DIR, Workspace};

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

/// One use case or specialist.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Specialist id, or screening id for a use case without a specialist yet.
    pub id: String,
    /// `specialist` or `screening`.
    pub kind: &'static str,
    /// The screening this row is based on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening: Option<String>,
    /// Screening outcome: approved, undecided, refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// EU AI Act category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_act_category: Option<String>,
    /// Data classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_class: Option<String>,
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
    /// Sign-offs given for earlier content.
    pub void_signoffs: usize,
    /// The newest commit that changed the folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_change: Option<CommitInfo>,
    /// Files in the folder differ from HEAD.
    pub uncommitted: bool,
    /// Deployed version per target (filled in by deploy; empty until then).
    pub deployed: BTreeMap<String, String>,
    /// Something could not be read (already reported by `validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Most commits searched for last changes; older folders show no last change.
const MAX_COMMITS: usize = 20_000;

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
    // One status pass per folder kind, not one per specialist: that was quadratic in the number of specialists.
    let uncommitted = |dir: &str| {
        repo.as_ref()
            .and_then(|r| crate::git::uncommitted_folders(r, &format!("{prefix}{dir}")).ok())
            .unwrap_or_default()
    };
    let dirty_specialists = uncommitted(SPECIALISTS_DIR);
    let dirty_screenings = uncommitted(crate::model::screening::SCREENINGS_DIR);
    let folders: Vec<String> = specialists.iter().map(|s| s.folder.clone()).collect();
    let spec_changes = last(SPECIALISTS_DIR, &folders);
    let screen_changes = last(crate::model::screening::SCREENINGS_DIR, &screening_ids);

    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for s in &specialists {
        let spec = s.spec.as_ref().map(|d| &d.value);
        let screening_id = spec.and_then(|sp| sp.screening.clone());
        let screening = screening_id.as_ref().and_then(|id| screenings.get(id));
        if let Some(id) = &screening_id {
            used.insert(id.clone());
        }
        let mut row = Row {
            id: spec.map_or(s.folder.clone(), |sp| sp.id.clone()),
            kind: "specialist",
            screening: screening_id.clone(),
            outcome: None,
            ai_act_category: None,
            data_class: None,
            version: spec.map(|sp| sp.version.clone()),
            state: None,
            missing_roles: Vec::new(),
            blocked: Vec::new(),
            void_signoffs: 0,
            last_change: spec_changes.get(&s.folder).cloned(),
            uncommitted: dirty_specialists.contains(&s.folder),
            deployed: deployed.deployed(&s.folder),
            problem: None,
        };
        match screening {
            Some(Ok(sc)) => fill_screening(&mut row, sc),
            Some(Err(e)) => row.problem = Some(e.clone()),
            None if screening_id.is_some() => {
                row.problem = Some(format!("screening `{}` not found", screening_id.unwrap_or_default()));
            }
            None => {}
        }
        match (spec, crate::signoff::hash_loaded(ws, s)) {
            (Some(sp), Some(hash)) => {
                let extra = match screening {
                    Some(Ok(sc)) => sc.result.required_signoffs.clone(),
                    _ => Vec::new(),
                };
                let required = crate::signoff::required_roles(&ws.config, &extra);
                let st = crate::signoff::status(&sp.signoffs, &hash, &required);
                let blocks = crate::gate::check(ws, sp.screening.as_deref());
                row.state = Some(crate::gate::state(st.state, &blocks));
                row.blocked = blocks.into_iter().map(|b| b.message).collect();
                row.missing_roles = st.missing;
                row.void_signoffs = st.void.len();
            }
            _ => {
                row.problem
                    .get_or_insert_with(|| "specialist files do not load; run `aispec validate`".to_owned());
            }
        }
        out.push(row);
    }
    for (id, screening) in &screenings {
        if used.contains(id) {
            continue;
        }
        let mut row = Row {
            id: id.clone(),
            kind: "screening",
            screening: Some(id.clone()),
            outcome: None,
            ai_act_category: None,
            data_class: None,
            version: None,
            state: None,
            missing_roles: Vec::new(),
            blocked: Vec::new(),
            void_signoffs: 0,
            last_change: screen_changes.get(id).cloned(),
            uncommitted: dirty_screenings.contains(id),
            deployed: BTreeMap::new(),
            problem: None,
        };
        match screening {
            Ok(sc) => {
                fill_screening(&mut row, sc);
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

fn fill_screening(row: &mut Row, sc: &Screening) {
    row.outcome = Some(sc.result.outcome.as_str().to_owned());
    row.ai_act_category = Some(sc.result.ai_act_category.as_str().to_owned());
    row.data_class = Some(sc.result.data_classification.as_str().to_owned());
}
