//! `screenings/<id>/journey.toml`: the user journey of a screened use case — who the users are, what
//! triggers them, how the work is done today and with the specialist, the source material, and what success
//! looks like. Loading it is the workspace's job (`Workspace::journey`).

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::screening::Screening;

/// File name of a journey inside its screening's folder.
pub const JOURNEY_FILE: &str = "journey.toml";

/// A user journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aispec user journey", extend("$id" = "https://aispec.dev/schemas/journey.schema.json"))]
pub struct Journey {
    /// Id of the screening it belongs to (the folder name); may be left out of an answers file.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(min = 1, max = 64))]
    pub id: String,
    /// `draft` while being captured, `complete` when personas, trigger, steps with the specialist and success
    /// criteria are filled in.
    #[serde(default = "draft")]
    pub status: JourneyStatus,
    /// Name of the journey.
    #[schemars(length(min = 1))]
    pub title: String,
    /// The department whose staff make the journey.
    #[serde(default)]
    pub department: String,
    /// Who the users are.
    #[serde(default)]
    pub personas: Vec<Persona>,
    /// What makes a user start (the situation, the question, the task).
    #[serde(default)]
    pub trigger: String,
    /// How the work is done today, step by step.
    #[serde(default)]
    pub steps_today: Vec<String>,
    /// How the work will be done with the specialist, step by step.
    #[serde(default)]
    pub steps_with_specialist: Vec<String>,
    /// What is hard, slow or error-prone today.
    #[serde(default)]
    pub pain_points: Vec<String>,
    /// The material the specialist's knowledge comes from.
    #[serde(default)]
    pub sources: Vec<SourceMaterial>,
    /// Questions users really ask, each with what a good answer contains: they become the specialist's
    /// starter tests and suggestion prompts.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// How we will know it works: measurable criteria.
    #[serde(default)]
    pub success_criteria: Vec<SuccessCriterion>,
    /// What could go wrong, and what we do about it.
    #[serde(default)]
    pub risks: Vec<Risk>,
}

fn draft() -> JourneyStatus {
    JourneyStatus::Draft
}

impl Journey {
    /// An empty draft journey for a screening.
    pub fn new(id: &str, title: &str) -> Self {
        Journey {
            id: id.to_owned(),
            status: JourneyStatus::Draft,
            title: title.to_owned(),
            department: String::new(),
            personas: Vec::new(),
            trigger: String::new(),
            steps_today: Vec::new(),
            steps_with_specialist: Vec::new(),
            pain_points: Vec::new(),
            sources: Vec::new(),
            examples: Vec::new(),
            success_criteria: Vec::new(),
            risks: Vec::new(),
        }
    }

    /// The sections a complete journey must have but this one lacks (field names): with all of them, `aispec
    /// new` leaves nothing for a person to fill in.
    pub fn missing_sections(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.department.trim().is_empty() {
            out.push("department");
        }
        if self.personas.is_empty() {
            out.push("personas");
        }
        if self.trigger.trim().is_empty() {
            out.push("trigger");
        }
        if self.steps_with_specialist.is_empty() {
            out.push("steps_with_specialist");
        }
        if self.examples.is_empty() {
            out.push("examples");
        }
        if self.success_criteria.is_empty() {
            out.push("success_criteria");
        }
        out
    }
}

/// Whether the journey is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JourneyStatus {
    /// Sections remain.
    Draft,
    /// Every section is filled in.
    Complete,
}

impl JourneyStatus {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            JourneyStatus::Draft => "draft",
            JourneyStatus::Complete => "complete",
        }
    }
}

/// A kind of user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// Role or job (for example "sagsbehandler i Borgerservice").
    #[schemars(length(min = 1))]
    pub role: String,
    /// What they need from the specialist.
    #[schemars(length(min = 1))]
    pub need: String,
}

/// A piece of source material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceMaterial {
    /// Title of the page or document.
    #[schemars(length(min = 1))]
    pub title: String,
    /// Intranet page, PDF, web page or other.
    pub kind: SourceKind,
    /// URL or file location.
    #[schemars(length(min = 1))]
    pub location: String,
    /// Who keeps it up to date.
    #[schemars(length(min = 1))]
    pub owner: String,
    /// When it was last updated (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub last_updated: Option<String>,
}

/// Where source material lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A page on the intranet.
    Intranet,
    /// A PDF document.
    Pdf,
    /// A public web page.
    Web,
    /// Anything else.
    Other,
}

impl SourceKind {
    /// Every kind, in the order offered.
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Intranet,
        SourceKind::Pdf,
        SourceKind::Web,
        SourceKind::Other,
    ];

    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Intranet => "intranet",
            SourceKind::Pdf => "pdf",
            SourceKind::Web => "web",
            SourceKind::Other => "other",
        }
    }
}

/// A question a user really asks, and what a good answer to it contains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The question, in the user's own words.
    #[schemars(length(min = 1))]
    pub question: String,
    /// What a good answer contains (it becomes the test's rubric).
    #[schemars(length(min = 1))]
    pub good_answer: String,
}

/// A measurable success criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuccessCriterion {
    /// What should improve.
    #[schemars(length(min = 1))]
    pub criterion: String,
    /// How it is measured, with a target (for example "under 5 minutes per case, measured after 3 months").
    #[schemars(length(min = 1))]
    pub measure: String,
}

/// A risk and how it is handled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// What could go wrong.
    #[schemars(length(min = 1))]
    pub risk: String,
    /// What we do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
}

/// Workspace-relative path of a journey's file.
pub fn path(id: &str) -> PathBuf {
    Screening::dir(id).join(JOURNEY_FILE)
}
