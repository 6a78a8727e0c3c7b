//! What can go wrong with one source, how to fix it, and where in `specialist.toml` to look.

use serde::Serialize;

use super::convert::ConvertError;
use super::source::SourceProblem;
use crate::fsread::FileError;
use crate::http::HttpError;

/// Environment variable with the seconds one source may take to answer (default 30).
pub const TIMEOUT_ENV: &str = "AISPEC_KNOWLEDGE_TIMEOUT";

/// Why one source was not fetched or checked.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The `source` itself is not usable.
    #[error("{0}")]
    Source(#[from] SourceProblem),
    /// A header's environment variable is not set.
    #[error("the header `{header}` takes its value from the environment variable {var}, which is not set")]
    MissingEnv {
        /// The header.
        header: String,
        /// The variable.
        var: String,
    },
    /// A header name that HTTP does not allow (values are never shown).
    #[error("`{0}` in headers_env cannot be sent as an HTTP header")]
    BadHeader(String),
    /// The request failed.
    #[error("{0}")]
    Http(#[from] HttpError),
    /// Not a kind of document aispec converts.
    #[error("the source is {0}; aispec fetches HTML, Markdown, text, PDF and Word (.docx) documents")]
    Unsupported(String),
    /// The document gave no text.
    #[error("{0}")]
    Convert(#[from] ConvertError),
    /// A file source could not be read.
    #[error("{path}: {source}")]
    File {
        /// The file, relative to the workspace root.
        path: String,
        /// Why.
        source: FileError,
    },
    /// A file source inside `knowledge/`, where fetched files are written.
    #[error("the source {0} is inside the specialist's knowledge/ folder, where fetched files are written")]
    InsideKnowledge(String),
    /// CPR numbers in the fetched text: nothing is written.
    #[error("the fetched text contains {0} CPR number(s), so nothing was written")]
    Cpr(usize),
    /// The converted text is larger than a knowledge file may be.
    #[error("the fetched text is {size} bytes; a knowledge file may be at most {limit_mib} MiB")]
    TooLarge {
        /// Bytes of text.
        size: usize,
        /// The limit in MiB.
        limit_mib: u64,
    },
    /// `file` names something other than text.
    #[error("file = \"{0}\" cannot hold fetched text")]
    TargetType(String),
}

/// Whether the source could not be reached or its content could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Failure {
    /// No answer, an error answer, a missing credential, a file that cannot be read.
    Unreachable,
    /// An answer that cannot become a knowledge file (type, size, conversion, personal data).
    Refused,
}

impl SourceError {
    /// Unreachable or refused.
    pub fn failure(&self) -> Failure {
        match self {
            SourceError::Http(HttpError::TooLarge { .. }) => Failure::Refused,
            SourceError::Source(_)
            | SourceError::MissingEnv { .. }
            | SourceError::BadHeader(_)
            | SourceError::Http(_)
            | SourceError::File { .. }
            | SourceError::InsideKnowledge(_)
            | SourceError::TargetType(_) => Failure::Unreachable,
            SourceError::Unsupported(_)
            | SourceError::Convert(_)
            | SourceError::Cpr(_)
            | SourceError::TooLarge { .. } => Failure::Refused,
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            SourceError::Source(p) => p.hint().to_owned(),
            SourceError::MissingEnv { var, .. } => {
                format!(
                    "set {var} in the environment (in CI: as a secret passed to the job); never write the value in a file"
                )
            }
            SourceError::BadHeader(_) => {
                "use a header name of letters, digits and `-`, such as Authorization".to_owned()
            }
            SourceError::Http(e) => http_hint(e),
            SourceError::Unsupported(_) => {
                "point source at an HTML page, a PDF, a Word (.docx) or a text file; convert other formats first"
                    .to_owned()
            }
            SourceError::Convert(e) => e.hint().to_owned(),
            SourceError::File { source, .. } => source.hint(),
            SourceError::InsideKnowledge(_) => {
                "keep the original outside knowledge/ (for example in sources/) and point source at it".to_owned()
            }
            SourceError::Cpr(_) => {
                "ask the source's owner to remove the CPR numbers from the page; knowledge must never contain them"
                    .to_owned()
            }
            SourceError::TooLarge { .. } => {
                "set selector to the part of the page the specialist needs, or split the source".to_owned()
            }
            SourceError::TargetType(_) => {
                "name the knowledge file .md (or .txt); aispec writes the converted text there".to_owned()
            }
        }
    }
}

fn http_hint(e: &HttpError) -> String {
    match e {
        HttpError::Status { code: 401 | 403, .. } => {
            "the page needs a login: name the environment variable with the token in headers_env".to_owned()
        }
        HttpError::Status { code: 404 | 410, .. } => {
            "the page has moved or is gone: ask the source's owner for the new address and update source".to_owned()
        }
        HttpError::Timeout(_) => format!(
            "try again later; a slow server may get more time with {} (seconds)",
            TIMEOUT_ENV
        ),
        HttpError::CrossSite { .. } | HttpError::CrossOrigin { .. } => {
            "if the new address is right, write it as the source".to_owned()
        }
        HttpError::TooLarge { .. } => {
            "point source at a smaller document, or split it; knowledge files have the same limit".to_owned()
        }
        _ => "check the address and the network, then try again".to_owned(),
    }
}

/// A failed source as reported: what, how to fix it, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Unreachable or refused.
    pub failure: Failure,
    /// What went wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// `specialists/<id>/specialist.toml:line:column` of the entry's `source`.
    pub at: String,
}

impl Problem {
    /// The report of `e` for the source at `at`.
    pub fn new(e: &SourceError, at: String) -> Self {
        Problem {
            failure: e.failure(),
            message: crate::secrets::redact(&e.to_string()).into_owned(),
            hint: e.hint(),
            at,
        }
    }
}
