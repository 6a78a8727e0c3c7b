//! `questionnaires/screening.toml`: the screening questionnaire as data — tracks, questions, conditions,
//! consequences and the rules that derive the screening's results.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::catalog::{DataClass, Hosting};
use crate::model::config::Language;
use crate::model::screening::{ActionKind, AiActCategory, Basis, Dpia, Outcome, Track};

/// Workspace-relative path of the questionnaire (embedded default, overridable per workspace).
pub const QUESTIONNAIRE_FILE: &str = "questionnaires/screening.toml";

/// Answer value meaning "don't know" (only where a question allows it).
pub const DONT_KNOW: &str = "dont_know";
/// Answer value "yes" of a yes/no question.
pub const YES: &str = "yes";
/// Answer value "no" of a yes/no question.
pub const NO: &str = "no";

/// The screening questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "aispec screening questionnaire",
    extend("$id" = "https://aispec.dev/schemas/questionnaire.schema.json")
)]
pub struct Questionnaire {
    /// Version of the questionnaire content (`MAJOR.MINOR.PATCH`); recorded in every screening.
    #[schemars(regex(pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"))]
    pub version: String,
    /// Name of the questionnaire.
    pub title: Text,
    /// Date (`YYYY-MM-DD`) of the legal texts the questions and actions follow; recorded in every report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub law_as_of: Option<String>,
    /// Which versions of the law "law as of" covers, and what was uncertain on that date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_note: Option<Text>,
    /// The three tracks in the order they are asked: titles and introductions.
    #[schemars(length(min = 1))]
    pub tracks: Vec<TrackInfo>,
    /// Kan vi? dimensions: weighted answers are summed per dimension and compared with its thresholds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<Dimension>,
    /// Headings that group the questions of a track (for example the three Bør vi? groups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// The questions, in the order they are asked within each track.
    #[schemars(length(min = 1))]
    pub questions: Vec<Question>,
    /// Named conditions over the answers, evaluated in order before the derived results. Later flags, derive
    /// rules, combinations and actions read each one as `true` or `false` by its id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    /// Rules that derive the screening's results from the answers.
    pub derive: DeriveRules,
    /// Combinations of answers that set a track's outcome (for example two middling Kan vi? answers that
    /// together make the use case too uncertain).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub combinations: Vec<Combination>,
    /// Actions added when a condition over answers and derived results holds (for example the
    /// obligations of a high-risk deployer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<RuleAction>,
}

impl Questionnaire {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Title and introduction of a track.
    pub fn track(&self, track: Track) -> Option<&TrackInfo> {
        self.tracks.iter().find(|t| t.id == track)
    }

    /// Questions in asking order: track by track in the order of `tracks`, file order within a track.
    pub fn ordered(&self) -> Vec<&Question> {
        let mut out = Vec::with_capacity(self.questions.len());
        for t in &self.tracks {
            out.extend(self.questions.iter().filter(|q| q.track == t.id));
        }
        out
    }
}

/// A text in Danish and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Danish.
    #[schemars(length(min = 1))]
    pub da: String,
    /// English.
    #[schemars(length(min = 1))]
    pub en: String,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Da => &self.da,
            Language::En => &self.en,
        }
    }
}

/// A track's title and introduction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackInfo {
    /// Which track.
    pub id: Track,
    /// Title, for example "Må vi?".
    pub title: Text,
    /// What the track is about, shown when it starts.
    pub intro: Text,
}

/// A Kan vi? dimension with its thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Stable id, referenced by questions' `dimension`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Name shown in reports.
    pub title: Text,
    /// From this sum on, the Kan vi? track is undecided.
    pub undecided_at: u32,
    /// From this sum on, the Kan vi? track is refused (never when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_at: Option<u32>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id (a public format: answers files use it); lowercase letters, digits and `_`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// The track it belongs to.
    pub track: Track,
    /// How it is answered.
    pub kind: QuestionKind,
    /// The question.
    pub text: Text,
    /// Plain-language explanation shown on request: why it is asked and how to answer.
    pub help: Text,
    /// The group (heading) the question belongs to, an id from `groups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Guidance per answer value (for assessments: per level) on when that answer fits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub guidance: BTreeMap<String, Text>,
    /// Condition over earlier answers (a minijinja expression such as `personal_data == "yes"`);
    /// the question is asked only when it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Whether "don't know" (`dont_know`) is an allowed answer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub dont_know: bool,
    /// Whether the screening is incomplete without an answer (default true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub required: bool,
    /// Kan vi? dimension the option weights add to (single choice only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    /// The options of a single or multiple choice question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// Consequences of particular answers: they build the action list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consequences: Vec<Consequence>,
    /// Where the question comes from (law and article).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    /// `yes` or `no` (and `dont_know` when allowed).
    YesNo,
    /// One of the options.
    Choice,
    /// Any number of the options.
    MultiChoice,
    /// Free text.
    Text,
    /// A level (`high`, `medium`, `low`, `not-relevant`) plus free-text reflection.
    Assessment,
}

impl QuestionKind {
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::YesNo => "yes-no",
            QuestionKind::Choice => "choice",
            QuestionKind::MultiChoice => "multi-choice",
            QuestionKind::Text => "text",
            QuestionKind::Assessment => "assessment",
        }
    }
}

/// An option of a choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stable value stored in answers; lowercase letters, digits and `_`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub value: String,
    /// What people see.
    pub label: Text,
    /// Weight added to the question's Kan vi? dimension when chosen.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weight: u32,
    /// An answer kept only so that older answers files and screenings stay valid; it is not offered in new
    /// interviews.
    #[serde(default, skip_serializing_if = "is_false")]
    pub legacy: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What an answer leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consequence {
    /// The answer value that triggers it (`yes`, `no`, `dont_know`, an option value, or an assessment level).
    pub on: String,
    /// Task, consideration, rule or stop.
    pub kind: ActionKind,
    /// What to do or know.
    pub text: Text,
    /// Law and article it rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What it rests on: law (default), municipal or platform policy, or good practice.
    #[serde(default, skip_serializing_if = "Basis::is_law")]
    pub basis: Basis,
    /// When the duty applies from (`YYYY-MM-DD`), where that is later than the law's entry into force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub applies_from: Option<String>,
    /// The point needs the municipality's lawyer: the law leaves room, or the facts decide.
    #[serde(default, skip_serializing_if = "is_false")]
    pub lawyer: bool,
}

/// An action added when a condition over answers and derived results holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleAction {
    /// Stable name, used in explanations when the action is a stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: Option<String>,
    /// Condition (minijinja expression); answers by question id, flags, `ai_act_category`, `dpia`,
    /// `data_classification` and `allowed_hosting` are available.
    pub when: String,
    /// Task, consideration, rule or stop.
    pub kind: ActionKind,
    /// The track a stop refuses (default `law`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<Track>,
    /// What to do or know.
    pub text: Text,
    /// Law and article it rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What it rests on: law (default), municipal or platform policy, or good practice.
    #[serde(default, skip_serializing_if = "Basis::is_law")]
    pub basis: Basis,
    /// When the duty applies from (`YYYY-MM-DD`), where that is later than the law's entry into force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub applies_from: Option<String>,
    /// The point needs the municipality's lawyer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub lawyer: bool,
}

/// A heading that groups questions within a track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Stable id, referenced by questions' `group`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// The track it belongs to.
    pub track: Track,
    /// The heading.
    pub title: Text,
}

/// A named condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    /// Name read by later conditions; lowercase letters, digits and `_`, distinct from question ids.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Condition (minijinja expression) over answers and earlier flags.
    pub when: String,
    /// What the flag means (for people reading the questionnaire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// A combination of answers that sets a track's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Combination {
    /// Stable name, shown in explanations.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// The track whose outcome it sets.
    pub track: Track,
    /// Condition (minijinja expression) over answers, flags and derived results.
    pub when: String,
    /// `undecided` or `refused`.
    pub outcome: Outcome,
    /// Why the combination matters.
    pub text: Text,
    /// What would change the outcome.
    pub change: Text,
}

/// Rules for the derived results. In each list the first rule whose `when` holds wins; a rule without
/// `when` always holds, so end each list with one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeriveRules {
    /// EU AI Act category.
    #[schemars(length(min = 1))]
    pub ai_act_category: Vec<Rule<AiActCategory>>,
    /// Whether a data protection impact assessment is needed (may use `ai_act_category`).
    #[schemars(length(min = 1))]
    pub dpia: Vec<Rule<Dpia>>,
    /// The data classification (the catalogue's classes).
    #[schemars(length(min = 1))]
    pub data_classification: Vec<Rule<DataClass>>,
    /// Where models may run (may use `data_classification`).
    #[schemars(length(min = 1))]
    pub allowed_hosting: Vec<Rule<Vec<Hosting>>>,
    /// Sign-off roles the screening adds; every rule that holds adds its role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_signoffs: Vec<SignoffRule>,
}

impl DeriveRules {
    /// The condition of every rule, per derived result, in the order the results are derived (each list may
    /// read the results before it). Sign-off rules are not among them: every one that holds adds its role.
    pub fn conditions(&self) -> [(&'static str, Vec<Option<&str>>); 4] {
        fn whens<T>(rules: &[Rule<T>]) -> Vec<Option<&str>> {
            rules.iter().map(|r| r.when.as_deref()).collect()
        }
        [
            ("ai_act_category", whens(&self.ai_act_category)),
            ("dpia", whens(&self.dpia)),
            ("data_classification", whens(&self.data_classification)),
            ("allowed_hosting", whens(&self.allowed_hosting)),
        ]
    }
}

/// A value chosen when a condition holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rule_for_{T}")]
pub struct Rule<T> {
    /// Condition (minijinja expression); absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The result.
    pub value: T,
}

/// A sign-off role required when a condition holds (answers, flags and derived results are available).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignoffRule {
    /// Condition (minijinja expression).
    pub when: String,
    /// The role, as used by `aispec approve` (for example `legal`).
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub role: String,
    /// Why the role must sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
}
