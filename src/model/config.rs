//! `aispec.toml`: the file that marks a config repo and holds its settings.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// File name that marks the root of a workspace.
pub const CONFIG_FILE: &str = "aispec.toml";

/// Settings of one aispec workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aispec workspace settings", extend("$id" = "https://aispec.dev/schemas/aispec.schema.json"))]
pub struct Config {
    /// Name, language and branch of the workspace.
    pub workspace: WorkspaceSettings,
    /// Sign-off rules.
    #[serde(default)]
    pub signoff: SignoffSettings,
    /// Group aliases: alias used in specialists → group name on the platform.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, String>,
    /// Open WebUI instances aispec deploys to, by name (for example `staging`, `production`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, Target>,
    /// OpenAI-compatible endpoints used by `aispec eval`, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub providers: BTreeMap<String, Provider>,
    /// Evaluation settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eval: Option<EvalSettings>,
    /// When users' ratings flag a specialist in `aispec feedback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<FeedbackSettings>,
    /// Contact details the personal-data scan accepts everywhere (screenings, journeys, suites and every
    /// specialist); a specialist's own `[privacy] allow` adds to it.
    #[serde(default, skip_serializing_if = "crate::model::specialist::Privacy::is_empty")]
    pub privacy: crate::model::specialist::Privacy,
    /// Organisation-wide fields of the public AI register (`aispec register`, `aispec site`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<RegisterSettings>,
}

/// `[register]`: what every public register record shares, and what may be published.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterSettings {
    /// Official name of the responsible organisation (default: `[workspace] name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub organisation: Option<String>,
    /// Official name of the geographical area the use cases serve (for example `Aarhus Kommune`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub area: Option<String>,
    /// A functional mailbox for questions about the register (never a person's own address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 3))]
    pub contact: Option<String>,
    /// Base URL the site is published under; each record's `website` is `<base>/<id>.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^https://"))]
    pub website_base: Option<String>,
    /// The standard's domain for every use case, unless `domains` names another (for example `government`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Domain per use case id, where it differs from `domain`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<String, String>,
    /// Hosts whose URLs may be published (a knowledge source on another host is treated as internal and left
    /// out). Subdomains count: `aarhus.dk` allows `www.aarhus.dk`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_hosts: Vec<String>,
    /// Publish signers' names beside their roles and dates (default false: roles and dates only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_names: bool,
}

/// The workspace's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSettings {
    /// Human name of the workspace (for example the municipality).
    #[schemars(length(min = 1))]
    pub name: String,
    /// Language of questionnaires, reports and generated prompts: `da` (default) or `en`.
    #[serde(default)]
    pub language: Language,
    /// The branch reviews compare against (default `main`).
    #[serde(default = "default_branch")]
    pub main_branch: String,
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        WorkspaceSettings {
            name: String::new(),
            language: Language::default(),
            main_branch: default_branch(),
        }
    }
}

fn default_branch() -> String {
    "main".to_owned()
}

/// A language aispec speaks to people in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Danish.
    #[default]
    Da,
    /// English.
    En,
}

impl Language {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Da => "da",
            Language::En => "en",
        }
    }
}

/// Who must sign off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffSettings {
    /// Roles whose sign-off every specialist needs (a screening can add more, such as `legal`).
    #[serde(default = "default_roles")]
    pub required_roles: Vec<String>,
    /// Whether a specialist must link an approved and signed screening before it can be approved (default
    /// true). Set it to false only where specialists are screened outside aispec; validate still warns.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub require_screening: bool,
}

impl Default for SignoffSettings {
    fn default() -> Self {
        SignoffSettings {
            required_roles: default_roles(),
            require_screening: true,
        }
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn default_roles() -> Vec<String> {
    vec!["faglig-systemejer".to_owned()]
}

/// An Open WebUI instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Base URL, for example `https://ai.aarhus.dk`.
    #[schemars(regex(pattern = r"^https?://"))]
    pub url: String,
    /// Name of the environment variable that holds the API key (never the key itself).
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub api_key_env: String,
    /// Per-target group names: alias or group name in specialists → group name on this instance.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, String>,
    /// Request timeout in seconds (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_secs: Option<u64>,
    /// Allow plain `http://` to a host other than this machine (the API key then crosses the network
    /// unencrypted). Default false: aispec refuses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
}

/// An OpenAI-compatible chat endpoint (LiteLLM in practice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Base URL up to and including `/v1`, or `platform:<target>` to chat with the deployed specialist.
    pub base_url: String,
    /// Model id sent in requests; defaults to the provider name. For `platform:` providers: the model used for
    /// suite cases (specialist cases always chat with the specialist itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Name of the environment variable holding the API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub api_key_env: Option<String>,
    /// Price per 1,000 prompt tokens, for cost columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub price_input_per_1k: Option<f64>,
    /// Price per 1,000 completion tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub price_output_per_1k: Option<f64>,
    /// Request timeout in seconds (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_secs: Option<u64>,
    /// Allow plain `http://` to a host other than this machine (prompts, answers and the key then cross the
    /// network unencrypted). Default false: `aispec eval` refuses. `platform:` providers follow their target.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
}

/// Settings for `aispec eval`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvalSettings {
    /// Provider used as judge for `llm-rubric` assertions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<String>,
    /// Provider whose `/embeddings` endpoint (with its `model`) embeds texts for `similar` assertions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedder: Option<String>,
    /// Providers used when `--providers` is not given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_providers: Vec<String>,
    /// Currency of the provider prices (default `USD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Requests in flight at most (default 8; `--concurrency` overrides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1024))]
    pub concurrency: Option<u32>,
    /// Retries after a 429, 5xx, timeout or network error (default 3; `--retries` overrides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 20))]
    pub max_retries: Option<u32>,
    /// Pass rate every provider must reach, 0–1 (`--min-pass-rate` overrides); below it `eval` exits 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub min_pass_rate: Option<f64>,
    /// Share of compared cases allowed to regress before `--compare` exits 1 (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub tolerance: Option<f64>,
}

/// Settings for `aispec feedback` and the satisfaction columns of `aispec status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSettings {
    /// A specialist is flagged when its share of thumbs down is above this (0–1, default 0.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub max_negative_share: Option<f64>,
    /// Ratings a specialist needs in the period before it can be flagged, so one vote does not (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub min_ratings: Option<u32>,
    /// The period read when `--since` is not given, such as `30d`, `2w` or `12h` (default `30d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]+[hdw]$"))]
    pub since: Option<String>,
}
