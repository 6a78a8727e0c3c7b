//! `aispec approve` and the sign-off lifecycle: signed, voided by an edit, reported by validate, re-signed.

use crate::diff::render;
use crate::support::TestRepo;

const SPEC: &str = "specialists/korrekturlaeser/specialist.toml";
const PROMPT: &str = "specialists/korrekturlaeser/system-prompt.md";

/// Signs init's example screening by every role it requires, so only the specialist's own sign-offs count.
fn sign_screening(repo: &TestRepo, id: &str, roles: &[&str]) {
    for role in roles {
        repo.run(&["approve", "screening", id, "--role", role, "--by", "Bo Hansen"])
            .expect_code(0);
    }
}

pub(crate) fn approve(repo: &TestRepo, extra: &[&str]) -> crate::support::Run {
    let mut args = vec![
        "approve",
        "specialist",
        "korrekturlaeser",
        "--role",
        "faglig-systemejer",
        "--by",
        "Anne Jensen",
    ];
    args.extend_from_slice(extra);
    repo.run(&args)
}

#[test]
fn approve_records_commits_and_keeps_formatting() {
    let repo = TestRepo::init();
    let before = repo.read(SPEC);
    let run = approve(&repo, &["--note", "Gennemgået på mødet 5. januar"]);
    run.expect_code(0);
    insta::assert_snapshot!(render(&repo, &run));
    let after = repo.read(SPEC);
    assert!(after.starts_with(&before), "the existing text is untouched");
    insta::assert_snapshot!("approved_file_tail", repo.redact(&after[before.len()..]));
    let git = git2::Repository::open(repo.path()).expect("repo");
    let head = git.head().expect("head").peel_to_commit().expect("commit");
    assert_eq!(
        head.summary().ok().flatten(),
        Some("Approve specialist korrekturlaeser 1.0.0 as faglig-systemejer")
    );
    assert!(
        git.statuses(None).expect("status").is_empty(),
        "the sign-off is committed"
    );
    repo.run(&["validate"]).expect_code(0);

    let again = approve(&repo, &[]);
    insta::assert_snapshot!("approve_again_writes_nothing", render(&repo, &again));
    assert_eq!(repo.read(SPEC), after, "nothing written twice");
}

#[test]
fn an_edit_voids_the_signoff_until_signed_again() {
    let repo = TestRepo::init();
    sign_screening(&repo, "korrekturlaeser", &["faglig-systemejer", "legal"]);
    approve(&repo, &[]).expect_code(0);
    let prompt = repo.read(PROMPT);
    repo.write(
        PROMPT,
        prompt.replacen("Du bevarer forfatterens stemme", "Du bevarer forfatterens tone", 1),
    );

    let validate = repo.run(&["validate"]);
    validate.expect_code(0);
    insta::assert_snapshot!("void_signoff_in_validate", render(&repo, &validate));

    let status = repo.run(&["status", "--format", "json"]).json();
    let row = &status["rows"][0];
    assert_eq!(row["state"], "draft");
    assert_eq!(row["missing_roles"], serde_json::json!(["faglig-systemejer", "legal"]));
    assert_eq!(row["void_signoffs"], 1);
    assert_eq!(row["uncommitted"], true);

    let diff = repo.run(&["diff", "--format", "json"]).json();
    let d = &diff["specialists"][0];
    assert_eq!(d["signoffs"]["voided"][0]["by"], "Anne Jensen");
    assert!(
        d["risks"]
            .as_array()
            .expect("risks")
            .iter()
            .any(|r| r["code"] == "signoffs-voided"),
        "{d:#}"
    );

    repo.run(&["bump", "korrekturlaeser", "minor"]).expect_code(0);
    approve(&repo, &[]).expect_code(0);
    repo.run(&[
        "approve",
        "specialist",
        "korrekturlaeser",
        "--role",
        "legal",
        "--by",
        "Bo Hansen",
    ])
    .expect_code(0);
    let text = repo.read(SPEC);
    assert_eq!(
        text.matches("role = \"faglig-systemejer\"").count(),
        1,
        "the void sign-off of the role was replaced"
    );
    let status = repo.run(&["status", "--format", "json"]).json();
    assert_eq!(status["rows"][0]["state"], "approved");
    assert_eq!(status["rows"][0]["void_signoffs"], 0);
}

#[test]
fn a_role_that_is_not_required_is_refused() {
    let repo = TestRepo::init();
    let run = repo.run(&[
        "approve",
        "specialist",
        "korrekturlaeser",
        "--role",
        "chef",
        "--by",
        "X",
    ]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("role `chef` is not required for korrekturlaeser; required: faglig-systemejer"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_content_is_not_signed() {
    let repo = TestRepo::init();
    let spec = repo.read(SPEC);
    repo.write(
        SPEC,
        spec.replacen("base_model = \"mistral-small-3.2-24b\"", "base_model = \"gpt-99\"", 1),
    );
    let run = approve(&repo, &[]);
    insta::assert_snapshot!("invalid_content_is_not_signed", render(&repo, &run));
    assert!(!repo.read(SPEC).contains("[[signoffs]]"));
}

#[test]
fn unknown_specialist() {
    let repo = TestRepo::init();
    let run = repo.run(&[
        "approve",
        "specialist",
        "nope",
        "--role",
        "faglig-systemejer",
        "--by",
        "X",
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("no specialist `nope`"), "{}", run.stderr);
}

#[test]
fn screening_roles_add_to_the_workspace_roles_and_the_screening_must_be_signed() {
    let repo = crate::new::with_screenings();
    repo.run(&["new", "byggesag", "--from", "byggesager"]).expect_code(0);
    repo.commit_all("new specialist");
    let run = repo.run(&[
        "approve",
        "specialist",
        "byggesag",
        "--role",
        "faglig-systemejer",
        "--by",
        "Anne",
        "--format",
        "json",
    ]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["state"], "blocked", "the screening is not signed yet");
    assert_eq!(json["missing"][0], "legal", "the screening requires a lawyer too");
    assert_eq!(json["blocked"][0]["code"], "screening-unsigned");
    assert!(
        repo.read("specialists/byggesag/specialist.toml")
            .contains("by = \"Anne\""),
        "signed anyway"
    );

    let run = repo.run(&["approve", "specialist", "byggesag", "--role", "legal", "--by", "Bo"]);
    // Blocked, with why and what to do.
    insta::assert_snapshot!("approve_blocked_by_its_screening", render(&repo, &run));

    let run = repo.run(&["approve", "screening", "byggesager", "--role", "legal", "--by", "Bo"]);
    run.expect_code(0);
    let file = repo.read("screenings/byggesager/signoffs.toml");
    assert!(file.starts_with("# Sign-offs of this screening"), "{file}");
    assert!(file.contains("role = \"legal\""), "{file}");
    let report = repo.read("screenings/byggesager/report.md");
    assert!(
        report.contains("| Jurist | ✓ godkendt af Bo den "),
        "the report shows who signed: {report}"
    );
    assert!(report.contains("| Faglig systemejer | mangler |"), "{report}");
    repo.run(&[
        "approve",
        "screening",
        "byggesager",
        "--role",
        "faglig-systemejer",
        "--by",
        "Anne",
    ])
    .expect_code(0);
    let status = repo.run(&["status", "--format", "json"]).json();
    assert_eq!(status["rows"][0]["id"], "byggesag");
    assert_eq!(status["rows"][0]["state"], "approved");

    let run = repo.run(&["approve", "screening", "afvist", "--role", "chef", "--by", "Bo"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("role `chef` is not required for afvist"),
        "{}",
        run.stderr
    );
}

/// Every specialist must trace back to a screening: without a link it stays blocked, unless the workspace
/// opts out, and validate warns either way.
#[test]
fn a_specialist_without_a_screening_is_blocked_unless_the_workspace_opts_out() {
    let repo = TestRepo::init();
    let spec = repo.read(SPEC);
    repo.write(SPEC, spec.replacen("screening = \"korrekturlaeser\"\n", "", 1));
    let run = approve(&repo, &["--format", "json"]);
    run.expect_code(0);
    assert_eq!(run.json()["state"], "blocked");
    assert_eq!(run.json()["blocked"][0]["code"], "no-screening");
    let validate = repo.run(&["validate", "--format", "json"]);
    validate.expect_code(0);
    assert_eq!(validate.json()["diagnostics"][0]["code"], "no-screening");

    let config = repo.read("aispec.toml");
    repo.write(
        "aispec.toml",
        config.replacen("[signoff]\n", "[signoff]\nrequire_screening = false\n", 1),
    );
    let run = approve(&repo, &["--format", "json"]);
    run.expect_code(0);
    assert_eq!(run.json()["already_signed"], true);
    assert_eq!(run.json()["state"], "approved");
    let validate = repo.run(&["validate", "--format", "json"]);
    let d = &validate.json()["diagnostics"][0];
    assert_eq!(d["code"], "no-screening");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("require_screening = false")),
        "{d}"
    );
}

#[test]
fn a_warning_from_approve_is_printed_once() {
    let repo = TestRepo::init();
    // report.md cannot be rewritten when a folder stands in its place: approve still signs, and warns.
    let report = repo.path().join("screenings/korrekturlaeser/report.md");
    std::fs::remove_file(&report).ok();
    std::fs::create_dir_all(report.join("blocker")).expect("blocker folder");
    let run = repo.run(&[
        "approve",
        "screening",
        "korrekturlaeser",
        "--role",
        "legal",
        "--by",
        "Bo",
        "--no-commit",
    ]);
    run.expect_code(0);
    assert_eq!(
        run.stderr.matches("report.md not updated").count(),
        1,
        "the warning is said once: {}",
        run.stderr
    );
}
