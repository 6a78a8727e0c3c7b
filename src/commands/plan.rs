//! `aispec plan`: what deploy would create, change or remove on a target, and why — like `terraform plan`.

use anyhow::Context as _;

use crate::Ctx;
use crate::error::{ExitStatus, ExitWith};
use crate::output::{Style, table};
use crate::platform::diff::{FieldChange, WordOp};
use crate::platform::plan::{Action, Plan, PlanItem, PlanOptions};
use crate::platform::{self, local};
use crate::workspace::Workspace;

/// Output format of `plan`, `deploy`, `import` and `export`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables and diffs for people.
    #[default]
    Human,
    /// One JSON document on stdout.
    Json,
}

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
    /// Only these specialists (ids); nothing is pruned.
    pub ids: Vec<crate::id::Id>,
    /// The target from aispec.toml (default: the only one).
    #[arg(long, short = 't', env = "AISPEC_TARGET")]
    pub target: Option<String>,
    /// Also plan deleting models this workspace deployed whose specialist is gone from git.
    #[arg(long)]
    pub prune: bool,
    /// Plan overwriting models edited by hand (drift).
    #[arg(long)]
    pub force: bool,
    /// Plan taking over models with a specialist's id that aispec did not create.
    #[arg(long)]
    pub adopt: bool,
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
    let options = PlanOptions {
        prune: args.prune && args.ids.is_empty(),
        force: args.force,
        adopt: args.adopt,
    };
    let plan = compute(
        ctx,
        &ws,
        args.target.as_deref(),
        &crate::id::strings(&args.ids),
        options,
    )?;
    match args.format {
        Format::Json => ctx.out.json(&plan)?,
        Format::Human => ctx.out.print(&render(&plan, &ctx.out.out))?,
    }
    Ok(if args.detailed_exitcode && plan.changes_pending {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}

/// Loads git's side, reads the live state and computes the plan (shared with `deploy`).
pub fn compute(
    ctx: &Ctx,
    ws: &Workspace,
    target: Option<&str>,
    ids: &[String],
    options: PlanOptions,
) -> anyhow::Result<Plan> {
    let candidates = local::candidates(ws, ids)?;
    let conn = platform::connect(ws, target)?;
    ctx.out
        .status(&format!("Reading {} ({})…", conn.name, conn.client.url()));
    let rt = platform::runtime().context("cannot start the network runtime")?;
    let live = platform::read_live_blocking(&rt, &conn)?;
    Ok(platform::make_plan(
        ws,
        &conn,
        &candidates,
        &live,
        options,
        !ids.is_empty(),
    )?)
}

/// The plan as tables and diffs.
pub fn render(plan: &Plan, style: &Style) -> String {
    let mut out = format!(
        "Plan for target {} ({}), workspace {}\n\n",
        style.bold(&plan.target),
        plan.url,
        plan.workspace
    );
    if plan.items.is_empty() {
        out.push_str("No specialists in git and none deployed by this workspace.\n");
        return out;
    }
    let mut t = table(["Specialist", "Action", "Git", "Deployed", "Details"]);
    for i in &plan.items {
        t.add_row(vec![
            i.id.clone(),
            action_word(i, style),
            i.version.clone().unwrap_or_default(),
            i.deployed_version.clone().unwrap_or_else(|| "–".to_owned()),
            details(i),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    let changed: Vec<&PlanItem> = plan
        .items
        .iter()
        .filter(|i| !i.changes.is_empty() || i.grants.is_some() || i.knowledge.is_some())
        .filter(|i| matches!(i.action, Action::Update | Action::Drift | Action::Grants))
        .collect();
    if !changed.is_empty() {
        out.push_str("\nChanges (platform → git):\n");
        for i in changed {
            out.push_str(&item_diff(i, style));
        }
    }
    out.push('\n');
    out.push_str(&summary_line(plan, style));
    out.push('\n');
    out
}

fn action_word(i: &PlanItem, style: &Style) -> String {
    let word = match (i.action, i.overwrite, i.adopt) {
        (Action::Drift, true, _) => "drift (overwrite)",
        (Action::Update, _, true) => "adopt",
        (a, _, _) => a.as_str(),
    };
    match i.action {
        Action::Create => style.green(word),
        Action::Update | Action::Grants => style.yellow(word),
        Action::Drift | Action::Delete | Action::Conflict | Action::Blocked => style.red(word),
        Action::Unchanged | Action::Orphan | Action::Skipped => style.dim(word),
    }
}

fn details(i: &PlanItem) -> String {
    let mut parts: Vec<String> = Vec::new();
    if i.action == Action::Create {
        parts.push("new model".to_owned());
    }
    if !i.changes.is_empty() {
        let fields: Vec<&str> = i.changes.iter().map(|c| c.field.as_str()).collect();
        parts.push(fields.join(", "));
    }
    if let Some(k) = &i.knowledge {
        parts.push(format!(
            "knowledge +{} ~{} -{}",
            k.add.len(),
            k.change.len(),
            k.remove.len()
        ));
    }
    if i.grants.is_some() {
        parts.push("access".to_owned());
    }
    if let Some(r) = &i.reason {
        parts.push(r.clone());
    }
    parts.join("; ")
}

fn item_diff(i: &PlanItem, style: &Style) -> String {
    let sign = match i.action {
        Action::Drift => style.red("!"),
        _ => style.yellow("~"),
    };
    let versions = match (&i.deployed_version, &i.version) {
        (Some(a), Some(b)) if a != b => format!(" ({a} → {b})"),
        _ => String::new(),
    };
    let mut out = format!("{sign} {}{versions}\n", style.bold(&i.id));
    for c in &i.changes {
        out.push_str(&format!("    {}: {}\n", c.field, change_text(c, style)));
    }
    if let Some(g) = &i.grants {
        let mut parts: Vec<String> = g.add.iter().map(|n| style.green(&format!("+ {n}"))).collect();
        parts.extend(g.remove.iter().map(|n| style.red(&format!("- {n}"))));
        out.push_str(&format!("    access: {}\n", parts.join("  ")));
    }
    if let Some(k) = &i.knowledge {
        let mut parts: Vec<String> = k.add.iter().map(|n| style.green(&format!("+ {n}"))).collect();
        parts.extend(k.change.iter().map(|n| style.yellow(&format!("~ {n}"))));
        parts.extend(k.remove.iter().map(|n| style.red(&format!("- {n}"))));
        out.push_str(&format!("    knowledge: {}\n", parts.join("  ")));
    }
    out
}

fn change_text(c: &FieldChange, style: &Style) -> String {
    if !c.words.is_empty() {
        return words_text(c, style);
    }
    let show = |v: &Option<serde_json::Value>| v.as_ref().map_or_else(|| "(none)".to_owned(), |v| v.to_string());
    format!("{} → {}", style.red(&show(&c.before)), style.green(&show(&c.after)))
}

/// The word diff on one line: unchanged stretches shortened, removals and additions marked (colour or
/// `[-…-]`/`{+…+}` without colour).
fn words_text(c: &FieldChange, style: &Style) -> String {
    const KEEP: usize = 6;
    let mut out = String::new();
    let last = c.words.len().saturating_sub(1);
    for (n, w) in c.words.iter().enumerate() {
        let text = w.text.replace('\n', "⏎");
        match w.op {
            WordOp::Equal => {
                let words: Vec<&str> = text.split_whitespace().collect();
                if words.len() <= 2 * KEEP {
                    out.push_str(&text);
                } else {
                    let head = if n == 0 {
                        "…".to_owned()
                    } else {
                        words[..KEEP].join(" ")
                    };
                    let tail = if n == last {
                        "…".to_owned()
                    } else {
                        words[words.len() - KEEP..].join(" ")
                    };
                    let lead = if text.starts_with(char::is_whitespace) { " " } else { "" };
                    let trail = if text.ends_with(char::is_whitespace) { " " } else { "" };
                    out.push_str(&format!("{lead}{head} … {tail}{trail}"));
                }
            }
            WordOp::Delete if style.enabled() => out.push_str(&style.removed(&text)),
            WordOp::Insert if style.enabled() => out.push_str(&style.added(&text)),
            WordOp::Delete => out.push_str(&format!("[-{text}-]")),
            WordOp::Insert => out.push_str(&format!("{{+{text}+}}")),
        }
    }
    out
}

/// "Plan: 1 to create, 2 to update, …" with the counts that occur.
pub fn summary_line(plan: &Plan, style: &Style) -> String {
    let s = &plan.summary;
    let n = |a: Action| s.count(a);
    if !plan.changes_pending {
        let mut line = style.green("No changes: the platform matches git.");
        let extra = extras(plan);
        if !extra.is_empty() {
            line.push_str(&format!(" ({extra})"));
        }
        return line;
    }
    let mut parts = vec![
        format!("{} to create", n(Action::Create)),
        format!("{} to update", n(Action::Update) + n(Action::Grants)),
        format!("{} to delete", n(Action::Delete)),
    ];
    if n(Action::Drift) > 0 {
        parts.push(style.red(&format!("{} changed by hand", n(Action::Drift))));
    }
    let extra = extras(plan);
    let mut line = format!("Plan: {}.", parts.join(", "));
    if !extra.is_empty() {
        line.push_str(&format!(" ({extra})"));
    }
    line
}

fn extras(plan: &Plan) -> String {
    let s = &plan.summary;
    [
        (Action::Unchanged, "unchanged"),
        (Action::Skipped, "skipped"),
        (Action::Blocked, "blocked by their screening"),
        (Action::Conflict, "in conflict"),
        (Action::Orphan, "gone from git"),
    ]
    .iter()
    .filter(|(a, _)| s.count(*a) > 0)
    .map(|(a, w)| format!("{} {w}", s.count(*a)))
    .collect::<Vec<_>>()
    .join(", ")
}
