//! Applying an answers file to a screening: every answer is checked against its question first.

use super::Engine;
use super::evaluate::{allowed_values, check_value};
use super::store::set_answer;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::edit_distance::closest;
use crate::model::answers::AnswersFile;
use crate::model::screening::Screening;

/// Checks every answer and note in `file`; problems go to `diags` (nothing is applied when there are any).
pub fn check(engine: &Engine<'_>, file: &Document<AnswersFile>, diags: &mut Vec<Diagnostic>) {
    let ids: Vec<String> = engine.order().iter().map(|q| q.id.clone()).collect();
    let unknown = |table: &str, id: &str| {
        let hint = match closest(id, &ids) {
            Some(best) => format!("did you mean `{best}`?"),
            None => {
                "use the question ids of the questionnaire (`aispec screen --list-questions` lists them)".to_owned()
            }
        };
        let pos = file.source.key_position_of(&format!("/{table}/{id}"));
        Diagnostic::at_path(
            crate::diagnostic::display_path(&file.source.path),
            pos.line,
            pos.column,
            Severity::Error,
            "unknown-question",
            format!("there is no question `{id}`"),
        )
        .with_field(format!("{table}.{id}"))
        .with_hint(hint)
    };
    for (id, input) in &file.value.answers {
        let Some(q) = engine.questionnaire.question(id) else {
            diags.push(unknown("answers", id));
            continue;
        };
        let (value, _, _) = input.parts();
        if let Err(message) = check_value(q, value) {
            let allowed = allowed_values(q);
            let mut d = Diagnostic::at_pointer(
                &file.source,
                &format!("/answers/{id}"),
                Severity::Error,
                "invalid-answer",
                message,
            );
            if let Some(best) = value.values().first().and_then(|v| closest(v, &allowed)) {
                d = d.with_hint(format!("did you mean `{best}`?"));
            }
            diags.push(d);
        }
    }
    for id in file.value.notes.keys() {
        if engine.questionnaire.question(id).is_none() {
            diags.push(unknown("notes", id));
        }
    }
}

/// Applies checked answers and notes to `s` (answers replace earlier ones; a note alone updates the note).
pub fn apply(engine: &Engine<'_>, file: &AnswersFile, s: &mut Screening) {
    for (id, input) in &file.answers {
        let (value, text, note) = input.parts();
        let note = note.or(file.notes.get(id)).cloned();
        set_answer(engine, s, id, value.clone(), text.cloned(), note);
    }
    for (id, note) in &file.notes {
        if file.answers.contains_key(id) {
            continue;
        }
        if let Some(a) = s.answers.get_mut(id) {
            a.note = Some(note.clone()).filter(|n| !n.trim().is_empty());
        }
    }
    if let Some(title) = &file.title {
        s.title = title.clone();
    }
    if file.department.is_some() {
        s.department = file.department.clone();
    }
}
