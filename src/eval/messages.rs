//! Reasons for assertion results in Danish and English, from the `[msg.eval_reason]` section of the text
//! catalogue. They are given in the workspace's language rather than the terminal's, since they are saved with
//! the results and shown in every report (HTML and JSON too).

use crate::model::config::Language;

/// The reason `key` in `lang` with `{name}` placeholders filled; the key itself when it is missing.
pub fn text(lang: Language, key: &str, args: &[(&str, String)]) -> String {
    let template = crate::msg::catalogue()
        .get(&format!("msg.eval_reason.{key}"))
        .map_or(key, |t| t.get(lang));
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
        assert_eq!(
            fill("{a} og {b} {ukendt} {a}{", &[("a", "x".into()), ("b", "{a}".into())]),
            "x og {a} {ukendt} x{",
            "a value is not filled again; unknown names and lone braces stay"
        );
        assert_eq!(text(Language::En, "lang-da", &[]), "Danish");
    }
}
