//! `aispec-stub-llm`: a small OpenAI-compatible server with deterministic answers, for tests and benchmarks.
//!
//! Serves `GET /v1/models`, `POST /v1/chat/completions` (also streamed as SSE) and `POST /v1/embeddings`, each also
//! without the `/v1` prefix. Answers come from an optional answers file (TOML or JSON) matched against the last user
//! message; otherwise the answer echoes the model, the first line of the system prompt and the user message.
//! Faults are injected by markers in the prompt (`[[stub:429]]`, `[[stub:500:2]]`, `[[stub:hang]]`,
//! `[[stub:sleep:150]]`) or by `--fail-first N`. Open WebUI's `/api/models` and `/api/chat/completions` are served
//! too, so the stub can stand in for a platform in tests. `GET /stub/stats` and `GET /stub/requests` let tests see what
//! arrived; `POST /stub/reset` clears them.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod answers;
mod http;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpStream};

use answers::{
    CompiledRule, Fault, default_answer, estimate_tokens, fill, load_rules, markers, rule_matches, stream_events,
    vector,
};
use http::{Reply, Request, error, read_request, write_reply};

/// How many requests `/stub/requests` remembers.
const LOG_CAPACITY: usize = 2000;

/// An OpenAI-compatible stub LLM with deterministic answers, latency and fault injection.
#[derive(Debug, Parser)]
#[command(
    name = "aispec-stub-llm",
    after_help = "Prompt markers: [[stub:429]] [[stub:500]] [[stub:503:3]] [[stub:429:always]] [[stub:hang]] \
                  [[stub:hang:1]] [[stub:sleep:MS]]. The number is how many times the same request fails before \
                  it succeeds (default 1)."
)]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to bind; 0 picks a free one (the chosen port is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Model ids listed by `/v1/models` (comma-separated or repeated).
    #[arg(long = "models", value_delimiter = ',', default_value = "stub-model")]
    models: Vec<String>,
    /// Answer 404 for chat requests naming a model not in `--models`.
    #[arg(long)]
    strict_models: bool,
    /// TOML or JSON file with `[[answers]]` rules.
    #[arg(long)]
    answers: Option<PathBuf>,
    /// Delay before every chat or embeddings answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fail the first N chat requests (with `--fail-with`).
    #[arg(long, default_value_t = 0)]
    fail_first: u64,
    /// How `--fail-first` fails: an HTTP status such as 429 or 500, or `hang`.
    #[arg(long, default_value = "429")]
    fail_with: String,
    /// Seconds sent in `Retry-After` with 429 and 503 answers.
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// How long a hanging request hangs before answering, in seconds.
    #[arg(long, default_value_t = 600)]
    hang_secs: u64,
    /// Require `Authorization: Bearer <KEY>` on `/v1` endpoints.
    #[arg(long)]
    api_key: Option<String>,
    /// Length of embedding vectors.
    #[arg(long, default_value_t = 8)]
    embedding_dim: usize,
    /// Log every request to stderr.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Default)]
struct Counters {
    chat: u64,
    embeddings: u64,
    models: u64,
    injected_faults: u64,
    in_flight: u64,
    max_in_flight: u64,
    by_request: HashMap<String, u64>,
    log: VecDeque<Value>,
}

struct State {
    args: Args,
    rules: Vec<CompiledRule>,
    counters: Mutex<Counters>,
}

impl State {
    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match serve(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aispec-stub-llm: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let rules = load_rules(args.answers.as_deref())?;
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| format!("cannot bind {}:{}: {e}", args.host, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let state = Arc::new(State {
        args,
        rules,
        counters: Mutex::default(),
    });
    loop {
        let (stream, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            if let Err(e) = connection(stream, state.clone()).await
                && state.args.verbose
            {
                eprintln!("connection ended: {e}");
            }
        });
    }
}

async fn connection(stream: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    while let Some(req) = read_request(&mut reader, &mut write).await? {
        let started = Instant::now();
        let reply = handle(&req, &state).await;
        let status = match &reply {
            Reply::Json(code, ..) => *code,
            Reply::Stream(_) => 200,
        };
        write_reply(&mut write, reply, req.close).await?;
        if state.args.verbose {
            eprintln!(
                "{} {} -> {status} in {} ms",
                req.method,
                req.path,
                started.elapsed().as_millis()
            );
        }
        if req.close {
            break;
        }
    }
    Ok(())
}

async fn handle(req: &Request, state: &State) -> Reply {
    let path = req.path.split('?').next().unwrap_or_default();
    // `/v1/…` is the OpenAI layout; `/api/…` is Open WebUI's (`/api/models`, `/api/chat/completions`), so the stub
    // can also stand in for a platform.
    let api_path = path
        .strip_prefix("/v1")
        .or_else(|| path.strip_prefix("/api"))
        .unwrap_or(path);
    match (req.method.as_str(), path) {
        ("GET", "/health") => return Reply::Json(200, json!({"status": true}), Vec::new()),
        ("GET", "/stub/stats") => return stats(state),
        ("GET", "/stub/requests") => {
            let log: Vec<Value> = state.counters().log.iter().cloned().collect();
            return Reply::Json(200, Value::Array(log), Vec::new());
        }
        ("POST", "/stub/reset") => {
            *state.counters() = Counters::default();
            return Reply::Json(200, json!({"reset": true}), Vec::new());
        }
        _ => {}
    }
    if let Some(key) = &state.args.api_key {
        let expected = format!("Bearer {key}");
        if req.header("authorization") != Some(expected.as_str()) {
            return error(401, "missing or wrong API key");
        }
    }
    match (req.method.as_str(), api_path) {
        ("GET", "/models") => {
            state.counters().models += 1;
            let data: Vec<Value> = state
                .args
                .models
                .iter()
                .map(|id| json!({"id": id, "object": "model", "created": 0, "owned_by": "aispec-stub"}))
                .collect();
            Reply::Json(200, json!({"object": "list", "data": data}), Vec::new())
        }
        ("POST", "/chat/completions") => match serde_json::from_slice::<Value>(&req.body) {
            Ok(body) => {
                let _flight = InFlight::start(state);
                chat(&body, path, state).await
            }
            Err(e) => error(400, &format!("request body is not JSON: {e}")),
        },
        ("POST", "/embeddings") => match serde_json::from_slice::<Value>(&req.body) {
            Ok(body) => embeddings(&body, state).await,
            Err(e) => error(400, &format!("request body is not JSON: {e}")),
        },
        _ => error(404, &format!("no route for {} {}", req.method, req.path)),
    }
}

fn stats(state: &State) -> Reply {
    let c = state.counters();
    Reply::Json(
        200,
        json!({
            "chat": c.chat,
            "embeddings": c.embeddings,
            "models": c.models,
            "injected_faults": c.injected_faults,
            "max_in_flight": c.max_in_flight,
        }),
        Vec::new(),
    )
}

/// Counts a chat request as in flight until dropped (also when the client gives up mid-request).
struct InFlight<'a>(&'a State);

impl<'a> InFlight<'a> {
    fn start(state: &'a State) -> Self {
        let mut c = state.counters();
        c.in_flight += 1;
        c.max_in_flight = c.max_in_flight.max(c.in_flight);
        InFlight(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut c = self.0.counters();
        c.in_flight = c.in_flight.saturating_sub(1);
    }
}

/// Text of a message's content, which is a string or a list of parts.
fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

async fn chat(body: &Value, path: &str, state: &State) -> Reply {
    let model = body.get("model").and_then(Value::as_str).unwrap_or_default().to_owned();
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let system = messages
        .iter()
        .filter(|m| m.get("role").and_then(Value::as_str) == Some("system"))
        .map(|m| content_text(m.get("content").unwrap_or(&Value::Null)))
        .collect::<Vec<_>>()
        .join("\n");
    let user = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .map(|m| content_text(m.get("content").unwrap_or(&Value::Null)))
        .unwrap_or_default();
    let request_key = format!("{model}\u{0}{}", Value::Array(messages.clone()));
    let (seen, global) = record_chat(state, path, body, request_key);
    if messages.is_empty() {
        return error(400, "messages must be a non-empty list");
    }
    if state.args.strict_models && !state.args.models.contains(&model) {
        return error(404, &format!("model {model:?} not found"));
    }
    let (marker_fault, marker_sleep) = markers(&user);
    let fault = if global <= state.args.fail_first {
        Some(if state.args.fail_with == "hang" {
            Fault::Hang
        } else {
            Fault::Status(state.args.fail_with.parse().unwrap_or(429))
        })
    } else {
        marker_fault.and_then(|(f, n)| n.is_none_or(|n| seen < n).then_some(f))
    };
    let rule = state.rules.iter().find(|r| rule_matches(r, &model, &system, &user));
    let latency = state.args.latency_ms + marker_sleep + rule.and_then(|r| r.rule.latency_ms).unwrap_or(0);
    if let Some(fault) = fault {
        return injected(state, fault, latency).await;
    }
    sleep_ms(latency).await;
    let answer = match rule {
        Some(r) => {
            let text = match &r.rule.cycle {
                Some(list) if !list.is_empty() => list[(seen as usize) % list.len()].clone(),
                _ => r.rule.answer.clone().unwrap_or_default(),
            };
            fill(&text, &model, &system, &user)
        }
        None => default_answer(&model, &system, &user),
    };
    let (prompt_tokens, completion_tokens) = match rule.and_then(|r| r.rule.usage) {
        Some([p, c]) => (p, c),
        None => (
            messages
                .iter()
                .map(|m| estimate_tokens(&content_text(m.get("content").unwrap_or(&Value::Null))) + 4)
                .sum(),
            estimate_tokens(&answer),
        ),
    };
    completion(global, &model, &answer, [prompt_tokens, completion_tokens], stream)
}

/// Counts the chat and logs it; returns how often this exact request was seen before and the chat's number.
fn record_chat(state: &State, path: &str, body: &Value, request_key: String) -> (u64, u64) {
    let mut c = state.counters();
    c.chat += 1;
    let global = c.chat;
    let n = c.by_request.entry(request_key).or_insert(0);
    *n += 1;
    let seen = *n - 1;
    if c.log.len() >= LOG_CAPACITY {
        c.log.pop_front();
    }
    c.log.push_back(json!({"endpoint": "chat", "path": path, "body": body}));
    (seen, global)
}

/// An injected fault: a hang, or an error status (with `Retry-After` for 429 and 503) after the latency.
async fn injected(state: &State, fault: Fault, latency: u64) -> Reply {
    state.counters().injected_faults += 1;
    match fault {
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(state.args.hang_secs)).await;
            error(504, "the stub hung on purpose")
        }
        Fault::Status(code) => {
            sleep_ms(latency).await;
            let extra = if code == 429 || code == 503 {
                vec![("Retry-After".to_owned(), state.args.retry_after.to_string())]
            } else {
                Vec::new()
            };
            let body =
                json!({"error": {"message": format!("injected fault {code}"), "type": "stub_fault", "code": code}});
            Reply::Json(code, body, extra)
        }
    }
}

/// The answer as a chat completion, streamed or whole, with its token usage.
fn completion(number: u64, model: &str, answer: &str, [prompt, completion]: [u64; 2], stream: bool) -> Reply {
    let usage = json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    });
    let id = format!("chatcmpl-stub-{number}");
    if stream {
        return Reply::Stream(stream_events(&id, model, answer, usage));
    }
    Reply::Json(
        200,
        json!({
            "id": id,
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
            "usage": usage,
        }),
        Vec::new(),
    )
}

async fn embeddings(body: &Value, state: &State) -> Reply {
    {
        let mut c = state.counters();
        c.embeddings += 1;
        if c.log.len() >= LOG_CAPACITY {
            c.log.pop_front();
        }
        c.log.push_back(json!({"endpoint": "embeddings", "body": body}));
    }
    sleep_ms(state.args.latency_ms).await;
    let inputs: Vec<String> = match body.get("input") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect(),
        _ => return error(400, "input must be a text or a list of texts"),
    };
    let model = body.get("model").and_then(Value::as_str).unwrap_or_default();
    let dim = state.args.embedding_dim.max(1);
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, text)| json!({"object": "embedding", "index": i, "embedding": vector(text, dim)}))
        .collect();
    let tokens: u64 = inputs.iter().map(|t| estimate_tokens(t)).sum();
    Reply::Json(
        200,
        json!({
            "object": "list", "data": data, "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }),
        Vec::new(),
    )
}

async fn sleep_ms(ms: u64) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}
