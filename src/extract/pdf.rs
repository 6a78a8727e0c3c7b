//! PDF text through `lopdf`, after two cheap checks: the file's objects do not nest absurdly deep (the parser
//! recurses into arrays and dictionaries), and its compressed streams other than images do not unpack beyond
//! [`MAX_UNPACKED_BYTES`] (the parser would unpack them whole).

use std::io::Read;

use super::document::{ExtractError, Extracted, MAX_UNPACKED_BYTES};

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
    if unpacks_beyond(bytes, MAX_UNPACKED_BYTES) {
        return Err(ExtractError::TooLarge {
            limit: MAX_UNPACKED_BYTES,
        });
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

/// True when the zlib-compressed streams that are not images unpack to more than `budget` bytes together.
/// Streams that are not zlib data (JPEG images, plain text) stop the decoder at once and count as nothing.
fn unpacks_beyond(bytes: &[u8], budget: u64) -> bool {
    let mut left = budget;
    let mut from = 0;
    while let Some(at) = find(&bytes[from..], b"stream").map(|i| from + i) {
        from = at + b"stream".len();
        if bytes[..at].ends_with(b"end") {
            continue;
        }
        let mut body = from;
        if bytes[body..].starts_with(b"\r\n") {
            body += 2;
        } else if bytes[body..].starts_with(b"\n") {
            body += 1;
        }
        let end = find(&bytes[body..], b"endstream").map_or(bytes.len(), |e| body + e);
        let dict_start = bytes[..at].windows(3).rposition(|w| w == b"obj").unwrap_or(0);
        let is_image = find(&bytes[dict_start..at], b"/Image").is_some();
        if !is_image && find(&bytes[dict_start..at], b"/FlateDecode").is_some() {
            let mut decoder = flate2::read::ZlibDecoder::new(&bytes[body..end]).take(left + 1);
            let n = std::io::copy(&mut decoder, &mut std::io::sink()).unwrap_or(0);
            if n > left {
                return true;
            }
            left -= n;
        }
        from = end;
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{pdf, pdf_bomb};
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
    fn a_stream_bomb_is_refused_before_parsing() {
        let bomb = pdf_bomb(MAX_UNPACKED_BYTES as usize + (1 << 20));
        assert!(bomb.len() < 1 << 20, "the bomb is small: {} bytes", bomb.len());
        assert_eq!(
            extract(&bomb),
            Err(ExtractError::TooLarge {
                limit: MAX_UNPACKED_BYTES
            })
        );
        let text = pdf_bomb(1000);
        assert!(!unpacks_beyond(&text, 1000), "a small compressed page is fine");
        assert!(unpacks_beyond(&text, 999), "every unpacked byte counts");
    }

    #[test]
    fn streams_do_not_count_as_nesting() {
        assert_eq!(nesting(b"<< /A [1 [2]] >> stream\n[[[[[[ endstream [ ]"), 3);
    }
}
