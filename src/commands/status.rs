//! `aispec status`: one row per use case and specialist.

use comfy_table::Cell;
use serde::Serialize;

use super::Ctx;
use crate::error::ExitStatus;
use crate::feedback::summary::Usage;
use crate::feedback::texts::Thumbs;
use crate::model::screening::Outcome;
use crate::msg;
use crate::output::Format;
use crate::output::{Color, colored};
use crate::signoff::State;
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

With --target, two more columns per target show use and users' ratings over [feedback] since (default 30
days): answers and distinct chats, thumbs up and down and the share of thumbs down (\"flagged\" above
[feedback] max_negative_share). They need an admin's API key; with another key status warns and leaves
them out.

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
        ctx.out.warn(&msg::f(
            "status.unsafe_owner",
            &[("error", &e), ("hint", &e.hint_or(""))],
        ));
    }
    if args.save && args.target.is_empty() && !args.all_targets {
        return Err(crate::error::UserError::new(msg::t("status.save.needs_target"))
            .hint(msg::t("status.save.needs_target_hint"))
            .into());
    }
    let (mut rows, deployed, targets) = if args.all_targets || !args.target.is_empty() {
        let deployed = if args.all_targets {
            crate::platform::Deployed::read(&ws)
        } else {
            crate::platform::Deployed::read_targets(&ws, &args.target)?
        };
        for (target, why) in &deployed.unavailable {
            ctx.out.warn(&msg::f(
                "status.target_unavailable",
                &[("target", target), ("why", why)],
            ));
        }
        let names = if args.all_targets {
            deployed.targets.iter().map(|t| t.target.clone()).collect()
        } else {
            args.target.clone()
        };
        (crate::status::rows(&ws, &deployed), Some(deployed), names)
    } else {
        (crate::status::rows(&ws, &NotDeployed), None, Vec::new())
    };
    add_usage(ctx, &ws, &targets, &mut rows)?;
    if let (true, Some(deployed)) = (args.save, &deployed) {
        save(ctx, &ws, deployed, &rows)?;
    }
    match args.format {
        Format::Json => ctx.out.json(&Report { rows })?,
        Format::Human => ctx.out.print(&human(&rows, &ctx.out.out))?,
    }
    Ok(ExitStatus::Success)
}

/// Writes each target's state, with the use and ratings read, to `deployed/<target>.json`, under the workspace
/// lock.
fn save(ctx: &Ctx, ws: &Workspace, deployed: &crate::platform::Deployed, rows: &[Row]) -> anyhow::Result<()> {
    let _lock = super::lock_workspace(ctx, ws)?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for state in &deployed.targets {
        let mut snapshot = crate::platform::snapshot::Snapshot::of(state, now.clone());
        snapshot.usage = rows
            .iter()
            .filter_map(|r| Some((r.id.clone(), r.usage.get(&state.target)?.clone())))
            .collect();
        let rel = crate::platform::snapshot::save(ws, &snapshot)?;
        ctx.out.status(&msg::f(
            "status.save.saved",
            &[
                ("target", &state.target),
                ("path", &crate::diagnostic::display_path(&rel)),
            ],
        ));
    }
    Ok(())
}

/// Fills in use and satisfaction per target; a target whose key may not read them (an admin's key is needed)
/// gets a warning and no columns, as status worked without them before.
fn add_usage(ctx: &Ctx, ws: &Workspace, targets: &[String], rows: &mut [Row]) -> anyhow::Result<()> {
    if targets.is_empty() {
        return Ok(());
    }
    let period = crate::feedback::period(ws, None)?;
    for target in targets {
        match crate::feedback::summary_for_target(ws, Some(target), &[], &period) {
            Ok(summary) => {
                for f in &summary.specialists {
                    if let Some(row) = rows.iter_mut().find(|r| r.id == f.id) {
                        row.usage.insert(target.clone(), Usage::of(f, &summary.since));
                    }
                }
            }
            Err(e) => {
                let hint = e
                    .downcast_ref::<crate::error::UserError>()
                    .and_then(|u| u.hint.as_deref())
                    .map(|h| format!(" ({})", msg::translate("hint", h)))
                    .unwrap_or_default();
                let why = format!("{}{hint}", msg::error_chain(&e));
                ctx.out.warn(&msg::f(
                    "feedback.usage_not_shown",
                    &[("target", target), ("why", &why)],
                ));
            }
        }
    }
    Ok(())
}

/// The two usage cells of a row on one target: answers and chats, then thumbs and the share of thumbs down.
fn usage_cells(u: Option<&Usage>, thumbs: Thumbs, style: &crate::output::Style) -> [Cell; 2] {
    let Some(u) = u else {
        return [Cell::new("—"), Cell::new("—")];
    };
    let known = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |n| n.to_string());
    let used = msg::f(
        "feedback.used",
        &[("messages", &known(u.messages)), ("chats", &known(u.chats))],
    );
    let share = crate::feedback::render::share_cell(u.negative_share, u.flagged, style);
    let rating = format!("{} {} {} {}, {}", thumbs.up, u.up, thumbs.down, u.down, share.content());
    let rating = if u.flagged && style.enabled() {
        Cell::new(rating).fg(comfy_table::Color::Red)
    } else {
        Cell::new(rating)
    };
    [Cell::new(used), rating]
}

fn human(rows: &[Row], style: &crate::output::Style) -> String {
    if rows.is_empty() {
        return format!("{}\n", msg::t("status.empty"));
    }
    let targets: std::collections::BTreeSet<&String> = rows.iter().flat_map(|r| r.deployed.keys()).collect();
    let mut header: Vec<String> = [
        msg::t("status.use_case"),
        msg::t("status.screening"),
        msg::t("status.ai_act"),
        msg::t("status.data"),
        msg::t("status.version"),
        msg::t("status.signoff"),
        msg::t("status.last_change"),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    header.extend(targets.iter().map(|t| msg::f("status.deployed", &[("target", t)])));
    let usage_targets: std::collections::BTreeSet<&String> = rows.iter().flat_map(|r| r.usage.keys()).collect();
    for t in &usage_targets {
        header.push(msg::f("feedback.use_column", &[("target", t)]));
        header.push(msg::f("feedback.rating_column", &[("target", t)]));
    }
    let thumbs = Thumbs::for_output(style.enabled());
    let mut table = crate::output::styled_table(style, header);
    let mut notes = Vec::new();
    let dash = || Cell::new("—");
    for r in rows {
        notes.extend(row_notes(r));
        let state = match r.state {
            Some(s @ State::Approved) => colored(msg::label("state", s.as_str()), Color::Green),
            Some(s @ State::Blocked) => colored(msg::label("state", s.as_str()), Color::Red),
            Some(s) => colored(msg::label("state", s.as_str()), Color::Yellow),
            None => colored("?", Color::Red),
        };
        let outcome = match r.outcome {
            Some(o @ Outcome::Refused) => colored(msg::label("outcome_word", o.as_str()), Color::Red),
            Some(o @ Outcome::Undecided) => colored(msg::label("outcome_word", o.as_str()), Color::Yellow),
            Some(o) => Cell::new(msg::label("outcome_word", o.as_str())),
            None => dash(),
        };
        let last = match &r.last_change {
            Some(c) => format!("{} {} {}", c.short, c.date.get(..10).unwrap_or(&c.date), c.author),
            None => msg::t("status.not_committed").to_owned(),
        };
        // The marker goes first so that cutting a long author name never hides it.
        let last = if r.uncommitted { format!("* {last}") } else { last };
        let mut cells = vec![
            Cell::new(&r.id),
            outcome,
            r.ai_act_category
                .map_or_else(dash, |c| Cell::new(msg::label("category_word", c.as_str()))),
            r.data_class
                .map_or_else(dash, |c| Cell::new(msg::label("data_class_word", c.as_str()))),
            r.version.as_ref().map_or_else(dash, Cell::new),
            state,
            Cell::new(last),
        ];
        cells.extend(targets.iter().map(|t| r.deployed.get(*t).map_or_else(dash, Cell::new)));
        for t in &usage_targets {
            cells.extend(usage_cells(r.usage.get(*t), thumbs, style));
        }
        table.add_row(cells);
    }
    // Under pressure the usage and deployed columns go first, then the last change; the sign-off state goes last.
    let mut drop: Vec<usize> = (7..7 + targets.len() + 2 * usage_targets.len()).rev().collect();
    drop.extend([6, 4, 3, 2, 1, 5]);
    let hidden = crate::output::fit(&mut table, &[0], &drop);
    let mut out = format!("{table}\n");
    out.push_str(&crate::output::notes_below(style, notes, &hidden));
    out
}

/// The lines under the table that say what a row's cells cannot: why it waits, why it is blocked.
fn row_notes(r: &Row) -> Vec<String> {
    let id = &r.id;
    let mut notes = Vec::new();
    if r.kind == RowKind::Screening {
        notes.push(msg::f("status.note_screened", &[("id", id)]));
    }
    if !r.missing_roles.is_empty() {
        let roles: Vec<String> = r.missing_roles.iter().map(|x| msg::label("role_word", x)).collect();
        notes.push(msg::f(
            "status.note_waiting",
            &[("id", id), ("roles", &roles.join(", "))],
        ));
    }
    for b in &r.blocked {
        notes.push(msg::f(
            "status.note_blocked",
            &[("id", id), ("why", &msg::translate("gate", b))],
        ));
    }
    if let Some(a) = &r.adoption {
        notes.push(format!("{id}: {}", msg::translate("adoption", a)));
    }
    if r.void_signoffs > 0 {
        notes.push(msg::f("status.note_void", &[("id", id), ("count", &r.void_signoffs)]));
    }
    if let Some(p) = &r.problem {
        notes.push(format!("{id}: {p}"));
    }
    notes
}
