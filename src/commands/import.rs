//! `aispec import`: adopt models that already exist on the platform (or in an Open WebUI export file) as
//! specialist folders in git.

use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::fsutil::write_atomic;
use crate::output::Format;
use crate::output::table;
use crate::platform::groups::GroupResolver;
use crate::platform::import::{self, Draft, Texts};
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

Models made in the web UI become drafts (owner and notice to fill in); models aispec deployed are restored
exactly, sign-offs included. Review the files, then commit them. Existing folders are left alone unless
--force. Exit codes: 0 imported, 1 some folders already existed, 2 usage, I/O or network error.")]
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
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// With `promptfoo CONFIG`: the suite's name (default: the config's folder name).
    #[arg(long, value_name = "NAME")]
    pub suite: Option<String>,
    /// With `promptfoo CONFIG`: write nothing and exit 1 when any part cannot be converted.
    #[arg(long)]
    pub strict: bool,
}

/// One imported model.
#[derive(Debug, Serialize)]
struct Row {
    /// Specialist id.
    id: String,
    /// Model id on the platform.
    source_id: String,
    /// `restored`, `draft` or `exists`.
    result: &'static str,
    /// The folder.
    folder: String,
    /// Remarks.
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
    let (drafts, source) = match &args.from_target {
        Some(target) => from_target(ctx, &ws, target, &args, &texts)?,
        None => from_file(ctx, &ws, &args, &texts)?,
    };
    let mut rows = Vec::new();
    for d in &drafts {
        let folder = PathBuf::from(SPECIALISTS_DIR).join(&d.id);
        let exists = ws.path(&folder).exists();
        let result = if exists && !args.force {
            "exists"
        } else {
            for (rel, bytes) in import::files(d, &source, &texts).context("cannot write the specialist as TOML")? {
                let path = ws.path(&rel);
                write_atomic(&path, &bytes).with_context(|| format!("cannot write {}", rel.display()))?;
            }
            if d.restored { "restored" } else { "draft" }
        };
        rows.push(Row {
            id: d.id.clone(),
            source_id: d.source_id.clone(),
            result,
            folder: crate::diagnostic::display_path(&folder),
            notes: d.notes.clone(),
        });
    }
    match args.format {
        Format::Json => ctx.out.json(&rows)?,
        Format::Human => ctx.out.print(&render(&rows, &ctx.out.out))?,
    }
    Ok(if rows.iter().any(|r| r.result == "exists") {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn render(rows: &[Row], style: &crate::output::Style) -> String {
    if rows.is_empty() {
        return "Nothing to import.\n".to_owned();
    }
    let mut t = table(["Specialist", "From model", "Result", "Notes"]);
    for r in rows {
        let result = match r.result {
            "exists" => style.yellow("exists (use --force)"),
            "restored" => style.green("restored"),
            other => other.to_owned(),
        };
        t.add_row(vec![r.id.clone(), r.source_id.clone(), result, r.notes.join("\n")]);
    }
    format!("{t}\nReview the files under {SPECIALISTS_DIR}/, run `aispec validate`, then commit them.\n")
}

fn from_file(ctx: &Ctx, ws: &Workspace, args: &Args, texts: &Texts) -> anyhow::Result<(Vec<Draft>, String)> {
    let Some((file, ids)) = args.args.split_first() else {
        return Err(
            UserError::new("say what to import: an export file, or --from-target TARGET")
                .hint("aispec import models.json   or   aispec import --from-target staging ID")
                .into(),
        );
    };
    if args.all {
        ctx.out.warn("--all only applies with --from-target");
    }
    let path = ctx.cwd.join(file);
    // The export file is brought in from elsewhere (a download, another workspace), so it may lie outside the
    // workspace; it is still read only as a regular file, with a limit.
    let text = crate::fsread::read_file(&path, crate::fsread::Limit::RESULTS)
        .and_then(crate::fsread::text)
        .map_err(|e| UserError::new(format!("cannot read {file}: {e}")).hint(e.hint()))?;
    let models = import::parse_export(&text).map_err(|e| {
        UserError::new(format!("{file} is not an Open WebUI model export: {e}"))
            .hint("export from Open WebUI (Workspace → Models → Export) or with `aispec export`")
    })?;
    let models = select(models, ids, file)?;
    let resolver_groups = Vec::new();
    let empty = Default::default();
    let resolver = GroupResolver {
        aliases: &ws.config.groups,
        target_names: &empty,
        groups: &resolver_groups,
    };
    let drafts = models
        .iter()
        .map(|m| {
            let mut d = import::draft(m, Some(&resolver), texts);
            if !d.knowledge_sources.is_empty() {
                d.notes.push(
                    "knowledge files are not part of an export file; copy them into knowledge/ or import with \
                     --from-target"
                        .to_owned(),
                );
            }
            d
        })
        .collect();
    Ok((drafts, file.clone()))
}

fn select(models: Vec<LiveModel>, ids: &[String], source: &str) -> anyhow::Result<Vec<LiveModel>> {
    if ids.is_empty() {
        return Ok(models);
    }
    for id in ids {
        if !models.iter().any(|m| &m.id == id) {
            return Err(UserError::new(format!("no model `{id}` in {source}")).into());
        }
    }
    Ok(models.into_iter().filter(|m| ids.contains(&m.id)).collect())
}

fn from_target(
    ctx: &Ctx,
    ws: &Workspace,
    target: &str,
    args: &Args,
    texts: &Texts,
) -> anyhow::Result<(Vec<Draft>, String)> {
    if args.args.is_empty() && !args.all {
        return Err(UserError::new("say which models to import")
            .hint("name the model ids, or pass --all for every model the key can change")
            .into());
    }
    let conn = platform::connect(ws, Some(target))?;
    ctx.out
        .status(&format!("Reading {} ({})…", conn.name, conn.client.url()));
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
        select(live.models.clone(), &args.args, &format!("target `{target}`"))?
    };
    let resolver = GroupResolver {
        aliases: &ws.config.groups,
        target_names: &conn.target.groups,
        groups: &live.groups,
    };
    let mut drafts = Vec::new();
    for m in &models {
        let mut d = import::draft(m, Some(&resolver), texts);
        rt.block_on(download_knowledge(&conn, &mut d, texts))
            .with_context(|| format!("cannot download the knowledge of `{}`", m.id))?;
        drafts.push(d);
    }
    Ok((drafts, format!("{} ({})", conn.name, conn.client.url())))
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
