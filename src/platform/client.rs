//! The Open WebUI REST client: a timeout on every request, retries with backoff on 429/5xx and lost
//! connections (honouring `Retry-After`), and errors typed as [`ApiError`].
//!
//! The endpoints themselves are in [`super::endpoints`].

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;

/// Default request timeout when the target sets none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Longest wait aispec accepts from a `Retry-After` header.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// Longest computed backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Timeout floor for uploads and attaching files, which extract text (and embed) on the server.
const SLOW_TIMEOUT: Duration = Duration::from_secs(300);
/// Page size of Open WebUI's list endpoints (fixed on the server).
pub const PAGE_SIZE: usize = 30;
/// How often a listing is restarted when the collection changed while it was being paged.
pub(super) const LIST_RESTARTS: usize = 3;

/// How many times and how patiently to retry.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff; doubled on each retry.
    pub base: Duration,
}

impl RetryPolicy {
    /// 4 retries from 500 ms, overridable with `AISPEC_HTTP_RETRIES` and `AISPEC_HTTP_BACKOFF_MS`.
    pub fn from_env() -> Self {
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
        RetryPolicy {
            retries: num("AISPEC_HTTP_RETRIES").map_or(4, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            base: Duration::from_millis(num("AISPEC_HTTP_BACKOFF_MS").unwrap_or(500)),
        }
    }

    fn backoff(&self, attempt: u32, headers: Option<&HeaderMap>) -> Duration {
        if let Some(after) = headers.and_then(retry_after) {
            return after.min(MAX_RETRY_AFTER);
        }
        let exp = self.base.saturating_mul(2u32.saturating_pow(attempt)).min(MAX_BACKOFF);
        // Up to 25 % jitter so parallel requests do not retry in lockstep.
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        exp + exp.mul_f64(f64::from(nanos % 1000) / 4000.0)
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.signed_duration_since(chrono::Utc::now()).num_milliseconds();
    Some(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
}

/// Whether a request may be sent again after an ambiguous failure (the server may have acted on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repeat {
    /// Reads, updates, deletes and creates of unique ids: repeating is harmless.
    Safe,
    /// Creates that make a new object each time: only repeat when the server surely did nothing.
    OnlyIfUnsent,
    /// Like `Safe`, for calls that process files and may take minutes.
    SafeSlow,
    /// Like `OnlyIfUnsent`, for calls that process files and may take minutes.
    OnlyIfUnsentSlow,
}

impl Repeat {
    fn slow(self) -> bool {
        matches!(self, Repeat::SafeSlow | Repeat::OnlyIfUnsentSlow)
    }
}

/// What a request carries.
pub(super) enum Body<'a> {
    None,
    Json(&'a Value),
    File {
        name: &'a str,
        bytes: &'a [u8],
        metadata: &'a Value,
    },
}

/// Counts of what the client did, for reports and benchmarks.
#[derive(Debug, Default)]
pub struct Counters {
    reads: AtomicUsize,
    writes: AtomicUsize,
    retries: AtomicUsize,
}

/// A snapshot of [`Counters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RequestCounts {
    /// GET requests sent (retries included).
    pub reads: usize,
    /// Other requests sent (retries included).
    pub writes: usize,
    /// Attempts that were retries.
    pub retries: usize,
}

/// An authenticated client for one Open WebUI instance.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    key: String,
    timeout: Duration,
    retry: RetryPolicy,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of debug output on purpose.
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `url` that authenticates with `key` (an `sk-…` API key or a JWT).
    pub fn new(url: &str, key: &str, timeout: Duration, retry: RetryPolicy) -> Result<Self, ApiError> {
        let bad = |message: String| ApiError::BadUrl {
            url: url.to_owned(),
            message,
        };
        let mut base = Url::parse(url.trim_end_matches('/')).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(bad("only http and https are supported".to_owned()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("aispec/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Client {
            http,
            base,
            key: key.to_owned(),
            timeout,
            retry,
            counters: Arc::default(),
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// Requests sent so far.
    pub fn counts(&self) -> RequestCounts {
        RequestCounts {
            reads: self.counters.reads.load(Ordering::Relaxed),
            writes: self.counters.writes.load(Ordering::Relaxed),
            retries: self.counters.retries.load(Ordering::Relaxed),
        }
    }

    fn endpoint(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, ApiError> {
        let mut url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ApiError::BadUrl {
                url: self.url().to_owned(),
                message: e.to_string(),
            })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends one request with retries and returns the raw body of a 2xx answer.
    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Body<'_>,
        repeat: Repeat,
    ) -> Result<Vec<u8>, ApiError> {
        let url = self.endpoint(path, query)?;
        let shown = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let mut attempt = 0u32;
        loop {
            let counter = if method == Method::GET {
                &self.counters.reads
            } else {
                &self.counters.writes
            };
            counter.fetch_add(1, Ordering::Relaxed);
            if attempt > 0 {
                self.counters.retries.fetch_add(1, Ordering::Relaxed);
            }
            let mut req = self.http.request(method.clone(), url.clone()).bearer_auth(&self.key);
            if repeat.slow() {
                req = req.timeout(self.timeout.max(SLOW_TIMEOUT));
            }
            req = match &body {
                Body::None => req,
                Body::Json(v) => req.json(v),
                Body::File { name, bytes, metadata } => {
                    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name((*name).to_owned());
                    let form = reqwest::multipart::Form::new()
                        .part("file", part)
                        .text("metadata", metadata.to_string());
                    req.multipart(form)
                }
            };
            let (error, headers) = match req.send().await {
                Ok(resp) if resp.status().is_success() => {
                    return resp
                        .bytes()
                        .await
                        .map(|b| b.to_vec())
                        .map_err(|e| self.transport(&method, &shown, e));
                }
                Ok(resp) => {
                    let code = resp.status();
                    let headers = resp.headers().clone();
                    let text = resp.text().await.unwrap_or_default();
                    (status_error(&method, &shown, code, &text), Some(headers))
                }
                Err(e) => (self.transport(&method, &shown, e), None),
            };
            let unsent = matches!(&error, ApiError::Connect { .. }) || error.status() == Some(429);
            let may_repeat = match repeat {
                Repeat::Safe | Repeat::SafeSlow => error.is_transient(),
                Repeat::OnlyIfUnsent | Repeat::OnlyIfUnsentSlow => unsent,
            };
            if !may_repeat || attempt >= self.retry.retries {
                return Err(error);
            }
            tokio::time::sleep(self.retry.backoff(attempt, headers.as_ref())).await;
            attempt += 1;
        }
    }

    fn transport(&self, method: &Method, path: &str, e: reqwest::Error) -> ApiError {
        // The URL is already in the message (as method and path); reqwest would repeat it in full.
        let e = e.without_url();
        if e.is_timeout() {
            ApiError::Timeout {
                method: method.to_string(),
                path: path.to_owned(),
                timeout: self.timeout,
            }
        } else if e.is_decode() {
            ApiError::Decode {
                method: method.to_string(),
                path: path.to_owned(),
                message: e.to_string(),
            }
        } else if e.is_connect() {
            ApiError::Connect {
                method: method.to_string(),
                path: path.to_owned(),
                message: error_chain(&e),
            }
        } else {
            ApiError::Interrupted {
                method: method.to_string(),
                path: path.to_owned(),
                message: error_chain(&e),
            }
        }
    }

    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Body<'_>,
        repeat: Repeat,
    ) -> Result<T, ApiError> {
        let bytes = self.send(method.clone(), path, query, body, repeat).await?;
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Decode {
            method: method.to_string(),
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    pub(super) async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T, ApiError> {
        self.call(Method::GET, path, query, Body::None, Repeat::Safe).await
    }

    pub(super) async fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, ApiError> {
        self.call(Method::POST, path, &[], Body::Json(body), Repeat::Safe).await
    }
}

/// A path segment with anything but unreserved characters percent-encoded.
pub(super) fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Open WebUI answers "not found" with 404, or with 400/401 and its not-found message.
pub(super) fn is_not_found(e: &ApiError) -> bool {
    match e {
        ApiError::Status { code: 404, .. } => true,
        ApiError::Status {
            code: 400 | 401,
            detail,
            ..
        } => detail.contains("could not find"),
        _ => false,
    }
}

fn status_error(method: &Method, path: &str, code: StatusCode, body: &str) -> ApiError {
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| match v.get("detail") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
            None => None,
        })
        .unwrap_or_else(|| {
            let t = body.trim();
            if t.is_empty() {
                code.canonical_reason().unwrap_or("no message").to_owned()
            } else {
                t.chars().take(300).collect()
            }
        });
    ApiError::Status {
        method: method.to_string(),
        path: path.to_owned(),
        code: code.as_u16(),
        detail,
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::super::error::is_retry_status;
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a date in the past means now");
        let policy = RetryPolicy {
            retries: 3,
            base: Duration::from_millis(100),
        };
        h.insert(RETRY_AFTER, "7".parse().expect("header"));
        assert_eq!(policy.backoff(0, Some(&h)), Duration::from_secs(7));
        let b2 = policy.backoff(2, None);
        assert!(
            b2 >= Duration::from_millis(400) && b2 <= Duration::from_millis(500),
            "{b2:?}"
        );
    }

    #[test]
    fn statuses_worth_retrying() {
        for code in [429, 500, 502, 503, 504] {
            assert!(is_retry_status(code));
        }
        for code in [400, 401, 403, 404, 409, 422] {
            assert!(!is_retry_status(code));
        }
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(seg("a b/c"), "a%20b%2Fc");
        assert_eq!(seg("1b0c-x_y.z"), "1b0c-x_y.z");
    }

    #[test]
    fn server_details_become_messages() {
        let e = status_error(
            &Method::POST,
            "/api/v1/models/create",
            StatusCode::UNAUTHORIZED,
            r#"{"detail":"Uh-oh! This model id is already registered. Please choose another model id string."}"#,
        );
        assert!(e.is_id_taken());
        assert!(!e.is_auth());
        let nf = status_error(&Method::GET, "/x", StatusCode::NOT_FOUND, "");
        assert!(is_not_found(&nf));
        assert!(nf.to_string().contains("HTTP 404: Not Found"), "{nf}");
    }
}
