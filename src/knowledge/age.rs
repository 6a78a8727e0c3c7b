//! `max_age`: how old a fetched copy may get, and the clock it is measured with.

use chrono::{DateTime, Duration, Utc};

/// Why a `max_age` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an age; write a whole number of days or weeks, such as \"180d\" or \"26w\"")]
pub struct BadAge(pub String);

/// Reads `180d` or `26w`.
pub fn parse(raw: &str) -> Result<Duration, BadAge> {
    let bad = || BadAge(raw.to_owned());
    let raw = raw.trim();
    let (num, unit) = raw.split_at(raw.len().saturating_sub(1));
    let n: i64 = num.parse().map_err(|_| bad())?;
    if !(1..=99_999).contains(&n) {
        return Err(bad());
    }
    match unit {
        "d" => Ok(Duration::days(n)),
        "w" => Ok(Duration::weeks(n)),
        _ => Err(bad()),
    }
}

/// Now, in UTC; `SOURCE_DATE_EPOCH` (seconds) fixes it, for reproducible files and tests.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&crate::questionnaire::store::now())
        .map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc))
}

/// The time as written in `knowledge.lock`.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// How many whole days past `max_age` a copy fetched at `fetched_at` is at `now`; `None` while it is fresh or
/// when the time cannot be read.
pub fn days_overdue(fetched_at: &str, max_age: Duration, now: DateTime<Utc>) -> Option<i64> {
    let fetched = DateTime::parse_from_rfc3339(fetched_at).ok()?.with_timezone(&Utc);
    let age = now - fetched;
    (age > max_age).then(|| (age - max_age).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_in_days_and_weeks() {
        assert_eq!(parse("180d"), Ok(Duration::days(180)));
        assert_eq!(parse("26w"), Ok(Duration::weeks(26)));
        for bad in ["", "d", "0d", "180", "6m", "-3d", "1.5w"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overdue_counts_days_past_the_age() {
        let now = DateTime::parse_from_rfc3339("2026-07-10T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(days_overdue("2026-01-01T00:00:00Z", Duration::days(180), now), Some(10));
        assert_eq!(days_overdue("2026-06-01T00:00:00Z", Duration::days(180), now), None);
        assert_eq!(days_overdue("nonsense", Duration::days(1), now), None);
    }
}
