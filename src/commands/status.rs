//! `aispec status`: one row per use case and specialist.

use serde::Serialize;

use super::Ctx;
use crate::error::ExitStatus;
use crate::model::screening::Outcome;
use crate::output::Format;
use crate::status::{NotDeployed, Row, RowKind};
use crate::workspace::Workspace;

/// One row per use case and specialist: screening result, version, sign-off state and last change.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec status
  aispec status --format json | jq '.rows[] | select(.state != \"approved\")'
  aispec status --target production          # plus the deployed version; \"1.2.0 (drift)\" after hand edits
  aispec status --target production --save   # and write it to deployed/production.json for the site

Sign-off states are derived from the content hash: draft (no valid sign-off), in-review (some), approved (every
required role signed the current content), blocked (the linked screening is missing, not approved or not signed
by the roles it requires; the notes say why). `*` after the last change: the folder has uncommitted edits.

Exit codes: 0 shown; 2 not a workspace, unreadable settings, --save without --target, or a target\nthat cannot be read.")]
pub struct Args {
    /// Also show the version deployed on this target, with drift (repeatable; needs the target's API key).
    #[arg(long, value_name = "TARGET")]
    pub target: Vec<String>,
    /// Also show the deployed version on every target whose API key is set.
    #[arg(long, conflicts_with = "target")]
    pub all_targets: bool,
    /// Write each target's deployed state to `deployed/<target>.json` (commit it; `aispec site` reads it).
    #[arg(long)]
    pub save: bool,
    /// How to print the overview.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Serialize)]
struct Report {
    rows: Vec<Row>,
}

/// Runs `status`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    if let Err(e @ crate::git::GitError::UnsafeOwner { .. }) = crate::git::open(&ws.root) {
        ctx.out
            .warn(&format!("{e}; last changes are not shown ({})", e.hint_or("")));
    }
    if args.save && args.target.is_empty() && !args.all_targets {
        return Err(crate::error::UserError::new("--save needs the targets to read")
            .hint("add --target NAME (or --all-targets)")
            .into());
    }
    let rows = if args.all_targets || !args.target.is_empty() {
        let deployed = if args.all_targets {
            crate::platform::Deployed::read(&ws)
        } else {
            crate::platform::Deployed::read_targets(&ws, &args.target)?
        };
        for (target, why) in &deployed.unavailable {
            ctx.out.warn(&format!("target {target} not shown: {why}"));
        }
        if args.save {
            save(ctx, &ws, &deployed)?;
        }
        crate::status::rows(&ws, &deployed)
    } else {
        crate::status::rows(&ws, &NotDeployed)
    };
    match args.format {
        Format::Json => ctx.out.json(&Report { rows })?,
        Format::Human => ctx.out.print(&human(&rows, &ctx.out.out))?,
    }
    Ok(ExitStatus::Success)
}

/// Writes each target's state to `deployed/<target>.json`, under the workspace lock.
fn save(ctx: &Ctx, ws: &Workspace, deployed: &crate::platform::Deployed) -> anyhow::Result<()> {
    let _lock = super::lock_workspace(ctx, ws)?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for state in &deployed.targets {
        let snapshot = crate::platform::snapshot::Snapshot::of(state, now.clone());
        let rel = crate::platform::snapshot::save(ws, &snapshot)?;
        ctx.out.status(&format!(
            "saved the deployed state of {} to {}",
            state.target,
            crate::diagnostic::display_path(&rel)
        ));
    }
    Ok(())
}

fn human(rows: &[Row], style: &crate::output::Style) -> String {
    if rows.is_empty() {
        return "no specialists or screenings yet; start with `aispec screen ID` or `aispec init`\n".to_owned();
    }
    let targets: std::collections::BTreeSet<&String> = rows.iter().flat_map(|r| r.deployed.keys()).collect();
    let mut header: Vec<String> = [
        "Use case",
        "Screening",
        "AI Act",
        "Data",
        "Version",
        "Sign-off",
        "Last change",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    header.extend(targets.iter().map(|t| format!("Deployed {t}")));
    let mut table = crate::output::table(header);
    let mut notes = Vec::new();
    let dash = || "—".to_owned();
    for r in rows {
        if r.kind == RowKind::Screening {
            notes.push(format!("{}: screened, no specialist yet", r.id));
        }
        if !r.missing_roles.is_empty() {
            notes.push(format!(
                "{}: waiting for sign-off from {}",
                r.id,
                r.missing_roles.join(", ")
            ));
        }
        for b in &r.blocked {
            notes.push(format!("{}: blocked: {b}", r.id));
        }
        if let Some(a) = &r.adoption {
            notes.push(format!("{}: {a}", r.id));
        }
        if r.void_signoffs > 0 {
            notes.push(format!(
                "{}: {} sign-off(s) void since the content changed (see `aispec validate`)",
                r.id, r.void_signoffs
            ));
        }
        if let Some(p) = &r.problem {
            notes.push(format!("{}: {p}", r.id));
        }
        let state = match r.state {
            Some(crate::signoff::State::Approved) => style.green("approved"),
            Some(crate::signoff::State::Blocked) => style.red("blocked"),
            Some(s) => style.yellow(s.as_str()),
            None => style.red("?"),
        };
        let outcome = match r.outcome {
            Some(o @ Outcome::Refused) => style.red(o.as_str()),
            Some(o @ Outcome::Undecided) => style.yellow(o.as_str()),
            Some(o) => o.as_str().to_owned(),
            None => dash(),
        };
        let last = match &r.last_change {
            Some(c) => format!("{} {}\n{}", c.short, c.date.get(..10).unwrap_or(&c.date), c.author),
            None => "not committed".to_owned(),
        };
        let last = if r.uncommitted { format!("{last} *") } else { last };
        let mut cells = vec![
            r.id.clone(),
            outcome,
            r.ai_act_category.map_or_else(dash, |c| c.as_str().to_owned()),
            r.data_class.map_or_else(dash, |c| c.as_str().to_owned()),
            r.version.clone().unwrap_or_else(dash),
            state,
            last,
        ];
        cells.extend(targets.iter().map(|t| r.deployed.get(*t).cloned().unwrap_or_else(dash)));
        table.add_row(cells);
    }
    let mut out = format!("{table}\n");
    for n in notes {
        out.push_str(&format!("{} {n}\n", style.dim("·")));
    }
    out
}
