//! The bit of HTTP/1.1 the stub speaks: keep-alive, `Content-Length` or chunked request bodies, `Expect:
//! 100-continue`, and JSON or server-sent-event replies.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Largest request head and body accepted.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A parsed request.
pub struct Request {
    /// `GET`, `POST`…
    pub method: String,
    /// The path with any query.
    pub path: String,
    headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
    /// Whether the connection closes after the reply.
    pub close: bool,
}

impl Request {
    /// A header value by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to send back.
pub enum Reply {
    Json(u16, Value, Vec<(String, String)>),
    Stream(Vec<Value>),
}

pub async fn read_request<R, W>(reader: &mut BufReader<R>, write: &mut W) -> std::io::Result<Option<Request>>
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

pub async fn read_chunked<R: tokio::io::AsyncRead + Unpin>(reader: &mut BufReader<R>) -> std::io::Result<Vec<u8>> {
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

pub async fn write_reply<W: tokio::io::AsyncWrite + Unpin>(
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

pub fn reason(code: u16) -> &'static str {
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

pub fn error(code: u16, message: &str) -> Reply {
    Reply::Json(
        code,
        json!({"error": {"message": message, "type": "stub_error", "code": code}}),
        Vec::new(),
    )
}
