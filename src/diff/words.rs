//! Word-level text diffs: lines first (to find the changed regions), then Unicode words inside each region.
//!
//! Words follow Unicode's word boundaries (UAX #29), so `æ`, `ø`, `å`, combining accents and emoji sequences
//! always stay whole: a diff can only ever split text between two words, never inside one.

use std::time::Duration;

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline, group_diff_ops};
use unicode_segmentation::UnicodeSegmentation;

/// Lines of unchanged context shown around each change.
pub const CONTEXT_LINES: usize = 1;
/// How long one diff may search for the smallest edit before settling for a coarser one.
const DEADLINE: Duration = Duration::from_secs(2);

/// What a piece of text is in a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentKind {
    /// On both sides.
    Equal,
    /// Only in the old text.
    Removed,
    /// Only in the new text.
    Added,
}

/// A run of text of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Equal, removed or added.
    pub kind: SegmentKind,
    /// The text (may contain newlines).
    pub text: String,
}

/// One changed region with its context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    /// 1-based first line in the old text.
    pub old_line: usize,
    /// 1-based first line in the new text.
    pub new_line: usize,
    /// The region, word by word.
    pub segments: Vec<Segment>,
}

/// A whole text diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TextDiff {
    /// Changed regions in order.
    pub hunks: Vec<Hunk>,
    /// Words (not spaces or punctuation) only in the new text.
    pub words_added: usize,
    /// Words only in the old text.
    pub words_removed: usize,
}

impl TextDiff {
    /// True when the texts are equal.
    pub fn is_empty(&self) -> bool {
        self.hunks.is_empty()
    }
}

fn deadline() -> Option<std::time::Instant> {
    Some(std::time::Instant::now() + DEADLINE)
}

/// Compares two texts; `context` unchanged lines are kept around each change.
pub fn diff_text(old: &str, new: &str, context: usize) -> TextDiff {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &old_lines, &new_lines, deadline());
    let mut out = TextDiff::default();
    for group in group_diff_ops(ops, context) {
        let Some(first) = group.first() else { continue };
        let mut hunk = Hunk {
            old_line: first.old_range().start + 1,
            new_line: first.new_range().start + 1,
            segments: Vec::new(),
        };
        let mut pending_old = String::new();
        let mut pending_new = String::new();
        for op in &group {
            if let DiffOp::Equal { old_index, len, .. } = *op {
                flush(&mut pending_old, &mut pending_new, &mut hunk.segments);
                push(
                    &mut hunk.segments,
                    SegmentKind::Equal,
                    &old_lines[old_index..old_index + len].concat(),
                );
            } else {
                pending_old.push_str(&old_lines[op.old_range()].concat());
                pending_new.push_str(&new_lines[op.new_range()].concat());
            }
        }
        flush(&mut pending_old, &mut pending_new, &mut hunk.segments);
        out.hunks.push(hunk);
    }
    for seg in out.hunks.iter().flat_map(|h| &h.segments) {
        let words = seg.text.unicode_words().count();
        match seg.kind {
            SegmentKind::Added => out.words_added += words,
            SegmentKind::Removed => out.words_removed += words,
            SegmentKind::Equal => {}
        }
    }
    out
}

fn flush(old: &mut String, new: &mut String, segments: &mut Vec<Segment>) {
    if old.is_empty() && new.is_empty() {
        return;
    }
    for seg in diff_words(old, new) {
        push(segments, seg.kind, &seg.text);
    }
    old.clear();
    new.clear();
}

fn push(segments: &mut Vec<Segment>, kind: SegmentKind, text: &str) {
    if text.is_empty() {
        return;
    }
    match segments.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => segments.push(Segment {
            kind,
            text: text.to_owned(),
        }),
    }
}

enum Chunk {
    Equal(String),
    Change { removed: String, added: String },
}

/// Word diff of two short texts: equal, removed and added runs in reading order (removed before added).
pub fn diff_words(old: &str, new: &str) -> Vec<Segment> {
    let old_tokens: Vec<&str> = old.split_word_bounds().collect();
    let new_tokens: Vec<&str> = new.split_word_bounds().collect();
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &old_tokens, &new_tokens, deadline());
    let mut chunks: Vec<Chunk> = Vec::new();
    for op in ops {
        let removed = old_tokens[op.old_range()].concat();
        let added = new_tokens[op.new_range()].concat();
        if let DiffOp::Equal { .. } = op {
            chunks.push(Chunk::Equal(removed));
            continue;
        }
        match chunks.last_mut() {
            Some(Chunk::Change { removed: r, added: a }) => {
                r.push_str(&removed);
                a.push_str(&added);
            }
            _ => chunks.push(Chunk::Change { removed, added }),
        }
    }
    let chunks = absorb_gaps(chunks);
    let mut segments = Vec::new();
    for chunk in chunks {
        match chunk {
            Chunk::Equal(text) => push(&mut segments, SegmentKind::Equal, &text),
            Chunk::Change { removed, added } => {
                push(&mut segments, SegmentKind::Removed, &removed);
                push(&mut segments, SegmentKind::Added, &added);
            }
        }
    }
    segments
}

/// Merges two changes separated only by spaces or punctuation into one, so a rewritten phrase reads as
/// `[-old phrase-]{+new phrase+}` rather than word-by-word confetti.
fn absorb_gaps(chunks: Vec<Chunk>) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::with_capacity(chunks.len());
    let mut iter = chunks.into_iter().peekable();
    while let Some(chunk) = iter.next() {
        let gap = match &chunk {
            Chunk::Equal(text) if is_gap(text) => Some(text.clone()),
            _ => None,
        };
        let between_changes =
            matches!(out.last(), Some(Chunk::Change { .. })) && matches!(iter.peek(), Some(Chunk::Change { .. }));
        if let (Some(gap), true) = (gap, between_changes)
            && let Some(Chunk::Change { removed: r2, added: a2 }) = iter.next()
            && let Some(Chunk::Change { removed, added }) = out.last_mut()
        {
            removed.push_str(&gap);
            removed.push_str(&r2);
            added.push_str(&gap);
            added.push_str(&a2);
            continue;
        }
        out.push(chunk);
    }
    out
}

fn is_gap(text: &str) -> bool {
    !text.contains('\n') && text.unicode_words().next().is_none() && text.chars().count() <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| match s.kind {
                SegmentKind::Equal => s.text.clone(),
                SegmentKind::Removed => format!("[-{}-]", s.text),
                SegmentKind::Added => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn danish_letters_never_split() {
        let s = diff_words("Svar på dansk om blåbær.", "Svar på dansk om blækhuse.");
        assert_eq!(plain(&s), "Svar på dansk om [-blåbær-]{+blækhuse+}.");
        let s = diff_words("Brug ærlige ord", "Brug økonomiske ord");
        assert_eq!(plain(&s), "Brug [-ærlige-]{+økonomiske+} ord");
    }

    #[test]
    fn combining_marks_and_emoji_stay_whole() {
        // "å" written as a + combining ring, and a family emoji joined with zero-width joiners.
        let s = diff_words("Ga\u{30a} til 👨‍👩‍👧 nu", "Ga\u{30a} til 👍 nu");
        assert_eq!(plain(&s), "Ga\u{30a} til [-👨‍👩‍👧-]{+👍+} nu");
        for seg in &s {
            assert!(!seg.text.starts_with('\u{30a}') && !seg.text.starts_with('\u{200d}'));
        }
    }

    #[test]
    fn phrases_are_not_confetti() {
        let s = diff_words("Skriv kort og klart.", "Skriv langt, men venligt.");
        assert_eq!(plain(&s), "Skriv [-kort og klart-]{+langt, men venligt+}.");
    }

    #[test]
    fn hunks_have_line_numbers_and_context() {
        let old = "a\nb\nc\nd\ne\nf\n";
        let new = "a\nb\nC\nd\ne\nf\n";
        let d = diff_text(old, new, 1);
        assert_eq!(d.hunks.len(), 1);
        assert_eq!((d.hunks[0].old_line, d.hunks[0].new_line), (2, 2));
        assert_eq!(plain(&d.hunks[0].segments), "b\n[-c-]{+C+}\nd\n");
        assert_eq!((d.words_added, d.words_removed), (1, 1));
        assert!(diff_text(old, old, 1).is_empty());
    }

    #[test]
    fn long_lines_diff_by_word() {
        let base = "ord ".repeat(2000);
        let old = format!("{base}slut\n");
        let new = format!("{base}ende\n");
        let d = diff_text(&old, &new, 1);
        assert_eq!(d.words_added, 1);
        let segs = &d.hunks[0].segments;
        assert_eq!(segs.len(), 4, "{segs:?}");
        assert_eq!(segs[1].text, "slut");
    }
}
