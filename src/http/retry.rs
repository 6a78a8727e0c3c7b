//! How often and how patiently a request is sent again.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Longest wait aispec accepts from a `Retry-After` header.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// Longest computed backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How many times and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubled on each retry.
    pub base: Duration,
}

impl RetryPolicy {
    /// 4 retries from 500 ms, overridable with `AISPEC_HTTP_RETRIES` and `AISPEC_HTTP_BACKOFF_MS`.
    pub fn from_env() -> Self {
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
        RetryPolicy {
            retries: num("AISPEC_HTTP_RETRIES").map_or(4, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            base: Duration::from_millis(num("AISPEC_HTTP_BACKOFF_MS").unwrap_or(500)),
        }
    }

    /// The wait before retry number `attempt + 1`: the server's `Retry-After` when given, else exponential
    /// backoff with up to 25 % jitter so parallel requests do not retry in lockstep.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(MAX_RETRY_AFTER);
        }
        let exp = self.base.saturating_mul(2u32.saturating_pow(attempt)).min(MAX_BACKOFF);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        exp + exp.mul_f64(f64::from(nanos % 1000) / 4000.0)
    }
}

/// `Retry-After` from a response's headers.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    parse_retry_after(headers.get(RETRY_AFTER)?.to_str().ok()?)
}

/// `Retry-After` as (possibly fractional) seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<f64>() {
        (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)))?
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("9999"), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
    }

    #[test]
    fn backoff_doubles_and_honours_the_server() {
        let policy = RetryPolicy {
            retries: 3,
            base: Duration::from_millis(100),
        };
        assert_eq!(policy.backoff(0, Some(Duration::from_secs(7))), Duration::from_secs(7));
        let b2 = policy.backoff(2, None);
        assert!(
            b2 >= Duration::from_millis(400) && b2 <= Duration::from_millis(500),
            "{b2:?}"
        );
    }
}
