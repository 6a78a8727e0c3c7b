//! `aispec screen` from answers files: JSON shape, stop rules, derived results, writing, re-screening and the
//! golden report. The interactive flow is in `screen_pty`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::support::{TestRepo, fixtures};

/// The JSON shape `screen --format json` promises (unknown keys fail the test).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Json {
    id: Option<String>,
    status: Option<String>,
    questionnaire: BTreeMap<String, String>,
    outcome: String,
    tracks: BTreeMap<String, String>,
    ai_act_category: String,
    dpia: String,
    data_classification: String,
    allowed_hosting: Vec<String>,
    required_signoffs: Vec<String>,
    scores: Vec<serde_json::Value>,
    actions: Vec<JsonAction>,
    stops: Vec<JsonStop>,
    unanswered: Vec<String>,
    inactive: Vec<String>,
    stale: Vec<String>,
    changes: Option<Vec<BTreeMap<String, String>>>,
    published: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct JsonAction {
    kind: String,
    text: String,
    source: Option<String>,
    question: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct JsonStop {
    question: String,
    text: String,
    source: Option<String>,
}

fn answers(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("answers").join(format!("{name}.answers.toml"))).expect("fixture")
}

/// The korrekturlæser answers with some values replaced (or added).
fn variant(over: &[(&str, &str)]) -> String {
    let mut text = answers("korrekturlaeser");
    for (k, v) in over {
        let line = format!("{k} = \"{v}\"");
        match text.lines().find(|l| l.starts_with(&format!("{k} = "))) {
            Some(old) => text = text.replace(old, &line),
            None => text = text.replacen("[answers]\n", &format!("[answers]\n{line}\n"), 1),
        }
    }
    text
}

fn screen_json(repo: &TestRepo, answers: &str) -> (i32, Json) {
    repo.write("a.answers.toml", answers);
    let run = repo.run(&["screen", "--answers", "a.answers.toml", "--format", "json"]);
    let json: Json =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}\n{}", run.stdout, run.stderr));
    (run.code, json)
}

#[test]
fn approved_answers_give_the_promised_json() {
    let repo = TestRepo::init();
    let (code, j) = screen_json(&repo, &answers("korrekturlaeser"));
    assert_eq!(code, 0);
    assert_eq!(j.outcome, "approved");
    assert_eq!(j.tracks.keys().collect::<Vec<_>>(), ["complexity", "ethics", "law"]);
    assert_eq!(j.ai_act_category, "minimal");
    assert_eq!(j.dpia, "not-required");
    assert_eq!(j.data_classification, "internal");
    assert_eq!(j.allowed_hosting, ["internal", "eu-cloud", "non-eu-cloud"]);
    assert!(j.required_signoffs.is_empty());
    assert!(j.stops.is_empty() && j.unanswered.is_empty());
    assert!(
        j.id.is_none() && j.published.is_none(),
        "nothing is written without --id"
    );
    assert!(!repo.path().join("screenings").exists());
}

#[test]
fn every_stop_rule_refuses_with_exit_1() {
    let repo = TestRepo::init();
    let personal = [
        ("personal_data", "yes"),
        ("special_categories", "no"),
        ("cpr_numbers", "no"),
        ("vulnerable_persons", "no"),
        ("legitimate_purpose", "yes"),
        ("compatible_purpose", "yes"),
        ("proportionate", "yes"),
        ("legal_basis", "yes"),
        ("profiling", "no"),
    ];
    let mut cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("municipal_task".into(), vec![("municipal_task", "no")]),
        (
            "automated_decisions".into(),
            vec![("case_handling", "yes"), ("automated_decisions", "yes")],
        ),
    ];
    for id in [
        "legitimate_purpose",
        "compatible_purpose",
        "proportionate",
        "legal_basis",
    ] {
        let mut over = personal.to_vec();
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
        "prohibited_realtime_biometric_id",
    ] {
        cases.push((id.into(), vec![(id, "yes")]));
    }
    for (stop, over) in cases {
        let (code, j) = screen_json(&repo, &variant(&over));
        assert_eq!(code, 1, "{stop}");
        assert_eq!(j.outcome, "refused", "{stop}");
        assert_eq!(j.tracks["law"], "refused", "{stop}");
        assert_eq!(
            j.stops.iter().map(|s| s.question.as_str()).collect::<Vec<_>>(),
            [stop.as_str()]
        );
        assert!(j.actions.iter().any(|a| a.kind == "stop"), "{stop}");
        if stop.starts_with("prohibited_") {
            assert_eq!(j.ai_act_category, "prohibited", "{stop}");
        }
    }
}

#[test]
fn derived_results_follow_the_answers() {
    let repo = TestRepo::init();
    for area in [
        "public_benefits",
        "employment",
        "education",
        "biometrics",
        "critical_infrastructure",
        "other",
    ] {
        let (code, j) = screen_json(&repo, &variant(&[("annex_iii_area", area)]));
        assert_eq!((code, j.ai_act_category.as_str()), (0, "high-risk"), "{area}");
        assert!(
            j.actions
                .iter()
                .any(|a| a.source.as_deref() == Some("AI-forordningen art. 27 og art. 49"))
        );
        assert_eq!(j.required_signoffs, ["legal"]);
    }
    for id in ["citizen_facing", "synthetic_media", "public_interest_text"] {
        let (_, j) = screen_json(&repo, &variant(&[(id, "yes")]));
        assert_eq!(j.ai_act_category, "transparency", "{id}");
        assert!(
            j.actions
                .iter()
                .any(|a| a.source.as_deref().is_some_and(|s| s.contains("art. 50")))
        );
    }
    let (_, j) = screen_json(&repo, &answers("opsummering"));
    assert_eq!(j.outcome, "approved");
    assert_eq!(
        (j.data_classification.as_str(), j.dpia.as_str()),
        ("personal", "recommended")
    );
    assert_eq!(j.allowed_hosting, ["internal", "eu-cloud"]);
    assert_eq!(j.required_signoffs, ["legal"]);
    assert!(j.actions.iter().any(|a| a.source.as_deref() == Some("GDPR art. 35")));
    let over = [("personal_data", "yes"), ("cpr_numbers", "yes"), ("profiling", "yes")];
    let (_, j) = screen_json(&repo, &variant(&over));
    assert_eq!(j.data_classification, "sensitive-personal");
    assert_eq!((j.ai_act_category.as_str(), j.dpia.as_str()), ("high-risk", "required"));
    assert_eq!(j.allowed_hosting, ["internal"]);
    assert_eq!(
        j.outcome, "undecided",
        "the other personal-data questions are unanswered"
    );
    assert!(j.unanswered.contains(&"legal_basis".to_owned()), "{:?}", j.unanswered);
}

#[test]
fn dont_know_and_high_concern_leave_it_undecided() {
    let repo = TestRepo::init();
    let (code, j) = screen_json(&repo, &variant(&[("municipal_task", "dont_know")]));
    assert_eq!(
        (code, j.outcome.as_str(), j.tracks["law"].as_str()),
        (0, "undecided", "undecided")
    );
    let (_, j) = screen_json(&repo, &variant(&[("ethics_bias", "high")]));
    assert_eq!(
        (j.outcome.as_str(), j.tracks["ethics"].as_str()),
        ("undecided", "undecided")
    );
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
    repo.write("a.answers.toml", answers("opsummering"));
    let run = repo.run_with(
        &["screen", "--answers", "a.answers.toml", "--id", "opsummering"],
        &[("SOURCE_DATE_EPOCH", "1767225600")],
    );
    run.expect_code(0);
    // Commit ids and the questionnaire hash change whenever the questionnaire's content does.
    let volatile = regex::Regex::new(r"\b[0-9a-f]{12}\b").expect("regex");
    let human = volatile.replace_all(&repo.render(&run), "[SHORT]").into_owned();
    insta::assert_snapshot!("screen_answers_human", human);
    let report = repo.read("screenings/opsummering/report.md");
    insta::assert_snapshot!("screen_report_opsummering", volatile.replace_all(&report, "[SHORT]"));
    let git = git2::Repository::open(repo.path()).expect("repo");
    let head = git.head().and_then(|h| h.peel_to_commit()).expect("head");
    assert_eq!(head.message().ok(), Some("Screen opsummering from an answers file"));
    let tree = head.tree().expect("tree");
    assert!(
        tree.get_path(std::path::Path::new("screenings/opsummering/screening.toml"))
            .is_ok()
    );
    assert!(
        tree.get_path(std::path::Path::new("screenings/opsummering/report.md"))
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
    run.expect_code(0);
    assert!(run.stdout.contains("Overall outcome"), "{}", run.stdout);
    let report = repo.read("screenings/klarsprog/report.md");
    assert!(report.contains("## Action list"), "{report}");
    let git = git2::Repository::open(repo.path()).expect("repo");
    let head = git.head().and_then(|h| h.peel_to_commit()).expect("head");
    assert_ne!(head.message().ok(), Some("Screen klarsprog from an answers file"));
}

#[test]
fn rescreen_asks_only_changed_questions_and_keeps_hidden_answers() {
    let repo = TestRepo::init();
    repo.write("a.answers.toml", answers("opsummering"));
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "opsummering"])
        .expect_code(0);

    // A new questionnaire version: one question reworded, one new question, and personal data answered "no"
    // later hides the GDPR questions.
    let q = crate::support::repo_root().join("questionnaires/screening.toml");
    let text = std::fs::read_to_string(&q).expect("questionnaire");
    let text = text
        .replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1)
        .replace(
            "Har de medarbejdere, der skal bruge eller bygge løsningen, tilstrækkelige AI-kompetencer",
            "Har alle, der skal bruge eller bygge løsningen, tilstrækkelige AI-kompetencer",
        )
        .replacen(
            "# Bør vi? — ethics",
            "# Bør vi? — ethics\n\n[[questions]]\nid = \"exit_plan\"\ntrack = \"law\"\nkind = \"yes-no\"\ntext = { da = \"Er der en exit-plan?\", en = \"Is there an exit plan?\" }\nhelp = { da = \"Hvis modellen forsvinder.\", en = \"If the model goes away.\" }\n",
            1,
        );
    repo.write("questionnaires/screening.toml", text);

    let run = repo.run(&["screen", "--rescreen", "opsummering", "--format", "json"]);
    run.expect_code(0);
    let j: Json = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(j.questionnaire["version"], "1.1.0");
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
        "opsummering",
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
    let stored = repo.read("screenings/opsummering/screening.toml");
    assert!(
        stored.contains("[answers.legal_basis]\nvalue = \"yes\""),
        "hidden answers are kept"
    );
    assert!(stored.contains("inactive = true"), "{stored}");
    assert!(stored.contains("version = \"1.1.0\""), "{stored}");
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
        let mut spec = repo.read(path).replacen(
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
        let run = repo.run(&["validate", "--format", "json"]);
        run.expect_code(0);
        assert_eq!(run.json()["checked"]["screenings"], 1);
        assert_eq!(
            run.json()["diagnostics"].as_array().map(Vec::len),
            Some(0),
            "{}",
            run.stdout
        );
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
        // opsummering involves personal data: internal or EU cloud, models cleared for personal data.
        let repo = with_screening("opsummering");
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
                "[answers.personal_data]\nvalue = \"no\"",
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
