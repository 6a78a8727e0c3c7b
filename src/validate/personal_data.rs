//! Personal data in what is deployed or committed, as diagnostics: prompts and knowledge text, every string in
//! `specialist.toml`, test files, screenings and journeys, and file names. The matching itself is
//! [`crate::personal_data`].

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity, field_from_pointer};
use crate::extract::{self, DocKind, ExtractError, Extracted};
use crate::personal_data::{self, Finding, FindingKind};
use crate::source::SourceFile;

/// Contact details that may appear, and where that list is kept (named in hints).
#[derive(Debug, Clone, Copy)]
pub struct Allow<'a> {
    /// Allowed e-mail addresses and phone numbers.
    pub list: &'a [String],
    /// The file whose `[privacy] allow` holds them: `specialist.toml` or `aispec.toml`.
    pub file: &'static str,
}

/// Reports personal data anywhere in a text file (a prompt, a knowledge file).
pub fn scan_file(file: &SourceFile, allow: Allow<'_>, diags: &mut Vec<Diagnostic>) {
    for f in findings(&file.text, allow) {
        diags.push(finding(&f, allow, at_offset(file, f.offset)));
    }
}

/// Reports personal data in every string value of a TOML file, except under the `skip` pointers (for example
/// the allow-list itself); each finding points at its place inside the string when the string is written
/// without escapes, else at the string.
pub fn scan_toml(file: &SourceFile, skip: &[&str], allow: Allow<'_>, diags: &mut Vec<Diagnostic>) {
    if !file
        .text
        .chars()
        .any(|c| c.is_ascii_digit() || c == '@' || !c.is_ascii())
    {
        return;
    }
    let Ok(json) = crate::source::toml_to_json(&file.text) else {
        return;
    };
    let mut strings = Vec::new();
    collect_strings(&json, String::new(), &mut strings);
    for (pointer, text) in strings {
        if skip
            .iter()
            .any(|s| pointer == *s || pointer.starts_with(&format!("{s}/")))
            || is_hash(text)
        {
            continue;
        }
        let found = findings(text, allow);
        if found.is_empty() {
            continue;
        }
        let range = file.value_range_of(&pointer);
        let raw = file.text.get(range.clone()).unwrap_or_default();
        let inner = raw.find(text).filter(|_| !text.is_empty());
        for f in found {
            let offset = inner.map_or(range.start, |i| range.start + i + f.offset);
            let mut d = finding(&f, allow, at_offset(file, offset));
            if let Some(field) = field_from_pointer(&pointer) {
                d = d.with_field(field);
            }
            diags.push(d);
        }
    }
}

/// Reports personal data in a file's name; the finding is placed on the file itself.
pub fn scan_name(shown: &str, name: &str, allow: Allow<'_>, diags: &mut Vec<Diagnostic>) {
    for f in findings(name, allow) {
        let mut d = finding(&f, allow, at_start(shown));
        d.message = d.message.replacen("text contains", "the file name contains", 1);
        d.hint = Some("rename the file: its name is uploaded and committed too".to_owned());
        diags.push(d);
    }
}

/// Reports personal data in a PDF or Word knowledge file; a document without a text layer (a scan) or one
/// aispec cannot read is a warning that a person must check it, and a zip bomb an error.
pub fn scan_document(shown: &str, kind: DocKind, bytes: &[u8], allow: Allow<'_>, diags: &mut Vec<Diagnostic>) {
    let problem = match extract::extract(kind, bytes) {
        Ok(Extracted::Text(text)) => return scan_extracted(shown, &text, allow, diags),
        Ok(Extracted::NoText { pages }) => Diagnostic::at_path(
            shown.to_owned(),
            1,
            1,
            Severity::Warning,
            "no-text",
            format!(
                "no text can be extracted from its {pages} page(s), so it is probably a scanned image; a person must check it for personal data"
            ),
        )
        .with_hint("check it by hand before approving, or replace it with a version that has a text layer (OCR), which the platform can also search"),
        Err(e @ ExtractError::TooLarge { .. }) => Diagnostic::at_path(
            shown.to_owned(),
            1,
            1,
            Severity::Error,
            "document-too-large",
            format!("the document cannot be checked: {e}"),
        )
        .with_hint("save it again (Word: save as .docx; PDF: print to PDF) so it unpacks to a normal size, or split it"),
        Err(ExtractError::Unreadable(why)) => Diagnostic::at_path(
            shown.to_owned(),
            1,
            1,
            Severity::Warning,
            "unreadable-document",
            format!("aispec cannot read its text ({why}); a person must check it for personal data"),
        )
        .with_hint("open and save it again (PDF: print to PDF; Word: save as .docx), or check it by hand before approving"),
    };
    diags.push(problem);
}

/// Reports personal data in text extracted from a document (PDF, Word), which has no lines to point at.
fn scan_extracted(shown: &str, text: &str, allow: Allow<'_>, diags: &mut Vec<Diagnostic>) {
    for f in findings(text, allow) {
        let mut d = finding(&f, allow, at_start(shown));
        d.message = d.message.replacen("text contains", "the document's text contains", 1);
        diags.push(d);
    }
}

fn findings(text: &str, allow: Allow<'_>) -> Vec<Finding> {
    personal_data::scan(text)
        .into_iter()
        .filter(|f| !personal_data::is_allowed(f, allow.list))
        .collect()
}

/// A diagnostic to fill in, at a byte offset of a file.
fn at_offset(file: &SourceFile, offset: usize) -> Diagnostic {
    Diagnostic::at_offset(file, offset, Severity::Error, "", "")
}

/// A diagnostic to fill in, at the start of a file (for findings without a line).
fn at_start(shown: &str) -> Diagnostic {
    Diagnostic::at_path(shown.to_owned(), 1, 1, Severity::Error, "", "")
}

/// Fills in what a finding means and how to fix it.
fn finding(f: &Finding, allow: Allow<'_>, mut d: Diagnostic) -> Diagnostic {
    let (severity, code, message, hint) = match f.kind {
        FindingKind::Cpr => (
            Severity::Error,
            "cpr-number",
            "text contains what looks like a CPR number".to_owned(),
            "remove it: CPR numbers must never be in anything that is deployed or committed (write a placeholder such as DDMMÅÅ-XXXX)".to_owned(),
        ),
        FindingKind::Email => (
            Severity::Warning,
            "email-address",
            format!("text contains the e-mail address `{}`", f.text),
            format!(
                "remove it, or if it is a public address add it to [privacy] allow = [\"{}\"] in {}",
                f.text, allow.file
            ),
        ),
        FindingKind::Phone => (
            Severity::Warning,
            "phone-number",
            format!("text contains the phone number `{}`", one_line(&f.text)),
            format!(
                "remove it, or if it is a public number add it to [privacy] allow = [\"{}\"] in {}",
                one_line(&f.text),
                allow.file
            ),
        ),
    };
    d.severity = severity;
    d.code = code;
    d.message = message;
    d.hint = Some(hint);
    d
}

/// Content hashes (`sha256:…`, hex digests with letters and digits) and UUIDs (a case's `from_feedback`) hold
/// digit runs that are no one's phone number.
fn is_hash(s: &str) -> bool {
    s.starts_with("sha256:")
        || (s.len() >= 12
            && s.bytes().all(|b| b.is_ascii_hexdigit())
            && s.bytes().any(|b| b.is_ascii_alphabetic())
            && s.bytes().any(|b| b.is_ascii_digit()))
        || is_uuid(s)
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collect_strings<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(s) => out.push((pointer, s)),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_strings(v, format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let key = k.replace('~', "~0").replace('/', "~1");
                collect_strings(v, format!("{pointer}/{key}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_and_hashes_are_not_personal_data() {
        assert!(is_hash("60402192-1234-4abc-8def-a20304050bcd"));
        assert!(is_hash("sha256:0101901234"));
        assert!(!is_hash("60402192-1234"), "not a whole UUID");
        assert!(!is_hash("20 30 40 50"));
    }
}
