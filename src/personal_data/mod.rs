//! Personal data in text: Danish CPR numbers, e-mail addresses and phone numbers — found ([`scan`]) and
//! removed ([`redact`]). Text is normalised first (markup, entities, invisible characters, odd spaces and
//! dashes, fullwidth digits), and every finding points into the original text.
//!
//! Used by `validate` on everything that is deployed or committed; [`redact`] is for text aispec fetches or
//! receives (feedback, knowledge pages) before it is stored.

mod normalize;
mod patterns;

use std::ops::Range;

use serde::Serialize;

pub use normalize::Normalized;

/// What kind of personal data a match looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A Danish CPR number with a real calendar date.
    Cpr,
    /// An e-mail address.
    Email,
    /// A Danish phone number.
    Phone,
}

impl FindingKind {
    /// What replaces a finding of this kind in redacted text.
    pub fn placeholder(self) -> &'static str {
        match self {
            FindingKind::Cpr => "[CPR-nummer]",
            FindingKind::Email => "[e-mail]",
            FindingKind::Phone => "[telefonnummer]",
        }
    }
}

/// One match in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it looks like.
    pub kind: FindingKind,
    /// Byte offset in the original text.
    pub offset: usize,
    /// Byte range in the original text.
    pub range: Range<usize>,
    /// The matched original text (markup and invisible characters included).
    pub text: String,
}

/// Every CPR number, e-mail address and phone number in `text`, in order of appearance; overlapping matches
/// are reported once (CPR before e-mail before phone).
pub fn scan(text: &str) -> Vec<Finding> {
    if !text
        .chars()
        .any(|c| c.is_ascii_digit() || c == '@' || ('\u{FF10}'..='\u{FF20}').contains(&c))
    {
        return Vec::new();
    }
    let n = Normalized::new(text);
    let norm = n.text.as_str();
    let mut spans: Vec<(FindingKind, Range<usize>)> = Vec::new();
    for caps in patterns::CPR.captures_iter(norm) {
        let (Some(whole), Some(dd), Some(mm), Some(yy), Some(c7)) =
            (caps.get(1), caps.get(2), caps.get(3), caps.get(4), caps.get(5))
        else {
            continue;
        };
        let num = |m: regex::Match<'_>| m.as_str().parse::<u32>().unwrap_or(0);
        if patterns::is_cpr_date(num(dd), num(mm), num(yy), num(c7)) {
            spans.push((FindingKind::Cpr, whole.range()));
        }
    }
    if norm.contains('@') {
        spans.extend(patterns::EMAIL.find_iter(norm).map(|m| (FindingKind::Email, m.range())));
    }
    let cvr: Vec<Range<usize>> = patterns::CVR
        .captures_iter(norm)
        .filter_map(|c| c.get(1).map(|m| m.range()))
        .collect();
    for caps in patterns::PHONE.captures_iter(norm) {
        let Some(m) = caps.get(1) else { continue };
        if !cvr.iter().any(|r| overlaps(r, &m.range())) {
            spans.push((FindingKind::Phone, m.range()));
        }
    }
    spans.sort_by_key(|(kind, r)| (r.start, *kind));
    let mut out: Vec<Finding> = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    for (kind, r) in spans {
        if taken.iter().any(|t| overlaps(t, &r)) {
            continue;
        }
        taken.push(r.clone());
        let range = n.original_range(text, r);
        out.push(Finding {
            kind,
            offset: range.start,
            text: text[range.clone()].to_owned(),
            range,
        });
    }
    out
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Text with its personal data replaced, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redacted {
    /// The text with each finding replaced by its kind's placeholder.
    pub text: String,
    /// The kinds found, each once, in order.
    pub kinds: Vec<FindingKind>,
    /// How many findings were replaced.
    pub count: usize,
}

/// Replaces every CPR number, and every e-mail address and phone number not in `allow`.
pub fn redact(text: &str, allow: &[String]) -> Redacted {
    let findings: Vec<Finding> = scan(text).into_iter().filter(|f| !is_allowed(f, allow)).collect();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for f in &findings {
        out.push_str(&text[last..f.range.start]);
        out.push_str(f.kind.placeholder());
        last = f.range.end;
    }
    out.push_str(&text[last..]);
    let mut kinds: Vec<FindingKind> = findings.iter().map(|f| f.kind).collect();
    kinds.sort();
    kinds.dedup();
    Redacted {
        text: out,
        kinds,
        count: findings.len(),
    }
}

/// Compares a finding with an allow-list entry: digits only for numbers, case-insensitive for e-mail. A CPR
/// number is never allowed.
pub fn is_allowed(finding: &Finding, allow: &[String]) -> bool {
    if finding.kind == FindingKind::Cpr {
        return false;
    }
    let norm = |s: &str| {
        let s = Normalized::new(s).text;
        match finding.kind {
            FindingKind::Email => s.trim().to_lowercase(),
            _ => {
                let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                digits
                    .strip_prefix("0045")
                    .or_else(|| digits.strip_prefix("45").filter(|d| d.len() == 8))
                    .unwrap_or(&digits)
                    .to_owned()
            }
        }
    };
    let want = norm(&finding.text);
    allow.iter().any(|a| norm(a) == want)
}

#[cfg(test)]
mod tests;
