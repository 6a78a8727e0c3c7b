//! Engine tests against the default questionnaire: stop rules, derived results, visibility, hashes.

use std::collections::BTreeMap;

use super::*;
use crate::model::catalog::{DataClass, Hosting};
use crate::model::config::Language;
use crate::model::questionnaire::Questionnaire;
use crate::model::screening::{AiActCategory, Answer, AnswerValue, Dpia, Outcome, ReasonKind, Track};
use crate::source::SourceFile;

pub(crate) fn default_questionnaire() -> Questionnaire {
    let text = crate::defaults::embedded("questionnaires/screening.toml").expect("embedded");
    toml::from_str(text).expect("default questionnaire parses")
}

/// Answers that approve everything: no personal data, nothing prohibited, low complexity.
pub(crate) fn clean() -> Vec<(&'static str, &'static str)> {
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
        ("prohibited_manipulation", "no"),
        ("prohibited_vulnerabilities", "no"),
        ("prohibited_social_scoring", "no"),
        ("prohibited_crime_prediction", "no"),
        ("prohibited_face_scraping", "no"),
        ("prohibited_emotion_recognition", "no"),
        ("prohibited_biometric_categorisation", "no"),
        ("emotion_or_biometric_notice", "no"),
        ("prohibited_realtime_biometric_id", "no"),
        ("personal_data", "no"),
        ("confidential_data", "no"),
        ("annex_iii_area", "none"),
        ("safety_component", "no"),
        ("provider_role", "no"),
        ("case_handling", "no"),
        ("record_keeping", "yes"),
        ("retention", "yes"),
        ("citizen_facing", "no"),
        ("synthetic_media", "no"),
        ("public_interest_text", "no"),
        ("ai_literacy", "yes"),
        ("ethics_citizens", "low"),
        ("ethics_bias", "low"),
        ("ethics_inclusion", "low"),
        ("ethics_openness", "low"),
        ("ethics_employees", "low"),
        ("ethics_skills", "low"),
        ("ethics_monitoring", "not-relevant"),
        ("ethics_involvement", "low"),
        ("ethics_society", "not-relevant"),
        ("ethics_accountability", "low"),
        ("ethics_dependence", "low"),
        ("ethics_climate", "low"),
    ]
}

/// Personal data answered so that nothing stops.
pub(crate) fn personal() -> Vec<(&'static str, &'static str)> {
    vec![
        ("personal_data", "yes"),
        ("special_categories", "no"),
        ("criminal_data", "no"),
        ("cpr_numbers", "no"),
        ("vulnerable_persons", "no"),
        ("legitimate_purpose", "yes"),
        ("compatible_purpose", "yes"),
        ("proportionate", "yes"),
        ("legal_basis", "yes"),
        ("processor_agreement", "yes"),
        ("third_country_transfer", "no"),
        ("profiling", "no"),
    ]
}

pub(crate) fn answers(engine: &Engine<'_>, pairs: &[(&str, &str)]) -> BTreeMap<String, Answer> {
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

pub(crate) fn with(
    base: Vec<(&'static str, &'static str)>,
    over: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut map: BTreeMap<&str, &str> = base.into_iter().collect();
    for (k, v) in over {
        map.insert(k, v);
    }
    map.into_iter().collect()
}

pub(crate) fn eval(pairs: &[(&str, &str)]) -> Evaluation {
    let q = default_questionnaire();
    let engine = Engine::new(&q);
    let a = answers(&engine, pairs);
    engine.evaluate(&a, Language::Da).expect("evaluates")
}

/// The derived results after the AI Act category, each a single default: what a test questionnaire needs
/// when its questions are the point.
pub(super) const LATER_RESULTS: &str = r#"[[derive.dpia]]
value = "not-required"
[[derive.data_classification]]
value = "internal"
[[derive.allowed_hosting]]
value = ["internal"]
"#;

/// The prohibited practices of AI Act art. 5 that the questionnaire asks about one by one.
const PROHIBITED: [&str; 7] = [
    "prohibited_manipulation",
    "prohibited_vulnerabilities",
    "prohibited_social_scoring",
    "prohibited_crime_prediction",
    "prohibited_face_scraping",
    "prohibited_emotion_recognition",
    "prohibited_biometric_categorisation",
];

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
    assert_eq!(q.law_as_of.as_deref(), Some("2026-11-29"));
    // Ids of version 1.0.0 stay; the new ones of the issue are there.
    for id in PROHIBITED.into_iter().chain([
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
        "prohibited_realtime_biometric_id",
        "annex_iii_area",
        "profiling",
        "synthetic_media",
        "public_interest_text",
        "ai_literacy",
        "ethics_citizens",
        "ethics_employees",
        "ethics_society",
        "ethics_bias",
        "provider_role",
        "safety_component",
        "criminal_data",
        "emotion_or_biometric_notice",
        "third_country_transfer",
        "processor_agreement",
        "duty_to_guide",
        "other_channel",
        "record_keeping",
        "retention",
        "annex_iii_derogation",
    ]) {
        assert!(q.question(id).is_some(), "missing {id}");
    }
    let area = q.question("annex_iii_area").expect("q");
    assert_eq!(area.kind, crate::model::questionnaire::QuestionKind::MultiChoice);
    for old in [
        "none",
        "public_benefits",
        "employment",
        "education",
        "biometrics",
        "critical_infrastructure",
        "other",
    ] {
        assert!(area.options.iter().any(|o| o.value == old), "old value {old} is gone");
    }
    for question in &q.questions {
        assert!(
            !question.help.da.is_empty() && !question.help.en.is_empty(),
            "{}",
            question.id
        );
    }
}

#[test]
fn should_we_has_twelve_assessments_in_three_groups_with_guidance_for_every_level() {
    let q = default_questionnaire();
    let ethics: Vec<_> = q.questions.iter().filter(|x| x.track == Track::Ethics).collect();
    assert_eq!(ethics.len(), 12);
    let mut per_group = BTreeMap::new();
    for e in &ethics {
        assert_eq!(
            e.kind,
            crate::model::questionnaire::QuestionKind::Assessment,
            "{}",
            e.id
        );
        *per_group.entry(e.group.clone().expect("grouped")).or_insert(0) += 1;
        let levels: Vec<&str> = e.guidance.keys().map(String::as_str).collect();
        assert_eq!(levels, ["high", "low", "medium", "not-relevant"], "{}", e.id);
    }
    assert_eq!(
        per_group.into_iter().collect::<Vec<_>>(),
        [
            ("citizens".to_owned(), 4),
            ("employees".to_owned(), 4),
            ("society".to_owned(), 4)
        ]
    );
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
    assert!(r.unanswered.is_empty() && r.stops.is_empty() && r.open_points.is_empty());
    assert!(r.why.is_empty());
}

#[test]
fn every_stop_rule_refuses_and_says_why() {
    let stops: &[&[(&str, &str)]] = &[
        &[("municipal_task", "no")],
        &[("legitimate_purpose", "no")],
        &[("compatible_purpose", "no")],
        &[("proportionate", "no")],
        &[("legal_basis", "no")],
        &[
            ("case_handling", "yes"),
            ("automated_decisions", "yes"),
            ("automated_decision_basis", "no"),
        ],
        &[("prohibited_realtime_biometric_id", "yes")],
    ];
    for over in stops {
        let pairs = with(with(clean(), &personal()), over);
        let r = eval(&pairs).result;
        assert_eq!(r.outcome, Outcome::Refused, "{over:?}");
        assert_eq!(r.tracks.law, Outcome::Refused);
        let last = over.last().expect("one").0;
        assert!(
            r.stops.iter().any(|s| s.question.as_deref() == Some(last)),
            "{over:?}: {:?}",
            r.stops
        );
        let why = &r.why[&Track::Law];
        assert!(
            why.iter()
                .any(|w| w.kind == ReasonKind::Stop && w.questions == [last] && !w.change.is_empty()),
            "{why:#?}"
        );
    }
}

#[test]
fn every_prohibited_practice_refuses_as_prohibited() {
    let mut ids = PROHIBITED.to_vec();
    ids.push("prohibited_intimate_imagery");
    for id in ids {
        let r = eval(&with(clean(), &[("synthetic_media", "yes"), (id, "yes")])).result;
        assert_eq!(r.outcome, Outcome::Refused, "{id}");
        assert_eq!(r.ai_act_category, AiActCategory::Prohibited, "{id}");
        assert_eq!(r.stops.len(), 1, "{id}");
        assert!(r.required_signoffs.contains(&"legal".to_owned()));
    }
}

/// AI Act art. 5(1)(h) only bans real-time remote biometric identification for law enforcement. For a
/// municipality it is Annex III point 1(a), and the stop rests on GDPR art. 9(1).
#[test]
fn remote_biometric_identification_is_high_risk_and_stops_on_gdpr_art_9() {
    let r = eval(&with(clean(), &[("prohibited_realtime_biometric_id", "yes")])).result;
    assert_eq!(r.ai_act_category, AiActCategory::HighRisk);
    assert_eq!(r.outcome, Outcome::Refused);
    let stop = &r.stops[0];
    assert!(
        stop.source.as_deref().is_some_and(|s| s.starts_with("GDPR art. 9")),
        "{stop:?}"
    );
    assert_eq!(r.data_classification, DataClass::SensitivePersonal);
}

#[test]
fn dont_know_on_a_stop_question_is_undecided_elsewhere_an_open_point() {
    let r = eval(&with(clean(), &[("municipal_task", "dont_know")])).result;
    assert_eq!(r.tracks.law, Outcome::Undecided);
    assert_eq!(r.outcome, Outcome::Undecided);
    assert!(r.stops.is_empty(), "don't know never stops");
    assert_eq!(r.open_points.len(), 1);
    assert!(r.open_points[0].could_stop);
    assert_eq!(r.why[&Track::Law][0].kind, ReasonKind::DontKnow);

    // "Don't know" about special categories: treated as yes everywhere, but no stop hangs on it.
    let r = eval(&with(
        with(clean(), &personal()),
        &[("special_categories", "dont_know")],
    ))
    .result;
    assert_eq!(r.data_classification, DataClass::SensitivePersonal);
    assert_eq!(r.dpia, Dpia::Required, "don't know counts as yes for the DPIA too");
    assert_eq!(r.allowed_hosting, vec![Hosting::Internal]);
    assert_eq!(r.outcome, Outcome::Approved, "{:#?}", r.why);
    assert_eq!(r.open_points[0].question, "special_categories");
    assert!(!r.open_points[0].could_stop);
}

#[test]
fn high_ethical_concern_leaves_ethics_undecided_with_a_reason() {
    let r = eval(&with(clean(), &[("ethics_employees", "high")])).result;
    assert_eq!(r.tracks.ethics, Outcome::Undecided);
    assert_eq!(r.outcome, Outcome::Undecided);
    let why = &r.why[&Track::Ethics];
    assert_eq!(why[0].kind, ReasonKind::Concern);
    assert_eq!(why[0].questions, ["ethics_employees"]);
}

#[test]
fn complexity_scores_against_thresholds_and_explains_them() {
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
    let reason = r.why[&Track::Complexity]
        .iter()
        .find(|w| w.kind == ReasonKind::Score)
        .expect("score reason");
    assert_eq!((reason.score, reason.threshold), (Some(12), Some(12)));
    assert_eq!(
        reason.questions,
        ["output_check", "error_impact", "ownership", "ai_fit"]
    );
    let mid = with(
        clean(),
        &[
            ("output_check", "hard"),
            ("error_impact", "rework"),
            ("process_maturity", "partly"),
            ("ownership", "owner_no_time"),
            ("ai_fit", "unsure"),
        ],
    );
    assert_eq!(eval(&mid).result.tracks.complexity, Outcome::Undecided);
}

/// "Users cannot check the answer" (3) plus "an error can harm someone" (3) is 6, under the threshold of 7;
/// the combination rule makes Kan vi? undecided, and the contradicting "users must check" rule is gone.
#[test]
fn unverifiable_harm_combination_makes_complexity_undecided() {
    let r = eval(&with(clean(), &[("output_check", "hard"), ("error_impact", "harm")])).result;
    let u = r.scores.iter().find(|s| s.dimension == "uncertainty").expect("score");
    assert_eq!(u.score, 6);
    assert_eq!(r.tracks.complexity, Outcome::Undecided);
    let why = &r.why[&Track::Complexity];
    assert_eq!(why.len(), 1, "{why:#?}");
    assert_eq!(why[0].kind, ReasonKind::Combination);
    assert_eq!(why[0].rule.as_deref(), Some("unverifiable_harm"));
    assert_eq!(why[0].questions, ["error_impact", "output_check"]);
    assert!(!r.actions.iter().any(|a| a.text.contains("skal kontrollere AI's svar")));
    assert!(
        r.actions
            .iter()
            .any(|a| a.text.starts_with("Brugerne kan ikke selv kontrollere"))
    );
}

#[test]
fn missing_answers_are_reported_not_guessed() {
    let mut pairs = clean();
    pairs.retain(|(k, _)| *k != "municipal_task");
    let r = eval(&pairs).result;
    assert_eq!(r.unanswered, vec!["municipal_task".to_owned()]);
    assert_eq!(r.outcome, Outcome::Undecided);
    let why = &r.why[&Track::Law][0];
    assert_eq!(
        (why.kind, why.questions.as_slice()),
        (ReasonKind::Unanswered, &["municipal_task".to_owned()][..])
    );
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
fn invalid_values_are_rejected_and_old_single_values_still_load() {
    let q = default_questionnaire();
    let pd = q.question("personal_data").expect("q");
    assert!(evaluate::check_value(pd, &AnswerValue::One("ja".into())).is_err());
    assert!(evaluate::check_value(pd, &AnswerValue::One("dont_know".into())).is_ok());
    let cf = q.question("citizen_facing").expect("q");
    assert!(evaluate::check_value(cf, &AnswerValue::One("dont_know".into())).is_err());
    let area = q.question("annex_iii_area").expect("q");
    assert!(evaluate::check_value(area, &AnswerValue::One("employment".into())).is_ok());
    assert!(
        evaluate::check_value(
            area,
            &AnswerValue::Many(vec!["public_benefits".into(), "employment_recruitment".into()])
        )
        .is_ok()
    );
    assert!(evaluate::check_value(area, &AnswerValue::Many(vec!["dont_know".into(), "none".into()])).is_err());
    // A version 1.0.0 answer: one string, an old value.
    let r = eval(&with(clean(), &[("annex_iii_area", "employment")])).result;
    assert_eq!(r.ai_act_category, AiActCategory::HighRisk);
    assert!(
        r.actions
            .iter()
            .any(|a| a.source.as_deref() == Some("AI-forordningen art. 26, stk. 7"))
    );
}

#[test]
fn a_broken_questionnaire_is_reported() {
    let text = format!(
        "{}{}{}",
        r#"
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
group = "nowhere"
text = { da = "t", en = "t" }
help = { da = "t", en = "t" }
consequences = [{ on = "ja", kind = "stop", text = { da = "t", en = "t" }, source = "x" }]
[[questions]]
id = "b"
track = "law"
kind = "yes-no"
when = 'a =='
text = { da = "t", en = "t" }
help = { da = "t", en = "t" }
consequences = [{ on = "yes", kind = "task", text = { da = "t", en = "t" } }]
[[flags]]
id = "a"
when = 'c'
[[derive.ai_act_category]]
when = 'a == "yes"'
value = "minimal"
"#,
        LATER_RESULTS,
        r#"[[combinations]]
id = "x"
track = "law"
when = 'a == "no"'
outcome = "approved"
text = { da = "t", en = "t" }
change = { da = "t", en = "t" }
"#
    );
    let q: Questionnaire = toml::from_str(&text).expect("parses");
    let mut diags = Vec::new();
    check::check(&q, &SourceFile::new("q.toml", text.clone()), &mut diags);
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "unknown-answer",
            "unknown-variable",
            "law-without-source",
            "bad-condition",
            "unknown-group",
            "duplicate-id",
            "unknown-variable",
            "no-default",
            "approving-combination"
        ],
        "{diags:#?}"
    );
}
