//! `aispec journey`: capture the user journey of a screened use case, interactively or from a file.

use std::path::PathBuf;

use serde::Serialize;

use super::Ctx;
use crate::diagnostic::{self, Diagnostic};
use crate::document;
use crate::error::{ExitStatus, UserError};
use crate::fsread::Limit;
use crate::model::journey::{Journey, JourneyStatus};
use crate::model::screening;
use crate::output::Format;
use crate::prompt::Terminal;
use crate::questionnaire::journey::{Finish, interview, save, update_status};
use crate::questionnaire::store;
use crate::questionnaire::texts::Texts;
use crate::schema::FileKind;
use crate::workspace::Workspace;
use crate::workspace::screenings::LoadError;

/// Capture the user journey: personas, trigger, steps today and with the specialist, sources, success criteria.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec journey klarsprog                         # interactive; again: go on, or edit a section
  aispec journey klarsprog --answers journey.toml  # from a file in the journey format
  aispec journey klarsprog --no-commit             # write the files, commit them yourself

The journey is stored in screenings/<ID>/journey.toml and included in the screening's report.md.
In an --answers file the id may be left out.

At every line: ? shows help, < goes back to the previous section, ! saves and stops (run it again
to go on). On a complete journey it asks which section to edit. The screening must exist
(`aispec screen ID` first); a typo in the id gets a suggestion.

Exit codes: 0 saved, 2 unknown screening, usage, file, I/O or git error.")]
pub struct Args {
    /// Id of the screening the journey belongs to.
    #[arg(value_name = "ID")]
    pub id: crate::id::Id,
    /// Take the journey from this TOML file instead of asking.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Whether and how to commit what is written.
    #[command(flatten)]
    pub commit: super::CommitArgs,
}

#[derive(Debug, Serialize)]
struct Report {
    id: String,
    status: JourneyStatus,
    missing: Vec<&'static str>,
    files: Vec<String>,
    commit: Option<String>,
}

/// Runs `journey`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    // The lock first: a commit by another aispec run holds git's index lock for a moment.
    let lock = super::lock_workspace(ctx, &ws)?;
    super::repo_ready_to_commit(&ws, args.commit)?;
    lock.sweep(&ws.path(screening::Screening::dir(&args.id)));
    // A journey belongs to a screened use case: an unknown id is a typo or a use case not yet screened.
    let screening = match ws.screening(&args.id) {
        Ok(d) => Some(d.value),
        Err(e @ LoadError::Missing { .. }) => {
            let error = crate::msg::translate("load", &e.to_string());
            return Err(
                UserError::new(crate::msg::f("journey.no_screening", &[("error", &error)]))
                    .hint(e.hint())
                    .into(),
            );
        }
        // A broken screening is validate's to report; the journey can still be captured beside it.
        Err(LoadError::Invalid { .. }) => None,
    };
    let lang = ctx
        .lang
        .or(screening.as_ref().map(|s| s.language))
        .unwrap_or(ws.config.workspace.language);
    let texts = Texts::load(Some(&ws), lang);
    let (mut j, finish) = match &args.answers {
        Some(file) => (from_file(ctx, &ws, file, &args.id)?, Finish::Done),
        None => ask(ctx, &ws, &args.id, screening.as_ref(), &texts)?,
    };
    update_status(&mut j);
    let mut paths = vec![save(&ws, &j)?];
    if let Some(s) = &screening {
        let q = crate::questionnaire::load_valid(&ws)?;
        paths.push(store::write_report(&ws, q.questionnaire(), s, &texts)?);
    }
    ctx.out.status(&texts.fill(
        "status.journey_saved",
        &[("path", &diagnostic::display_path(&paths[0]))],
    ));
    if finish == Finish::Quit {
        ctx.out.status(&texts.fill("status.journey_resume", &[("id", &j.id)]));
    }
    let commit = if args.commit.no_commit {
        None
    } else {
        let (commit, why) = store::commit_files(&ws, &paths, &format!("Capture the user journey of {}", j.id))?;
        if let Some(why) = why {
            ctx.out.warn(&crate::msg::f(
                "screen.not_committed",
                &[("why", &crate::msg::translate("error", &why))],
            ));
        }
        commit
    };
    let report = Report {
        id: j.id.clone(),
        status: j.status,
        missing: j.missing_sections(),
        files: paths.iter().map(|p| diagnostic::display_path(p)).collect(),
        commit,
    };
    match args.format {
        Format::Json => ctx.out.json(&report)?,
        Format::Human => {
            let key = format!("status_word.{}", j.status.as_str());
            let mut text = format!("{}: {}\n", j.id, texts.get(&key));
            if !report.missing.is_empty() {
                let label = texts.get("label.unanswered");
                let sections: Vec<&str> = report.missing.iter().map(|m| section_heading(&texts, m)).collect();
                text.push_str(&format!("{label}: {}\n", sections.join(", ")));
            }
            ctx.out.print(&text)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Asks the journey's questions in the terminal, starting from the saved journey or from the screening's title
/// and department; saves after every section. A complete journey is offered for editing instead.
fn ask(
    ctx: &Ctx,
    ws: &Workspace,
    id: &str,
    screening: Option<&screening::Screening>,
    texts: &Texts,
) -> anyhow::Result<(Journey, Finish)> {
    if !ctx.out.interactive() {
        return Err(UserError::new(crate::msg::t("journey.no_terminal"))
            .hint(crate::msg::t("journey.no_terminal_hint"))
            .into());
    }
    let mut j = match ws.journey(id) {
        Ok(d) => d.value,
        Err(LoadError::Missing { .. }) => {
            let mut j = Journey::new(id, screening.map_or("", |s| s.title.as_str()));
            j.department = screening.and_then(|s| s.department.clone()).unwrap_or_default();
            j
        }
        Err(e) => return Err(e.into()),
    };
    let mut term = Terminal::open(ctx.out.err.enabled());
    let finish = interview(&mut j, &mut term, texts, &mut |j| save(ws, j).map(|_| ()))?;
    Ok((j, finish))
}

fn from_file(ctx: &Ctx, ws: &Workspace, file: &std::path::Path, id: &str) -> anyhow::Result<Journey> {
    let mut diags = Vec::new();
    let doc = document::read_source_as(&ws.files, &ctx.cwd.join(file), file, Limit::ANSWERS, &mut diags)
        .and_then(|src| document::parse::<Journey>(src, FileKind::Journey, &ws.schemas, &mut diags));
    if let Some(doc) = &doc {
        if !doc.value.id.is_empty() && doc.value.id != id {
            diags.push(
                Diagnostic::at_pointer(
                    &doc.source,
                    "/id",
                    diagnostic::Severity::Error,
                    "id-mismatch",
                    format!("the file is for `{}`, not `{id}`", doc.value.id),
                )
                .with_hint("remove `id` from the file or pass the matching id"),
            );
        }
    }
    match doc {
        Some(mut doc) if !diags.iter().any(Diagnostic::is_error) => {
            doc.value.id = id.to_owned();
            Ok(doc.value)
        }
        _ => {
            diagnostic::sort(&mut diags);
            let text = diagnostic::render_human(&diags, &ctx.out.err, &|_, _| None);
            Err(UserError::new(format!(
                "{}\n{}",
                crate::msg::t("journey.file_invalid"),
                text.trim_end()
            ))
            .hint(crate::msg::t("journey.file_invalid_hint"))
            .into())
        }
    }
}

/// The heading a journey section has in the report, for a section named by its key in the file.
fn section_heading<'t>(texts: &'t Texts, key: &'t str) -> &'t str {
    let text_key = match key {
        "department" => "journey.department_heading",
        "personas" => "journey.personas",
        "trigger" => "journey.trigger_heading",
        "steps_with_specialist" => "journey.steps_with",
        "examples" => "journey.examples",
        "success_criteria" => "journey.success",
        _ => return key,
    };
    texts.get(text_key)
}
