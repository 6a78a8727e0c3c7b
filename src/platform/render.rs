//! The plan as text for people: a table of actions, then every change, with the system prompt word by word
//! exactly as `aispec diff` shows it.

use super::plan::{Action, Plan, PlanItem};
use crate::diff::render::human;
use crate::output::{Style, table};

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
        .filter(|i| i.has_changes() || i.grants.is_some() || i.knowledge.is_some())
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
        (Action::Update, _, true) if i.unchanged_adoption => "adopt (as is)",
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
    let mut fields: Vec<&str> = i.changes.iter().map(|c| c.field.as_str()).collect();
    if i.prompt.is_some() {
        fields.push("system prompt");
    }
    if !fields.is_empty() {
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
        human::field(&mut out, c, style, "    ");
    }
    if let Some(p) = &i.prompt {
        human::prompt(&mut out, p, style, "    ");
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

/// "Plan: 1 to create, 2 to update, …" with the counts that occur; "No changes" only when the platform
/// really matches git, and otherwise what stands in the way and what to do about it.
pub fn summary_line(plan: &Plan, style: &Style) -> String {
    let s = &plan.summary;
    let n = |a: Action| s.count(a);
    let extra = extras(plan);
    if !plan.changes_pending {
        if extra.is_empty() || n(Action::Unchanged) == plan.items.len() {
            return style.green("No changes: the platform matches git.");
        }
        if n(Action::Unchanged) + n(Action::Skipped) + n(Action::Blocked) == plan.items.len() {
            let mut line = style.green("No changes to deploy");
            line.push_str(&format!(" ({extra}).{}", advice(plan)));
            return line;
        }
        let mut line = style.yellow("Nothing to deploy, but the platform does not match git");
        line.push_str(&format!(" ({extra}).{}", advice(plan)));
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
    let mut line = format!("Plan: {}.", parts.join(", "));
    if !extra.is_empty() {
        line.push_str(&format!(" ({extra})"));
    }
    line.push_str(&advice(plan));
    line
}

/// What to do about conflicts and models gone from git, one line each.
fn advice(plan: &Plan) -> String {
    let mut out = String::new();
    let conflicts: Vec<&str> = plan
        .items
        .iter()
        .filter(|i| i.action == Action::Conflict)
        .map(|i| i.id.as_str())
        .collect();
    if !conflicts.is_empty() {
        out.push_str(&format!(
            "\nIn conflict: {}. A model with the same id exists that this workspace does not own, so deploy stops \
             before writing. To adopt a model made in the web UI: `aispec import --from-target {} ID`, then \
             `aispec deploy --target {} --adopt` (an unchanged import needs no sign-off). Otherwise rename the \
             specialist.",
            conflicts.join(", "),
            plan.target,
            plan.target
        ));
    }
    if plan.summary.count(Action::Orphan) > 0 {
        out.push_str("\nGone from git: deployed by this workspace, kept until `--prune` deletes them.");
    }
    out
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
