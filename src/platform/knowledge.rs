//! A specialist's `knowledge/` folder as an Open WebUI knowledge base: created once, named after the
//! specialist, files uploaded only when their SHA-256 changed, files gone from git removed.

use std::collections::{BTreeMap, HashSet};

use serde_json::json;
use sha2::Digest as _;

use super::client::Client;
use super::error::ApiError;
use super::mapping::{Desired, KnowledgeRef};
use super::types::{Grant, KnowledgeBase, KnowledgeFile, PATH_KEY};

/// The last line of a managed knowledge base's description: which workspace and specialist own it.
pub fn ownership_line(workspace: &str, id: &str) -> String {
    format!("aispec: {workspace}/{id}")
}

/// True when aispec made this knowledge base for this specialist.
pub fn is_ours(kb: &KnowledgeBase, workspace: &str, id: &str) -> bool {
    kb.description
        .lines()
        .last()
        .is_some_and(|l| l.trim() == ownership_line(workspace, id))
}

fn kb_description(d: &Desired, workspace: &str) -> String {
    format!("{}\n\n{}", d.spec.description.trim(), ownership_line(workspace, &d.id))
}

/// Makes the specialist's knowledge base match `knowledge/`; `known` is the id recorded in the marker.
/// Every step taken is appended to `steps`.
pub async fn sync(
    client: &Client,
    d: &Desired,
    known: Option<&str>,
    grants: &[Grant],
    workspace: &str,
    steps: &mut Vec<String>,
) -> Result<KnowledgeRef, ApiError> {
    let kb = match find(client, d, known, workspace).await? {
        Some(kb) => kb,
        None => {
            let description = kb_description(d, workspace);
            let kb = client.create_knowledge(&d.spec.name, &description, grants).await?;
            steps.push("knowledge base created".to_owned());
            kb
        }
    };
    let description = kb_description(d, workspace);
    if kb.name != d.spec.name || kb.description != description {
        client.update_knowledge(&kb.id, &d.spec.name, &description).await?;
        steps.push("knowledge base renamed".to_owned());
    }
    let mut live_grants = kb.access_grants.clone();
    live_grants.sort();
    live_grants.dedup();
    if live_grants != grants {
        client.set_knowledge_grants(&kb.id, grants).await?;
        steps.push("knowledge base access set".to_owned());
    }
    sync_files(client, &kb.id, d, steps).await?;
    Ok(KnowledgeRef {
        id: kb.id,
        name: d.spec.name.clone(),
    })
}

/// The specialist's knowledge base: the one the marker names, or one an interrupted deploy left behind (reused,
/// never duplicated); `None` when there is none yet.
async fn find(
    client: &Client,
    d: &Desired,
    known: Option<&str>,
    workspace: &str,
) -> Result<Option<KnowledgeBase>, ApiError> {
    if let Some(id) = known
        && let Some(kb) = client.get_knowledge(id).await?
        && is_ours(&kb, workspace, &d.id)
    {
        return Ok(Some(kb));
    }
    let Some(kb) = client
        .list_knowledge()
        .await?
        .into_iter()
        .find(|kb| is_ours(kb, workspace, &d.id))
    else {
        return Ok(None);
    };
    Ok(Some(client.get_knowledge(&kb.id).await?.unwrap_or(kb)))
}

async fn sync_files(client: &Client, kb: &str, d: &Desired, steps: &mut Vec<String>) -> Result<(), ApiError> {
    let live = client.knowledge_files(kb).await?;
    let mut by_path: BTreeMap<&str, Vec<&KnowledgeFile>> = BTreeMap::new();
    for f in &live {
        by_path.entry(f.aispec_path()).or_default().push(f);
    }
    let mut keep: HashSet<&str> = HashSet::new();
    for local in &d.knowledge {
        let existing = by_path.get(local.name.as_str()).map(Vec::as_slice).unwrap_or_default();
        if let Some(same) = existing.iter().find(|f| f.sha256() == Some(local.sha256.as_str())) {
            keep.insert(same.id.as_str());
            continue;
        }
        let read_error = |message: String| ApiError::Decode {
            method: "READ".to_owned(),
            path: local.path.display().to_string(),
            message,
        };
        let bytes = crate::fsread::read_file(&local.path, crate::fsread::Limit::KNOWLEDGE)
            .map_err(|e| read_error(e.to_string()))?;
        // Upload exactly the bytes that were hashed and signed off, nothing swapped in since.
        if hex::encode(sha2::Sha256::digest(&bytes)) != local.sha256 {
            return Err(read_error(
                "the file changed after the plan was made; run the deploy again".to_owned(),
            ));
        }
        let file_name = local.name.rsplit('/').next().unwrap_or(&local.name);
        let uploaded = client
            .upload_file(file_name, &bytes, &json!({ PATH_KEY: local.name }))
            .await?;
        client.add_knowledge_file(kb, &uploaded.id).await?;
        steps.push(if existing.is_empty() {
            format!("uploaded {}", local.name)
        } else {
            format!("re-uploaded {}", local.name)
        });
    }
    // Older versions of changed files, files gone from git and duplicates from interrupted runs.
    for f in &live {
        if !keep.contains(f.id.as_str()) {
            client.remove_knowledge_file(kb, &f.id).await?;
            if !d.knowledge.iter().any(|l| l.name == f.aispec_path()) {
                steps.push(format!("removed {}", f.aispec_path()));
            }
        }
    }
    Ok(())
}
