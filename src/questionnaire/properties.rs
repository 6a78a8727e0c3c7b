//! Properties the default questionnaire must keep whatever its wording: "don't know" is never milder than a
//! known answer, every point for the lawyer brings a legal sign-off, every non-approved track says why, and a
//! stop refuses wherever it comes from.

use std::collections::BTreeSet;

use super::tests::{clean, default_questionnaire, eval, personal, with};
use super::*;
use crate::model::catalog::Hosting;
use crate::model::config::Language;
use crate::model::questionnaire::{DONT_KNOW, Questionnaire};
use crate::model::screening::{AiActCategory, Dpia, Outcome, ScreeningResult, Track};

fn category_rank(c: AiActCategory) -> u8 {
    match c {
        AiActCategory::Minimal => 0,
        AiActCategory::Transparency => 1,
        AiActCategory::HighRisk => 2,
        AiActCategory::Prohibited => 3,
    }
}

fn dpia_rank(d: Dpia) -> u8 {
    match d {
        Dpia::NotRequired => 0,
        Dpia::Recommended => 1,
        Dpia::Required => 2,
    }
}

/// Scenarios that open different parts of the questionnaire.
fn bases() -> Vec<Vec<(&'static str, &'static str)>> {
    let personal_case = with(
        with(clean(), &personal()),
        &[("case_handling", "yes"), ("automated_decisions", "no")],
    );
    let benefits = with(
        personal_case.clone(),
        &[("annex_iii_area", "public_benefits"), ("annex_iii_derogation", "no")],
    );
    let citizens = with(
        clean(),
        &[
            ("citizen_facing", "yes"),
            ("duty_to_guide", "yes"),
            ("other_channel", "yes"),
            ("synthetic_media", "yes"),
            ("prohibited_intimate_imagery", "no"),
        ],
    );
    vec![clean(), with(clean(), &personal()), personal_case, benefits, citizens]
}

/// True when `strict` is at least as strict as `mild` in every derived classification.
fn at_least_as_strict(strict: &ScreeningResult, mild: &ScreeningResult) -> Result<(), String> {
    let mut problems = Vec::new();
    if category_rank(strict.ai_act_category) < category_rank(mild.ai_act_category) {
        problems.push(format!(
            "category {:?} < {:?}",
            strict.ai_act_category, mild.ai_act_category
        ));
    }
    if dpia_rank(strict.dpia) < dpia_rank(mild.dpia) {
        problems.push(format!("dpia {:?} < {:?}", strict.dpia, mild.dpia));
    }
    if strict.data_classification < mild.data_classification {
        problems.push(format!(
            "data class {:?} < {:?}",
            strict.data_classification, mild.data_classification
        ));
    }
    let hosting: BTreeSet<Hosting> = mild.allowed_hosting.iter().copied().collect();
    if strict.allowed_hosting.iter().any(|h| !hosting.contains(h)) {
        problems.push(format!(
            "hosting {:?} ⊄ {:?}",
            strict.allowed_hosting, mild.allowed_hosting
        ));
    }
    if mild
        .required_signoffs
        .iter()
        .any(|r| !strict.required_signoffs.contains(r))
    {
        problems.push(format!(
            "sign-offs {:?} ⊉ {:?}",
            strict.required_signoffs, mild.required_signoffs
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn dont_know_is_never_milder_than_a_known_answer_and_never_stops() {
    let q = default_questionnaire();
    let engine = Engine::new(&q);
    let mut checked = 0;
    for base in bases() {
        let asked: Vec<String> = eval(&base).asked;
        for question in q.questions.iter().filter(|x| x.dont_know && asked.contains(&x.id)) {
            let dk = eval(&with(base.clone(), &[(question.id.clone().leak(), DONT_KNOW)])).result;
            assert!(
                !dk.stops
                    .iter()
                    .any(|s| s.question.as_deref() == Some(question.id.as_str())),
                "{}: don't know must never stop",
                question.id
            );
            if super::why::could_stop(question) {
                assert!(dk.tracks.get(question.track) >= Outcome::Undecided, "{}", question.id);
            }
            assert!(
                dk.open_points.iter().any(|o| o.question == question.id),
                "{}",
                question.id
            );
            for value in evaluate::allowed_values(question)
                .into_iter()
                .filter(|v| v != DONT_KNOW)
            {
                let known = eval(&with(
                    base.clone(),
                    &[(question.id.clone().leak(), value.clone().leak())],
                ))
                .result;
                if let Err(why) = at_least_as_strict(&dk, &known) {
                    panic!("{} = dont_know is milder than {value}: {why}", question.id);
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} comparisons");
    let _ = engine;
}

#[test]
fn every_point_for_the_lawyer_brings_a_legal_signoff_and_every_open_track_says_why() {
    let q = default_questionnaire();
    let mut scenarios = 0;
    for base in bases() {
        let asked = eval(&base).asked;
        for question in q.questions.iter().filter(|x| asked.contains(&x.id)) {
            for value in evaluate::allowed_values(question) {
                let r = eval(&with(
                    base.clone(),
                    &[(question.id.clone().leak(), value.clone().leak())],
                ))
                .result;
                scenarios += 1;
                if r.actions.iter().any(|a| a.lawyer) {
                    assert!(
                        r.required_signoffs.contains(&"legal".to_owned()),
                        "{} = {value}: a point for the lawyer without a legal sign-off",
                        question.id
                    );
                }
                for t in Track::ALL {
                    let reasons = r.why.get(&t).map(Vec::as_slice).unwrap_or_default();
                    assert_eq!(
                        r.tracks.get(t) != Outcome::Approved,
                        !reasons.is_empty(),
                        "{} = {value}: track {t:?} and its reasons disagree",
                        question.id
                    );
                    for reason in reasons {
                        assert!(!reason.questions.is_empty() && !reason.change.is_empty(), "{reason:?}");
                        assert!(!reason.text.contains("why."), "missing UI text: {reason:?}");
                    }
                }
                let dpia_actions = r.actions.iter().filter(|a| a.text.contains("(DPIA)")).count();
                assert!(dpia_actions <= 1, "{} = {value}: DPIA listed twice", question.id);
            }
        }
    }
    assert!(scenarios > 300, "{scenarios}");
}

#[test]
fn a_stop_among_the_actions_refuses_its_track() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/questionnaires/small.toml"
    ))
    .expect("fixture")
        + r#"
[[actions]]
id = "no_personal_data_here"
when = 'personal_data == "yes"'
kind = "stop"
track = "ethics"
text = { da = "Ingen personoplysninger i denne use case.", en = "No personal data in this use case." }
source = "Politik"
basis = "policy"
"#;
    let q: Questionnaire = toml::from_str(&text).expect("parses");
    let engine = Engine::new(&q);
    let answers = super::tests::answers(&engine, &[("personal_data", "yes")]);
    let r = engine.evaluate(&answers, Language::Da).expect("eval").result;
    assert_eq!(r.tracks.ethics, Outcome::Refused);
    assert_eq!(r.outcome, Outcome::Refused);
    assert_eq!(r.stops[0].rule.as_deref(), Some("no_personal_data_here"));
    let stop = r.why[&Track::Ethics]
        .iter()
        .find(|w| w.kind == crate::model::screening::ReasonKind::Stop)
        .expect("a stop reason");
    assert_eq!(stop.questions, ["personal_data"]);
}
