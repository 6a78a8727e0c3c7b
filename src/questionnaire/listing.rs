//! `aispec screen --list-questions`: every question in the order it is asked, with the answers it takes.

use serde::Serialize;

use super::Engine;
use super::evaluate::allowed_values;
use crate::model::config::Language;
use crate::model::questionnaire::Questionnaire;

/// One question as listed.
#[derive(Debug, Serialize)]
pub struct QuestionRow {
    /// The id answers files use.
    pub id: String,
    /// Its track.
    pub track: &'static str,
    /// Its kind.
    pub kind: &'static str,
    /// Whether the screening is a draft until it is answered.
    pub required: bool,
    /// The answers it takes (empty for free text).
    pub values: Vec<String>,
    /// When it is asked, if not always.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The question in the given language.
    pub text: String,
}

/// Every question in the order it is asked.
pub fn rows(q: &Questionnaire, lang: Language) -> Vec<QuestionRow> {
    Engine::new(q)
        .order()
        .iter()
        .map(|q| QuestionRow {
            id: q.id.clone(),
            track: q.track.as_str(),
            kind: q.kind.as_str(),
            required: q.required,
            values: allowed_values(q),
            when: q.when.clone(),
            text: q.text.get(lang).to_owned(),
        })
        .collect()
}

/// The questions as a table: id, track, kind, answers and when each is asked.
pub fn table(rows: &[QuestionRow]) -> String {
    let mut t = crate::output::table(["id", "track", "kind", "answers", "asked when"]);
    for r in rows {
        let values = if r.values.is_empty() {
            "text".to_owned()
        } else {
            r.values.join(" | ")
        };
        t.add_row([
            r.id.clone(),
            r.track.to_owned(),
            r.kind.to_owned(),
            values,
            r.when.clone().unwrap_or_default(),
        ]);
    }
    t.to_string()
}
