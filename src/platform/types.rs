//! The Open WebUI 0.12 shapes aispec reads: models, grants, groups, knowledge bases and files.
//! Only the fields aispec uses are typed; `meta` and `params` stay JSON because Open WebUI keeps unknown keys.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Key in an uploaded file's metadata holding its path under `knowledge/`.
pub const PATH_KEY: &str = "aispec_path";

/// A workspace model as `GET /api/v1/models/list` and `/model?id=` return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveModel {
    /// Model id (aispec: the specialist id).
    pub id: String,
    /// Owner's user id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The upstream model it wraps.
    #[serde(default)]
    pub base_model_id: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Generation parameters and the system prompt (`system`); empty when the caller may only read.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub params: Map<String, Value>,
    /// Description, tags, suggestions, knowledge, tools, capabilities and any other key.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub meta: Map<String, Value>,
    /// Who may read or write it.
    #[serde(default)]
    pub access_grants: Vec<Grant>,
    /// Whether users can select it.
    #[serde(default = "yes")]
    pub is_active: bool,
    /// Whether the caller may change it (list answers only).
    #[serde(default)]
    pub write_access: Option<bool>,
    /// Last change, seconds since the epoch.
    #[serde(default)]
    pub updated_at: Option<i64>,
}

fn yes() -> bool {
    true
}

fn null_as_empty<'de, D>(d: D) -> Result<Map<String, Value>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(Option::<Map<String, Value>>::deserialize(d)?.unwrap_or_default())
}

/// One access grant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// `group` or `user` (`*` as user id means everyone).
    pub principal_type: String,
    /// Group or user id.
    pub principal_id: String,
    /// `read` or `write`.
    pub permission: String,
}

impl Grant {
    /// Read access for a group.
    pub fn group_read(group_id: &str) -> Self {
        Grant {
            principal_type: "group".to_owned(),
            principal_id: group_id.to_owned(),
            permission: "read".to_owned(),
        }
    }

    /// Write access for a group.
    pub fn group_write(group_id: &str) -> Self {
        Grant {
            permission: "write".to_owned(),
            ..Grant::group_read(group_id)
        }
    }

    /// Read access for every user of the platform (Open WebUI's public access).
    pub fn public_read() -> Self {
        Grant {
            principal_type: "user".to_owned(),
            principal_id: "*".to_owned(),
            permission: "read".to_owned(),
        }
    }

    /// True for the grant that makes a model public.
    pub fn is_public(&self) -> bool {
        self.principal_type == "user" && self.principal_id == "*"
    }
}

/// A page of `GET /api/v1/models/list`.
#[derive(Debug, Deserialize)]
pub struct ModelPage {
    /// Up to 30 models.
    #[serde(default)]
    pub items: Vec<LiveModel>,
    /// How many models the caller can see in all.
    #[serde(default)]
    pub total: usize,
}

/// A user group from `GET /api/v1/groups/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Group id.
    pub id: String,
    /// Group name (not unique on the platform).
    pub name: String,
}

/// A knowledge base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeBase {
    /// Knowledge base id.
    pub id: String,
    /// Name shown to users.
    #[serde(default)]
    pub name: String,
    /// Description (aispec ends it with its ownership line).
    #[serde(default)]
    pub description: String,
    /// Who may read or write it.
    #[serde(default)]
    pub access_grants: Vec<Grant>,
}

/// A page of `GET /api/v1/knowledge/`.
#[derive(Debug, Deserialize)]
pub struct KnowledgePage {
    /// Up to 30 knowledge bases.
    #[serde(default)]
    pub items: Vec<KnowledgeBase>,
    /// How many in all.
    #[serde(default)]
    pub total: usize,
}

/// A file inside a knowledge base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeFile {
    /// File id.
    pub id: String,
    /// File name as uploaded.
    #[serde(default)]
    pub filename: String,
    /// `name`, `file_hash` (SHA-256 of the bytes) and `data` (the metadata aispec sent).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub meta: Map<String, Value>,
}

impl KnowledgeFile {
    /// SHA-256 of the uploaded bytes, as the server computed it.
    pub fn sha256(&self) -> Option<&str> {
        self.meta.get("file_hash").and_then(Value::as_str)
    }

    /// The path under `knowledge/` aispec uploaded it from, or the file name.
    pub fn aispec_path(&self) -> &str {
        self.meta
            .get("data")
            .and_then(|d| d.get(PATH_KEY))
            .and_then(Value::as_str)
            .unwrap_or(&self.filename)
    }
}

/// A page of `GET /api/v1/knowledge/{id}/files`.
#[derive(Debug, Deserialize)]
pub struct KnowledgeFilePage {
    /// Up to 30 files.
    #[serde(default)]
    pub items: Vec<KnowledgeFile>,
    /// How many in all.
    #[serde(default)]
    pub total: usize,
}

/// An uploaded file (`POST /api/v1/files/`).
#[derive(Debug, Clone, Deserialize)]
pub struct UploadedFile {
    /// File id.
    pub id: String,
}
