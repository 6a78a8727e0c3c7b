//! Danish first: with `language = "da"` (or `--lang da` / `AISPEC_LANG=da`) the human output is Danish, the
//! same runs in English stay English, and JSON is English either way.

use crate::assert_run_snapshot;
use crate::support::TestRepo;

/// A workspace whose example specialist has a handful of problems `validate` explains.
fn flawed() -> TestRepo {
    let repo = TestRepo::init();
    let path = "specialists/korrekturlaeser/specialist.toml";
    let spec = repo
        .read(path)
        .replace("temperature = 0.2", "tempreature = 0.2\nmax_tokens_x = 1")
        .replace(
            "contact = \"AarhusAI Builder-gruppen\"",
            "contact = \"anne.hansen@example.com\"",
        )
        .replace("tags = [\"korrektur\", ", "tags = [\"korrektur\", \"korrektur\", ");
    repo.write(path, spec);
    repo.write("specialists/korrekturlaeser/system-prompt.md", "");
    repo
}

#[test]
fn validate_explains_in_both_languages() {
    let repo = flawed();
    for lang in ["da", "en"] {
        let run = repo.run_with(&["validate"], &[("AISPEC_LANG", lang)]);
        run.expect_code(1);
        assert_run_snapshot!(format!("validate_{lang}"), repo, run);
    }
    let json = repo
        .run_with(&["validate", "--format", "json"], &[("AISPEC_LANG", "da")])
        .json();
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(messages.contains(&"unknown key `tempreature`"), "{messages:?}");
}

#[test]
fn errors_and_hints_from_main_in_both_languages() {
    let repo = TestRepo::empty();
    for lang in ["da", "en"] {
        let run = repo.run_with(&["status"], &[("AISPEC_LANG", lang)]);
        run.expect_code(2);
        assert_run_snapshot!(format!("no_workspace_{lang}"), repo, run);
    }
}

#[test]
fn a_clean_workspace_validates_in_danish() {
    let repo = TestRepo::init();
    let run = repo.run(&["validate", "--lang", "da"]);
    run.expect_code(0);
    assert_run_snapshot!("validate_clean_da", repo, run);
}
