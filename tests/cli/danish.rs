//! Danish first: with `language = "da"` (or `--lang da` / `AISPEC_LANG=da`) the human output is Danish, the
//! same runs in English stay English, and JSON is English either way.

use crate::assert_run_snapshot;
use crate::support::{Run, TestRepo};

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

/// The example specialist with a reworded prompt, a new temperature and a sign-off: something for diff and log.
fn changed() -> TestRepo {
    let repo = TestRepo::init();
    repo.run(&[
        "approve",
        "specialist",
        "korrekturlaeser",
        "--role",
        "faglig-systemejer",
        "--by",
        "Bo",
    ])
    .expect_code(0);
    let path = "specialists/korrekturlaeser/specialist.toml";
    repo.write(path, repo.read(path).replace("temperature = 0.2", "temperature = 0.4"));
    let prompt = "specialists/korrekturlaeser/system-prompt.md";
    repo.write(prompt, repo.read(prompt).replacen("Du", "Du er venlig, og du", 1));
    repo
}

#[test]
fn diff_log_and_bump_in_both_languages() {
    let repo = changed();
    for lang in ["da", "en"] {
        let run = repo.run_with(&["diff", "--check-versions"], &[("AISPEC_LANG", lang)]);
        assert_run_snapshot!(format!("diff_{lang}"), repo, without_commit_ids(run));
        let run = repo.run_with(&["log", "korrekturlaeser"], &[("AISPEC_LANG", lang)]);
        run.expect_code(0);
        assert_run_snapshot!(format!("log_{lang}"), repo, without_commit_ids(run));
    }
    let run = repo.run_with(&["bump", "korrekturlaeser", "minor"], &[("AISPEC_LANG", "da")]);
    run.expect_code(0);
    assert_run_snapshot!("bump_da", repo, run);
}

#[test]
fn init_speaks_danish() {
    let repo = TestRepo::empty();
    let run = repo.run_with(&["init", "--name", "Testkommune"], &[("AISPEC_LANG", "da")]);
    run.expect_code(0);
    assert_run_snapshot!("init_da", repo, without_commit_ids(run));
}

/// The run with commit ids (7 to 40 hex digits) replaced, so snapshots do not depend on them.
fn without_commit_ids(run: Run) -> Run {
    let ids = regex::Regex::new(r"\b[0-9a-f]{7,40}\b").expect("regex");
    Run {
        stdout: ids.replace_all(&run.stdout, "[COMMIT]").into_owned(),
        stderr: ids.replace_all(&run.stderr, "[COMMIT]").into_owned(),
        ..run
    }
}

/// Runs `args` in Danish, checks the exit code and snapshots the run as `name` (commit ids replaced).
fn snap_da(repo: &TestRepo, name: &str, args: &[&str], code: i32) {
    let run = without_commit_ids(repo.run_with(args, &[("AISPEC_LANG", "da")]));
    run.expect_code(code);
    assert_run_snapshot!(name, repo, run);
}

#[test]
fn new_and_approve_speak_danish() {
    let repo = crate::new::with_screenings();
    snap_da(
        &repo,
        "new_da",
        &["new", "byggesag", "--from", "byggesager", "--contact", "Anne Jensen"],
        0,
    );
    snap_da(&repo, "new_refused_da", &["new", "automatisk", "--from", "afvist"], 1);
    snap_da(&repo, "new_exists_da", &["new", "byggesag", "--from", "byggesager"], 2);
    repo.commit_all("byggesag");
    snap_da(
        &repo,
        "approve_blocked_da",
        &["approve", "specialist", "byggesag", "--role", "legal", "--by", "Bo"],
        0,
    );
    snap_da(
        &repo,
        "approve_again_da",
        &["approve", "specialist", "byggesag", "--role", "legal", "--by", "Bo"],
        0,
    );
    snap_da(
        &repo,
        "approve_unknown_role_da",
        &["approve", "specialist", "byggesag", "--role", "jurist", "--by", "Bo"],
        2,
    );
    snap_da(
        &repo,
        "approve_unknown_id_da",
        &["approve", "screening", "byggesagr", "--role", "legal", "--by", "Bo"],
        2,
    );
    let path = "specialists/byggesag/specialist.toml";
    repo.write(path, repo.read(path).replacen("temperature", "tempreature", 1));
    snap_da(
        &repo,
        "approve_invalid_da",
        &["approve", "specialist", "byggesag", "--role", "legal", "--by", "Bo"],
        1,
    );
}

#[test]
fn screen_and_journey_speak_danish() {
    let repo = TestRepo::init();
    let fixture = |rel: &str| std::fs::read_to_string(crate::support::fixtures().join(rel)).expect("fixture");
    repo.write("a.answers.toml", fixture("answers/klarsprog.answers.toml"));
    snap_da(
        &repo,
        "screen_da",
        &["screen", "--answers", "a.answers.toml", "--id", "demo", "--no-commit"],
        0,
    );
    snap_da(&repo, "screen_unknown_da", &["screen", "--rescreen", "dmo"], 2);
    snap_da(&repo, "screen_no_terminal_da", &["screen", "demo"], 2);
    repo.write("bad.answers.toml", "[answers]\nnot_a_question = \"yes\"\n");
    snap_da(
        &repo,
        "screen_bad_answers_da",
        &["screen", "--answers", "bad.answers.toml"],
        2,
    );
    repo.write("j.toml", "title = \"Kun en titel\"\n");
    snap_da(
        &repo,
        "journey_draft_da",
        &["journey", "demo", "--answers", "j.toml", "--no-commit"],
        0,
    );
    snap_da(
        &repo,
        "journey_unknown_da",
        &["journey", "ukendt", "--answers", "j.toml"],
        2,
    );
    snap_da(&repo, "journey_no_terminal_da", &["journey", "demo"], 2);
    // The journey is a draft, so `new` warns that parts are left to fill in.
    snap_da(
        &repo,
        "new_warnings_da",
        &["new", "demo-hjaelper", "--from", "demo", "--contact", "A"],
        0,
    );
}

#[test]
fn feedback_refusals_speak_danish() {
    let repo = TestRepo::init();
    snap_da(
        &repo,
        "feedback_unknown_da",
        &["feedback", "accept", "korrekturlaesr", "c1"],
        2,
    );
    snap_da(
        &repo,
        "feedback_no_drafts_da",
        &["feedback", "accept", "korrekturlaeser", "c1"],
        2,
    );
    snap_da(&repo, "import_nothing_named_da", &["import"], 2);
    repo.write("models.json", "{\"not\": \"a list\"}");
    snap_da(&repo, "import_not_export_da", &["import", "models.json"], 2);
}
