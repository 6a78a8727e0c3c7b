//! A small HTTP/1.1 server standing in for the municipality's website and intranet in the knowledge tests:
//! pages the test changes between requests, ETag and Last-Modified with 304 answers, redirects, a slow page,
//! a huge page, and any body and content type. Every request is logged with its headers. One thread per
//! connection; each answer closes the connection.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What the server answers on one path.
#[derive(Debug, Clone)]
pub enum Page {
    /// 200 with this content type and body, and validators when set (a matching conditional request gets 304).
    Body {
        content_type: String,
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// A status without a useful body.
    Status(u16),
    /// A redirect to `location` (absolute or relative).
    Redirect { code: u16, location: String },
    /// 200 after this long (longer than the client waits).
    Slow(Duration),
    /// 200 with this many bytes of HTML, streamed without a length (the client must stop reading itself).
    Huge(usize),
}

impl Page {
    /// An HTML page without validators.
    pub fn html(body: &str) -> Self {
        Page::Body {
            content_type: "text/html; charset=utf-8".to_owned(),
            body: body.as_bytes().to_vec(),
            etag: None,
            last_modified: None,
        }
    }

    /// Any body with a content type.
    pub fn typed(content_type: &str, body: Vec<u8>) -> Self {
        Page::Body {
            content_type: content_type.to_owned(),
            body,
            etag: None,
            last_modified: None,
        }
    }

    /// The same page with an ETag and a Last-Modified date.
    pub fn validated(self, etag: &str, last_modified: &str) -> Self {
        match self {
            Page::Body { content_type, body, .. } => Page::Body {
                content_type,
                body,
                etag: Some(etag.to_owned()),
                last_modified: Some(last_modified.to_owned()),
            },
            other => other,
        }
    }
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The `Host` header.
    pub host: String,
    /// Path and query.
    pub path: String,
    /// Headers, names lowercased.
    pub headers: HashMap<String, String>,
    /// The status answered.
    pub status: u16,
}

#[derive(Default)]
struct State {
    pages: HashMap<String, Page>,
    log: Vec<Seen>,
}

/// The running server; it lives as long as the test process (its threads are detached).
pub struct SourceServer {
    /// The port on 127.0.0.1.
    pub port: u16,
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SourceServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(conn, &state));
            }
        });
        SourceServer { port, state }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The same path on another host name that also means this machine (`site.localhost`…).
    pub fn url_on(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }

    /// Serves `page` on `path` from now on (replacing what was there).
    pub fn set(&self, path: &str, page: Page) -> &Self {
        lock(&self.state).pages.insert(path.to_owned(), page);
        self
    }

    /// Serves `page` on `path` for requests to `host` only (the name without the port), before any page set
    /// for the path on every host.
    pub fn set_on(&self, host: &str, path: &str, page: Page) -> &Self {
        lock(&self.state).pages.insert(format!("{host}{path}"), page);
        self
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Seen> {
        lock(&self.state).log.clone()
    }

    /// Requests so far to `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Seen> {
        self.log().into_iter().filter(|s| s.path == path).collect()
    }
}

fn serve(conn: TcpStream, state: &Mutex<State>) {
    let Ok(read_half) = conn.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let host = headers.get("host").cloned().unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host.as_str(), |(n, _)| n);
    let page = {
        let st = lock(state);
        st.pages
            .get(&format!("{name}{path}"))
            .or_else(|| st.pages.get(&path))
            .cloned()
            .unwrap_or(Page::Status(404))
    };
    let status = answer(conn, &page, &headers);
    lock(state).log.push(Seen {
        host,
        path,
        headers,
        status,
    });
}

/// Writes the answer; returns its status.
fn answer(mut conn: TcpStream, page: &Page, req: &HashMap<String, String>) -> u16 {
    let head = |code: u16, extra: &str| format!("HTTP/1.1 {code} X\r\nConnection: close\r\n{extra}");
    let result = match page {
        Page::Body {
            content_type,
            body,
            etag,
            last_modified,
        } => {
            let fresh = etag.as_ref().is_some_and(|e| req.get("if-none-match") == Some(e))
                || last_modified
                    .as_ref()
                    .is_some_and(|l| req.get("if-modified-since") == Some(l));
            let mut validators = String::new();
            if let Some(e) = etag {
                validators.push_str(&format!("ETag: {e}\r\n"));
            }
            if let Some(l) = last_modified {
                validators.push_str(&format!("Last-Modified: {l}\r\n"));
            }
            if fresh {
                let _ = conn.write_all(format!("{}{validators}\r\n", head(304, "")).as_bytes());
                return 304;
            }
            let extra = format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n{validators}",
                body.len()
            );
            conn.write_all(format!("{}\r\n", head(200, &extra)).as_bytes())
                .and_then(|()| conn.write_all(body))
        }
        Page::Status(code) => {
            let extra = "Content-Type: text/plain\r\nContent-Length: 9\r\n";
            return match conn.write_all(format!("{}\r\nnot found", head(*code, extra)).as_bytes()) {
                Ok(()) => *code,
                Err(_) => 0,
            };
        }
        Page::Redirect { code, location } => {
            let extra = format!("Location: {location}\r\nContent-Length: 0\r\n");
            let _ = conn.write_all(format!("{}\r\n", head(*code, &extra)).as_bytes());
            return *code;
        }
        Page::Slow(wait) => {
            std::thread::sleep(*wait);
            let extra = "Content-Type: text/html\r\nContent-Length: 14\r\n";
            conn.write_all(format!("{}\r\n<p>endelig</p>", head(200, extra)).as_bytes())
        }
        Page::Huge(size) => {
            let extra = "Content-Type: text/html\r\n";
            let chunk = "<p>affald</p>\n".repeat(4096);
            let mut sent = 0;
            let mut r = conn.write_all(format!("{}\r\n", head(200, extra)).as_bytes());
            while r.is_ok() && sent < *size {
                r = conn.write_all(chunk.as_bytes());
                sent += chunk.len();
            }
            r
        }
    };
    if result.is_ok() { 200 } else { 0 }
}
