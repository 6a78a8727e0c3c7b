//! Small PDF and Word documents made on the fly for tests (unit tests here, and `tests/cli` includes this
//! file by path), so no binary fixture has to be committed.
#![allow(dead_code)]

use std::io::Write as _;

/// A one-page PDF whose page shows `lines` in Helvetica; no lines gives a page without text, like a scan.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::new();
    if !lines.is_empty() {
        content.push_str("BT /F1 12 Tf 72 720 Td 14 TL\n");
        for line in lines {
            let escaped = line.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
            content.push_str(&format!("({escaped}) Tj T*\n"));
        }
        content.push_str("ET\n");
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A one-page PDF whose content stream is compressed and unpacks to `unpacked` bytes (spaces around a line
/// of text): a zip bomb in PDF form.
pub fn pdf_bomb(unpacked: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let text = b"BT /F1 12 Tf 72 720 Td (Hej) Tj ET\n";
    z.write_all(text).expect("deflate");
    let block = vec![b' '; 1 << 20];
    let mut left = unpacked.saturating_sub(text.len());
    while left > 0 {
        let n = left.min(block.len());
        z.write_all(&block[..n]).expect("deflate");
        left -= n;
    }
    let stream = z.finish().expect("deflate");
    let mut doc = pdf(&[]);
    let marker = b"<< /Length 0 >>\nstream\nendstream";
    let at = doc
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("empty content stream");
    let mut replacement = format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).into_bytes();
    replacement.extend(&stream);
    replacement.extend(b"\nendstream");
    doc.splice(at..at + marker.len(), replacement);
    doc
}

/// A Word document with one paragraph per entry of `paragraphs` (a `\t` becomes a tab element) and any extra
/// parts `(name, xml)`, deflate-compressed.
pub fn docx(paragraphs: &[&str], extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str("<w:p><w:r>");
        for (i, piece) in p.split('\t').enumerate() {
            if i > 0 {
                body.push_str("<w:tab/>");
            }
            body.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", xml_escape(piece)));
        }
        body.push_str("</w:r></w:p>");
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ];
    parts.extend_from_slice(extra);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

/// A Word document whose body unpacks to `unpacked` bytes of nothing but spaces: a zip bomb in miniature.
pub fn docx_bomb(unpacked: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(unpacked > u32::MAX as usize);
    zip.start_file("word/document.xml", options).expect("zip entry");
    zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>")
        .expect("zip write");
    let block = vec![b' '; 1 << 20];
    let mut left = unpacked;
    while left > 0 {
        let n = left.min(block.len());
        zip.write_all(&block[..n]).expect("zip write");
        left -= n;
    }
    zip.finish().expect("zip finish").into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
