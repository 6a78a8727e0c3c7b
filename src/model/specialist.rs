//! `specialists/<id>/specialist.toml`: one specialist or assistent as the builder writes it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
    /// One or two sentences telling users what the specialist does. Only a specialist adopted from the
    /// platform (see `adopted`) may leave it out, as the model it came from had none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
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
    /// Open WebUI filter function ids (`meta.filterIds`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
    /// Open WebUI action function ids (`meta.actionIds`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// What the model may do in Open WebUI; when left out, aispec's safe defaults apply (vision, code
    /// interpreter, image generation, terminal, memory and built-in tools off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
    /// Open WebUI's built-in tools, turned on or off by name (`time = true`, `memory = false`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub builtin_tools: BTreeMap<String, bool>,
    /// The picture shown beside the name: a PNG, JPEG, GIF or WebP file beside `specialist.toml`, or an
    /// `https://` address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub profile_image: Option<String>,
    /// Whether users can pick the model; `false` deploys it switched off (default: on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The data-protection and usage notice shown to users. Only a specialist adopted from the platform
    /// (see `adopted`) may leave it out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(min = 1))]
    pub notice: String,
    /// Other Open WebUI settings, sent to the platform exactly as written (what `aispec import` found and
    /// aispec has no field of its own for).
    #[serde(default, skip_serializing_if = "Platform::is_empty")]
    pub platform: Platform,
    /// Deliberate exceptions to the personal-data scan.
    #[serde(default, skip_serializing_if = "Privacy::is_empty")]
    pub privacy: Privacy,
    /// Sign-offs recorded by `aispec approve`; never edit by hand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signoffs: Vec<Signoff>,
    /// Written by `aispec import`: where the specialist came from and its content then. While the content is
    /// unchanged, `deploy --adopt` may take over the live model without screening or sign-off, because it
    /// changes nothing there but the ownership marker. Never edit by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<Adopted>,
}

/// Where an imported specialist came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adopted {
    /// The target (`staging (https://…)`) or export file it was imported from.
    pub from: String,
    /// `sha256:` content hash of the files as `aispec import` wrote them.
    pub content_hash: String,
}

/// Open WebUI's capability switches for a model. A switch left out is left to Open WebUI's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// Users may send images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<bool>,
    /// Users may upload files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_upload: Option<bool>,
    /// Uploaded files are put into the context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_context: Option<bool>,
    /// Web search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_search: Option<bool>,
    /// Image generation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_generation: Option<bool>,
    /// The code interpreter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_interpreter: Option<bool>,
    /// A terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal: Option<bool>,
    /// Sources shown under answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<bool>,
    /// Progress messages while answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_updates: Option<bool>,
    /// Token usage shown with answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<bool>,
    /// The user's memories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<bool>,
    /// Open WebUI's built-in tools (see `builtin_tools`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin_tools: Option<bool>,
}

/// Open WebUI settings aispec passes through unchanged: keys of the model's `params` and `meta`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// Keys of `params` (for example `top_k`, `stop`, `custom_params`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
    /// Keys of `meta` (for example `i18n`, `hidden`, `knowledge` for a knowledge base kept on the platform).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub meta: Map<String, Value>,
}

impl Platform {
    /// True when nothing is passed through.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty() && self.meta.is_empty()
    }
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
    /// How Open WebUI lets the model call tools: `native` (the model's own tool calls) or `legacy`
    /// (`default` in exports from older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_calling: Option<FunctionCalling>,
    /// Reasoning shown apart from the answer: `true` (Open WebUI's tags), `false` (off), or the start and end
    /// tag, `["<think>", "</think>"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_tags: Option<ReasoningTags>,
}

/// Open WebUI's tool-calling mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FunctionCalling {
    /// The model's own tool calls.
    Native,
    /// Open WebUI prompts the model to call tools.
    Legacy,
    /// The name older Open WebUI versions used for `legacy`.
    Default,
}

/// Reasoning tags: on or off, or the two tags that enclose the reasoning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ReasoningTags {
    /// On (Open WebUI's tags) or off.
    Enabled(bool),
    /// The start and end tag.
    Tags([String; 2]),
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
    /// A second line under the title (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
}

/// Access control: the platform groups that may read (use) the specialist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// Group names or aliases from `aispec.toml` `[groups]`; empty means private to the owner.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Groups that may also edit the model in Open WebUI (names or aliases, as `groups`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write_groups: Vec<String>,
    /// Every user of the platform may use it (Open WebUI's public access).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
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
