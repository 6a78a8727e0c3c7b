//! `aispec approve`: sign off the exact current content of a specialist or screening, and commit.

use serde::Serialize;

use super::Ctx;
use crate::approve::{Approval, ApproveError, Request};
use crate::error::{ExitStatus, UserError};
use crate::output::Format;
use crate::workspace::Workspace;

/// What is being signed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum What {
    /// A specialist in specialists/ID.
    Specialist,
    /// A screening in screenings/ID.
    Screening,
}

/// Record a sign-off bound to the content hash, write it into the file and commit.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec approve specialist klarsprog --role faglig-systemejer --by \"Anne Jensen\"
  aispec approve screening klarsprog --role dpo --by \"Bo Hansen\" --note \"DPIA not needed\"
  aispec approve specialist klarsprog --role legal --by \"Bo Hansen\" --allow-detached

Roles that may sign: aispec.toml signoff.required_roles plus the screening's required_signoffs.
Any later edit of the content voids the sign-off; `aispec validate` and `aispec status` show it.
The state is derived: draft (no valid sign-off) → in-review → approved (every required role signed).
A specialist is `blocked` — signed or not — until its `screening` is complete, approved and signed by
every role the screening requires; approve still records the signature and says what is missing.
Without a `screening` link it stays blocked unless aispec.toml sets `[signoff] require_screening = false`.
Signing a screening also updates its report.md with the sign-offs.

The sign-off is committed at once, so the workspace must be a git repository with HEAD on a
branch (--allow-detached commits on a detached HEAD; --no-commit only writes the file). All of it
is checked before the file is written. Two approvals at the same moment take turns (the workspace
lock) and both land.

A specialist with text left to fill in (UDFYLD: or TODO:, as `aispec new` writes it) is not signed;
`aispec validate` lists each placeholder. A typo in the id or the role gets a \"did you mean\".

Exit codes: 0 signed (or already signed), 1 the content has validation errors or placeholders,
2 unknown id or role, not a git repository, I/O or git error (nothing written).")]
pub struct Args {
    /// `specialist` or `screening`.
    #[arg(value_enum)]
    pub what: What,
    /// The id (folder name).
    pub id: crate::id::Id,
    /// The role you sign as (for example faglig-systemejer, legal, dpo).
    #[arg(long)]
    pub role: String,
    /// Your name as it should stand in the record.
    #[arg(long)]
    pub by: String,
    /// A remark kept with the sign-off.
    #[arg(long)]
    pub note: Option<String>,
    /// Whether and how to commit what is written.
    #[command(flatten)]
    pub commit: super::CommitArgs,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `approve`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    // Read, sign and write under the lock, so a second approval at the same moment waits and then adds to this one.
    // The lock comes before the repository check: a commit by another aispec run holds git's index lock briefly.
    let lock = super::lock_workspace(ctx, &ws)?;
    super::repo_ready_to_commit(&ws, args.commit)?;
    let dir = match args.what {
        What::Specialist => std::path::Path::new(crate::workspace::SPECIALISTS_DIR).join(&args.id),
        What::Screening => crate::model::screening::Screening::dir(&args.id),
    };
    lock.sweep(&ws.path(&dir));
    let req = Request {
        role: args.role.clone(),
        by: args.by.clone(),
        note: args.note.clone(),
        commit: !args.commit.no_commit,
        allow_detached: args.commit.allow_detached,
    };
    let result = match args.what {
        What::Specialist => crate::approve::specialist(&ws, &args.id, &req),
        What::Screening => crate::approve::screening(&ws, &args.id, &req),
    };
    let approval = match result {
        Ok(a) => a,
        Err(ApproveError::Invalid { path, diagnostics }) => {
            let text = crate::diagnostic::render_human(&diagnostics, &ctx.out.out, &|_, _| None);
            ctx.out.print(&text)?;
            ctx.out.refuse(&crate::msg::f(
                "approve.invalid",
                &[("path", &path), ("count", &diagnostics.len())],
            ));
            return Ok(ExitStatus::Failure);
        }
        Err(ApproveError::Unfinished { path, blocks }) => {
            for b in &blocks {
                let what = crate::msg::translate("placeholder", &b.message);
                ctx.out.refuse(&crate::msg::f(
                    "approve.unfinished",
                    &[("path", &path), ("what", &what)],
                ));
                ctx.out.hint(&crate::msg::translate("placeholder", &b.hint));
            }
            return Ok(ExitStatus::Failure);
        }
        Err(ApproveError::UnknownRole { role, id, required }) => {
            let message = crate::msg::f(
                "approve.unknown_role",
                &[("role", &role), ("id", &id), ("required", &required.join(", "))],
            );
            let hint = crate::suggest::hint(&role, &required, crate::msg::t("approve.unknown_role_hint"));
            return Err(UserError::new(message).hint(hint).into());
        }
        Err(ApproveError::Git(crate::git::GitError::NotARepo { path })) => {
            return Err(UserError::new(crate::msg::f("approve.not_a_repo", &[("path", &path)]))
                .hint(crate::msg::t("approve.not_a_repo_hint"))
                .into());
        }
        Err(ApproveError::NotFound { kind, id, path }) => {
            let known = match args.what {
                What::Specialist => ws.specialist_dirs(),
                What::Screening => ws.screening_ids(),
            };
            let hint = crate::suggest::hint(&args.id, &known, crate::msg::t("approve.not_found_hint"));
            let message = crate::msg::f("approve.not_found", &[("kind", &kind), ("id", &id), ("path", &path)]);
            return Err(UserError::new(message).hint(hint).into());
        }
        Err(e) => return Err(e.into()),
    };
    match args.format {
        Format::Json => ctx.out.json(&approval)?,
        Format::Human => ctx.out.print(&human(&approval, &ctx.out.out))?,
    }
    for w in &approval.warnings {
        ctx.out.warn(w);
    }
    Ok(ExitStatus::Success)
}

fn human(a: &Approval, style: &crate::output::Style) -> String {
    use crate::msg;
    let s = &a.signoff;
    let hash: String = s.content_hash.chars().take(19).collect();
    let role = msg::label("role_word", &s.role);
    let key = if a.already_signed {
        "approve.already"
    } else {
        "approve.signed"
    };
    let line = msg::f(
        key,
        &[
            ("file", &a.file),
            ("by", &s.by),
            ("role", &role),
            ("at", &s.at),
            ("hash", &hash),
        ],
    );
    let mut out = format!("{} {line}\n", style.green("✓"));
    let word = msg::label("state", a.state.as_str());
    let state = match a.state {
        crate::signoff::State::Approved => style.green(&word),
        crate::signoff::State::Blocked => style.red(&word),
        _ => style.yellow(&word),
    };
    if a.missing.is_empty() {
        out.push_str(&msg::f("approve.state", &[("state", &state)]));
    } else {
        let missing: Vec<String> = a.missing.iter().map(|r| msg::label("role_word", r)).collect();
        out.push_str(&msg::f(
            "approve.state_missing",
            &[("state", &state), ("roles", &missing.join(", "))],
        ));
    }
    out.push('\n');
    if !a.blocked.is_empty() {
        out.push_str(msg::t("approve.blocked"));
        out.push('\n');
        for b in &a.blocked {
            let message = msg::translate("gate", &b.message);
            let hint = msg::translate("gate-hint", &b.hint);
            out.push_str(&format!("  {} {message}\n    → {hint}\n", style.red("✗")));
        }
    }
    if let Some(c) = &a.commit {
        out.push_str(&msg::f("approve.committed", &[("commit", &c.get(..7).unwrap_or(c))]));
        out.push('\n');
    }
    out
}
