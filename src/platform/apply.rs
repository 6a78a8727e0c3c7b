//! Applying a plan: each model on its own (a failure stops only that model), a few at a time, every step
//! recorded so a partial run reports exactly what reached the platform. Re-running converges: creates that
//! already happened are recognised by the marker, knowledge bases are found again by their ownership line.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::Client;
use super::error::ApiError;
use super::knowledge;
use super::mapping::{self, DeployContext, Desired, KnowledgeRef, Marker};
use super::plan::{Action, PlanItem};
use super::types::Grant;

/// How one item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Everything reached the platform.
    Applied,
    /// Something failed; `steps` says what was done before.
    Failed,
}

/// The result for one model.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    /// Model id.
    pub id: String,
    /// The planned action.
    pub action: Action,
    /// Applied or failed.
    pub outcome: Outcome,
    /// Version now deployed (when applied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What was done, in order.
    pub steps: Vec<String>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Applies the writing items of a plan with at most `jobs` models in flight; `on_done` sees each result as it
/// finishes. Ends with one `GET /api/models` so new specialists answer chats at once.
pub async fn apply(
    client: &Client,
    items: Vec<PlanItem>,
    ctx: &DeployContext,
    jobs: usize,
    mut on_done: impl FnMut(&ItemResult),
) -> (Vec<ItemResult>, Option<ApiError>) {
    let limit = Arc::new(Semaphore::new(jobs.max(1)));
    let mut set = JoinSet::new();
    for item in items.into_iter().filter(PlanItem::writes) {
        let client = client.clone();
        let ctx = ctx.clone();
        let limit = Arc::clone(&limit);
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            apply_item(&client, item, &ctx).await
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = set.join_next().await {
        let r = joined.unwrap_or_else(|e| ItemResult {
            id: String::new(),
            action: Action::Update,
            outcome: Outcome::Failed,
            version: None,
            steps: Vec::new(),
            error: Some(format!("internal error: {e}")),
        });
        on_done(&r);
        results.push(r);
    }
    results.sort_by(|a, b| a.id.cmp(&b.id));
    let refresh = if results.iter().any(|r| !r.steps.is_empty()) {
        client.refresh_models().await.err()
    } else {
        None
    };
    (results, refresh)
}

async fn apply_item(client: &Client, item: PlanItem, ctx: &DeployContext) -> ItemResult {
    let mut steps = Vec::new();
    let version = item.version.clone();
    let outcome = run(client, &item, ctx, &mut steps).await;
    ItemResult {
        id: item.id,
        action: item.action,
        outcome: if outcome.is_ok() {
            Outcome::Applied
        } else {
            Outcome::Failed
        },
        version: if item.action == Action::Delete { None } else { version },
        steps,
        error: outcome.err().map(|e| e.to_string()),
    }
}

async fn run(client: &Client, item: &PlanItem, ctx: &DeployContext, steps: &mut Vec<String>) -> Result<(), ApiError> {
    let w = &item.work;
    match (item.action, &w.desired) {
        (Action::Delete, _) => delete(client, item, ctx, steps).await,
        (Action::Grants, _) => {
            client.set_model_grants(&item.id, &w.grants).await?;
            steps.push("access set".to_owned());
            Ok(())
        }
        (Action::Create, Some(d)) => create(client, d, &w.grants, ctx, steps).await,
        (Action::Update | Action::Drift, Some(d)) => update(client, item, d, ctx, steps).await,
        _ => Ok(()),
    }
}

async fn knowledge_for(
    client: &Client,
    d: &Desired,
    marker: Option<&Marker>,
    grants: &[Grant],
    ctx: &DeployContext,
    steps: &mut Vec<String>,
) -> Result<Option<KnowledgeRef>, ApiError> {
    if d.knowledge.is_empty() {
        return Ok(None);
    }
    let known = marker.and_then(|m| m.knowledge_id.as_deref());
    // Chat users need to read the knowledge base; nobody needs to edit it in the web UI.
    let grants = mapping::read_grants(grants);
    knowledge::sync(client, d, known, &grants, &ctx.workspace, steps)
        .await
        .map(Some)
}

async fn create(
    client: &Client,
    d: &Desired,
    grants: &[Grant],
    ctx: &DeployContext,
    steps: &mut Vec<String>,
) -> Result<(), ApiError> {
    let kb = knowledge_for(client, d, None, grants, ctx, steps).await?;
    let rendered = mapping::render(d, kb.as_ref(), ctx);
    let mut form = rendered.form.clone();
    if let Some(obj) = form.as_object_mut() {
        obj.insert("access_grants".into(), serde_json::to_value(grants).unwrap_or_default());
    }
    match client.create_model(&form).await {
        Ok(_) => {
            steps.push("model created".to_owned());
            Ok(())
        }
        // An earlier attempt may have reached the server before the answer was lost: if the model carries
        // exactly what we sent, the create happened.
        Err(e) if e.is_id_taken() => match client.get_model(&d.id).await? {
            Some(live)
                if Marker::of(&live)
                    .is_some_and(|m| m.workspace == ctx.workspace && m.deployed_hash == rendered.deployed_hash) =>
            {
                steps.push("model created".to_owned());
                if mapping::live_grants(&live) != grants {
                    client.set_model_grants(&d.id, grants).await?;
                    steps.push("access set".to_owned());
                }
                Ok(())
            }
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}

async fn update(
    client: &Client,
    item: &PlanItem,
    d: &Desired,
    ctx: &DeployContext,
    steps: &mut Vec<String>,
) -> Result<(), ApiError> {
    let w = &item.work;
    let marker = w.marker.as_ref();
    let kb = knowledge_for(client, d, marker, &w.grants, ctx, steps).await?;
    let rendered = mapping::render(d, kb.as_ref(), ctx);
    client.update_model(&rendered.form).await?;
    steps.push(if item.adopt {
        "model adopted".to_owned()
    } else {
        "model updated".to_owned()
    });
    let live_grants = w.live.as_ref().map(mapping::live_grants).unwrap_or_default();
    if live_grants != w.grants {
        client.set_model_grants(&d.id, &w.grants).await?;
        steps.push("access set".to_owned());
    }
    // Knowledge removed from git: the model no longer points at the base, so it can go.
    if d.knowledge.is_empty() {
        if let Some(old) = marker.and_then(|m| m.knowledge_id.as_deref()) {
            delete_owned_knowledge(client, old, &ctx.workspace, &d.id, steps).await?;
        }
    }
    Ok(())
}

async fn delete(
    client: &Client,
    item: &PlanItem,
    ctx: &DeployContext,
    steps: &mut Vec<String>,
) -> Result<(), ApiError> {
    // Re-check ownership right before deleting: only models carrying this workspace's marker may go.
    let Some(live) = client.get_model(&item.id).await? else {
        steps.push("already gone".to_owned());
        return Ok(());
    };
    let Some(marker) = Marker::of(&live).filter(|m| m.workspace == ctx.workspace) else {
        return Err(ApiError::Decode {
            method: "DELETE".to_owned(),
            path: item.id.clone(),
            message: "the model no longer carries this workspace's marker; not deleted".to_owned(),
        });
    };
    client.delete_model(&item.id).await?;
    steps.push("model deleted".to_owned());
    if let Some(kb) = marker.knowledge_id.as_deref() {
        delete_owned_knowledge(client, kb, &ctx.workspace, &item.id, steps).await?;
    }
    Ok(())
}

async fn delete_owned_knowledge(
    client: &Client,
    kb: &str,
    workspace: &str,
    id: &str,
    steps: &mut Vec<String>,
) -> Result<(), ApiError> {
    if let Some(found) = client.get_knowledge(kb).await? {
        if knowledge::is_ours(&found, workspace, id) {
            client.delete_knowledge(kb).await?;
            steps.push("knowledge base deleted".to_owned());
        }
    }
    Ok(())
}
