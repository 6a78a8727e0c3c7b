//! `aispec journey` from files and in a pseudo-terminal; the shipped screenings and journeys are what the tool
//! makes from their answers files.

use rexpect::process::wait::WaitStatus;
use rexpect::session::spawn_command;

use crate::support::{TestRepo, fixtures, repo_root};

const SHIPPED: [&str; 5] = [
    "aarhusai-start",
    "korrekturlaeser",
    "stillingsopslag",
    "opsummering",
    "klarsprog",
];
const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1795910400");

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn a_journey_file_is_stored_committed_and_put_in_the_report() {
    let repo = TestRepo::init();
    repo.write("a.answers.toml", fixture("answers/klarsprog.answers.toml"));
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "klarsprog"])
        .expect_code(0);
    repo.write("j.toml", fixture("journeys/klarsprog.toml"));
    let run = repo.run(&["journey", "klarsprog", "--answers", "j.toml", "--format", "json"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["status"], "complete");
    assert_eq!(json["files"][1], "screenings/klarsprog/report.md");
    let stored = repo.read("screenings/klarsprog/journey.toml");
    assert!(
        stored.contains("id = \"klarsprog\"") && stored.contains("status = \"complete\""),
        "{stored}"
    );
    let report = repo.read("screenings/klarsprog/report.md");
    assert!(report.contains("## Brugerrejse: Breve, borgerne forstår"), "{report}");
    assert!(
        report.contains("- **Læsbarhed**: LIX under 40 for reviderede breve."),
        "{report}"
    );
    let git = git2::Repository::open(repo.path()).expect("repo");
    let head = git.head().and_then(|h| h.peel_to_commit()).expect("head");
    assert_eq!(head.message().ok(), Some("Capture the user journey of klarsprog"));
}

#[test]
fn an_incomplete_or_broken_journey_file() {
    let repo = TestRepo::init();
    repo.write("j.toml", "title = \"Kun en titel\"\n");
    let run = repo.run(&["journey", "demo", "--answers", "j.toml", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(run.json()["status"], "draft");
    assert_eq!(run.json()["missing"][0], "department");
    repo.write(
        "j.toml",
        "title = \"x\"\n[[sources]]\ntitle = \"a\"\nkind = \"paper\"\n",
    );
    let run = repo.run(&["journey", "demo", "--answers", "j.toml"]);
    run.expect_code(2);
    assert!(run.stderr.contains("`paper` is not allowed"), "{}", run.stderr);
    assert!(run.stderr.contains("missing required key `location`"), "{}", run.stderr);
    repo.write("j.toml", "id = \"other\"\ntitle = \"x\"\n");
    let run = repo.run(&["journey", "demo", "--answers", "j.toml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("the file is for `other`, not `demo`"),
        "{}",
        run.stderr
    );
    let run = repo.run(&["journey", "demo"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--answers FILE"), "{}", run.stderr);
}

#[test]
fn interactive_journey_in_a_terminal() {
    let repo = TestRepo::init();
    let mut cmd = repo.command(&["journey", "demo", "--lang", "en"]);
    cmd.env("TERM", "xterm").env(EPOCH.0, EPOCH.1);
    let mut p = spawn_command(cmd, Some(30_000)).expect("spawn");
    let mut step = |expect: &str, reply: &str| {
        if let Err(e) = p.exp_string(expect) {
            panic!("waiting for {expect:?}: {e}");
        }
        p.send_line(reply).expect("send");
    };
    step("Title of the user journey", "Demo journey");
    step("Department", "");
    step("Persona: role", "Caseworker");
    step("What does this person need?", "Quick answers");
    step("Persona: role", "");
    step("What makes the user start", "A citizen asks");
    step("Step today 1", "Looks it up");
    step("Step today 2", "");
    step("Step with the specialist 1", "Asks the specialist");
    step("Step with the specialist 2", "");
    step("What is hard", "");
    step("Source material: title", "");
    step("Success criterion", "Faster answers");
    step("How is it measured", "Under 2 minutes");
    step("Success criterion", "");
    step("Risk: what could go wrong?", "");
    p.exp_string("The user journey is saved in screenings/demo/journey.toml")
        .expect("saved");
    let status = p.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let stored = repo.read("screenings/demo/journey.toml");
    assert!(stored.contains("status = \"complete\""), "{stored}");
    assert!(stored.contains("steps_today = [\"Looks it up\"]"), "{stored}");
}

/// The shipped screenings and journeys are exactly what the tool makes from their answers files.
#[test]
fn shipped_screenings_are_made_by_the_tool() {
    let repo = TestRepo::init();
    for id in SHIPPED {
        repo.write("a.answers.toml", fixture(&format!("answers/{id}.answers.toml")));
        repo.write("j.toml", fixture(&format!("journeys/{id}.toml")));
        repo.run_with(&["journey", id, "--answers", "j.toml", "--no-commit"], &[EPOCH])
            .expect_code(0);
        repo.run_with(
            &[
                "screen",
                "--answers",
                "a.answers.toml",
                "--id",
                id,
                "--by",
                "AarhusAI Builder-gruppen",
                "--no-commit",
            ],
            &[EPOCH],
        )
        .expect_code(0);
        for file in ["screening.toml", "journey.toml", "report.md"] {
            let rel = format!("screenings/{id}/{file}");
            let shipped = std::fs::read_to_string(repo_root().join(&rel)).unwrap_or_default();
            assert!(
                shipped == repo.read(&rel),
                "{rel} differs from what the tool makes; regenerate with `tests/fixtures/make-screenings.sh`"
            );
        }
    }
}
