//! How far back `aispec feedback` and `status` read: `30d`, `2w`, `12h`.

use serde::Serialize;

use crate::error::UserError;

/// The period read when neither `--since` nor `[feedback] since` says otherwise.
pub const DEFAULT_SINCE: &str = "30d";

/// A period ending now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// As written (`30d`).
    pub text: String,
    /// Its length in seconds.
    #[serde(skip)]
    pub seconds: i64,
}

impl Period {
    /// Parses `<number><unit>` with unit `h` (hours), `d` (days) or `w` (weeks); `what` names where it came from.
    pub fn parse(text: &str, what: &str) -> Result<Self, UserError> {
        let bad = || {
            UserError::new(format!("{what}: `{text}` is not a period"))
                .hint("write a number and a unit: 12h (hours), 30d (days) or 2w (weeks)")
        };
        let t = text.trim();
        let (digits, unit) = t.split_at(t.len().saturating_sub(1));
        let n: i64 = digits.parse().map_err(|_| bad())?;
        let unit_secs = match unit {
            "h" => 3_600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return Err(bad()),
        };
        // Ten years is more history than any platform keeps; a bound keeps the arithmetic safe.
        if n <= 0 || n.saturating_mul(unit_secs) > 10 * 366 * 86_400 {
            return Err(bad().hint("use a period between 1h and ten years"));
        }
        Ok(Period {
            text: t.to_owned(),
            seconds: n * unit_secs,
        })
    }

    /// The start of the period, in seconds since the epoch, counted back from `now`.
    pub fn start(&self, now: i64) -> i64 {
        now - self.seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_mistakes() {
        assert_eq!(Period::parse("30d", "--since").expect("30d").seconds, 30 * 86_400);
        assert_eq!(Period::parse("2w", "--since").expect("2w").seconds, 14 * 86_400);
        assert_eq!(Period::parse("12h", "--since").expect("12h").seconds, 12 * 3_600);
        for bad in ["", "d", "30", "30m", "-3d", "0d", "1.5d", "99999999w"] {
            let e = Period::parse(bad, "--since").expect_err(bad);
            assert!(e.to_string().contains("--since"), "{e}");
        }
    }
}
