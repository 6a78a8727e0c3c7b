//! What a target runs, per specialist: the deployed version, content hash and commit, and whether someone
//! changed it by hand. `aispec status` shows this per target.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeployedModel {
    /// Model id (= specialist id).
    pub id: String,
    /// The specialist version deployed.
    pub version: String,
    /// The content hash deployed; equal to the current content hash when git and platform agree.
    pub content_hash: String,
    /// The commit it was deployed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    /// The specialist's folder when deployed.
    pub source_path: String,
    /// True when the live model was changed by hand since aispec deployed it.
    pub drift: bool,
    /// Whether users can select it.
    pub is_active: bool,
    /// Last change on the platform, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    let conn = super::connection::connect(ws, Some(target))?;
    let rt = super::connection::runtime()?;
    let live = rt.block_on(conn.client.list_models())?;
    Ok(from_live(
        &conn.name,
        conn.client.url(),
        &ws.config.workspace.name,
        &live,
    ))
}

/// The deployed state of every target whose API key is in the environment, for `aispec status`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Deployed {
    /// One state per target that could be read.
    pub targets: Vec<TargetState>,
    /// Targets that were skipped or could not be read, with the reason.
    pub unavailable: Vec<(String, String)>,
}

impl Deployed {
    /// Reads every target in `aispec.toml`; a target without its key set, or unreachable, is listed in
    /// `unavailable` instead of failing the whole status.
    pub fn read(ws: &Workspace) -> Self {
        let mut out = Deployed::default();
        for (name, target) in &ws.config.targets {
            if std::env::var_os(&target.api_key_env).is_none() {
                out.unavailable
                    .push((name.clone(), format!("{} is not set", target.api_key_env)));
                continue;
            }
            match deployed_state(ws, name) {
                Ok(state) => out.targets.push(state),
                Err(e) => out.unavailable.push((name.clone(), format!("{e:#}"))),
            }
        }
        out
    }

    /// Reads the named targets; any that cannot be read is an error.
    pub fn read_targets(ws: &Workspace, names: &[String]) -> anyhow::Result<Self> {
        let targets = names
            .iter()
            .map(|n| deployed_state(ws, n))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Deployed {
            targets,
            unavailable: Vec::new(),
        })
    }

    /// Deployed version per target for one specialist, marked when it drifted (`1.2.0 (drift)`).
    pub fn versions(&self, id: &str) -> std::collections::BTreeMap<String, String> {
        self.targets
            .iter()
            .filter_map(|t| {
                let m = t.get(id)?;
                let v = if m.drift {
                    format!("{} (drift)", m.version)
                } else {
                    m.version.clone()
                };
                Some((t.target.clone(), v))
            })
            .collect()
    }
}

impl crate::status::DeployedVersions for Deployed {
    fn deployed(&self, id: &str) -> std::collections::BTreeMap<String, String> {
        self.versions(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_this_workspaces_models_with_drift() {
        let d = crate::platform::mapping::tests::desired();
        let ctx = mapping::DeployContext {
            workspace: "ws".into(),
            git_commit: Some("abc".into()),
        };
        let form = mapping::render(&d, None, &ctx).form;
        let ours: LiveModel = serde_json::from_value(form.clone()).expect("model");
        let mut edited = ours.clone();
        edited.id = "edited".into();
        edited.name = "Renamed in the web UI".into();
        let mut foreign = ours.clone();
        foreign.id = "foreign".into();
        foreign.meta.insert(
            mapping::MARKER_KEY.into(),
            json!({"managed_by": "aispec", "workspace": "other", "spec_version": "1.0.0",
                   "content_hash": "h", "deployed_hash": "h", "source_path": "x"}),
        );
        let plain: LiveModel = serde_json::from_value(json!({"id": "plain", "name": "Plain"})).expect("model");
        let state = from_live("prod", "https://x", "ws", &[plain, foreign, edited, ours]);
        let ids: Vec<&str> = state.models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["demo", "edited"]);
        let demo = state.get("demo").expect("demo");
        assert_eq!(demo.version, "1.2.0");
        assert_eq!(demo.git_commit.as_deref(), Some("abc"));
        assert!(!demo.drift);
        assert!(state.get("edited").expect("edited").drift);
        let deployed = Deployed {
            targets: vec![state],
            unavailable: vec![],
        };
        assert_eq!(deployed.versions("edited")["prod"], "1.2.0 (drift)");
        assert_eq!(deployed.versions("demo")["prod"], "1.2.0");
        assert!(deployed.versions("plain").is_empty());
    }
}
