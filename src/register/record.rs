//! One public register record, in the fields of the Algorithm Register Metadata Standard (the Dutch
//! standard, standaard.algoritmeregister.org), as aispec fills them.

use serde::Serialize;

/// Which standard and mapping a record follows.
pub const STANDARD: &str = "algoritmeregister-nl/aispec-1";

/// A use case's entry in the public AI register. Field names are the standard's; a field aispec has no
/// source for is left out and named in `gaps`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Record {
    /// The standard and the version of aispec's mapping.
    pub standard: &'static str,
    /// The specialist id, or the screening id for a use case without a specialist yet.
    pub id: String,
    /// Language of the free texts (ISO 639-1).
    pub lang: &'static str,
    /// The name people know the use case by.
    pub name: String,
    /// The responsible organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The department that owns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The geographical area it serves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The standard's policy domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// What it does, in at most 150 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_short: Option<String>,
    /// Kind of algorithm: every specialist runs on a generative language model.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `in development`, `in use` or `out of use`.
    pub status: &'static str,
    /// What it is for, and the benefit expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// How people meet its effects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// Why its use is necessary and proportionate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proportionality: Option<String>,
    /// The process it takes part in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_making_process: Option<String>,
    /// How a person checks and can override what it produces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_intervention: Option<String>,
    /// How risks were assessed and handled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risks: Option<String>,
    /// EU AI Act risk category in the standard's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_category: Option<&'static str>,
    /// The legal basis, as the screening documents it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lawful_basis: Option<String>,
    /// Data protection impact assessment: `required`, `recommended` or `not-required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpia: Option<&'static str>,
    /// Fundamental-rights impact assessment (AI Act art. 27): `required` or `not-required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fria: Option<&'static str>,
    /// Who provides the model and where it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The models it uses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// What data it works on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_data: Option<String>,
    /// Methods and models in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub methods_and_models: Option<String>,
    /// How its quality is followed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<String>,
    /// The register's mailbox.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// The public page of this record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Sign-offs of the current content: roles and dates (names only with `[register] show_names`).
    pub signoffs: Vec<PublicSignoff>,
    /// Fields of the standard this record leaves empty, because aispec has no source for them.
    pub gaps: Vec<&'static str>,
}

/// A sign-off as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicSignoff {
    /// The role that signed.
    pub role: String,
    /// The day it signed (YYYY-MM-DD).
    pub date: String,
    /// Who signed, only with `[register] show_names = true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The fields of the standard that aispec never fills, and why (shown in the README and `register --help`).
pub const NEVER_FILLED: &[(&str, &str)] = &[
    (
        "training_data",
        "the models are trained by their providers; aispec does not know their data",
    ),
    (
        "data_bias",
        "no bias analysis of the model's training data is recorded in the workspace",
    ),
    (
        "performance",
        "aispec measures pass rates of its own test cases (see monitoring), not model accuracy",
    ),
    (
        "alternatives_considered",
        "the screening does not ask which alternatives were considered",
    ),
    (
        "objection_procedure",
        "specialists make no decisions, and the workspace records no complaint route",
    ),
    (
        "rollback",
        "not recorded; a deploy of an earlier commit restores the specialist, not what users wrote",
    ),
    (
        "codebase_url",
        "the config repository's address is not in the workspace",
    ),
    (
        "revision_date",
        "the workspace records no date by which a use case must be reviewed again",
    ),
];

impl Record {
    /// Fills `gaps` with every optional field left empty, then the fields never filled.
    pub fn note_gaps(&mut self) {
        let optional: [(&'static str, bool); 19] = [
            ("organization", self.organization.is_none()),
            ("department", self.department.is_none()),
            ("area", self.area.is_none()),
            ("domain", self.domain.is_none()),
            ("description_short", self.description_short.is_none()),
            ("goal", self.goal.is_none()),
            ("impact", self.impact.is_none()),
            ("proportionality", self.proportionality.is_none()),
            ("decision_making_process", self.decision_making_process.is_none()),
            ("human_intervention", self.human_intervention.is_none()),
            ("risks", self.risks.is_none()),
            ("lawful_basis", self.lawful_basis.is_none()),
            ("provider", self.provider.is_none()),
            ("models", self.models.is_empty()),
            ("source_data", self.source_data.is_none()),
            ("methods_and_models", self.methods_and_models.is_none()),
            ("monitoring", self.monitoring.is_none()),
            ("contact_email", self.contact_email.is_none()),
            ("website", self.website.is_none()),
        ];
        self.gaps = optional
            .iter()
            .filter(|(_, missing)| *missing)
            .map(|(f, _)| *f)
            .collect();
        self.gaps.extend(NEVER_FILLED.iter().map(|(f, _)| *f));
    }
}
