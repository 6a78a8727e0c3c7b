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
    fill(template, args)
}

/// `template` with each `{name}` of `args` replaced, in one pass (a reason is written for every assertion of a
/// run); other braces stay as they are.
fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + args.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            args.iter()
                .find(|(n, _)| *n == &after[..close])
                .map(|(_, v)| (close, v))
        });
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
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
        assert_eq!(
            fill("{a} og {b} {ukendt} {a}{", &[("a", "x".into()), ("b", "{a}".into())]),
            "x og {a} {ukendt} x{",
            "a value is not filled again; unknown names and lone braces stay"
        );
        assert_eq!(text(Language::En, "lang-da", &[]), "Danish");
    }
}
