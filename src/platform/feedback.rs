//! What Open WebUI 0.12 records about use: users' ratings (`/api/v1/evaluations/feedbacks/…`) and message
//! counts per model (`/api/v1/analytics/models`). Both need an admin's key.
//!
//! Only the fields aispec uses are typed. The rater's user id and e-mail are never read; the rater's name is
//! read only so it can be removed from the texts they wrote, and none of these types can be serialised.

use serde::Deserialize;
use serde_json::Value;

/// One rating of an answer, as the admin list (`/feedbacks/list`) or `/feedback/{id}` returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct RawFeedback {
    /// Feedback id (a UUID; it identifies the rating, not the person).
    pub id: String,
    /// `rating` for thumbs (arena comparisons use the same type).
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The rating itself.
    #[serde(default)]
    pub data: Option<RatingData>,
    /// Where it was given: chat and message ids.
    #[serde(default)]
    pub meta: Option<FeedbackMeta>,
    /// The chat as it was when rated (only `/feedback/{id}` returns it).
    #[serde(default)]
    pub snapshot: Option<Value>,
    /// Who rated, only in list answers: read for the name, to redact it from the texts.
    #[serde(default)]
    pub user: Option<Rater>,
    /// When it was given, seconds since the epoch.
    #[serde(default)]
    pub created_at: i64,
    /// When it was last changed, seconds since the epoch.
    #[serde(default)]
    pub updated_at: i64,
}

/// The rating fields of a feedback.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RatingData {
    /// `1` (thumbs up) or `-1` (thumbs down); the web UI sends a number, older clients a string.
    #[serde(default)]
    pub rating: Option<Value>,
    /// The model (specialist) that gave the rated answer.
    #[serde(default)]
    pub model_id: Option<String>,
    /// A reason key such as `not_factually_correct`.
    #[serde(default)]
    pub reason: Option<String>,
    /// Free text the user wrote.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Where a feedback was given.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FeedbackMeta {
    /// The chat.
    #[serde(default)]
    pub chat_id: Option<String>,
    /// The rated answer within the chat.
    #[serde(default)]
    pub message_id: Option<String>,
}

/// The rater as the list shows them; only the name is read, and only to redact it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Rater {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
}

/// A page of `GET /api/v1/evaluations/feedbacks/list`.
#[derive(Debug, Deserialize)]
pub struct FeedbackPage {
    /// Up to 30 feedbacks.
    #[serde(default)]
    pub items: Vec<RawFeedback>,
    /// How many match in all.
    #[serde(default)]
    pub total: usize,
}

/// Messages per model (`GET /api/v1/analytics/models`).
#[derive(Debug, Clone, Deserialize)]
pub struct ModelUsage {
    /// Model id.
    pub model_id: String,
    /// Answers the model gave.
    #[serde(default)]
    pub count: u64,
    /// Distinct chats it answered in.
    #[serde(default)]
    pub unique_chats: u64,
}

/// The answer of `GET /api/v1/analytics/models`.
#[derive(Debug, Deserialize)]
pub struct ModelUsageList {
    /// One entry per model with answers in the period.
    #[serde(default)]
    pub models: Vec<ModelUsage>,
}

impl RawFeedback {
    /// The model the rating is about.
    pub fn model_id(&self) -> Option<&str> {
        self.data.as_ref()?.model_id.as_deref()
    }

    /// `Some(true)` for thumbs up, `Some(false)` for thumbs down, `None` for anything else.
    pub fn thumb(&self) -> Option<bool> {
        let rating = self.data.as_ref()?.rating.as_ref()?;
        let n = match rating {
            Value::Number(n) => n.as_i64()?,
            Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        match n {
            1 => Some(true),
            -1 => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thumbs_from_numbers_and_strings_and_no_user_id_is_kept() {
        let f: RawFeedback = serde_json::from_value(json!({
            "id": "f1", "user_id": "u-secret", "type": "rating", "created_at": 1, "updated_at": 2,
            "data": {"rating": -1, "model_id": "m", "reason": "not_helpful", "comment": "nej"},
            "user": {"id": "u-secret", "name": "Karen", "email": "karen@example.org"}
        }))
        .expect("feedback");
        assert_eq!(f.thumb(), Some(false));
        assert_eq!(f.model_id(), Some("m"));
        assert!(!format!("{f:?}").contains("u-secret"), "the user id is not read");
        assert!(!format!("{f:?}").contains("karen@"), "the e-mail is not read");
        let up: RawFeedback = serde_json::from_value(json!({"id": "f2", "data": {"rating": "1"}})).expect("feedback");
        assert_eq!(up.thumb(), Some(true));
        let arena: RawFeedback = serde_json::from_value(json!({"id": "f3", "data": {"rating": 0}})).expect("feedback");
        assert_eq!(arena.thumb(), None);
    }
}
