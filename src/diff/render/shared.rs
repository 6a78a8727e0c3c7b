//! Pieces both renderings use: shortened context, sizes, versions and the summary line.

use unicode_segmentation::UnicodeSegmentation;

use crate::diff::report::{DiffReport, FileChange, SpecialistDiff};
use crate::diff::words::{Segment, SegmentKind};

/// Unchanged lines longer than this many characters are shortened around the change.
const LONG: usize = 160;
/// Characters kept on each side when shortening.
const KEEP: usize = 60;

/// A piece of a diff ready to print: its kind and its text, with long unchanged runs shortened.
pub(crate) struct Piece {
    pub kind: SegmentKind,
    pub text: String,
}

/// The segments with unchanged text longer than a screen line cut down to what frames the change, always at
/// grapheme boundaries (so æ, ø, å and emoji stay whole).
pub(crate) fn pieces(segments: &[Segment]) -> Vec<Piece> {
    let last = segments.len().saturating_sub(1);
    segments
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let text = if seg.kind == SegmentKind::Equal {
                elide_equal(&seg.text, i == 0, i == last)
            } else {
                seg.text.clone()
            };
            Piece { kind: seg.kind, text }
        })
        .collect()
}

fn elide_equal(text: &str, first: bool, last: bool) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let n = lines.len();
    let out: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(j, line)| {
            let after_change = j == 0 && !first;
            let before_change = j + 1 == n && !last;
            elide(line, after_change || !before_change, before_change)
        })
        .collect();
    out.join("\n")
}

fn elide(line: &str, head: bool, tail: bool) -> String {
    let g: Vec<&str> = line.graphemes(true).collect();
    if g.len() <= LONG {
        return line.to_owned();
    }
    let start = g[..KEEP].concat();
    let end = g[g.len() - KEEP..].concat();
    // Cut at a space near the edge, so the kept text starts and ends with whole words.
    let start = match start.rfind(' ') {
        Some(i) if i > start.len() / 2 => start[..i].to_owned(),
        _ => start,
    };
    let end = match end.find(' ') {
        Some(i) if i < end.len() / 2 => end[i + 1..].to_owned(),
        _ => end,
    };
    match (head, tail) {
        (true, true) => format!("{start} … {end}"),
        (false, true) => format!("… {end}"),
        _ => format!("{start} …"),
    }
}

/// `1234` → `1.2 kB`.
pub(crate) fn size(bytes: u64) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{:.1} kB", bytes as f64 / 1000.0)
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

/// ` (1.2 kB → 3.4 kB)`, ` (1.2 kB)` or empty: a file's sizes before and after.
pub(crate) fn sizes(f: &FileChange) -> String {
    match (f.old_size, f.new_size) {
        (Some(a), Some(b)) => format!(" ({} → {})", size(a), size(b)),
        (None, Some(b)) | (Some(b), None) => format!(" ({})", size(b)),
        (None, None) => String::new(),
    }
}

/// `1.0.0 → 1.1.0`, `1.0.0`, or empty.
pub(crate) fn versions(d: &SpecialistDiff) -> String {
    match (&d.old_version, &d.new_version) {
        (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
        (_, Some(v)) | (Some(v), None) => v.clone(),
        (None, None) => String::new(),
    }
}

/// The one-line summary at the end.
pub(crate) fn summary_line(r: &DiffReport) -> String {
    use crate::msg;
    let s = &r.summary;
    let n = r.specialists.len();
    let mut parts = Vec::new();
    for (count, word) in [
        (s.added, "added"),
        (s.removed, "removed"),
        (s.renamed, "renamed"),
        (s.changed, "changed"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {}", msg::label("change", word)));
        }
    }
    let mut line = msg::f("diff.summary", &[("specialists", &msg::count("specialist", n))]);
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    for (count, word) in [(r.screenings.len(), "screening"), (r.models.len(), "catalogue_model")] {
        if count > 0 {
            line.push_str(&format!(
                ", {}",
                msg::f("diff.also_changed", &[("items", &msg::count(word, count))])
            ));
        }
    }
    line.push_str(&format!(", {}", msg::count("risky_change", s.risks)));
    if s.version_problems > 0 {
        line.push_str(&format!(", {}", msg::count("missing_bump", s.version_problems)));
    }
    line
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `abc1234` of a full commit id.
pub(crate) fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_context_is_cut_at_graphemes() {
        let long = "æ".repeat(300);
        let segs = vec![
            Segment {
                kind: SegmentKind::Equal,
                text: format!("{long}X"),
            },
            Segment {
                kind: SegmentKind::Added,
                text: "ny".to_owned(),
            },
            Segment {
                kind: SegmentKind::Equal,
                text: format!("Y{long}\nkort\n"),
            },
        ];
        let p = pieces(&segs);
        assert_eq!(p[0].text, format!("… {}X", "æ".repeat(59)));
        assert_eq!(p[2].text, format!("Y{} …\nkort\n", "æ".repeat(59)));
        let words = "ord ".repeat(100);
        assert_eq!(
            elide(&words, true, false),
            format!("{} …", "ord ".repeat(15).trim_end())
        );
        assert_eq!(elide(&words, false, true), format!("… {}", "ord ".repeat(14)));
        assert_eq!(size(1234), "1.2 kB");
    }
}
