//! `aispec import`: adopt models that already exist on the platform (or in an Open WebUI export file) as
//! specialist folders in git.

use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::fsutil::write_atomic;
use crate::msg;
use crate::output::Format;
use crate::output::{Color, colored};
use crate::platform::groups::GroupResolver;
use crate::platform::import::{self, Draft, Found, Skipped, Texts};
use crate::platform::types::LiveModel;
use crate::platform::{self, Client, Connection};
use crate::workspace::{SPECIALISTS_DIR, Workspace};

/// Turn live models, or Open WebUI's "Export models" file, into specialist folders.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec import --from-target staging byggesag-hjaelper   # one model made in the web UI
  aispec import --from-target staging --all               # every model the key can change
  aispec import models-export-1718000000.json             # Open WebUI's export file
  aispec import dist/open-webui-models.json klarsprog     # one model from a file
  aispec import promptfoo evals/promptfooconfig.yaml --suite borgerservice   # a promptfoo config as a suite

Models made in the web UI are adopted: every setting is carried over so that `aispec deploy --adopt` of the
unchanged files changes nothing on the platform but adding aispec's marker, and needs no screening or
sign-off. What cannot be carried over exactly is named per model (--strict refuses to write anything then);
base models, the arena model and base-model overrides in a file are listed as skipped, with the reason.
Models aispec deployed are restored exactly, sign-offs included. Review the files, then commit them.
Existing folders are left alone unless --force. Exit codes: 0 imported, 1 some folders already existed or
--strict found a field that does not round-trip, 2 usage, I/O or network error.")]
pub struct Args {
    /// With --from-target: model ids. Otherwise: the export file, then optional model ids.
    pub args: Vec<String>,
    /// Read the models from this target instead of a file.
    #[arg(long, value_name = "TARGET")]
    pub from_target: Option<String>,
    /// With --from-target: every model the key can change that no workspace manages.
    #[arg(long)]
    pub all: bool,
    /// Overwrite existing specialist folders.
    #[arg(long)]
    pub force: bool,
    /// Write nothing, and exit 1, when any model would not come back exactly as it is on the platform (with
    /// `promptfoo CONFIG`: when any part of the config cannot be converted).
    #[arg(long)]
    pub strict: bool,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// With `promptfoo CONFIG`: the suite's name (default: the config's folder name).
    #[arg(long, value_name = "NAME")]
    pub suite: Option<String>,
}

/// One imported model.
#[derive(Debug, Serialize)]
struct Row {
    /// Specialist id.
    id: String,
    /// Model id on the platform.
    source_id: String,
    /// `adopted` (exact), `draft` (something not carried over), `restored`, `exists`, `skipped`, or
    /// `not-written` (--strict).
    result: &'static str,
    /// The folder (empty for a skipped entry).
    folder: String,
    /// Fields that would not come back as they are, each named.
    lost: Vec<String>,
    /// Remarks (for a skipped entry: why).
    notes: Vec<String>,
}

/// Runs `import`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    if let Some(("promptfoo", rest)) = args.args.split_first().map(|(a, r)| (a.as_str(), r)) {
        return super::import_promptfoo::run(ctx, rest, args.suite.as_deref(), args.strict, args.force, args.format);
    }
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let _lock = super::lock_workspace(ctx, &ws)?;
    let texts = import::texts(ws.config.workspace.language);
    let (drafts, skipped, source) = match &args.from_target {
        Some(target) => from_target(ctx, &ws, target, &args, &texts)?,
        None => from_file(ctx, &ws, &args, &texts)?,
    };
    let refuse = args.strict && drafts.iter().any(|d| !d.lost.is_empty());
    let mut rows = Vec::new();
    for d in &drafts {
        let folder = PathBuf::from(SPECIALISTS_DIR).join(&d.id);
        let exists = ws.path(&folder).exists();
        let result = if refuse {
            "not-written"
        } else if exists && !args.force {
            "exists"
        } else {
            for (rel, bytes) in import::files(d, &source, &texts).context("cannot write the specialist as TOML")? {
                let path = ws.path(&rel);
                write_atomic(&path, &bytes).with_context(|| format!("cannot write {}", rel.display()))?;
            }
            match (d.restored, d.adopted()) {
                (true, _) => "restored",
                (false, true) => "adopted",
                (false, false) => "draft",
            }
        };
        rows.push(Row {
            id: d.id.clone(),
            source_id: d.source_id.clone(),
            result,
            folder: crate::diagnostic::display_path(&folder),
            lost: d.lost.clone(),
            notes: d.notes.clone(),
        });
    }
    rows.extend(skipped.into_iter().map(|s| Row {
        id: String::new(),
        source_id: s.id,
        result: "skipped",
        folder: String::new(),
        lost: Vec::new(),
        notes: vec![s.reason],
    }));
    match args.format {
        Format::Json => ctx.out.json(&rows)?,
        Format::Human => ctx.out.print(&render(&rows, &ctx.out.out))?,
    }
    if refuse {
        let n = drafts.iter().filter(|d| !d.lost.is_empty()).count();
        ctx.out.warn(&msg::f("import.strict", &[("count", &n)]));
    }
    Ok(if refuse || rows.iter().any(|r| r.result == "exists") {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn render(rows: &[Row], style: &crate::output::Style) -> String {
    if rows.is_empty() {
        return format!("{}\n", msg::t("import.nothing"));
    }
    let mut t = crate::output::styled_table(
        style,
        [
            msg::t("plan.specialist"),
            msg::t("import.from_model"),
            msg::t("deploy.result"),
        ],
    );
    let mut below = Vec::new();
    for r in rows {
        let word = msg::label("import_result", r.result);
        let result = match r.result {
            "exists" => colored(msg::t("import.exists"), Color::Yellow),
            "restored" | "adopted" => colored(word, Color::Green),
            "draft" | "not-written" => colored(word, Color::Yellow),
            _ => comfy_table::Cell::new(word).add_attribute(comfy_table::Attribute::Dim),
        };
        let mut notes: Vec<String> = r
            .lost
            .iter()
            .map(|l| msg::f("import.not_exact", &[("what", l)]))
            .collect();
        notes.extend(r.notes.iter().map(|n| msg::translate("import", n)));
        // Notes can be long: they follow under the table, whole, instead of stretching a row over many lines.
        let name = if r.id.is_empty() { &r.source_id } else { &r.id };
        below.extend(notes.into_iter().map(|n| format!("{name}: {n}")));
        t.add_row(vec![
            comfy_table::Cell::new(&r.id),
            comfy_table::Cell::new(&r.source_id),
            result,
        ]);
    }
    let hidden = crate::output::fit(&mut t, &[0, 1], &[2]);
    let mut out = format!("{t}\n");
    out.push_str(&crate::output::notes_below(style, below, &hidden));
    let width = crate::output::term_width();
    if rows.iter().any(|r| r.result == "adopted") {
        out.push_str(&crate::output::wrap(msg::t("import.adopted"), width, ""));
        out.push('\n');
    }
    out.push_str(&crate::output::wrap(
        &msg::f("import.review", &[("dir", &SPECIALISTS_DIR)]),
        width,
        "",
    ));
    out.push('\n');
    out
}

/// What an import source yields: the drafts, the entries skipped, and a name for the source.
type Imported = (Vec<Draft>, Vec<Skipped>, String);

fn from_file(ctx: &Ctx, ws: &Workspace, args: &Args, texts: &Texts) -> anyhow::Result<Imported> {
    let Some((file, ids)) = args.args.split_first() else {
        return Err(UserError::new(msg::t("import_error.what"))
            .hint(msg::t("import_error.what_hint"))
            .into());
    };
    if args.all {
        ctx.out.warn(msg::t("import.all_ignored"));
    }
    let path = ctx.cwd.join(file);
    // The export file is brought in from elsewhere (a download, another workspace), so it may lie outside the
    // workspace; it is still read only as a regular file, with a limit.
    let text = crate::fsread::read_file(&path, crate::fsread::Limit::RESULTS)
        .and_then(crate::fsread::text)
        .map_err(|e| {
            UserError::new(msg::f("import_error.unreadable", &[("file", file), ("error", &e)])).hint(e.hint())
        })?;
    let found = import::parse_export(&text).map_err(|e| {
        UserError::new(msg::f("import_error.not_export", &[("file", file), ("error", &e)]))
            .hint(msg::t("import_error.not_export_hint"))
    })?;
    let found = select(found, ids, file, Found::id)?;
    let (models, skipped) = split(found);
    let resolver_groups = Vec::new();
    let empty = Default::default();
    let resolver = GroupResolver {
        aliases: &ws.config.groups,
        target_names: &empty,
        groups: &resolver_groups,
    };
    let drafts = models
        .iter()
        .map(|(m, remarks)| {
            let mut d = import::draft(m, Some(&resolver), texts, file);
            if !d.knowledge_sources.is_empty() {
                d.notes.push(
                    "knowledge files are not part of an export file; copy them into knowledge/ or import with \
                     --from-target"
                        .to_owned(),
                );
            }
            // A derived id is a new model on the platform: not exact.
            d.lost.extend(remarks.iter().cloned());
            if !remarks.is_empty() && d.spec.adopted.take().is_some() {
                d.notes.push(
                    "not marked as adopted: deploying it would make a new model, so it needs screening and sign-off"
                        .to_owned(),
                );
            }
            d
        })
        .collect();
    Ok((drafts, skipped, file.clone()))
}

/// The models among the entries, with the remarks made while reading them, and the entries skipped.
fn split(found: Vec<Found>) -> (Vec<(LiveModel, Vec<String>)>, Vec<Skipped>) {
    let mut models = Vec::new();
    let mut skipped = Vec::new();
    for f in found {
        match f {
            Found::Model(m, remarks) => models.push((*m, remarks)),
            Found::Skipped(s) => skipped.push(s),
        }
    }
    (models, skipped)
}

/// The entries with the given ids (all when none is given); an id that is not there is an error.
fn select<T>(items: Vec<T>, ids: &[String], source: &str, id_of: impl Fn(&T) -> &str) -> anyhow::Result<Vec<T>> {
    if ids.is_empty() {
        return Ok(items);
    }
    for id in ids {
        if !items.iter().any(|m| id_of(m) == id) {
            return Err(UserError::new(msg::f("import_error.no_model", &[("id", id), ("source", &source)])).into());
        }
    }
    Ok(items
        .into_iter()
        .filter(|m| ids.iter().any(|id| id == id_of(m)))
        .collect())
}

fn from_target(ctx: &Ctx, ws: &Workspace, target: &str, args: &Args, texts: &Texts) -> anyhow::Result<Imported> {
    if args.args.is_empty() && !args.all {
        return Err(UserError::new(msg::t("import_error.which"))
            .hint(msg::t("import_error.which_hint"))
            .into());
    }
    let conn = platform::connect(ws, Some(target))?;
    ctx.out.status(&msg::f(
        "deploy.reading",
        &[("target", &conn.name), ("url", &conn.client.url())],
    ));
    let rt = platform::runtime().context("cannot start the network runtime")?;
    let live = platform::read_live_blocking(&rt, &conn)?;
    let models: Vec<LiveModel> = if args.all {
        live.models
            .iter()
            .filter(|m| m.write_access != Some(false))
            .filter(|m| platform::mapping::Marker::of(m).is_none())
            .cloned()
            .collect()
    } else {
        select(live.models.clone(), &args.args, &format!("target `{target}`"), |m| {
            &m.id
        })?
    };
    let resolver = GroupResolver {
        aliases: &ws.config.groups,
        target_names: &conn.target.groups,
        groups: &live.groups,
    };
    let source = format!("{} ({})", conn.name, conn.client.url());
    let mut drafts = Vec::new();
    for listed in &models {
        // The model list leaves the profile image out; the model itself has it.
        let m = rt
            .block_on(conn.client.get_model(&listed.id))
            .with_context(|| format!("cannot read the model `{}`", listed.id))?
            .unwrap_or_else(|| listed.clone());
        let mut d = import::draft(&m, Some(&resolver), texts, &source);
        rt.block_on(download_knowledge(&conn, &mut d, texts))
            .with_context(|| format!("cannot download the knowledge of `{}`", m.id))?;
        drafts.push(d);
    }
    Ok((drafts, Vec::new(), source))
}

async fn download_knowledge(conn: &Connection, d: &mut Draft, texts: &Texts) -> anyhow::Result<()> {
    let client: &Client = &conn.client;
    for (kind, id, name) in d.knowledge_sources.clone() {
        if kind == "collection" {
            for f in client.knowledge_files(&id).await? {
                let bytes = client.file_content(&f.id).await?;
                let path = f.aispec_path().to_owned();
                import::add_knowledge(d, &path, bytes, &name, texts);
            }
        } else {
            let bytes = client.file_content(&id).await?;
            import::add_knowledge(d, &name, bytes, &name, texts);
        }
    }
    Ok(())
}
