//! `aispec validate` on good workspaces; the broken-file corpus is in `validate_corpus`.

use crate::support::TestRepo;

#[test]
fn shipped_specialists_are_valid() {
    let repo = TestRepo::init();
    for id in [
        "aarhusai-start",
        "korrekturlaeser",
        "stillingsopslag",
        "opsummering",
        "klarsprog",
    ] {
        if id != "korrekturlaeser" {
            repo.add_shipped_specialist(id).add_shipped_screening(id);
        }
    }
    // aarhusai-start's knowledge is fetched with a max_age: judge it on the day it was fetched, so this test
    // does not start failing when the copy grows old (the weekly workflow's business).
    let lock: toml::Value =
        toml::from_str(&repo.read("specialists/aarhusai-start/knowledge.lock")).expect("knowledge.lock");
    let fetched = lock["source"][0]["fetched_at"].as_str().expect("fetched_at");
    let epoch = chrono::DateTime::parse_from_rfc3339(fetched)
        .expect("time")
        .timestamp()
        .to_string();
    let run = repo.run_with(&["validate", "--format", "json"], &[("SOURCE_DATE_EPOCH", &epoch)]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{}", run.stdout);
    assert_eq!(json["ok"], true);
    assert_eq!(json["checked"]["specialists"], 5);
}

#[test]
fn outside_a_workspace_is_a_usage_error() {
    let repo = TestRepo::empty();
    let run = repo.run(&["validate"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no aispec workspace found"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: run `aispec init`"), "{}", run.stderr);
}

#[test]
fn a_missing_path_argument_is_a_usage_error() {
    let repo = TestRepo::init();
    let run = repo.run(&["validate", "specialists/nope"]);
    run.expect_code(2);
    assert!(run.stderr.contains("specialists/nope does not exist"), "{}", run.stderr);
}

/// The JSON shape is a public format: pinned by parsing into structs that reject unknown fields.
mod json_shape {
    #![allow(dead_code)]
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Report {
        pub ok: bool,
        pub diagnostics: Vec<Diag>,
        pub checked: Checked,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Checked {
        pub specialists: usize,
        pub test_files: usize,
        pub screenings: usize,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Diag {
        pub file: String,
        pub line: usize,
        pub column: usize,
        pub severity: String,
        pub code: String,
        pub message: String,
        pub field: Option<String>,
        pub hint: Option<String>,
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    let repo = TestRepo::fixture("minimal");
    repo.write("specialists/demo/system-prompt.md", "CPR 010190-1234\n");
    let run = repo.run(&["validate", "--format", "json"]);
    run.expect_code(1);
    let report: json_shape::Report = serde_json::from_str(&run.stdout).expect("documented shape");
    assert!(!report.ok);
    let d = &report.diagnostics[0];
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        ("specialists/demo/system-prompt.md", 1, 5)
    );
    assert_eq!((d.severity.as_str(), d.code.as_str()), ("error", "cpr-number"));
    assert!(d.hint.is_some());
}

#[test]
fn github_format_emits_annotations() {
    let repo = TestRepo::fixture("minimal");
    repo.write("specialists/demo/system-prompt.md", "Ring 89 40 20 00\n");
    let run = repo.run(&["validate", "--format", "github"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout.lines().next(),
        Some(
            "::warning file=specialists/demo/system-prompt.md,line=1,col=6,title=aispec phone-number::\
             text contains the phone number `89 40 20 00`%0Ahint: remove it, or if it is a public number add it to \
             [privacy] allow = [\"89 40 20 00\"] in specialist.toml"
        )
    );
}

#[test]
fn paths_limit_the_report_to_those_files() {
    let repo = TestRepo::fixture("minimal");
    repo.write("specialists/other/specialist.toml", "id = \n");
    repo.write("specialists/demo/system-prompt.md", "CPR 010190-1234\n");
    let all = repo.run(&["validate", "--format", "json"]).json();
    assert_eq!(all["diagnostics"].as_array().map(Vec::len), Some(3), "{all}");
    let run = repo.run(&["validate", "specialists/demo", "--format", "json"]);
    run.expect_code(1);
    let files: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["file"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(files, vec!["specialists/demo/system-prompt.md"]);
    let from_inside = repo
        .command(&["validate", "."])
        .current_dir(repo.path().join("specialists/other"))
        .output();
    let out = from_inside.expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("specialists/other/specialist.toml") && !text.contains("demo"),
        "{text}"
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let repo = TestRepo::fixture("minimal");
    repo.write("specialists/demo/system-prompt.md", "CPR 010190-1234\n");
    let plain = repo.run(&["validate"]);
    assert!(!plain.stdout.contains('\u{1b}'), "NO_COLOR=1 is set by the harness");
    let forced = repo.run(&["validate", "--color", "always"]);
    assert!(forced.stdout.contains("\u{1b}[31merror"), "{}", forced.stdout);
}
