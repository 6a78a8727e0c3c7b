//! The Open WebUI REST client: paths, counters and typed errors ([`ApiError`]) on top of the shared transport
//! ([`crate::http`]), which owns timeouts, retries, the redirect policy and redaction.
//!
//! The endpoints themselves are in [`super::endpoints`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;
use crate::http::{self, Credential, HttpError, Transport};
use crate::secrets::Secret;

pub use crate::http::RetryPolicy;

/// Default request timeout when the target sets none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Timeout floor for uploads and attaching files, which extract text (and embed) on the server.
const SLOW_TIMEOUT: Duration = Duration::from_secs(300);
/// Page size of Open WebUI's list endpoints (fixed on the server).
pub const PAGE_SIZE: usize = 30;
/// How often a listing is restarted when the collection changed while it was being paged.
pub(super) const LIST_RESTARTS: usize = 3;

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

    fn http(self) -> http::Repeat {
        match self {
            Repeat::Safe | Repeat::SafeSlow => http::Repeat::Safe,
            Repeat::OnlyIfUnsent | Repeat::OnlyIfUnsentSlow => http::Repeat::OnlyIfUnsent,
        }
    }
}

/// One request to the platform: method, path and query, body, and whether it may be repeated.
pub(super) struct Call<'a> {
    /// The HTTP method.
    pub method: Method,
    /// Path below the base URL.
    pub path: &'a str,
    /// Query parameters.
    pub query: &'a [(&'a str, &'a str)],
    /// What is sent.
    pub body: Body<'a>,
    /// Whether it may be sent again after a failure.
    pub repeat: Repeat,
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
struct Counters {
    reads: http::Counters,
    writes: http::Counters,
}

/// A snapshot of the client's counters.
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
    transport: Transport,
    base: Url,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `url` that authenticates with `key` (an `sk-…` API key or a JWT). Plain `http://` is only
    /// accepted to this machine unless `allow_insecure_http`; credentials inside the URL are always refused.
    pub fn new(
        url: &str,
        key: Secret,
        timeout: Duration,
        retry: RetryPolicy,
        allow_insecure_http: bool,
    ) -> Result<Self, ApiError> {
        let mut base = http::check_base_url(url.trim_end_matches('/'), allow_insecure_http).map_err(|problem| {
            ApiError::BadUrl {
                url: shown_raw(url),
                problem,
            }
        })?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let options = http::Options {
            timeout,
            retry,
            idle_per_host: None,
        };
        let transport =
            Transport::new(options, vec![Credential::bearer(&base, key)]).map_err(|e| ApiError::BadUrl {
                url: http::url::shown(&base),
                problem: http::UrlProblem::Unparsable(e.to_string()),
            })?;
        Ok(Client {
            transport,
            base,
            counters: Arc::default(),
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// Requests sent so far.
    pub fn counts(&self) -> RequestCounts {
        let (reads, read_retries) = self.counters.reads.get();
        let (writes, write_retries) = self.counters.writes.get();
        let n = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        RequestCounts {
            reads: n(reads),
            writes: n(writes),
            retries: n(read_retries + write_retries),
        }
    }

    fn endpoint(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, ApiError> {
        let mut url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ApiError::BadUrl {
                url: self.url().to_owned(),
                problem: http::UrlProblem::Unparsable(e.to_string()),
            })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends one request with retries and returns the raw body of a 2xx answer.
    pub(super) async fn send(&self, call: Call<'_>) -> Result<Vec<u8>, ApiError> {
        let Call {
            method,
            path,
            query,
            body,
            repeat,
        } = call;
        let url = self.endpoint(path, query)?;
        let shown = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let fields;
        let body = match body {
            Body::None => http::Body::None,
            Body::Json(v) => http::Body::Json(v),
            Body::File { name, bytes, metadata } => {
                fields = [("metadata", metadata.to_string())];
                http::Body::File {
                    field: "file",
                    name,
                    bytes,
                    fields: &fields,
                }
            }
        };
        let counters = if method == Method::GET {
            &self.counters.reads
        } else {
            &self.counters.writes
        };
        let request = http::Request {
            method: &method,
            url: &url,
            body,
            repeat: repeat.http(),
            timeout: repeat.slow().then(|| self.transport.timeout().max(SLOW_TIMEOUT)),
            counters: Some(counters),
            ..http::Request::new(&method, &url)
        };
        self.transport
            .send(request)
            .await
            .map(|reply| reply.body)
            .map_err(|e| api_error(&method, &shown, e))
    }

    /// Sends one request with retries and decodes the JSON of a 2xx answer.
    pub(super) async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, ApiError> {
        let (method, path) = (call.method.clone(), call.path.to_owned());
        let bytes = self.send(call).await?;
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Decode {
            method: method.to_string(),
            path,
            message: e.to_string(),
        })
    }

    pub(super) async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T, ApiError> {
        self.call(Call {
            method: Method::GET,
            path,
            query,
            body: Body::None,
            repeat: Repeat::Safe,
        })
        .await
    }

    pub(super) async fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, ApiError> {
        self.call(Call {
            method: Method::POST,
            path,
            query: &[],
            body: Body::Json(body),
            repeat: Repeat::Safe,
        })
        .await
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

fn api_error(method: &Method, path: &str, e: HttpError) -> ApiError {
    let (method, path) = (method.to_string(), path.to_owned());
    match e {
        HttpError::Status { code, detail, .. } => ApiError::Status {
            method,
            path,
            code,
            detail,
        },
        HttpError::Timeout(timeout) => ApiError::Timeout { method, path, timeout },
        HttpError::Connect(message) => ApiError::Connect { method, path, message },
        HttpError::Interrupted(message) => ApiError::Interrupted { method, path, message },
        HttpError::CrossOrigin { from, to } | HttpError::CrossSite { from, to } => {
            ApiError::Redirect { method, from, to }
        }
        e @ (HttpError::TooManyRedirects(_) | HttpError::TooLarge { .. }) => ApiError::Decode {
            method,
            path,
            message: e.to_string(),
        },
    }
}

/// A configured URL for messages, without any credential or query it may carry.
fn shown_raw(url: &str) -> String {
    Url::parse(url.trim()).map_or_else(|_| "(the configured url)".to_owned(), |u| http::url::shown(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(seg("a b/c"), "a%20b%2Fc");
        assert_eq!(seg("1b0c-x_y.z"), "1b0c-x_y.z");
    }

    fn status(code: u16, body: &str) -> ApiError {
        let detail = http::error_detail(
            body.as_bytes(),
            reqwest::StatusCode::from_u16(code)
                .ok()
                .and_then(|c| c.canonical_reason()),
        );
        api_error(
            &Method::POST,
            "/api/v1/models/create",
            HttpError::Status {
                code,
                detail,
                retry_after: None,
            },
        )
    }

    #[test]
    fn server_details_become_messages() {
        let e = status(
            401,
            r#"{"detail":"Uh-oh! This model id is already registered. Please choose another model id string."}"#,
        );
        assert!(e.is_id_taken());
        assert!(!e.is_auth());
        let nf = status(404, "");
        assert!(is_not_found(&nf));
        assert!(nf.to_string().contains("HTTP 404: Not Found"), "{nf}");
    }

    #[test]
    fn bad_urls_never_show_their_credentials() {
        let key = Secret::new("sk-client-test-key");
        let retry = RetryPolicy::from_env();
        let e = Client::new(
            "https://svc:topsecret@ai.example.dk",
            key.clone(),
            Duration::from_secs(1),
            retry,
            false,
        )
        .expect_err("userinfo");
        assert!(!e.to_string().contains("topsecret"), "{e}");
        assert!(e.to_string().contains("https://ai.example.dk/"), "{e}");
        let e = Client::new("http://ai.example.dk", key, Duration::from_secs(1), retry, false).expect_err("http");
        assert!(e.to_string().contains("unencrypted"), "{e}");
    }
}
