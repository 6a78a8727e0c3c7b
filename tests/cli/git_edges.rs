//! git edge cases for the commands that commit: a lock left by a killed git, a detached HEAD, no repository,
//! a repository that belongs to another user, and a bare repository. Each is refused before anything is written.

use crate::approve::approve;
use crate::assert_run_snapshot;
use crate::support::{TestRepo, fixtures};

const SPEC: &str = "specialists/korrekturlaeser/specialist.toml";

fn head(repo: &TestRepo) -> String {
    let git = git2::Repository::open(repo.path()).expect("repo");
    git.head()
        .expect("head")
        .peel_to_commit()
        .expect("commit")
        .id()
        .to_string()
}

#[test]
fn a_left_over_index_lock_stops_approve_before_it_signs() {
    let repo = TestRepo::init();
    let (spec, commit) = (repo.read(SPEC), head(&repo));
    repo.write(".git/index.lock", "");
    let run = approve(&repo, &[]);
    assert_run_snapshot!("index_lock_stops_approve", repo, run);
    assert_eq!(run.code, 2);
    assert_eq!(repo.read(SPEC), spec, "nothing signed");
    assert_eq!(head(&repo), commit, "nothing committed");

    repo.remove(".git/index.lock");
    approve(&repo, &[]).expect_code(0);
    assert_ne!(head(&repo), commit);
}

#[test]
fn commands_that_commit_refuse_a_detached_head_unless_allowed() {
    let repo = TestRepo::init();
    let git = git2::Repository::open(repo.path()).expect("repo");
    let id = git.head().expect("head").peel_to_commit().expect("commit").id();
    git.set_head_detached(id).expect("detach");
    let spec = repo.read(SPEC);

    let run = approve(&repo, &[]);
    assert_run_snapshot!("detached_head_stops_approve", repo, run);
    assert_eq!(repo.read(SPEC), spec);
    let answers = std::fs::read_to_string(fixtures().join("answers/korrekturlaeser.answers.toml")).expect("answers");
    repo.write("a.answers.toml", answers);
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "frakoblet"])
        .expect_code(2);
    assert!(!repo.path().join("screenings/frakoblet").exists(), "nothing written");

    approve(&repo, &["--allow-detached"]).expect_code(0);
    assert_ne!(
        head(&repo),
        id.to_string(),
        "committed on the detached HEAD when asked to"
    );
    repo.run(&[
        "screen",
        "--answers",
        "a.answers.toml",
        "--id",
        "frakoblet",
        "--no-commit",
    ])
    .expect_code(0);
}

#[test]
fn approve_outside_git_is_an_error_unless_told_not_to_commit() {
    let repo = TestRepo::empty();
    crate::support::copy_dir(&fixtures().join("minimal"), repo.path());
    let spec_path = "specialists/demo/specialist.toml";
    let spec = repo.read(spec_path);
    let args = [
        "approve",
        "specialist",
        "demo",
        "--role",
        "faglig-systemejer",
        "--by",
        "Anne Jensen",
    ];
    let run = repo.run(&args);
    assert_run_snapshot!("approve_outside_git", repo, run);
    assert_eq!(repo.read(spec_path), spec, "not signed");
    let mut no_commit = args.to_vec();
    no_commit.push("--no-commit");
    repo.run(&no_commit).expect_code(0);
    assert!(repo.read(spec_path).contains("[[signoffs]]"));
}

#[test]
fn a_repository_of_another_user_is_named_with_the_fix() {
    let repo = TestRepo::init();
    let chown = |owner: &str| {
        let status = std::process::Command::new("chown")
            .args(["-R", owner])
            .arg(repo.path())
            .status()
            .expect("chown");
        assert!(status.success(), "chown needs root, as in CI");
    };
    chown("65534:65534");
    let diff = repo.run(&["diff"]);
    let approve_run = approve(&repo, &[]);
    chown("0:0");
    assert_run_snapshot!("another_users_repository", repo, diff);
    approve_run.expect_code(2);
    assert!(
        approve_run.stderr.contains("belongs to another user"),
        "{}",
        approve_run.stderr
    );
    assert!(!repo.read(SPEC).contains("[[signoffs]]"));
}

#[test]
fn init_into_a_bare_repository_writes_nothing() {
    let repo = TestRepo::empty();
    git2::Repository::init_bare(repo.path().join("central.git")).expect("bare");
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(repo.path().join("central.git"))
            .expect("ls")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    let run = repo.run(&["init", "central.git"]);
    assert_run_snapshot!("init_into_bare_repository", repo, run);
    let inside = repo.run(&["-C", "central.git", "init"]);
    inside.expect_code(2);
    assert_eq!(listing(), before, "nothing written into the bare repository");
}
