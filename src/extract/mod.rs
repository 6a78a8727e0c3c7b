//! Text from knowledge documents (PDF and Word), so they can be scanned like text files. Hostile input never
//! panics the caller: each extractor runs on its own thread with a roomy stack, panics are caught, and
//! decompression is capped ([`MAX_UNPACKED_BYTES`]) before the parser unpacks anything.

mod document;
mod docx;
mod pdf;

use std::panic::{AssertUnwindSafe, catch_unwind};

pub use document::{DocKind, ExtractError, Extracted, MAX_UNPACKED_BYTES};

/// Stack for an extractor thread: parsers recurse into nested objects.
const STACK_BYTES: usize = 64 * 1024 * 1024;

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
