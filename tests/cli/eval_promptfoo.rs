//! `aispec import promptfoo`: three configs in the shapes promptfoo users have (written for these tests) become
//! suites that validate and run against the stub with the configs' assertion semantics.

use serde_json::Value;

use crate::eval_repo::{EvalRepo, result};
use crate::support::{copy_dir, fixtures};

const ONE_CASE: &str = "[[cases]]\nid = \"a\"\nprompt = \"x\"\n[[cases.assert]]\ntype = \"contains\"\nvalue = \"x\"\n";

/// A workspace on a stub with these answers, the promptfoo fixtures copied to `promptfoo/`.
fn workspace(answers: &str, extra_config: &str) -> EvalRepo {
    let repo = EvalRepo::build(ONE_CASE)
        .answers(answers)
        .stub_args(&["--embedding-dim", "256"])
        .start();
    let base = repo.stub().base_url();
    repo.write("aispec.toml", repo.config(&extra_config.replace("BASE", &base)));
    copy_dir(&fixtures().join("promptfoo"), &repo.path().join("promptfoo"));
    repo
}

/// Imports a fixture config as a suite: (exit code, report).
fn import(repo: &EvalRepo, config: &str, extra: &[&str]) -> (i32, Value) {
    let path = format!("promptfoo/{config}/promptfooconfig.yaml");
    let mut args = vec!["import", "promptfoo", path.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let run = repo.run(&args);
    (run.code, run.json())
}

fn no_findings_but_screening(repo: &EvalRepo) {
    let run = repo.run(&["validate", "--format", "json"]);
    let found: Vec<Value> = run.json()["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d["code"] != "no-screening")
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

fn reason(json: &Value, case: &str, index: usize) -> String {
    result(json, case)["assertions"][index]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn borgerservice_prompt_variants_templates_defaults_and_javascript() {
    let answers = r#"
[[answers]]
regex = "(?s)Svar kort.*åbent i dag"
answer = "Tak for dit spørgsmål. Vi har åbent kl. 10-17."

[[answers]]
regex = "(?s)Svar kort.*nyt pas"
answer = "Tak. Medbring dit gamle pas."

[[answers]]
regex = "(?s)Brug denne viden.*åbent i dag"
answer = "Tak. Vi har åbent kl. 10-17, og husk dit cpr-nummer."

[[answers]]
regex = "(?s)Brug denne viden: Borgerservice har åbent.*nyt pas"
answer = "God dag. Medbring et nyt billede, dit gamle pas og legitimation."
"#;
    let repo = workspace(answers, "");
    let (code, report) = import(&repo, "borgerservice", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        (report["prompts"].as_u64(), report["tests"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(report["cases"], 4);
    assert_eq!(report["skipped"], serde_json::json!([]));
    assert_eq!(report["ignored"][0]["what"], "providers");
    assert_eq!(report["ignored"][0]["line"], 14);
    no_findings_but_screening(&repo);

    let (code, json) = repo.eval_json(&["--suite", "borgerservice", "--providers", "model-a"]);
    assert_eq!(code, 0, "{json:#}");
    let pass = |case: &str| result(&json, case)["pass"].as_bool();
    assert_eq!(pass("kort-aabningstid-i-dag"), Some(true), "{json:#}");
    // No "billede", and the JavaScript object fails: only one of three things is named.
    assert_eq!(pass("kort-nyt-pas"), Some(false));
    let js = result(&json, "kort-nyt-pas")["assertions"][1].clone();
    assert_eq!(
        (js["pass"].as_bool(), js["reason"].as_str()),
        (Some(false), Some("nævner pas"))
    );
    assert!(
        (js["score"].as_f64().unwrap_or_default() - 1.0 / 3.0).abs() < 1e-9,
        "{js:#}"
    );
    // defaultTest's not-icontains catches the CPR number; the assertion template ($ref) is there too.
    assert_eq!(pass("udfoerlig-aabningstid-i-dag"), Some(false));
    assert!(reason(&json, "udfoerlig-aabningstid-i-dag", 2).contains("cpr-nummer"));
    assert_eq!(
        result(&json, "udfoerlig-aabningstid-i-dag")["assertions"][3]["type"],
        "icontains-any"
    );
    // The file:// variable was read at import: the long prompt carries the opening hours.
    assert_eq!(pass("udfoerlig-nyt-pas"), Some(true), "{json:#}");
}

#[test]
fn klarsprog_csv_expectations_chat_prompt_similar_and_grading() {
    let answers = r#"
[[answers]]
model = "judge-model"
contains = "beder venligt"
answer = '{"pass": false, "score": 0.1, "reason": "Tonen er ikke venlig."}'

[[answers]]
contains = "bevilget hjælp"
answer = "Du har fået hjælp. Kommunen har bevilget hjælp til dig."

[[answers]]
contains = "dokumentation"
answer = "De anmodes om at sende papirer."

[[answers]]
contains = "Ansøgningen er modtaget"
answer = "Vi har fået din ansøgning."
"#;
    let config = "embedder = \"embedder\"\n\n[providers.embedder]\nbase_url = \"BASE\"\nmodel = \"embed-model\"\n";
    let repo = workspace(answers, config);
    let (code, report) = import(&repo, "klarsprog", &["--suite", "klarsprog"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["cases"], 3);
    assert_eq!(report["skipped"], serde_json::json!([]));
    no_findings_but_screening(&repo);

    let (code, json) = repo.eval_json(&["--suite", "klarsprog", "--providers", "model-a"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(result(&json, "bevilling")["pass"], true, "{json:#}");
    let similar = &result(&json, "bevilling")["assertions"][2];
    assert_eq!(
        (similar["type"].as_str(), similar["score"].as_f64()),
        (Some("similar"), Some(1.0))
    );
    // not-icontains-any from "anmodes, fremsende" and a failing grade.
    let doc = result(&json, "dokumentation");
    assert_eq!(doc["pass"], false);
    assert_eq!(doc["assertions"][0]["pass"], false);
    assert_eq!(doc["assertions"][1]["reason"], "Tonen er ikke venlig.");
    // A bare expected value means equals; defaultTest's cost and latency apply to every row.
    let receipt = result(&json, "kvittering");
    assert_eq!(receipt["pass"], true, "{receipt:#}");
    let kinds: Vec<&str> = receipt["assertions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["equals", "cost", "latency"]);
    // The chat prompt's system message is the suite's, with the platform's date variable filled.
    let systems: Vec<String> = repo
        .stub()
        .requests()
        .iter()
        .filter_map(|r| r["body"]["messages"][0]["content"].as_str().map(str::to_owned))
        .collect();
    assert!(
        systems.iter().any(|s| s.ends_with("Dagens dato er 2025-03-03.")),
        "{systems:#?}"
    );
}

#[test]
fn sagsbehandling_yaml_tests_list_variables_schema_and_javascript_scores() {
    let answers = r#"
[[answers]]
contains = "Udtræk adressen"
answer = '{"adresse": "Rådhuspladsen 2"}'

[[answers]]
contains = "Udtræk emnet"
answer = '{"emne": "støj"}'

[[answers]]
contains = "Udtræk overskriften"
answer = '{"overskrift": "Klage over støj fra byggepladsen"}'

[[answers]]
contains = "Udtræk navnet"
answer = '{"navn": "Karen"}'
"#;
    let repo = workspace(answers, "");
    let (code, report) = import(&repo, "sagsbehandling", &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["name"], "sagsbehandling");
    assert_eq!(report["cases"], 4, "the list variable made two tests of one");
    let skipped: Vec<(String, u64)> = report["skipped"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["what"].as_str().unwrap_or_default().to_owned(),
                        f["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        skipped,
        [
            ("assertion `model-graded-closedqa`".to_owned(), 23),
            ("`options` of a test".to_owned(), 30)
        ]
    );
    assert!(
        report["skipped"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("data/tests.yaml"))
    );
    no_findings_but_screening(&repo);

    let (code, json) = repo.eval_json(&["--suite", "sagsbehandling", "--providers", "model-a"]);
    assert_eq!(code, 0, "{json:#}");
    let adresse = result(&json, "adresse-som-json");
    assert_eq!(adresse["pass"], true, "{adresse:#}");
    assert_eq!(adresse["assertions"][1]["score"], 1.0);
    assert_eq!(result(&json, "emne")["pass"], true);
    assert_eq!(result(&json, "emne-2")["pass"], false, "levenshtein beyond 4 edits");
    assert_eq!(result(&json, "uden-personnummer")["pass"], true);
}

#[test]
fn strict_refuses_and_writes_nothing_when_something_is_left_out() {
    let repo = workspace("", "");
    let run = repo.run(&[
        "import",
        "promptfoo",
        "promptfoo/sagsbehandling/promptfooconfig.yaml",
        "--strict",
    ]);
    run.expect_code(1);
    assert!(run.stdout.contains("--strict"), "{}", run.stdout);
    assert!(run.stdout.contains("model-graded-closedqa"), "{}", run.stdout);
    assert!(!repo.path().join("suites/sagsbehandling.toml").exists());
    let (code, refused) = import(&repo, "sagsbehandling", &["--strict"]);
    assert_eq!((code, refused["result"].as_str()), (1, Some("refused")));
    let (code, _) = import(&repo, "borgerservice", &["--strict"]);
    assert_eq!(code, 0, "nothing to skip there, so strict passes");
    let (code, again) = import(&repo, "borgerservice", &[]);
    assert_eq!((code, again["result"].as_str()), (1, Some("exists")));
    let (code, _) = import(&repo, "borgerservice", &["--force"]);
    assert_eq!(code, 0);
}

#[test]
fn files_outside_the_workspace_and_broken_yaml_are_clear_errors() {
    let repo = workspace("", "");
    repo.write(
        "promptfoo/ude/promptfooconfig.yaml",
        "prompts:\n  - 'Hej {{ x }}'\ntests:\n  - vars:\n      x: file://../../../../etc/hostname\n",
    );
    let (code, report) = import(&repo, "ude", &[]);
    assert_eq!(code, 0, "{report:#}");
    let outside = report["skipped"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["what"] == "variable `x`"))
        .cloned()
        .unwrap_or_default();
    assert!(
        outside["why"].as_str().is_some_and(|w| w.contains("outside")),
        "{report:#}"
    );
    assert_eq!(outside["line"], 5);

    repo.write(
        "promptfoo/brudt/promptfooconfig.yaml",
        "prompts:\n  - [uafsluttet\ntests: []\n",
    );
    let run = repo.run(&["import", "promptfoo", "promptfoo/brudt/promptfooconfig.yaml"]);
    run.expect_code(2);
    assert!(run.stderr.contains("is not YAML: line"), "{}", run.stderr);
}
