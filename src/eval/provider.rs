//! Providers: OpenAI-compatible endpoints (LiteLLM) and `platform:<target>`, which chats with the deployed
//! specialist through Open WebUI's `/api/chat/completions`.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::UserError;
use crate::model::config::{Config, Provider};
use crate::model::specialist::Params;

/// Prefix of `base_url` that selects the through-the-platform mode.
pub const PLATFORM_PREFIX: &str = "platform:";
/// Request timeout when the provider sets none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// Longest `Retry-After` honoured; longer waits are cut to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Where a provider sends chats.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ProviderKind {
    /// An OpenAI-compatible endpoint with a fixed model; aispec sends the system prompt.
    OpenAi {
        /// Base URL up to `/v1`.
        base_url: String,
        /// Model id sent with every request.
        model: String,
    },
    /// A deployed Open WebUI: specialist cases chat with the specialist's id, which applies its prompt.
    Platform {
        /// Target name in `aispec.toml`.
        target: String,
        /// The target's base URL.
        url: String,
        /// Model used for suite cases (which have no specialist), if any.
        model: Option<String>,
    },
}

/// A provider ready to use: settings resolved, API key read from the environment.
#[derive(Debug, Clone)]
pub struct ResolvedProvider {
    /// Name in `aispec.toml` (or `platform:<target>`).
    pub name: String,
    /// Where chats go.
    pub kind: ProviderKind,
    /// The API key, if one is configured (never printed or stored).
    pub api_key: Option<String>,
    /// Price per 1,000 prompt tokens.
    pub price_input_per_1k: Option<f64>,
    /// Price per 1,000 completion tokens.
    pub price_output_per_1k: Option<f64>,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// What is recorded about a provider in results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderInfo {
    /// Provider name.
    pub name: String,
    /// `openai` or `platform`.
    pub kind: String,
    /// Model id (for platform providers: the suite model, or `null` when each specialist is its own model).
    pub model: Option<String>,
    /// The chat URL.
    pub endpoint: String,
}

impl ResolvedProvider {
    /// True for `platform:<target>` providers.
    pub fn is_platform(&self) -> bool {
        matches!(self.kind, ProviderKind::Platform { .. })
    }

    /// The chat completions URL.
    pub fn endpoint(&self) -> String {
        match &self.kind {
            ProviderKind::OpenAi { base_url, .. } => format!("{}/chat/completions", base_url.trim_end_matches('/')),
            ProviderKind::Platform { url, .. } => format!("{}/api/chat/completions", url.trim_end_matches('/')),
        }
    }

    /// The model to ask for a case: the provider's model, or for the platform the specialist's id. `None` when
    /// the provider cannot run the case (a suite through the platform without a configured model).
    pub fn model_for(&self, specialist: Option<&str>) -> Option<String> {
        match (&self.kind, specialist) {
            (ProviderKind::OpenAi { model, .. }, _) => Some(model.clone()),
            (ProviderKind::Platform { .. }, Some(id)) => Some(id.to_owned()),
            (ProviderKind::Platform { model, .. }, None) => model.clone(),
        }
    }

    /// Whether aispec must send the system prompt (the platform applies a specialist's prompt itself).
    pub fn sends_system_prompt(&self, specialist: Option<&str>) -> bool {
        !(self.is_platform() && specialist.is_some())
    }

    /// Answers from the platform are never cached: what they test (the deployed platform) is not in the key.
    pub fn cacheable(&self) -> bool {
        !self.is_platform()
    }

    /// Cost of one answer, when prices and usage are known.
    pub fn cost(&self, prompt_tokens: Option<u64>, completion_tokens: Option<u64>) -> Option<f64> {
        if self.price_input_per_1k.is_none() && self.price_output_per_1k.is_none() {
            return None;
        }
        let p = prompt_tokens? as f64 / 1000.0 * self.price_input_per_1k.unwrap_or(0.0);
        let c = completion_tokens? as f64 / 1000.0 * self.price_output_per_1k.unwrap_or(0.0);
        Some(p + c)
    }

    /// The record kept in results files.
    pub fn info(&self) -> ProviderInfo {
        let (kind, model) = match &self.kind {
            ProviderKind::OpenAi { model, .. } => ("openai", Some(model.clone())),
            ProviderKind::Platform { model, .. } => ("platform", model.clone()),
        };
        ProviderInfo {
            name: self.name.clone(),
            kind: kind.to_owned(),
            model,
            endpoint: self.endpoint(),
        }
    }
}

/// Resolves provider names (from `aispec.toml`, or `platform:<target>` directly) into usable providers.
pub fn resolve(
    config: &Config,
    names: &[String],
    timeout_override: Option<u64>,
) -> Result<Vec<ResolvedProvider>, UserError> {
    names
        .iter()
        .map(|name| resolve_one(config, name, timeout_override))
        .collect()
}

fn resolve_one(config: &Config, name: &str, timeout_override: Option<u64>) -> Result<ResolvedProvider, UserError> {
    let provider = match config.providers.get(name) {
        Some(p) => p.clone(),
        None if name.starts_with(PLATFORM_PREFIX) => Provider {
            base_url: name.to_owned(),
            model: None,
            api_key_env: None,
            price_input_per_1k: None,
            price_output_per_1k: None,
            timeout_secs: None,
        },
        None => {
            let known: Vec<&str> = config.providers.keys().map(String::as_str).collect();
            return Err(
                UserError::new(format!("no provider named `{name}` in aispec.toml")).hint(if known.is_empty() {
                    "add a [providers.<name>] table with base_url and model to aispec.toml".to_owned()
                } else {
                    format!(
                        "known providers: {}; or use platform:<target> for a deployed platform",
                        known.join(", ")
                    )
                }),
            );
        }
    };
    let timeout = Duration::from_secs(
        timeout_override
            .or(provider.timeout_secs)
            .unwrap_or(DEFAULT_TIMEOUT_SECS)
            .max(1),
    );
    if let Some(target_name) = provider.base_url.strip_prefix(PLATFORM_PREFIX) {
        let target = config.targets.get(target_name).ok_or_else(|| {
            UserError::new(format!(
                "provider `{name}` uses target `{target_name}`, which is not in aispec.toml"
            ))
            .hint("add [targets.<name>] with url and api_key_env, or fix the name")
        })?;
        let env = provider.api_key_env.as_deref().unwrap_or(&target.api_key_env);
        return Ok(ResolvedProvider {
            name: name.to_owned(),
            kind: ProviderKind::Platform {
                target: target_name.to_owned(),
                url: target.url.clone(),
                model: provider.model.clone(),
            },
            api_key: Some(read_key(env, name)?),
            price_input_per_1k: provider.price_input_per_1k,
            price_output_per_1k: provider.price_output_per_1k,
            timeout: Duration::from_secs(
                timeout_override
                    .or(provider.timeout_secs)
                    .or(target.timeout_secs)
                    .unwrap_or(DEFAULT_TIMEOUT_SECS)
                    .max(1),
            ),
        });
    }
    if !(provider.base_url.starts_with("http://") || provider.base_url.starts_with("https://")) {
        return Err(UserError::new(format!(
            "provider `{name}` has base_url `{}`, which is neither http(s):// nor platform:<target>",
            provider.base_url
        ))
        .hint("use the endpoint's URL up to and including /v1"));
    }
    let api_key = match &provider.api_key_env {
        Some(env) => Some(read_key(env, name)?),
        None => None,
    };
    Ok(ResolvedProvider {
        name: name.to_owned(),
        kind: ProviderKind::OpenAi {
            base_url: provider.base_url.clone(),
            model: provider.model.clone().unwrap_or_else(|| name.to_owned()),
        },
        api_key,
        price_input_per_1k: provider.price_input_per_1k,
        price_output_per_1k: provider.price_output_per_1k,
        timeout,
    })
}

fn read_key(env: &str, provider: &str) -> Result<String, UserError> {
    match std::env::var(env) {
        Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        _ => Err(UserError::new(format!(
            "provider `{provider}` needs an API key in ${env}, which is not set"
        ))
        .hint(format!("export {env}=… (keys are read from the environment only)"))),
    }
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl Message {
    /// A message with this role.
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Message {
            role: role.to_owned(),
            content: content.into(),
        }
    }
}

/// A chat request as sent (and as keyed in the cache).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatRequest {
    /// Model id.
    pub model: String,
    /// The conversation.
    pub messages: Vec<Message>,
    /// Generation parameters.
    pub params: Params,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatAnswer {
    /// The assistant's text.
    pub text: String,
    /// Prompt tokens as reported by the endpoint.
    pub prompt_tokens: Option<u64>,
    /// Completion tokens as reported by the endpoint.
    pub completion_tokens: Option<u64>,
    /// Milliseconds from sending to the full answer.
    pub latency_ms: u64,
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The endpoint answered with an error status.
    #[error("HTTP {code}: {message}")]
    Status {
        /// Status code.
        code: u16,
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
        /// The error message from the body.
        message: String,
    },
    /// No answer within the timeout.
    #[error("no answer within {0} s")]
    Timeout(u64),
    /// Could not connect or the connection broke.
    #[error("network error: {0}")]
    Network(String),
    /// The answer was not a chat completion.
    #[error("unexpected answer: {0}")]
    BadResponse(String),
}

impl CallError {
    /// Worth trying again: rate limits, server errors, timeouts and broken connections.
    pub fn retryable(&self) -> bool {
        match self {
            CallError::Status { code, .. } => *code == 408 || *code == 429 || *code >= 500,
            CallError::Timeout(_) | CallError::Network(_) => true,
            CallError::BadResponse(_) => false,
        }
    }

    /// The wait the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            CallError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The JSON body of a chat request.
pub fn request_body(req: &ChatRequest) -> Value {
    let mut body = json!({"model": req.model, "messages": req.messages, "stream": false});
    let p = &req.params;
    let set = |body: &mut Value, k: &str, v: Option<Value>| {
        if let Some(v) = v {
            body[k] = v;
        }
    };
    set(&mut body, "temperature", p.temperature.map(Value::from));
    set(&mut body, "max_tokens", p.max_tokens.map(Value::from));
    set(&mut body, "top_p", p.top_p.map(Value::from));
    set(&mut body, "frequency_penalty", p.frequency_penalty.map(Value::from));
    set(&mut body, "seed", p.seed.map(Value::from));
    body
}

/// Sends one chat request (no retries).
pub async fn chat(client: &reqwest::Client, p: &ResolvedProvider, req: &ChatRequest) -> Result<ChatAnswer, CallError> {
    let started = Instant::now();
    let mut builder = client.post(p.endpoint()).timeout(p.timeout).json(&request_body(req));
    if let Some(key) = &p.api_key {
        builder = builder.bearer_auth(key);
    }
    let secs = p.timeout.as_secs();
    let response = builder.send().await.map_err(|e| transport_error(&e, secs))?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let bytes = response.bytes().await.map_err(|e| transport_error(&e, secs))?;
    let latency_ms = started.elapsed().as_millis() as u64;
    if !status.is_success() {
        return Err(CallError::Status {
            code: status.as_u16(),
            retry_after,
            message: error_message(&bytes),
        });
    }
    parse_answer(&bytes, latency_ms)
}

fn transport_error(e: &reqwest::Error, timeout_secs: u64) -> CallError {
    if e.is_timeout() {
        CallError::Timeout(timeout_secs)
    } else {
        // The source chain says why (connection refused, reset…); the URL is already in the context.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        CallError::Network(text)
    }
}

/// `Retry-After` as seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<f64>() {
        (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))?
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

fn error_message(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let parsed: Option<Value> = serde_json::from_slice(bytes).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("detail"))
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let mut msg = from_json.unwrap_or_else(|| text.trim().to_owned());
    if msg.chars().count() > 300 {
        msg = msg.chars().take(300).collect::<String>() + "…";
    }
    msg
}

/// Reads a chat completion body.
pub fn parse_answer(bytes: &[u8], latency_ms: u64) -> Result<ChatAnswer, CallError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| CallError::BadResponse(format!("not JSON: {e}")))?;
    let content = v
        .pointer("/choices/0/message/content")
        .ok_or_else(|| CallError::BadResponse("no choices[0].message.content".to_owned()))?;
    let text = match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
        Value::Null => String::new(),
        other => return Err(CallError::BadResponse(format!("content is {other}"))),
    };
    Ok(ChatAnswer {
        text,
        prompt_tokens: v.pointer("/usage/prompt_tokens").and_then(Value::as_u64),
        completion_tokens: v.pointer("/usage/completion_tokens").and_then(Value::as_u64),
        latency_ms,
    })
}

/// `GET /api/models` on an Open WebUI.
pub fn platform_models_url(url: &str) -> String {
    format!("{}/api/models", url.trim_end_matches('/'))
}

/// Model ids the platform offers (`GET /api/models`). Open WebUI also needs this call once after a model was
/// created, before chats with it work.
pub async fn platform_models(client: &reqwest::Client, p: &ResolvedProvider) -> Result<Vec<String>, CallError> {
    let ProviderKind::Platform { url, .. } = &p.kind else {
        return Ok(Vec::new());
    };
    let mut builder = client.get(platform_models_url(url)).timeout(p.timeout);
    if let Some(key) = &p.api_key {
        builder = builder.bearer_auth(key);
    }
    let secs = p.timeout.as_secs();
    let response = builder.send().await.map_err(|e| transport_error(&e, secs))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| transport_error(&e, secs))?;
    if !status.is_success() {
        return Err(CallError::Status {
            code: status.as_u16(),
            retry_after: None,
            message: error_message(&bytes),
        });
    }
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| CallError::BadResponse(format!("not JSON: {e}")))?;
    let list = v.get("data").and_then(Value::as_array).or_else(|| v.as_array());
    Ok(list
        .map(|items| {
            items
                .iter()
                .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
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
    }

    #[test]
    fn parses_answers_and_errors() {
        let a = parse_answer(
            br#"{"choices":[{"message":{"content":"Hej"}}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#,
            7,
        )
        .expect("answer");
        assert_eq!(
            (a.text.as_str(), a.prompt_tokens, a.completion_tokens),
            ("Hej", Some(3), Some(1))
        );
        assert!(parse_answer(br#"{"detail":"Model not found"}"#, 1).is_err());
        assert_eq!(error_message(br#"{"detail":"Model not found"}"#), "Model not found");
        assert_eq!(error_message(br#"{"error":{"message":"slow down"}}"#), "slow down");
    }

    #[test]
    fn body_carries_only_set_params() {
        let req = ChatRequest {
            model: "m".into(),
            messages: vec![Message::new("user", "hej")],
            params: Params {
                temperature: Some(0.2),
                ..Params::default()
            },
        };
        let body = request_body(&req);
        assert_eq!(body["temperature"], 0.2);
        assert!(body.get("max_tokens").is_none());
        assert_eq!(body["stream"], false);
    }
}
