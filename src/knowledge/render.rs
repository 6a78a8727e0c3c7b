//! The fetch and check reports as text for people and as Markdown for a pull request; the diffs are drawn by
//! the renderers `aispec diff` uses.

use std::fmt::Write as _;

use super::check::{CheckReport, CheckedSource, State};
use super::fetch::{FetchOutcome, FetchReport};
use super::problem::Problem;
use crate::diff::render::{human as diff_human, markdown as diff_markdown};
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
            FetchOutcome::Written => style.green("written  "),
            FetchOutcome::Unchanged => style.dim("unchanged"),
            FetchOutcome::Failed => style.red("failed   "),
        };
        let _ = writeln!(out, "  {word}  {}  {}", s.file, style.dim(&format!("← {}", s.source)));
        if s.redacted_count > 0 {
            let _ = writeln!(
                out,
                "             {}",
                style.yellow(&format!(
                    "{} replaced by placeholders ({}); add public contact details to [privacy] allow to keep them",
                    s.redacted_count,
                    kinds(&s.redacted)
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
        "\n{} source{}: {} written, {} unchanged, {} failed",
        r.sources.len(),
        plural(r.sources.len()),
        count(FetchOutcome::Written),
        count(FetchOutcome::Unchanged),
        count(FetchOutcome::Failed)
    );
    if count(FetchOutcome::Written) > 0 {
        out.push_str("\nReview the changes with `git diff`, then bump the version and ask for sign-off as usual.");
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
        let state = match s.state {
            State::Unchanged => style.green(s.state.as_str()),
            State::Changed | State::NotFetched => style.yellow(s.state.as_str()),
            State::Unreachable | State::Refused => style.red(s.state.as_str()),
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
                style.dim(&format!("+{} −{} words", d.words_added, d.words_removed))
            );
            diff_human::hunks(&mut out, d, style, "    ");
        }
        if let Some(p) = &s.problem {
            problem(&mut out, p, style, "    ");
        }
    }
    let _ = write!(out, "\n{}", summary(r));
    out
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
    "No [[knowledge]] entry has a source; add `source = \"https://…\"` to one to fetch it.".to_owned()
}

fn details(s: &CheckedSource) -> String {
    let mut parts = Vec::new();
    if let Some(o) = &s.owner {
        parts.push(format!("owner: {o}"));
    }
    if let Some(t) = &s.fetched_at {
        parts.push(format!("fetched {}", t.get(..10).unwrap_or(t)));
    }
    if let Some(a) = &s.max_age {
        parts.push(format!("max age {a}"));
    }
    parts.join(" · ")
}

fn overdue(s: &CheckedSource, days: i64) -> String {
    format!(
        "older than its max age {} by {days} day{}: fetch it again and let the owner confirm it",
        s.max_age.as_deref().unwrap_or_default(),
        if days == 1 { "" } else { "s" }
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
    let _ = writeln!(out, "{indent}{} {}", style.red("error:"), p.message);
    let _ = writeln!(out, "{indent}{} {}", style.dim("at:"), p.at);
    let _ = writeln!(out, "{indent}{} {}", style.cyan("hint:"), p.hint);
}

fn kinds(kinds: &[FindingKind]) -> String {
    kinds
        .iter()
        .map(|k| match k {
            FindingKind::Cpr => "CPR numbers",
            FindingKind::Email => "e-mail addresses",
            FindingKind::Phone => "phone numbers",
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
