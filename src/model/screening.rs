//! `screenings/<id>/screening.toml`: one screened use case — the answers given and the results derived from
//! them. Loading it is the workspace's job (`Workspace::screening`).
//!
//! The file is written by `aispec screen`; people read it (and its `report.md`), later steps act on its
//! `[result]`: `aispec new` and `validate` check a specialist's model against `data_classification` and
//! `allowed_hosting`, `aispec approve` adds `required_signoffs` to the workspace's roles.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::catalog::{DataClass, Hosting};
use crate::model::config::Language;

/// Folder holding one sub-folder per screening.
pub const SCREENINGS_DIR: &str = "screenings";
/// File name of a screening inside its folder.
pub const SCREENING_FILE: &str = "screening.toml";
/// File name of the rendered report inside a screening's folder.
pub const REPORT_FILE: &str = "report.md";

/// A screened use case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aispec screening", extend("$id" = "https://aispec.dev/schemas/screening.schema.json"))]
pub struct Screening {
    /// Stable id, equal to the folder name: lowercase letters, digits and `-`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"), length(min = 1, max = 64))]
    pub id: String,
    /// What the use case is, in a few words.
    #[schemars(length(min = 1))]
    pub title: String,
    /// The department that owns the use case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// `draft` while questions remain, `complete` when every required question is answered.
    pub status: ScreeningStatus,
    /// Language the screening was held in (texts in `[result]` are in it).
    pub language: Language,
    /// When the screening was started (RFC 3339).
    pub created: String,
    /// When an answer last changed (RFC 3339).
    pub updated: String,
    /// Who gave the latest answers (`aispec screen --by`, else the git user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screened_by: Option<String>,
    /// The questionnaire the answers were given to.
    pub questionnaire: QuestionnaireStamp,
    /// Answers by question id. Answers to questions that are no longer asked stay, marked `inactive`.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// What the answers lead to; recomputed after every answer.
    pub result: ScreeningResult,
}

impl Screening {
    /// The workspace-relative folder of the screening with this id.
    pub fn dir(id: &str) -> PathBuf {
        Path::new(SCREENINGS_DIR).join(id)
    }

    /// True when the overall outcome is `refused`.
    pub fn is_refused(&self) -> bool {
        self.result.outcome == Outcome::Refused
    }

    /// True when every required question is answered.
    pub fn is_complete(&self) -> bool {
        self.status == ScreeningStatus::Complete
    }
}

/// Whether the screening is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ScreeningStatus {
    /// Questions remain unanswered.
    Draft,
    /// Every required question is answered.
    Complete,
}

impl ScreeningStatus {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ScreeningStatus::Draft => "draft",
            ScreeningStatus::Complete => "complete",
        }
    }
}

/// Which questionnaire, exactly, a screening answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireStamp {
    /// The questionnaire's `version`.
    pub version: String,
    /// `sha256:` hash of the questionnaire's content.
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub hash: String,
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// `yes`/`no`/`dont_know`, an option value, a list of option values, free text, or an assessment level.
    pub value: AnswerValue,
    /// The reflection written with an assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A note from the person answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Hash of the question as it was answered; a different hash on re-screening means it is asked again.
    pub question_hash: String,
    /// True when the question is no longer asked (its condition no longer holds, or it was removed);
    /// the answer is kept but does not count.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inactive: bool,
}

/// An answer's value: one word or text, or a list of option values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A single value.
    One(String),
    /// Several option values (multiple choice).
    Many(Vec<String>),
}

impl AnswerValue {
    /// The values as a list (one element for `One`).
    pub fn values(&self) -> Vec<&str> {
        match self {
            AnswerValue::One(v) => vec![v.as_str()],
            AnswerValue::Many(vs) => vs.iter().map(String::as_str).collect(),
        }
    }

    /// True when the value is `v` or the list contains `v`.
    pub fn has(&self, v: &str) -> bool {
        self.values().contains(&v)
    }
}

/// The results derived from the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningResult {
    /// Refused if any track is refused, else undecided if any is undecided, else approved.
    pub outcome: Outcome,
    /// The outcome of each track.
    pub tracks: TrackOutcomes,
    /// EU AI Act category.
    pub ai_act_category: AiActCategory,
    /// Data protection impact assessment (GDPR art. 35).
    pub dpia: Dpia,
    /// The most sensitive class of data the use case involves.
    pub data_classification: DataClass,
    /// Where the models it uses may run.
    pub allowed_hosting: Vec<Hosting>,
    /// Sign-off roles the screening demands on top of the workspace's `signoff.required_roles`.
    #[serde(default)]
    pub required_signoffs: Vec<String>,
    /// Kan vi? sums per dimension.
    #[serde(default)]
    pub scores: Vec<DimensionScore>,
    /// The action list: tasks, considerations, rules and stops, in questionnaire order.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The answers that stop the use case.
    #[serde(default)]
    pub stops: Vec<Stop>,
    /// Required questions that are asked but not yet answered.
    #[serde(default)]
    pub unanswered: Vec<String>,
    /// Questions answered "don't know": every derived result treats them as the strictest answer until they
    /// are clarified.
    #[serde(default)]
    pub open_points: Vec<OpenPoint>,
    /// For each track that is not approved, the reasons: questions, score and threshold, and what would
    /// change it.
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "enum": ["complexity", "law", "ethics"] }))]
    pub why: BTreeMap<Track, Vec<Reason>>,
}

/// A question answered "don't know".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenPoint {
    /// The question.
    pub question: String,
    /// The question's text, in the screening's language.
    pub text: String,
    /// True when another answer to it would stop the use case (the track is undecided until it is clarified).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub could_stop: bool,
}

/// One reason a track is not approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// What kind of reason.
    pub kind: ReasonKind,
    /// The outcome it gives the track.
    pub outcome: Outcome,
    /// The questions it rests on.
    pub questions: Vec<String>,
    /// The explanation, in the screening's language.
    pub text: String,
    /// The dimension's sum (Kan vi? scores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    /// The threshold the sum reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// The rule behind it (a dimension, combination or action id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Law and article (stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What would change it.
    pub change: String,
}

/// Kinds of [`Reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonKind {
    /// An answer stops the use case.
    Stop,
    /// "Don't know" to a question whose other answer could stop the use case.
    DontKnow,
    /// Required questions are not answered (or were answered to older wording).
    Unanswered,
    /// A Kan vi? dimension reached a threshold.
    Score,
    /// A combination rule of the questionnaire holds.
    Combination,
    /// An ethical assessment gives a high concern.
    Concern,
}

impl ReasonKind {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Stop => "stop",
            ReasonKind::DontKnow => "dont-know",
            ReasonKind::Unanswered => "unanswered",
            ReasonKind::Score => "score",
            ReasonKind::Combination => "combination",
            ReasonKind::Concern => "concern",
        }
    }
}

/// Outcome of a track or of the whole screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Nothing stands in the way (the action list still applies).
    Approved,
    /// Something must be clarified first.
    Undecided,
    /// The use case must not go ahead as described.
    Refused,
}

impl Outcome {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Undecided => "undecided",
            Outcome::Refused => "refused",
        }
    }
}

/// The three tracks of a screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Track {
    /// Kan vi? — complexity and uncertainty.
    Complexity,
    /// Må vi? — law.
    Law,
    /// Bør vi? — ethics.
    Ethics,
}

impl Track {
    /// Every track.
    pub const ALL: [Track; 3] = [Track::Complexity, Track::Law, Track::Ethics];

    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Track::Complexity => "complexity",
            Track::Law => "law",
            Track::Ethics => "ethics",
        }
    }
}

/// What an action rests on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A legal duty (the source names the provision).
    #[default]
    Law,
    /// The municipality's or the platform's own policy: binding inside the organisation, not law.
    Policy,
    /// Good practice: advice, not a duty.
    Guidance,
}

impl Basis {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Law => "law",
            Basis::Policy => "policy",
            Basis::Guidance => "guidance",
        }
    }

    /// True for [`Basis::Law`] (the default, left out of files).
    pub fn is_law(&self) -> bool {
        *self == Basis::Law
    }
}

/// Outcome per track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackOutcomes {
    /// Kan vi?
    pub complexity: Outcome,
    /// Må vi?
    pub law: Outcome,
    /// Bør vi?
    pub ethics: Outcome,
}

impl TrackOutcomes {
    /// The outcome of one track.
    pub fn get(&self, track: Track) -> Outcome {
        match track {
            Track::Complexity => self.complexity,
            Track::Law => self.law,
            Track::Ethics => self.ethics,
        }
    }
}

/// EU AI Act category, from most to least restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AiActCategory {
    /// A prohibited practice (art. 5).
    Prohibited,
    /// High-risk (art. 6 and Annex III).
    HighRisk,
    /// Transparency obligations (art. 50).
    Transparency,
    /// Minimal risk (AI literacy, art. 4, still applies).
    Minimal,
}

impl AiActCategory {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            AiActCategory::Prohibited => "prohibited",
            AiActCategory::HighRisk => "high-risk",
            AiActCategory::Transparency => "transparency",
            AiActCategory::Minimal => "minimal",
        }
    }
}

/// Whether a data protection impact assessment (GDPR art. 35) is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Dpia {
    /// Must be made before the use case starts.
    Required,
    /// Not strictly required, but advised.
    Recommended,
    /// Not needed.
    NotRequired,
}

impl Dpia {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Dpia::Required => "required",
            Dpia::Recommended => "recommended",
            Dpia::NotRequired => "not-required",
        }
    }
}

/// Kind of an item in the action list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// Something to do before or while the use case runs.
    Task,
    /// Something to weigh.
    Consideration,
    /// A rule to follow.
    Rule,
    /// The use case must not go ahead as described.
    Stop,
}

impl ActionKind {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Task => "task",
            ActionKind::Consideration => "consideration",
            ActionKind::Rule => "rule",
            ActionKind::Stop => "stop",
        }
    }
}

/// One item of the action list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Task, consideration, rule or stop.
    pub kind: ActionKind,
    /// What to do or know, in the screening's language.
    pub text: String,
    /// Law and article it rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The question whose answer added it (absent for actions that follow from derived results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// What it rests on: law, policy or good practice (absent in screenings made before this was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// When the duty applies from (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_from: Option<String>,
    /// The point needs the municipality's lawyer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lawyer: bool,
}

/// An answer (or a rule over the answers) that stops the use case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    /// The question whose answer stops it (absent when a rule over several answers does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The questionnaire rule that stops it (an action id), when it is not a single answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Why it stops, in the screening's language.
    pub text: String,
    /// Law and article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The sum of one Kan vi? dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DimensionScore {
    /// Dimension id.
    pub dimension: String,
    /// Sum of the chosen options' weights.
    pub score: u32,
    /// Highest sum possible with the questions asked.
    pub max: u32,
    /// Threshold for undecided.
    pub undecided_at: u32,
    /// Threshold for refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_at: Option<u32>,
    /// Outcome of this dimension.
    pub outcome: Outcome,
}

/// Workspace-relative path of a screening's file.
pub fn path(id: &str) -> PathBuf {
    Screening::dir(id).join(SCREENING_FILE)
}
