//! `aispec log`.

use crate::diff::render;
use crate::support::TestRepo;

#[test]
fn history_with_versions_and_signoffs() {
    let repo = TestRepo::init();
    let prompt = "specialists/korrekturlaeser/system-prompt.md";
    let text = repo.read(prompt);
    repo.write(
        prompt,
        text.replacen("Du bevarer forfatterens stemme", "Du bevarer forfatterens tone", 1),
    );
    repo.run(&["bump", "korrekturlaeser"]).expect_code(0);
    repo.commit_all("Bevar tonen");
    repo.run(&[
        "approve",
        "specialist",
        "korrekturlaeser",
        "--role",
        "faglig-systemejer",
        "--by",
        "Anne Jensen",
        "--note",
        "OK",
    ])
    .expect_code(0);
    repo.write("specialists/korrekturlaeser/knowledge/x.md", "x");
    let run = repo.run(&["log", "korrekturlaeser"]);
    run.expect_code(0);
    insta::assert_snapshot!(render(&repo, &run));
    let json = repo.run(&["log", "korrekturlaeser", "--format", "json"]).json();
    let entries = json["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["signed"][0]["by"], "Anne Jensen");
    assert_eq!(entries[1]["previous_version"], "1.0.0");
    assert_eq!(entries[1]["version"], "1.1.0");
    assert_eq!(entries[2]["created"], true);
    assert_eq!(json["uncommitted"], true);
}

#[test]
fn unknown_specialist_has_no_history() {
    let repo = TestRepo::init();
    let run = repo.run(&["log", "nope"]);
    run.expect_code(2);
    assert!(run.stderr.contains("specialists/nope has no history"), "{}", run.stderr);
}
