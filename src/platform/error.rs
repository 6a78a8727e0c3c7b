//! The platform client's error type: callers branch on it (retry, "already exists", "not found").

use std::time::Duration;

/// A failed call to the Open WebUI API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error status.
    #[error("{method} {path} answered HTTP {code}: {detail}")]
    Status {
        /// HTTP method.
        method: String,
        /// Path and query (never the key).
        path: String,
        /// HTTP status code.
        code: u16,
        /// The server's `detail` message, or the start of the body.
        detail: String,
    },
    /// No answer within the timeout.
    #[error("{method} {path} got no answer within {} s", timeout.as_secs())]
    Timeout {
        /// HTTP method.
        method: String,
        /// Path and query.
        path: String,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// No connection could be made (refused, DNS, TLS): the request was not sent.
    #[error("{method} {path} could not reach the server: {message}")]
    Connect {
        /// HTTP method.
        method: String,
        /// Path and query.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The connection broke after the request was sent: the server may or may not have acted on it.
    #[error("{method} {path} lost the connection before the answer: {message}")]
    Interrupted {
        /// HTTP method.
        method: String,
        /// Path and query.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The answer was not what the API documents.
    #[error("{method} {path} returned an unexpected answer: {message}")]
    Decode {
        /// HTTP method.
        method: String,
        /// Path and query.
        path: String,
        /// What did not fit.
        message: String,
    },
    /// The server redirected to another origin, which aispec never follows.
    #[error(
        "{method} {from} was redirected to {to}, on another host or port; aispec never follows a redirect away from the target"
    )]
    Redirect {
        /// HTTP method.
        method: String,
        /// The URL asked (no credentials or query).
        from: String,
        /// Where the server pointed.
        to: String,
    },
    /// The target URL cannot be used.
    #[error("the target URL {url} {problem}")]
    BadUrl {
        /// The URL from `aispec.toml`, without credentials or query.
        url: String,
        /// Why.
        problem: crate::http::UrlProblem,
    },
}

impl ApiError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// True for answers worth retrying: rate limits, server errors, lost connections and timeouts.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Status { code, .. } => is_retry_status(*code),
            ApiError::Timeout { .. } | ApiError::Connect { .. } | ApiError::Interrupted { .. } => true,
            ApiError::Decode { .. } | ApiError::BadUrl { .. } | ApiError::Redirect { .. } => false,
        }
    }

    /// True when the server says the model id is already registered.
    pub fn is_id_taken(&self) -> bool {
        matches!(self, ApiError::Status { code: 400 | 401 | 409, detail, .. } if detail.contains("already registered"))
    }

    /// True when the key was refused.
    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::Status { code: 401 | 403, detail, .. } if !detail.contains("already registered"))
    }
}

pub use crate::http::is_retry_status;
