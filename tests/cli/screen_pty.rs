//! `aispec screen` in a real pseudo-terminal: answer, ask for help, go back, quit with Ctrl-C, resume, finish.

use rexpect::process::wait::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::support::{TestRepo, fixtures};

/// Generous guard so a hung prompt fails the test instead of blocking CI; never a timing assertion.
const GUARD_MS: u64 = 30_000;

fn small_workspace() -> TestRepo {
    let repo = TestRepo::init();
    let q = std::fs::read_to_string(fixtures().join("questionnaires/small.toml")).expect("fixture");
    repo.write("questionnaires/screening.toml", q);
    repo.commit_all("small questionnaire");
    repo
}

pub fn spawn(repo: &TestRepo, args: &[&str]) -> PtySession {
    let mut cmd = repo.command(args);
    cmd.env("TERM", "xterm").env("SOURCE_DATE_EPOCH", "1767225600");
    spawn_command(cmd, Some(GUARD_MS)).expect("spawn in a pty")
}

/// Waits for `text`. rexpect reads the terminal byte by byte as Latin-1, so the needle is spelled the same way.
pub fn expect(p: &mut PtySession, text: &str) {
    let needle: String = text.bytes().map(char::from).collect();
    if let Err(e) = p.exp_string(&needle) {
        panic!("waiting for {text:?}: {e}");
    }
}

/// Moves a select menu down through `downs` (one key at a time, waiting for each redraw), then picks the last.
/// Nothing is highlighted when a menu opens, so the first key highlights the first item.
pub fn pick(p: &mut PtySession, downs: &[&str]) {
    for label in downs {
        key(p, "j");
        expect(p, &format!("> {label}"));
    }
    key(p, "\r");
}

/// Sends keys without a newline (select menus read single keys).
pub fn key(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("send");
    p.flush().expect("flush");
}

#[test]
fn answer_go_back_interrupt_resume_and_finish() {
    let repo = small_workspace();
    let mut p = spawn(&repo, &["screen", "demo"]);
    expect(&mut p, "Titel på use casen");
    p.send_line("Demo").expect("send");
    expect(&mut p, "Afdeling");
    p.send_line("").expect("send");

    expect(&mut p, "Kan vi? 1/2");
    expect(&mut p, "Beskriv use casen");
    p.send_line("?").expect("send");
    expect(&mut p, "HJÆLPETEKST til use case");
    p.send_line("En lille use case").expect("send");
    expect(&mut p, "Note til svaret");
    p.send_line("").expect("send");

    expect(&mut p, "Kan vi? 2/2");
    expect(&mut p, "Gem og stop");
    // An accidental Enter records nothing: no item is highlighted yet. Had it picked "Godt", the keys below
    // would land in the note prompt instead of the menu.
    key(&mut p, "\r");
    pick(&mut p, &["Godt", "Dårligt"]);
    expect(&mut p, "Note til svaret");
    p.send_line("").expect("send");

    expect(&mut p, "Må vi? 1/1");
    expect(&mut p, "Gem og stop");
    pick(&mut p, &["Ja"]);
    expect(&mut p, "Note til svaret");
    p.send_line("vi bruger kun navne").expect("send");

    // The condition now holds, so the track grows to two questions; go back from the new one.
    expect(&mut p, "Må vi? 2/2");
    expect(&mut p, "Gem og stop");
    pick(&mut p, &["Ja", "Nej", "? Hjælp", "← Tilbage"]);
    expect(&mut p, "Må vi? 1/2");
    expect(&mut p, "Nuværende svar: Ja");
    expect(&mut p, "Gem og stop");

    // Ctrl-C mid-way: everything answered so far is on disk.
    p.send_control('c').expect("ctrl-c");
    let status = p.process().wait().expect("wait");
    assert!(
        matches!(
            status,
            WaitStatus::Signaled(_, rexpect::process::signal::Signal::SIGINT, _)
        ),
        "{status:?}"
    );
    let draft = repo.read("screenings/demo/screening.toml");
    assert!(draft.contains("status = \"draft\""), "{draft}");
    assert!(
        draft.contains("[answers.personal_data]\nvalue = \"yes\"\nnote = \"vi bruger kun navne\""),
        "{draft}"
    );
    assert!(draft.contains("value = \"En lille use case\""), "{draft}");
    assert!(
        draft.contains("[answers.fit]\nvalue = \"poor\"\nquestion_hash"),
        "the accidental Enter recorded nothing and no keys went into a note: {draft}"
    );

    // Resume: only the open questions are asked.
    let mut p = spawn(&repo, &["screen", "demo"]);
    expect(&mut p, "Fortsætter screening `demo`: 3 svar gemt.");
    expect(&mut p, "Må vi? 2/2");
    expect(&mut p, "Er der et retsgrundlag?");
    expect(&mut p, "Gem og stop");
    // An answer that stops the use case is confirmed first; declining asks the question again.
    pick(&mut p, &["Ja", "Nej"]);
    expect(
        &mut p,
        "Dette svar stopper use casen: Uden retsgrundlag ingen behandling.",
    );
    expect(&mut p, "Vil du gemme svaret?");
    key(&mut p, "\r"); // nothing is highlighted here either
    pick(&mut p, &["Ja, gem svaret", "Nej, vælg et andet svar"]);
    expect(&mut p, "Er der et retsgrundlag?");
    expect(&mut p, "Gem og stop");
    pick(&mut p, &["Ja", "Nej"]);
    expect(&mut p, "Vil du gemme svaret?");
    pick(&mut p, &["Ja, gem svaret"]);
    expect(&mut p, "Note til svaret");
    p.send_line("").expect("send");
    expect(&mut p, "Stop: Uden retsgrundlag ingen behandling.");

    expect(&mut p, "Bør vi? 1/1");
    expect(&mut p, "Ikke relevant");
    pick(&mut p, &["Høj bekymring", "Middel bekymring", "Lav bekymring"]);
    expect(&mut p, "Beskriv jeres overvejelser");
    p.send_line("Ingen særlige").expect("send");
    expect(&mut p, "Note til svaret");
    p.send_line("").expect("send");

    expect(&mut p, "Screeningen er færdig.");
    expect(&mut p, "Afvist");
    let status = p.process().wait().expect("wait");
    assert!(
        matches!(status, WaitStatus::Exited(_, 1)),
        "refused exits 1: {status:?}"
    );

    let done = repo.read("screenings/demo/screening.toml");
    assert!(done.contains("status = \"complete\""), "{done}");
    assert!(done.contains("outcome = \"refused\""), "{done}");
    let report = repo.read("screenings/demo/report.md");
    assert!(report.contains("# Demo"), "{report}");
    assert!(report.contains("Uden retsgrundlag ingen behandling."), "{report}");
    let git = git2::Repository::open(repo.path()).expect("repo");
    let head = git.head().and_then(|h| h.peel_to_commit()).expect("head");
    assert_eq!(head.message().ok(), Some("Screen demo: refused"));
}

#[test]
fn quitting_from_the_menu_saves_a_draft() {
    let repo = small_workspace();
    let mut p = spawn(&repo, &["screen", "demo", "--lang", "en"]);
    expect(&mut p, "Title of the use case");
    p.send_line("Demo").expect("send");
    expect(&mut p, "Department");
    p.send_line("Digitalisering").expect("send");
    expect(&mut p, "Can we? 1/2");
    p.send_line("Something").expect("send");
    expect(&mut p, "Note on the answer");
    p.send_line("").expect("send");
    expect(&mut p, "Save and stop");
    pick(&mut p, &["Well", "Poorly", "? Help", "← Back", "Save and stop"]);
    expect(
        &mut p,
        "Stopped. Your answers are saved in screenings/demo/screening.toml",
    );
    let status = p.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    let draft = repo.read("screenings/demo/screening.toml");
    assert!(draft.contains("department = \"Digitalisering\""), "{draft}");
    assert!(draft.contains("language = \"en\""), "{draft}");
}

/// What the terminal received before `text` appears, decoded (rexpect hands bytes over as Latin-1 chars).
fn capture_until(p: &mut PtySession, text: &str) -> String {
    let needle: String = text.bytes().map(char::from).collect();
    let before = p
        .exp_string(&needle)
        .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"));
    let bytes: Vec<u8> = before
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn a_long_question_is_wrapped_to_an_80_column_terminal() {
    let repo = small_workspace();
    let long = "Passer opgaven til en sprogmodel, når man tænker på, hvor ofte svarene skal være helt præcise, hvor \
                meget fagligt skøn der indgår, og hvor let en medarbejder kan opdage en fejl i svaret?";
    let q = repo.read("questionnaires/screening.toml");
    repo.write("questionnaires/screening.toml", q.replace("Passer opgaven?", long));
    repo.commit_all("a long question");
    // The pty is 80 columns wide (stty on the pty itself), whatever COLUMNS says.
    let inner = repo.command(&["screen", "demo"]);
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "stty cols 80 rows 40 && exec \"$0\" \"$@\""])
        .arg(inner.get_program())
        .args(inner.get_args())
        .current_dir(repo.path())
        .env_clear()
        .env("TERM", "xterm")
        .env("SOURCE_DATE_EPOCH", "1767225600");
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let mut p = spawn_command(cmd, Some(GUARD_MS)).expect("spawn in a pty");
    expect(&mut p, "Titel på use casen");
    p.send_line("Demo").expect("send");
    expect(&mut p, "Afdeling");
    p.send_line("").expect("send");
    expect(&mut p, "Beskriv use casen");
    p.send_line("En lille use case").expect("send");
    expect(&mut p, "Note til svaret");
    p.send_line("").expect("send");

    let mut shown = capture_until(&mut p, "Gem og stop");
    key(&mut p, "j");
    shown.push_str(&capture_until(&mut p, "> Godt"));
    key(&mut p, "\r");
    shown.push_str(&capture_until(&mut p, "Note til svaret"));
    p.send_line("").expect("send");
    shown.push_str(&capture_until(&mut p, "Må vi? 1/1"));

    let escapes = regex::Regex::new("\x1b\\[[0-9;?]*[A-Za-z]").expect("regex");
    let plain = escapes.replace_all(&shown, "");
    let segments: Vec<&str> = plain.split(['\n', '\r']).collect();
    assert!(
        segments.iter().any(|s| s.contains("hvor meget fagligt skøn")),
        "the question is shown:\n{plain}"
    );
    for segment in &segments {
        assert!(
            segment.chars().count() <= 80,
            "a line the terminal would have to wrap itself (and dialoguer would then not clear):\n{segment}\n---\n{plain}"
        );
    }
    p.send_control('c').expect("ctrl-c");
    let _ = p.process().wait();
}
