//! The terminal summary of a screening: the results table, why a track is not approved, stops, open points,
//! points for the lawyer and the action list — the same content as `report.md`, shorter.

use super::present::{self, action_groups, lawyer_points};
use super::rescreen::Change;
use super::texts::Texts;
use crate::model::questionnaire::Questionnaire;
use crate::model::screening::{Outcome, ScreeningResult, Track};
use crate::output::table;

/// What the summary shows besides the result.
pub struct Extra<'a> {
    /// Changed results (re-screening).
    pub changes: Option<&'a [Change]>,
    /// The date actions are compared with for "applies from" (`YYYY-MM-DD…`).
    pub today: &'a str,
}

/// The summary as text (no colour; the table adapts to `COLUMNS`).
pub fn render(q: &Questionnaire, r: &ScreeningResult, t: &Texts, extra: &Extra<'_>) -> String {
    let mut out = format!("{}\n", results_table(q, r, t));
    let mut below = String::new();
    push_why(&mut below, q, r, t);
    push_open(&mut below, r, t);
    push_actions(&mut below, r, t, extra.today);
    out.push_str(&wrap_lines(&below, crate::output::term_width()));
    if let Some(changes) = extra.changes {
        if changes.is_empty() {
            out.push_str(&format!("\n{}\n", t.get("label.no_changes")));
        } else {
            let mut c = table([t.get("label.field"), t.get("label.before"), t.get("label.after")]);
            for ch in changes {
                c.add_row([ch.field.clone(), ch.before.clone(), ch.after.clone()]);
            }
            out.push_str(&format!("\n{}:\n{c}\n", t.get("label.changes")));
        }
    }
    out
}

/// Outcome, tracks and the derived results as a two-column table.
fn results_table(q: &Questionnaire, r: &ScreeningResult, t: &Texts) -> comfy_table::Table {
    let label = |prefix: &str, v: &str| t.get(&format!("{prefix}.{v}")).to_owned();
    let mut tbl = table([t.get("label.result"), t.get("label.value")]);
    tbl.add_row([t.get("label.outcome").to_owned(), label("outcome", r.outcome.as_str())]);
    for track in Track::ALL {
        let title = q.track(track).map_or(track.as_str(), |i| i.title.get(t.lang));
        tbl.add_row([title.to_owned(), label("outcome", r.tracks.get(track).as_str())]);
    }
    tbl.add_row([
        t.get("label.ai_act_category").to_owned(),
        label("category", r.ai_act_category.as_str()),
    ]);
    tbl.add_row([t.get("label.dpia").to_owned(), label("dpia", r.dpia.as_str())]);
    tbl.add_row([
        t.get("label.data_classification").to_owned(),
        label("data_class", r.data_classification.as_str()),
    ]);
    let hosting: Vec<String> = r.allowed_hosting.iter().map(|h| present::hosting(t, *h)).collect();
    tbl.add_row([t.get("label.allowed_hosting").to_owned(), hosting.join(", ")]);
    let signoffs = if r.required_signoffs.is_empty() {
        t.get("label.none").to_owned()
    } else {
        let roles: Vec<String> = r.required_signoffs.iter().map(|x| present::role(t, x)).collect();
        roles.join(", ")
    };
    tbl.add_row([t.get("label.required_signoffs").to_owned(), signoffs]);
    tbl
}

/// What stops the use case, the open points and the unanswered questions.
fn push_open(out: &mut String, r: &ScreeningResult, t: &Texts) {
    if !r.stops.is_empty() {
        out.push_str(&format!("\n{}:\n", t.get("label.stops")));
        for s in &r.stops {
            let at = s.question.as_deref().or(s.rule.as_deref()).unwrap_or_default();
            out.push_str(&format!("  ⛔ {} [{at}]{}\n", s.text, paren(s.source.as_deref())));
        }
    }
    if !r.open_points.is_empty() {
        out.push_str(&format!(
            "\n{}: {}\n",
            t.get("label.open_points"),
            t.get("label.open_points_intro")
        ));
        for o in &r.open_points {
            let stop = if o.could_stop {
                format!(" ({})", t.get("label.could_stop"))
            } else {
                String::new()
            };
            out.push_str(&format!("  ? {} [{}]{stop}\n", o.text, o.question));
        }
    }
    if !r.unanswered.is_empty() {
        out.push_str(&format!(
            "\n{}: {}\n",
            t.get("label.unanswered"),
            r.unanswered.join(", ")
        ));
    }
}

/// The points for the lawyer, then the action list by kind.
fn push_actions(out: &mut String, r: &ScreeningResult, t: &Texts, today: &str) {
    let note = |a| {
        let n = present::action_note(t, a, today);
        if n.is_empty() { String::new() } else { format!(" ({n})") }
    };
    let lawyer = lawyer_points(r);
    if !lawyer.is_empty() {
        out.push_str(&format!("\n{}:\n", t.get("label.lawyer_points")));
        for a in lawyer {
            out.push_str(&format!("  § {}{}\n", a.text, note(a)));
        }
    }
    out.push_str(&format!("\n{}:\n", t.get("label.actions")));
    let groups = action_groups(r);
    if groups.is_empty() {
        out.push_str(&format!("  {}\n", t.get("label.none")));
    }
    for (kind, items) in groups {
        let kind = t.get(&format!("kind.{}", kind.as_str())).to_owned();
        for a in items {
            out.push_str(&format!("  - {kind}: {}{}\n", a.text, note(a)));
        }
    }
}

fn push_why(out: &mut String, q: &Questionnaire, r: &ScreeningResult, t: &Texts) {
    if r.outcome == Outcome::Approved {
        return;
    }
    out.push_str(&format!("\n{}:\n", t.get("label.why")));
    for track in present::why(q, r, t) {
        out.push_str(&format!("  {} — {}\n", track.title, track.outcome));
        for reason in track.reasons {
            out.push_str(&format!("    • {}{}\n", reason.text, paren(reason.source.as_deref())));
            out.push_str(&format!(
                "      {}: {}\n",
                t.get("label.rests_on"),
                reason.ids.join(", ")
            ));
            out.push_str(&format!("      → {}\n", reason.change));
        }
    }
}

fn paren(s: Option<&str>) -> String {
    s.map(|s| format!(" ({s})")).unwrap_or_default()
}

/// Each line wrapped to `width`, its continuation lines indented two more than the line itself (so a list
/// item stays readable in a narrow terminal).
fn wrap_lines(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let text = line.trim_start();
        let lead = &line[..line.len() - text.len()];
        let wrapped = crate::output::wrap(text, width.saturating_sub(lead.chars().count()), "  ");
        for part in wrapped.lines() {
            out.push_str(&format!("{lead}{part}\n"));
        }
        if wrapped.is_empty() {
            out.push('\n');
        }
    }
    out
}
