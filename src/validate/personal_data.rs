//! Finds Danish CPR numbers, e-mail addresses and phone numbers in text that reaches the model.

use std::sync::LazyLock;

use regex::Regex;

/// What kind of personal data a match looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// A Danish CPR number with a real calendar date.
    Cpr,
    /// An e-mail address.
    Email,
    /// A Danish phone number.
    Phone,
}

/// One match in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it looks like.
    pub kind: FindingKind,
    /// Byte offset in the text.
    pub offset: usize,
    /// The matched text.
    pub text: String,
}

static CPR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])((\d{2})(\d{2})(\d{2})[-\x{2010}\x{2011}\x{2013} ]?(\d)\d{3})(?:[^0-9]|$)")
        .expect("valid regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").expect("valid regex")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9+])((?:(?:\+|00)45[ \-]?)?(?:\d{8}|\d{2}[ \-]\d{2}[ \-]\d{2}[ \-]\d{2}|\d{4}[ \-]\d{4}))(?:[^0-9]|$)")
        .expect("valid regex")
});

/// Every CPR number, e-mail address and phone number in `text`, in order of appearance.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if !text.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        return out;
    }
    let mut cpr_spans = Vec::new();
    for caps in CPR.captures_iter(text) {
        let (Some(whole), Some(dd), Some(mm), Some(yy), Some(c7)) =
            (caps.get(1), caps.get(2), caps.get(3), caps.get(4), caps.get(5))
        else {
            continue;
        };
        let num = |m: regex::Match<'_>| m.as_str().parse::<u32>().unwrap_or(0);
        if is_cpr_date(num(dd), num(mm), num(yy), num(c7)) {
            cpr_spans.push(whole.range());
            out.push(Finding {
                kind: FindingKind::Cpr,
                offset: whole.start(),
                text: whole.as_str().to_owned(),
            });
        }
    }
    if text.contains('@') {
        for m in EMAIL.find_iter(text) {
            out.push(Finding {
                kind: FindingKind::Email,
                offset: m.start(),
                text: m.as_str().to_owned(),
            });
        }
    }
    for caps in PHONE.captures_iter(text) {
        let Some(m) = caps.get(1) else { continue };
        if cpr_spans.iter().any(|s| s.start <= m.start() && m.start() < s.end) {
            continue;
        }
        out.push(Finding {
            kind: FindingKind::Phone,
            offset: m.start(),
            text: m.as_str().to_owned(),
        });
    }
    out.sort_by_key(|f| f.offset);
    out
}

/// True when DDMMYY with the 7th digit (century rule) is a real calendar date.
fn is_cpr_date(day: u32, month: u32, yy: u32, seventh: u32) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let century = match seventh {
        0..=3 => 1900,
        4 | 9 => {
            if yy <= 36 {
                2000
            } else {
                1900
            }
        }
        _ => {
            if yy <= 57 {
                2000
            } else {
                1800
            }
        }
    };
    let year = century + yy;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}

/// Compares a finding with an allow-list entry: digits only for numbers, case-insensitive for e-mail.
pub fn is_allowed(finding: &Finding, allow: &[String]) -> bool {
    let norm = |s: &str| match finding.kind {
        FindingKind::Email => s.trim().to_lowercase(),
        _ => {
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            digits
                .strip_prefix("0045")
                .or_else(|| digits.strip_prefix("45").filter(|d| d.len() == 8))
                .unwrap_or(&digits)
                .to_owned()
        }
    };
    let want = norm(&finding.text);
    allow.iter().any(|a| norm(a) == want)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(FindingKind, String)> {
        scan(text).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    #[test]
    fn finds_cpr_with_and_without_dash() {
        assert_eq!(
            kinds("cpr 010190-1234."),
            vec![(FindingKind::Cpr, "010190-1234".to_owned())]
        );
        assert_eq!(
            kinds("x 0101901234 y"),
            vec![(FindingKind::Cpr, "0101901234".to_owned())]
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(kinds("310490-1234").is_empty(), "30 days in April");
        assert!(kinds("011390-1234").is_empty(), "month 13");
        assert!(kinds("000190-1234").is_empty(), "day 0");
    }

    #[test]
    fn leap_years_follow_the_century_digit() {
        assert_eq!(
            kinds("290200-4123")[0].0,
            FindingKind::Cpr,
            "2000 is a leap year (digit 4)"
        );
        assert!(kinds("290200-1123").is_empty(), "1900 is not a leap year (digit 1)");
    }

    #[test]
    fn longer_digit_runs_are_not_cpr() {
        assert!(kinds("ordrenummer 010190123456").is_empty());
    }

    #[test]
    fn finds_email_and_phone() {
        let found = kinds("Skriv til borgerservice@aarhus.dk eller ring 89 40 20 00 / +45 8940 2000.");
        assert_eq!(
            found,
            vec![
                (FindingKind::Email, "borgerservice@aarhus.dk".to_owned()),
                (FindingKind::Phone, "89 40 20 00".to_owned()),
                (FindingKind::Phone, "+45 8940 2000".to_owned()),
            ]
        );
    }

    #[test]
    fn years_and_amounts_are_not_phones() {
        assert!(kinds("I 2024 brugte vi 1.250.000 kr. på 12 projekter.").is_empty());
    }

    #[test]
    fn allow_list_normalises() {
        let f = &scan("ring +45 89 40 20 00")[0];
        assert!(is_allowed(f, &["89402000".to_owned()]));
        let e = &scan("mail X@Aarhus.dk")[0];
        assert!(is_allowed(e, &["x@aarhus.dk".to_owned()]));
        assert!(!is_allowed(e, &["y@aarhus.dk".to_owned()]));
    }
}
