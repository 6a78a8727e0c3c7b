//! `aispec site`: the static portfolio site.

use std::path::PathBuf;

use super::Ctx;
use crate::error::ExitStatus;
use crate::msg;
use crate::output::Format;
use crate::register::{Context, Portfolio};
use crate::site::Audience;
use crate::workspace::Workspace;

/// Build a static, self-contained site (Danish): the portfolio and one page per use case.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec site --out public                 # for GitHub Pages or the municipality's website
  aispec site --out intranet --internal    # everything, for staff only

The portfolio page shows every use case on one chart (complexity against uncertainty from the Kan vi? scores;
circle approved, square undecided, triangle refused) with a table of the same numbers, then a list with
sign-off state, AI Act category, DPIA, deployed version per target and the latest eval pass rate. Each use case
gets a page with its screening and why, sign-offs (content hash and commit), deployed versions and drift from
the snapshots `aispec status --target T --save` writes to deployed/, the pass rate over saved eval runs, and
its register record. register.json holds the records.

The public site shows only use cases whose screening approved them or that are deployed, and leaves out
journeys, git authors, signers' names and the full action list; --internal shows everything. No scripts, fonts
or files from elsewhere: the folder works offline.

Exit codes: 0 written; 2 not a workspace, a template does not render, or the folder cannot be written.")]
pub struct Args {
    /// The folder to write the site into (created when missing; files aispec writes are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also show refused and undecided use cases, journeys, git authors, names, feedback and every action.
    #[arg(long)]
    pub internal: bool,
    /// How to report what was written.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `site`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let portfolio = Portfolio::load(&ws);
    let mut diags = Vec::new();
    let catalog = ws.catalog(&mut diags);
    let cx = Context::new(&ws.config, &catalog);
    let audience = if args.internal {
        Audience::Internal
    } else {
        Audience::Public
    };
    let (files, built) = crate::site::render(&ws, &cx, &portfolio, audience)?;
    let out = if args.out.is_absolute() {
        args.out.clone()
    } else {
        ctx.cwd.join(&args.out)
    };
    crate::site::write(&out, &files)?;
    for p in &built.problems {
        ctx.out.warn(p);
    }
    match args.format {
        Format::Json => ctx.out.json(&built)?,
        Format::Human => {
            let mut text = msg::f(
                "site.wrote",
                &[
                    ("files", &built.files.len()),
                    ("out", &args.out.display()),
                    ("shown", &built.use_cases.len()),
                ],
            );
            if built.withheld > 0 {
                text.push_str(&msg::f("site.withheld", &[("count", &built.withheld)]));
            }
            text.push('\n');
            ctx.out.print(&text)?;
        }
    }
    Ok(ExitStatus::Success)
}
