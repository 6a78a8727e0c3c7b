//! Answers files (`aispec screen --answers FILE`): a screening's answers written by hand or by CI.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::screening::AnswerValue;

/// Answers to the screening questionnaire, by question id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aispec screening answers", extend("$id" = "https://aispec.dev/schemas/answers.schema.json"))]
pub struct AnswersFile {
    /// What the use case is (used when the screening is new; default: the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The department that owns the use case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// `<question_id> = "<value>"`: `yes`/`no`/`dont_know`, an option value, a list of option values, free
    /// text, or an assessment level; or a table `{ value = …, text = …, note = … }`.
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerInput>,
    /// `<question_id> = "<note>"`: a note to an answer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notes: BTreeMap<String, String>,
}

/// One answer in an answers file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AnswerInput {
    /// Just the value.
    Value(AnswerValue),
    /// Value with reflection text (assessments) and a note.
    Full(FullAnswer),
}

/// An answer with its text and note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FullAnswer {
    /// The value.
    pub value: AnswerValue,
    /// The reflection written with an assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl AnswerInput {
    /// Value, text and note.
    pub fn parts(&self) -> (&AnswerValue, Option<&String>, Option<&String>) {
        match self {
            AnswerInput::Value(v) => (v, None, None),
            AnswerInput::Full(f) => (&f.value, f.text.as_ref(), f.note.as_ref()),
        }
    }
}
