//! What extraction works on and gives back: the document kinds, the text or its absence, the errors, the limit.

/// Most bytes unpacked from one document: XML parts of a Word file, or the compressed streams of a PDF other
/// than images (page contents, object streams, fonts), which is what the text extraction unpacks.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
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
