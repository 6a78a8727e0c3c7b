//! Secrets: API keys read from the environment, and redaction of every key in use (plus anything shaped like a
//! bearer token or an `sk-` key) from text that may be printed or saved.
//!
//! A key becomes a [`Secret`] the moment it is read; that registers its value, so [`redact`] can remove it from
//! error bodies, saved results and the final error message without each caller passing the key around.

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

use regex::Regex;
use serde_json::Value;

/// What replaces a secret in text.
pub const REDACTED: &str = "[redacted]";
/// Keys shorter than this are not redacted as exact values: they would blank out ordinary words. Tokens after
/// `Bearer` are redacted whatever their length.
const MIN_EXACT_LEN: usize = 8;
/// How many characters of a server's error body are quoted at most.
pub const MAX_QUOTED_CHARS: usize = 300;

static IN_USE: RwLock<Vec<String>> = RwLock::new(Vec::new());

static SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    // `Bearer <token>` (the token may be quoted JSON-escaped), `sk-…` keys, and three-part JWTs.
    Regex::new(r"(?i)(\bbearer\s+)[A-Za-z0-9\-._~+/]+=*|\bsk-[A-Za-z0-9_\-]{12,}|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+")
        .expect("valid regex")
});

/// An API key: its value is registered for redaction and never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key and registers it for redaction.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into().trim().to_owned();
        register(&value);
        Secret(value)
    }

    /// The key from environment variable `name`, when it is set and not blank.
    pub fn from_env(name: &str) -> Option<Self> {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(Secret::new)
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Remembers a value to redact from now on (no-op for values too short to redact safely).
pub fn register(value: &str) {
    let value = value.trim();
    if value.chars().count() < MIN_EXACT_LEN {
        return;
    }
    let mut set = IN_USE.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !set.iter().any(|v| v == value) {
        set.push(value.to_owned());
        // Longest first, so a key that contains another is removed whole.
        set.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }
}

/// `text` with every registered key and every bearer token, `sk-` key or JWT replaced by [`REDACTED`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let set = IN_USE.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = Cow::Borrowed(text);
    for secret in set.iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
        }
    }
    if SHAPED.is_match(&out) {
        let replaced = SHAPED
            .replace_all(&out, |c: &regex::Captures<'_>| match c.get(1) {
                Some(prefix) => format!("{}{REDACTED}", prefix.as_str()),
                None => REDACTED.to_owned(),
            })
            .into_owned();
        out = Cow::Owned(replaced);
    }
    out
}

/// Redacts every string (and object key) inside a JSON value, in place.
pub fn redact_json(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(r) = redact(s) {
                *s = r;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::Object(map) => {
            let keys: Vec<String> = map
                .keys()
                .filter(|k| matches!(redact(k), Cow::Owned(_)))
                .cloned()
                .collect();
            for key in keys {
                if let Some(v) = map.remove(&key) {
                    map.insert(redact(&key).into_owned(), v);
                }
            }
            map.values_mut().for_each(redact_json);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A server's text made safe to quote: redacted, on one line, at most [`MAX_QUOTED_CHARS`] characters.
pub fn quote(text: &str) -> String {
    let redacted = redact(text.trim());
    let one_line: String = redacted.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if one_line.chars().count() > MAX_QUOTED_CHARS {
        let cut: String = one_line.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// True for values that look like credentials rather than names or settings.
pub fn looks_like_secret(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("sk-")
        || v.starts_with("eyJ")
        || v.to_ascii_lowercase().starts_with("bearer ")
        || (v.len() >= 24 && v.chars().any(|c| c.is_ascii_digit()) && !v.contains(' '))
}

/// True for a URL with a user name or password before the host (`https://user:key@host`).
pub fn has_userinfo(value: &str) -> bool {
    value
        .split_once("://")
        .map(|(_, rest)| {
            rest.split(['/', '?', '#', ' ', '"', '\'', '<', '>', ')'])
                .next()
                .unwrap_or_default()
        })
        .is_some_and(|authority| authority.contains('@'))
}

/// True for setting names that hold a credential (`api_key`, `token`, `password`…), as opposed to
/// `api_key_env`, which names a variable.
pub fn is_secret_key_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    if k.ends_with("_env") {
        return false;
    }
    [
        "key",
        "apikey",
        "token",
        "password",
        "passwd",
        "secret",
        "bearer",
        "authorization",
        "auth",
    ]
    .iter()
    .any(|word| k == *word || k.ends_with(&format!("_{word}")) || k.starts_with(&format!("{word}_")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_keys_and_shaped_tokens_are_removed() {
        let secret = Secret::new("pw-9f8e7d6c5b4a");
        assert_eq!(format!("{secret:?}"), REDACTED);
        let text = "denied for pw-9f8e7d6c5b4a (header: Bearer abc.def-ghi) and sk-0123456789abcdef0123";
        assert_eq!(
            redact(text),
            "denied for [redacted] (header: Bearer [redacted]) and [redacted]"
        );
        assert!(matches!(redact("nothing to hide here"), Cow::Borrowed(_)));
    }

    #[test]
    fn short_values_are_not_registered() {
        register("abc");
        assert_eq!(redact("abc abc"), "abc abc");
    }

    #[test]
    fn json_strings_and_keys_are_redacted() {
        let _k = Secret::new("zz-secret-value-1");
        let mut v = serde_json::json!({"error": "got zz-secret-value-1", "zz-secret-value-1": [1, "x"]});
        redact_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"error": "got [redacted]", "[redacted]": [1, "x"]})
        );
    }

    #[test]
    fn quotes_are_short_and_on_one_line() {
        let long = format!("line one\nAuthorization: Bearer tok123\n{}", "x".repeat(1000));
        let q = quote(&long);
        assert!(q.starts_with("line one Authorization: Bearer [redacted] "), "{q}");
        assert_eq!(q.chars().count(), MAX_QUOTED_CHARS + 1);
    }

    #[test]
    fn userinfo_in_urls() {
        assert!(has_userinfo("https://svc:sk-x@ai.example.dk/api"));
        assert!(has_userinfo("http://user@host"));
        assert!(!has_userinfo("https://ai.example.dk/api?mail=a@b.dk"));
        assert!(!has_userinfo("platform:staging"));
        assert!(!has_userinfo("se https://aarhus.dk eller skriv til a@b.dk"));
        assert!(has_userinfo(r#"url = "ftp://svc:pw@host""#));
    }

    #[test]
    fn secret_setting_names() {
        for k in [
            "api_key",
            "apikey",
            "token",
            "API-KEY",
            "password",
            "access_token",
            "secret",
        ] {
            assert!(is_secret_key_name(k), "{k}");
        }
        for k in ["api_key_env", "timeout_secs", "url", "keywords", "model"] {
            assert!(!is_secret_key_name(k), "{k}");
        }
    }
}
