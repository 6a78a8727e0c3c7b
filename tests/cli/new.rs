//! `aispec new --from SCREENING`.

use crate::support::{TestRepo, copy_dir, fixtures};

/// A workspace with the authoring screenings (`byggesager` approved with a journey, `afvist` refused) and a
/// group alias for the department.
pub fn with_screenings() -> TestRepo {
    let repo = TestRepo::init();
    copy_dir(
        &fixtures().join("authoring/screenings"),
        &repo.path().join("screenings"),
    );
    let config = repo.read("aispec.toml");
    repo.write(
        "aispec.toml",
        config.replacen("[groups]\n", "[groups]\nteknik-og-miljoe = \"Teknik og Miljø\"\n", 1),
    );
    repo.commit_all("screenings");
    repo
}

#[test]
fn a_specialist_from_an_approved_screening_validates_as_generated() {
    let repo = with_screenings();
    let run = repo.run(&["new", "byggesag", "--from", "byggesager", "--contact", "Anne Jensen"]);
    run.expect_code(0);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("new_specialist_toml", repo.read("specialists/byggesag/specialist.toml"));
    insta::assert_snapshot!("new_system_prompt", repo.read("specialists/byggesag/system-prompt.md"));
    insta::assert_snapshot!("new_tests_toml", repo.read("specialists/byggesag/tests.toml"));
    repo.expect_no_diagnostics();
}

#[test]
fn a_refused_screening_creates_nothing() {
    let repo = with_screenings();
    let run = repo.run(&["new", "automatisk", "--from", "afvist"]);
    run.expect_code(1);
    // A refusal is an error, not a warning: the command's answer is no.
    assert!(
        run.stderr.starts_with("error: screening `afvist` refused the use case"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(run.stderr.contains("GDPR art. 22"), "{}", run.stderr);
    assert!(!repo.path().join("specialists/automatisk").exists());
}

#[test]
fn undecided_warns_and_english_workspaces_get_english_templates() {
    let repo = with_screenings();
    // "Don't know" about automated decisions leaves Må vi? undecided.
    let answers = std::fs::read_to_string(fixtures().join("authoring/answers/byggesager.answers.toml"))
        .expect("answers")
        .replacen("automated_decisions = \"no\"", "automated_decisions = \"dont_know\"", 1);
    repo.write("undecided.answers.toml", answers);
    repo.run(&[
        "screen",
        "--answers",
        "undecided.answers.toml",
        "--id",
        "byggesager",
        "--no-commit",
    ])
    .expect_code(0);
    let config = repo.read("aispec.toml");
    repo.write(
        "aispec.toml",
        config.replacen("language = \"da\"", "language = \"en\"", 1),
    );
    let run = repo.run(&[
        "new",
        "building",
        "--from",
        "byggesager",
        "--kind",
        "assistent",
        "--contact",
        "A",
    ]);
    run.expect_code(0);
    assert!(run.stderr.contains("is undecided"), "{}", run.stderr);
    let prompt = repo.read("specialists/building/system-prompt.md");
    assert!(
        prompt.starts_with("# Role\n\nYour name is \"Byggesagshjælperen\". You help staff in Teknik og Miljø"),
        "{prompt}"
    );
    repo.run(&["validate"]).expect_code(0);
}

#[test]
fn workspace_templates_override_the_built_in_ones() {
    let repo = with_screenings();
    repo.write(
        "templates/specialist/da/system-prompt.md.j2",
        "# {{ name }}\n\nEgen skabelon for {{ department }}.\n",
    );
    repo.run(&["new", "byggesag", "--from", "byggesager", "--contact", "A"])
        .expect_code(0);
    assert_eq!(
        repo.read("specialists/byggesag/system-prompt.md"),
        "# Byggesagshjælperen\n\nEgen skabelon for Teknik og Miljø.\n"
    );
}

#[test]
fn usage_errors() {
    let repo = with_screenings();
    let run = repo.run(&["new", "x", "--from", "findes-ikke"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("hint: run `aispec screen findes-ikke`"),
        "{}",
        run.stderr
    );
    let run = repo.run(&["new", "korrekturlaeser", "--from", "byggesager"]);
    run.expect_code(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    let run = repo.run(&["new", "Bad_Id", "--from", "byggesager"]);
    run.expect_code(2);
    assert!(run.stderr.contains("is not a valid id"), "{}", run.stderr);
}

#[test]
fn no_allowed_model_is_a_no() {
    let repo = with_screenings();
    let screening = repo.read("screenings/byggesager/screening.toml");
    repo.write(
        "screenings/byggesager/screening.toml",
        screening.replacen(
            "data_classification = \"internal\"",
            "data_classification = \"sensitive-personal\"",
            1,
        ),
    );
    let run = repo.run(&["new", "byggesag", "--from", "byggesager"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error: no model in the catalogue may receive sensitive-personal data on internal or eu-cloud"),
        "{}",
        run.stderr
    );
}

/// Every command that takes an id, and `--role`, answers a typo with the name it probably meant.
#[test]
fn typos_in_ids_and_roles_get_a_suggestion() {
    let repo = with_screenings();
    let cases: &[(&[&str], &str)] = &[
        (
            &["new", "byggesag", "--from", "byggesagr"],
            "did you mean `byggesager`?",
        ),
        (&["journey", "byggesagr"], "did you mean `byggesager`?"),
        (
            &[
                "approve",
                "specialist",
                "korrekturlaser",
                "--role",
                "faglig-systemejer",
                "--by",
                "A",
            ],
            "did you mean `korrekturlaeser`?",
        ),
        (
            &["approve", "screening", "byggesagr", "--role", "legal", "--by", "A"],
            "did you mean `byggesager`?",
        ),
        (
            &[
                "approve",
                "specialist",
                "korrekturlaeser",
                "--role",
                "Faglig-Systemejer",
                "--by",
                "A",
            ],
            "did you mean `faglig-systemejer`?",
        ),
        (&["bump", "korrekturlaser", "patch"], "did you mean `korrekturlaeser`?"),
        (&["export", "korektur-laeser"], "did you mean `korrekturlaeser`?"),
        (&["plan", "korrekturlaser"], "did you mean `korrekturlaeser`?"),
        (&["deploy", "korrekturlaser"], "did you mean `korrekturlaeser`?"),
        (
            &["eval", "korrekturlaser", "--providers", "platform:test"],
            "did you mean `korrekturlaeser`?",
        ),
        (&["log", "korrekturlaser"], "did you mean `korrekturlaeser`?"),
        (&["screen", "--rescreen", "byggesagr"], "did you mean `byggesager`?"),
    ];
    for (args, hint) in cases {
        let run = repo.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("hint: {hint}")),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(!repo.path().join("screenings/byggesagr").exists());
    // A capital letter is caught where the id is parsed, with the same suggestion.
    let run = repo.run(&["journey", "Byggesager"]);
    run.expect_code(2);
    assert!(run.stderr.contains("did you mean `byggesager`?"), "{}", run.stderr);
}

/// An id with æ, ø or å is answered with its transliteration.
#[test]
fn danish_letters_in_an_id_get_the_transliteration() {
    let repo = with_screenings();
    let run = repo.run(&["new", "affaldshåndtering", "--from", "byggesager"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("did you mean `affaldshaandtering`? (æ, ø and å are written ae, oe and aa)"),
        "{}",
        run.stderr
    );
}

/// `bump` on a specialist added since the main branch says its version is its first instead of failing.
#[test]
fn bump_on_a_specialist_added_since_main_keeps_its_first_version() {
    let repo = with_screenings();
    repo.run(&["new", "byggesag", "--from", "byggesager", "--contact", "A"])
        .expect_code(0);
    let run = repo.run(&["bump", "byggesag"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout.trim(),
        "specialists/byggesag/specialist.toml: new since the main branch, so 0.1.0 is its first version; nothing to raise"
    );
    let json = repo.run(&["bump", "byggesag", "--format", "json"]);
    json.expect_code(0);
    assert_eq!(json.json()["first"], true);
    assert_eq!(json.json()["level"], serde_json::Value::Null);
    assert!(
        repo.read("specialists/byggesag/specialist.toml")
            .contains("version = \"0.1.0\"")
    );
}

/// A `specialist.toml` that is not TOML is named with its line, not reported as a missing version.
#[test]
fn bump_on_broken_toml_names_the_line() {
    let repo = with_screenings();
    repo.run(&["new", "byggesag", "--from", "byggesager", "--contact", "A"])
        .expect_code(0);
    let path = "specialists/byggesag/specialist.toml";
    repo.write(path, repo.read(path).replacen("\nname = ", "\nname = = ", 1));
    let line = repo
        .read(path)
        .lines()
        .position(|l| l.starts_with("name = ="))
        .expect("line")
        + 1;
    let run = repo.run(&["bump", "byggesag", "patch"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(&format!(
            "error: specialists/byggesag/specialist.toml:{line} is not valid TOML, so its version cannot be read"
        )),
        "{}",
        run.stderr
    );
}
