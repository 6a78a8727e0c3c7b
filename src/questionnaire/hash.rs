//! Content hashes: one for the whole questionnaire (recorded in every screening) and one per question
//! (to find the questions whose meaning changed since a screening was made).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::questionnaire::{Question, QuestionKind, Questionnaire, Text};
use crate::signoff::HASH_PREFIX;

/// `sha256:` hash of the questionnaire's content; formatting and comments in the TOML do not change it.
pub fn questionnaire_hash(q: &Questionnaire) -> String {
    let mut h = Sha256::new();
    h.update(b"aispec-questionnaire-v1\n");
    h.update(serde_json::to_vec(q).unwrap_or_default());
    format!("{HASH_PREFIX}{}", hex::encode(h.finalize()))
}

/// What an answer depends on: kind, wording and options. Help texts, weights, conditions and consequences
/// may change without invalidating answers already given (their effect shows as changed results).
#[derive(Serialize)]
struct Meaning<'a> {
    kind: QuestionKind,
    text: &'a Text,
    dont_know: bool,
    options: Vec<(&'a str, &'a Text)>,
}

/// Short hash (16 hex digits) of what an answer to `q` means.
pub fn question_hash(q: &Question) -> String {
    let meaning = Meaning {
        kind: q.kind,
        text: &q.text,
        dont_know: q.dont_know,
        options: q.options.iter().map(|o| (o.value.as_str(), &o.label)).collect(),
    };
    let digest = Sha256::digest(serde_json::to_vec(&meaning).unwrap_or_default());
    hex::encode(digest).chars().take(16).collect()
}
