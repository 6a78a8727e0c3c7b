//! `models.toml`: the model catalogue — which base models exist, where they run and what data they may see.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// File name of the catalogue at the workspace root.
pub const CATALOG_FILE: &str = "models.toml";

/// The model catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aispec model catalogue", extend("$id" = "https://aispec.dev/schemas/models.schema.json"))]
pub struct Catalog {
    /// One entry per base model.
    #[serde(default)]
    pub models: Vec<CatalogModel>,
}

impl Catalog {
    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&CatalogModel> {
        self.models.iter().find(|m| m.id == id)
    }
}

/// One base model as served through LiteLLM / Open WebUI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogModel {
    /// The base model id exactly as Open WebUI and LiteLLM know it.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Human name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Who makes the model (for example Mistral AI, OpenAI).
    pub provider: String,
    /// Where it runs.
    pub hosting: Hosting,
    /// The most sensitive class of data it may receive.
    pub max_data_class: DataClass,
    /// Context window in tokens as served here (the budget builders must respect).
    #[schemars(range(min = 1))]
    pub context_window: u32,
    /// Largest answer in tokens.
    #[schemars(range(min = 1))]
    pub max_output_tokens: u32,
    /// `approved` for production, `trial` for evaluation, `retired` no longer served.
    pub status: ModelStatus,
    /// Anything a builder should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Where a model runs; the order is from most to least controlled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Hosting {
    /// On the municipality's own infrastructure.
    Internal,
    /// A cloud provider inside the EU/EEA.
    EuCloud,
    /// A cloud provider outside the EU/EEA.
    NonEuCloud,
}

impl Hosting {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Hosting::Internal => "internal",
            Hosting::EuCloud => "eu-cloud",
            Hosting::NonEuCloud => "non-eu-cloud",
        }
    }
}

/// Data classification, ordered from least to most sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DataClass {
    /// Public information.
    Public,
    /// Internal, non-personal information.
    Internal,
    /// Confidential information (tavshedsbelagt), no personal data.
    Confidential,
    /// Ordinary personal data (GDPR art. 6).
    Personal,
    /// Special categories or CPR numbers (GDPR art. 9, databeskyttelsesloven § 11).
    SensitivePersonal,
}

impl DataClass {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Public => "public",
            DataClass::Internal => "internal",
            DataClass::Confidential => "confidential",
            DataClass::Personal => "personal",
            DataClass::SensitivePersonal => "sensitive-personal",
        }
    }
}

/// Lifecycle status of a model in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ModelStatus {
    /// Cleared for production specialists.
    Approved,
    /// Available for evaluation and trials.
    Trial,
    /// No longer served; specialists must move away.
    Retired,
}

impl ModelStatus {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Approved => "approved",
            ModelStatus::Trial => "trial",
            ModelStatus::Retired => "retired",
        }
    }
}
