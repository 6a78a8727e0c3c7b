//! `aispec register`: the public AI register records of the use cases.

use std::path::PathBuf;

use super::Ctx;
use crate::error::ExitStatus;
use crate::msg;
use crate::register::{Context, Portfolio};
use crate::workspace::Workspace;

/// Public AI register records (Algorithm Register Metadata Standard) built from the workspace.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec register                          # a summary: one line per use case, its status and the gaps
  aispec register klarsprog --format json  # one record as JSON
  aispec register --format html --out register.html

One record per specialist, and per screening without a specialist yet (status \"in development\"). Field names
are those of the Algorithm Register Metadata Standard (standaard.algoritmeregister.org); the README has the
table of where each field comes from. Fields aispec has no data for are listed under `gaps`, never invented.
Organisation-wide fields come from [register] in aispec.toml. Records are public by design: personal data is
redacted, signers appear by role and date only (unless [register] show_names = true), and URLs whose host is
not in [register] public_hosts are replaced.

Exit codes: 0 every record is complete; 1 a record misses a field the schema requires (the problems are
listed; `aispec validate` warns about them too); 2 not a workspace, unknown id, or the file cannot be written.")]
pub struct Args {
    /// Only these use cases (specialist or screening ids).
    pub ids: Vec<String>,
    /// How to print the records.
    #[arg(long, value_enum, default_value_t = RegisterFormat::Human)]
    pub format: RegisterFormat,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Output formats of `register`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RegisterFormat {
    /// A summary for people.
    Human,
    /// The records as JSON (`{"records": [...]}`).
    Json,
    /// One self-contained HTML page.
    Html,
}

/// Runs `register`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let portfolio = Portfolio::load(&ws);
    for p in &portfolio.problems {
        ctx.out.warn(p);
    }
    let known: Vec<&str> = portfolio.use_cases.iter().map(|u| u.row.id.as_str()).collect();
    if let Some(unknown) = args.ids.iter().find(|id| !known.contains(&id.as_str())) {
        return Err(
            crate::error::UserError::new(format!("no specialist or screening `{unknown}`"))
                .hint(format!("known ids: {}", known.join(", ")))
                .into(),
        );
    }
    let mut diags = Vec::new();
    let catalog = ws.catalog(&mut diags);
    let cx = Context::new(&ws.config, &catalog);
    let report = crate::register::report(&cx, &portfolio, &args.ids);
    let text = match args.format {
        RegisterFormat::Json => {
            let mut t = serde_json::to_string_pretty(&report)?;
            t.push('\n');
            t
        }
        RegisterFormat::Html => crate::site::register_html(&ws, &report.records)?,
        RegisterFormat::Human => human(&report, &ctx.out.out),
    };
    match &args.out {
        Some(path) => {
            let path = if path.is_absolute() {
                path.clone()
            } else {
                ctx.cwd.join(path)
            };
            crate::fsutil::write_atomic(&path, text.as_bytes())
                .map_err(|e| crate::error::UserError::new(format!("cannot write {}: {e}", path.display())))?;
            ctx.out.status(&format!(
                "wrote {} record(s) to {}",
                report.records.len(),
                path.display()
            ));
        }
        None => ctx.out.print(&text)?,
    }
    if args.format != RegisterFormat::Human {
        for (id, problems) in &report.problems {
            for p in problems {
                ctx.out.warn(&format!("{id}: {} ({})", p.message, p.hint));
            }
        }
    }
    Ok(if report.problems.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

fn human(report: &crate::register::Report, style: &crate::output::Style) -> String {
    if report.records.is_empty() {
        return format!("{}\n", msg::t("register.empty"));
    }
    let mut table = crate::output::table([
        msg::t("register.use_case"),
        msg::t("register.status"),
        msg::t("register.risk_category"),
        msg::t("register.dpia"),
        msg::t("register.missing"),
    ]);
    for r in &report.records {
        let missing: Vec<String> = report
            .problems
            .get(&r.id)
            .map(|ps| ps.iter().map(|p| p.field.clone()).collect())
            .unwrap_or_default();
        table.add_row(vec![
            r.name.clone(),
            r.status.to_owned(),
            r.risk_category.unwrap_or("—").to_owned(),
            r.dpia.unwrap_or("—").to_owned(),
            if missing.is_empty() {
                style.green(msg::t("register.none"))
            } else {
                style.red(&missing.join(", "))
            },
        ]);
    }
    let mut out = format!("{table}\n");
    for (id, problems) in &report.problems {
        for p in problems {
            out.push_str(&format!("{} {id}: {} — {}\n", style.dim("·"), p.message, p.hint));
        }
    }
    out.push_str(msg::t("register.gaps"));
    out.push('\n');
    out
}
