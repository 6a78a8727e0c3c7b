//! `aispec register`: records for the shipped workspace against the schema, warnings for missing fields, and
//! what must never be published.

use serde_json::Value;

use crate::support::{SHIPPED, TestRepo, repo_root};

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("schemas/register-record.schema.json")).expect("schema");
    let json: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(json["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::new(&json).expect("the record schema compiles")
}

fn records(repo: &TestRepo, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["register", "--format", "json"];
    all.extend_from_slice(args);
    let run = repo.run(&all);
    run.expect_code(0);
    run.json()["records"].as_array().cloned().expect("records")
}

/// Signs the klarsprog screening and specialist by every role they need, as "Bo Hansen".
fn sign_klarsprog(repo: &TestRepo) {
    for role in ["dpo", "faglig-systemejer", "legal"] {
        repo.run(&["approve", "screening", "klarsprog", "--role", role, "--by", "Bo Hansen"])
            .expect_code(0);
    }
    for role in ["dpo", "faglig-systemejer", "legal"] {
        repo.run(&[
            "approve",
            "specialist",
            "klarsprog",
            "--role",
            role,
            "--by",
            "Bo Hansen",
        ])
        .expect_code(0);
    }
}

#[test]
fn every_record_of_the_shipped_workspace_validates_against_the_schema() {
    let repo = TestRepo::shipped();
    let records = records(&repo, &[]);
    let validator = schema();
    for r in &records {
        let errors: Vec<String> = validator.iter_errors(r).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", r["id"]);
    }
    let ids: Vec<&str> = records.iter().filter_map(|r| r["id"].as_str()).collect();
    for id in SHIPPED {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let klarsprog = records.iter().find(|r| r["id"] == "klarsprog").expect("klarsprog");
    assert_eq!(klarsprog["organization"], "Aarhus Kommune");
    assert_eq!(klarsprog["status"], "in development");
    assert_eq!(klarsprog["risk_category"], "minimal risk");
    assert_eq!(klarsprog["dpia"], "required");
    assert_eq!(klarsprog["website"], "https://os2ai.github.io/aispec/klarsprog.html");
    assert!(klarsprog["description_short"].as_str().expect("short").chars().count() <= 150);
    let gaps: Vec<&str> = klarsprog["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        gaps.contains(&"training_data") && gaps.contains(&"objection_procedure"),
        "{gaps:?}"
    );
    let example = records
        .iter()
        .find(|r| r["id"] == "eksempel-afvist")
        .expect("refused example");
    assert_eq!(example["risk_category"], "unacceptable");
    assert!(
        example.get("models").is_none(),
        "a screening without a specialist has no models: {example}"
    );
}

#[test]
fn a_record_that_misses_a_required_field_is_a_validate_warning_on_its_specialist() {
    let repo = TestRepo::shipped();
    let config = repo.read("aispec.toml").replace("area = \"Aarhus Kommune\"\n", "");
    repo.write("aispec.toml", config);
    let run = repo.run(&["validate", "--format", "json"]);
    run.expect_code(0);
    let diags = run.json()["diagnostics"].as_array().cloned().expect("diagnostics");
    let on_klarsprog = diags
        .iter()
        .find(|d| d["code"] == "register-record" && d["file"] == "specialists/klarsprog/specialist.toml")
        .unwrap_or_else(|| panic!("no register warning on klarsprog: {diags:?}"));
    assert_eq!(on_klarsprog["severity"], "warning");
    assert!(
        on_klarsprog["message"].as_str().expect("message").contains("area"),
        "{on_klarsprog}"
    );
    assert!(
        on_klarsprog["hint"].as_str().expect("hint").contains("[register]"),
        "{on_klarsprog}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "register-record" && d["file"] == "screenings/eksempel-afvist/screening.toml"),
        "a use case without a specialist is warned on its screening: {diags:?}"
    );
    let register = repo.run(&["register"]);
    register.expect_code(1);
    assert!(register.stdout.contains("area"), "{}", register.stdout);
}

#[test]
fn a_workspace_without_a_register_table_gets_no_register_warnings() {
    let repo = TestRepo::init();
    repo.expect_no_diagnostics();
}

#[test]
fn records_carry_no_personal_data_names_internal_urls_or_key_names() {
    let repo = TestRepo::shipped();
    let screening = repo.read("screenings/klarsprog/screening.toml").replace(
        "Art. 6, stk. 1, litra e: omskrivningen",
        "Spørg jens.hansen@aarhus.dk (CPR 010203-1234) og se https://intranet.aarhuskommune.local/jura. Art. 6, stk. 1, litra e: omskrivningen",
    );
    repo.write("screenings/klarsprog/screening.toml", screening);
    repo.commit_all("a note with personal data");
    sign_klarsprog(&repo);
    let text = repo.run(&["register", "klarsprog", "--format", "json"]).stdout;
    for secret in [
        "jens.hansen",
        "010203",
        "intranet.aarhuskommune",
        "Bo Hansen",
        "aarhusai.example.dk",
        "aarhusai-staging",
        "AISPEC_",
        "api_key_env",
    ] {
        assert!(!text.contains(secret), "`{secret}` was published:\n{text}");
    }
    let record = &serde_json::from_str::<Value>(&text).expect("json")["records"][0];
    assert!(
        record["lawful_basis"].as_str().expect("basis").contains("litra e"),
        "{record}"
    );
    let signoffs = record["signoffs"].as_array().expect("signoffs");
    assert_eq!(signoffs.len(), 3, "{record}");
    assert!(
        signoffs
            .iter()
            .all(|s| s.get("name").is_none() && s["date"].as_str().is_some())
    );

    let config = repo
        .read("aispec.toml")
        .replace("[register]\n", "[register]\nshow_names = true\n");
    repo.write("aispec.toml", config);
    let named = records(&repo, &["klarsprog"]);
    assert_eq!(named[0]["signoffs"][0]["name"], "Bo Hansen");
}

#[test]
fn html_goes_to_a_file_and_an_unknown_id_is_refused() {
    let repo = TestRepo::shipped();
    let run = repo.run(&["register", "--format", "html", "--out", "register.html"]);
    run.expect_code(0);
    let html = repo.read("register.html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(
        html.contains("Korrekturlæser") && html.contains("lawful_basis"),
        "{html}"
    );
    let unknown = repo.run(&["register", "nope"]);
    unknown.expect_code(2);
    assert!(
        unknown.stderr.contains("no specialist or screening `nope`"),
        "{}",
        unknown.stderr
    );
}

/// The refused example in the shipped screenings is what the tool makes from its answers file (regenerate with
/// `tests/fixtures/make-screenings.sh`).
#[test]
fn the_refused_example_is_made_by_the_tool() {
    let repo = TestRepo::init();
    let answers = std::fs::read_to_string(crate::support::fixtures().join("answers/eksempel-afvist.answers.toml"))
        .expect("answers");
    repo.write("a.answers.toml", answers);
    repo.run_with(
        &[
            "screen",
            "--answers",
            "a.answers.toml",
            "--id",
            "eksempel-afvist",
            "--by",
            "AarhusAI Builder-gruppen",
            "--no-commit",
        ],
        &[("SOURCE_DATE_EPOCH", "1795910400")],
    )
    .expect_code(1);
    for file in ["screening.toml", "report.md"] {
        let rel = format!("screenings/eksempel-afvist/{file}");
        let shipped = std::fs::read_to_string(repo_root().join(&rel)).unwrap_or_default();
        assert!(
            shipped == repo.read(&rel),
            "{rel} differs from what the tool makes; regenerate with `tests/fixtures/make-screenings.sh`"
        );
    }
    assert!(
        repo.read("screenings/eksempel-afvist/screening.toml")
            .contains("outcome = \"refused\"")
    );
}

#[test]
fn the_human_summary_of_the_shipped_register() {
    let repo = TestRepo::shipped();
    let run = repo.run(&["register"]);
    crate::assert_run_snapshot!("register_shipped", repo, run);
    let config = repo
        .read("aispec.toml")
        .replace("contact = \"ai-register@aarhus.example.dk\"\n", "");
    repo.write("aispec.toml", config);
    let missing = repo.run(&["register", "klarsprog", "eksempel-afvist"]);
    crate::assert_run_snapshot!("register_missing_contact", repo, missing);
}
