//! Reasons for assertion results in Danish and English, from the `[msg.eval_reason]` section of the text
//! catalogue. They are given in the workspace's language rather than the terminal's, since they are saved with
//! the results and shown in every report (HTML and JSON too).

use crate::model::config::Language;

/// The reason `key` in `lang` with `{name}` placeholders filled; the key itself when it is missing.
pub fn text(lang: Language, key: &str, args: &[(&str, String)]) -> String {
    let template = crate::msg::catalogue()
        .get(&format!("msg.eval_reason.{key}"))
        .map_or(key, |t| t.get(lang));
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
    fn every_key_the_assertions_name_is_in_the_catalogue() {
        // `text(lang, "key"` and `t("key"` in the files that give reasons.
        let re = regex::Regex::new(r#"(?:\btext\(lang, |\bt\()&?"([a-z0-9-]+)""#).expect("regex");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/eval");
        let mut seen = 0;
        for file in ["assertions.rs", "runner.rs"] {
            let code = std::fs::read_to_string(dir.join(file)).expect("read source");
            for c in re.captures_iter(&code) {
                seen += 1;
                let key = format!("msg.eval_reason.{}", &c[1]);
                assert!(crate::msg::catalogue().contains_key(&key), "{key} is missing");
            }
        }
        assert!(seen > 20, "the scan found only {seen} reasons");
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
