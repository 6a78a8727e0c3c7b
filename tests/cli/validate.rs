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
            repo.add_shipped_specialist(id);
        }
    }
    let run = repo.run(&["validate", "--format", "json"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["checked"]["specialists"], 5);
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0), "{}", run.stdout);
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
