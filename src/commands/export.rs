//! `aispec export`: the approved specialists as a file Open WebUI's "Import models" accepts — no server needed.

use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;

use super::Ctx;
use crate::error::ExitStatus;
use crate::fsutil::write_atomic;
use crate::output::Format;
use crate::platform::export::{EXPORT_FILE, export};
use crate::platform::local::{self, Refused};
use crate::workspace::Workspace;

/// Write Open WebUI-importable JSON for every approved specialist.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec export                       # dist/open-webui-models.json
  aispec export --out /tmp/aarhusai   # somewhere else
  aispec export klarsprog             # one specialist

In Open WebUI: Workspace → Models → Import, and pick the file. Knowledge files and group access are not
part of the file; `aispec deploy` adds them. A specialist blocked by its screening (not approved or not
signed) is left out with a warning on stderr. Exit codes: 0 written, 1 a named specialist was refused,
2 usage or I/O error.")]
pub struct Args {
    /// Only these specialists (ids).
    pub ids: Vec<crate::id::Id>,
    /// Folder to write into.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,
    /// How to print the summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// What `export --format json` prints.
#[derive(Debug, Serialize)]
struct Report {
    /// The file written.
    file: String,
    /// Ids exported.
    exported: Vec<String>,
    /// Specialists left out, and why.
    skipped: Vec<Refused>,
    /// What the file does not carry.
    notes: Vec<String>,
}

/// Runs `export`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    let _lock = super::lock_workspace(ctx, &ws)?;
    let candidates = local::candidates(&ws, &crate::id::strings(&args.ids))?;
    let result = export(&candidates, &crate::platform::deploy_context(&ws));
    let path = ctx.cwd.join(&args.out).join(EXPORT_FILE);
    let mut text = serde_json::to_string_pretty(&result.models)?;
    text.push('\n');
    write_atomic(&path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    for r in candidates.refused.iter().filter(|r| r.blocked) {
        let text = crate::msg::f(
            "export.not_exported",
            &[("id", &r.id), ("why", &crate::platform::render::reason(&r.reason))],
        );
        // A named specialist that is held back fails the command (exit 1): that is an error, not a warning.
        if args.ids.is_empty() {
            ctx.out.warn(&text);
        } else {
            ctx.out.refuse(&text);
        }
    }
    let report = Report {
        file: path.display().to_string(),
        exported: result.exported,
        skipped: candidates.refused.clone(),
        notes: result.notes,
    };
    match args.format {
        Format::Json => ctx.out.json(&report)?,
        Format::Human => {
            let mut out = crate::msg::f(
                "export.wrote",
                &[
                    ("specialists", &crate::msg::count("specialist", report.exported.len())),
                    ("file", &report.file),
                ],
            );
            out.push('\n');
            for r in &report.skipped {
                let why = crate::platform::render::reason(&r.reason);
                out.push_str(&format!(
                    "  {}\n",
                    crate::msg::f("export.skipped", &[("id", &r.id), ("why", &why)])
                ));
            }
            for n in &report.notes {
                out.push_str(&format!(
                    "  {}\n",
                    crate::msg::f("export.note", &[("note", &crate::msg::translate("export", n))])
                ));
            }
            ctx.out.print(&out)?;
        }
    }
    Ok(if !args.ids.is_empty() && !report.skipped.is_empty() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
