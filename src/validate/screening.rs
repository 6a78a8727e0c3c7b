//! Checks on screenings, journeys, the workspace's questionnaire, and each specialist's link to its screening.

use std::collections::HashMap;

use super::personal_data::{self, Allow};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::model::catalog::{Catalog, CatalogModel};
use crate::model::journey::{JOURNEY_FILE, JourneyStatus};
use crate::model::screening::{self, Outcome, SCREENING_FILE, Screening, ScreeningStatus};
use crate::questionnaire::{self, Engine, Loaded, evaluate::check_value};
use crate::source::SourceFile;
use crate::workspace::{LoadedSpecialist, Workspace};

/// Checks everything under `screenings/` and the specialists' `screening` links; returns the number of
/// screenings checked.
pub fn check(
    ws: &Workspace,
    catalog: Option<&Catalog>,
    specialists: &[LoadedSpecialist],
    diags: &mut Vec<Diagnostic>,
) -> usize {
    // Problems can only come from the workspace's own questionnaire; the embedded one is tested.
    let loaded = questionnaire::load(ws, diags);
    let mut screenings: HashMap<String, Screening> = HashMap::new();
    let ids = ws.screening_folders(diags);
    for id in &ids {
        let dir = Screening::dir(id);
        let has_screening = ws.files.exists(&dir.join(SCREENING_FILE));
        if has_screening {
            if let Some(doc) = ws.screening_checked(id, diags) {
                check_screening(id, &doc, loaded.as_ref(), diags);
                // Answers, notes and free text are committed; the results only repeat the questionnaire.
                personal_data::scan_toml(&doc.source, &["/result", "/questionnaire"], workspace_allow(ws), diags);
                screenings.insert(id.clone(), doc.value);
            }
        }
        if ws.files.exists(&dir.join(JOURNEY_FILE)) {
            check_journey(ws, id, has_screening, diags);
        } else if !has_screening {
            diags.push(
                Diagnostic::at_path(
                    crate::diagnostic::display_path(&dir),
                    1,
                    1,
                    Severity::Warning,
                    "missing-file",
                    format!("the screening folder has neither {SCREENING_FILE} nor {JOURNEY_FILE}"),
                )
                .with_hint(format!("run `aispec screen {id}`, or remove the folder")),
            );
        }
    }
    for s in specialists {
        check_link(ws, s, &screenings, catalog, diags);
    }
    screenings.len()
}

/// Contact details the workspace allows in screenings and journeys.
fn workspace_allow(ws: &Workspace) -> Allow<'_> {
    Allow {
        list: &ws.config.privacy.allow,
        file: "aispec.toml",
    }
}

/// A finding at a place in a file, with how to fix it.
fn at(
    src: &SourceFile,
    pointer: &str,
    severity: Severity,
    code: &'static str,
    message: String,
    hint: String,
) -> Diagnostic {
    Diagnostic::at_pointer(src, pointer, severity, code, message).with_hint(hint)
}

fn check_screening(folder: &str, doc: &Document<Screening>, loaded: Option<&Loaded>, diags: &mut Vec<Diagnostic>) {
    let s = &doc.value;
    let src = &doc.source;
    let hint = format!("set `id = \"{folder}\"` or rename the folder");
    diags.extend(super::ids::mismatch(src, &s.id, folder, hint));
    if let Some(d) = super::ids::reserved(src, &s.id) {
        diags.push(d);
    }
    if s.status == ScreeningStatus::Draft {
        let hint = format!("run `aispec screen {folder}` to answer the remaining questions");
        let message = "the screening is not finished".to_owned();
        diags.push(at(src, "/status", Severity::Warning, "draft-screening", message, hint));
    }
    let Some(loaded) = loaded else { return };
    let engine = Engine::new(loaded.questionnaire());
    let current = s.questionnaire == loaded.stamp;
    if !current {
        let same = s.questionnaire.version == loaded.stamp.version;
        let message = format!(
            "screened under questionnaire {} but the current one is {}{}",
            s.questionnaire.version,
            loaded.stamp.version,
            if same { " (same version, different content)" } else { "" }
        );
        let hint = format!("run `aispec screen --rescreen {folder}` to answer new or changed questions");
        let pointer = "/questionnaire/version";
        diags.push(at(src, pointer, Severity::Warning, "old-questionnaire", message, hint));
    }
    check_answers(folder, doc, loaded, &engine, diags);
    if current
        && let Ok(eval) = engine.evaluate(&s.answers, s.language)
        && eval.result != s.result
    {
        let message = "the recorded results do not follow from the answers (edited by hand?)".to_owned();
        let hint = format!("run `aispec screen --rescreen {folder}` to recompute them");
        diags.push(at(src, "/result", Severity::Error, "stale-result", message, hint));
    }
}

/// Every answer belongs to a question of the questionnaire, to its current text, and is a valid answer to it.
fn check_answers(
    folder: &str,
    doc: &Document<Screening>,
    loaded: &Loaded,
    engine: &Engine<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let src = &doc.source;
    for (id, a) in &doc.value.answers {
        let pointer = format!("/answers/{id}");
        match loaded.questionnaire().question(id) {
            None if !a.inactive => {
                let message = format!("`{id}` is not a question of the questionnaire");
                let hint = format!(
                    "run `aispec screen --rescreen {folder}`; answers to removed questions are then kept as inactive"
                );
                diags.push(at(src, &pointer, Severity::Error, "unknown-question", message, hint));
            }
            None => {}
            Some(_) if a.question_hash != engine.hash(id) => {
                let message = format!("question `{id}` has changed since it was answered");
                let hint = format!("run `aispec screen --rescreen {folder}` to answer it again");
                diags.push(at(src, &pointer, Severity::Warning, "stale-answer", message, hint));
            }
            Some(q) => {
                if let Err(message) = check_value(q, &a.value) {
                    let hint = format!("answer again with `aispec screen {folder} --from {id}`");
                    let pointer = format!("{pointer}/value");
                    diags.push(at(src, &pointer, Severity::Error, "invalid-answer", message, hint));
                }
            }
        }
    }
}

fn check_journey(ws: &Workspace, folder: &str, has_screening: bool, diags: &mut Vec<Diagnostic>) {
    let Some(doc) = ws.journey_checked(folder, diags) else {
        return;
    };
    personal_data::scan_toml(&doc.source, &[], workspace_allow(ws), diags);
    let j = &doc.value;
    let src = &doc.source;
    diags.extend(super::ids::mismatch(
        src,
        &j.id,
        folder,
        format!("set `id = \"{folder}\"`"),
    ));
    let missing = j.missing_sections();
    match j.status {
        JourneyStatus::Complete if !missing.is_empty() => diags.push(
            Diagnostic::at_pointer(
                src,
                "/status",
                Severity::Error,
                "incomplete-journey",
                format!("the journey is marked complete but lacks: {}", missing.join(", ")),
            )
            .with_hint(format!("fill them in, or run `aispec journey {folder}`")),
        ),
        JourneyStatus::Draft => diags.push(
            Diagnostic::at_pointer(
                src,
                "/status",
                Severity::Warning,
                "draft-journey",
                format!("the journey is a draft; missing: {}", missing.join(", ")),
            )
            .with_hint(format!("run `aispec journey {folder}` to fill in the rest")),
        ),
        JourneyStatus::Complete => {}
    }
    if !has_screening {
        diags.push(
            Diagnostic::file(
                src,
                Severity::Warning,
                "journey-without-screening",
                "there is a journey but no screening beside it",
            )
            .with_hint(format!("run `aispec screen {folder}`")),
        );
    }
}

fn check_link(
    ws: &Workspace,
    s: &LoadedSpecialist,
    screenings: &HashMap<String, Screening>,
    catalog: Option<&Catalog>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(doc) = &s.spec else { return };
    let spec = &doc.value;
    let src = &doc.source;
    let Some(id) = &spec.screening else {
        let message = if ws.config.signoff.require_screening {
            "no `screening` is linked, so the specialist stays blocked: it cannot be approved or deployed"
        } else {
            "no `screening` is linked; `require_screening = false` lets it be approved, but every specialist \
             should trace back to a screening"
        };
        let hint = "screen the use case with `aispec screen ID` and add `screening = \"ID\"`".to_owned();
        diags.push(at(
            src,
            "/id",
            Severity::Warning,
            "no-screening",
            message.to_owned(),
            hint,
        ));
        return;
    };
    // A reference that is not an id is a schema error already; looking it up would only add a wrong hint.
    if crate::id::Id::parse(id).is_err() {
        return;
    }
    let Some(sc) = screenings.get(id) else {
        let path = screening::path(id);
        let message = if ws.files.exists(&path) {
            format!("screening `{id}` cannot be read (see its own errors)")
        } else {
            let shown = crate::diagnostic::display_path(&path);
            format!("screening `{id}` does not exist ({shown} is missing)")
        };
        let hint = format!("screen the use case with `aispec screen {id}`, or fix the id");
        diags.push(at(
            src,
            "/screening",
            Severity::Error,
            "unknown-screening",
            message,
            hint,
        ));
        return;
    };
    diags.extend(outcome_problem(src, id, sc.result.outcome));
    if let Some(model) = catalog.and_then(|c| c.get(&spec.base_model)) {
        check_model(src, id, sc, model, diags);
    }
}

/// A refused screening is an error, an undecided one a warning.
fn outcome_problem(src: &SourceFile, id: &str, outcome: Outcome) -> Option<Diagnostic> {
    let (severity, code, message, hint) = match outcome {
        Outcome::Refused => (
            Severity::Error,
            "refused-screening",
            format!("screening `{id}` refused the use case"),
            "a refused use case must not become a specialist; see the stops in its report.md",
        ),
        Outcome::Undecided => (
            Severity::Warning,
            "undecided-screening",
            format!("screening `{id}` is undecided"),
            "the specialist stays blocked until the screening is approved: clarify the open points in its \
             report.md and re-screen",
        ),
        Outcome::Approved => return None,
    };
    Some(at(src, "/screening", severity, code, message, hint.to_owned()))
}

/// The base model may receive the screening's data class and runs where the screening allows.
fn check_model(src: &SourceFile, id: &str, sc: &Screening, model: &CatalogModel, diags: &mut Vec<Diagnostic>) {
    let class = sc.result.data_classification;
    if model.max_data_class < class {
        let message = format!(
            "base model `{}` may receive at most `{}` data, but screening `{id}` classifies the data as `{}`",
            model.id,
            model.max_data_class.as_str(),
            class.as_str()
        );
        let hint = format!("pick a model from models.toml cleared for `{}` data", class.as_str());
        diags.push(at(src, "/base_model", Severity::Error, "data-class", message, hint));
    }
    if !sc.result.allowed_hosting.contains(&model.hosting) {
        let allowed: Vec<&str> = sc.result.allowed_hosting.iter().map(|h| h.as_str()).collect();
        let message = format!(
            "base model `{}` runs `{}`, which screening `{id}` does not allow (allowed: {})",
            model.id,
            model.hosting.as_str(),
            allowed.join(", ")
        );
        let hint = "pick a model whose hosting the screening allows".to_owned();
        diags.push(at(src, "/base_model", Severity::Error, "hosting", message, hint));
    }
}
