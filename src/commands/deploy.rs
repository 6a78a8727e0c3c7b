//! `aispec deploy`: apply the plan to a target — only approved specialists, never models aispec does not own.

use anyhow::Context as _;
use serde::Serialize;

use super::{Ctx, Selection};
use crate::error::{ExitStatus, UserError};
use crate::msg;
use crate::output::Format;
use crate::platform::apply::{self, ItemResult, Outcome};
use crate::platform::plan::{Action, Plan};
use crate::platform::{self, render};
use crate::workspace::Workspace;

/// Make a target match git: create, update, re-share and (with --prune) delete models.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec deploy --target staging --yes
  aispec deploy --target production --prune --yes
  aispec deploy korrekturlaeser --target staging        # one specialist, asks before writing

Specialists that are invalid or lack a valid sign-off are skipped and listed. Models changed by hand
(drift) or not made by aispec stop the deploy before anything is written, unless --force / --adopt.
Exit codes: 0 applied (or nothing to do); 1 stopped by drift or conflicts, or a named specialist was
refused; 2 usage, configuration or network error, or some changes failed (re-run to finish).")]
pub struct Args {
    /// Which specialists, on which target.
    #[command(flatten)]
    pub selection: Selection,
    /// Do not ask before writing (needed when not run in a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How many models to change at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: u16,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// What `deploy --format json` prints.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The plan that was applied.
    pub plan: Plan,
    /// True when drift or conflicts stopped the deploy before any write.
    pub stopped: bool,
    /// One result per model written to.
    pub results: Vec<ItemResult>,
    /// How many succeeded.
    pub applied: usize,
    /// How many failed.
    pub failed: usize,
    /// Error from the final model-list refresh, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_error: Option<String>,
}

/// Runs `deploy`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    let sel = &args.selection;
    if sel.prune && !sel.ids.is_empty() {
        ctx.out.warn(msg::t("deploy.prune_ignored"));
    }
    let platform::Planned {
        plan,
        candidates,
        conn,
        runtime: rt,
    } = platform::plan_target(&ws, sel.target.as_deref(), &sel.id_strings(), sel.options(), |conn| {
        ctx.out.status(&msg::f(
            "deploy.reading",
            &[("target", &conn.name), ("url", &conn.client.url())],
        ))
    })?;
    let named_refused = !sel.ids.is_empty() && !candidates.refused.is_empty();
    if named_refused {
        for r in &candidates.refused {
            ctx.out.refuse(&msg::f(
                "deploy.not_deployed",
                &[("id", &r.id), ("why", &render::reason(&r.reason))],
            ));
        }
    }
    let human = args.format == Format::Human;
    if human {
        ctx.out.print(&render::render(&plan, &ctx.out.out))?;
    }
    let mut report = Report {
        stopped: false,
        results: Vec::new(),
        applied: 0,
        failed: 0,
        refresh_error: None,
        plan,
    };

    if stopped(ctx, &mut report, human)? {
        return Ok(ExitStatus::Failure);
    }
    let writes = report.plan.items.iter().filter(|i| i.writes()).count();
    if writes == 0 {
        if !human {
            ctx.out.json(&report)?;
        }
        return Ok(if named_refused {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        });
    }
    confirm(ctx, &args, &report.plan, writes)?;
    apply_plan(ctx, &ws, &conn, &rt, usize::from(args.jobs), writes, &mut report);
    match args.format {
        Format::Json => ctx.out.json(&report)?,
        Format::Human => ctx.out.print(&render_results(&report, &ctx.out.out))?,
    }
    if let Some(e) = &report.refresh_error {
        ctx.out.warn(&msg::f("deploy.no_reload", &[("error", e)]));
    }
    Ok(if report.failed > 0 {
        ExitStatus::Error
    } else if named_refused {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Drift or foreign models stop the deploy before any write: says so (and prints the JSON report) and returns
/// true.
fn stopped(ctx: &Ctx, report: &mut Report, human: bool) -> anyhow::Result<bool> {
    let blockers = report.plan.blockers();
    if blockers.is_empty() {
        return Ok(false);
    }
    let ids: Vec<String> = blockers.iter().map(|i| i.id.clone()).collect();
    let drift = blockers.iter().any(|i| i.action == Action::Drift);
    report.stopped = true;
    if !human {
        ctx.out.json(&*report)?;
    }
    let hint = if drift {
        msg::t("deploy.drift_hint")
    } else {
        msg::t("deploy.conflict_hint")
    };
    ctx.out
        .refuse(&msg::f("deploy.stopped", &[("ids", &ids.join(", ")), ("hint", &hint)]));
    Ok(true)
}

/// Applies the plan with a progress bar and records the results in the report.
fn apply_plan(
    ctx: &Ctx,
    ws: &Workspace,
    conn: &platform::Connection,
    rt: &tokio::runtime::Runtime,
    jobs: usize,
    writes: usize,
    report: &mut Report,
) {
    let bar = ctx
        .out
        .progress(u64::try_from(writes).unwrap_or(u64::MAX), msg::t("deploy.progress"));
    let items = report.plan.items.clone();
    let deploy_ctx = platform::deploy_context(ws);
    let (results, refresh) = rt.block_on(apply::apply(&conn.client, items, &deploy_ctx, jobs, |r| {
        bar.set_message(r.id.clone());
        bar.inc(1);
    }));
    bar.finish_and_clear();
    report.applied = results.iter().filter(|r| r.outcome == Outcome::Applied).count();
    report.failed = results.len() - report.applied;
    report.refresh_error = refresh.map(|e| e.to_string());
    report.results = results;
}

fn confirm(ctx: &Ctx, args: &Args, plan: &Plan, writes: usize) -> anyhow::Result<()> {
    if args.yes {
        return Ok(());
    }
    if !ctx.out.interactive() {
        return Err(UserError::new(format!(
            "deploy would change {writes} model(s) on `{}` and needs confirmation",
            plan.target
        ))
        .hint("pass --yes to deploy without asking (as CI does)")
        .into());
    }
    let ok = dialoguer::Confirm::new()
        .with_prompt(msg::f("deploy.confirm", &[("target", &plan.target)]))
        .default(false)
        .interact()
        .context("cannot read the answer")?;
    if ok {
        Ok(())
    } else {
        Err(UserError::new("deploy cancelled; nothing was changed").into())
    }
}

fn render_results(report: &Report, style: &crate::output::Style) -> String {
    let mut t = crate::output::styled_table(
        style,
        [
            msg::t("plan.specialist"),
            msg::t("plan.action"),
            msg::t("deploy.result"),
            msg::t("deploy.done"),
        ],
    );
    let mut notes = Vec::new();
    for r in &report.results {
        let result = match r.outcome {
            Outcome::Applied => crate::output::colored(msg::t("deploy.applied"), crate::output::Color::Green),
            Outcome::Failed => crate::output::colored(msg::t("deploy.failed"), crate::output::Color::Red),
        };
        let steps: Vec<String> = r.steps.iter().map(|s| msg::translate("step", s)).collect();
        let mut done = steps.join(", ");
        if let Some(e) = &r.error {
            if !done.is_empty() {
                done.push_str(msg::t("deploy.then"));
            }
            done.push_str(msg::t("deploy.failed"));
            // The whole error goes under the table, where a narrow column cannot cut it.
            notes.push(format!("{}: {} {e}", r.id, msg::t("common.error")));
        }
        t.add_row(vec![
            comfy_table::Cell::new(&r.id),
            comfy_table::Cell::new(msg::label("action", r.action.as_str())),
            result,
            comfy_table::Cell::new(done),
        ]);
    }
    // What was done is the answer to "did it work", so it stays whole like the id; the action goes first.
    let hidden = crate::output::fit(&mut t, &[0, 3], &[1]);
    let mut out = format!("\n{t}\n");
    out.push_str(&crate::output::notes_below(style, notes, &hidden));
    if report.failed == 0 {
        out.push_str(&style.green(&msg::f(
            "deploy.deployed",
            &[
                ("changes", &msg::count("change", report.applied)),
                ("target", &report.plan.target),
            ],
        )));
    } else {
        out.push_str(&style.red(&msg::f(
            "deploy.partly",
            &[("applied", &report.applied), ("failed", &report.failed)],
        )));
    }
    out.push('\n');
    out
}
