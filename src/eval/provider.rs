//! Providers: OpenAI-compatible endpoints (LiteLLM) and `platform:<target>`, which chats with the deployed
//! specialist through Open WebUI's `/api/chat/completions`.

use std::time::Duration;

use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::UserError;
use crate::http::{self, Credential, HttpError, Transport};
use crate::model::config::{Config, Provider};
use crate::model::specialist::Params;
use crate::secrets::{self, Secret};

/// Prefix of `base_url` that selects the through-the-platform mode.
pub const PLATFORM_PREFIX: &str = "platform:";
/// Request timeout when the provider sets none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

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
    /// The API key as a header bound to the provider's origin, if one is configured (never printed or stored).
    pub credential: Option<Credential>,
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
            allow_insecure_http: false,
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
    if let Some(target_name) = provider.base_url.strip_prefix(PLATFORM_PREFIX) {
        return platform_provider(config, name, &provider, target_name, timeout_override);
    }
    if !(provider.base_url.starts_with("http://") || provider.base_url.starts_with("https://")) {
        return Err(UserError::new(format!(
            "provider `{name}` has a base_url that is neither http(s):// nor platform:<target>"
        ))
        .hint("use the endpoint's URL up to and including /v1"));
    }
    let url = checked_url(name, &provider.base_url, provider.allow_insecure_http)?;
    let credential = match &provider.api_key_env {
        Some(env) => Some(Credential::bearer(&url, read_key(env, name)?)),
        None => None,
    };
    Ok(ResolvedProvider {
        name: name.to_owned(),
        kind: ProviderKind::OpenAi {
            base_url: provider.base_url.clone(),
            model: provider.model.clone().unwrap_or_else(|| name.to_owned()),
        },
        credential,
        price_input_per_1k: provider.price_input_per_1k,
        price_output_per_1k: provider.price_output_per_1k,
        timeout: timeout(&[timeout_override, provider.timeout_secs]),
    })
}

/// A `platform:<target>` provider: the deployed specialists on that target, with its key and timeout.
fn platform_provider(
    config: &Config,
    name: &str,
    provider: &Provider,
    target_name: &str,
    timeout_override: Option<u64>,
) -> Result<ResolvedProvider, UserError> {
    let target = config.targets.get(target_name).ok_or_else(|| {
        UserError::new(format!(
            "provider `{name}` uses target `{target_name}`, which is not in aispec.toml"
        ))
        .hint("add [targets.<name>] with url and api_key_env, or fix the name")
    })?;
    let env = provider.api_key_env.as_deref().unwrap_or(&target.api_key_env);
    let url = checked_url(name, &target.url, target.allow_insecure_http)?;
    Ok(ResolvedProvider {
        name: name.to_owned(),
        kind: ProviderKind::Platform {
            target: target_name.to_owned(),
            url: target.url.clone(),
            model: provider.model.clone(),
        },
        credential: Some(Credential::bearer(&url, read_key(env, name)?)),
        price_input_per_1k: provider.price_input_per_1k,
        price_output_per_1k: provider.price_output_per_1k,
        timeout: timeout(&[timeout_override, provider.timeout_secs, target.timeout_secs]),
    })
}

/// The first timeout given, in order of precedence, else the default; at least a second.
fn timeout(choices: &[Option<u64>]) -> Duration {
    let secs = choices.iter().find_map(|c| *c).unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs.max(1))
}

fn read_key(env: &str, provider: &str) -> Result<Secret, UserError> {
    Secret::from_env(env).ok_or_else(|| {
        UserError::new(format!(
            "provider `{provider}` needs an API key in ${env}, which is not set"
        ))
        .hint(format!("export {env}=… (keys are read from the environment only)"))
    })
}

/// The provider's URL after the shared checks: http(s), no credentials in it, `http://` only to this machine
/// unless allowed.
fn checked_url(provider: &str, raw: &str, allow_insecure_http: bool) -> Result<Url, UserError> {
    http::check_base_url(raw, allow_insecure_http)
        .map_err(|problem| UserError::new(format!("the URL of provider `{provider}` {problem}")).hint(problem.hint()))
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
    /// The exchange failed (after the transport's retries).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The answer was not a chat completion.
    #[error("unexpected answer: {0}")]
    BadResponse(String),
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

/// Sends one chat request; the transport retries rate limits, server errors and lost connections.
pub async fn chat(
    transport: &Transport,
    p: &ResolvedProvider,
    req: &ChatRequest,
    counters: Option<&http::Counters>,
) -> Result<ChatAnswer, CallError> {
    let url = parse_endpoint(&p.endpoint())?;
    let body = request_body(req);
    let request = http::Request {
        body: http::Body::Json(&body),
        timeout: Some(p.timeout),
        counters,
        credential: p.credential.as_ref(),
        ..http::Request::new(&Method::POST, &url)
    };
    let reply = transport.send(request).await?;
    let latency_ms = u64::try_from(reply.latency.as_millis()).unwrap_or(u64::MAX);
    parse_answer(&reply.body, latency_ms)
}

fn parse_endpoint(url: &str) -> Result<Url, CallError> {
    Url::parse(url).map_err(|e| CallError::BadResponse(format!("invalid endpoint URL: {e}")))
}

/// Reads a chat completion body.
pub fn parse_answer(bytes: &[u8], latency_ms: u64) -> Result<ChatAnswer, CallError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| CallError::BadResponse(format!("not JSON: {e}")))?;
    let content = v
        .pointer("/choices/0/message/content")
        .ok_or_else(|| CallError::BadResponse("no choices[0].message.content".to_owned()))?;
    let text = match content {
        // A reply that only calls tools has no text; its calls are the answer (as promptfoo shows them).
        Value::Null | Value::String(_)
            if content.as_str().is_none_or(str::is_empty)
                && v.pointer("/choices/0/message/tool_calls")
                    .is_some_and(|t| t.as_array().is_some_and(|a| !a.is_empty())) =>
        {
            v.pointer("/choices/0/message/tool_calls")
                .map(Value::to_string)
                .unwrap_or_default()
        }
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
        // An endpoint that echoes the key into an answer must not get it into reports, the cache or results.
        text: secrets::redact(&text).into_owned(),
        prompt_tokens: v.pointer("/usage/prompt_tokens").and_then(Value::as_u64),
        completion_tokens: v.pointer("/usage/completion_tokens").and_then(Value::as_u64),
        latency_ms,
    })
}

/// The embeddings URL of an OpenAI-compatible provider.
pub fn embeddings_url(p: &ResolvedProvider) -> String {
    match &p.kind {
        ProviderKind::OpenAi { base_url, .. } => format!("{}/embeddings", base_url.trim_end_matches('/')),
        ProviderKind::Platform { url, .. } => format!("{}/api/embeddings", url.trim_end_matches('/')),
    }
}

/// Embeds one text with the provider's model (`POST …/embeddings`).
pub async fn embed(
    transport: &Transport,
    p: &ResolvedProvider,
    text: &str,
    counters: Option<&http::Counters>,
) -> Result<Vec<f32>, CallError> {
    let url = parse_endpoint(&embeddings_url(p))?;
    let body = json!({"model": p.model_for(None).unwrap_or_default(), "input": [text]});
    let request = http::Request {
        body: http::Body::Json(&body),
        timeout: Some(p.timeout),
        counters,
        credential: p.credential.as_ref(),
        ..http::Request::new(&Method::POST, &url)
    };
    let reply = transport.send(request).await?;
    let v: Value = serde_json::from_slice(&reply.body).map_err(|e| CallError::BadResponse(format!("not JSON: {e}")))?;
    let vector = v
        .pointer("/data/0/embedding")
        .and_then(Value::as_array)
        .ok_or_else(|| CallError::BadResponse("no data[0].embedding".to_owned()))?;
    vector
        .iter()
        .map(|x| x.as_f64().map(|f| f as f32))
        .collect::<Option<Vec<f32>>>()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CallError::BadResponse("the embedding is not a list of numbers".to_owned()))
}

/// `GET /api/models` on an Open WebUI.
pub fn platform_models_url(url: &str) -> String {
    format!("{}/api/models", url.trim_end_matches('/'))
}

/// Model ids the platform offers (`GET /api/models`). Open WebUI also needs this call once after a model was
/// created, before chats with it work.
pub async fn platform_models(transport: &Transport, p: &ResolvedProvider) -> Result<Vec<String>, CallError> {
    let ProviderKind::Platform { url, .. } = &p.kind else {
        return Ok(Vec::new());
    };
    let url = parse_endpoint(&platform_models_url(url))?;
    let request = http::Request {
        timeout: Some(p.timeout),
        credential: p.credential.as_ref(),
        ..http::Request::new(&Method::GET, &url)
    };
    let reply = transport.send(request).await?;
    let v: Value = serde_json::from_slice(&reply.body).map_err(|e| CallError::BadResponse(format!("not JSON: {e}")))?;
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
        let tools = parse_answer(
            br#"{"choices":[{"message":{"content":null,"tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}}]}"#,
            1,
        )
        .expect("answer");
        assert!(tools.text.starts_with(r#"[{"type":"function""#), "{}", tools.text);
        let echoed = parse_answer(
            br#"{"choices":[{"message":{"content":"Din header var Bearer sk-abcdef0123456789abcd"}}]}"#,
            1,
        )
        .expect("answer");
        assert_eq!(echoed.text, "Din header var Bearer [redacted]");
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
