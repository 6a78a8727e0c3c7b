//! `aispec log`: the history of one specialist — versions, commits, sign-offs.

use std::fmt::Write as _;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::history::History;
use crate::msg;
use crate::output::Format;
use crate::workspace::Workspace;

/// Show the history of one specialist from git: versions, commits and who signed off when.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec log klarsprog
  aispec log klarsprog --format json

Exit codes: 0 shown, 2 unknown specialist, not a git repository or git error.")]
pub struct Args {
    /// The specialist's id (its folder under specialists/).
    pub id: crate::id::Id,
    /// How to print the history.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `log`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let repo = crate::git::open(&ws.root).map_err(|e| {
        let hint = e.hint_or("the history comes from git; commit the workspace first");
        UserError::new(e.to_string()).hint(hint)
    })?;
    let history = crate::history::history(&ws, &repo, &args.id)?;
    if history.entries.is_empty() && !history.uncommitted {
        let hint = crate::suggest::hint(
            &args.id,
            &ws.specialist_dirs(),
            "check the id with `aispec status`; new specialists appear after their first commit",
        );
        return Err(UserError::new(format!("specialists/{} has no history in git", args.id))
            .hint(hint)
            .into());
    }
    match args.format {
        Format::Json => ctx.out.json(&history)?,
        Format::Human => ctx.out.print(&human(&history, &ctx.out.out))?,
    }
    Ok(ExitStatus::Success)
}

fn human(h: &History, style: &crate::output::Style) -> String {
    let mut out = String::new();
    if h.uncommitted {
        let _ = writeln!(
            out,
            "{}  {}\n",
            style.yellow(msg::t("log.working_tree")),
            msg::f("log.uncommitted", &[("id", &h.id)])
        );
    }
    for e in &h.entries {
        let c = &e.commit;
        let version = match (&e.previous_version, &e.version) {
            (Some(p), Some(v)) => format!("{p} → {v}"),
            (None, Some(v)) => v.clone(),
            (_, None) => "—".to_owned(),
        };
        let _ = writeln!(
            out,
            "{} {} {}  {}  {}",
            style.yellow(&c.short),
            c.date.get(..10).unwrap_or(&c.date),
            c.author,
            style.bold(&version),
            c.summary
        );
        if e.created {
            let _ = writeln!(out, "        {}", style.green(msg::t("log.created")));
        }
        if e.removed {
            let _ = writeln!(out, "        {}", style.red(msg::t("log.removed")));
        }
        for s in &e.signed {
            let note = s.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
            let signed = msg::f(
                "log.signed",
                &[
                    ("by", &s.by),
                    ("role", &msg::label("role_word", &s.role)),
                    ("at", &s.at),
                ],
            );
            let _ = writeln!(out, "        {} {signed}{note}", style.green(msg::t("log.signed_by")));
        }
    }
    out
}
