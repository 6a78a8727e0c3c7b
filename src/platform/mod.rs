//! Open WebUI as a deploy target: the REST client, the specialist ↔ model mapping, plan and apply, knowledge
//! bases, import/export and the per-target state `aispec status` shows.

pub mod apply;
pub mod client;
pub mod connection;
pub mod diff;
pub mod endpoints;
pub mod error;
pub mod export;
pub mod feedback;
pub mod groups;
pub mod import;
pub mod knowledge;
pub mod local;
pub mod mapping;
pub mod plan;
pub mod render;
pub mod snapshot;
pub mod state;
pub mod types;

use anyhow::Context as _;

pub use client::Client;
pub use connection::{Connection, LiveState, connect, read_live, read_live_blocking, runtime};
pub use error::ApiError;
pub use state::{Deployed, DeployedModel, TargetState, deployed_state};

use crate::error::UserError;
use crate::workspace::Workspace;
use groups::GroupResolver;
use local::Candidates;
use mapping::DeployContext;
use plan::{Plan, PlanInput, PlanOptions};

/// The deploy context of a workspace: its name and HEAD commit.
pub fn deploy_context(ws: &Workspace) -> DeployContext {
    DeployContext {
        workspace: ws.config.workspace.name.clone(),
        git_commit: crate::git::head_commit(&ws.root),
    }
}

/// Computes the plan for `conn` from the candidates and the live state; unknown or ambiguous group names
/// fail here, before anything is written.
pub fn make_plan(
    ws: &Workspace,
    conn: &Connection,
    candidates: &Candidates,
    live: &LiveState,
    options: PlanOptions,
    partial: bool,
) -> Result<Plan, UserError> {
    let resolver = GroupResolver {
        aliases: &ws.config.groups,
        target_names: &conn.target.groups,
        groups: &live.groups,
    };
    let input = PlanInput {
        workspace: &ws.config.workspace.name,
        candidates,
        live: &live.models,
        resolver: &resolver,
        options,
        partial,
    };
    match plan::compute(&input) {
        Ok(items) => Ok(Plan::new(
            &conn.name,
            conn.client.url(),
            &ws.config.workspace.name,
            items,
            conn.client.counts(),
        )),
        Err(problems) => {
            let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
            Err(UserError::new(format!(
                "{} group name{} cannot be used on target `{}`; nothing was changed:\n{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                conn.name,
                lines.join("\n")
            ))
            .hint(format!(
                "create the group on the platform and add the key's user to it, or map the name in \
                 [targets.{}.groups] in aispec.toml",
                conn.name
            )))
        }
    }
}

/// Reads in full the live models that a specialist in git may adopt (same id, no marker): the model list leaves
/// profile images out, and an adoption must see the image it would replace. One request per such model; there
/// are none once everything is adopted.
fn read_in_full(
    rt: &tokio::runtime::Runtime,
    conn: &Connection,
    candidates: &Candidates,
    live: &mut LiveState,
) -> Result<(), UserError> {
    for m in live.models.iter_mut() {
        let wanted = candidates
            .ready
            .iter()
            .any(|d| d.id == m.id && d.profile_image.is_some());
        if !wanted || mapping::Marker::of(m).is_some() {
            continue;
        }
        let full = rt
            .block_on(conn.client.get_model(&m.id))
            .map_err(|e| UserError::new(format!("cannot read the model `{}` on `{}`: {e}", m.id, conn.name)))?;
        if let Some(full) = full {
            *m = full;
        }
    }
    Ok(())
}

/// A plan read from a target, with what `deploy` needs to carry it out.
pub struct Planned {
    /// The plan.
    pub plan: Plan,
    /// The specialists in git that may be deployed, and those refused.
    pub candidates: Candidates,
    /// The target it was read from.
    pub conn: Connection,
    /// The runtime the live state was read on (deploy writes on it too).
    pub runtime: tokio::runtime::Runtime,
}

/// Loads git's side, connects to the target, reads its live state and computes the plan (what `plan` shows and
/// `deploy` applies). `reading` is told the connection before the network is used, for a progress line.
pub fn plan_target(
    ws: &Workspace,
    target: Option<&str>,
    ids: &[String],
    options: PlanOptions,
    reading: impl FnOnce(&Connection),
) -> anyhow::Result<Planned> {
    let candidates = local::candidates(ws, ids)?;
    let conn = connect(ws, target)?;
    reading(&conn);
    let runtime = runtime().context("cannot start the network runtime")?;
    let mut live = read_live_blocking(&runtime, &conn)?;
    read_in_full(&runtime, &conn, &candidates, &mut live)?;
    let plan = make_plan(ws, &conn, &candidates, &live, options, !ids.is_empty())?;
    Ok(Planned {
        plan,
        candidates,
        conn,
        runtime,
    })
}
