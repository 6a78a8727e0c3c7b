//! Word text: the XML parts that hold what a reader sees (body, headers, footers, foot- and endnotes,
//! comments), read from the zip with a cap on how much is unpacked.

use std::io::Read;

use quick_xml::events::Event;

use super::document::{ExtractError, Extracted, MAX_UNPACKED_BYTES};

pub(super) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ExtractError::Unreadable(format!("it is not a Word file (a zip archive): {e}")))?;
    let mut names: Vec<String> = zip
        .file_names()
        .filter(|n| is_text_part(n))
        .map(str::to_owned)
        .collect();
    if !names.iter().any(|n| n == "word/document.xml") {
        return Err(ExtractError::Unreadable("it has no word/document.xml".to_owned()));
    }
    names.sort();
    let mut budget = MAX_UNPACKED_BYTES;
    let mut text = String::new();
    for name in names {
        let entry = zip
            .by_name(&name)
            .map_err(|e| ExtractError::Unreadable(format!("{name}: {e}")))?;
        let mut xml = Vec::new();
        // Declared sizes can lie: read at most one byte past the budget and look.
        entry
            .take(budget + 1)
            .read_to_end(&mut xml)
            .map_err(|e| ExtractError::Unreadable(format!("{name}: {e}")))?;
        if xml.len() as u64 > budget {
            return Err(ExtractError::TooLarge {
                limit: MAX_UNPACKED_BYTES,
            });
        }
        budget -= xml.len() as u64;
        paragraphs(&xml, &mut text).map_err(|e| ExtractError::Unreadable(format!("{name}: {e}")))?;
    }
    Ok(Extracted::Text(text))
}

/// Parts whose text a reader sees.
fn is_text_part(name: &str) -> bool {
    let Some(file) = name.strip_prefix("word/") else {
        return false;
    };
    file == "document.xml"
        || file == "footnotes.xml"
        || file == "endnotes.xml"
        || file == "comments.xml"
        || ((file.starts_with("header") || file.starts_with("footer")) && file.ends_with(".xml"))
}

/// Appends the text of `w:t` (and deleted `w:delText`) runs; paragraphs and breaks become line breaks, tabs
/// tabs.
fn paragraphs(xml: &[u8], out: &mut String) -> Result<(), quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if matches!(e.local_name().as_ref(), b"t" | b"delText" | b"instrText") => in_text = true,
            Event::End(e) if matches!(e.local_name().as_ref(), b"t" | b"delText" | b"instrText") => in_text = false,
            Event::End(e) if e.local_name().as_ref() == b"p" => out.push('\n'),
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => out.push('\t'),
                b"br" | b"cr" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.decode().map_err(quick_xml::Error::from)?),
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().map_err(quick_xml::Error::from)?;
                out.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
                if let Some(c) = r.resolve_char_ref().ok().flatten() {
                    out.push(c);
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{docx, docx_bomb};
    use super::*;

    #[test]
    fn paragraphs_tabs_and_extra_parts() {
        let footer: &[u8] = b"<w:ftr xmlns:w=\"w\"><w:p><w:r><w:t>Tlf. 89 40 20 00</w:t></w:r></w:p></w:ftr>";
        let bytes = docx(
            &["Sag om <b> & co", "CPR:\t010190-1234"],
            &[("word/footer1.xml", footer)],
        );
        let Ok(Extracted::Text(text)) = extract(&bytes) else {
            panic!("no text")
        };
        assert_eq!(text, "Sag om <b> & co\nCPR:\t010190-1234\nTlf. 89 40 20 00\n");
    }

    #[test]
    fn a_zip_bomb_is_refused_not_unpacked() {
        let bomb = docx_bomb(MAX_UNPACKED_BYTES as usize + (1 << 20));
        assert!(bomb.len() < 1 << 20, "the bomb is small: {} bytes", bomb.len());
        assert_eq!(
            extract(&bomb),
            Err(ExtractError::TooLarge {
                limit: MAX_UNPACKED_BYTES
            })
        );
    }

    #[test]
    fn damaged_files_are_errors_not_panics() {
        let whole = docx(&["Hej"], &[]);
        for cut in [whole.len() / 2, whole.len() - 10, 4, 0] {
            assert!(
                matches!(extract(&whole[..cut]), Err(ExtractError::Unreadable(_))),
                "cut at {cut}"
            );
        }
        assert_eq!(extract(&docx(&[], &[])), Ok(Extracted::Text(String::new())));
        let broken_xml = docx(&[], &[("word/footnotes.xml", b"<w:t>a</w:x>")]);
        assert!(
            matches!(extract(&broken_xml), Err(ExtractError::Unreadable(m)) if m.starts_with("word/footnotes.xml")),
            "{:?}",
            extract(&broken_xml)
        );
        let not_word = docx(&[], &[]).iter().map(|b| b ^ 0x5a).collect::<Vec<u8>>();
        assert!(matches!(extract(&not_word), Err(ExtractError::Unreadable(_))));
    }
}
