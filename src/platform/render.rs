//! The plan as text for people: a table of actions, then every change, with the system prompt word by word
//! exactly as `aispec diff` shows it.

use super::plan::{Action, Plan, PlanItem};
use crate::diff::render::human;
use comfy_table::{Cell, Color};

use crate::msg;
use crate::output::{Style, fit, styled_table};

/// The plan as tables and diffs.
pub fn render(plan: &Plan, style: &Style) -> String {
    let width = crate::output::term_width();
    let title = msg::f(
        "plan.title",
        &[
            ("target", &plan.target),
            ("url", &plan.url),
            ("workspace", &plan.workspace),
        ],
    );
    let mut out = crate::output::wrap(&title, width, "  ");
    out.push_str("\n\n");
    if plan.items.is_empty() {
        out.push_str(msg::t("plan.empty"));
        out.push('\n');
        return out;
    }
    let mut t = styled_table(
        style,
        [
            msg::t("plan.specialist"),
            msg::t("plan.action"),
            msg::t("plan.git"),
            msg::t("plan.deployed"),
            msg::t("plan.details"),
        ],
    );
    for i in &plan.items {
        t.add_row(vec![
            Cell::new(&i.id),
            action_cell(i),
            Cell::new(i.version.clone().unwrap_or_default()),
            Cell::new(i.deployed_version.clone().unwrap_or_else(|| "–".to_owned())),
            Cell::new(details(i)),
        ]);
    }
    // Details go first when the terminal is narrow, then what is deployed; the action stays.
    let hidden = fit(&mut t, &[0], &[4, 3, 2]);
    out.push_str(&t.to_string());
    out.push('\n');
    // Why an item is blocked, skipped or in conflict, whole: a table cell would cut it.
    let notes: Vec<String> = plan
        .items
        .iter()
        .filter_map(|i| Some(format!("{}: {}", i.id, reason(i.reason.as_deref()?))))
        .collect();
    out.push_str(&crate::output::notes_below(style, notes, &hidden));
    let changed: Vec<&PlanItem> = plan
        .items
        .iter()
        .filter(|i| i.has_changes() || i.grants.is_some() || i.knowledge.is_some())
        .filter(|i| matches!(i.action, Action::Update | Action::Drift | Action::Grants))
        .collect();
    if !changed.is_empty() {
        out.push('\n');
        out.push_str(msg::t("plan.changes"));
        out.push('\n');
        for i in changed {
            out.push_str(&item_diff(i, style));
        }
    }
    out.push('\n');
    out.push_str(&crate::output::wrap(&summary_line(plan, style), width, ""));
    out.push('\n');
    out
}

/// Why an item is not deployed as it is, in the current language.
pub fn reason(reason: &str) -> String {
    match reason.strip_prefix("blocked: ") {
        Some(blocks) => {
            let parts: Vec<String> = blocks.split("; ").map(|b| msg::translate("gate", b)).collect();
            format!("{}: {}", msg::label("action", "blocked"), parts.join("; "))
        }
        None => msg::translate("plan-reason", reason),
    }
}

/// The action, coloured through the table (so its width is measured without colour codes).
fn action_cell(i: &PlanItem) -> Cell {
    let word = match (i.action, i.overwrite, i.adopt) {
        (Action::Drift, true, _) => "drift (overwrite)",
        (Action::Update, _, true) if i.unchanged_adoption => "adopt (as is)",
        (Action::Update, _, true) => "adopt",
        (a, _, _) => a.as_str(),
    };
    let cell = Cell::new(msg::label("action", word));
    match i.action {
        Action::Create => cell.fg(Color::Green),
        Action::Update | Action::Grants => cell.fg(Color::Yellow),
        Action::Drift | Action::Delete | Action::Conflict | Action::Blocked => cell.fg(Color::Red),
        Action::Unchanged | Action::Orphan | Action::Skipped => cell.add_attribute(comfy_table::Attribute::Dim),
    }
}

fn details(i: &PlanItem) -> String {
    let mut parts: Vec<String> = Vec::new();
    if i.action == Action::Create {
        parts.push(msg::t("plan.new_model").to_owned());
    }
    let mut fields: Vec<&str> = i.changes.iter().map(|c| c.field.as_str()).collect();
    if i.prompt.is_some() {
        fields.push(msg::t("diff.system_prompt"));
    }
    if !fields.is_empty() {
        parts.push(fields.join(", "));
    }
    if let Some(k) = &i.knowledge {
        parts.push(format!(
            "{} +{} ~{} -{}",
            msg::t("diff.knowledge"),
            k.add.len(),
            k.change.len(),
            k.remove.len()
        ));
    }
    if i.grants.is_some() {
        parts.push(msg::t("plan.access").to_owned());
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
        out.push_str(&format!("    {}: {}\n", msg::t("plan.access"), parts.join("  ")));
    }
    if let Some(k) = &i.knowledge {
        let mut parts: Vec<String> = k.add.iter().map(|n| style.green(&format!("+ {n}"))).collect();
        parts.extend(k.change.iter().map(|n| style.yellow(&format!("~ {n}"))));
        parts.extend(k.remove.iter().map(|n| style.red(&format!("- {n}"))));
        out.push_str(&format!("    {}: {}\n", msg::t("diff.knowledge"), parts.join("  ")));
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
            return style.green(msg::t("plan.no_changes"));
        }
        if n(Action::Unchanged) + n(Action::Skipped) + n(Action::Blocked) == plan.items.len() {
            let mut line = style.green(msg::t("plan.nothing_to_deploy"));
            line.push_str(&format!(" ({extra}).{}", advice(plan)));
            return line;
        }
        let mut line = style.yellow(msg::t("plan.mismatch"));
        line.push_str(&format!(" ({extra}).{}", advice(plan)));
        return line;
    }
    let mut parts = vec![
        msg::f("plan.to_create", &[("count", &n(Action::Create))]),
        msg::f("plan.to_update", &[("count", &(n(Action::Update) + n(Action::Grants)))]),
        msg::f("plan.to_delete", &[("count", &n(Action::Delete))]),
    ];
    if n(Action::Drift) > 0 {
        parts.push(style.red(&msg::f("plan.by_hand", &[("count", &n(Action::Drift))])));
    }
    let mut line = msg::f("plan.summary", &[("parts", &parts.join(", "))]);
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
        out.push('\n');
        out.push_str(&msg::f(
            "plan.conflict",
            &[("ids", &conflicts.join(", ")), ("target", &plan.target)],
        ));
    }
    if plan.summary.count(Action::Orphan) > 0 {
        out.push('\n');
        out.push_str(msg::t("plan.orphans"));
    }
    out
}
fn extras(plan: &Plan) -> String {
    let s = &plan.summary;
    [
        (Action::Unchanged, "plan.n_unchanged"),
        (Action::Skipped, "plan.n_skipped"),
        (Action::Blocked, "plan.n_blocked"),
        (Action::Conflict, "plan.n_conflict"),
        (Action::Orphan, "plan.n_orphan"),
    ]
    .iter()
    .filter(|(a, _)| s.count(*a) > 0)
    .map(|(a, key)| msg::fill(msg::t(key), &[("count", &s.count(*a))]))
    .collect::<Vec<_>>()
    .join(", ")
}
