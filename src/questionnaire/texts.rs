//! Words aispec itself says to people while screening and capturing journeys (prompts, labels, report
//! headings), in Danish and English, from `templates/ui.toml` (embedded, overridable per workspace).

use std::collections::BTreeMap;

use crate::model::config::Language;
use crate::model::questionnaire::Text;
use crate::workspace::Workspace;

/// Workspace-relative path of the UI texts.
pub const TEXTS_FILE: &str = "templates/ui.toml";

/// UI texts in one language.
#[derive(Debug, Clone)]
pub struct Texts {
    map: BTreeMap<String, Text>,
    /// The language texts are given in.
    pub lang: Language,
}

impl Texts {
    /// The workspace's texts (or the embedded ones) in `lang`; keys missing from an override fall back to the
    /// embedded file.
    pub fn load(ws: Option<&Workspace>, lang: Language) -> Self {
        let mut map = parse(crate::defaults::embedded(TEXTS_FILE).unwrap_or_default());
        if let Some((src, true)) = ws.and_then(|w| w.resource(TEXTS_FILE)) {
            map.extend(parse(&src.text));
        }
        Texts { map, lang }
    }

    /// The text for `key`; the key itself when it is unknown (so a missing text shows, not crashes).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, |t| t.get(self.lang))
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_owned();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// Every text in this language, by key (for templates).
    pub fn all(&self) -> BTreeMap<String, String> {
        self.map
            .iter()
            .map(|(k, t)| (k.clone(), t.get(self.lang).to_owned()))
            .collect()
    }
}

fn parse(text: &str) -> BTreeMap<String, Text> {
    let table: BTreeMap<String, BTreeMap<String, Text>> = toml::from_str(text).unwrap_or_default();
    table
        .into_iter()
        .flat_map(|(section, entries)| entries.into_iter().map(move |(k, t)| (format!("{section}.{k}"), t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_texts_parse_in_both_languages() {
        let da = Texts::load(None, Language::Da);
        let en = Texts::load(None, Language::En);
        assert_eq!(da.get("answer.yes"), "Ja");
        assert_eq!(en.get("answer.yes"), "Yes");
        assert_eq!(da.get("no.such.key"), "no.such.key");
        assert_eq!(da.all().len(), en.all().len());
    }
}
