//! What a target runs, per specialist: the deployed version, content hash and commit, and whether someone
//! changed it by hand. `aispec status` shows this per target.

use serde::Serialize;

use super::mapping::{self, Marker};
use super::types::LiveModel;
use crate::workspace::Workspace;

/// The deployed state of this workspace's models on one target.
#[derive(Debug, Clone, Serialize)]
pub struct TargetState {
    /// Target name.
    pub target: String,
    /// Its URL.
    pub url: String,
    /// Models carrying this workspace's marker, sorted by id.
    pub models: Vec<DeployedModel>,
}

impl TargetState {
    /// The deployed model with this id.
    pub fn get(&self, id: &str) -> Option<&DeployedModel> {
        self.models.iter().find(|m| m.id == id)
    }
}

/// One deployed specialist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeployedModel {
    /// Model id (= specialist id).
    pub id: String,
    /// The specialist version deployed.
    pub version: String,
    /// The content hash deployed; equal to the current content hash when git and platform agree.
    pub content_hash: String,
    /// The commit it was deployed from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    /// The specialist's folder when deployed.
    pub source_path: String,
    /// True when the live model was changed by hand since aispec deployed it.
    pub drift: bool,
    /// Whether users can select it.
    pub is_active: bool,
    /// Last change on the platform, seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
}

/// The deployed state from live models (no network).
pub fn from_live(target: &str, url: &str, workspace: &str, live: &[LiveModel]) -> TargetState {
    let mut models: Vec<DeployedModel> = live
        .iter()
        .filter_map(|m| {
            let marker = Marker::of(m).filter(|mk| mk.workspace == workspace)?;
            Some(DeployedModel {
                id: m.id.clone(),
                version: marker.spec_version.clone(),
                content_hash: marker.content_hash.clone(),
                git_commit: marker.git_commit.clone(),
                source_path: marker.source_path.clone(),
                drift: mapping::payload_hash(&mapping::live_payload(m)) != marker.deployed_hash,
                is_active: m.is_active,
                updated_at: m.updated_at,
            })
        })
        .collect();
    models.sort_by(|a, b| a.id.cmp(&b.id));
    TargetState {
        target: target.to_owned(),
        url: url.to_owned(),
        models,
    }
}

/// Reads `target`'s models (one list request per 30 models) and returns this workspace's deployed state.
/// The API key comes from the target's environment variable.
pub fn deployed_state(ws: &Workspace, target: &str) -> anyhow::Result<TargetState> {
    let conn = super::connect(ws, Some(target))?;
    let rt = super::runtime()?;
    let live = rt.block_on(conn.client.list_models())?;
    Ok(from_live(
        &conn.name,
        conn.client.url(),
        &ws.config.workspace.name,
        &live,
    ))
}
