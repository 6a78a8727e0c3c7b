//! Users' texts made safe to show and to store: CPR numbers, e-mail addresses and phone numbers replaced
//! (through [`crate::personal_data`]), raters' names removed, keys hidden, and the length bounded.

use regex::Regex;

/// What replaces a rater's name.
pub const NAME_PLACEHOLDER: &str = "[navn]";
/// Longest text kept, in characters; a comment is a sentence or two, a question a paragraph.
pub const MAX_CHARS: usize = 2_000;

/// Removes personal data from the texts of one batch of feedback.
#[derive(Debug, Default)]
pub struct Redactor {
    names: Option<Regex>,
}

impl Redactor {
    /// A redactor that also removes these raters' names: the whole name and each part of three letters or more,
    /// as whole words, in any case.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut parts: Vec<String> = Vec::new();
        for name in names {
            let whole = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if whole.chars().count() >= 3 {
                parts.push(whole.clone());
            }
            parts.extend(
                whole
                    .split(|c: char| !c.is_alphanumeric() && c != '-')
                    .filter(|p| p.chars().count() >= 3)
                    .map(str::to_owned),
            );
        }
        // Longest first, so the whole name is replaced before its parts.
        parts.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then_with(|| a.cmp(b)));
        parts.dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
        let names = (!parts.is_empty())
            .then(|| {
                let alternatives: Vec<String> = parts.iter().map(|p| regex::escape(p)).collect();
                Regex::new(&format!(r"(?i)\b(?:{})\b", alternatives.join("|"))).ok()
            })
            .flatten();
        Redactor { names }
    }

    /// The text without personal data, names or keys, trimmed and at most [`MAX_CHARS`] long.
    pub fn clean(&self, text: &str) -> String {
        let bounded: String = text.trim().chars().take(MAX_CHARS).collect();
        let redacted = crate::personal_data::redact(&bounded, &[]).text;
        let named = match &self.names {
            Some(re) => re.replace_all(&redacted, NAME_PLACEHOLDER).into_owned(),
            None => redacted,
        };
        crate::secrets::redact(&named).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_and_names_go() {
        let r = Redactor::new(["Karen Blixen-Finecke", "Bo"]);
        let out = r.clean(
            "Jeg er karen blixen-finecke, cpr 010190-1234, skriv til karen@example.org eller 20 30 40 50. Hilsen Karen",
        );
        assert_eq!(
            out,
            "Jeg er [navn], cpr [CPR-nummer], skriv til [e-mail] eller [telefonnummer]. Hilsen [navn]"
        );
        assert_eq!(
            r.clean("Bo bor i Bogense"),
            "Bo bor i Bogense",
            "short names are left alone"
        );
    }

    #[test]
    fn long_texts_are_cut() {
        let r = Redactor::new([]);
        assert_eq!(r.clean(&"a".repeat(MAX_CHARS + 10)).chars().count(), MAX_CHARS);
    }
}
