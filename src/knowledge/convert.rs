//! A fetched document as the text that is written to `knowledge/`: Markdown from a web page, the text of a PDF
//! or Word file, Markdown and plain text as they are.

use super::html::{self, HtmlError};
use super::source::Kind;
use crate::extract::{self, DocKind, ExtractError, Extracted};
use crate::fsread::FileError;

/// Why a document gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// The page could not be narrowed to its content.
    #[error("{0}")]
    Html(#[from] HtmlError),
    /// The PDF or Word file could not be read.
    #[error("its text cannot be read: {0}")]
    Extract(#[from] ExtractError),
    /// A PDF without a text layer.
    #[error("its {pages} page(s) have no text layer (probably a scan)")]
    NoText {
        /// Pages in the document.
        pages: usize,
    },
    /// Not UTF-8 (or Latin-1 where the server says so), or a NUL byte.
    #[error("it is not text: {0}")]
    NotText(String),
}

impl ConvertError {
    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        match self {
            ConvertError::Html(HtmlError::BadSelector { .. }) => {
                "fix the selector in specialist.toml; it takes CSS such as `main article` or `#indhold`"
            }
            ConvertError::Html(HtmlError::NoMatch(_)) => {
                "the page's layout has probably changed: open it, find the element around the content and update selector"
            }
            ConvertError::Html(HtmlError::Empty) => {
                "check that the address shows the content without logging in, or set selector to the element that holds it"
            }
            ConvertError::Extract(_) => "ask the source's owner for a PDF saved again (print to PDF) or a .docx",
            ConvertError::NoText { .. } => {
                "ask the source's owner for a version with a text layer (OCR), or write the knowledge file by hand"
            }
            ConvertError::NotText(_) => "save the source as UTF-8, or point source at an HTML, PDF or Word version",
        }
    }
}

/// The text of `bytes` of `kind`; `charset` is the server's, `selector` applies to web pages.
pub fn to_text(
    kind: Kind,
    bytes: &[u8],
    charset: Option<&str>,
    selector: Option<&str>,
) -> Result<String, ConvertError> {
    match kind {
        Kind::Pdf => document(DocKind::Pdf, bytes),
        Kind::Docx => document(DocKind::Docx, bytes),
        Kind::Html => Ok(html::to_markdown(&decode(bytes, charset)?, selector)?),
        Kind::Markdown | Kind::Text => Ok(with_final_newline(decode(bytes, charset)?.replace("\r\n", "\n"))),
    }
}

fn document(kind: DocKind, bytes: &[u8]) -> Result<String, ConvertError> {
    match extract::extract(kind, bytes)? {
        Extracted::Text(text) => Ok(with_final_newline(text.trim().to_owned())),
        Extracted::NoText { pages } => Err(ConvertError::NoText { pages }),
    }
}

/// UTF-8 (a byte-order mark dropped), or Latin-1 when the server names it; never NUL bytes.
fn decode(bytes: &[u8], charset: Option<&str>) -> Result<String, ConvertError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let latin1 = matches!(charset, Some("iso-8859-1" | "latin1" | "latin-1" | "windows-1252"));
    let text = if latin1 && std::str::from_utf8(bytes).is_err() {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        crate::fsread::text(bytes.to_vec()).map_err(|e| ConvertError::NotText(reason(&e)))?
    };
    if text.contains('\0') {
        return Err(ConvertError::NotText("it contains a NUL byte".to_owned()));
    }
    Ok(text)
}

fn reason(e: &FileError) -> String {
    e.to_string().replacen("the file ", "", 1)
}

fn with_final_newline(mut text: String) -> String {
    while text.ends_with("\n\n") {
        text.pop();
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::fixtures;

    #[test]
    fn documents_give_their_text() {
        let pdf = fixtures::pdf(&["Genbrugspladsen er aaben alle dage"]);
        let text = to_text(Kind::Pdf, &pdf, None, None).expect("pdf");
        assert!(text.contains("Genbrugspladsen er aaben alle dage"), "{text}");
        assert!(text.ends_with('\n'));
        let docx = fixtures::docx(&["Storskrald hentes hver anden uge."], &[]);
        assert_eq!(
            to_text(Kind::Docx, &docx, None, None).expect("docx"),
            "Storskrald hentes hver anden uge.\n"
        );
        assert_eq!(
            to_text(Kind::Pdf, &fixtures::pdf(&[]), None, None),
            Err(ConvertError::NoText { pages: 1 })
        );
    }

    #[test]
    fn text_is_utf8_or_declared_latin1() {
        assert_eq!(to_text(Kind::Text, b"a\r\nb", None, None).expect("text"), "a\nb\n");
        let latin1 = b"<p>R\xE5dhuset</p>";
        assert!(matches!(
            to_text(Kind::Html, latin1, None, None),
            Err(ConvertError::NotText(_))
        ));
        assert_eq!(
            to_text(Kind::Html, latin1, Some("iso-8859-1"), None).expect("latin-1"),
            "Rådhuset\n"
        );
        assert!(to_text(Kind::Markdown, b"a\0b", None, None).is_err());
    }
}
