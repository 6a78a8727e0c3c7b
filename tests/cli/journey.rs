//! `aispec journey` from files and in a pseudo-terminal; the shipped screenings and journeys are what the tool
//! makes from their answers files.

use rexpect::process::wait::WaitStatus;

use crate::screen_pty::{expect, key, pick, spawn};
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
    repo.write("a.answers.toml", fixture("answers/klarsprog.answers.toml"));
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "demo", "--no-commit"])
        .expect_code(0);
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

/// A workspace with the waste-sorting chatbot screened (no journey yet).
fn screened() -> TestRepo {
    let repo = TestRepo::init();
    repo.write(
        "a.answers.toml",
        std::fs::read_to_string(fixtures().join("generation/affaldsguide.answers.toml")).expect("answers"),
    );
    repo.run(&["screen", "--answers", "a.answers.toml", "--id", "affaldsguide"])
        .expect_code(0);
    repo
}

/// In a real terminal: help, back and save-and-stop are never stored as answers; running it again goes on where
/// it stopped; on a complete journey it offers to edit a chosen section.
#[test]
fn interactive_journey_with_help_back_quit_resume_and_edit() {
    let repo = screened();
    let mut p = spawn(&repo, &["journey", "affaldsguide"]);
    // Title and department come from the screening, so the personas come first.
    expect(&mut p, "== Personaer ==");
    expect(&mut p, "Persona: rolle");
    p.send_line("?").expect("send");
    expect(&mut p, "Hvem bruger specialisten?");
    p.send_line("Borger").expect("send");
    expect(&mut p, "Hvad har personen brug for?");
    p.send_line("Et hurtigt svar").expect("send");
    expect(&mut p, "Persona: rolle");
    p.send_line("").expect("send");
    expect(&mut p, "== Udløser ==");
    p.send_line("<").expect("send");
    // Back in the personas, each answer is offered again: Enter keeps it.
    expect(&mut p, "== Personaer ==");
    expect(&mut p, "Persona: rolle");
    p.send_line("").expect("send");
    expect(&mut p, "Hvad har personen brug for?");
    p.send_line("").expect("send");
    expect(&mut p, "Persona: rolle");
    p.send_line("").expect("send");
    expect(&mut p, "Hvad sætter brugeren i gang");
    p.send_line("En borger er i tvivl om sortering.").expect("send");
    expect(&mut p, "Trin i dag 1");
    p.send_line("!").expect("send");
    expect(&mut p, "Fortsæt, hvor du slap, med `aispec journey affaldsguide`");
    let status = p.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let stored = repo.read("screenings/affaldsguide/journey.toml");
    assert!(stored.contains("status = \"draft\""), "{stored}");
    assert!(
        stored.contains("trigger = \"En borger er i tvivl om sortering.\""),
        "{stored}"
    );
    assert!(
        stored.contains("role = \"Borger\"") && stored.contains("need = \"Et hurtigt svar\""),
        "{stored}"
    );
    for key in ["\"?\"", "\"<\"", "\"!\""] {
        assert!(!stored.contains(key), "{key} was saved: {stored}");
    }

    // Again: it goes on at the first empty section.
    let mut p = spawn(&repo, &["journey", "affaldsguide"]);
    expect(&mut p, "Trin i dag 1");
    for line in [
        "Ringer til kundeservice",
        "",
        "Spørger chatbotten",
        "",
        "",
        "",
        "Hvor skal batterier hen?",
        "Nævner genbrugsstationen og posen på låget.",
        "",
        "Færre opkald",
        "30 % færre opkald efter 6 måneder",
        "",
        "",
    ] {
        p.send_line(line).expect("send");
    }
    expect(&mut p, "Brugerrejsen er gemt");
    let status = p.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let stored = repo.read("screenings/affaldsguide/journey.toml");
    assert!(stored.contains("status = \"complete\""), "{stored}");
    assert!(stored.contains("question = \"Hvor skal batterier hen?\""), "{stored}");

    // Complete: it asks which section to edit instead of only saying it is saved.
    let mut p = spawn(&repo, &["journey", "affaldsguide"]);
    expect(&mut p, "Brugerrejsen er færdig");
    expect(&mut p, "Hvilket afsnit vil du rette?");
    pick(&mut p, &["Titel", "Afdeling", "Personaer", "Udløser"]);
    expect(&mut p, "Hvad sætter brugeren i gang");
    key(
        &mut p,
        &"\x7f".repeat("En borger er i tvivl om sortering.".chars().count()),
    );
    p.send_line("En borger vil have hentet storskrald.").expect("send");
    expect(&mut p, "Hvilket afsnit vil du rette?");
    key(&mut p, "\x1b");
    expect(&mut p, "Brugerrejsen er gemt");
    let status = p.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let stored = repo.read("screenings/affaldsguide/journey.toml");
    assert!(
        stored.contains("trigger = \"En borger vil have hentet storskrald.\""),
        "{stored}"
    );
    assert!(stored.contains("question = \"Hvor skal batterier hen?\""), "{stored}");
}

/// A journey needs its screening: a typo gets a suggestion instead of a new folder.
#[test]
fn a_journey_needs_an_existing_screening() {
    let repo = screened();
    let run = repo.run(&["journey", "affaldsgide"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("there is no screening `affaldsgide`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: did you mean `affaldsguide`?"),
        "{}",
        run.stderr
    );
    assert!(!repo.path().join("screenings/affaldsgide").exists());
    let run = repo.run(&["journey", "ukendt", "--answers", "a.answers.toml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("hint: run `aispec screen ukendt`"),
        "{}",
        run.stderr
    );
}

/// The shipped screenings and journeys are exactly what the tool makes from their answers files.
#[test]
fn shipped_screenings_are_made_by_the_tool() {
    let repo = TestRepo::init();
    for id in SHIPPED {
        repo.write("a.answers.toml", fixture(&format!("answers/{id}.answers.toml")));
        repo.write("j.toml", fixture(&format!("journeys/{id}.toml")));
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
        // The journey needs its screening; it renders the report again with the journey in it.
        repo.run_with(&["journey", id, "--answers", "j.toml", "--no-commit"], &[EPOCH])
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
