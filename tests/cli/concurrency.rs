//! Commands that run at the same time, or are killed halfway: the workspace lock, temporary files and an init
//! that can be finished. Real processes, repeated, because a race shows up only sometimes.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Stdio};

use crate::support::{Run, TestRepo, copy_dir, fixtures};

const SPEC: &str = "specialists/korrekturlaeser/specialist.toml";
const TRIALS: usize = 8;

fn spawn(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = repo.command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn aispec")
}

fn finish(child: Child) -> Run {
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A workspace where two roles must sign every specialist.
fn two_roles() -> TestRepo {
    let repo = TestRepo::init();
    let config = repo.read("aispec.toml").replacen(
        "required_roles = [\"faglig-systemejer\"]",
        "required_roles = [\"faglig-systemejer\", \"it-sikkerhed\"]",
        1,
    );
    repo.write("aispec.toml", config);
    repo.commit_all("Two roles sign");
    // The specialist is blocked until its screening is signed by every role it requires, and the screening
    // adds `legal` to the specialist's roles: settle those first, so the race is between the two config roles.
    for role in ["faglig-systemejer", "it-sikkerhed", "legal"] {
        repo.run(&[
            "approve",
            "screening",
            "korrekturlaeser",
            "--role",
            role,
            "--by",
            "Bo Hansen",
        ])
        .expect_code(0);
    }
    repo.run(&approve_args("legal")).expect_code(0);
    repo
}

fn approve_args(role: &str) -> Vec<&str> {
    vec![
        "approve",
        "specialist",
        "korrekturlaeser",
        "--role",
        role,
        "--by",
        "Anne Jensen",
    ]
}

fn head_paths(repo: &TestRepo) -> Vec<String> {
    let git = git2::Repository::open(repo.path()).expect("repo");
    let tree = git.head().expect("head").peel_to_tree().expect("tree");
    let mut paths = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        paths.push(format!("{dir}{}", entry.name().unwrap_or_default()));
        git2::TreeWalkResult::Ok
    })
    .expect("walk");
    paths
}

#[test]
fn two_approvals_at_the_same_moment_both_land() {
    const WAIT: (&str, &str) = ("AISPEC_LOCK_TIMEOUT", "60");
    for trial in 0..TRIALS {
        let repo = two_roles();
        let a = spawn(&repo, &approve_args("faglig-systemejer"), &[WAIT]);
        let b = spawn(&repo, &approve_args("it-sikkerhed"), &[WAIT]);
        let (a, b) = (finish(a), finish(b));
        a.expect_code(0);
        b.expect_code(0);
        let spec = repo.read(SPEC);
        assert_eq!(
            spec.matches("[[signoffs]]").count(),
            3,
            "trial {trial}: one sign-off lost\n{spec}"
        );
        repo.run(&["status", "--format", "json"]).expect_code(0).json()["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["id"] == "korrekturlaeser"))
            .map(|row| assert_eq!(row["state"], "approved", "trial {trial}: {row}"))
            .expect("row");
        let git = git2::Repository::open(repo.path()).expect("repo");
        assert!(
            git.statuses(None).expect("status").is_empty(),
            "trial {trial}: both committed"
        );
        assert!(
            !head_paths(&repo).iter().any(|p| p.contains(".aispec-")),
            "trial {trial}: a temporary file was committed"
        );
    }
}

#[test]
fn a_writer_waits_for_the_lock_with_a_message_and_then_goes_on() {
    let repo = TestRepo::init();
    let ws = aispec::workspace::Workspace::open(repo.path().to_path_buf());
    let held = aispec::lock::WorkspaceLock::acquire(&ws, |_| panic!("free")).expect("lock");
    let mut child = spawn(
        &repo,
        &approve_args("faglig-systemejer"),
        &[("AISPEC_LOCK_TIMEOUT", "120")],
    );
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("read");
    assert!(
        first.contains("waiting for another aispec command to finish") && first.contains(".git/aispec.lock"),
        "{first}"
    );
    assert!(
        !repo.read(SPEC).contains("[[signoffs]]"),
        "nothing written while it waits"
    );
    drop(held);
    let run = finish(child);
    run.expect_code(0);
    assert!(repo.read(SPEC).contains("[[signoffs]]"));
}

#[test]
fn a_writer_gives_up_naming_the_lock_and_its_holder() {
    let repo = TestRepo::init();
    let ws = aispec::workspace::Workspace::open(repo.path().to_path_buf());
    let _held = aispec::lock::WorkspaceLock::acquire(&ws, |_| panic!("free")).expect("lock");
    let before = repo.read(SPEC);
    let run = repo.run_with(&approve_args("faglig-systemejer"), &[("AISPEC_LOCK_TIMEOUT", "0")]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("error: another aispec command is writing to this workspace (process "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(".git/aispec.lock"), "{}", run.stderr);
    assert!(
        run.stderr.contains("hint: wait for the other command"),
        "{}",
        run.stderr
    );
    assert_eq!(repo.read(SPEC), before);
}

fn screening_outcome(repo: &TestRepo) -> String {
    let text = repo.read("screenings/kaplob/screening.toml");
    let doc: toml::Table = toml::from_str(&text).expect("screening.toml");
    doc["result"]["outcome"].as_str().expect("outcome").to_owned()
}

#[test]
fn two_screenings_of_one_id_leave_the_files_agreeing() {
    let approved = std::fs::read_to_string(fixtures().join("answers/korrekturlaeser.answers.toml")).expect("answers");
    let refused = std::fs::read_to_string(fixtures().join("authoring/answers/afvist.answers.toml")).expect("answers");
    for trial in 0..TRIALS {
        let repo = TestRepo::init();
        repo.write("a.answers.toml", &approved);
        repo.write("b.answers.toml", &refused);
        let wait = [("AISPEC_LOCK_TIMEOUT", "60")];
        // Three of each at once: without the lock the files disagreed in about one trial in five.
        let runs: Vec<Child> = (0..6)
            .map(|i| {
                let file = if i % 2 == 0 { "a.answers.toml" } else { "b.answers.toml" };
                spawn(&repo, &["screen", "--answers", file, "--id", "kaplob"], &wait)
            })
            .collect();
        for run in runs.into_iter().map(finish) {
            assert!(run.code == 0 || run.code == 1, "trial {trial}: {}", run.stderr);
        }
        let outcome = screening_outcome(&repo);
        let label = match outcome.as_str() {
            "approved" => "| **Samlet resultat** | **Godkendt** |",
            "refused" => "| **Samlet resultat** | **Afvist** |",
            other => panic!("trial {trial}: unexpected outcome {other}"),
        };
        let report = repo.read("screenings/kaplob/report.md");
        assert!(
            report.contains(label),
            "trial {trial}: screening.toml says {outcome}, report.md does not\n{report}"
        );
    }
}

#[test]
fn stale_temporary_files_are_removed_and_never_committed() {
    let repo = TestRepo::init();
    let answers = std::fs::read_to_string(fixtures().join("answers/korrekturlaeser.answers.toml")).expect("answers");
    repo.write("a.answers.toml", answers);
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "rest"])
        .expect_code(0);
    // What a screen killed while writing leaves behind.
    repo.write("screenings/rest/.aispec-Xk2p9q.tmp", vec![b'x'; 10 * 1024 * 1024]);
    repo.write("specialists/korrekturlaeser/.aispec-a1b2c3.tmp", "halv");
    let validate = repo.run(&["validate"]);
    assert!(!validate.stdout.contains(".aispec-"), "{}", validate.stdout);
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "rest"])
        .expect_code(0);
    assert!(!repo.path().join("screenings/rest/.aispec-Xk2p9q.tmp").exists());
    repo.run(&approve_args("faglig-systemejer")).expect_code(0);
    assert!(
        !repo
            .path()
            .join("specialists/korrekturlaeser/.aispec-a1b2c3.tmp")
            .exists()
    );
    assert!(!head_paths(&repo).iter().any(|p| p.contains(".aispec-")));
}

#[test]
fn an_interrupted_init_is_finished_by_running_it_again() {
    let template = TestRepo::empty();
    template
        .run(&["init", "--name", "Testkommune", "--no-commit"])
        .expect_code(0);
    let repo = TestRepo::empty();
    git2::Repository::init(repo.path()).expect("git init");
    // Killed after models.toml and the example specialist, before aispec.toml.
    for f in ["models.toml", ".gitignore", SPEC] {
        repo.write(f, template.read(f));
    }
    let run = repo.run(&["init", "--name", "Testkommune"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("Finished an interrupted init: 3 file(s)"),
        "{}",
        run.stdout
    );
    repo.run(&["validate"]).expect_code(0);
    let git = git2::Repository::open(repo.path()).expect("repo");
    assert!(git.statuses(None).expect("status").is_empty(), "everything committed");

    // Killed between writing aispec.toml and the commit.
    let late = TestRepo::empty();
    git2::Repository::init(late.path()).expect("git init");
    copy_dir(template.path(), late.path());
    late.run(&["init", "--name", "Testkommune"]).expect_code(0);
    let git = git2::Repository::open(late.path()).expect("repo");
    assert!(git.head().is_ok(), "the commit was made");
    late.run(&["init", "--name", "Testkommune"]).expect_code(2);
}

#[test]
fn init_killed_at_any_moment_can_be_finished() {
    for step in 0..TRIALS {
        let parent = TestRepo::empty();
        let mut child = parent.command(&["init", "ny", "--name", "Testkommune"]);
        let mut child = child
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Kill it at a different point each time: right away, while writing, while committing, after.
        std::thread::sleep(std::time::Duration::from_millis(step as u64 * 15));
        let _ = child.kill();
        let _ = child.wait();
        let ws = parent.path().join("ny");
        if ws.exists() {
            // Never half-made under its name: complete and committed, or not there at all.
            let git = git2::Repository::open(&ws).expect("a repository");
            assert!(git.head().is_ok(), "step {step}: ny exists without its commit");
            assert!(ws.join("aispec.toml").is_file(), "step {step}");
        }
        let again = parent.run(&["init", "ny", "--name", "Testkommune"]);
        let done_before = again.code == 2 && again.stderr.contains("already an aispec workspace");
        assert!(
            again.code == 0 || done_before,
            "step {step}: the second init failed\n{}",
            again.stderr
        );
        let validate = parent.run(&["-C", ws.to_str().expect("utf-8"), "validate"]);
        validate.expect_code(0);
        let git = git2::Repository::open(&ws).expect("repo");
        assert!(git.head().is_ok(), "step {step}: committed");
        let dirty: Vec<String> = git
            .statuses(None)
            .expect("status")
            .iter()
            .map(|e| format!("{:?} {}", e.status(), e.path().unwrap_or_default()))
            .collect();
        assert!(dirty.is_empty(), "step {step}: not clean: {dirty:?}\n{}", again.stdout);
    }
}
