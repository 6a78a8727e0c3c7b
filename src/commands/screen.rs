//! `aispec screen`: screen a use case interactively, from an answers file, or again under a newer questionnaire.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Ctx;
use crate::diagnostic::{self, Diagnostic};
use crate::document;
use crate::error::{ExitStatus, UserError};
use crate::fsread::Limit;
use crate::id::Id;
use crate::model::answers::AnswersFile;
use crate::model::config::Language;
use crate::model::questionnaire::Questionnaire;
use crate::model::screening::{self, Outcome, QuestionnaireStamp, Screening, ScreeningResult, ScreeningStatus};
use crate::output::Format;
use crate::prompt::{Prompter, Terminal};
use crate::questionnaire::evaluate::Evaluation;
use crate::questionnaire::interview::{Finish, Interview};
use crate::questionnaire::rescreen::{Change, changes};
use crate::questionnaire::store::{self, Published};
use crate::questionnaire::texts::Texts;
use crate::questionnaire::{self, Engine, Loaded, answers, listing, summary};
use crate::schema::FileKind;
use crate::workspace::Workspace;

/// Screen an AI use case: Kan vi? (complexity), Må vi? (law), Bør vi? (ethics).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec screen klarsprog                          # interactive; run it again to resume
  aispec screen klarsprog --from personal_data     # change answers from a given question
  aispec screen --answers answers.toml --format json        # evaluate only, write nothing
  aispec screen --answers answers.toml --id klarsprog       # write screenings/klarsprog/
  aispec screen klarsprog --allow-detached         # commit even when HEAD is not on a branch
  aispec screen --rescreen klarsprog               # ask only new or changed questions
  aispec screen klarsprog --by \"Anne Jensen\"       # record who answers (default: the git user)
  aispec screen --list-questions                   # question ids and allowed answers

The answers file is TOML: [answers] <question_id> = \"<value>\" (a list for multiple
choice), plus optional [notes] <question_id> = \"…\". \"dont_know\" counts as the strictest
answer in every derived result until it is clarified; it never stops the use case, but
where another answer would, the track is undecided.

Interactive mode needs a terminal on stdin and stderr; every answer is saved at once, so
Ctrl-C loses nothing. No answer is pre-selected (an accidental Enter records nothing), and
an answer that stops the use case asks for confirmation first.

JSON output adds `why` (per track that is not approved: the questions, the score and
threshold, and what would change it) and `open_points` (the don't-know answers).

Exit codes: 0 approved or undecided, 1 refused, 2 usage, answers-file, I/O or git error.")]
pub struct Args {
    /// Id of the screening (its folder under screenings/); asked for when missing.
    #[arg(value_name = "ID")]
    pub id: Option<Id>,
    /// Take the answers from this TOML file instead of asking.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// With --answers: write the screening to `screenings/ID/` (without it nothing is written).
    #[arg(long = "id", value_name = "ID")]
    pub id_flag: Option<Id>,
    /// Re-evaluate a stored screening under the current questionnaire, asking only new or changed questions.
    #[arg(long, value_name = "ID", conflicts_with_all = ["id", "id_flag"])]
    pub rescreen: Option<Id>,
    /// Start at this question (interactive), to change earlier answers.
    #[arg(long, value_name = "QUESTION")]
    pub from: Option<String>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The global `--lang` (language of questions and report; default: `workspace.language`).
    #[arg(skip)]
    pub lang: Option<Language>,
    /// Whether and how to commit what is written.
    #[command(flatten)]
    pub commit: super::CommitArgs,
    /// Who answers (recorded in the screening and its report; default: the git user).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// List the questions (ids, kinds, allowed answers, conditions) and exit.
    #[arg(long, conflicts_with_all = ["answers", "rescreen"])]
    pub list_questions: bool,
}

/// The result printed by `screen`.
#[derive(Debug, Serialize)]
struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<ScreeningStatus>,
    questionnaire: QuestionnaireStamp,
    /// Date of the legal texts the questionnaire follows.
    #[serde(skip_serializing_if = "Option::is_none")]
    law_as_of: Option<String>,
    /// Who gave the answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    screened_by: Option<String>,
    /// When the answers last changed (stored screenings).
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(flatten)]
    result: ScreeningResult,
    inactive: Vec<String>,
    stale: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<Change>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<Published>,
}

/// What every mode of `screen` works with: the command's context, the workspace, its questionnaire and the
/// flags.
struct Session<'a> {
    ctx: &'a Ctx,
    ws: &'a Workspace,
    loaded: &'a Loaded,
    args: &'a Args,
}

impl Report {
    /// The report of a stored screening (`id` set) or of an answers file evaluated on its own.
    fn new(
        id: Option<String>,
        s: Screening,
        loaded: &Loaded,
        eval: Evaluation,
        before: Option<ScreeningResult>,
        published: Option<Published>,
    ) -> Self {
        let stored = id.is_some();
        Report {
            id,
            status: stored.then_some(s.status),
            questionnaire: loaded.stamp.clone(),
            law_as_of: loaded.questionnaire().law_as_of.clone(),
            screened_by: s.screened_by.clone(),
            updated: stored.then(|| s.updated.clone()),
            changes: before.map(|b| changes(&b, &s.result)),
            result: s.result,
            inactive: eval.inactive,
            stale: eval.stale,
            published,
        }
    }
}

/// Runs `screen`.
pub fn run(ctx: &Ctx, mut args: Args) -> anyhow::Result<ExitStatus> {
    args.lang = ctx.lang;
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let loaded = questionnaire::load_valid(&ws)?;
    if args.list_questions {
        return list_questions(
            ctx,
            &loaded,
            args.lang.unwrap_or(ws.config.workspace.language),
            args.format,
        );
    }
    let id = args.rescreen.clone().or(args.id_flag.clone()).or(args.id.clone());
    // Everything but evaluating an answers file without an id writes: it reads, answers and writes the screening
    // and its report under the lock, so two runs on one id cannot leave the two files disagreeing.
    let writes = args.answers.is_none() || id.is_some();
    let _lock = if writes {
        // The lock first: a commit by another aispec run holds git's index lock for a moment.
        let lock = super::lock_workspace(ctx, &ws)?;
        super::repo_ready_to_commit(&ws, args.commit)?;
        if let Some(id) = &id {
            lock.sweep(&ws.path(Screening::dir(id)));
        }
        Some(lock)
    } else {
        None
    };
    let session = Session {
        ctx,
        ws: &ws,
        loaded: &loaded,
        args: &args,
    };
    if let Some(file) = &args.answers {
        return from_answers(&session, file, id.as_deref());
    }
    if let Some(id) = args.id_flag.as_deref().filter(|_| args.id.is_none()) {
        return interactive(&session, Some(id));
    }
    match &args.rescreen {
        Some(id) if !ctx.out.interactive() => rescreen_unattended(&session, id),
        Some(id) => interactive(&session, Some(id)),
        None => interactive(&session, args.id.as_deref()),
    }
}

fn language(ws: &Workspace, args: &Args, existing: Option<&Screening>) -> Language {
    args.lang
        .or(existing.map(|s| s.language))
        .unwrap_or(ws.config.workspace.language)
}

fn load_existing(ws: &Workspace, id: &str) -> anyhow::Result<Option<Screening>> {
    if !ws.path(screening::path(id)).exists() {
        return Ok(None);
    }
    Ok(Some(ws.screening(id)?.value))
}

fn from_answers(session: &Session<'_>, file: &Path, id: Option<&str>) -> anyhow::Result<ExitStatus> {
    let Session { ctx, ws, loaded, args } = *session;
    let engine = Engine::new(loaded.questionnaire());
    let mut diags = Vec::new();
    let doc = document::read_source_as(&ws.files, &ctx.cwd.join(file), file, Limit::ANSWERS, &mut diags)
        .and_then(|src| document::parse::<AnswersFile>(src, FileKind::Answers, &ws.schemas, &mut diags));
    if let Some(doc) = &doc {
        answers::check(&engine, doc, &mut diags);
    }
    let doc = match doc {
        Some(d) if !diags.iter().any(Diagnostic::is_error) => d,
        _ => return Err(answers_error(ctx, ws, &diags)),
    };
    let existing = match id {
        Some(id) => load_existing(ws, id)?,
        None => None,
    };
    if args.rescreen.is_some() && existing.is_none() {
        return Err(missing(ws, args.rescreen.as_deref().unwrap_or_default()).into());
    }
    let lang = language(ws, args, existing.as_ref());
    let before = existing.as_ref().map(|s| s.result.clone());
    let mut s = match existing {
        Some(s) => s,
        None => {
            let title = doc
                .value
                .title
                .clone()
                .unwrap_or_else(|| id.unwrap_or("screening").to_owned());
            store::new_screening(&engine, &loaded.stamp, id.unwrap_or("screening"), &title, None, lang)?
        }
    };
    s.language = lang;
    answers::apply(&engine, &doc.value, &mut s);
    s.screened_by = screener(ws, args).or(s.screened_by.take());
    let eval = store::refresh(&engine, &loaded.stamp, &mut s)?;
    let texts = Texts::load(Some(ws), lang);
    let published = match id {
        Some(id) => Some(publish(
            session,
            &s,
            &texts,
            &format!("Screen {id} from an answers file"),
        )?),
        None => None,
    };
    let report = Report::new(id.map(str::to_owned), s, loaded, eval, before, published);
    render(ctx, loaded.questionnaire(), &report, &texts, args.format)
}

fn answers_error(ctx: &Ctx, ws: &Workspace, diags: &[Diagnostic]) -> anyhow::Error {
    let mut diags = diags.to_vec();
    diagnostic::sort(&mut diags);
    let cwd = ctx.cwd.clone();
    let line_of = move |file: &str, line: usize| -> Option<String> {
        let text = ws.files.read_text(&cwd.join(file), Limit::ANSWERS).ok()?;
        text.lines().nth(line.checked_sub(1)?).map(str::to_owned)
    };
    let text = diagnostic::render_human(&diags, &ctx.out.err, &line_of);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    UserError::new(format!(
        "{}\n{}",
        crate::msg::f("screen.answers_invalid", &[("count", &errors)]),
        text.trim_end()
    ))
    .hint(crate::msg::t("screen.answers_invalid_hint"))
    .into()
}

fn missing(ws: &Workspace, id: &str) -> UserError {
    let hint = crate::suggest::hint(
        id,
        &ws.screening_ids(),
        crate::msg::f("screen.no_screening_hint", &[("id", &id)]),
    );
    UserError::new(crate::msg::f("screen.no_screening", &[("id", &id)])).hint(hint)
}

fn rescreen_unattended(session: &Session<'_>, id: &str) -> anyhow::Result<ExitStatus> {
    let Session { ctx, ws, loaded, args } = *session;
    let engine = Engine::new(loaded.questionnaire());
    let mut s = load_existing(ws, id)?.ok_or_else(|| missing(ws, id))?;
    let before = s.result.clone();
    s.language = language(ws, args, Some(&s));
    s.screened_by = screener(ws, args).or(s.screened_by.take());
    let eval = store::refresh(&engine, &loaded.stamp, &mut s)?;
    let texts = Texts::load(Some(ws), s.language);
    let open = eval.result.unanswered.len();
    if open > 0 {
        ctx.out.warn(&crate::msg::f(
            "screen.need_answers",
            &[
                ("count", &open),
                ("questions", &eval.result.unanswered.join(", ")),
                ("id", &id),
            ],
        ));
    }
    let published = publish(
        session,
        &s,
        &texts,
        &format!("Re-screen {id} under questionnaire {}", loaded.stamp.version),
    )?;
    let report = Report::new(Some(id.to_owned()), s, loaded, eval, Some(before), Some(published));
    render(ctx, loaded.questionnaire(), &report, &texts, args.format)
}

fn interactive(session: &Session<'_>, id: Option<&str>) -> anyhow::Result<ExitStatus> {
    let Session { ctx, ws, loaded, args } = *session;
    if !ctx.out.interactive() {
        return Err(UserError::new(crate::msg::t("screen.no_terminal"))
            .hint(crate::msg::t("screen.no_terminal_hint"))
            .into());
    }
    if let Some(from) = args
        .from
        .as_deref()
        .filter(|f| loaded.questionnaire().question(f).is_none())
    {
        return Err(UserError::new(crate::msg::f("screen.no_question", &[("id", &from)]))
            .hint(crate::msg::t("screen.no_question_hint"))
            .into());
    }
    let engine = Engine::new(loaded.questionnaire());
    let mut term = Terminal::open(ctx.out.err.enabled());
    let default_texts = Texts::load(Some(ws), args.lang.unwrap_or(ws.config.workspace.language));
    let id = match id {
        Some(id) => id.to_owned(),
        None => ask_id(&mut term, &default_texts)?,
    };
    let existing = load_existing(ws, &id)?;
    if args.rescreen.is_some() && existing.is_none() {
        return Err(missing(ws, &id).into());
    }
    let texts = Texts::load(Some(ws), language(ws, args, existing.as_ref()));
    let path = crate::diagnostic::display_path(&screening::path(&id));
    let before = existing.as_ref().map(|s| s.result.clone());
    let mut s = match existing {
        Some(s) => resume(&engine, loaded, args, &id, s, &texts, &mut term)?,
        None => start(ws, &engine, loaded, &id, &texts, &mut term)?,
    };
    s.screened_by = screener(ws, args).or(s.screened_by.take());
    let interview = Interview {
        engine: &engine,
        stamp: &loaded.stamp,
        texts: &texts,
    };
    let mut save = |s: &Screening| store::save(ws, s).map(|_| ());
    let finish = interview.run(&mut s, &mut term, args.from.as_deref(), &mut save)?;
    if finish == Finish::Quit {
        ctx.out
            .status(&texts.fill("status.stopped", &[("path", &path), ("id", &id)]));
        return Ok(ExitStatus::Success);
    }
    let eval = store::refresh(&engine, &loaded.stamp, &mut s)?;
    ctx.out.status(texts.get("status.complete"));
    let verb = if args.rescreen.is_some() { "Re-screen" } else { "Screen" };
    let message = format!("{verb} {id}: {}", s.result.outcome.as_str());
    let published = publish(session, &s, &texts, &message)?;
    let before = before.filter(|_| args.rescreen.is_some());
    let report = Report::new(Some(id), s, loaded, eval, before, Some(published));
    render(ctx, loaded.questionnaire(), &report, &texts, args.format)
}

/// A stored screening brought under the current questionnaire, with a line on what is left to answer.
fn resume(
    engine: &Engine<'_>,
    loaded: &Loaded,
    args: &Args,
    id: &str,
    mut s: Screening,
    texts: &Texts,
    term: &mut Terminal,
) -> anyhow::Result<Screening> {
    s.language = texts.lang;
    let eval = store::refresh(engine, &loaded.stamp, &mut s)?;
    let msg = if args.rescreen.is_some() {
        let open = eval
            .result
            .unanswered
            .iter()
            .filter(|u| !eval.stale.contains(u))
            .count();
        let count = (eval.stale.len() + open).to_string();
        let args = [
            ("id", id),
            ("version", loaded.stamp.version.as_str()),
            ("count", &count),
        ];
        texts.fill("status.rescreen", &args)
    } else {
        texts.fill(
            "status.resume",
            &[("id", id), ("answered", &s.answers.len().to_string())],
        )
    };
    term.say(&msg)?;
    Ok(s)
}

/// A new screening: its title and department asked, then saved as a draft.
fn start(
    ws: &Workspace,
    engine: &Engine<'_>,
    loaded: &Loaded,
    id: &str,
    texts: &Texts,
    term: &mut Terminal,
) -> anyhow::Result<Screening> {
    let title = term.input(texts.get("prompt.title"), "", false)?;
    let department = term.input(texts.get("prompt.department"), "", true)?;
    let department = Some(department.trim().to_owned()).filter(|d| !d.is_empty());
    let s = store::new_screening(engine, &loaded.stamp, id, title.trim(), department, texts.lang)?;
    store::save(ws, &s)?;
    let path = crate::diagnostic::display_path(&screening::path(id));
    term.say(&texts.fill("status.new", &[("id", id), ("path", &path)]))?;
    Ok(s)
}

/// Who is screening: `--by`, else the git user (`GIT_AUTHOR_NAME` or `user.name`); `None` when neither is set.
fn screener(ws: &Workspace, args: &Args) -> Option<String> {
    let by = args.by.as_deref().map(str::trim).filter(|b| !b.is_empty());
    if let Some(by) = by {
        return Some(by.to_owned());
    }
    let repo = crate::git::open(&ws.root).ok()?;
    let signature = crate::git::signature(&repo).ok()?;
    // `signature` falls back to a neutral "aispec" when git knows no user; that is nobody.
    signature.name().ok().filter(|n| *n != "aispec").map(str::to_owned)
}

fn ask_id(term: &mut Terminal, texts: &Texts) -> anyhow::Result<String> {
    loop {
        let id = term.input(texts.get("prompt.id"), "", false)?;
        let id = id.trim().to_owned();
        match store::check_id(&id) {
            Ok(()) => return Ok(id),
            Err(e) => term.say(&e.to_string())?,
        }
    }
}

fn publish(session: &Session<'_>, s: &Screening, texts: &Texts, message: &str) -> anyhow::Result<Published> {
    let Session { ctx, ws, loaded, args } = *session;
    let published = store::publish(ws, loaded.questionnaire(), s, texts, !args.commit.no_commit, message)?;
    let report = published.files.last().cloned().unwrap_or_default();
    ctx.out.status(&texts.fill("status.report", &[("path", &report)]));
    if let Some(commit) = &published.commit {
        ctx.out
            .status(&texts.fill("status.committed", &[("commit", &commit[..commit.len().min(12)])]));
    }
    if let Some(why) = &published.not_committed {
        ctx.out.warn(&crate::msg::f(
            "screen.not_committed",
            &[("why", &crate::msg::translate("error", why))],
        ));
    }
    Ok(published)
}

fn render(ctx: &Ctx, q: &Questionnaire, report: &Report, t: &Texts, format: Format) -> anyhow::Result<ExitStatus> {
    match format {
        Format::Json => ctx.out.json(report)?,
        Format::Human => {
            let today = report.updated.clone().unwrap_or_else(store::now);
            let extra = summary::Extra {
                changes: report.changes.as_deref(),
                today: &today,
            };
            ctx.out.print(&summary::render(q, &report.result, t, &extra))?;
        }
    }
    Ok(if report.result.outcome == Outcome::Refused {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn list_questions(ctx: &Ctx, loaded: &Loaded, lang: Language, format: Format) -> anyhow::Result<ExitStatus> {
    let rows = listing::rows(loaded.questionnaire(), lang);
    match format {
        Format::Json => ctx.out.json(&rows)?,
        Format::Human => ctx.out.print(&listing::table(&rows))?,
    }
    Ok(ExitStatus::Success)
}
