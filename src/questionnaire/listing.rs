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

/// The questions as a table: id, track, kind, answers and when each is asked, fitted to the terminal (ids
/// whole; the condition, then the kind and the track are left out first when it is narrow).
pub fn table(rows: &[QuestionRow]) -> String {
    use crate::msg;
    let mut t = crate::output::table([
        msg::t("screen.col_id"),
        msg::t("screen.col_track"),
        msg::t("screen.col_kind"),
        msg::t("screen.col_answers"),
        msg::t("screen.col_when"),
    ]);
    for r in rows {
        let values = if r.values.is_empty() {
            msg::t("screen.free_text").to_owned()
        } else {
            r.values.join(" | ")
        };
        t.add_row([
            r.id.clone(),
            msg::label("track_word", r.track),
            msg::label("question_kind", r.kind),
            values,
            r.when.clone().unwrap_or_default(),
        ]);
    }
    let hidden = crate::output::fit(&mut t, &[0], &[4, 2, 1]);
    let mut out = format!("{t}\n");
    let width = crate::output::term_width();
    out.extend(crate::output::hidden_note(&hidden).map(|n| format!("{}\n", crate::output::wrap(&n, width, "  "))));
    out
}
