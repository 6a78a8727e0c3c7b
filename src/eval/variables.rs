//! The variables Open WebUI fills in a system prompt before it reaches the model (`{{CURRENT_DATE}}`,
//! `{{USER_NAME}}` …), filled the same way when aispec itself sends the prompt to a raw model.
//!
//! The list and formats follow Open WebUI 0.12.4: the web interface sends the date and time variables, the user's
//! language and time zone (`getPromptVariables` in the frontend), and the backend's `prompt_template`
//! (`utils/task.py`) fills the user's profile fields, `Unknown` where the profile has none. Evaluations must be
//! repeatable, so every variable has a fixed test value; a test file overrides one by setting a variable of the same
//! name in `[defaults.vars]` or a case's `vars`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

/// Every variable the platform fills, with aispec's fixed test value (in the platform's format).
pub const PLATFORM_VARIABLES: [(&str, &str); 14] = [
    ("CURRENT_DATE", "2025-03-03"),
    ("CURRENT_TIME", "10:00:00"),
    ("CURRENT_DATETIME", "2025-03-03 10:00:00"),
    ("CURRENT_WEEKDAY", "Monday"),
    ("CURRENT_TIMEZONE", "Europe/Copenhagen"),
    ("USER_NAME", "Test Testesen"),
    ("USER_EMAIL", "test@kommune.example"),
    ("USER_LANGUAGE", "da-DK"),
    ("USER_LOCATION", "Unknown"),
    ("USER_BIO", "Unknown"),
    ("USER_GENDER", "Unknown"),
    ("USER_BIRTH_DATE", "Unknown"),
    ("USER_AGE", "Unknown"),
    ("USER_GROUPS", ""),
];

/// Whether the platform fills a variable of this name.
pub fn is_platform_variable(name: &str) -> bool {
    PLATFORM_VARIABLES.iter().any(|(n, _)| *n == name)
}

/// The test value of a platform variable: the case's own variable of that name, else aispec's fixed value.
pub fn value<'a>(name: &str, vars: &'a BTreeMap<String, String>) -> Option<&'a str> {
    vars.get(name)
        .map(String::as_str)
        .or_else(|| PLATFORM_VARIABLES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
}

fn braces() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Open WebUI replaces the exact `{{NAME}}`; anything in double braces is worth a look, so spaces are allowed
    // here and reported when the name is not the platform's.
    RE.get_or_init(|| Regex::new(r"\{\{\s*([^{}\s]*)\s*\}\}").expect("constant pattern compiles"))
}

/// Fills the platform's variables in a system prompt as the platform does: only the exact `{{NAME}}` form;
/// everything else stays as written.
pub fn fill_system(prompt: &str, vars: &BTreeMap<String, String>) -> String {
    if !prompt.contains("{{") {
        return prompt.to_owned();
    }
    braces()
        .replace_all(prompt, |caps: &regex::Captures<'_>| {
            let name = &caps[1];
            let exact = caps[0].len() == name.len() + 4;
            match value(name, vars).filter(|_| exact && is_platform_variable(name)) {
                Some(v) => v.to_owned(),
                None => caps[0].to_owned(),
            }
        })
        .into_owned()
}

/// `{{…}}` in a system prompt that the platform will not fill: (byte offset, the text as written).
pub fn unknown_in_system(prompt: &str) -> Vec<(usize, String)> {
    braces()
        .captures_iter(prompt)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let name = &caps[1];
            let exact = whole.as_str().len() == name.len() + 4;
            (!(exact && is_platform_variable(name))).then(|| (whole.start(), whole.as_str().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_exactly_what_the_platform_fills() {
        let vars = BTreeMap::from([("USER_NAME".to_owned(), "Karen".to_owned())]);
        let prompt = "I dag er det {{CURRENT_WEEKDAY}} {{CURRENT_DATE}} kl. {{CURRENT_TIME}} ({{CURRENT_TIMEZONE}}). \
                      Du taler med {{USER_NAME}} på {{USER_LANGUAGE}}. {{ USER_NAME }} og {{ukendt}} bliver stående.";
        assert_eq!(
            fill_system(prompt, &vars),
            "I dag er det Monday 2025-03-03 kl. 10:00:00 (Europe/Copenhagen). Du taler med Karen på da-DK. \
             {{ USER_NAME }} og {{ukendt}} bliver stående."
        );
        assert_eq!(fill_system("ingen variabler", &vars), "ingen variabler");
    }

    #[test]
    fn reports_what_the_platform_would_leave() {
        let found = unknown_in_system("{{CURRENT_DATE}} {{ CURRENT_DATE }} {{DATO}} {{}}");
        let texts: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["{{ CURRENT_DATE }}", "{{DATO}}", "{{}}"]);
        assert_eq!(found[1].0, 36);
    }

    #[test]
    fn the_fixed_date_is_the_fixed_weekday() {
        let date =
            chrono::NaiveDate::parse_from_str(value("CURRENT_DATE", &BTreeMap::new()).unwrap_or_default(), "%Y-%m-%d")
                .expect("a date");
        assert_eq!(
            date.format("%A").to_string(),
            value("CURRENT_WEEKDAY", &BTreeMap::new()).unwrap_or_default()
        );
    }
}
