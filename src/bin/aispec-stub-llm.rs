//! `aispec-stub-llm`: a small OpenAI-compatible server with deterministic answers, for tests and benchmarks.
//!
//! Serves `GET /v1/models`, `POST /v1/chat/completions` (also streamed as SSE) and `POST /v1/embeddings`, each also
//! without the `/v1` prefix. Answers come from an optional answers file (TOML or JSON) matched against the last user
//! message; otherwise the answer echoes the model, the first line of the system prompt and the user message.
//! Faults are injected by markers in the prompt (`[[stub:429]]`, `[[stub:500:2]]`, `[[stub:hang]]`,
//! `[[stub:sleep:150]]`) or by `--fail-first N`. `GET /stub/stats` and `GET /stub/requests` let tests see what
//! arrived; `POST /stub/reset` clears them.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use regex::Regex;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head and body accepted.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 32 * 1024 * 1024;
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

/// The answers file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersFile {
    #[serde(default)]
    answers: Vec<Rule>,
}

/// One rule: the first rule whose conditions all hold answers the request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    /// Substring of the last user message.
    contains: Option<String>,
    /// Regular expression matched against the last user message.
    regex: Option<String>,
    /// Substring of the system prompt.
    system_contains: Option<String>,
    /// Exact model id.
    model: Option<String>,
    /// The answer; `{model}`, `{user}` and `{system}` (first line) are replaced.
    answer: Option<String>,
    /// Answers used in turn for the same request (for flaky behaviour across repeats).
    cycle: Option<Vec<String>>,
    /// Extra delay for this rule, in milliseconds.
    latency_ms: Option<u64>,
    /// Usage numbers to report instead of the computed ones: `[prompt, completion]`.
    usage: Option<[u64; 2]>,
}

struct CompiledRule {
    rule: Rule,
    regex: Option<Regex>,
}

#[derive(Default)]
struct Counters {
    chat: u64,
    embeddings: u64,
    models: u64,
    injected_faults: u64,
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

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    close: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to send back.
enum Reply {
    Json(u16, Value, Vec<(String, String)>),
    Stream(Vec<Value>),
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

fn load_rules(path: Option<&std::path::Path>) -> Result<Vec<CompiledRule>, String> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: AnswersFile = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
    };
    file.answers
        .into_iter()
        .map(|rule| {
            let regex = match &rule.regex {
                Some(r) => Some(Regex::new(r).map_err(|e| format!("{}: bad regex {r:?}: {e}", path.display()))?),
                None => None,
            };
            Ok(CompiledRule { rule, regex })
        })
        .collect()
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

async fn read_request<R, W>(reader: &mut BufReader<R>, write: &mut W) -> std::io::Result<Option<Request>>
where
    R: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    let mut line = String::new();
    // Skip stray empty lines between keep-alive requests.
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let version = parts.next().unwrap_or("HTTP/1.1").to_owned();
    let mut headers = Vec::new();
    let mut head_size = line.len();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        head_size += line.len();
        if head_size > MAX_HEAD {
            return Err(std::io::Error::other("request head too large"));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let mut req = Request {
        method,
        path,
        headers,
        body: Vec::new(),
        close: false,
    };
    let conn = req.header("connection").map(str::to_ascii_lowercase);
    req.close = match conn.as_deref() {
        Some(c) if c.contains("close") => true,
        Some(c) if c.contains("keep-alive") => false,
        _ => version == "HTTP/1.0",
    };
    if req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        write.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    if req
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        req.body = read_chunked(reader).await?;
    } else if let Some(len) = req.header("content-length") {
        let len: usize = len.parse().map_err(|_| std::io::Error::other("bad content-length"))?;
        if len > MAX_BODY {
            return Err(std::io::Error::other("request body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).await?;
        req.body = body;
    }
    Ok(Some(req))
}

async fn read_chunked<R: tokio::io::AsyncRead + Unpin>(reader: &mut BufReader<R>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let size_text = line.trim().split(';').next().unwrap_or("0");
        let size = usize::from_str_radix(size_text, 16).map_err(|_| std::io::Error::other("bad chunk size"))?;
        if size == 0 {
            // Trailers until the empty line.
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(std::io::Error::other("request body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).await?;
        line.clear();
        reader.read_line(&mut line).await?;
    }
}

async fn write_reply<W: tokio::io::AsyncWrite + Unpin>(
    write: &mut W,
    reply: Reply,
    close: bool,
) -> std::io::Result<()> {
    let connection = if close { "close" } else { "keep-alive" };
    match reply {
        Reply::Json(code, body, extra) => {
            let body = body.to_string();
            let mut head = format!(
                "HTTP/1.1 {code} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: {connection}\r\n",
                reason(code),
                body.len()
            );
            for (k, v) in extra {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            head.push_str(&body);
            write.write_all(head.as_bytes()).await?;
        }
        Reply::Stream(events) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
                 Transfer-Encoding: chunked\r\nConnection: {connection}\r\n\r\n"
            );
            write.write_all(head.as_bytes()).await?;
            for event in events
                .iter()
                .map(|e| format!("data: {e}\n\n"))
                .chain(["data: [DONE]\n\n".to_owned()])
            {
                write
                    .write_all(format!("{:x}\r\n{event}\r\n", event.len()).as_bytes())
                    .await?;
                write.flush().await?;
            }
            write.write_all(b"0\r\n\r\n").await?;
        }
    }
    write.flush().await
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn error(code: u16, message: &str) -> Reply {
    Reply::Json(
        code,
        json!({"error": {"message": message, "type": "stub_error", "code": code}}),
        Vec::new(),
    )
}

async fn handle(req: &Request, state: &State) -> Reply {
    let path = req.path.split('?').next().unwrap_or_default();
    let api_path = path.strip_prefix("/v1").unwrap_or(path);
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
            Ok(body) => chat(&body, state).await,
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
        }),
        Vec::new(),
    )
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

/// A fault named by a prompt marker or `--fail-first`.
#[derive(Debug, Clone, PartialEq)]
enum Fault {
    Status(u16),
    Hang,
}

/// Parses `[[stub:…]]` markers: (fault, how many times it fires; `None` = always), plus any extra sleep.
fn markers(text: &str) -> (Option<(Fault, Option<u64>)>, u64) {
    let mut fault = None;
    let mut sleep = 0;
    let mut rest = text;
    while let Some(start) = rest.find("[[stub:") {
        let after = &rest[start + 7..];
        let Some(end) = after.find("]]") else { break };
        let mut parts = after[..end].split(':');
        let name = parts.next().unwrap_or_default();
        let arg = parts.next();
        match name {
            "sleep" => sleep += arg.and_then(|a| a.parse::<u64>().ok()).unwrap_or(0),
            "hang" | "timeout" => fault = Some((Fault::Hang, times(arg))),
            code => {
                if let Ok(code) = code.parse::<u16>() {
                    fault = Some((Fault::Status(code), times(arg)));
                }
            }
        }
        rest = &after[end + 2..];
    }
    (fault, sleep)
}

fn times(arg: Option<&str>) -> Option<u64> {
    match arg {
        Some("always") => None,
        Some(n) => Some(n.parse().unwrap_or(1)),
        None => Some(1),
    }
}

async fn chat(body: &Value, state: &State) -> Reply {
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
    let (seen, global) = {
        let mut c = state.counters();
        c.chat += 1;
        let global = c.chat;
        let seen = {
            let n = c.by_request.entry(request_key).or_insert(0);
            *n += 1;
            *n - 1
        };
        if c.log.len() >= LOG_CAPACITY {
            c.log.pop_front();
        }
        c.log.push_back(json!({"endpoint": "chat", "body": body}));
        (seen, global)
    };
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
        state.counters().injected_faults += 1;
        return match fault {
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
                Reply::Json(
                    code,
                    json!({"error": {"message": format!("injected fault {code}"), "type": "stub_fault", "code": code}}),
                    extra,
                )
            }
        };
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
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    });
    let id = format!("chatcmpl-stub-{global}");
    if stream {
        return Reply::Stream(stream_events(&id, &model, &answer, usage));
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

fn rule_matches(r: &CompiledRule, model: &str, system: &str, user: &str) -> bool {
    r.rule.model.as_deref().is_none_or(|m| m == model)
        && r.rule.contains.as_deref().is_none_or(|c| user.contains(c))
        && r.rule.system_contains.as_deref().is_none_or(|c| system.contains(c))
        && r.regex.as_ref().is_none_or(|re| re.is_match(user))
}

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

fn fill(template: &str, model: &str, system: &str, user: &str) -> String {
    template
        .replace("{model}", model)
        .replace("{system}", first_line(system))
        .replace("{user}", user)
}

fn default_answer(model: &str, system: &str, user: &str) -> String {
    let system = match first_line(system) {
        "" => "(ingen)",
        line => line,
    };
    format!("Stub-svar fra {model}.\nSystem: {system}\nBruger: {user}")
}

/// About four characters per token, at least one per word.
fn estimate_tokens(text: &str) -> u64 {
    let chars = text.chars().count() as u64;
    let words = text.split_whitespace().count() as u64;
    chars.div_ceil(4).max(words)
}

fn stream_events(id: &str, model: &str, answer: &str, usage: Value) -> Vec<Value> {
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": id, "object": "chat.completion.chunk", "created": 0, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
    };
    let mut events = vec![chunk(json!({"role": "assistant", "content": ""}), Value::Null)];
    // Split after whitespace so the pieces concatenate back to the exact answer.
    let mut piece = String::new();
    for ch in answer.chars() {
        piece.push(ch);
        if ch.is_whitespace() && piece.len() > 12 {
            events.push(chunk(json!({"content": std::mem::take(&mut piece)}), Value::Null));
        }
    }
    if !piece.is_empty() {
        events.push(chunk(json!({"content": piece}), Value::Null));
    }
    let mut last = chunk(json!({}), json!("stop"));
    last["usage"] = usage;
    events.push(last);
    events
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

/// A unit vector derived from the text with FNV-1a, so equal texts get equal vectors.
fn vector(text: &str, dim: usize) -> Vec<f64> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut values = Vec::with_capacity(dim);
    for i in 0..dim {
        for b in text.bytes().chain((i as u64).to_le_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        values.push((hash % 2000) as f64 / 1000.0 - 1.0);
    }
    let norm = values.iter().map(|v| v * v).sum::<f64>().sqrt().max(f64::EPSILON);
    values.iter().map(|v| v / norm).collect()
}

async fn sleep_ms(ms: u64) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_parse_fault_count_and_sleep() {
        assert_eq!(markers("hej"), (None, 0));
        assert_eq!(markers("a [[stub:429]] b"), (Some((Fault::Status(429), Some(1))), 0));
        assert_eq!(markers("[[stub:500:3]]"), (Some((Fault::Status(500), Some(3))), 0));
        assert_eq!(markers("[[stub:503:always]]"), (Some((Fault::Status(503), None)), 0));
        assert_eq!(
            markers("[[stub:hang]] [[stub:sleep:40]]"),
            (Some((Fault::Hang, Some(1))), 40)
        );
    }

    #[test]
    fn streamed_pieces_rebuild_the_answer() {
        let answer = "En lidt længere sætning, som bliver delt i flere stykker undervejs.";
        let events = stream_events("x", "m", answer, json!({}));
        let text: String = events
            .iter()
            .filter_map(|e| e["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert_eq!(text, answer);
        assert!(events.len() > 3);
    }

    #[test]
    fn vectors_are_deterministic_unit_vectors() {
        let a = vector("hej", 8);
        assert_eq!(a, vector("hej", 8));
        assert_ne!(a, vector("farvel", 8));
        let norm: f64 = a.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-9);
    }
}
