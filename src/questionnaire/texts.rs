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

pub(crate) fn parse(text: &str) -> BTreeMap<String, Text> {
    parse_strict(text).unwrap_or_default()
}

/// The texts of a catalogue file by dotted key (`[msg.status]` `use_case` → `msg.status.use_case`); an error
/// names the first entry that is not a `{ da = "…", en = "…" }` pair.
pub(crate) fn parse_strict(text: &str) -> Result<BTreeMap<String, Text>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    flatten("", &table, &mut out)?;
    Ok(out)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, Text>) -> Result<(), String> {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let toml::Value::Table(inner) = value else {
            return Err(format!(
                "{path}: expected a table of texts or {{ da = \"…\", en = \"…\" }}"
            ));
        };
        if inner.contains_key("da") || inner.contains_key("en") {
            let text: Text = inner.clone().try_into().map_err(|e| format!("{path}: {e}"))?;
            out.insert(path, text);
        } else {
            flatten(&path, inner, out)?;
        }
    }
    Ok(())
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
