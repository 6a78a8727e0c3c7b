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
                    let value = translate_part(lang, group, name, value.as_str(), text.len());
                    out = out.replace(&format!("{{{name}}}"), &value);
                }
            }
            return out;
        }
    }
    text.to_owned()
}

/// What a placeholder stood for, itself translated when the catalogue has patterns for it under
/// `<group>.<name>` (`[msg.tr.wrong-type.expected]`), else under `group` again (a list of such parts, "a or
/// b"); only a part shorter than the whole text is looked up, so this always ends.
fn translate_part(lang: Language, group: &str, name: &str, value: &str, whole: usize) -> String {
    if value.len() >= whole {
        return value.to_owned();
    }
    let nested = format!("{group}.{name}");
    if patterns().contains_key(&nested) {
        translate_in(lang, &nested, value)
    } else if group.contains('.') {
        translate_in(lang, group, value)
    } else {
        value.to_owned()
    }
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

    /// Codes whose whole text comes from another library (serde's or the JSON Schema compiler's own words), so
    /// there is no English pattern to give a Danish one for.
    const WITHOUT_PATTERN: [&str; 2] = ["invalid", "bad-schema"];

    /// Every finding code written in `src/` (as a diagnostic's code or the code argument of the helpers that
    /// build diagnostics). `gate.rs` is left out: its blocks are said through the `gate` group, not as findings.
    fn finding_codes() -> std::collections::BTreeSet<String> {
        let code = r#""([a-z][a-z0-9]*(?:-[a-z0-9]+)+|invalid)""#;
        let patterns = [
            format!(r"Severity::\w+, {code}"),
            format!(r"\bcode(?: =|:) {code}"),
            format!(r"\bself\.error\( ?&?[^;]*?, {code},"),
            format!(r"\b(?:at|problem)\({code},"),
        ];
        let res: Vec<Regex> = patterns.iter().map(|p| Regex::new(p).expect("regex")).collect();
        let space = Regex::new(r"\s+").expect("regex");
        let mut codes = std::collections::BTreeSet::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("tests.rs")
                    && !path.ends_with("gate.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("read source");
                    // The library's code, not its unit tests; whitespace made single so calls over lines match.
                    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
                    let text = space.replace_all(text, " ").replace("( ", "(");
                    for re in &res {
                        codes.extend(re.captures_iter(&text).map(|c| c[1].to_owned()));
                    }
                }
            }
        }
        codes
    }

    #[test]
    fn every_finding_code_has_danish() {
        let codes = finding_codes();
        for known in [
            "void-signoff",
            "approving-combination",
            "unknown-key",
            "cpr-number",
            "insecure-http",
            "invalid",
        ] {
            assert!(codes.contains(known), "the scan missed `{known}`: {codes:?}");
        }
        let missing: Vec<&String> = codes
            .iter()
            .filter(|c| !WITHOUT_PATTERN.contains(&c.as_str()) && !patterns().contains_key(c.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "finding codes without a [msg.tr.<code>] entry in templates/ui.toml: {missing:?}"
        );
    }

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
        assert_eq!(
            translate_in(
                Language::Da,
                "wrong-type",
                "expected a string (in quotes) or an array, found number 3"
            ),
            "skal være en tekst (i anførselstegn) eller en liste, men er tallet 3"
        );
        assert_eq!(
            translate_in(
                Language::Da,
                "wrong-type",
                "expected true or false, found string \"ja\""
            ),
            "skal være true eller false, men er teksten \"ja\""
        );
    }
}
