//! Getting one source's content as the text to write: a conditional download over the shared transport (or a
//! read through the workspace's file door), conversion, then the personal-data scan and secret redaction.

use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderName, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use reqwest::{Method, Url};

use super::Target;
use super::convert;
use super::problem::{SourceError, TIMEOUT_ENV};
use super::source::{self, Kind, Source};
use crate::fsread::Limit;
use crate::http::{self, Credential, Redirects, RetryPolicy, Transport};
use crate::model::knowledge_lock::LockedSource;
use crate::model::specialist::KNOWLEDGE_DIR;
use crate::personal_data::{self, FindingKind};
use crate::secrets::Secret;
use crate::workspace::Workspace;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// What aispec asks servers for, best first.
const ACCEPTED: &str = "text/html, application/xhtml+xml;q=0.9, application/pdf;q=0.9, \
    application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9, text/markdown;q=0.8, \
    text/plain;q=0.8, */*;q=0.1";

/// Downloads sources; one per run.
#[derive(Debug, Clone)]
pub struct Fetcher {
    options: http::Options,
    plain: Transport,
}

impl Fetcher {
    /// A fetcher with the timeout from [`TIMEOUT_ENV`] and the retries from `AISPEC_HTTP_RETRIES`.
    pub fn from_env() -> Result<Self, http::HttpError> {
        let timeout = std::env::var(TIMEOUT_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        let options = http::Options {
            timeout,
            retry: RetryPolicy::from_env(),
            idle_per_host: None,
        };
        let plain = Transport::new(options, Vec::new())?.with_redirects(Redirects::SameSite);
        Ok(Fetcher { options, plain })
    }

    /// A transport that sends the source's `headers_env` headers to the source's own origin only.
    fn transport_for(&self, url: &Url, target: &Target) -> Result<Transport, SourceError> {
        if target.entry.headers_env.is_empty() {
            return Ok(self.plain.clone());
        }
        let mut credentials = Vec::new();
        for (header, var) in &target.entry.headers_env {
            let name = HeaderName::from_bytes(header.as_bytes()).map_err(|_| SourceError::BadHeader(header.clone()))?;
            let value = Secret::from_env(var).ok_or_else(|| SourceError::MissingEnv {
                header: header.clone(),
                var: var.clone(),
            })?;
            if HeaderValue::from_str(value.expose()).is_err() {
                return Err(SourceError::BadHeader(header.clone()));
            }
            credentials.push(Credential::header(url, name, value));
        }
        Ok(Transport::new(self.options, credentials)?.with_redirects(Redirects::SameSite))
    }
}

/// What a source gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The server said the copy in the lock is still current (304).
    NotModified,
    /// New content.
    Fresh(Fetched),
}

/// A source's content, ready to be written.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// What it was.
    pub kind: Kind,
    /// The text to write: converted, personal data other than CPR numbers redacted, secrets removed.
    pub text: String,
    /// The address it came from after redirects (no query), for URL sources.
    pub url: Option<String>,
    /// The server's `ETag`.
    pub etag: Option<String>,
    /// The server's `Last-Modified`.
    pub last_modified: Option<String>,
    /// Kinds of personal data replaced by placeholders.
    pub redacted: Vec<FindingKind>,
    /// How many were replaced.
    pub redacted_count: usize,
}

/// Gets `target`'s content; with `known` (the lock's entry) the request is conditional.
pub async fn obtain(
    ws: &Workspace,
    fetcher: &Fetcher,
    target: &Target,
    known: Option<&LockedSource>,
) -> Result<Outcome, SourceError> {
    let raw = target.entry.source.as_deref().unwrap_or_default();
    let selector = target.entry.selector.as_deref();
    let (kind, bytes, charset, meta) = match source::parse(raw, &target.dir)? {
        Source::Url(url) => {
            let Some(got) = download(fetcher, target, &url, known).await? else {
                return Ok(Outcome::NotModified);
            };
            got
        }
        Source::Path(path) => read_file(ws, target, &path)?,
    };
    let text = convert::to_text(kind, &bytes, charset.as_deref(), selector)?;
    prepare(text, kind, meta, &target.allow).map(Outcome::Fresh)
}

/// URL, ETag and Last-Modified of an answer.
type Meta = (Option<String>, Option<String>, Option<String>);
/// Kind, bytes, charset and meta of an answer.
type Got = (Kind, Vec<u8>, Option<String>, Meta);

async fn download(
    fetcher: &Fetcher,
    target: &Target,
    url: &Url,
    known: Option<&LockedSource>,
) -> Result<Option<Got>, SourceError> {
    let transport = fetcher.transport_for(url, target)?;
    let mut headers = vec![(ACCEPT, HeaderValue::from_static(ACCEPTED))];
    for (name, value) in [
        (IF_NONE_MATCH, known.and_then(|k| k.etag.as_deref())),
        (IF_MODIFIED_SINCE, known.and_then(|k| k.last_modified.as_deref())),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
            headers.push((name, v));
        }
    }
    let request = http::Request {
        headers: &headers,
        max_body: Some(Limit::KNOWLEDGE.bytes),
        ..http::Request::new(&Method::GET, url)
    };
    let reply = transport.send(request).await?;
    if reply.not_modified() {
        return Ok(None);
    }
    let content_type = reply.header("content-type").map(str::to_owned);
    let kind = kind_of(content_type.as_deref(), &reply.url, &reply.body)?;
    let charset = content_type.as_deref().and_then(source::charset);
    let meta = (
        Some(http::url::shown(&reply.url)),
        reply.header("etag").map(str::to_owned),
        reply.header("last-modified").map(str::to_owned),
    );
    Ok(Some((kind, reply.body, charset, meta)))
}

/// The kind from the `Content-Type`; when the server says nothing useful, from the address's extension or the
/// first bytes.
fn kind_of(content_type: Option<&str>, url: &Url, body: &[u8]) -> Result<Kind, SourceError> {
    let vague = content_type.is_none_or(|ct| {
        let mime = ct.split(';').next().unwrap_or_default().trim();
        mime.is_empty() || mime.eq_ignore_ascii_case("application/octet-stream")
    });
    if !vague {
        let ct = content_type.unwrap_or_default();
        return Kind::from_content_type(ct).ok_or_else(|| SourceError::Unsupported(format!("`{}`", ct.trim())));
    }
    if let Some(kind) = Kind::from_name(url.path()) {
        return Ok(kind);
    }
    if body.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    Err(SourceError::Unsupported("of no type aispec can tell".to_owned()))
}

fn read_file(ws: &Workspace, target: &Target, path: &std::path::Path) -> Result<Got, SourceError> {
    let shown = crate::diagnostic::display_path(path);
    let knowledge = ws.files.resolve(&target.dir.join(KNOWLEDGE_DIR)).ok();
    let real = ws.files.resolve(path).map_err(|source| SourceError::File {
        path: shown.clone(),
        source,
    })?;
    if knowledge.is_some_and(|k| real.starts_with(k)) {
        return Err(SourceError::InsideKnowledge(shown));
    }
    let kind = Kind::from_name(&shown).ok_or_else(|| SourceError::Unsupported(format!("the file {shown}")))?;
    let bytes = ws
        .files
        .read(path, Limit::KNOWLEDGE)
        .map_err(|source| SourceError::File {
            path: shown.clone(),
            source,
        })?;
    Ok((kind, bytes, None, (None, None, None)))
}

/// Refuses text with CPR numbers; replaces other personal data not on the allow-list, and any secret in use.
fn prepare(text: String, kind: Kind, meta: Meta, allow: &[String]) -> Result<Fetched, SourceError> {
    let cpr = personal_data::scan(&text)
        .iter()
        .filter(|f| f.kind == FindingKind::Cpr)
        .count();
    if cpr > 0 {
        return Err(SourceError::Cpr(cpr));
    }
    let redacted = personal_data::redact(&text, allow);
    let text = crate::secrets::redact(&redacted.text).into_owned();
    if text.len() as u64 > Limit::KNOWLEDGE.bytes {
        return Err(SourceError::TooLarge {
            size: text.len(),
            limit_mib: Limit::KNOWLEDGE.mib(),
        });
    }
    let (url, etag, last_modified) = meta;
    Ok(Fetched {
        kind,
        text,
        url,
        etag,
        last_modified,
        redacted: redacted.kinds,
        redacted_count: redacted.count,
    })
}
