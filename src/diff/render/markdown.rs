//! Markdown for a pull-request comment: a summary table, then one collapsible `<details>` per item with its
//! risks, changed fields and the system prompt word by word (`<del>`/`<ins>` inside `<pre>`, so the prompt's
//! own Markdown is shown as written, not rendered).

use std::fmt::Write as _;

use super::shared::{Piece, pieces, plural, short, sizes, summary_line, versions};
use crate::diff::fields::{FieldChange, show};
use crate::diff::report::{ChangeKind, DiffReport, FileChange, ItemDiff, Side, SpecialistDiff};
use crate::diff::words::{Segment, SegmentKind, TextDiff};

/// The report as GitHub-flavoured Markdown.
pub fn markdown(r: &DiffReport) -> String {
    let mut out = String::from("## aispec diff\n\n");
    let side = |s: &Side| match &s.commit {
        Some(c) => format!("{} (`{}`)", esc(&s.name), short(c)),
        None => esc(&s.name),
    };
    let _ = writeln!(out, "Comparing {} → {}.\n", side(&r.base), side(&r.head));
    if r.is_empty() {
        out.push_str("No changes to specialists, screenings or the model catalogue.\n");
        return out;
    }
    let _ = writeln!(out, "**{}**\n", summary_line(r));
    if !r.specialists.is_empty() {
        out.push_str("| | Specialist | Change | Version | Sign-off | Notes |\n|---|---|---|---|---|---|\n");
        for d in &r.specialists {
            let flag = if !d.risks.is_empty() || version_bad(d) {
                "⚠️"
            } else {
                ""
            };
            let state = d.signoffs.state.map(|s| s.as_str()).unwrap_or("");
            let _ = writeln!(
                out,
                "| {flag} | `{}` | {} | {} | {state} | {} |",
                d.id,
                change_words(d),
                versions(d),
                notes(d)
            );
        }
        out.push('\n');
    }
    for d in &r.specialists {
        specialist(&mut out, d);
    }
    for (what, items) in [("screenings/", &r.screenings), ("models.toml: ", &r.models)] {
        for d in items {
            item(&mut out, what, d);
        }
    }
    out
}

fn version_bad(d: &SpecialistDiff) -> bool {
    d.version_check.as_ref().is_some_and(|v| !v.ok)
}

fn change_words(d: &SpecialistDiff) -> String {
    match &d.renamed_from {
        Some(from) => format!("renamed from `{from}`"),
        None => d.change.as_str().to_owned(),
    }
}

fn notes(d: &SpecialistDiff) -> String {
    let mut parts = Vec::new();
    if !d.risks.is_empty() {
        parts.push(format!("{} risky change{}", d.risks.len(), plural(d.risks.len())));
    }
    if let Some(v) = d.version_check.as_ref().filter(|v| !v.ok) {
        parts.push(format!("needs {} bump", v.required.as_str()));
    }
    if !d.signoffs.voided.is_empty() {
        parts.push("sign-off voided".to_owned());
    }
    parts.join(", ")
}

fn specialist(out: &mut String, d: &SpecialistDiff) {
    let mut summary = format!("<code>{}</code> · {}", d.id, esc(&change_words(d)).replace('`', ""));
    let v = versions(d);
    if !v.is_empty() {
        summary.push_str(&format!(" · {v}"));
    }
    let n = notes(d);
    if !n.is_empty() {
        summary.push_str(&format!(" · ⚠️ {n}"));
    }
    let _ = writeln!(out, "<details>\n<summary>{summary}</summary>\n");
    if d.change == ChangeKind::Removed {
        out.push_str("The specialist's folder was removed from the workspace.\n\n");
    }
    for p in &d.problems {
        let _ = writeln!(out, "> **Problem:** {}\n", esc(p));
    }
    if !d.risks.is_empty() {
        out.push_str("**Risky changes**\n\n");
        for r in &d.risks {
            let _ = writeln!(out, "- ⚠️ {}", esc(&r.message));
        }
        out.push('\n');
    }
    if let Some(v) = d.version_check.as_ref().filter(|v| !v.ok) {
        let _ = writeln!(
            out,
            "**Version:** needs a {} bump ({}); run `aispec bump {} {}` to set {}.\n",
            v.required.as_str(),
            esc(&v.reasons.join(", ")),
            d.id,
            v.required.as_str(),
            v.suggested
        );
    }
    fields_table(out, &d.fields);
    if let Some(p) = &d.prompt {
        prompt(out, p, d.change == ChangeKind::Added);
    }
    files_list(out, "Knowledge", &d.knowledge);
    if d.tests_changed {
        out.push_str("`tests.toml` changed.\n\n");
    }
    if d.only_formatting() {
        out.push_str("Formatting or comments only.\n\n");
    }
    for s in &d.signoffs.voided {
        let _ = writeln!(
            out,
            "- ❌ Sign-off by {} as `{}` ({}) is void for the new content.",
            esc(&s.by),
            s.role,
            s.at
        );
    }
    for s in &d.signoffs.added {
        let _ = writeln!(out, "- ✅ Signed by {} as `{}` ({}).", esc(&s.by), s.role, s.at);
    }
    if !d.signoffs.voided.is_empty() || !d.signoffs.added.is_empty() {
        out.push('\n');
    }
    out.push_str("</details>\n\n");
}

/// A new prompt whole and folded; a changed one region by region, word by word.
fn prompt(out: &mut String, p: &TextDiff, new: bool) {
    if new {
        let text: String = p
            .hunks
            .iter()
            .flat_map(|h| &h.segments)
            .map(|s| s.text.as_str())
            .collect();
        let _ = writeln!(
            out,
            "<details>\n<summary>System prompt ({} words)</summary>\n\n<pre>\n{}\n</pre>\n\n</details>\n",
            p.words_added,
            html(text.trim_end())
        );
        return;
    }
    let _ = writeln!(
        out,
        "**System prompt** (+{} −{} words; <del>removed</del>, <ins>added</ins>)\n",
        p.words_added, p.words_removed
    );
    hunks(out, p);
}

/// Each changed region of a text diff in a `<pre>` block, word by word with `<del>` and `<ins>` (the body of
/// the prompt section, also used for other texts such as fetched knowledge).
pub fn hunks(out: &mut String, p: &TextDiff) {
    out.push_str("<pre>\n");
    for (i, h) in p.hunks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "<b>@@ line {} @@</b>", h.new_line);
        out.push_str(&inline(&h.segments));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str("</pre>\n\n");
}

fn fields_table(out: &mut String, fields: &[FieldChange]) {
    if fields.is_empty() {
        return;
    }
    out.push_str("| Field | Before | After |\n|---|---|---|\n");
    let mut long = Vec::new();
    for f in fields {
        if !f.added.is_empty() || !f.removed.is_empty() {
            let list = |items: &[serde_json::Value], sign: &str| {
                items
                    .iter()
                    .map(|v| format!("{sign} {}", cell(&show(v))))
                    .collect::<Vec<_>>()
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                f.field,
                list(&f.removed, "−").join("<br>"),
                list(&f.added, "+").join("<br>")
            );
        } else if let Some(words) = &f.words {
            let _ = writeln!(out, "| `{}` | *see below* | |", f.field);
            long.push((f.field.as_str(), words));
        } else {
            let show_cell = |v: &Option<serde_json::Value>| v.as_ref().map_or("—".to_owned(), |v| cell(&show(v)));
            let _ = writeln!(out, "| `{}` | {} | {} |", f.field, show_cell(&f.old), show_cell(&f.new));
        }
    }
    out.push('\n');
    for (name, words) in long {
        let _ = writeln!(
            out,
            "`{name}`:\n<pre>\n{}\n</pre>\n",
            inline(words).trim_end_matches('\n')
        );
    }
}

fn files_list(out: &mut String, title: &str, files: &[FileChange]) {
    if files.is_empty() {
        return;
    }
    let _ = writeln!(out, "**{title}**\n");
    for f in files {
        let _ = writeln!(out, "- {} `{}`{}", f.change.as_str(), f.file, sizes(f));
    }
    out.push('\n');
}

fn item(out: &mut String, prefix: &str, d: &ItemDiff) {
    let flag = if d.risks.is_empty() {
        String::new()
    } else {
        format!(" · ⚠️ {} risky change{}", d.risks.len(), plural(d.risks.len()))
    };
    let _ = writeln!(
        out,
        "<details>\n<summary><code>{prefix}{}</code> · {}{flag}</summary>\n",
        d.id,
        d.change.as_str()
    );
    if !d.risks.is_empty() {
        for r in &d.risks {
            let _ = writeln!(out, "- ⚠️ {}", esc(&r.message));
        }
        out.push('\n');
    }
    fields_table(out, &d.fields);
    files_list(out, "Files", &d.files);
    out.push_str("</details>\n\n");
}

/// Segments as HTML for inside `<pre>`.
fn inline(segments: &[Segment]) -> String {
    let mut s = String::new();
    for Piece { kind, text } in pieces(segments) {
        let t = html(&text);
        match kind {
            SegmentKind::Equal => s.push_str(&t),
            SegmentKind::Removed => {
                let _ = write!(s, "<del>{t}</del>");
            }
            SegmentKind::Added => {
                let _ = write!(s, "<ins>{t}</ins>");
            }
        }
    }
    s
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Text for Markdown outside code: HTML and Markdown table syntax made inert.
fn esc(s: &str) -> String {
    html(s).replace('|', "\\|")
}

/// A table cell: one line, escaped, shortened.
fn cell(s: &str) -> String {
    let one_line = s.replace('\n', " ");
    let shown: String = one_line.chars().take(120).collect();
    let more = if one_line.chars().count() > 120 { "…" } else { "" };
    format!("{}{more}", esc(&shown))
}
