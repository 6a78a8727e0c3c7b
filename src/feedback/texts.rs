//! Every text `aispec feedback` writes for people, in one place so it can move to the message catalogue: the
//! rubric a draft test case gets (Danish and English, by the workspace's language), the reasons Open WebUI's
//! rating form offers, and the words of the human report.

use crate::model::config::Language;

/// The reason keys of Open WebUI 0.12's thumbs-down form, with what a good answer must do instead.
const RUBRICS: &[(&str, &str, &str)] = &[
    (
        "not_factually_correct",
        "Svaret er fagligt korrekt og stemmer med specialistens viden; det finder ikke på fakta, regler, frister eller tal.",
        "The answer is factually correct and agrees with the specialist's knowledge; it does not invent facts, rules, deadlines or figures.",
    ),
    (
        "not_helpful",
        "Svaret hjælper medarbejderen videre: det går direkte til sagen og siger konkret, hvad de kan gøre.",
        "The answer moves the employee forward: it gets to the point and says concretely what they can do.",
    ),
    (
        "didnt_fully_follow_instructions",
        "Svaret gør alt det, spørgsmålet beder om, og holder sig til specialistens instruktioner.",
        "The answer does everything the question asks for and keeps to the specialist's instructions.",
    ),
    (
        "refused_when_it_shouldnt_have",
        "Svaret besvarer spørgsmålet i stedet for at afvise det; det siger kun nej til det, specialistens regler udelukker.",
        "The answer answers the question instead of refusing it; it only declines what the specialist's rules rule out.",
    ),
    (
        "too_verbose",
        "Svaret er kort og præcist, uden gentagelser og uden baggrund, som ingen har spurgt om.",
        "The answer is short and precise, without repetition or background nobody asked for.",
    ),
    (
        "dont_like_the_style",
        "Svaret er skrevet i en venlig, saglig og klar tone, som passer til en kommunal medarbejder.",
        "The answer is written in a friendly, matter-of-fact and clear tone that suits a municipal employee.",
    ),
    (
        "being_lazy",
        "Svaret er fyldestgørende og gør opgaven færdig i stedet for at overlade arbejdet til brugeren.",
        "The answer is complete and finishes the task instead of leaving the work to the user.",
    ),
];

const GENERAL: (&str, &str) = (
    "Svaret er korrekt, relevant og brugbart for en medarbejder i kommunen.",
    "The answer is correct, relevant and useful for an employee of the municipality.",
);

/// What a good answer must do, given the reason a user picked for their thumbs down and their comment
/// (already redacted). No model is asked: the rubric is a template, for a person to sharpen in review.
pub fn rubric(lang: Language, reason: Option<&str>, comment: Option<&str>) -> String {
    let (da, en) = reason
        .and_then(|r| RUBRICS.iter().find(|(key, _, _)| *key == r))
        .map_or(GENERAL, |(_, da, en)| (*da, *en));
    let mut text = pick(lang, da, en).to_owned();
    if let Some(c) = comment.map(str::trim).filter(|c| !c.is_empty()) {
        text.push(' ');
        text.push_str(&match lang {
            Language::Da => format!(
                "En bruger var utilfreds med et tidligere svar og skrev: »{c}«. Et godt svar tager højde for det."
            ),
            Language::En => format!(
                "A user was unhappy with an earlier answer and wrote: \"{c}\". A good answer takes that into account."
            ),
        });
    }
    text
}

/// The description of a drafted case.
pub fn draft_description(lang: Language, reason: Option<&str>, date: &str) -> String {
    let reason = reason.map(reason_label).unwrap_or_default();
    match (lang, reason.is_empty()) {
        (Language::Da, true) => format!("Udkast fra negativ feedback {date}"),
        (Language::Da, false) => format!("Udkast fra negativ feedback {date} ({reason})"),
        (Language::En, true) => format!("Drafted from negative feedback on {date}"),
        (Language::En, false) => format!("Drafted from negative feedback on {date} ({reason})"),
    }
}

/// The comment at the top of a drafts file.
pub fn drafts_header(lang: Language, id: &str) -> String {
    match lang {
        Language::Da => format!(
            "# Udkast til testcases for {id}, skrevet af `aispec feedback cases` ud fra brugernes negative feedback.\n\
             # Filen ligger uden for git med vilje: spørgsmålene kan stadig rumme personoplysninger, som\n\
             # redigeringen ikke fandt. Læs hver case, skær spørgsmålet til og skærp kriteriet; prøv dem med\n\
             # `aispec eval {id} --drafts`, og flyt de gode til tests.toml med `aispec feedback accept {id} CASE…`.\n"
        ),
        Language::En => format!(
            "# Draft test cases for {id}, written by `aispec feedback cases` from users' negative feedback.\n\
             # This file stays out of git on purpose: the questions may still hold personal data that\n\
             # redaction missed. Read each case, trim the question and sharpen the rubric; try them with\n\
             # `aispec eval {id} --drafts`, and move the good ones into tests.toml with `aispec feedback accept {id} CASE…`.\n"
        ),
    }
}

/// A reason key in words (`not_factually_correct` → `not factually correct`).
pub fn reason_label(key: &str) -> String {
    match key {
        "dont_like_the_style" => "don't like the style".to_owned(),
        "didnt_fully_follow_instructions" => "didn't fully follow instructions".to_owned(),
        "refused_when_it_shouldnt_have" => "refused when it shouldn't have".to_owned(),
        _ => key.replace('_', " "),
    }
}

/// Thumbs for the human report: emoji where the terminal shows them, words where it may not.
#[derive(Debug, Clone, Copy)]
pub struct Thumbs {
    /// Thumbs up.
    pub up: &'static str,
    /// Thumbs down.
    pub down: &'static str,
}

impl Thumbs {
    /// Emoji when the output is styled (a terminal, no `NO_COLOR`) and not the classic Windows console,
    /// which draws them as boxes; otherwise `up` and `down`.
    pub fn for_output(styled: bool) -> Self {
        let classic_windows_console = cfg!(windows) && std::env::var_os("WT_SESSION").is_none();
        if styled && !classic_windows_console {
            Thumbs {
                up: "👍", down: "👎"
            }
        } else {
            Thumbs {
                up: crate::msg::t("feedback.up"),
                down: crate::msg::t("feedback.down"),
            }
        }
    }
}

fn pick(lang: Language, da: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Da => da,
        Language::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_of_the_form_has_a_rubric_in_both_languages() {
        for (key, da, en) in RUBRICS {
            assert_eq!(rubric(Language::Da, Some(key), None), *da);
            assert_eq!(rubric(Language::En, Some(key), None), *en);
        }
        assert_eq!(rubric(Language::Da, Some("other"), None), GENERAL.0);
        let with = rubric(Language::Da, Some("too_verbose"), Some("  alt for langt "));
        assert!(
            with.ends_with("»alt for langt«. Et godt svar tager højde for det."),
            "{with}"
        );
    }
}
