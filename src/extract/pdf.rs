//! PDF text through `lopdf`, after a cheap check that the file's objects do not nest absurdly deep (the parser
//! recurses into arrays and dictionaries).

use super::{ExtractError, Extracted};

/// Deepest nesting of arrays and dictionaries accepted outside streams.
const MAX_NESTING: usize = 256;

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(ExtractError::Unreadable(
            "it does not start like a PDF (%PDF-)".to_owned(),
        ));
    }
    if nesting(bytes) > MAX_NESTING {
        return Err(ExtractError::Unreadable(format!(
            "its objects nest more than {MAX_NESTING} levels deep"
        )));
    }
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| ExtractError::Unreadable(format!("{e}")))?;
    if doc.is_encrypted() {
        return Err(ExtractError::Unreadable("it is encrypted".to_owned()));
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(ExtractError::Unreadable("it has no pages".to_owned()));
    }
    let mut text = String::new();
    let mut first_error = None;
    for chunk in doc.extract_text_chunks(&pages) {
        match chunk {
            Ok(t) => {
                text.push_str(&t);
                text.push('\n');
            }
            Err(e) => {
                first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    if !text.trim().is_empty() {
        return Ok(Extracted::Text(text));
    }
    match first_error {
        Some(e) => Err(ExtractError::Unreadable(e)),
        None => Ok(Extracted::NoText { pages: pages.len() }),
    }
}

/// The deepest nesting of `[…]` and `<<…>>` outside `stream … endstream`.
fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b's' if bytes[i..].starts_with(b"stream") && !bytes[..i].ends_with(b"end") => {
                let body = i + b"stream".len();
                i = find(&bytes[body..], b"endstream").map_or(bytes.len(), |at| body + at + b"endstream".len());
                continue;
            }
            _ => {}
        }
        max = max.max(depth);
        i += 1;
    }
    max
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::pdf;
    use super::*;

    #[test]
    fn text_comes_out() {
        let bytes = pdf(&["Sagsnummer 2024-17", "CPR: 010190-1234"]);
        let Ok(Extracted::Text(text)) = extract(&bytes) else {
            panic!("no text from {}", String::from_utf8_lossy(&bytes));
        };
        assert!(text.contains("010190-1234"), "{text:?}");
    }

    #[test]
    fn a_page_without_text_is_a_scan() {
        assert_eq!(extract(&pdf(&[])), Ok(Extracted::NoText { pages: 1 }));
    }

    #[test]
    fn damaged_files_are_errors_not_panics() {
        let whole = pdf(&["CPR: 010190-1234"]);
        for cut in [whole.len() / 2, whole.len() - 30, 20, 5] {
            assert!(
                matches!(extract(&whole[..cut]), Err(ExtractError::Unreadable(_))),
                "cut at {cut}"
            );
        }
        assert!(extract(b"not a pdf").is_err());
        let mut deep = b"%PDF-1.4\n1 0 obj\n".to_vec();
        deep.extend(std::iter::repeat_n(b'[', 100_000));
        assert!(matches!(extract(&deep), Err(ExtractError::Unreadable(m)) if m.contains("nest")));
    }

    #[test]
    fn streams_do_not_count_as_nesting() {
        assert_eq!(nesting(b"<< /A [1 [2]] >> stream\n[[[[[[ endstream [ ]"), 3);
    }
}
