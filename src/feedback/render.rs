//! Every human text `aispec feedback` prints: the report (one table, then the reasons and comments per
//! specialist), and what `cases` and `accept` did. Texts written into files are in [`super::texts`].

use comfy_table::{Cell, Color};

use super::summary::{FeedbackSummary, SpecialistFeedback, Thumb};
use super::texts::{Thumbs, reason_label};
use crate::msg;
use crate::output::Style;

/// The summary as text for a terminal; emoji only when `style` is on (see [`Thumbs::for_output`]).
pub fn human(s: &FeedbackSummary, style: &Style) -> String {
    let thumbs = Thumbs::for_output(style.enabled());
    let width = crate::output::term_width();
    let title = msg::f(
        "feedback.title",
        &[
            ("target", &s.target),
            ("from", &s.from.get(..10).unwrap_or(&s.from)),
            ("since", &s.since),
            ("share", &percent(s.thresholds.max_negative_share)),
            ("down", &thumbs.down),
            ("count", &s.thresholds.min_ratings),
        ],
    );
    let mut out = format!("{}\n", wrap_wide(&title, width, "  "));
    if s.specialists.is_empty() {
        out.push_str(msg::t("feedback.none_deployed"));
        out.push('\n');
        return out;
    }
    let mut table = crate::output::styled_table(
        style,
        [
            msg::t("plan.specialist").to_owned(),
            msg::t("feedback.messages").to_owned(),
            msg::t("feedback.chats").to_owned(),
            thumbs.up.to_owned(),
            thumbs.down.to_owned(),
            msg::f("feedback.share", &[("down", &thumbs.down)]),
        ],
    );
    for f in &s.specialists {
        let known = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |n| n.to_string());
        table.add_row(vec![
            Cell::new(&f.id),
            Cell::new(known(f.messages)),
            Cell::new(known(f.chats)),
            Cell::new(f.up),
            Cell::new(f.down),
            share_cell(f.negative_share, f.flagged, style),
        ]);
    }
    // The share says whether to act, so it stays longest; the counts of use go first.
    let hidden = crate::output::fit(&mut table, &[0, 5], &[2, 1, 3, 4]);
    out.push_str(&format!("{table}\n"));
    out.push_str(&crate::output::notes_below(style, Vec::new(), &hidden));
    for f in s
        .specialists
        .iter()
        .filter(|f| !f.reasons.is_empty() || !f.comments.is_empty())
    {
        out.push_str(&details(f, thumbs, style, width));
    }
    if !s.usage_available {
        out.push_str(&crate::output::wrap(msg::t("feedback.usage_unknown"), width, "  "));
        out.push('\n');
    }
    out
}

fn details(f: &SpecialistFeedback, thumbs: Thumbs, style: &Style, width: usize) -> String {
    let thumb = |t: Thumb| match t {
        Thumb::Up => thumbs.up,
        Thumb::Down => thumbs.down,
    };
    let mut out = format!("\n{}\n", style.bold(&f.id));
    if !f.reasons.is_empty() {
        let reasons: Vec<String> = f
            .reasons
            .iter()
            .map(|r| format!("{} ({} {})", shown_reason(&r.reason), thumb(r.rating), r.count))
            .collect();
        let line = msg::f("feedback.reasons", &[("reasons", &reasons.join(", "))]);
        out.push_str(&format!("  {}\n", wrap_wide(&line, width.saturating_sub(2), "    ")));
    }
    if !f.comments.is_empty() {
        out.push_str(&format!("  {}\n", msg::t("feedback.comments")));
        for c in &f.comments {
            let reason = c
                .reason
                .as_deref()
                .map(|r| format!(" {}", shown_reason(r)))
                .unwrap_or_default();
            let text = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let line = format!("{} {}{reason}: \"{text}\"", c.date, thumb(c.rating));
            out.push_str(&format!(
                "    {}\n",
                wrap_wide(&line, width.saturating_sub(4), "      ")
            ));
        }
    }
    out
}

/// [`crate::output::wrap`] for a text with emoji, which take two columns: one less per emoji in the text, so
/// every line fits whichever line they land on.
fn wrap_wide(text: &str, width: usize, indent: &str) -> String {
    let wide = text.chars().filter(|c| ('\u{1F300}'..='\u{1FAFF}').contains(c)).count();
    crate::output::wrap(text, width.saturating_sub(wide), indent)
}

/// A reason of the rating form in the current language (its English words when the catalogue has none).
fn shown_reason(key: &str) -> String {
    let label = msg::label("feedback_reason", key);
    if label == key { reason_label(key) } else { label }
}

/// What `feedback cases` says it drafted.
pub fn drafted(id: &str, file: &str, new: &[crate::model::cases::Case], without_question: usize) -> String {
    let mut out = if new.is_empty() {
        format!("{}\n", msg::f("feedback.no_new", &[("id", &id)]))
    } else {
        let mut s = format!(
            "{}\n",
            msg::f("feedback.drafted", &[("count", &new.len()), ("file", &file)])
        );
        for c in new {
            s.push_str(&format!(
                "  {}  {}\n",
                c.id,
                c.description.as_deref().unwrap_or_default()
            ));
        }
        s.push_str(&msg::f("feedback.review_drafts", &[("id", &id)]));
        s.push('\n');
        s
    };
    if without_question > 0 {
        out.push_str(&msg::f("feedback.without_question", &[("count", &without_question)]));
        out.push('\n');
    }
    out
}

/// What `feedback accept` says it moved.
pub fn accepted(tests_file: &str, cases: &[String]) -> String {
    format!(
        "{}\n{}\n",
        msg::f(
            "feedback.accepted",
            &[
                ("count", &cases.len()),
                ("file", &tests_file),
                ("cases", &cases.join(", "))
            ]
        ),
        msg::t("feedback.commit_it")
    )
}

/// The share of thumbs down, `flagged` in red when it is: comfy-table colours the cell itself, so the
/// escape codes do not count as width (they would in a coloured string). Call `enforce_styling` on the table
/// when `style` is on.
pub fn share_cell(share: Option<f64>, flagged: bool, style: &Style) -> Cell {
    let text = share.map_or_else(|| "—".to_owned(), percent);
    if !flagged {
        return Cell::new(text);
    }
    let cell = Cell::new(msg::f("feedback.flagged", &[("share", &text)]));
    if style.enabled() { cell.fg(Color::Red) } else { cell }
}

/// A share as a whole percentage (`0.25` → `25 %`).
pub fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::summary::Thresholds;

    fn summary() -> FeedbackSummary {
        FeedbackSummary {
            target: "prod".into(),
            since: "30d".into(),
            from: "2026-10-30T00:00:00Z".into(),
            thresholds: Thresholds {
                max_negative_share: 0.2,
                min_ratings: 5,
            },
            usage_available: true,
            specialists: vec![SpecialistFeedback {
                id: "klarsprog".into(),
                version: None,
                messages: Some(1234),
                chats: Some(56),
                up: 10,
                down: 3,
                negative_share: Some(3.0 / 13.0),
                reasons: vec![],
                comments: vec![],
                flagged: true,
            }],
            flagged: vec!["klarsprog".into()],
        }
    }

    #[test]
    fn emoji_columns_line_up() {
        // With colour on the cells carry escape codes; measure the plain table with emoji instead.
        let mut table = crate::output::table(["Specialist", "👍", "👎", "👎 share"]);
        table.add_row(vec!["klarsprog", "10", "3", "23 %"]);
        let rendered = table.to_string();
        let widths: Vec<usize> = rendered.lines().map(unicode_width).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{rendered}\n{widths:?}");
    }

    #[test]
    fn plain_words_without_style() {
        let text = human(&summary(), &Style::new(false));
        assert!(text.contains("│ up ") || text.contains(" up "), "{text}");
        assert!(!text.contains('👍'), "{text}");
        assert!(text.contains("23 % flagged"), "{text}");
    }

    /// Display width: emoji and other wide characters take two columns.
    fn unicode_width(s: &str) -> usize {
        s.chars()
            .map(|c| if ('\u{1F300}'..='\u{1FAFF}').contains(&c) { 2 } else { 1 })
            .sum()
    }
}
