//! Users' ratings and usage of the deployed specialists, read back from Open WebUI: the "poor answer quality"
//! loop. [`read_summary`] reports use and satisfaction per managed specialist; [`read_drafts`] turns thumbs
//! down into draft test cases; [`accept`] moves reviewed drafts into `tests.toml`.
//!
//! Who rated is never shown or stored: the platform types do not read user ids or e-mail addresses, raters'
//! names are read only to remove them from the texts, and every text is redacted before it leaves this module.

pub mod accept;
pub mod drafts;
pub mod period;
pub mod redact;
pub mod render;
pub mod summary;
pub mod texts;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::UserError;
use crate::model::cases::Case;
use crate::model::config::Language;
use crate::platform::feedback::{ModelUsage, RawFeedback};
use crate::platform::{ApiError, Client, Connection, DeployedModel};

pub use period::Period;
pub use redact::Redactor;
pub use summary::{FeedbackSummary, Rating, SpecialistFeedback, Thresholds, Thumb};

/// Specialists whose ratings are read at the same time (one paged list each).
const READS_IN_FLIGHT: usize = 8;

/// The managed specialists on a target (models carrying this workspace's marker), narrowed to `ids` when
/// given; an id that is not one of them is an error naming those that are.
pub async fn managed(conn: &Connection, workspace: &str, ids: &[String]) -> Result<Vec<DeployedModel>, UserError> {
    let live = conn.client.list_models().await.map_err(|e| api(conn, e))?;
    let state = crate::platform::state::from_live(&conn.name, conn.client.url(), workspace, &live);
    if ids.is_empty() {
        return Ok(state.models);
    }
    let mut out = Vec::new();
    for id in ids {
        match state.get(id) {
            Some(m) => out.push(m.clone()),
            None => {
                let known: Vec<&str> = state.models.iter().map(|m| m.id.as_str()).collect();
                return Err(UserError::new(format!(
                    "`{id}` is not a specialist this workspace deployed on target `{}`",
                    conn.name
                ))
                .hint(if known.is_empty() {
                    "deploy it first with `aispec deploy`".to_owned()
                } else {
                    format!("deployed here: {}", known.join(", "))
                }));
            }
        }
    }
    Ok(out)
}

/// Answers and chats per model since `since`; `None` when the platform has its analytics turned off.
pub async fn usage(conn: &Connection, since: i64) -> Result<Option<BTreeMap<String, ModelUsage>>, UserError> {
    match conn.client.model_usage(since).await {
        Ok(list) => Ok(Some(list.into_iter().map(|u| (u.model_id.clone(), u)).collect())),
        Err(ApiError::Status { code: 404, .. }) => Ok(None),
        Err(e) => Err(api(conn, e)),
    }
}

/// The ratings of each model since `since`, redacted, with the redactor that knows the raters' names.
pub async fn ratings(
    client: &Client,
    ids: &[String],
    since: i64,
) -> Result<(BTreeMap<String, Vec<Rating>>, Redactor), ApiError> {
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(READS_IN_FLIGHT));
    let mut set = tokio::task::JoinSet::new();
    for id in ids {
        let (client, id, limit) = (client.clone(), id.clone(), std::sync::Arc::clone(&limit));
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let list = client.feedbacks_since(&id, since).await;
            (id, list)
        });
    }
    let mut raw: BTreeMap<String, Vec<RawFeedback>> = BTreeMap::new();
    while let Some(joined) = set.join_next().await {
        let (id, list) = joined.map_err(|e| ApiError::Interrupted {
            method: "GET".to_owned(),
            path: "api/v1/evaluations/feedbacks/list".to_owned(),
            message: e.to_string(),
        })?;
        raw.insert(id, list?);
    }
    let redactor = Redactor::new(raw.values().flatten().filter_map(|f| f.user.as_ref()?.name.as_deref()));
    let ratings = raw
        .into_iter()
        .map(|(id, list)| {
            let mut rs: Vec<Rating> = list.iter().filter_map(|f| Rating::from_raw(f, &redactor)).collect();
            rs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
            (id, rs)
        })
        .collect();
    Ok((ratings, redactor))
}

/// What `aispec feedback` reports for a connection.
pub struct SummaryInput<'a> {
    /// The target.
    pub conn: &'a Connection,
    /// The workspace name (the marker's).
    pub workspace: &'a str,
    /// Specialist ids; all managed ones when empty.
    pub ids: &'a [String],
    /// The period.
    pub period: &'a Period,
    /// When to flag.
    pub thresholds: Thresholds,
    /// Now, in seconds since the epoch.
    pub now: i64,
}

/// Use and satisfaction per managed specialist over the period.
pub async fn read_summary(input: &SummaryInput<'_>) -> Result<FeedbackSummary, UserError> {
    let conn = input.conn;
    let since = input.period.start(input.now);
    let models = managed(conn, input.workspace, input.ids).await?;
    let usage = usage(conn, since).await?;
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    let (ratings, _) = ratings(&conn.client, &ids, since).await.map_err(|e| api(conn, e))?;
    let specialists: Vec<SpecialistFeedback> = models
        .iter()
        .map(|m| {
            SpecialistFeedback::new(
                &m.id,
                Some(m.version.clone()),
                ratings.get(&m.id).map(Vec::as_slice).unwrap_or_default(),
                usage.as_ref().and_then(|u| u.get(&m.id)),
                usage.is_some(),
                &input.thresholds,
            )
        })
        .collect();
    Ok(FeedbackSummary {
        target: conn.name.clone(),
        since: input.period.text.clone(),
        from: summary::rfc3339(since),
        thresholds: input.thresholds,
        usage_available: usage.is_some(),
        flagged: specialists.iter().filter(|s| s.flagged).map(|s| s.id.clone()).collect(),
        specialists,
    })
}

/// What `aispec feedback cases` asks for.
pub struct DraftInput<'a> {
    /// The target.
    pub conn: &'a Connection,
    /// The workspace name (the marker's).
    pub workspace: &'a str,
    /// The specialist.
    pub id: &'a str,
    /// Since when, in seconds since the epoch.
    pub since: i64,
    /// Most new drafts.
    pub limit: usize,
    /// Language of the rubric and description.
    pub language: Language,
    /// Feedback ids drafted or accepted already.
    pub done: &'a BTreeSet<String>,
    /// Case ids in use (drafts and tests).
    pub taken: &'a BTreeSet<String>,
}

/// New draft cases from the newest thumbs down not drafted yet, and how many ratings had no question to draft
/// from (deleted, or a snapshot without the chat).
pub async fn read_drafts(input: &DraftInput<'_>) -> Result<(Vec<Case>, usize), UserError> {
    let conn = input.conn;
    managed(conn, input.workspace, &[input.id.to_owned()]).await?;
    let ids = [input.id.to_owned()];
    let (ratings, redactor) = ratings(&conn.client, &ids, input.since)
        .await
        .map_err(|e| api(conn, e))?;
    let all = ratings.get(input.id).map(Vec::as_slice).unwrap_or_default();
    let mut taken = input.taken.clone();
    let mut out = Vec::new();
    let mut without_question = 0;
    for rating in drafts::to_draft(all, input.done, usize::MAX) {
        if out.len() >= input.limit {
            break;
        }
        let full = conn.client.feedback(&rating.id).await.map_err(|e| api(conn, e))?;
        let message_id = full
            .as_ref()
            .and_then(|f| f.meta.as_ref())
            .and_then(|m| m.message_id.clone());
        let question = full
            .as_ref()
            .and_then(|f| f.snapshot.as_ref())
            .and_then(|s| drafts::question(s, message_id.as_deref()));
        let Some(question) = question else {
            without_question += 1;
            continue;
        };
        let case = drafts::draft(rating, &question, &redactor, input.language, &taken);
        taken.insert(case.id.clone());
        out.push(case);
    }
    Ok((out, without_question))
}

/// A platform error with what to do about it; reading feedback and analytics needs an admin's key.
fn api(conn: &Connection, e: ApiError) -> UserError {
    let hint = if e.is_auth() {
        format!(
            "users' feedback and usage can only be read with an admin's API key; set {} to one",
            conn.target.api_key_env
        )
    } else {
        format!("check that {} is reachable and runs Open WebUI 0.12", conn.client.url())
    };
    UserError::new(format!("target `{}`: {e}", conn.name)).hint(hint)
}

/// The period to read: `--since`, else `[feedback] since`, else [`period::DEFAULT_SINCE`].
pub fn period(ws: &crate::workspace::Workspace, since: Option<&str>) -> Result<Period, UserError> {
    match since {
        Some(s) => Period::parse(s, "--since"),
        None => match ws.config.feedback.as_ref().and_then(|f| f.since.as_deref()) {
            Some(s) => Period::parse(s, "[feedback] since in aispec.toml"),
            None => Period::parse(period::DEFAULT_SINCE, "the default period"),
        },
    }
}

/// Connects to `target` and reads the summary for `ids` (all managed specialists when empty).
pub fn summary_for_target(
    ws: &crate::workspace::Workspace,
    target: Option<&str>,
    ids: &[String],
    period: &Period,
) -> anyhow::Result<FeedbackSummary> {
    let conn = crate::platform::connect(ws, target)?;
    let rt = crate::platform::runtime()?;
    let input = SummaryInput {
        conn: &conn,
        workspace: &ws.config.workspace.name,
        ids,
        period,
        thresholds: Thresholds::of(&ws.config),
        now: chrono::Utc::now().timestamp(),
    };
    Ok(rt.block_on(read_summary(&input))?)
}
