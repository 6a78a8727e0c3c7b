//! Re-screening: what changed between a screening's stored results and its answers evaluated again.

use serde::Serialize;

use crate::model::screening::{Action, ScreeningResult};

/// One result that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Which result (`outcome`, `tracks.law`, `ai_act_category`, `actions`…).
    pub field: String,
    /// The value before.
    pub before: String,
    /// The value now.
    pub after: String,
}

/// The differences between two results, in a fixed order.
pub fn changes(before: &ScreeningResult, after: &ScreeningResult) -> Vec<Change> {
    let mut out = Vec::new();
    let mut cmp = |field: &str, b: String, a: String| {
        if a != b {
            out.push(Change {
                field: field.to_owned(),
                before: b,
                after: a,
            });
        }
    };
    cmp("outcome", before.outcome.as_str().into(), after.outcome.as_str().into());
    for t in crate::model::screening::Track::ALL {
        cmp(
            &format!("tracks.{}", t.as_str()),
            before.tracks.get(t).as_str().into(),
            after.tracks.get(t).as_str().into(),
        );
    }
    cmp(
        "ai_act_category",
        before.ai_act_category.as_str().into(),
        after.ai_act_category.as_str().into(),
    );
    cmp("dpia", before.dpia.as_str().into(), after.dpia.as_str().into());
    cmp(
        "data_classification",
        before.data_classification.as_str().into(),
        after.data_classification.as_str().into(),
    );
    let hosting = |r: &ScreeningResult| {
        r.allowed_hosting
            .iter()
            .map(|h| h.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    cmp("allowed_hosting", hosting(before), hosting(after));
    cmp(
        "required_signoffs",
        before.required_signoffs.join(", "),
        after.required_signoffs.join(", "),
    );
    for s in &after.scores {
        let old = before
            .scores
            .iter()
            .find(|o| o.dimension == s.dimension)
            .map(|o| o.score);
        cmp(
            &format!("scores.{}", s.dimension),
            old.map(|o| o.to_string()).unwrap_or_default(),
            s.score.to_string(),
        );
    }
    let key = |a: &Action| format!("{}: {}", a.kind.as_str(), a.text);
    for a in after
        .actions
        .iter()
        .filter(|a| !before.actions.iter().any(|b| key(b) == key(a)))
    {
        cmp("actions", String::new(), key(a));
    }
    for b in before
        .actions
        .iter()
        .filter(|b| !after.actions.iter().any(|a| key(a) == key(b)))
    {
        cmp("actions", key(b), String::new());
    }
    out
}
