//! `aispec new`: create a specialist from an approved screening and its user journey.

use anyhow::Context as _;
use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::model::specialist::Kind;
use crate::msg;
use crate::output::Format;
use crate::scaffold::{NewError, Request};
use crate::workspace::Workspace;

/// What the new specialist is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// A department- or knowledge-specific specialist.
    #[default]
    Specialist,
    /// A general administrative helper.
    Assistent,
}

/// Create specialists/ID from a screening (and its journey) through the templates in templates/specialist/.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec new byggesag-hjaelper --from byggesager
  aispec new referat --from moedereferater --kind assistent --contact \"Anne Jensen\"

The base model is the best one the catalogue allows for the screening's data class and hosting:
approved before trial, internal before cloud, then the largest context. The notice, the prompt and
the starter tests write what the screening and the journey established: each sentence that depends
on them is an entry of templates/specialist/<da|en>/sentences.toml with its condition. With a
complete screening and journey nothing is left to fill in; otherwise the gaps are marked UDFYLD:
(TODO: in English), which validate lists and approve and deploy refuse. The journey's sources are
written as commented-out [[knowledge]] entries: remove the comment signs and run `aispec knowledge
fetch ID`. Templates in the workspace override the built-in ones. The result passes `aispec
validate` as generated.

Exit codes: 0 created, 1 the screening refused the use case (or no model is allowed),
2 unknown screening, existing folder, bad id or I/O error.")]
pub struct Args {
    /// The new specialist's id: lowercase letters, digits and dashes; it becomes the Open WebUI model id.
    pub id: crate::id::Id,
    /// The screening (screenings/SCREENING/) the use case was cleared in.
    #[arg(long = "from", value_name = "SCREENING")]
    pub from: crate::id::Id,
    /// Specialist (knowledge- or department-specific) or assistent (general helper).
    #[arg(long, value_enum, default_value_t = KindArg::Specialist)]
    pub kind: KindArg,
    /// Who maintains it (default: your git user name).
    #[arg(long)]
    pub contact: Option<String>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Serialize)]
struct Created {
    id: String,
    model: String,
    files: Vec<String>,
    warnings: Vec<String>,
    valid: bool,
    /// What the screening and journey established; each conditional sentence rests on these.
    facts: crate::scaffold::Facts,
    /// Ids of the conditional sentences written (from the templates' sentences.toml).
    sentences: Vec<String>,
    /// Places left for a person to fill in (`UDFYLD:`/`TODO:`); approve and deploy refuse until none is left.
    placeholders: usize,
    /// Sources from the journey to bring in as knowledge files.
    knowledge: Vec<crate::scaffold::KnowledgeTodo>,
}

/// Runs `new`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let _lock = super::lock_workspace(ctx, &ws)?;
    let contact = args
        .contact
        .clone()
        .or_else(|| {
            let repo = crate::git::open(&ws.root).ok()?;
            crate::git::signature(&repo).ok()?.name().ok().map(str::to_owned)
        })
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| "ukendt".to_owned());
    let req = Request {
        id: args.id.to_string(),
        screening: args.from.to_string(),
        kind: match args.kind {
            KindArg::Specialist => Kind::Specialist,
            KindArg::Assistent => Kind::Assistent,
        },
        contact,
    };
    let scaffold = match crate::scaffold::scaffold(&ws, &req) {
        Ok(s) => s,
        Err(e) => return refused(ctx, e),
    };
    for w in &scaffold.warnings {
        ctx.out.warn(&msg::translate("new", w));
    }
    let mut files = Vec::new();
    for (rel, text) in &scaffold.files {
        crate::fsutil::write_atomic(&ws.path(rel), text.as_bytes())
            .with_context(|| format!("writing {}", rel.display()))?;
        files.push(crate::diagnostic::display_path(rel));
    }
    let dir = std::path::PathBuf::from(crate::workspace::SPECIALISTS_DIR).join(&args.id);
    let validated = crate::validate::validate(&ws, &[dir]);
    let created = Created {
        id: args.id.to_string(),
        model: scaffold.model.clone(),
        files,
        warnings: scaffold.warnings.clone(),
        valid: validated.report.ok,
        facts: scaffold.facts,
        sentences: scaffold.sentences.clone(),
        placeholders: scaffold.placeholders,
        knowledge: scaffold.knowledge.clone(),
    };
    match args.format {
        Format::Json => ctx.out.json(&created)?,
        Format::Human => ctx.out.print(&human(&created, &args.from, &ctx.out.out))?,
    }
    if !validated.report.ok {
        let text = crate::diagnostic::render_human(&validated.report.diagnostics, &ctx.out.err, &|_, _| None);
        ctx.out.refuse(&format!("{}\n{text}", msg::t("new.invalid")));
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Success)
}

/// Why nothing was created: a refused screening or no allowed model exits 1 with the reasons; anything else is
/// an error with a hint.
fn refused(ctx: &Ctx, e: NewError) -> anyhow::Result<ExitStatus> {
    match e {
        NewError::Refused { id, reasons } => {
            let stop = msg::t("new.stop");
            let stops: String = reasons.iter().map(|r| format!("\n  {stop} {r}")).collect();
            ctx.out
                .refuse(&format!("{}{stops}", msg::f("new.refused", &[("id", &id)])));
            Ok(ExitStatus::Failure)
        }
        NewError::NoModel { class, hosting } => {
            let hosting = if hosting == "any hosting" {
                msg::t("new.any_hosting").to_owned()
            } else {
                let each: Vec<String> = hosting.split(" or ").map(|h| msg::label("hosting_word", h)).collect();
                each.join(msg::t("new.or"))
            };
            let class = msg::label("data_class_word", class);
            ctx.out
                .refuse(&msg::f("new.no_model", &[("class", &class), ("hosting", &hosting)]));
            ctx.out.hint(msg::t("new.no_model_hint"));
            Ok(ExitStatus::Failure)
        }
        NewError::Screening(e) => {
            let hint = e.hint();
            Err(UserError::new(e.to_string()).hint(hint).into())
        }
        NewError::Exists(id) => Err(UserError::new(msg::f("new.exists", &[("id", &id)]))
            .hint(msg::t("new.exists_hint"))
            .into()),
        e @ NewError::BadId(_) => Err(UserError::new(e.to_string()).hint(msg::t("new.exists_hint")).into()),
        e => Err(e.into()),
    }
}

fn human(created: &Created, from: &str, style: &crate::output::Style) -> String {
    let created_line = msg::f(
        "new.created",
        &[("id", &created.id), ("from", &from), ("model", &created.model)],
    );
    let mut text = format!("{} {created_line}\n", style.green("✓"));
    for f in &created.files {
        text.push_str(&format!("  {f}\n"));
    }
    if created.placeholders > 0 {
        text.push_str(&msg::f(
            "new.placeholders",
            &[
                ("count", &created.placeholders),
                ("first", &crate::placeholder::MARKERS[0]),
                ("second", &crate::placeholder::MARKERS[1]),
            ],
        ));
        text.push('\n');
    }
    if !created.knowledge.is_empty() {
        text.push_str(&msg::f("new.sources", &[("id", &created.id)]));
        text.push('\n');
        for k in &created.knowledge {
            if k.copy_first {
                let copy = msg::f("new.copy_first", &[("location", &k.location)]);
                text.push_str(&format!("  {} ← {} ({copy})\n", k.file, k.source));
            } else {
                text.push_str(&format!("  {} ← {}\n", k.file, k.source));
            }
        }
    }
    text.push_str(&msg::f("new.next", &[("id", &created.id)]));
    text.push('\n');
    text
}
