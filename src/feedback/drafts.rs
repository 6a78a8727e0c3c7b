//! Draft test cases from thumbs-down feedback, kept in `.aispec/drafts/<id>.toml` — outside git, because the
//! questions come from users and redaction may miss something. A drafts file is an ordinary case file, so
//! `aispec eval --drafts` runs it and `aispec feedback accept` moves reviewed cases into `tests.toml`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::redact::Redactor;
use super::summary::{Rating, Thumb, day};
use super::texts;
use crate::error::UserError;
use crate::model::cases::{Assertion, Case, CaseFile};
use crate::model::config::Language;
use crate::workspace::Workspace;

/// Folder of the drafts files, relative to the workspace; ignored by git.
pub const DRAFTS_DIR: &str = ".aispec/drafts";
/// Category of drafted cases.
pub const CATEGORY: &str = "feedback";

/// The drafts file of a specialist, relative to the workspace.
pub fn drafts_file(id: &str) -> PathBuf {
    Path::new(DRAFTS_DIR).join(format!("{id}.toml"))
}

/// The user's question an answer was rated for, from the chat snapshot Open WebUI stores with a feedback: the
/// parent of the rated message, else the last user message before it, else the chat's last user message.
pub fn question(snapshot: &Value, message_id: Option<&str>) -> Option<String> {
    let chat = snapshot.get("chat").map(|c| c.get("chat").unwrap_or(c))?;
    let messages = chat.get("history").and_then(|h| h.get("messages"));
    if let (Some(messages), Some(mid)) = (messages, message_id)
        && let Some(parent) = messages
            .get(mid)
            .and_then(|m| m.get("parentId").or_else(|| m.get("parent_id")))
            .and_then(Value::as_str)
        && let Some(text) = messages.get(parent).filter(|m| is_user(m)).and_then(content)
    {
        return Some(text);
    }
    let list = chat.get("messages").and_then(Value::as_array)?;
    let end = message_id
        .and_then(|mid| {
            list.iter()
                .position(|m| m.get("id").and_then(Value::as_str) == Some(mid))
        })
        .unwrap_or(list.len());
    list[..end].iter().rev().find(|m| is_user(m)).and_then(content)
}

fn is_user(m: &Value) -> bool {
    m.get("role").and_then(Value::as_str) == Some("user")
}

/// A message's text: a string, or the text parts of a list.
fn content(m: &Value) -> Option<String> {
    let text = match m.get("content")? {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => return None,
    };
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// A draft case from a thumbs-down rating and the question it answered (both redacted here).
pub fn draft(rating: &Rating, question: &str, redactor: &Redactor, lang: Language, taken: &BTreeSet<String>) -> Case {
    let question = redactor.clean(question);
    Case {
        id: case_id(&rating.id, taken),
        description: Some(texts::draft_description(
            lang,
            rating.reason.as_deref(),
            &day(rating.created_at),
        )),
        category: Some(CATEGORY.to_owned()),
        prompt: question,
        vars: Default::default(),
        weight: None,
        threshold: None,
        providers: None,
        asserts: vec![Assertion {
            kind: "llm-rubric".to_owned(),
            value: Some(Value::String(texts::rubric(
                lang,
                rating.reason.as_deref(),
                rating.comment.as_deref(),
            ))),
            min: None,
            max: None,
            threshold: None,
            weight: None,
            metric: None,
        }],
        from_feedback: Some(rating.id.clone()),
    }
}

/// `feedback-` and the start of the feedback id spelt in letters (hex digit `0`–`f` → `a`–`p`), longer when that
/// is taken. Letters, because eight digits in a row would look like a phone number to `validate`.
fn case_id(feedback_id: &str, taken: &BTreeSet<String>) -> String {
    let clean: String = feedback_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| match c.to_digit(16) {
            Some(d) => char::from(b'a' + d as u8),
            None => c.to_ascii_lowercase(),
        })
        .collect();
    let clean = if clean.is_empty() { "x".to_owned() } else { clean };
    for len in [8, 12, clean.len()] {
        let id = format!("feedback-{}", &clean[..len.min(clean.len())]);
        if !taken.contains(&id) {
            return id;
        }
    }
    (2..)
        .map(|n| format!("feedback-{clean}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_default()
}

/// A case file read from the workspace, or `None` when it does not exist.
pub fn read_cases(ws: &Workspace, rel: &Path) -> Result<Option<(String, CaseFile)>, UserError> {
    let text = match ws.files.read_text(rel, crate::fsread::Limit::TEXT) {
        Ok(t) => t,
        Err(e) if e.is_missing() => return Ok(None),
        Err(e) => return Err(UserError::new(format!("cannot read {}: {e}", rel.display())).hint(e.hint())),
    };
    let parsed: CaseFile = toml::from_str(&text).map_err(|e| {
        UserError::new(format!("{} is not a valid case file: {}", rel.display(), e.message()))
            .hint("fix the file (see `aispec validate`), or delete the drafts file and draft again")
    })?;
    Ok(Some((text, parsed)))
}

/// Case ids and feedback ids already in a case file.
pub fn known(file: Option<&CaseFile>) -> (BTreeSet<String>, BTreeSet<String>) {
    let cases = file.map(|f| f.cases.as_slice()).unwrap_or_default();
    (
        cases.iter().map(|c| c.id.clone()).collect(),
        cases.iter().filter_map(|c| c.from_feedback.clone()).collect(),
    )
}

/// The drafts file with `new` cases added after what it holds (a reviewer's edits stay as they are).
pub fn with_drafts(existing: Option<&str>, new: &[Case], lang: Language, id: &str) -> Result<String, UserError> {
    if let Some(text) = existing.filter(|_| new.is_empty()) {
        return Ok(text.to_owned());
    }
    let body = toml::to_string(&CaseFile {
        suite: None,
        defaults: None,
        cases: new.to_vec(),
    })
    .map_err(|e| UserError::new(format!("cannot write the drafts: {e}")))?;
    Ok(match existing {
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{body}", text.trim_end()),
        _ => format!("{}\n{body}", texts::drafts_header(lang, id)),
    })
}

/// The thumbs-down ratings to draft from, newest first, leaving out those drafted or accepted already.
pub fn to_draft<'a>(ratings: &'a [Rating], done: &BTreeSet<String>, limit: usize) -> Vec<&'a Rating> {
    let mut down: Vec<&Rating> = ratings
        .iter()
        .filter(|r| r.thumb == Thumb::Down && !done.contains(&r.id))
        .collect();
    down.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
    down.truncate(limit);
    down
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_question_is_the_parent_of_the_rated_answer() {
        let snap = json!({"chat": {"id": "c", "chat": {
            "history": {"messages": {
                "q1": {"id": "q1", "role": "user", "content": "Første spørgsmål"},
                "a1": {"id": "a1", "role": "assistant", "parentId": "q1", "content": "svar"},
                "q2": {"id": "q2", "role": "user", "parentId": "a1", "content": [{"type": "text", "text": "Andet"}]},
                "a2": {"id": "a2", "role": "assistant", "parentId": "q2", "content": "svar"}
            }},
            "messages": [
                {"id": "q1", "role": "user", "content": "Første spørgsmål"},
                {"id": "a1", "role": "assistant", "content": "svar"}
            ]
        }}});
        assert_eq!(question(&snap, Some("a2")).as_deref(), Some("Andet"));
        assert_eq!(question(&snap, Some("a1")).as_deref(), Some("Første spørgsmål"));
        assert_eq!(
            question(&snap, Some("zz")).as_deref(),
            Some("Første spørgsmål"),
            "last user message"
        );
        assert_eq!(question(&json!({}), Some("a1")), None);
    }

    #[test]
    fn ids_stay_unique() {
        let mut taken = BTreeSet::new();
        let a = case_id("3F2A1B0C-1111-2222", &taken);
        assert_eq!(a, "feedback-dpckblam");
        taken.insert(a);
        assert_eq!(case_id("3f2a1b0c-9999", &taken), "feedback-dpckblamjjjj");
        let digits = case_id("60402192-0000", &BTreeSet::new());
        assert!(crate::personal_data::scan(&digits).is_empty(), "{digits}");
    }

    #[test]
    fn drafts_parse_back_as_cases() {
        let rating = Rating {
            id: "f-1".into(),
            thumb: Thumb::Down,
            reason: Some("not_factually_correct".into()),
            comment: Some("Fristen er forkert".into()),
            created_at: 1_767_225_600,
        };
        let c = draft(
            &rating,
            "Hvad er fristen?\nSvar kort.",
            &Redactor::default(),
            Language::Da,
            &BTreeSet::new(),
        );
        let text = with_drafts(None, std::slice::from_ref(&c), Language::Da, "klarsprog").expect("text");
        let back: CaseFile = toml::from_str(&text).expect("parses");
        assert_eq!(back.cases, [c]);
        assert!(text.starts_with("# Udkast"), "{text}");
        let more = with_drafts(Some(&text), &[], Language::Da, "klarsprog").expect("text");
        assert!(toml::from_str::<CaseFile>(&more).is_ok());
    }
}
