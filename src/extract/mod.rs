//! Text from knowledge documents (PDF and Word), so they can be scanned like text files. Hostile input never
//! panics the caller: each extractor runs on its own thread with a roomy stack, panics are caught, and
//! decompression is capped ([`MAX_UNPACKED_BYTES`]) before the parser unpacks anything.

mod docx;
mod pdf;

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Most bytes unpacked from one document: XML parts of a Word file, or the compressed streams of a PDF other
/// than images (page contents, object streams, fonts), which is what the text extraction unpacks.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Stack for an extractor thread: parsers recurse into nested objects.
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// A document kind aispec can read text from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// Portable Document Format.
    Pdf,
    /// Word (Office Open XML).
    Docx,
}

impl DocKind {
    /// The kind for a file name, by its extension.
    pub fn from_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(DocKind::Pdf),
            "docx" => Some(DocKind::Docx),
            _ => None,
        }
    }
}

/// What came out of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extracted {
    /// The document's text.
    Text(String),
    /// Pages but no text layer: a scan or a picture, which only a person can check.
    NoText {
        /// Number of pages.
        pages: usize,
    },
}

/// Why no text could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The file is damaged, truncated, encrypted or not what its name says.
    #[error("{0}")]
    Unreadable(String),
    /// Decompressing it would exceed the limit (a zip bomb, or an absurdly large document).
    #[error("it unpacks to more than {} MiB", .limit / 1024 / 1024)]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

/// Extracts the text of a document held in memory.
pub fn extract(kind: DocKind, bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let bytes = bytes.to_vec();
    let worker = std::thread::Builder::new()
        .name("aispec-extract".to_owned())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            catch_unwind(AssertUnwindSafe(|| match kind {
                DocKind::Pdf => pdf::extract(&bytes),
                DocKind::Docx => docx::extract(&bytes),
            }))
        })
        .map_err(|e| ExtractError::Unreadable(format!("cannot start the text extraction: {e}")))?;
    match worker.join() {
        Ok(Ok(result)) => result,
        Ok(Err(_)) | Err(_) => Err(ExtractError::Unreadable(
            "the reader gave up on its structure (the file is probably damaged)".to_owned(),
        )),
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(DocKind::from_name("a/Vejledning.PDF"), Some(DocKind::Pdf));
        assert_eq!(DocKind::from_name("b.docx"), Some(DocKind::Docx));
        assert_eq!(DocKind::from_name("c.md"), None);
        assert_eq!(DocKind::from_name("pdf"), None);
    }
}
