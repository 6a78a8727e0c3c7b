//! The feedback report: per specialist, its use over the period, its thumbs up and down, the most common
//! reasons and the latest comments — redacted, and never saying who rated. A plain `Serialize` value, so
//! other reports (the public register) can show it too.

use std::collections::BTreeMap;

use serde::Serialize;

use super::redact::Redactor;
use crate::model::config::Config;
use crate::platform::feedback::{ModelUsage, RawFeedback};

/// Reasons listed per specialist.
pub const TOP_REASONS: usize = 3;
/// Comments listed per specialist, newest first.
pub const LATEST_COMMENTS: usize = 5;
/// Flag above this share of thumbs down unless `[feedback] max_negative_share` says otherwise.
pub const DEFAULT_MAX_NEGATIVE_SHARE: f64 = 0.2;
/// Ratings needed before a specialist can be flagged unless `[feedback] min_ratings` says otherwise.
pub const DEFAULT_MIN_RATINGS: u32 = 5;

/// Thumbs up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Thumb {
    /// 👍
    Up,
    /// 👎
    Down,
}

/// When a specialist is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// Flagged above this share of thumbs down.
    pub max_negative_share: f64,
    /// … once it has at least this many ratings.
    pub min_ratings: u32,
}

impl Thresholds {
    /// From `[feedback]` in `aispec.toml`, with the defaults.
    pub fn of(config: &Config) -> Self {
        let f = config.feedback.as_ref();
        Thresholds {
            max_negative_share: f
                .and_then(|f| f.max_negative_share)
                .unwrap_or(DEFAULT_MAX_NEGATIVE_SHARE),
            min_ratings: f.and_then(|f| f.min_ratings).unwrap_or(DEFAULT_MIN_RATINGS),
        }
    }

    /// Whether these counts flag a specialist.
    pub fn flags(&self, up: u32, down: u32) -> bool {
        let n = up + down;
        n >= self.min_ratings && n > 0 && f64::from(down) / f64::from(n) > self.max_negative_share
    }
}

/// One rating, redacted: no user, no personal data.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// Feedback id.
    pub id: String,
    /// Up or down.
    pub thumb: Thumb,
    /// The reason key picked, if any.
    pub reason: Option<String>,
    /// The comment, redacted; `None` when empty.
    pub comment: Option<String>,
    /// When it was given, seconds since the epoch.
    pub created_at: i64,
}

impl Rating {
    /// The rating in a platform feedback, or `None` when it is not a thumbs up or down.
    pub fn from_raw(raw: &RawFeedback, redactor: &Redactor) -> Option<Self> {
        let thumb = if raw.thumb()? { Thumb::Up } else { Thumb::Down };
        let data = raw.data.as_ref()?;
        let text = |t: &Option<String>| t.as_deref().map(|s| redactor.clean(s)).filter(|s| !s.is_empty());
        Some(Rating {
            id: raw.id.clone(),
            thumb,
            reason: text(&data.reason),
            comment: text(&data.comment),
            created_at: raw.created_at,
        })
    }
}

/// How often a reason was picked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    /// The reason key (`not_factually_correct`).
    pub reason: String,
    /// With a thumbs up or down.
    pub rating: Thumb,
    /// How often.
    pub count: u32,
}

/// A comment a user wrote, redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    /// The feedback it belongs to (identifies the rating, not the person).
    pub feedback_id: String,
    /// The day it was given (UTC).
    pub date: String,
    /// With a thumbs up or down.
    pub rating: Thumb,
    /// The reason picked, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The comment.
    pub text: String,
}

/// One specialist's use and satisfaction over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecialistFeedback {
    /// Specialist (model) id.
    pub id: String,
    /// The version deployed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Answers it gave; `None` when the platform's analytics could not be read.
    pub messages: Option<u64>,
    /// Distinct chats it answered in; `None` as for `messages`.
    pub chats: Option<u64>,
    /// Thumbs up.
    pub up: u32,
    /// Thumbs down.
    pub down: u32,
    /// Share of thumbs down among the ratings (0–1); `None` without ratings.
    pub negative_share: Option<f64>,
    /// The most common reasons, most common first.
    pub reasons: Vec<ReasonCount>,
    /// The latest comments, newest first.
    pub comments: Vec<Comment>,
    /// Whether the share of thumbs down is above the threshold (with enough ratings).
    pub flagged: bool,
}

impl SpecialistFeedback {
    /// The summary of one specialist's ratings and usage.
    pub fn new(
        id: &str,
        version: Option<String>,
        ratings: &[Rating],
        usage: Option<&ModelUsage>,
        usage_known: bool,
        t: &Thresholds,
    ) -> Self {
        let up = count(ratings, Thumb::Up);
        let down = count(ratings, Thumb::Down);
        let total = up + down;
        let mut reasons: BTreeMap<(Thumb, &str), u32> = BTreeMap::new();
        for r in ratings {
            if let Some(reason) = r.reason.as_deref() {
                *reasons.entry((r.thumb, reason)).or_default() += 1;
            }
        }
        let mut reasons: Vec<ReasonCount> = reasons
            .into_iter()
            .map(|((rating, reason), count)| ReasonCount {
                reason: reason.to_owned(),
                rating,
                count,
            })
            .collect();
        // Most common first; thumbs down before up at a tie, since those are what needs work.
        reasons.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(b.rating.cmp(&a.rating))
                .then(a.reason.cmp(&b.reason))
        });
        reasons.truncate(TOP_REASONS);
        let mut newest: Vec<&Rating> = ratings.iter().filter(|r| r.comment.is_some()).collect();
        newest.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
        let comments = newest
            .into_iter()
            .take(LATEST_COMMENTS)
            .map(|r| Comment {
                feedback_id: r.id.clone(),
                date: day(r.created_at),
                rating: r.thumb,
                reason: r.reason.clone(),
                text: r.comment.clone().unwrap_or_default(),
            })
            .collect();
        let known = |v: u64| usage_known.then_some(v);
        SpecialistFeedback {
            id: id.to_owned(),
            version,
            messages: known(usage.map_or(0, |u| u.count)),
            chats: known(usage.map_or(0, |u| u.unique_chats)),
            up,
            down,
            negative_share: (total > 0).then(|| f64::from(down) / f64::from(total)),
            reasons,
            comments,
            flagged: t.flags(up, down),
        }
    }
}

/// Use and satisfaction in one line of numbers, for `aispec status` (and its saved snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Usage {
    /// The period (`30d`).
    pub since: String,
    /// Answers given; `None` when unknown.
    pub messages: Option<u64>,
    /// Distinct chats; `None` when unknown.
    pub chats: Option<u64>,
    /// Thumbs up.
    pub up: u32,
    /// Thumbs down.
    pub down: u32,
    /// Share of thumbs down (0–1); `None` without ratings.
    pub negative_share: Option<f64>,
    /// Whether the share of thumbs down flags the specialist.
    pub flagged: bool,
}

impl Usage {
    /// The numbers of one specialist's feedback.
    pub fn of(f: &SpecialistFeedback, since: &str) -> Self {
        Usage {
            since: since.to_owned(),
            messages: f.messages,
            chats: f.chats,
            up: f.up,
            down: f.down,
            negative_share: f.negative_share,
            flagged: f.flagged,
        }
    }
}

/// The report of `aispec feedback`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackSummary {
    /// Target name.
    pub target: String,
    /// The period read (`30d`).
    pub since: String,
    /// Its start (UTC, RFC 3339).
    pub from: String,
    /// When a specialist is flagged.
    pub thresholds: Thresholds,
    /// False when the platform's analytics could not be read (message and chat counts are then unknown).
    pub usage_available: bool,
    /// One entry per managed specialist, by id.
    pub specialists: Vec<SpecialistFeedback>,
    /// Ids of the flagged specialists.
    pub flagged: Vec<String>,
}

fn count(ratings: &[Rating], thumb: Thumb) -> u32 {
    u32::try_from(ratings.iter().filter(|r| r.thumb == thumb).count()).unwrap_or(u32::MAX)
}

/// The UTC day of a timestamp (`2026-11-29`).
pub fn day(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(|| "?".to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

/// A timestamp as RFC 3339 in UTC.
pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(
        || "?".to_owned(),
        |d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(id: &str, thumb: Thumb, reason: Option<&str>, comment: Option<&str>, at: i64) -> Rating {
        Rating {
            id: id.to_owned(),
            thumb,
            reason: reason.map(str::to_owned),
            comment: comment.map(str::to_owned),
            created_at: at,
        }
    }

    #[test]
    fn counts_reasons_comments_and_the_flag() {
        let t = Thresholds {
            max_negative_share: 0.2,
            min_ratings: 3,
        };
        let ratings = vec![
            rating("a", Thumb::Down, Some("not_helpful"), Some("forkert"), 30),
            rating("b", Thumb::Down, Some("not_helpful"), None, 20),
            rating("c", Thumb::Up, Some("accurate_information"), Some("fint"), 10),
            rating("d", Thumb::Down, Some("too_verbose"), None, 40),
        ];
        let usage = ModelUsage {
            model_id: "m".into(),
            count: 12,
            unique_chats: 4,
        };
        let s = SpecialistFeedback::new("m", None, &ratings, Some(&usage), true, &t);
        assert_eq!((s.up, s.down, s.messages, s.chats), (1, 3, Some(12), Some(4)));
        assert_eq!(s.negative_share, Some(0.75));
        assert!(s.flagged);
        let reasons: Vec<(&str, u32)> = s.reasons.iter().map(|r| (r.reason.as_str(), r.count)).collect();
        assert_eq!(
            reasons,
            [("not_helpful", 2), ("too_verbose", 1), ("accurate_information", 1)]
        );
        let comments: Vec<&str> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(comments, ["forkert", "fint"]);
        let unknown = SpecialistFeedback::new("m", None, &ratings[..1], None, false, &t);
        assert_eq!(
            (unknown.messages, unknown.flagged),
            (None, false),
            "one vote does not flag"
        );
    }
}
