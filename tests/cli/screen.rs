//! `aispec screen` from answers files: JSON shape, stop rules, derived results, writing, re-screening and the
//! golden report. The interactive flow is in `screen_pty`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::support::{TestRepo, fixtures};

/// The JSON shape `screen --format json` promises (unknown keys fail the test).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Json {
    pub id: Option<String>,
    pub status: Option<String>,
    pub questionnaire: BTreeMap<String, String>,
    pub law_as_of: Option<String>,
    pub screened_by: Option<String>,
    pub updated: Option<String>,
    pub outcome: String,
    pub tracks: BTreeMap<String, String>,
    pub ai_act_category: String,
    pub dpia: String,
    pub data_classification: String,
    pub allowed_hosting: Vec<String>,
    pub required_signoffs: Vec<String>,
    pub scores: Vec<serde_json::Value>,
    pub actions: Vec<JsonAction>,
    pub stops: Vec<JsonStop>,
    pub unanswered: Vec<String>,
    pub open_points: Vec<JsonOpenPoint>,
    pub why: BTreeMap<String, Vec<JsonReason>>,
    pub inactive: Vec<String>,
    pub stale: Vec<String>,
    pub changes: Option<Vec<BTreeMap<String, String>>>,
    pub published: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct JsonAction {
    pub kind: String,
    pub text: String,
    pub source: Option<String>,
    pub question: Option<String>,
    pub basis: Option<String>,
    pub applies_from: Option<String>,
    #[serde(default)]
    pub lawyer: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct JsonStop {
    pub question: Option<String>,
    pub rule: Option<String>,
    pub text: String,
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct JsonOpenPoint {
    pub question: String,
    pub text: String,
    #[serde(default)]
    pub could_stop: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct JsonReason {
    pub kind: String,
    pub outcome: String,
    pub questions: Vec<String>,
    pub text: String,
    pub score: Option<u32>,
    pub threshold: Option<u32>,
    pub rule: Option<String>,
    pub source: Option<String>,
    pub change: String,
}

pub fn answers(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("answers").join(format!("{name}.answers.toml"))).expect("fixture")
}

/// The clean answers with some values replaced (or added); a value starting with `[` is written as a list.
pub fn variant(over: &[(&str, &str)]) -> String {
    let mut text = answers("clean");
    for (k, v) in over {
        let line = if v.starts_with('[') {
            format!("{k} = {v}")
        } else {
            format!("{k} = \"{v}\"")
        };
        match text.lines().find(|l| l.starts_with(&format!("{k} = "))) {
            Some(old) => text = text.replace(old, &line),
            None => text = text.replacen("[answers]\n", &format!("[answers]\n{line}\n"), 1),
        }
    }
    text
}

pub fn screen_json(repo: &TestRepo, answers: &str) -> (i32, Json) {
    repo.write("a.answers.toml", answers);
    let run = repo.run(&["screen", "--answers", "a.answers.toml", "--format", "json"]);
    let json: Json =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", run.stdout, run.stderr));
    (run.code, json)
}

/// Personal data answered so that nothing stops.
pub const PERSONAL: [(&str, &str); 12] = [
    ("personal_data", "yes"),
    ("special_categories", "no"),
    ("criminal_data", "no"),
    ("cpr_numbers", "no"),
    ("vulnerable_persons", "no"),
    ("legitimate_purpose", "yes"),
    ("compatible_purpose", "yes"),
    ("proportionate", "yes"),
    ("legal_basis", "yes"),
    ("processor_agreement", "no"),
    ("third_country_transfer", "no"),
    ("profiling", "no"),
];

#[test]
fn approved_answers_give_the_promised_json() {
    let repo = TestRepo::init();
    let (code, j) = screen_json(&repo, &answers("clean"));
    assert_eq!(code, 0);
    assert_eq!(j.outcome, "approved");
    assert_eq!(j.tracks.keys().collect::<Vec<_>>(), ["complexity", "ethics", "law"]);
    assert_eq!(j.ai_act_category, "minimal");
    assert_eq!(j.dpia, "not-required");
    assert_eq!(j.data_classification, "internal");
    assert_eq!(j.allowed_hosting, ["internal", "eu-cloud", "non-eu-cloud"]);
    assert!(j.required_signoffs.is_empty());
    assert!(j.stops.is_empty() && j.unanswered.is_empty() && j.open_points.is_empty());
    assert!(j.why.is_empty(), "an approved screening has no reasons: {:?}", j.why);
    assert_eq!(j.law_as_of.as_deref(), Some("2026-11-29"));
    assert_eq!(j.questionnaire["version"], "2.0.0");
    assert_eq!(
        j.screened_by.as_deref(),
        Some("Test Builder"),
        "the git user by default"
    );
    assert!(
        j.id.is_none() && j.published.is_none(),
        "nothing is written without --id"
    );
    let screenings: Vec<_> = std::fs::read_dir(repo.path().join("screenings"))
        .expect("init's example")
        .collect();
    assert_eq!(screenings.len(), 1, "only init's example screening is there");
}

#[test]
fn every_stop_rule_refuses_with_exit_1_and_says_why() {
    let repo = TestRepo::init();
    let mut cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("municipal_task".into(), vec![("municipal_task", "no")]),
        (
            "automated_decision_basis".into(),
            vec![
                ("case_handling", "yes"),
                ("automated_decisions", "yes"),
                ("automated_decision_basis", "no"),
            ],
        ),
        (
            "prohibited_realtime_biometric_id".into(),
            vec![("prohibited_realtime_biometric_id", "yes")],
        ),
        (
            "prohibited_intimate_imagery".into(),
            vec![("synthetic_media", "yes"), ("prohibited_intimate_imagery", "yes")],
        ),
    ];
    for id in [
        "legitimate_purpose",
        "compatible_purpose",
        "proportionate",
        "legal_basis",
    ] {
        let mut over = PERSONAL.to_vec();
        over.push((id, "no"));
        cases.push((id.into(), over));
    }
    for id in [
        "prohibited_manipulation",
        "prohibited_vulnerabilities",
        "prohibited_social_scoring",
        "prohibited_crime_prediction",
        "prohibited_face_scraping",
        "prohibited_emotion_recognition",
        "prohibited_biometric_categorisation",
    ] {
        cases.push((id.into(), vec![(id, "yes")]));
    }
    for (stop, over) in cases {
        let (code, j) = screen_json(&repo, &variant(&over));
        assert_eq!(code, 1, "{stop}");
        assert_eq!(j.outcome, "refused", "{stop}");
        assert_eq!(j.tracks["law"], "refused", "{stop}");
        assert_eq!(
            j.stops.iter().filter_map(|s| s.question.as_deref()).collect::<Vec<_>>(),
            [stop.as_str()]
        );
        assert!(j.actions.iter().any(|a| a.kind == "stop"), "{stop}");
        let why = &j.why["law"];
        assert!(
            why.iter()
                .any(|r| r.kind == "stop" && r.questions == [stop.clone()] && !r.change.is_empty()),
            "{stop}: {why:?}"
        );
        if stop.starts_with("prohibited_") && stop != "prohibited_realtime_biometric_id" {
            assert_eq!(j.ai_act_category, "prohibited", "{stop}");
        }
    }
}

#[test]
fn dont_know_and_high_concern_leave_it_undecided_and_say_why() {
    let repo = TestRepo::init();
    let (code, j) = screen_json(&repo, &variant(&[("municipal_task", "dont_know")]));
    assert_eq!(
        (code, j.outcome.as_str(), j.tracks["law"].as_str()),
        (0, "undecided", "undecided")
    );
    assert_eq!(j.open_points[0].question, "municipal_task");
    assert!(j.open_points[0].could_stop);
    assert_eq!(j.why["law"][0].kind, "dont-know");
    let (_, j) = screen_json(&repo, &variant(&[("ethics_bias", "high")]));
    assert_eq!(
        (j.outcome.as_str(), j.tracks["ethics"].as_str()),
        ("undecided", "undecided")
    );
    assert_eq!(j.why["ethics"][0].questions, ["ethics_bias"]);
}

#[test]
fn bad_answers_files_are_usage_errors_with_places() {
    let repo = TestRepo::init();
    repo.write(
        "a.answers.toml",
        "[answers]\npersonal_dta = \"no\"\nmunicipal_task = \"ja\"\n",
    );
    let run = repo.run(&["screen", "--answers", "a.answers.toml"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("2:1  error  answers.personal_dta: there is no question `personal_dta`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `personal_data`?"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`ja` is not an answer to `municipal_task`"),
        "{}",
        run.stderr
    );
    let run = repo.run(&["screen", "--answers", "missing.toml"]);
    run.expect_code(2);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
}

#[test]
fn without_a_terminal_the_answers_flag_is_required() {
    let repo = TestRepo::init();
    let run = repo.run(&["screen", "demo"]);
    run.expect_code(2);
    assert!(run.stderr.contains("stdin or stderr is not one"), "{}", run.stderr);
    assert!(run.stderr.contains("--answers FILE"), "{}", run.stderr);
}

#[test]
fn writes_commits_and_renders_the_golden_report() {
    let repo = TestRepo::init();
    repo.write("a.answers.toml", answers("referater"));
    let run = repo.run_with(
        &["screen", "--answers", "a.answers.toml", "--id", "referater"],
        &[("SOURCE_DATE_EPOCH", "1767225600")],
    );
    run.expect_code(0);
    // Commit ids and the questionnaire hash change whenever the questionnaire's content does.
    let volatile = regex::Regex::new(r"\b[0-9a-f]{12}\b").expect("regex");
    let human = volatile.replace_all(&repo.render(&run), "[SHORT]").into_owned();
    insta::assert_snapshot!("screen_answers_human", human);
    let report = repo.read("screenings/referater/report.md");
    insta::assert_snapshot!("screen_report_referater", volatile.replace_all(&report, "[SHORT]"));
    let git = git2::Repository::open(repo.path()).expect("repo");
    let head = git.head().and_then(|h| h.peel_to_commit()).expect("head");
    assert_eq!(head.message().ok(), Some("Screen referater from an answers file"));
    let tree = head.tree().expect("tree");
    assert!(
        tree.get_path(std::path::Path::new("screenings/referater/screening.toml"))
            .is_ok()
    );
    assert!(
        tree.get_path(std::path::Path::new("screenings/referater/report.md"))
            .is_ok()
    );

    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.json()["ok"], true, "{}", run.stdout);
}

#[test]
fn english_reports_and_no_commit() {
    let repo = TestRepo::init();
    repo.write("a.answers.toml", answers("klarsprog"));
    let run = repo.run(&[
        "screen",
        "--answers",
        "a.answers.toml",
        "--id",
        "klarsprog",
        "--lang",
        "en",
        "--no-commit",
    ]);
    crate::assert_run_snapshot!("screen_answers_english", repo, run);
    let report = repo.read("screenings/klarsprog/report.md");
    assert!(report.contains("## Action list"), "{report}");
    let git = git2::Repository::open(repo.path()).expect("repo");
    let head = git.head().and_then(|h| h.peel_to_commit()).expect("head");
    assert_ne!(head.message().ok(), Some("Screen klarsprog from an answers file"));
}

#[test]
fn rescreen_asks_only_changed_questions_and_keeps_hidden_answers() {
    let repo = TestRepo::init();
    repo.write("a.answers.toml", answers("referater"));
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "referater"])
        .expect_code(0);

    // A new questionnaire version: one question reworded, one new question, and personal data answered "no"
    // later hides the GDPR questions.
    let q = crate::support::repo_root().join("questionnaires/screening.toml");
    let text = std::fs::read_to_string(&q).expect("questionnaire");
    let text = text
        .replacen("version = \"2.0.0\"", "version = \"2.1.0\"", 1)
        .replace(
            "Har de medarbejdere, der skal bruge eller bygge løsningen, tilstrækkelige AI-kompetencer",
            "Har alle, der skal bruge eller bygge løsningen, tilstrækkelige AI-kompetencer",
        )
        .replacen(
            "# Bør vi? — ethics: twelve assessments in three groups, with guidance for every level",
            "# Bør vi? — ethics\n\n[[questions]]\nid = \"exit_plan\"\ntrack = \"law\"\nkind = \"yes-no\"\ntext = { da = \"Er der en exit-plan?\", en = \"Is there an exit plan?\" }\nhelp = { da = \"Hvis modellen forsvinder.\", en = \"If the model goes away.\" }\n",
            1,
        );
    repo.write("questionnaires/screening.toml", text);

    let run = repo.run(&["screen", "--rescreen", "referater", "--format", "json"]);
    run.expect_code(0);
    let j: Json = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(j.questionnaire["version"], "2.1.0");
    assert_eq!(j.stale, ["ai_literacy"]);
    assert_eq!(j.unanswered, ["ai_literacy", "exit_plan"]);
    assert_eq!(j.outcome, "undecided");
    let changes = j.changes.expect("changes");
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == "outcome" && c["before"] == "approved" && c["after"] == "undecided")
    );
    assert!(run.stderr.contains("2 question(s) need an answer"), "{}", run.stderr);

    repo.write(
        "b.answers.toml",
        "[answers]\nai_literacy = \"yes\"\nexit_plan = \"yes\"\npersonal_data = \"no\"\n",
    );
    let run = repo.run(&[
        "screen",
        "--rescreen",
        "referater",
        "--answers",
        "b.answers.toml",
        "--format",
        "json",
    ]);
    run.expect_code(0);
    let j: Json = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(j.outcome, "approved");
    assert_eq!(j.data_classification, "internal");
    assert!(j.inactive.contains(&"legal_basis".to_owned()), "{:?}", j.inactive);
    let stored = repo.read("screenings/referater/screening.toml");
    assert!(
        stored.contains("[answers.legal_basis]\nvalue = \"yes\""),
        "hidden answers are kept"
    );
    assert!(stored.contains("inactive = true"), "{stored}");
    assert!(stored.contains("version = \"2.1.0\""), "{stored}");
}

/// The shipped screenings were made under questionnaire 1.0.0. Re-screening them under 2.0.0 asks only the
/// questions that are new or whose wording or options changed; answering those (with the re-answered files)
/// gives exactly the shipped results.
#[test]
fn rescreening_the_shipped_v1_screenings_asks_only_what_changed() {
    let changed = [
        "prohibited_emotion_recognition",
        "prohibited_realtime_biometric_id",
        "personal_data",
        "annex_iii_area",
        "ethics_society",
    ];
    let new = [
        "emotion_or_biometric_notice",
        "safety_component",
        "provider_role",
        "record_keeping",
        "retention",
        "ethics_inclusion",
        "ethics_openness",
        "ethics_skills",
        "ethics_monitoring",
        "ethics_involvement",
        "ethics_accountability",
        "ethics_dependence",
        "ethics_climate",
    ];
    let repo = TestRepo::init();
    for id in crate::support::SHIPPED {
        let old = std::fs::read_to_string(fixtures().join(format!("screenings-v1/{id}/screening.toml"))).expect("v1");
        assert!(old.contains("version = \"1.0.0\""));
        repo.write(&format!("screenings/{id}/screening.toml"), &old);
        let run = repo.run(&["screen", "--rescreen", id, "--format", "json", "--no-commit"]);
        run.expect_code(0);
        let j: Json = serde_json::from_str(&run.stdout).expect("json");
        let mut stale = j.stale.clone();
        stale.sort();
        let mut want_stale = changed.to_vec();
        want_stale.sort();
        assert_eq!(stale, want_stale, "{id}");
        let mut asked = j.unanswered.clone();
        asked.sort();
        let mut want: Vec<&str> = changed.iter().chain(new.iter()).copied().collect();
        want.sort();
        assert_eq!(asked, want, "{id}: only new or changed questions are asked again");

        repo.write("a.answers.toml", answers(id));
        repo.run(&[
            "screen",
            "--rescreen",
            id,
            "--answers",
            "a.answers.toml",
            "--by",
            "AarhusAI Builder-gruppen",
            "--no-commit",
        ])
        .expect_code(0);
        let result = |text: &str| -> toml::Value {
            let v: toml::Value = toml::from_str(text).expect("toml");
            v["result"].clone()
        };
        let shipped =
            std::fs::read_to_string(crate::support::repo_root().join(format!("screenings/{id}/screening.toml")))
                .expect("shipped");
        assert_eq!(
            result(&repo.read(&format!("screenings/{id}/screening.toml"))),
            result(&shipped),
            "{id}: re-answering gives the shipped result"
        );
    }
}

#[test]
fn list_questions_shows_ids_and_answers() {
    let repo = TestRepo::init();
    let run = repo.run(&["screen", "--list-questions", "--format", "json"]);
    run.expect_code(0);
    let rows = run.json();
    let area = rows
        .as_array()
        .expect("array")
        .iter()
        .find(|r| r["id"] == "annex_iii_area")
        .expect("row");
    assert_eq!(area["values"][0], "none");
    assert_eq!(area["track"], "law");
}

mod validate {
    use crate::support::{TestRepo, repo_root};

    fn with_screening(id: &str) -> TestRepo {
        let repo = TestRepo::init();
        for file in ["screening.toml", "journey.toml", "report.md"] {
            let text = std::fs::read_to_string(repo_root().join(format!("screenings/{id}/{file}"))).expect("shipped");
            repo.write(&format!("screenings/{id}/{file}"), text);
        }
        repo
    }

    fn link(repo: &TestRepo, screening: &str, model: Option<&str>) {
        let path = "specialists/korrekturlaeser/specialist.toml";
        let existing: String = repo
            .read(path)
            .lines()
            .filter(|l| !l.starts_with("screening = "))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut spec = existing.replacen(
            "base_model = ",
            &format!("screening = \"{screening}\"\nbase_model = "),
            1,
        );
        if let Some(m) = model {
            let old = spec
                .lines()
                .find(|l| l.starts_with("base_model = "))
                .expect("base_model")
                .to_owned();
            spec = spec.replace(&old, &format!("base_model = \"{m}\""));
        }
        repo.write(path, spec);
    }

    fn codes(repo: &TestRepo) -> Vec<String> {
        let run = repo.run(&["validate", "--format", "json"]);
        run.json()["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["severity"].as_str().unwrap_or(""),
                    d["code"].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    #[test]
    fn shipped_screenings_and_a_linked_specialist_are_valid() {
        let repo = with_screening("korrekturlaeser");
        link(&repo, "korrekturlaeser", None);
        assert_eq!(repo.expect_no_diagnostics()["checked"]["screenings"], 1);
    }

    #[test]
    fn a_missing_or_refused_screening_fails_the_specialist() {
        let repo = TestRepo::init();
        link(&repo, "nope", None);
        assert_eq!(codes(&repo), ["error unknown-screening"]);

        let repo = TestRepo::init();
        let answers = std::fs::read_to_string(crate::support::fixtures().join("answers/korrekturlaeser.answers.toml"))
            .expect("fixture")
            .replace("prohibited_manipulation = \"no\"", "prohibited_manipulation = \"yes\"");
        repo.write("a.answers.toml", answers);
        repo.run(&["screen", "--answers", "a.answers.toml", "--id", "korrekturlaeser"])
            .expect_code(1);
        link(&repo, "korrekturlaeser", None);
        assert_eq!(codes(&repo), ["error refused-screening"]);
    }

    #[test]
    fn the_model_must_suit_the_data_and_hosting() {
        // Minutes that name people are personal data: internal or EU cloud, models cleared for personal data.
        let repo = TestRepo::init();
        repo.write(
            "a.answers.toml",
            std::fs::read_to_string(crate::support::fixtures().join("answers/referater.answers.toml"))
                .expect("fixture"),
        );
        repo.run(&[
            "screen",
            "--answers",
            "a.answers.toml",
            "--id",
            "opsummering",
            "--no-commit",
        ])
        .expect_code(0);
        let catalog = repo.read("models.toml");
        let cloud = catalog
            .split("[[models]]")
            .find(|m| m.contains("hosting = \"non-eu-cloud\"") || m.contains("max_data_class = \"internal\""))
            .and_then(|m| m.lines().find(|l| l.starts_with("id = ")))
            .map(|l| l.trim_start_matches("id = ").trim_matches('"').to_owned());
        let Some(cloud) = cloud else {
            panic!("the default catalogue needs a model that is not cleared for personal data:\n{catalog}")
        };
        link(&repo, "opsummering", Some(&cloud));
        let found = codes(&repo);
        assert!(
            found.iter().any(|c| c == "error data-class" || c == "error hosting"),
            "{found:?}"
        );
    }

    #[test]
    fn hand_edits_and_bad_answers_are_caught() {
        let repo = with_screening("klarsprog");
        let path = "screenings/klarsprog/screening.toml";
        let text = repo.read(path);
        repo.write(
            path,
            text.replacen("outcome = \"approved\"", "outcome = \"refused\"", 1),
        );
        assert_eq!(codes(&repo), ["error stale-result"]);
        repo.write(
            path,
            text.replacen(
                "[answers.personal_data]\nvalue = \"yes\"",
                "[answers.personal_data]\nvalue = \"nej\"",
                1,
            ),
        );
        let found = codes(&repo);
        assert!(found.contains(&"error invalid-answer".to_owned()), "{found:?}");
    }

    #[test]
    fn a_broken_workspace_questionnaire_is_reported() {
        let repo = TestRepo::init();
        let q = std::fs::read_to_string(repo_root().join("questionnaires/screening.toml")).expect("questionnaire");
        repo.write(
            "questionnaires/screening.toml",
            q.replacen(
                "when = 'personal_data in [\"yes\", \"dont_know\"]'",
                "when = 'personl_data == \"yes\"'",
                1,
            ),
        );
        assert_eq!(codes(&repo), ["error unknown-variable"]);
        let run = repo.run(&["screen", "--list-questions"]);
        run.expect_code(2);
        assert!(run.stderr.contains("the questionnaire has errors"), "{}", run.stderr);
    }
}
