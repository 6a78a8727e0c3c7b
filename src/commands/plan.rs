//! `aispec plan`: what deploy would create, change or remove on a target, and why — like `terraform plan`.

use super::{Ctx, Selection};
use crate::error::{ExitStatus, ExitWith};
use crate::output::Format;
use crate::platform::{self, render};
use crate::workspace::Workspace;

/// Compare the approved specialists in git with a live Open WebUI and show every difference.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec plan --target staging
  aispec plan --target production --prune --detailed-exitcode
  aispec plan --format json | jq '.items[] | select(.action == \"drift\")'

The API key is read from the environment variable named by the target's `api_key_env`.
Exit codes: 0 no changes (or changes without --detailed-exitcode); with --detailed-exitcode 2 changes
pending and 1 error; without it 2 error.")]
pub struct Args {
    /// Which specialists, on which target.
    #[command(flatten)]
    pub selection: Selection,
    /// Exit 2 when changes are pending, 1 on errors (as `terraform plan -detailed-exitcode`).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `plan`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let detailed = args.detailed_exitcode;
    match plan(ctx, &args) {
        Ok(status) => Ok(status),
        Err(error) if detailed => Err(ExitWith {
            status: ExitStatus::Failure,
            error,
        }
        .into()),
        Err(error) => Err(error),
    }
}

fn plan(ctx: &Ctx, args: &Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    let sel = &args.selection;
    let planned = platform::plan_target(&ws, sel.target.as_deref(), &sel.id_strings(), sel.options(), |conn| {
        ctx.out
            .status(&format!("Reading {} ({})…", conn.name, conn.client.url()))
    })?;
    let plan = planned.plan;
    match args.format {
        Format::Json => ctx.out.json(&plan)?,
        Format::Human => ctx.out.print(&render::render(&plan, &ctx.out.out))?,
    }
    Ok(if args.detailed_exitcode && plan.changes_pending {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}
