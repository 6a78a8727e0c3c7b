//! Terminal text: one block per item, the prompt inline word by word (coloured, or `[-…-]{+…+}` without colour).

use std::fmt::Write as _;

use super::shared::{Piece, pieces, short, sizes, summary_line, versions};
use crate::diff::fields::{FieldChange, show};
use crate::diff::report::{ChangeKind, DiffReport, FileChange, ItemDiff, Risk, Side, SpecialistDiff};
use crate::diff::words::{Segment, SegmentKind, TextDiff};
use crate::msg;
use crate::output::Style;

/// The report as terminal text.
pub fn human(r: &DiffReport, style: &Style) -> String {
    let mut out = String::new();
    let side = |s: &Side| match &s.commit {
        Some(c) if s.name != short(c) => format!("{} ({})", side_name(&s.name), short(c)),
        _ => side_name(&s.name),
    };
    let _ = writeln!(out, "{}", style.dim(&format!("{} → {}", side(&r.base), side(&r.head))));
    if r.is_empty() {
        out.push_str(msg::t("diff.no_changes"));
        out.push('\n');
        return out;
    }
    for d in &r.specialists {
        out.push('\n');
        specialist(&mut out, d, style);
    }
    for (what, items) in [("screening", &r.screenings), ("model", &r.models)] {
        for d in items {
            out.push('\n');
            item(&mut out, what, d, style);
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(r));
    out
}

/// A revision's name; the working tree in the current language.
fn side_name(name: &str) -> String {
    if name == "working tree" {
        msg::t("diff.working_tree").to_owned()
    } else {
        name.to_owned()
    }
}

/// Why a version bump is needed, in the current language.
pub fn reasons(reasons: &[String]) -> String {
    let shown: Vec<String> = reasons.iter().map(|r| msg::translate("reason", r)).collect();
    shown.join(", ")
}

fn mark(change: ChangeKind, style: &Style) -> String {
    match change {
        ChangeKind::Added => style.green("+"),
        ChangeKind::Removed => style.red("-"),
        ChangeKind::Renamed => style.yellow("→"),
        ChangeKind::Changed => style.yellow("~"),
    }
}

fn specialist(out: &mut String, d: &SpecialistDiff, style: &Style) {
    let from = d
        .renamed_from
        .as_ref()
        .map(|f| format!(" {}", msg::f("diff.from", &[("old", f)])))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {}  {}{from}  {}",
        mark(d.change, style),
        style.bold(&format!("specialists/{}", d.id)),
        msg::label("change", d.change.as_str()),
        versions(d)
    );
    for p in &d.problems {
        let _ = writeln!(out, "  {} {p}", style.red(&format!("{}:", msg::t("diff.problem"))));
    }
    risks_and_fields(out, &d.risks, &d.fields, style);
    match &d.prompt {
        Some(p) if d.change == ChangeKind::Added => {
            let lines = p
                .hunks
                .iter()
                .flat_map(|h| &h.segments)
                .map(|s| s.text.lines().count())
                .sum::<usize>();
            let size = msg::f("diff.new_prompt", &[("words", &p.words_added), ("lines", &lines)]);
            let _ = writeln!(out, "  {} {size}", style.dim(msg::t("diff.system_prompt")));
        }
        Some(p) => prompt(out, p, style, "  "),
        None => {}
    }
    files(out, msg::t("diff.knowledge"), &d.knowledge, style);
    if d.tests_changed {
        let _ = writeln!(out, "  {}", style.dim(msg::t("diff.tests_changed")));
    }
    if d.only_formatting() {
        let _ = writeln!(out, "  {}", style.dim(msg::t("diff.formatting_only")));
    }
    signoffs(out, d, style);
    version(out, d, style);
}

/// The risky changes, then every changed field.
fn risks_and_fields(out: &mut String, risks: &[Risk], fields: &[FieldChange], style: &Style) {
    for r in risks {
        let _ = writeln!(out, "  {} {}", style.yellow("⚠"), msg::translate(r.code, &r.message));
    }
    if !fields.is_empty() {
        let _ = writeln!(out, "  {}", style.dim(msg::t("diff.fields")));
        for f in fields {
            field(out, f, style, "    ");
        }
    }
}

/// Sign-offs voided and added by the change, and the state after it.
fn signoffs(out: &mut String, d: &SpecialistDiff, style: &Style) {
    for s in &d.signoffs.voided {
        let void = msg::f(
            "diff.void",
            &[
                ("role", &msg::label("role_word", &s.role)),
                ("by", &s.by),
                ("at", &s.at),
            ],
        );
        let _ = writeln!(out, "  {} {void}", style.red(msg::t("diff.signoff")));
    }
    for s in &d.signoffs.added {
        let signed = msg::f(
            "diff.signed_by",
            &[
                ("role", &msg::label("role_word", &s.role)),
                ("by", &s.by),
                ("at", &s.at),
            ],
        );
        let _ = writeln!(out, "  {} {signed}", style.green(msg::t("diff.signed")));
    }
    if let Some(state) = d.signoffs.state.filter(|_| d.change != ChangeKind::Removed) {
        let _ = writeln!(
            out,
            "  {} {}",
            style.dim(msg::t("diff.state")),
            msg::label("state", state.as_str())
        );
    }
}

/// Whether the version was bumped as far as the change needs, and the command that does it when not.
fn version(out: &mut String, d: &SpecialistDiff, style: &Style) {
    let Some(v) = &d.version_check else { return };
    let why = reasons(&v.reasons);
    let current = d.new_version.as_deref().unwrap_or_default();
    let level = v.required.as_str();
    if v.ok {
        let ok = msg::f(
            "diff.version_ok",
            &[("versions", &versions(d)), ("level", &level), ("why", &why)],
        );
        let _ = writeln!(out, "  {} {ok}", style.dim(msg::t("diff.version")));
    } else {
        let needs = msg::f(
            "diff.version_needed",
            &[
                ("current", &current),
                ("level", &level),
                ("why", &why),
                ("id", &d.id),
                ("suggested", &v.suggested),
            ],
        );
        let _ = writeln!(out, "  {} {needs}", style.red(msg::t("diff.version")));
    }
}

/// One changed field on a line (`name: old → new`, list items as `+ a, - b`), long texts word by word on the
/// lines below; `indent` goes before the field name.
pub fn field(out: &mut String, f: &FieldChange, style: &Style, indent: &str) {
    let name = format!("{indent}{}: ", f.field);
    if !f.added.is_empty() || !f.removed.is_empty() {
        let mut parts: Vec<String> = f.added.iter().map(|v| style.green(&format!("+ {}", show(v)))).collect();
        parts.extend(f.removed.iter().map(|v| style.red(&format!("- {}", show(v)))));
        let _ = writeln!(out, "{name}{}", parts.join(", "));
        return;
    }
    if let Some(words) = &f.words {
        let _ = writeln!(out, "{name}");
        inline(out, words, style, &format!("{indent}  "));
        return;
    }
    let none = || msg::t("diff.none").to_owned();
    let old = f.old.as_ref().map_or_else(none, show);
    let new = f.new.as_ref().map_or_else(none, show);
    let _ = writeln!(out, "{name}{} → {}", style.red(&old), style.green(&new));
}

/// A changed system prompt: the count of words added and removed, then each changed region with its line
/// number, word by word; `indent` goes before the heading, two more spaces before the regions.
pub fn prompt(out: &mut String, p: &TextDiff, style: &Style, indent: &str) {
    let words = msg::f(
        "diff.prompt_words",
        &[("added", &p.words_added), ("removed", &p.words_removed)],
    );
    let _ = writeln!(out, "{indent}{} {words}", style.dim(msg::t("diff.system_prompt")));
    hunks(out, p, style, &format!("{indent}  "));
}

/// Each changed region of a text diff with its line number, word by word, every line after `indent` (the
/// body of [`prompt`], also used for other texts such as fetched knowledge).
pub fn hunks(out: &mut String, p: &TextDiff, style: &Style, indent: &str) {
    for h in &p.hunks {
        let _ = writeln!(
            out,
            "{indent}{}",
            style.cyan(&msg::f("diff.hunk", &[("line", &h.new_line)]))
        );
        inline(out, &h.segments, style, indent);
    }
}

/// Writes segments inline, each output line indented; styles never span a line break.
fn inline(out: &mut String, segments: &[Segment], style: &Style, indent: &str) {
    let mut text = String::new();
    for Piece { kind, text: t } in pieces(segments) {
        let lines: Vec<&str> = t.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            if line.is_empty() {
                continue;
            }
            text.push_str(&paint(kind, line, style));
        }
    }
    for line in text.trim_end_matches('\n').split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
}

fn paint(kind: SegmentKind, text: &str, style: &Style) -> String {
    match (kind, style.enabled()) {
        (SegmentKind::Equal, _) => text.to_owned(),
        (SegmentKind::Removed, true) => style.removed(text),
        (SegmentKind::Added, true) => style.added(text),
        (SegmentKind::Removed, false) => format!("[-{text}-]"),
        (SegmentKind::Added, false) => format!("{{+{text}+}}"),
    }
}

fn files(out: &mut String, title: &str, files: &[FileChange], style: &Style) {
    if files.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {}", style.dim(title));
    for f in files {
        let _ = writeln!(out, "    {} {}{}", mark(f.change, style), f.file, sizes(f));
    }
}

fn item(out: &mut String, what: &str, d: &ItemDiff, style: &Style) {
    let path = if what == "screening" {
        format!("screenings/{}", d.id)
    } else {
        format!("models.toml [{}]", d.id)
    };
    let _ = writeln!(
        out,
        "{} {}  {}",
        mark(d.change, style),
        style.bold(&path),
        msg::label("change", d.change.as_str())
    );
    risks_and_fields(out, &d.risks, &d.fields, style);
    files(out, msg::t("diff.files"), &d.files, style);
}
