//! `specialists/<id>/specialist.toml`: one specialist or assistent as the builder writes it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// File name of a specialist's metadata inside its folder.
pub const SPEC_FILE: &str = "specialist.toml";
/// File name of a specialist's system prompt inside its folder.
pub const PROMPT_FILE: &str = "system-prompt.md";
/// File name of a specialist's test cases inside its folder.
pub const TESTS_FILE: &str = "tests.toml";
/// Folder of a specialist's knowledge source files.
pub const KNOWLEDGE_DIR: &str = "knowledge";
/// File beside `specialist.toml` recording where fetched knowledge files came from.
pub const KNOWLEDGE_LOCK_FILE: &str = "knowledge.lock";

/// A specialist (knowledge-backed assistant) or assistent (general helper) deployed to Open WebUI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aispec specialist", extend("$id" = "https://aispec.dev/schemas/specialist.schema.json"))]
pub struct Specialist {
    /// Stable id, equal to the folder name: lowercase letters, digits and `-`, at most 64 characters.
    /// It becomes the Open WebUI model id, so changing it creates a new model.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(min = 1, max = 64))]
    pub id: String,
    /// Display name shown to users in Open WebUI.
    #[schemars(length(min = 1, max = 120))]
    pub name: String,
    /// `assistent` for a general helper, `specialist` for a department- or knowledge-specific one.
    pub kind: Kind,
    /// Semantic version of the deployable content (`MAJOR.MINOR.PATCH`).
    #[schemars(regex(pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"))]
    pub version: String,
    /// One or two sentences telling users what the specialist does.
    #[schemars(length(min = 1, max = 1000))]
    pub description: String,
    /// Who owns and maintains the specialist.
    pub owner: Owner,
    /// Id of the base model in the model catalogue (`models.toml`).
    #[schemars(length(min = 1))]
    pub base_model: String,
    /// Id of the screening in `screenings/<id>/` that cleared this use case (lowercase letters, digits and `-`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(min = 1, max = 64))]
    pub screening: Option<String>,
    /// Generation parameters sent with every chat.
    #[serde(default, skip_serializing_if = "Params::is_empty")]
    pub params: Params,
    /// Example prompts shown as buttons on a new chat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestion_prompts: Vec<SuggestionPrompt>,
    /// Tags shown in Open WebUI's model list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Who may use the specialist.
    #[serde(default)]
    pub access: Access,
    /// Source files in `knowledge/` that become the specialist's knowledge base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knowledge: Vec<KnowledgeFile>,
    /// Open WebUI tool ids the specialist may use (for example `web_search`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    /// The data-protection and usage notice shown to users.
    #[schemars(length(min = 1))]
    pub notice: String,
    /// Deliberate exceptions to the personal-data scan.
    #[serde(default, skip_serializing_if = "Privacy::is_empty")]
    pub privacy: Privacy,
    /// Sign-offs recorded by `aispec approve`; never edit by hand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signoffs: Vec<Signoff>,
}

/// What kind of helper this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A general administrative helper (proof-reader, summariser…).
    Assistent,
    /// A department- or knowledge-specific specialist.
    Specialist,
}

impl Kind {
    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Assistent => "assistent",
            Kind::Specialist => "specialist",
        }
    }
}

/// The department and person responsible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    /// Owning department (magistratsafdeling or unit).
    #[schemars(length(min = 1))]
    pub department: String,
    /// The builder who maintains the specialist (name or e-mail).
    #[schemars(length(min = 1))]
    pub contact: String,
}

/// Generation parameters; absent values use the platform default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Sampling temperature, 0 (focused) to 2 (creative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 2.0))]
    pub temperature: Option<f64>,
    /// Upper bound on the answer length in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_tokens: Option<u32>,
    /// Nucleus sampling, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub top_p: Option<f64>,
    /// Penalty for repeating tokens, -2 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -2.0, max = 2.0))]
    pub frequency_penalty: Option<f64>,
    /// Fixed seed for reproducible answers where the model supports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Params {
    /// True when no parameter is set.
    pub fn is_empty(&self) -> bool {
        self == &Params::default()
    }
}

/// An example prompt offered on a new chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionPrompt {
    /// Short title shown in bold (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The prompt text put into the chat box.
    #[schemars(length(min = 1))]
    pub text: String,
}

/// Access control: the platform groups that may read (use) the specialist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// Group names or aliases from `aispec.toml` `[groups]`; empty means private to the owner.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// One knowledge source file in the specialist's `knowledge/` folder, optionally fetched from a source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeFile {
    /// Path relative to `knowledge/`.
    #[schemars(length(min = 1))]
    pub file: String,
    /// What the file contains and where it comes from.
    #[schemars(length(min = 1))]
    pub description: String,
    /// Where `aispec knowledge fetch` gets the file from: an https URL (plain http only to this machine), or a
    /// path from the specialist's folder to an HTML, Markdown, text, PDF or Word file inside the workspace.
    /// The file is then written by aispec (as Markdown or text): change the source, not the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub source: Option<String>,
    /// Who keeps the source current and reviews its changes (name, role or e-mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub owner: Option<String>,
    /// How old the fetched copy may get before it must be fetched again, in days or weeks (`180d`, `26w`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[1-9][0-9]{0,4}[dw]$"))]
    pub max_age: Option<String>,
    /// CSS selector of the page's main content (for example `main article`); default: `main`, `article` or
    /// `[role=main]`, else the whole body. Navigation, headers and footers are always dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub selector: Option<String>,
    /// Headers sent with the request, each naming the environment variable that holds its value (never the
    /// value itself): `{ Authorization = "INTRANET_TOKEN" }`. Sent only to the source's own origin.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers_env: BTreeMap<String, String>,
}

/// Allow-list for the personal-data scan, for deliberate public contact details.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Exact strings (e-mail addresses, phone numbers) that may appear in prompts and knowledge.
    #[serde(default)]
    pub allow: Vec<String>,
}

impl Privacy {
    /// True when nothing is allowed.
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty()
    }
}

/// A sign-off bound to the exact content it approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signoff {
    /// The role signing (for example `faglig-systemejer`, `legal`).
    pub role: String,
    /// Who signed.
    pub by: String,
    /// When, as an RFC 3339 timestamp.
    pub at: String,
    /// `sha256:` hash of the deployable content at signing time.
    pub content_hash: String,
    /// Optional remark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
