//! Engine tests against the default questionnaire: stop rules, derived results, visibility, hashes.

use std::collections::BTreeMap;

use super::*;
use crate::model::catalog::{DataClass, Hosting};
use crate::model::config::Language;
use crate::model::questionnaire::Questionnaire;
use crate::model::screening::{AiActCategory, Answer, AnswerValue, Dpia, Outcome};
use crate::source::SourceFile;

fn default_questionnaire() -> Questionnaire {
    let text = crate::defaults::embedded("questionnaires/screening.toml").expect("embedded");
    toml::from_str(text).expect("default questionnaire parses")
}

/// Answers that approve everything: no personal data, nothing prohibited, low complexity.
fn clean() -> Vec<(&'static str, &'static str)> {
    vec![
        ("use_case", "Korrektur af interne tekster"),
        ("task_type", "text_work"),
        ("knowledge_base", "none"),
        ("integration", "chat_only"),
        ("user_scale", "all_staff"),
        ("output_check", "easy"),
        ("error_impact", "rework"),
        ("process_maturity", "described"),
        ("ownership", "owner"),
        ("ai_fit", "good"),
        ("municipal_task", "yes"),
        ("personal_data", "no"),
        ("confidential_data", "no"),
        ("case_handling", "no"),
        ("citizen_facing", "no"),
        ("prohibited_manipulation", "no"),
        ("prohibited_vulnerabilities", "no"),
        ("prohibited_social_scoring", "no"),
        ("prohibited_crime_prediction", "no"),
        ("prohibited_face_scraping", "no"),
        ("prohibited_emotion_recognition", "no"),
        ("prohibited_biometric_categorisation", "no"),
        ("prohibited_realtime_biometric_id", "no"),
        ("annex_iii_area", "none"),
        ("synthetic_media", "no"),
        ("public_interest_text", "no"),
        ("ai_literacy", "yes"),
        ("ethics_citizens", "low"),
        ("ethics_employees", "low"),
        ("ethics_society", "not-relevant"),
        ("ethics_bias", "low"),
    ]
}

/// Personal data answered so that nothing stops.
fn personal() -> Vec<(&'static str, &'static str)> {
    vec![
        ("personal_data", "yes"),
        ("special_categories", "no"),
        ("cpr_numbers", "no"),
        ("vulnerable_persons", "no"),
        ("legitimate_purpose", "yes"),
        ("compatible_purpose", "yes"),
        ("proportionate", "yes"),
        ("legal_basis", "yes"),
        ("profiling", "no"),
    ]
}

fn answers(engine: &Engine<'_>, pairs: &[(&str, &str)]) -> BTreeMap<String, Answer> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                Answer {
                    value: AnswerValue::One((*v).to_owned()),
                    text: None,
                    note: None,
                    question_hash: engine.hash(k).to_owned(),
                    inactive: false,
                },
            )
        })
        .collect()
}

fn with(
    base: Vec<(&'static str, &'static str)>,
    over: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut map: BTreeMap<&str, &str> = base.into_iter().collect();
    for (k, v) in over {
        map.insert(k, v);
    }
    map.into_iter().collect()
}

fn eval(pairs: &[(&str, &str)]) -> Evaluation {
    let q = default_questionnaire();
    let engine = Engine::new(&q);
    let a = answers(&engine, pairs);
    engine.evaluate(&a, Language::Da).expect("evaluates")
}

#[test]
fn default_questionnaire_is_valid_and_has_every_public_id() {
    let q = default_questionnaire();
    let src = SourceFile::new(
        "questionnaires/screening.toml",
        crate::defaults::embedded("questionnaires/screening.toml")
            .expect("embedded")
            .to_owned(),
    );
    let mut diags = Vec::new();
    check::check(&q, &src, &mut diags);
    assert!(diags.is_empty(), "{diags:#?}");
    for id in [
        "personal_data",
        "special_categories",
        "cpr_numbers",
        "confidential_data",
        "citizen_facing",
        "case_handling",
        "automated_decisions",
        "legitimate_purpose",
        "compatible_purpose",
        "proportionate",
        "legal_basis",
        "municipal_task",
        "prohibited_manipulation",
        "prohibited_vulnerabilities",
        "prohibited_social_scoring",
        "prohibited_crime_prediction",
        "prohibited_face_scraping",
        "prohibited_emotion_recognition",
        "prohibited_biometric_categorisation",
        "prohibited_realtime_biometric_id",
        "annex_iii_area",
        "profiling",
        "synthetic_media",
        "public_interest_text",
    ] {
        assert!(q.question(id).is_some(), "missing {id}");
    }
    let areas: Vec<&str> = q
        .question("annex_iii_area")
        .expect("q")
        .options
        .iter()
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(
        areas,
        [
            "none",
            "public_benefits",
            "employment",
            "education",
            "biometrics",
            "critical_infrastructure",
            "other"
        ]
    );
    for question in &q.questions {
        assert!(
            !question.help.da.is_empty() && !question.help.en.is_empty(),
            "{}",
            question.id
        );
    }
}

#[test]
fn clean_answers_are_approved_and_minimal() {
    let e = eval(&clean());
    let r = &e.result;
    assert_eq!(r.outcome, Outcome::Approved, "{r:#?}");
    assert_eq!(r.ai_act_category, AiActCategory::Minimal);
    assert_eq!(r.dpia, Dpia::NotRequired);
    assert_eq!(r.data_classification, DataClass::Internal);
    assert_eq!(
        r.allowed_hosting,
        vec![Hosting::Internal, Hosting::EuCloud, Hosting::NonEuCloud]
    );
    assert!(r.required_signoffs.is_empty());
    assert!(r.unanswered.is_empty());
    assert!(r.stops.is_empty());
}

#[test]
fn every_stop_rule_refuses() {
    let stops: &[&[(&str, &str)]] = &[
        &[("municipal_task", "no")],
        &[("legitimate_purpose", "no")],
        &[("compatible_purpose", "no")],
        &[("proportionate", "no")],
        &[("legal_basis", "no")],
        &[("case_handling", "yes"), ("automated_decisions", "yes")],
    ];
    for over in stops {
        let pairs = with(with(clean(), &personal()), over);
        let r = eval(&pairs).result;
        assert_eq!(r.outcome, Outcome::Refused, "{over:?}");
        assert_eq!(r.tracks.law, Outcome::Refused);
        let last = over.last().expect("one").0;
        assert!(r.stops.iter().any(|s| s.question == last), "{over:?}: {:?}", r.stops);
    }
}

#[test]
fn every_prohibited_practice_refuses_as_prohibited() {
    for id in [
        "prohibited_manipulation",
        "prohibited_vulnerabilities",
        "prohibited_social_scoring",
        "prohibited_crime_prediction",
        "prohibited_face_scraping",
        "prohibited_emotion_recognition",
        "prohibited_biometric_categorisation",
        "prohibited_realtime_biometric_id",
    ] {
        let r = eval(&with(clean(), &[(id, "yes")])).result;
        assert_eq!(r.outcome, Outcome::Refused, "{id}");
        assert_eq!(r.ai_act_category, AiActCategory::Prohibited, "{id}");
        assert_eq!(r.stops.len(), 1);
        assert!(r.required_signoffs.contains(&"legal".to_owned()));
    }
}

#[test]
fn annex_iii_areas_and_profiling_are_high_risk_with_deployer_tasks() {
    for area in [
        "public_benefits",
        "employment",
        "education",
        "biometrics",
        "critical_infrastructure",
        "other",
    ] {
        let r = eval(&with(clean(), &[("annex_iii_area", area)])).result;
        assert_eq!(r.ai_act_category, AiActCategory::HighRisk, "{area}");
        assert!(
            r.actions
                .iter()
                .any(|a| a.source.as_deref() == Some("AI-forordningen art. 27 og art. 49"))
        );
        assert!(
            r.actions
                .iter()
                .any(|a| a.source.as_deref() == Some("AI-forordningen art. 26, stk. 1 og 2"))
        );
        assert_eq!(r.required_signoffs, vec!["legal".to_owned()]);
    }
    let r = eval(&with(with(clean(), &personal()), &[("profiling", "yes")])).result;
    assert_eq!(r.ai_act_category, AiActCategory::HighRisk);
    assert_eq!(r.dpia, Dpia::Required);
}

#[test]
fn transparency_triggers_disclosure_tasks() {
    for id in ["citizen_facing", "synthetic_media", "public_interest_text"] {
        let r = eval(&with(clean(), &[(id, "yes")])).result;
        assert_eq!(r.ai_act_category, AiActCategory::Transparency, "{id}");
        assert!(
            r.actions
                .iter()
                .any(|a| a.source.as_deref().is_some_and(|s| s.contains("art. 50"))),
            "{id}"
        );
    }
    // High-risk wins over transparency.
    let r = eval(&with(
        clean(),
        &[("citizen_facing", "yes"), ("annex_iii_area", "education")],
    ))
    .result;
    assert_eq!(r.ai_act_category, AiActCategory::HighRisk);
}

#[test]
fn personal_data_brings_gdpr_tasks_dpia_and_legal() {
    let r = eval(&with(clean(), &personal())).result;
    assert_eq!(r.outcome, Outcome::Approved, "{r:#?}");
    assert_eq!(r.data_classification, DataClass::Personal);
    assert_eq!(r.dpia, Dpia::Recommended);
    assert_eq!(r.allowed_hosting, vec![Hosting::Internal, Hosting::EuCloud]);
    assert_eq!(r.required_signoffs, vec!["legal".to_owned()]);
    for source in ["GDPR art. 35", "GDPR art. 13 og 14", "GDPR art. 30 og 38"] {
        assert!(
            r.actions.iter().any(|a| a.source.as_deref() == Some(source)),
            "{source}"
        );
    }
}

#[test]
fn cpr_or_special_categories_are_sensitive_personal_on_internal_hosting() {
    for id in ["cpr_numbers", "special_categories"] {
        let r = eval(&with(with(clean(), &personal()), &[(id, "yes")])).result;
        assert_eq!(r.data_classification, DataClass::SensitivePersonal, "{id}");
        assert_eq!(r.dpia, Dpia::Required, "{id}");
        assert_eq!(r.allowed_hosting, vec![Hosting::Internal], "{id}");
    }
}

#[test]
fn confidential_data_stays_internal() {
    let r = eval(&with(clean(), &[("confidential_data", "yes")])).result;
    assert_eq!(r.data_classification, DataClass::Confidential);
    assert_eq!(r.allowed_hosting, vec![Hosting::Internal]);
}

#[test]
fn dont_know_leaves_law_undecided() {
    let r = eval(&with(clean(), &[("municipal_task", "dont_know")])).result;
    assert_eq!(r.tracks.law, Outcome::Undecided);
    assert_eq!(r.outcome, Outcome::Undecided);
}

#[test]
fn high_ethical_concern_leaves_ethics_undecided() {
    let r = eval(&with(clean(), &[("ethics_employees", "high")])).result;
    assert_eq!(r.tracks.ethics, Outcome::Undecided);
    assert_eq!(r.outcome, Outcome::Undecided);
}

#[test]
fn complexity_scores_against_thresholds() {
    let hard = with(
        clean(),
        &[
            ("output_check", "hard"),
            ("error_impact", "harm"),
            ("ownership", "no_owner"),
            ("ai_fit", "poor"),
        ],
    );
    let r = eval(&hard).result;
    let u = r.scores.iter().find(|s| s.dimension == "uncertainty").expect("score");
    assert_eq!((u.score, u.max), (12, 14));
    assert_eq!(r.tracks.complexity, Outcome::Refused);
    let mid = with(
        clean(),
        &[
            ("output_check", "hard"),
            ("error_impact", "harm"),
            ("process_maturity", "partly"),
        ],
    );
    assert_eq!(eval(&mid).result.tracks.complexity, Outcome::Undecided);
}

#[test]
fn missing_answers_are_reported_not_guessed() {
    let mut pairs = clean();
    pairs.retain(|(k, _)| *k != "municipal_task" && *k != "benefit");
    let r = eval(&pairs).result;
    assert_eq!(r.unanswered, vec!["municipal_task".to_owned()]);
    assert_eq!(r.outcome, Outcome::Undecided);
}

#[test]
fn hidden_questions_keep_their_answers_as_inactive() {
    let pairs = with(with(clean(), &personal()), &[("personal_data", "no")]);
    let e = eval(&pairs);
    assert!(e.inactive.contains(&"legal_basis".to_owned()));
    assert!(!e.asked.contains(&"legal_basis".to_owned()));
    assert_eq!(e.result.data_classification, DataClass::Internal);
}

#[test]
fn changed_wording_makes_an_answer_stale() {
    let mut q = default_questionnaire();
    let before = Engine::new(&q).hash("municipal_task").to_owned();
    let help_only = {
        let question = q.questions.iter_mut().find(|x| x.id == "municipal_task").expect("q");
        question.help.da.push_str(" Mere hjælp.");
        Engine::new(&q).hash("municipal_task").to_owned()
    };
    assert_eq!(before, help_only, "help texts do not invalidate answers");
    let question = q.questions.iter_mut().find(|x| x.id == "municipal_task").expect("q");
    question.text.da.push('!');
    let engine = Engine::new(&q);
    assert_ne!(before, engine.hash("municipal_task"));
    let mut a = answers(&engine, &clean());
    a.get_mut("municipal_task").expect("a").question_hash = before;
    let e = engine.evaluate(&a, Language::Da).expect("eval");
    assert_eq!(e.stale, vec!["municipal_task".to_owned()]);
    assert!(e.result.unanswered.contains(&"municipal_task".to_owned()));
}

#[test]
fn invalid_values_are_rejected() {
    let q = default_questionnaire();
    let pd = q.question("personal_data").expect("q");
    assert!(evaluate::check_value(pd, &AnswerValue::One("ja".into())).is_err());
    assert!(evaluate::check_value(pd, &AnswerValue::One("dont_know".into())).is_ok());
    let cf = q.question("citizen_facing").expect("q");
    assert!(evaluate::check_value(cf, &AnswerValue::One("dont_know".into())).is_err());
    let area = q.question("annex_iii_area").expect("q");
    assert!(evaluate::check_value(area, &AnswerValue::Many(vec!["none".into()])).is_err());
}

#[test]
fn a_broken_questionnaire_is_reported() {
    let text = r#"
version = "1.0.0"
title = { da = "t", en = "t" }
[[tracks]]
id = "law"
title = { da = "t", en = "t" }
intro = { da = "t", en = "t" }
[[questions]]
id = "a"
track = "law"
kind = "yes-no"
when = 'b == "yes"'
text = { da = "t", en = "t" }
help = { da = "t", en = "t" }
consequences = [{ on = "ja", kind = "stop", text = { da = "t", en = "t" } }]
[[questions]]
id = "b"
track = "law"
kind = "yes-no"
when = 'a =='
text = { da = "t", en = "t" }
help = { da = "t", en = "t" }
[[derive.ai_act_category]]
when = 'a == "yes"'
value = "minimal"
[[derive.dpia]]
value = "not-required"
[[derive.data_classification]]
value = "internal"
[[derive.allowed_hosting]]
value = ["internal"]
"#;
    let q: Questionnaire = toml::from_str(text).expect("parses");
    let mut diags = Vec::new();
    check::check(&q, &SourceFile::new("q.toml", text.to_owned()), &mut diags);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["unknown-answer", "unknown-variable", "bad-condition", "no-default"],
        "{diags:#?}"
    );
}
