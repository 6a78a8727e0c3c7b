//! What aispec says to people on the terminal, in the language chosen once per run: the `[msg.*]` sections
//! of the one text catalogue (`templates/ui.toml`, which also holds the screening and journey texts).
//!
//! JSON output never goes through here: its keys and values stay English.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::model::config::Language;
use crate::model::questionnaire::Text;

mod translate;

pub use translate::{error_chain, translate};

/// Environment variable that picks the language of terminal messages when `--lang` is not given.
pub const LANG_ENV: &str = "AISPEC_LANG";

// 0 = English (library code and unit tests, which never call `set_language`), 1 = Danish.
static LANGUAGE: AtomicU8 = AtomicU8::new(0);

/// Sets the language of every message for the rest of the run (decided once, in `run`).
pub fn set_language(lang: Language) {
    LANGUAGE.store(u8::from(lang == Language::Da), Ordering::Relaxed);
}

/// The language messages are given in.
pub fn language() -> Language {
    match LANGUAGE.load(Ordering::Relaxed) {
        1 => Language::Da,
        _ => Language::En,
    }
}

/// Which language to speak: `--lang`, else `AISPEC_LANG`, else `workspace.language` in the nearest
/// aispec.toml, else Danish. A value that is neither `da` nor `en` in the environment is ignored.
pub fn choose(flag: Option<Language>, env: Option<&str>, workspace: Option<Language>) -> Language {
    let from_env = env.and_then(|v| match v.trim().to_ascii_lowercase().as_str() {
        "da" => Some(Language::Da),
        "en" => Some(Language::En),
        _ => None,
    });
    flag.or(from_env).or(workspace).unwrap_or_default()
}

/// The `workspace.language` of the aispec.toml at or above `start`, when it can be read (a broken file is
/// reported by the command itself, not here).
pub fn workspace_language(start: &std::path::Path) -> Option<Language> {
    #[derive(serde::Deserialize)]
    struct Settings {
        workspace: Option<Ws>,
    }
    #[derive(serde::Deserialize)]
    struct Ws {
        language: Option<Language>,
    }
    let root = crate::workspace::Workspace::find_root(start)?;
    let path = root.join(crate::model::config::CONFIG_FILE);
    // Only a regular file of a sensible size: a FIFO or a device named aispec.toml would block or never end
    // (the command reports such a file itself).
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let settings: Settings = toml::from_str(&text).ok()?;
    settings.workspace?.language
}

/// The catalogue's texts by `section.key` (the embedded file; it is checked by the tests below).
pub(crate) fn catalogue() -> &'static BTreeMap<String, Text> {
    static MAP: OnceLock<BTreeMap<String, Text>> = OnceLock::new();
    MAP.get_or_init(|| crate::questionnaire::texts::parse(crate::defaults::embedded(CATALOGUE).unwrap_or_default()))
}

/// Workspace-relative path of the catalogue.
pub const CATALOGUE: &str = "templates/ui.toml";

/// The message `msg.<key>` in the current language; the key itself when it is missing (a test keeps that from
/// happening for every key the code names).
pub fn t(key: &'static str) -> &'static str {
    static PREFIXED: OnceLock<BTreeMap<String, &'static Text>> = OnceLock::new();
    let map = PREFIXED.get_or_init(|| {
        catalogue()
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("msg.").map(|k| (k.to_owned(), v)))
            .collect()
    });
    match map.get(key) {
        Some(text) => text.get(language()),
        None => key,
    }
}

/// The message `msg.<key>` with its `{name}` placeholders filled in.
pub fn f(key: &'static str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    fill(t(key), args)
}

/// `count` and the word `msg.count.<word>` in singular or plural ("1 advarsel", "2 advarsler").
pub fn count(word: &str, count: usize) -> String {
    count_in(language(), word, count)
}

fn count_in(lang: Language, word: &str, count: usize) -> String {
    let forms = catalogue()
        .get(&format!("msg.count.{word}"))
        .map_or(word, |t| t.get(lang));
    let (one, many) = forms.split_once('|').unwrap_or((forms, forms));
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `{name}` placeholders in `template` replaced by the values given.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// The label of a value the tool derives (a state, an outcome, a category), from the catalogue section
/// `[msg.<section>]` in the current language; the value itself when the catalogue has no label for it.
pub fn label(section: &str, value: &str) -> String {
    match catalogue().get(&format!("msg.{section}.{value}")) {
        Some(text) => text.get(language()).to_owned(),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let re = regex::Regex::new(r"\{([a-z_]+)\}").expect("regex");
        re.captures_iter(s).map(|c| c[1].to_owned()).collect()
    }

    #[test]
    fn every_text_has_both_languages_and_the_same_placeholders() {
        let text = crate::defaults::embedded(CATALOGUE).expect("embedded catalogue");
        // Strict: a text with only one language, or an unknown field, fails here instead of falling back.
        let parsed = crate::questionnaire::texts::parse_strict(text).expect("catalogue parses");
        let mut count = 0;
        for (key, t) in &parsed {
            count += 1;
            assert!(!t.da.trim().is_empty() && !t.en.trim().is_empty(), "{key} is empty");
            assert_eq!(
                placeholders(&t.da),
                placeholders(&t.en),
                "{key}: the Danish and English texts name different placeholders"
            );
        }
        assert_eq!(count, catalogue().len());
    }

    #[test]
    fn every_key_the_code_names_is_in_the_catalogue() {
        let re = regex::Regex::new(r#"msg::(?:t|f)\(\s*"([a-z0-9_.-]+)""#).expect("regex");
        let mut missing = Vec::new();
        let mut seen = 0;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let code = std::fs::read_to_string(&path).expect("read source");
                    for c in re.captures_iter(&code) {
                        seen += 1;
                        if !catalogue().contains_key(&format!("msg.{}", &c[1])) {
                            missing.push(format!("{}: msg.{}", path.display(), &c[1]));
                        }
                    }
                }
            }
        }
        assert!(seen > 20, "the scan found only {seen} message keys");
        assert!(
            missing.is_empty(),
            "keys missing from {CATALOGUE}:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_environment_then_the_workspace() {
        assert_eq!(choose(Some(Language::En), Some("da"), Some(Language::Da)), Language::En);
        assert_eq!(choose(None, Some("EN"), Some(Language::Da)), Language::En);
        assert_eq!(choose(None, Some("fr"), Some(Language::En)), Language::En);
        assert_eq!(choose(None, None, None), Language::Da);
    }

    #[test]
    fn counts_in_both_languages() {
        assert_eq!(count_in(Language::Da, "warning", 1), "1 advarsel");
        assert_eq!(count_in(Language::Da, "warning", 2), "2 advarsler");
        assert_eq!(count_in(Language::En, "test_file", 3), "3 test files");
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill("{a} og {b}", &[("a", &1), ("b", &"to")]), "1 og to");
    }
}
