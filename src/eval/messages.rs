//! Reasons for assertion results in Danish and English, from `messages.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::model::config::Language;

type Table = BTreeMap<String, BTreeMap<String, String>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| toml::from_str(include_str!("messages.toml")).unwrap_or_default())
}

/// The message `key` in `lang` with `{name}` placeholders filled; the key itself when it is missing.
pub fn text(lang: Language, key: &str, args: &[(&str, String)]) -> String {
    let template = table()
        .get(lang.code())
        .and_then(|t| t.get(key))
        .map_or(key, String::as_str);
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let t = table();
        let da: Vec<&String> = t.get("da").expect("da").keys().collect();
        let en: Vec<&String> = t.get("en").expect("en").keys().collect();
        assert_eq!(da, en);
        assert!(da.len() > 30);
    }

    #[test]
    fn fills_placeholders() {
        let s = text(
            Language::Da,
            "max-length",
            &[("count", "12".into()), ("max", "10".into())],
        );
        assert_eq!(s, "12 tegn (højst 10)");
        assert_eq!(text(Language::En, "lang-da", &[]), "Danish");
    }
}
