//! The fetch and check reports as text for people and as Markdown for a pull request; the diffs are drawn by
//! the renderers `aispec diff` uses.

use std::fmt::Write as _;

use super::check::{CheckReport, CheckedSource, State};
use super::fetch::{FetchOutcome, FetchReport};
use super::problem::Problem;
use crate::diff::render::{human as diff_human, markdown as diff_markdown};
use crate::msg;
use crate::output::Style;
use crate::personal_data::FindingKind;

/// `knowledge fetch` for a terminal.
pub fn fetch_human(r: &FetchReport, style: &Style) -> String {
    let mut out = String::new();
    if r.sources.is_empty() {
        return no_sources();
    }
    let mut current = "";
    for s in &r.sources {
        group(&mut out, &mut current, &s.specialist, style);
        let word = match s.outcome {
            FetchOutcome::Written => style.green(&padded("written")),
            FetchOutcome::Unchanged => style.dim(&padded("unchanged")),
            FetchOutcome::Failed => style.red(&padded("failed")),
        };
        let _ = writeln!(out, "  {word}  {}  {}", s.file, style.dim(&format!("← {}", s.source)));
        if s.redacted_count > 0 {
            let _ = writeln!(
                out,
                "             {}",
                style.yellow(&msg::f(
                    "knowledge.redacted",
                    &[("count", &s.redacted_count), ("kinds", &kinds(&s.redacted))]
                ))
            );
        }
        if let Some(p) = &s.problem {
            problem(&mut out, p, style, "             ");
        }
    }
    let count = |o: FetchOutcome| r.sources.iter().filter(|s| s.outcome == o).count();
    let _ = write!(
        out,
        "\n{}",
        msg::f(
            "knowledge.fetch_summary",
            &[
                ("sources", &msg::count("source", r.sources.len())),
                ("written", &count(FetchOutcome::Written)),
                ("unchanged", &count(FetchOutcome::Unchanged)),
                ("failed", &count(FetchOutcome::Failed)),
            ],
        )
    );
    if count(FetchOutcome::Written) > 0 {
        out.push('\n');
        out.push_str(msg::t("knowledge.review"));
    }
    out
}

/// `knowledge check` for a terminal.
pub fn check_human(r: &CheckReport, style: &Style) -> String {
    if r.sources.is_empty() {
        return no_sources();
    }
    let mut out = String::new();
    let mut current = "";
    for s in &r.sources {
        group(&mut out, &mut current, &s.specialist, style);
        let word = msg::label("source_state", s.state.as_str());
        let state = match s.state {
            State::Unchanged => style.green(&word),
            State::Changed | State::NotFetched => style.yellow(&word),
            State::Unreachable | State::Refused => style.red(&word),
        };
        let _ = writeln!(out, "  {}  {state}  {}", s.file, style.dim(&format!("← {}", s.source)));
        let details = details(s);
        if !details.is_empty() {
            let _ = writeln!(out, "    {}", style.dim(&details));
        }
        if let Some(days) = s.overdue_days {
            let _ = writeln!(out, "    {}", style.yellow(&overdue(s, days)));
        }
        if let Some(d) = &s.diff {
            let _ = writeln!(
                out,
                "    {}",
                style.dim(&msg::f(
                    "knowledge.words",
                    &[("added", &d.words_added), ("removed", &d.words_removed)]
                ))
            );
            diff_human::hunks(&mut out, d, style, "    ");
        }
        if let Some(p) = &s.problem {
            problem(&mut out, p, style, "    ");
        }
    }
    let s = r.summary;
    let summary = msg::f(
        "knowledge.check_summary",
        &[
            ("sources", &msg::count("source", s.total)),
            ("unchanged", &s.unchanged),
            ("changed", &s.changed),
            ("stale", &s.stale),
            ("failed", &s.failed),
        ],
    );
    let _ = write!(out, "\n{summary}");
    out
}

/// The word for a fetch outcome, padded to the width of the widest, so the file names line up.
fn padded(outcome: &str) -> String {
    let word = msg::label("knowledge_word", outcome);
    let widest = ["written", "unchanged", "failed"]
        .iter()
        .map(|k| msg::label("knowledge_word", k).chars().count())
        .max()
        .unwrap_or(0);
    format!("{word:<widest$}")
}

/// `knowledge check` as Markdown: a table, then each change as a word diff for its owner to review.
pub fn check_markdown(r: &CheckReport) -> String {
    let mut out = String::from("## Knowledge sources\n\n");
    if r.sources.is_empty() {
        out.push_str("No `[[knowledge]]` entry has a `source`.\n");
        return out;
    }
    let _ = writeln!(out, "{}\n", summary(r));
    out.push_str("| Specialist | File | State | Owner | Fetched | Max age |\n|---|---|---|---|---|---|\n");
    for s in &r.sources {
        let mut state = s.state.as_str().to_owned();
        if let Some(days) = s.overdue_days {
            let _ = write!(state, ", {days} days past max age");
        }
        let _ = writeln!(
            out,
            "| {} | [{}]({}) | {} | {} | {} | {} |",
            cell(&s.specialist),
            cell(&s.file),
            cell(&s.source),
            state,
            cell(s.owner.as_deref().unwrap_or("–")),
            s.fetched_at.as_deref().map_or("–", |t| t.get(..10).unwrap_or(t)),
            s.max_age.as_deref().unwrap_or("–")
        );
    }
    out.push('\n');
    for s in &r.sources {
        if let Some(d) = &s.diff {
            let owner = s
                .owner
                .as_deref()
                .map(|o| format!(" · owner: {}", cell(o)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{}Source: {}{owner} (+{} −{} words; <del>removed</del>, <ins>added</ins>)\n",
                heading(s),
                cell(&s.source),
                d.words_added,
                d.words_removed
            );
            diff_markdown::hunks(&mut out, d);
        }
        if let Some(p) = &s.problem {
            let _ = writeln!(
                out,
                "{}{} ({})\n\nHow to fix: {}\n",
                heading(s),
                cell(&p.message),
                p.at,
                cell(&p.hint)
            );
        }
    }
    out
}

/// The specialist's folder as a heading, when its sources start.
fn group<'a>(out: &mut String, current: &mut &'a str, specialist: &'a str, style: &Style) {
    if specialist != *current {
        let _ = writeln!(out, "{}", style.bold(&format!("specialists/{specialist}")));
        *current = specialist;
    }
}

/// The Markdown heading of one source's section, with the blank line after it.
fn heading(s: &CheckedSource) -> String {
    format!("### `{}` · `{}`: {}\n\n", s.specialist, s.file, s.state.as_str())
}

fn no_sources() -> String {
    msg::t("knowledge.no_sources").to_owned()
}

fn details(s: &CheckedSource) -> String {
    let mut parts = Vec::new();
    if let Some(o) = &s.owner {
        parts.push(msg::f("knowledge.owner", &[("owner", o)]));
    }
    if let Some(t) = &s.fetched_at {
        parts.push(msg::f("knowledge.fetched", &[("date", &t.get(..10).unwrap_or(t))]));
    }
    if let Some(a) = &s.max_age {
        parts.push(msg::f("knowledge.max_age", &[("age", a)]));
    }
    parts.join(" · ")
}

fn overdue(s: &CheckedSource, days: i64) -> String {
    msg::f(
        "knowledge.overdue",
        &[
            ("age", &s.max_age.as_deref().unwrap_or_default()),
            ("days", &msg::count("day", usize::try_from(days).unwrap_or(0))),
        ],
    )
}

fn summary(r: &CheckReport) -> String {
    let s = r.summary;
    format!(
        "{} source{}: {} unchanged, {} changed, {} past max age, {} failed",
        s.total,
        plural(s.total),
        s.unchanged,
        s.changed,
        s.stale,
        s.failed
    )
}

fn problem(out: &mut String, p: &Problem, style: &Style, indent: &str) {
    let _ = writeln!(out, "{indent}{} {}", style.red(msg::t("common.error")), p.message);
    let _ = writeln!(out, "{indent}{} {}", style.dim(msg::t("knowledge.at")), p.at);
    let _ = writeln!(out, "{indent}{} {}", style.cyan(msg::t("common.hint")), p.hint);
}

fn kinds(kinds: &[FindingKind]) -> String {
    kinds
        .iter()
        .map(|k| match k {
            FindingKind::Cpr => msg::t("knowledge.cpr"),
            FindingKind::Email => msg::t("knowledge.emails"),
            FindingKind::Phone => msg::t("knowledge.phones"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One line for a table cell, with HTML and table syntax made inert.
fn cell(s: &str) -> String {
    s.replace('\n', " ")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}
