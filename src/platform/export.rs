//! `aispec export`: approved specialists as the JSON file Open WebUI's "Import models" accepts, without a server.

use serde::Serialize;
use serde_json::Value;

use super::local::Candidates;
use super::mapping::{self, DeployContext};

/// File name written into the output folder.
pub const EXPORT_FILE: &str = "open-webui-models.json";

/// The export: the models and what could not be carried over.
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    /// Model objects in Open WebUI's export format, sorted by id.
    pub models: Vec<Value>,
    /// Ids exported.
    pub exported: Vec<String>,
    /// Things left out, per specialist.
    pub notes: Vec<String>,
}

/// Builds the export of every approved specialist. Access grants are left empty (group ids belong to one
/// instance); the marker keeps the group names, so `aispec import` and `aispec deploy` restore them.
pub fn export(candidates: &Candidates, ctx: &DeployContext) -> Export {
    let mut ready: Vec<_> = candidates.ready.iter().collect();
    ready.sort_by(|a, b| a.id.cmp(&b.id));
    let mut notes = Vec::new();
    let models = ready
        .iter()
        .map(|d| {
            if !d.knowledge.is_empty() {
                notes.push(format!(
                    "{}: {} knowledge file(s) are not in the export; `aispec deploy` uploads them",
                    d.id,
                    d.knowledge.len()
                ));
            }
            if !d.spec.access.groups.is_empty() {
                notes.push(format!(
                    "{}: access for {} is not in the export; share it in Open WebUI or run `aispec deploy`",
                    d.id,
                    d.spec.access.groups.join(", ")
                ));
            }
            let mut form = mapping::render(d, None, ctx).form;
            if let Some(o) = form.as_object_mut() {
                o.insert("access_grants".into(), Value::Array(Vec::new()));
            }
            form
        })
        .collect();
    Export {
        models,
        exported: ready.iter().map(|d| d.id.clone()).collect(),
        notes,
    }
}
