//! A small HTTP/1.1 proxy in front of Open WebUI that logs every request and injects faults: error answers
//! (with `Retry-After`), answers lost after the server acted, and dropped connections (a restarting server).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};

/// A fault to inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status without asking the server.
    Status { code: u16, retry_after: Option<u64> },
    /// Let the server act, then answer with this status instead of its answer.
    ForwardThenStatus(u16),
    /// Close the connection without an answer, without asking the server.
    Drop,
    /// Answer with this status and a body that quotes the request's `Authorization` header back, as a
    /// careless server or proxy does.
    EchoAuth(u16),
    /// Answer with this redirect status pointing at `location` (the request's path is appended).
    Redirect { code: u16, location: String },
}

/// One logged request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// What the client got (0 = dropped).
    pub status: u16,
}

struct Rule {
    method: Option<String>,
    path_contains: String,
    fault: Fault,
    remaining: usize,
    skip: usize,
}

#[derive(Default)]
struct State {
    log: Vec<Logged>,
    rules: Vec<Rule>,
    /// Drop every request after this many more writes (a server going away mid-deploy).
    writes_until_down: Option<usize>,
    down: bool,
}

/// The running proxy.
pub struct FaultProxy {
    /// Base URL to give aispec.
    pub url: String,
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (`http://host:port`).
    pub fn start(upstream: &str) -> Self {
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let st = Arc::clone(&state);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let st = Arc::clone(&st);
                let upstream = upstream.clone();
                std::thread::spawn(move || serve(conn, &upstream, &st));
            }
        });
        FaultProxy { url, state }
    }

    /// Injects `fault` into the next `times` requests matching method and path, after letting `skip` pass.
    pub fn inject(&self, method: Option<&str>, path_contains: &str, fault: Fault, skip: usize, times: usize) {
        lock(&self.state).rules.push(Rule {
            method: method.map(str::to_owned),
            path_contains: path_contains.to_owned(),
            fault,
            remaining: times,
            skip,
        });
    }

    /// After `n` more successful writes, drop every request until [`FaultProxy::up`].
    pub fn down_after_writes(&self, n: usize) {
        lock(&self.state).writes_until_down = Some(n);
    }

    /// Drop every request until [`FaultProxy::up`].
    pub fn down(&self) {
        lock(&self.state).down = true;
    }

    /// Forward everything again.
    pub fn up(&self) {
        let mut s = lock(&self.state);
        s.down = false;
        s.writes_until_down = None;
    }

    /// Requests so far.
    pub fn log(&self) -> Vec<Logged> {
        lock(&self.state).log.clone()
    }

    /// Forgets the log.
    pub fn clear_log(&self) {
        lock(&self.state).log.clear();
    }
}

struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn write(&self, out: &mut impl Write, extra: &[(&str, String)]) -> std::io::Result<()> {
        let mut head = format!("{}\r\n", self.start);
        for (k, v) in &self.headers {
            let skip = ["connection", "keep-alive", "transfer-encoding", "content-length"];
            if !skip.iter().any(|s| k.eq_ignore_ascii_case(s)) {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", self.body.len()));
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

/// Reads one message; `to_eof` reads an unframed body until the connection closes (responses).
fn read_message(r: &mut impl BufRead, to_eof: bool) -> std::io::Result<Option<Message>> {
    let mut start = String::new();
    if r.read_line(&mut start)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let mut msg = Message {
        start: start.trim_end().to_owned(),
        headers,
        body: Vec::new(),
    };
    if msg
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            r.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            if n == 0 {
                let mut trailer = String::new();
                while r.read_line(&mut trailer)? > 2 {
                    trailer.clear();
                }
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk)?;
            chunk.truncate(n);
            msg.body.extend(chunk);
        }
    } else if let Some(n) = msg.header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        msg.body = vec![0; n];
        r.read_exact(&mut msg.body)?;
    } else if to_eof {
        r.read_to_end(&mut msg.body)?;
    }
    Ok(Some(msg))
}

fn forward(upstream: &str, req: &Message) -> std::io::Result<Message> {
    let mut conn = TcpStream::connect(upstream)?;
    req.write(&mut conn, &[("Connection", "close".to_owned())])?;
    let mut r = BufReader::new(conn);
    read_message(&mut r, true)?.ok_or_else(|| std::io::Error::other("upstream closed without an answer"))
}

fn fault_for(state: &Mutex<State>, method: &str, path: &str) -> Option<Fault> {
    let mut s = lock(state);
    if s.down {
        return Some(Fault::Drop);
    }
    for rule in &mut s.rules {
        let matches = rule.method.as_deref().is_none_or(|m| m == method) && path.contains(&rule.path_contains);
        if matches && rule.remaining > 0 {
            if rule.skip > 0 {
                rule.skip -= 1;
                continue;
            }
            rule.remaining -= 1;
            return Some(rule.fault.clone());
        }
    }
    None
}

fn serve(conn: TcpStream, upstream: &str, state: &Mutex<State>) {
    let Ok(mut out) = conn.try_clone() else { return };
    let mut r = BufReader::new(conn);
    while let Ok(Some(req)) = read_message(&mut r, false) {
        let mut parts = req.start.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let fault = fault_for(state, &method, &path);
        let answer = match fault {
            Some(Fault::Drop) => None,
            Some(Fault::Status { code, retry_after }) => Some(injected(code, retry_after)),
            Some(Fault::EchoAuth(code)) => Some(echo_auth(code, req.header("authorization").unwrap_or_default())),
            Some(Fault::Redirect { code, location }) => Some(redirect(code, &format!("{location}{path}"))),
            Some(Fault::ForwardThenStatus(code)) => {
                let _ = forward(upstream, &req);
                Some(injected(code, None))
            }
            None => forward(upstream, &req).ok(),
        };
        let status = answer
            .as_ref()
            .and_then(|a| a.start.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0);
        {
            let mut s = lock(state);
            s.log.push(Logged {
                method: method.clone(),
                path,
                status,
            });
            if method != "GET" && (200..300).contains(&status) {
                if let Some(n) = s.writes_until_down.as_mut() {
                    if *n <= 1 {
                        s.down = true;
                        s.writes_until_down = None;
                    } else {
                        *n -= 1;
                    }
                }
            }
        }
        let Some(answer) = answer else {
            let _ = out.shutdown(std::net::Shutdown::Both);
            return;
        };
        if answer.write(&mut out, &[]).is_err() {
            return;
        }
    }
}

fn injected(code: u16, retry_after: Option<u64>) -> Message {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(s) = retry_after {
        headers.push(("Retry-After".to_owned(), s.to_string()));
    }
    Message {
        start: format!("HTTP/1.1 {code} Injected"),
        headers,
        body: br#"{"detail":"injected by the test proxy"}"#.to_vec(),
    }
}

fn echo_auth(code: u16, authorization: &str) -> Message {
    let body = serde_json::json!({
        "detail": format!("invalid credentials; you sent Authorization: {authorization}"),
        "debug": {"headers": {"authorization": authorization}},
    });
    Message {
        start: format!("HTTP/1.1 {code} Echo"),
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: body.to_string().into_bytes(),
    }
}

fn redirect(code: u16, location: &str) -> Message {
    Message {
        start: format!("HTTP/1.1 {code} Moved"),
        headers: vec![("Location".to_owned(), location.to_owned())],
        body: Vec::new(),
    }
}
