//! The one HTTP transport every network caller uses (the Open WebUI client, eval providers, knowledge
//! fetching): timeouts, retries that honour `Retry-After`, redirects followed hop by hop under the caller's rule
//! (the same origin by default, the same site for knowledge sources), credentials bound to the origin they
//! belong to, a cap on the size of an answer, and server texts that are redacted and capped before anyone can
//! print or save them.

pub mod error;
pub mod redirect;
pub mod resolve;
pub mod retry;
pub mod url;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

pub use error::{HttpError, is_retry_status};
pub use redirect::Redirects;
pub use retry::RetryPolicy;
pub use url::{UrlProblem, check_base_url};

use crate::secrets::{self, Secret};

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 5;

/// A header sent only to one origin: the API key of a target or provider, or (later) an intranet's token.
#[derive(Debug, Clone)]
pub struct Credential {
    origin: reqwest::Url,
    header: HeaderName,
    value: Secret,
}

impl Credential {
    /// `Authorization: Bearer <key>` for requests to `base`'s origin.
    pub fn bearer(base: &Url, key: Secret) -> Self {
        Credential {
            origin: base.clone(),
            header: reqwest::header::AUTHORIZATION,
            value: Secret::new(format!("Bearer {}", key.expose())),
        }
    }

    /// Any header (for example one named in the configuration) for requests to `base`'s origin.
    pub fn header(base: &Url, header: HeaderName, value: Secret) -> Self {
        Credential {
            origin: base.clone(),
            header,
            value,
        }
    }

    fn applies_to(&self, url: &Url) -> bool {
        url::same_origin(&self.origin, url)
    }
}

/// Whether a request may be sent again after an ambiguous failure (the server may have acted on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Reads, updates, deletes, chats and creates of unique ids: repeating is harmless.
    Safe,
    /// Creates that make a new object each time: only repeat when the server surely did nothing.
    OnlyIfUnsent,
}

/// What a request carries.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// Nothing.
    None,
    /// A JSON document.
    Json(&'a Value),
    /// A multipart form with one file part and text fields.
    File {
        /// Form field of the file.
        field: &'a str,
        /// File name sent with it.
        name: &'a str,
        /// The content.
        bytes: &'a [u8],
        /// Text fields.
        fields: &'a [(&'a str, String)],
    },
}

/// Counts of attempts, for reports and benchmarks.
#[derive(Debug, Default)]
pub struct Counters {
    /// Attempts sent (retries included).
    pub attempts: AtomicU64,
    /// Attempts that were retries.
    pub retries: AtomicU64,
}

impl Counters {
    /// (attempts, retries) so far.
    pub fn get(&self) -> (u64, u64) {
        (
            self.attempts.load(Ordering::Relaxed),
            self.retries.load(Ordering::Relaxed),
        )
    }
}

/// One request to send.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Method.
    pub method: &'a Method,
    /// Full URL.
    pub url: &'a Url,
    /// Body.
    pub body: Body<'a>,
    /// Whether a failure may be retried.
    pub repeat: Repeat,
    /// Another timeout than the transport's (a provider's own, or uploads the server processes for minutes).
    pub timeout: Option<Duration>,
    /// Where attempts are counted.
    pub counters: Option<&'a Counters>,
    /// A credential for this request only (still sent only to its own origin).
    pub credential: Option<&'a Credential>,
    /// Further headers that are no secret (`If-None-Match`, `Accept`), sent on every hop.
    pub headers: &'a [(HeaderName, HeaderValue)],
    /// The most bytes of body accepted; a longer answer is [`HttpError::TooLarge`] (no limit when `None`).
    pub max_body: Option<u64>,
}

impl<'a> Request<'a> {
    /// A request with defaults: safe to repeat, the transport's timeout, not counted.
    pub fn new(method: &'a Method, url: &'a Url) -> Self {
        Request {
            method,
            url,
            body: Body::None,
            repeat: Repeat::Safe,
            timeout: None,
            counters: None,
            credential: None,
            headers: &[],
            max_body: None,
        }
    }
}

/// A 2xx answer, or a 304 (Not Modified) to a conditional request.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// From sending the last attempt to the full body.
    pub latency: Duration,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// Where the answer came from, after any redirects.
    pub url: Url,
}

impl Reply {
    /// True for a 304 answer: what the caller has is still current.
    pub fn not_modified(&self) -> bool {
        self.status == StatusCode::NOT_MODIFIED.as_u16()
    }

    /// A header's value as text, when present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// Settings of a transport.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries.
    pub retry: RetryPolicy,
    /// Idle connections kept per host (eval runs many requests in parallel).
    pub idle_per_host: Option<usize>,
}

/// An HTTP client with aispec's policies; cheap to clone.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    timeout: Duration,
    retry: RetryPolicy,
    credentials: Vec<Credential>,
    redirects: Redirects,
}

impl Transport {
    /// A transport that sends `credentials` only to their own origins.
    pub fn new(options: Options, credentials: Vec<Credential>) -> Result<Self, HttpError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("aispec/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .timeout(options.timeout)
            .dns_resolver(resolve::LoopbackFirst)
            // Redirects are followed in `attempt`, where each hop is checked and credentials decided again.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(n) = options.idle_per_host {
            builder = builder.pool_max_idle_per_host(n);
        }
        let client = builder.build().map_err(|e| HttpError::Connect(error_chain(&e)))?;
        Ok(Transport {
            client,
            timeout: options.timeout,
            retry: options.retry,
            credentials,
            redirects: Redirects::SameOrigin,
        })
    }

    /// The same transport following redirects under `rule` instead of only within the origin.
    pub fn with_redirects(mut self, rule: Redirects) -> Self {
        self.redirects = rule;
        self
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends a request, retrying transient failures as the policy and `repeat` allow.
    pub async fn send(&self, req: Request<'_>) -> Result<Reply, HttpError> {
        let mut attempt = 0u32;
        loop {
            if let Some(c) = req.counters {
                c.attempts.fetch_add(1, Ordering::Relaxed);
                if attempt > 0 {
                    c.retries.fetch_add(1, Ordering::Relaxed);
                }
            }
            let error = match self.attempt(&req).await {
                Ok(reply) => return Ok(reply),
                Err(e) => e,
            };
            let may_repeat = match req.repeat {
                Repeat::Safe => error.is_transient(),
                Repeat::OnlyIfUnsent => error.surely_unsent(),
            };
            if !may_repeat || attempt >= self.retry.retries {
                return Err(error);
            }
            let wait = match &error {
                HttpError::Status { retry_after, .. } => *retry_after,
                _ => None,
            };
            tokio::time::sleep(self.retry.backoff(attempt, wait)).await;
            attempt += 1;
        }
    }

    /// One attempt: the request and the redirects it leads to, each hop checked against the redirect rule.
    async fn attempt(&self, req: &Request<'_>) -> Result<Reply, HttpError> {
        let timeout = req.timeout.unwrap_or(self.timeout);
        let mut url = req.url.clone();
        let mut method = req.method.clone();
        let mut with_body = true;
        let mut hops = 0;
        loop {
            let started = Instant::now();
            let resp = self
                .hop(req, &method, &url, with_body, timeout)?
                .send()
                .await
                .map_err(|e| transport_error(e, timeout))?;
            let status = resp.status();
            let location = resp.headers().get(LOCATION).and_then(|l| l.to_str().ok());
            let next = location.and_then(|l| url.join(l).ok());
            if let Some(next) = next.filter(|_| status.is_redirection() && status != StatusCode::NOT_MODIFIED) {
                self.redirects.check(req.url, &url, &next)?;
                hops += 1;
                if hops > MAX_REDIRECTS {
                    return Err(HttpError::TooManyRedirects(MAX_REDIRECTS));
                }
                let (m, keep) = redirect::next_method(status, &method);
                method = m;
                with_body = with_body && keep;
                url = next;
                continue;
            }
            return finish(resp, url, req.max_body, started, timeout).await;
        }
    }

    /// The request for one hop: the credentials that belong to `url`'s origin, the caller's headers, the body.
    fn hop(
        &self,
        req: &Request<'_>,
        method: &Method,
        url: &Url,
        with_body: bool,
        timeout: Duration,
    ) -> Result<reqwest::RequestBuilder, HttpError> {
        let mut builder = self.client.request(method.clone(), url.clone()).timeout(timeout);
        for (name, value) in req.headers {
            builder = builder.header(name.clone(), value.clone());
        }
        let credentials = self.credentials.iter().chain(req.credential);
        for c in credentials.filter(|c| c.applies_to(url)) {
            let mut value = HeaderValue::from_str(c.value.expose())
                .map_err(|_| HttpError::Connect("the credential is not a valid HTTP header value".to_owned()))?;
            value.set_sensitive(true);
            builder = builder.header(c.header.clone(), value);
        }
        if !with_body {
            return Ok(builder);
        }
        Ok(match req.body {
            Body::None => builder,
            Body::Json(v) => builder.json(v),
            Body::File {
                field,
                name,
                bytes,
                fields,
            } => {
                let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
                let mut form = reqwest::multipart::Form::new().part(field.to_owned(), part);
                for (k, v) in fields {
                    form = form.text((*k).to_owned(), v.clone());
                }
                builder.multipart(form)
            }
        })
    }
}

/// Reads the answer (at most `max_body` bytes) into a [`Reply`], or the error its status means.
async fn finish(
    mut resp: reqwest::Response,
    url: Url,
    max_body: Option<u64>,
    started: Instant,
    timeout: Duration,
) -> Result<Reply, HttpError> {
    let status = resp.status();
    let retry_after = retry::retry_after(resp.headers());
    let headers = resp.headers().clone();
    let too_large = |len: u64| {
        max_body
            .filter(|limit| len > *limit)
            .map(|limit| HttpError::TooLarge { limit })
    };
    if let Some(e) = resp.content_length().and_then(too_large) {
        return Err(e);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(e, timeout))? {
        body.extend_from_slice(&chunk);
        if let Some(e) = too_large(body.len() as u64) {
            return Err(e);
        }
    }
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return Ok(Reply {
            status: status.as_u16(),
            body,
            latency: started.elapsed(),
            headers,
            url,
        });
    }
    Err(HttpError::Status {
        code: status.as_u16(),
        detail: error_detail(&body, status.canonical_reason()),
        retry_after,
    })
}

fn transport_error(e: reqwest::Error, timeout: Duration) -> HttpError {
    let e = e.without_url();
    let message = secrets::quote(&error_chain(&e));
    if e.is_timeout() {
        HttpError::Timeout(timeout)
    } else if e.is_connect() {
        HttpError::Connect(message)
    } else {
        HttpError::Interrupted(message)
    }
}

/// The message of an error body (`detail`, `error.message`, `error`, `message`) or its start, redacted and
/// capped; the status's reason when the body is empty.
pub fn error_detail(body: &[u8], reason: Option<&str>) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        let found = v
            .get("detail")
            .or_else(|| v.pointer("/error/message"))
            .or_else(|| v.get("error"))
            .or_else(|| v.get("message"))?;
        Some(match found {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    });
    let text = from_json.unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    if text.trim().is_empty() {
        return reason.unwrap_or("no message").to_owned();
    }
    secrets::quote(&text)
}

/// An error with its sources, without repeating parts already said.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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
    use super::*;

    #[test]
    fn error_details_are_redacted_and_capped() {
        let body = format!(
            r#"{{"detail":"bad key: Bearer sk-abcdefabcdefabcdef {}"}}"#,
            "y".repeat(900)
        );
        let d = error_detail(body.as_bytes(), None);
        assert!(d.starts_with("bad key: Bearer [redacted] yyy"), "{d}");
        assert!(d.chars().count() <= secrets::MAX_QUOTED_CHARS + 1);
        assert_eq!(error_detail(br#"{"error":{"message":"slow down"}}"#, None), "slow down");
        assert_eq!(error_detail(b"", Some("Not Found")), "Not Found");
        assert_eq!(error_detail(b"<h1>oops</h1>", None), "<h1>oops</h1>");
    }

    #[test]
    fn credentials_stay_with_their_origin() {
        let base = Url::parse("https://ai.example.dk/").expect("url");
        let c = Credential::bearer(&base, Secret::new("sk-origin-bound-key"));
        assert!(c.applies_to(&Url::parse("https://ai.example.dk/api/v1/models").expect("url")));
        assert!(!c.applies_to(&Url::parse("https://evil.example.dk/api").expect("url")));
        assert!(!c.applies_to(&Url::parse("http://ai.example.dk/api").expect("url")));
        assert!(!c.applies_to(&Url::parse("https://ai.example.dk:8443/api").expect("url")));
    }
}
