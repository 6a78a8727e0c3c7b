//! Danish for texts the library writes in English because they also go into JSON (validation findings, errors
//! and their hints): the catalogue holds each such text as an English pattern with `{name}` placeholders and its
//! Danish counterpart; a text that matches a pattern is shown in Danish, anything else as it is.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::{catalogue, language};
use crate::model::config::Language;

/// One pattern: the English text as a regex with a group per placeholder, and the Danish text to fill in.
struct Pattern {
    /// Characters of literal text: a pattern with more is tried first, so "system prompt changed" wins over
    /// "{field} changed".
    literal: usize,
    regex: Regex,
    names: Vec<String>,
    da: &'static str,
}

fn patterns() -> &'static BTreeMap<String, Vec<Pattern>> {
    static MAP: OnceLock<BTreeMap<String, Vec<Pattern>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: BTreeMap<String, Vec<Pattern>> = BTreeMap::new();
        for (key, text) in catalogue() {
            let Some(rest) = key.strip_prefix("msg.tr.") else {
                continue;
            };
            // `msg.tr.<group>.<name>`: the group is what a text is looked up under (a finding's code, `error`, `hint`).
            let group = rest.rsplit_once('.').map_or(rest, |(g, _)| g);
            if let Some(pattern) = compile(&text.en, &text.da) {
                map.entry(group.to_owned()).or_default().push(pattern);
            }
        }
        for candidates in map.values_mut() {
            candidates.sort_by_key(|p| std::cmp::Reverse(p.literal));
        }
        map
    })
}

/// The regex for an English pattern: literal text, and `(.*?)` for each placeholder.
fn compile(en: &str, da: &'static str) -> Option<Pattern> {
    let placeholder = Regex::new(r"\{([a-z_]+)\}").ok()?;
    let mut source = String::from("^");
    let mut names = Vec::new();
    let mut last = 0;
    let mut literal = 0;
    for c in placeholder.captures_iter(en) {
        let whole = c.get(0)?;
        literal += en[last..whole.start()].chars().count();
        source.push_str(&regex::escape(&en[last..whole.start()]));
        source.push_str("(.*?)");
        names.push(c[1].to_owned());
        last = whole.end();
    }
    literal += en[last..].chars().count();
    source.push_str(&regex::escape(&en[last..]));
    source.push('$');
    Some(Pattern {
        literal,
        regex: Regex::new(&source).ok()?,
        names,
        da,
    })
}

/// `text` in the current language, looked up under `group` (a finding's code, `error` or `hint`); unchanged in
/// English or when no pattern matches.
pub fn translate(group: &str, text: &str) -> String {
    translate_in(language(), group, text)
}

pub(super) fn translate_in(lang: Language, group: &str, text: &str) -> String {
    if lang == Language::En {
        return text.to_owned();
    }
    let Some(candidates) = patterns().get(group) else {
        return text.to_owned();
    };
    for p in candidates {
        if let Some(caps) = p.regex.captures(text) {
            let mut out = p.da.to_owned();
            for (i, name) in p.names.iter().enumerate() {
                if let Some(value) = caps.get(i + 1) {
                    out = out.replace(&format!("{{{name}}}"), value.as_str());
                }
            }
            return out;
        }
    }
    text.to_owned()
}

/// An error chain as `main` prints it (`outer: inner`), each part in the current language.
pub fn error_chain(err: &anyhow::Error) -> String {
    if language() == Language::En {
        return format!("{err:#}");
    }
    if let Some(inner) = err.downcast_ref::<crate::error::ExitWith>() {
        return error_chain(&inner.error);
    }
    let parts: Vec<String> = err.chain().map(|e| translate("error", &e.to_string())).collect();
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let count = catalogue().keys().filter(|k| k.starts_with("msg.tr.")).count();
        let compiled: usize = patterns().values().map(Vec::len).sum();
        assert_eq!(count, compiled);
        assert!(count > 10);
    }

    #[test]
    fn fills_the_danish_text_with_what_the_english_one_said() {
        assert_eq!(
            translate_in(Language::Da, "unknown-key", "unknown key `temprature`"),
            "ukendt nøgle `temprature`"
        );
        assert_eq!(
            translate_in(Language::En, "unknown-key", "unknown key `x`"),
            "unknown key `x`"
        );
        assert_eq!(
            translate_in(Language::Da, "unknown-key", "something else"),
            "something else"
        );
    }
}
