//! Content hashes and sign-off state: a sign-off is valid only for the exact content it approved.

use std::collections::BTreeSet;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::screening::Screening;
use crate::model::specialist::{Signoff, Specialist};

/// Prefix of every content hash.
pub const HASH_PREFIX: &str = "sha256:";

/// The deployable content of a specialist: its fields (without sign-offs), prompt text and knowledge bytes.
pub struct Content<'a> {
    /// The parsed `specialist.toml`.
    pub spec: &'a Specialist,
    /// The system prompt text.
    pub prompt: &'a str,
    /// Knowledge files as (name relative to `knowledge/`, bytes), in any order.
    pub knowledge: Vec<(String, Vec<u8>)>,
    /// The bytes of the profile image file, when `profile_image` names one.
    pub profile_image: Option<Vec<u8>>,
}

/// Canonical `sha256:` hash of the deployable content. Formatting and comments in the TOML do not change it;
/// any change to a field value, the prompt, a knowledge file or the profile image does. Sign-offs and the
/// import record (`adopted`) are about the content, not part of it.
pub fn content_hash(content: &Content<'_>) -> String {
    let mut spec = content.spec.clone();
    spec.signoffs.clear();
    spec.adopted = None;
    let mut h = Sha256::new();
    h.update(b"aispec-content-v1\n");
    h.update(spec_bytes(&spec));
    h.update(b"\n--prompt--\n");
    h.update(content.prompt.as_bytes());
    let mut files: Vec<&(String, Vec<u8>)> = content.knowledge.iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, bytes) in files {
        h.update(b"\n--knowledge--\n");
        h.update(name.as_bytes());
        h.update(b"\n");
        h.update(Sha256::digest(bytes));
    }
    // Only specialists with an image file hash it, so every other hash stays what it was.
    if let Some(bytes) = &content.profile_image {
        h.update(b"\n--profile-image--\n");
        h.update(Sha256::digest(bytes));
    }
    format!("{HASH_PREFIX}{}", hex::encode(h.finalize()))
}

/// The specialist as hashed. `[platform]` holds free-form tables whose key order TOML does not keep (plain keys
/// are written before tables), so its keys are sorted; without it the bytes are exactly what they always were.
fn spec_bytes(spec: &Specialist) -> Vec<u8> {
    if spec.platform.is_empty() {
        return serde_json::to_vec(spec).unwrap_or_default();
    }
    let mut v = serde_json::to_value(spec).unwrap_or_default();
    if let Some(p) = v.get_mut("platform") {
        *p = sorted(p);
    }
    serde_json::to_vec(&v).unwrap_or_default()
}

fn sorted(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            serde_json::Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&o[k]))).collect())
        }
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The content hash of a specialist as loaded from the workspace (knowledge bytes read from disk); `None` when
/// `specialist.toml` does not parse or a knowledge file cannot or may not be read.
pub fn hash_loaded(ws: &crate::workspace::Workspace, s: &crate::workspace::LoadedSpecialist) -> Option<String> {
    let spec = &s.spec.as_ref()?.value;
    if s.knowledge_unreadable {
        return None;
    }
    let mut knowledge = Vec::with_capacity(s.knowledge.len());
    for k in &s.knowledge {
        knowledge.push((k.name.clone(), ws.knowledge_bytes(k).ok()?));
    }
    let profile_image = match ws.profile_image_path(s) {
        Some(path) => Some(ws.files.read(&path, crate::fsread::Limit::KNOWLEDGE).ok()?),
        None => None,
    };
    Some(content_hash(&Content {
        spec,
        prompt: s.prompt.as_ref().map_or("", |p| p.text.as_str()),
        knowledge,
        profile_image,
    }))
}

/// Roles that must sign: the workspace's `signoff.required_roles` plus those the screening adds.
pub fn required_roles(config: &crate::model::config::Config, from_screening: &[String]) -> BTreeSet<String> {
    config
        .signoff
        .required_roles
        .iter()
        .chain(from_screening)
        .cloned()
        .collect()
}

/// The `result.required_signoffs` of a `screening.toml` text; empty when it does not parse as a screening.
pub fn screening_required_signoffs(text: &str) -> Vec<String> {
    toml::from_str::<Screening>(text)
        .map(|s| s.result.required_signoffs)
        .unwrap_or_default()
}

/// File beside `screening.toml` that holds a screening's sign-offs. `screening.toml` is rewritten by
/// `aispec screen` after every answer, so sign-offs live apart from it and survive re-screening (where they
/// become void, because the hash of the screening changed).
pub const SCREENING_SIGNOFFS_FILE: &str = "signoffs.toml";

/// The content of a screening's `signoffs.toml`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffList {
    /// Sign-offs recorded by `aispec approve screening`.
    #[serde(default)]
    pub signoffs: Vec<Signoff>,
}

/// The sign-offs recorded for a screening and its state against its current content.
pub fn screening_status(ws: &crate::workspace::Workspace, screening: &Screening) -> Status {
    let rel = Screening::dir(&screening.id).join(SCREENING_SIGNOFFS_FILE);
    let list: SignoffList = ws
        .files
        .read_text(&rel, crate::fsread::Limit::TEXT)
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default();
    let required = required_roles(&ws.config, &screening.result.required_signoffs);
    status(&list.signoffs, &screening_hash(screening), &required)
}

/// Canonical `sha256:` hash of a screening's content: its fields as typed (formatting and comments do not count).
pub fn screening_hash(screening: &Screening) -> String {
    let mut h = Sha256::new();
    h.update(b"aispec-screening-v1\n");
    h.update(serde_json::to_vec(screening).unwrap_or_default());
    format!("{HASH_PREFIX}{}", hex::encode(h.finalize()))
}

/// Derived approval state; never typed by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// No valid sign-off.
    Draft,
    /// Some valid sign-offs, not all required roles.
    InReview,
    /// Every required role has signed the current content.
    Approved,
    /// The specialist's screening is missing, not approved or not signed: it cannot be approved or deployed
    /// whatever its own sign-offs (see [`crate::gate`]).
    Blocked,
}

impl State {
    /// The word shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::InReview => "in-review",
            State::Approved => "approved",
            State::Blocked => "blocked",
        }
    }
}

/// Sign-off status of one specialist against its current content.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Derived state.
    pub state: State,
    /// Current content hash.
    pub content_hash: String,
    /// Roles that must sign.
    pub required: Vec<String>,
    /// Required roles without a valid sign-off.
    pub missing: Vec<String>,
    /// Sign-offs that match the current content.
    pub valid: Vec<Signoff>,
    /// Sign-offs given for earlier content (void).
    pub void: Vec<Signoff>,
}

/// Evaluates the sign-offs against the current hash and the required roles.
pub fn status(signoffs: &[Signoff], current_hash: &str, required: &BTreeSet<String>) -> Status {
    let (valid, void): (Vec<Signoff>, Vec<Signoff>) =
        signoffs.iter().cloned().partition(|s| s.content_hash == current_hash);
    let signed: BTreeSet<&str> = valid.iter().map(|s| s.role.as_str()).collect();
    let missing: Vec<String> = required
        .iter()
        .filter(|r| !signed.contains(r.as_str()))
        .cloned()
        .collect();
    let state = if valid.is_empty() {
        State::Draft
    } else if missing.is_empty() {
        State::Approved
    } else {
        State::InReview
    };
    Status {
        state,
        content_hash: current_hash.to_owned(),
        required: required.iter().cloned().collect(),
        missing,
        valid,
        void,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Specialist {
        toml::from_str(
            r#"
id = "x"
name = "X"
kind = "assistent"
version = "1.0.0"
description = "d"
base_model = "m"
notice = "n"
[owner]
department = "D"
contact = "C"
"#,
        )
        .expect("spec")
    }

    fn signoff(role: &str, hash: &str) -> Signoff {
        Signoff {
            role: role.to_owned(),
            by: "A".to_owned(),
            at: "2026-01-01T00:00:00Z".to_owned(),
            content_hash: hash.to_owned(),
            note: None,
        }
    }

    #[test]
    fn hash_ignores_signoffs_but_not_content() {
        let s = spec();
        let base = content_hash(&Content {
            spec: &s,
            prompt: "p",
            knowledge: vec![],
            profile_image: None,
        });
        let mut signed = s.clone();
        signed.signoffs.push(signoff("r", &base));
        assert_eq!(
            base,
            content_hash(&Content {
                spec: &signed,
                prompt: "p",
                knowledge: vec![],
                profile_image: None,
            })
        );
        assert_ne!(
            base,
            content_hash(&Content {
                spec: &s,
                prompt: "p ",
                knowledge: vec![],
                profile_image: None,
            })
        );
        let k1 = vec![("a.md".to_owned(), b"1".to_vec())];
        let k2 = vec![("a.md".to_owned(), b"2".to_vec())];
        assert_ne!(
            content_hash(&Content {
                spec: &s,
                prompt: "p",
                knowledge: k1,
                profile_image: None,
            }),
            content_hash(&Content {
                spec: &s,
                prompt: "p",
                knowledge: k2,
                profile_image: None,
            })
        );
        assert!(base.starts_with(HASH_PREFIX));
    }

    #[test]
    fn platform_keys_hash_alike_in_any_order() {
        let with = |text: &str| {
            let mut s = spec();
            s.platform = toml::from_str(text).expect("platform");
            content_hash(&Content {
                spec: &s,
                prompt: "p",
                knowledge: vec![],
                profile_image: None,
            })
        };
        let a = with("[meta]\nhidden = false\n[meta.i18n.en]\ndescription = \"x\"\nname = \"y\"\n");
        let b = with("[meta.i18n.en]\nname = \"y\"\ndescription = \"x\"\n[meta]\nhidden = false\n");
        assert_eq!(a, b);
        assert_ne!(a, with("[meta]\nhidden = true\n"));
    }

    #[test]
    fn state_is_derived() {
        let req: BTreeSet<String> = ["a", "b"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(status(&[], "h", &req).state, State::Draft);
        assert_eq!(status(&[signoff("a", "h")], "h", &req).state, State::InReview);
        let both = [signoff("a", "h"), signoff("b", "h")];
        assert_eq!(status(&both, "h", &req).state, State::Approved);
        let st = status(&[signoff("a", "old"), signoff("b", "h")], "h", &req);
        assert_eq!(st.state, State::InReview);
        assert_eq!(st.void.len(), 1);
        assert_eq!(st.missing, vec!["a".to_owned()]);
    }
}
