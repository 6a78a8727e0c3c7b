//! Creating, updating and saving screenings: every change re-evaluates the answers and is written atomically.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Engine, EvalError, Evaluation};
use crate::error::UserError;
use crate::fsutil::write_atomic;
use crate::model::config::Language;
use crate::model::screening::{self, Answer, AnswerValue, QuestionnaireStamp, Screening, ScreeningStatus};
use crate::workspace::Workspace;

/// First line of every screening file.
const HEADER: &str = "# Written by `aispec screen`: change answers with `aispec screen <id>`, not by hand.\n";

/// The current time as RFC 3339 in UTC; `SOURCE_DATE_EPOCH` (seconds) fixes it for reproducible files.
pub fn now() -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0));
    fixed
        .unwrap_or_else(chrono::Utc::now)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Checks that `id` can name a screening folder (see [`crate::id::Id`]), for ids typed at the prompt.
pub fn check_id(id: &str) -> Result<(), UserError> {
    crate::id::Id::parse(id)
        .map(|_| ())
        .map_err(|e| UserError::new(e.to_string()))
}

/// A new, empty screening, evaluated once so its result is filled in.
pub fn new_screening(
    engine: &Engine<'_>,
    stamp: &QuestionnaireStamp,
    id: &str,
    title: &str,
    department: Option<String>,
    language: Language,
) -> Result<Screening, EvalError> {
    let now = now();
    let empty = engine.evaluate(&BTreeMap::new(), language)?;
    Ok(Screening {
        id: id.to_owned(),
        title: title.to_owned(),
        department,
        status: ScreeningStatus::Draft,
        language,
        created: now.clone(),
        updated: now,
        screened_by: None,
        questionnaire: stamp.clone(),
        answers: BTreeMap::new(),
        result: empty.result,
    })
}

/// Records an answer to the question as it is now (its hash is stamped on the answer).
pub fn set_answer(
    engine: &Engine<'_>,
    s: &mut Screening,
    question: &str,
    value: AnswerValue,
    text: Option<String>,
    note: Option<String>,
) {
    let answer = Answer {
        value,
        text: text.filter(|t| !t.trim().is_empty()),
        note: note.filter(|t| !t.trim().is_empty()),
        question_hash: engine.hash(question).to_owned(),
        inactive: false,
    };
    s.answers.insert(question.to_owned(), answer);
    s.updated = now();
}

/// Re-evaluates the screening under `engine`'s questionnaire: result, status, stamp and inactive flags.
pub fn refresh(engine: &Engine<'_>, stamp: &QuestionnaireStamp, s: &mut Screening) -> Result<Evaluation, EvalError> {
    let eval = engine.evaluate(&s.answers, s.language)?;
    for (id, a) in &mut s.answers {
        a.inactive = eval.inactive.contains(id);
    }
    s.result = eval.result.clone();
    s.status = if eval.result.unanswered.is_empty() && eval.stale.is_empty() {
        ScreeningStatus::Complete
    } else {
        ScreeningStatus::Draft
    };
    s.questionnaire = stamp.clone();
    Ok(eval)
}

/// The screening as TOML text.
pub fn to_toml(s: &Screening) -> Result<String, toml::ser::Error> {
    Ok(format!("{HEADER}{}", toml::to_string_pretty(s)?))
}

/// Writes `screenings/<id>/screening.toml` atomically; returns the workspace-relative path.
pub fn save(ws: &Workspace, s: &Screening) -> anyhow::Result<PathBuf> {
    let rel = screening::path(&s.id);
    let text = to_toml(s)?;
    write_atomic(&ws.path(&rel), text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", rel.display()))?;
    Ok(rel)
}

/// What [`publish`] wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Published {
    /// Workspace-relative paths written.
    pub files: Vec<String>,
    /// The commit made, if any.
    pub commit: Option<String>,
    /// Why nothing was committed although a commit was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_committed: Option<String>,
}

/// Saves the screening, renders `report.md` (with the journey when there is one) and commits both unless
/// `commit` is false. A workspace outside git gets the files without a commit (said in `not_committed`).
pub fn publish(
    ws: &Workspace,
    q: &crate::model::questionnaire::Questionnaire,
    s: &Screening,
    texts: &super::texts::Texts,
    commit: bool,
    message: &str,
) -> anyhow::Result<Published> {
    let screening_rel = save(ws, s)?;
    let report_rel = write_report(ws, q, s, texts)?;
    let mut out = Published {
        files: vec![
            crate::diagnostic::display_path(&screening_rel),
            crate::diagnostic::display_path(&report_rel),
        ],
        ..Published::default()
    };
    if commit {
        let paths = [screening_rel, report_rel];
        let (commit, why) = commit_files(ws, &paths, message)?;
        out.commit = commit;
        out.not_committed = why;
    }
    Ok(out)
}

/// Renders `screenings/<id>/report.md` (with the journey when there is one); returns its relative path.
pub fn write_report(
    ws: &Workspace,
    q: &crate::model::questionnaire::Questionnaire,
    s: &Screening,
    texts: &super::texts::Texts,
) -> anyhow::Result<PathBuf> {
    let journey = ws.journey(&s.id).ok().map(|d| d.value);
    let signoffs = crate::signoff::screening_status(ws, s);
    let ctx = super::report::Context {
        journey: journey.as_ref(),
        signoffs: Some(&signoffs),
    };
    let report = super::report::render(Some(ws), q, s, &ctx, texts)?;
    let report_rel = Screening::dir(&s.id).join(screening::REPORT_FILE);
    write_atomic(&ws.path(&report_rel), report.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", report_rel.display()))?;
    Ok(report_rel)
}

/// Commits workspace-relative `paths`; returns the commit id, or why there is none (not a git repository).
pub fn commit_files(
    ws: &Workspace,
    paths: &[PathBuf],
    message: &str,
) -> anyhow::Result<(Option<String>, Option<String>)> {
    let repo = match crate::git::open(&ws.root) {
        Ok(r) => r,
        Err(e) => return Ok((None, Some(e.to_string()))),
    };
    let base = crate::git::relative_to_workdir(&repo, &ws.root).unwrap_or_default();
    let rel: Vec<PathBuf> = paths.iter().map(|p| base.join(p)).collect();
    let oid = crate::git::commit_paths(&repo, &rel, message)?;
    Ok((oid.map(|o| o.to_string()), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_folder_safe() {
        assert!(check_id("klarsprog").is_ok());
        assert!(check_id("aarhusai-start2").is_ok());
        for bad in [
            "",
            "Klar",
            "a--b",
            "-a",
            "a-",
            "æble",
            "a b",
            &"a".repeat(65),
            "../x",
            "con",
        ] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }
}
