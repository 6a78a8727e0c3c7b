//! The patterns: Danish CPR numbers (a real calendar date with the century rule), e-mail addresses, Danish
//! phone numbers, and CVR numbers (company numbers, which are not phone numbers). They run on normalised text.

use std::sync::LazyLock;

use regex::Regex;

/// DDMMYY, an optional space or dash (with spaces around), then four digits.
pub static CPR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])((\d{2})(\d{2})(\d{2}) ?(?:- ?)?(\d)\d{3})(?:[^0-9]|$)").expect("valid regex")
});
/// An e-mail address.
pub static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").expect("valid regex")
});
/// Eight digits, alone or in pairs or fours, optionally after +45 / 0045.
pub static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9+])((?:(?:\+|00)45[ \-]?)?(?:\d{8}|\d{2}[ \-]\d{2}[ \-]\d{2}[ \-]\d{2}|\d{4}[ \-]\d{4}))(?:[^0-9]|$)")
        .expect("valid regex")
});
/// "CVR", "CVR-nr.", "CVR nummer:", "SE-nr." followed by eight digits.
pub static CVR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:cvr|se)(?:[ .\-]*(?:nr|nummer|no)\b\.?)?[ .:#\-]*(\d{8}|\d{2} \d{2} \d{2} \d{2}|\d{4} \d{4})(?:[^0-9]|$)")
        .expect("valid regex")
});

/// True when DDMMYY with the 7th digit (century rule) is a real calendar date.
pub fn is_cpr_date(day: u32, month: u32, yy: u32, seventh: u32) -> bool {
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
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}
