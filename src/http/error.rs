//! What can go wrong with one HTTP exchange, with every quoted server text already redacted and capped.

use std::time::Duration;

/// A failed request (after any retries).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The server answered with an error status.
    #[error("HTTP {code}: {detail}")]
    Status {
        /// Status code.
        code: u16,
        /// The server's message (`detail`, `error.message`…) or the start of its body, redacted and capped.
        detail: String,
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
    },
    /// No answer within the timeout.
    #[error("no answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// No connection could be made (refused, DNS, TLS): the request was not sent.
    #[error("could not reach the server (network error): {0}")]
    Connect(String),
    /// The connection broke after the request was sent: the server may or may not have acted on it.
    #[error("lost the connection before the answer: {0}")]
    Interrupted(String),
    /// The server redirected to another scheme, host or port; aispec never follows that.
    #[error(
        "{from} was redirected to {to}, on another host or port; aispec never follows a redirect away from the server it was given"
    )]
    CrossOrigin {
        /// Where the request went (no credentials or query).
        from: String,
        /// Where the server wanted it to go.
        to: String,
    },
    /// The server redirected to another site, or from https to plain http (knowledge sources).
    #[error(
        "{from} was redirected to {to}, which is not https on the same site; aispec follows a source's redirects only over https within its registrable domain (aarhus.dk → www.aarhus.dk)"
    )]
    CrossSite {
        /// Where the request went (no credentials or query).
        from: String,
        /// Where the server wanted it to go.
        to: String,
    },
    /// More redirects than any sane server needs.
    #[error("the server redirected more than {0} times")]
    TooManyRedirects(usize),
    /// The answer is larger than the caller accepts.
    #[error("the answer is larger than {} MiB", .limit / 1024 / 1024)]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

impl HttpError {
    /// True for failures worth retrying: rate limits, server errors, timeouts and lost connections.
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Status { code, .. } => is_retry_status(*code),
            HttpError::Timeout(_) | HttpError::Connect(_) | HttpError::Interrupted(_) => true,
            HttpError::CrossOrigin { .. }
            | HttpError::CrossSite { .. }
            | HttpError::TooManyRedirects(_)
            | HttpError::TooLarge { .. } => false,
        }
    }

    /// True when the server surely did not act on the request (so even a create may be sent again).
    pub fn surely_unsent(&self) -> bool {
        matches!(self, HttpError::Connect(_) | HttpError::Status { code: 429, .. })
    }
}

/// Statuses worth retrying: 408, 429 and the 5xx answers a proxy or a restarting server gives.
pub fn is_retry_status(code: u16) -> bool {
    matches!(code, 408 | 429 | 500 | 502 | 503 | 504)
}
