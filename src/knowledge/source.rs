//! What a `source` names: a URL aispec may fetch, or a file inside the workspace; and what kind of document
//! comes from it.

use std::path::{Component, Path, PathBuf};

use reqwest::Url;

use crate::http::url::is_loopback;

/// A parsed `source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A web page or document: https, or plain http to this machine.
    Url(Url),
    /// A file, relative to the workspace root (still to be checked to lie inside it when read).
    Path(PathBuf),
}

/// Why a `source` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceProblem {
    /// A URL that does not parse.
    #[error("`{0}` cannot be read as a URL")]
    Unparsable(String),
    /// Neither https nor http.
    #[error("the source uses `{0}:`; aispec fetches https:// addresses and files in the workspace")]
    Scheme(String),
    /// A user name or password inside the URL (never shown).
    #[error("the source URL carries a user name or password before the host")]
    Userinfo,
    /// Plain http to another machine.
    #[error("the source uses plain http:// to {0}, which is not this machine")]
    InsecureHttp(String),
    /// A path that climbs out of the workspace with `..`.
    #[error("the source path `{0}` leads outside the workspace")]
    Outside(String),
    /// `/etc/…` or `C:\…`: a path must be relative.
    #[error("the source path `{0}` is absolute")]
    Absolute(String),
}

impl SourceProblem {
    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        match self {
            SourceProblem::Unparsable(_) | SourceProblem::Scheme(_) => {
                "write an https:// address, or a path from the specialist's folder to a file in the workspace"
            }
            SourceProblem::Userinfo => {
                "remove the part before `@` and send the credential as a header instead: headers_env = { Authorization = \"ENV_VAR\" }"
            }
            SourceProblem::InsecureHttp(_) => "use https:// (plain http is only allowed to this machine, as in tests)",
            SourceProblem::Outside(_) => {
                "copy the file into the workspace (for example into the specialist's sources/ folder) and point source at the copy"
            }
            SourceProblem::Absolute(_) => {
                "give the path relative to the specialist's folder, for example `sources/vejledning.html`"
            }
        }
    }
}

/// Reads a `source` of the specialist in `spec_dir` (relative to the workspace root).
pub fn parse(raw: &str, spec_dir: &Path) -> Result<Source, SourceProblem> {
    let raw = raw.trim();
    if let Some((scheme, _)) = raw.split_once("://") {
        let url = Url::parse(raw).map_err(|_| SourceProblem::Unparsable(raw.to_owned()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(SourceProblem::Userinfo);
        }
        return match url.scheme() {
            "https" => Ok(Source::Url(url)),
            "http" if is_loopback(&url) => Ok(Source::Url(url)),
            "http" => Err(SourceProblem::InsecureHttp(
                url.host_str().unwrap_or_default().to_owned(),
            )),
            _ => Err(SourceProblem::Scheme(scheme.to_owned())),
        };
    }
    let path = Path::new(raw);
    let windows_drive = raw.as_bytes().get(1) == Some(&b':');
    if path.is_absolute() || path.has_root() || windows_drive {
        return Err(SourceProblem::Absolute(raw.to_owned()));
    }
    let tidy = tidy(&spec_dir.join(path));
    if tidy.starts_with("..") {
        return Err(SourceProblem::Outside(raw.to_owned()));
    }
    Ok(Source::Path(tidy))
}

/// `a/b/../c` as `a/c` (the workspace reader still resolves links and refuses what leads outside).
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if matches!(out.components().next_back(), None | Some(Component::ParentDir)) {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The kinds of document a source may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A web page, converted to Markdown.
    Html,
    /// Markdown, kept as it is.
    Markdown,
    /// Plain text, kept as it is.
    Text,
    /// A PDF, whose text is extracted.
    Pdf,
    /// A Word document, whose text is extracted.
    Docx,
}

impl Kind {
    /// The word recorded in `knowledge.lock`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Html => "html",
            Kind::Markdown => "markdown",
            Kind::Text => "text",
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
        }
    }

    /// The kind a file name's extension says.
    pub fn from_name(name: &str) -> Option<Kind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "html" | "htm" | "xhtml" => Kind::Html,
            "md" | "markdown" => Kind::Markdown,
            "txt" => Kind::Text,
            "pdf" => Kind::Pdf,
            "docx" => Kind::Docx,
            _ => return None,
        })
    }

    /// The kind a `Content-Type` names; `None` for a type aispec does not fetch or one that says nothing
    /// (`application/octet-stream`).
    pub fn from_content_type(value: &str) -> Option<Kind> {
        let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        Some(match mime.as_str() {
            "text/html" | "application/xhtml+xml" => Kind::Html,
            "text/markdown" | "text/x-markdown" => Kind::Markdown,
            "text/plain" => Kind::Text,
            "application/pdf" => Kind::Pdf,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Kind::Docx,
            _ => return None,
        })
    }
}

/// The `charset` parameter of a `Content-Type`, lowercased.
pub fn charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    })
}

/// The file names `knowledge fetch` may write to: text the platform reads as it is.
pub const WRITABLE_EXTENSIONS: &[&str] = &["md", "txt"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_or_loopback() {
        let dir = Path::new("specialists/affald");
        assert!(matches!(parse("https://www.aarhus.dk/affald", dir), Ok(Source::Url(_))));
        assert!(matches!(parse("http://127.0.0.1:8080/x", dir), Ok(Source::Url(_))));
        assert_eq!(
            parse("http://www.aarhus.dk/", dir),
            Err(SourceProblem::InsecureHttp("www.aarhus.dk".to_owned()))
        );
        assert_eq!(parse("ftp://x/y", dir), Err(SourceProblem::Scheme("ftp".to_owned())));
        assert_eq!(parse("https://u:hemmelig@x.dk/", dir), Err(SourceProblem::Userinfo));
        assert!(!SourceProblem::Userinfo.to_string().contains("hemmelig"));
    }

    #[test]
    fn paths_are_relative_to_the_specialist_folder() {
        let dir = Path::new("specialists/affald");
        assert_eq!(
            parse("sources/guide.html", dir),
            Ok(Source::Path(PathBuf::from("specialists/affald/sources/guide.html")))
        );
        assert_eq!(
            parse("../../docs/guide.pdf", dir),
            Ok(Source::Path(PathBuf::from("docs/guide.pdf")))
        );
        assert!(matches!(parse("/etc/passwd", dir), Err(SourceProblem::Absolute(_))));
        assert!(matches!(parse("../../../x.pdf", dir), Err(SourceProblem::Outside(_))));
        assert_eq!(tidy(Path::new("../../a/../b")), PathBuf::from("../../b"));
    }

    #[test]
    fn kinds_from_names_and_content_types() {
        assert_eq!(Kind::from_name("Vejledning.PDF"), Some(Kind::Pdf));
        assert_eq!(Kind::from_name("side.htm"), Some(Kind::Html));
        assert_eq!(Kind::from_name("billede.png"), None);
        assert_eq!(Kind::from_content_type("text/html; charset=utf-8"), Some(Kind::Html));
        assert_eq!(Kind::from_content_type("image/png"), None);
        assert_eq!(
            charset("text/html; charset=\"ISO-8859-1\""),
            Some("iso-8859-1".to_owned())
        );
    }
}
