//! Starts `aispec-stub-llm` for a test: spawn, read the port it bound, kill it on drop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A running stub LLM server, killed when dropped.
pub struct StubLlm {
    child: Child,
    /// `http://127.0.0.1:PORT`, without `/v1`.
    pub origin: String,
    port: u16,
}

impl StubLlm {
    /// Starts the stub with these extra arguments (`--port 0` is always added).
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aispec-stub-llm"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start aispec-stub-llm");
        let stdout = child.stdout.take().expect("stub stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read stub port");
        let origin = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the stub: {line:?}"))
            .to_owned();
        let port = origin.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
        StubLlm { child, origin, port }
    }

    /// Starts the stub with an answers file written to `dir` first.
    pub fn with_answers(dir: &std::path::Path, answers_toml: &str, args: &[&str]) -> Self {
        let file = dir.join(format!("stub-answers-{}.toml", std::process::id()));
        std::fs::write(&file, answers_toml).expect("write answers file");
        let file = file.display().to_string();
        let mut all = vec!["--answers", file.as_str()];
        all.extend_from_slice(args);
        Self::start(&all)
    }

    /// The OpenAI-compatible base URL (`…/v1`).
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `GET path` on the stub, parsed as JSON.
    pub fn get_json(&self, path: &str) -> serde_json::Value {
        self.request("GET", path)
    }

    /// Request counters: `chat`, `embeddings`, `models`, `injected_faults`.
    pub fn stats(&self) -> serde_json::Value {
        self.get_json("/stub/stats")
    }

    /// How many chat requests arrived.
    pub fn chat_count(&self) -> u64 {
        self.stats()["chat"].as_u64().expect("chat count")
    }

    /// The logged request bodies (newest last).
    pub fn requests(&self) -> Vec<serde_json::Value> {
        match self.get_json("/stub/requests") {
            serde_json::Value::Array(items) => items,
            other => panic!("unexpected /stub/requests answer: {other}"),
        }
    }

    /// Clears counters and the request log.
    pub fn reset(&self) {
        self.request("POST", "/stub/reset");
    }

    /// `POST path` with a JSON body: (status code, response head, raw body).
    pub fn post(&self, path: &str, body: &serde_json::Value) -> (u16, String, String) {
        self.raw("POST", path, &body.to_string())
    }

    fn request(&self, method: &str, path: &str) -> serde_json::Value {
        let (_, head, body) = self.raw(method, path, "");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("stub answered non-JSON ({e}): {head}\n{body}"))
    }

    fn raw(&self, method: &str, path: &str, body: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to stub");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut text = String::new();
        stream.read_to_string(&mut text).expect("read");
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text.as_str(), ""));
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {head}"));
        (code, head.to_owned(), body.to_owned())
    }
}

impl Drop for StubLlm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
