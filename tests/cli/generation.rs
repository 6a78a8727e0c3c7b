//! `aispec new` from real journeys: the waste-sorting chatbot, an internal HR letter helper and a case-worker
//! summary tool, and variants of their screenings. Every conditional sentence of the templates is written exactly
//! when the screening established what it rests on.

use std::collections::BTreeSet;

use crate::support::{TestRepo, fixtures, repo_root};

/// A screening variant: a base fixture with some answers changed (`None` removes the answer). Each comes with
/// the sentence ids that must be written; all others must not.
struct Variant {
    name: &'static str,
    base: &'static str,
    answers: &'static [(&'static str, Option<&'static str>)],
    /// The journey's department, which the sentences name.
    department: &'static str,
}

const CITIZEN: &[&str] = &[
    "notice_citizen_ai",
    "notice_citizen_no_personal",
    "notice_citizen_own_case",
    "prompt_role_citizen",
    "prompt_language_citizen",
    "prompt_disclose_ai",
    "prompt_own_case",
    "prompt_no_promises",
    "prompt_citizen_no_personal",
    "prompt_sources",
    "prompt_format_cite",
    "prompt_risks",
    "prompt_refer_citizen",
    "case_language_citizen",
    "case_disclosure",
    "case_refuses_personal_citizen",
    "case_own_case",
];

const STAFF_CASES: &[&str] = &[
    "notice_staff_ai",
    "notice_staff_personal",
    "notice_check",
    "notice_human_review",
    "notice_case_file",
    "notice_responsibility",
    "prompt_role_staff",
    "prompt_language_staff",
    "prompt_personal",
    "prompt_no_decisions",
    "prompt_draft_for_review",
    "prompt_risks",
    "prompt_refer_staff",
    "case_language_staff",
    "case_no_decision",
];

fn variants() -> Vec<(Variant, Vec<&'static str>)> {
    let with = |base: &[&'static str], more: &[&'static str], less: &[&'static str]| -> Vec<&'static str> {
        base.iter()
            .chain(more)
            .copied()
            .filter(|id| !less.contains(id))
            .collect()
    };
    vec![
        (
            Variant {
                name: "the waste-sorting chatbot",
                base: "affaldsguide",
                answers: &[],
                department: "Kredsløb",
            },
            with(CITIZEN, &["notice_other_channel", "prompt_cite_always"], &[]),
        ),
        (
            Variant {
                name: "a chatbot without another channel, whose answers citizens can check",
                base: "affaldsguide",
                answers: &[("other_channel", Some("no")), ("output_check", Some("easy"))],
                department: "Kredsløb",
            },
            CITIZEN.to_vec(),
        ),
        (
            Variant {
                name: "a citizen chatbot that may receive personal data",
                base: "affaldsguide",
                answers: &[
                    ("personal_data", Some("yes")),
                    ("special_categories", Some("no")),
                    ("cpr_numbers", Some("no")),
                    ("vulnerable_persons", Some("no")),
                    ("legitimate_purpose", Some("yes")),
                    ("compatible_purpose", Some("yes")),
                    ("proportionate", Some("yes")),
                    ("legal_basis", Some("yes")),
                    ("criminal_data", Some("no")),
                    ("processor_agreement", Some("no")),
                    ("third_country_transfer", Some("no")),
                    ("profiling", Some("no")),
                ],
                department: "Kredsløb",
            },
            with(
                CITIZEN,
                &[
                    "notice_citizen_personal",
                    "prompt_personal",
                    "notice_other_channel",
                    "prompt_cite_always",
                ],
                &[
                    "notice_citizen_no_personal",
                    "prompt_citizen_no_personal",
                    "case_refuses_personal_citizen",
                ],
            ),
        ),
        (
            Variant {
                name: "the HR letter helper",
                base: "hr-breve",
                answers: &[],
                department: "HR",
            },
            with(STAFF_CASES, &["prompt_sources", "prompt_format_cite"], &[]),
        ),
        (
            Variant {
                name: "the case-worker summary tool",
                base: "sagsoverblik",
                answers: &[],
                department: "Borgerservice",
            },
            with(STAFF_CASES, &["notice_confidential", "prompt_no_sources"], &[]),
        ),
        (
            Variant {
                name: "a summary tool where it is unclear whether a person assesses each case",
                base: "sagsoverblik",
                answers: &[("automated_decisions", Some("dont_know"))],
                department: "Borgerservice",
            },
            with(
                STAFF_CASES,
                &["notice_confidential", "prompt_no_sources"],
                &["notice_human_review", "prompt_draft_for_review"],
            ),
        ),
        (
            Variant {
                name: "an HR helper without personal data or case handling that publishes texts",
                base: "hr-breve",
                answers: &[
                    ("personal_data", Some("no")),
                    ("case_handling", Some("no")),
                    ("automated_decisions", None),
                    ("special_categories", None),
                    ("cpr_numbers", None),
                    ("vulnerable_persons", None),
                    ("legitimate_purpose", None),
                    ("compatible_purpose", None),
                    ("proportionate", None),
                    ("legal_basis", None),
                    ("criminal_data", None),
                    ("processor_agreement", None),
                    ("third_country_transfer", None),
                    ("profiling", None),
                    ("public_interest_text", Some("yes")),
                ],
                department: "HR",
            },
            vec![
                "notice_staff_ai",
                "notice_staff_no_personal",
                "notice_staff_no_confidential",
                "notice_check",
                "notice_publish",
                "notice_responsibility",
                "prompt_role_staff",
                "prompt_language_staff",
                "prompt_staff_no_personal",
                "prompt_sources",
                "prompt_format_cite",
                "prompt_risks",
                "prompt_refer_staff",
                "case_language_staff",
                "case_refuses_personal_staff",
            ],
        ),
    ]
}

fn fixture(name: &str) -> String {
    let path = fixtures().join("generation").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The answers file of `base` with `changes` applied.
fn answers(base: &str, changes: &[(&str, Option<&str>)]) -> String {
    let mut file: toml::Table = toml::from_str(&fixture(&format!("{base}.answers.toml"))).expect("answers");
    let answers = file
        .get_mut("answers")
        .and_then(toml::Value::as_table_mut)
        .expect("[answers]");
    for (q, v) in changes {
        match v {
            Some(v) => answers.insert((*q).to_owned(), toml::Value::String((*v).to_owned())),
            None => answers.remove(*q),
        };
    }
    toml::to_string(&file).expect("toml")
}

/// What `new` wrote, by reader: the notice users see, the prompt the model gets, the starter tests.
struct Written {
    notice: String,
    prompt: String,
    tests: String,
}

impl Written {
    /// Where a sentence belongs, by its id's prefix: rules for users in the notice, instructions for the model
    /// in the prompt, rubrics in the tests.
    fn part(&self, id: &str) -> &str {
        match id.split('_').next() {
            Some("notice") => &self.notice,
            Some("prompt") => &self.prompt,
            _ => &self.tests,
        }
    }

    fn all(&self) -> String {
        format!("{}\n{}\n{}", self.notice, self.prompt, self.tests)
    }
}

/// Screens `id` from an answers text, captures its journey and runs `new`.
fn written(repo: &TestRepo, id: &str, base: &str, answers_text: &str) -> Written {
    generate(repo, id, base, answers_text);
    let spec: toml::Table = toml::from_str(&repo.read(&format!("specialists/{id}/specialist.toml"))).expect("spec");
    Written {
        notice: spec["notice"].as_str().expect("notice").to_owned(),
        prompt: repo.read(&format!("specialists/{id}/system-prompt.md")),
        tests: repo.read(&format!("specialists/{id}/tests.toml")),
    }
}

/// Screens `id` from an answers text, captures its journey and runs `new`; the three generated files together.
fn generate(repo: &TestRepo, id: &str, base: &str, answers_text: &str) -> String {
    repo.write(&format!("{id}.answers.toml"), answers_text);
    repo.write(&format!("{id}.journey.toml"), fixture(&format!("{base}.journey.toml")));
    repo.run(&[
        "screen",
        "--answers",
        &format!("{id}.answers.toml"),
        "--id",
        id,
        "--no-commit",
    ])
    .expect_code(0);
    repo.run(&["journey", id, "--answers", &format!("{id}.journey.toml"), "--no-commit"])
        .expect_code(0);
    repo.run(&["new", id, "--from", id, "--contact", "Test"]).expect_code(0);
    ["specialist.toml", "system-prompt.md", "tests.toml"]
        .iter()
        .map(|f| repo.read(&format!("specialists/{id}/{f}")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(serde::Deserialize)]
struct Sentences {
    sentence: Vec<Sentence>,
}

#[derive(serde::Deserialize)]
struct Sentence {
    id: String,
    text: String,
}

fn sentences() -> Vec<Sentence> {
    let text = std::fs::read_to_string(repo_root().join("templates/specialist/da/sentences.toml")).expect("sentences");
    toml::from_str::<Sentences>(&text).expect("sentences parse").sentence
}

#[test]
fn each_conditional_sentence_is_written_exactly_when_its_condition_holds() {
    let repo = TestRepo::init();
    let all = sentences();
    let known: BTreeSet<&str> = all.iter().map(|s| s.id.as_str()).collect();
    let mut covered = BTreeSet::new();
    let mut problems = Vec::new();
    for (n, (v, expect)) in variants().into_iter().enumerate() {
        let id = format!("variante-{n}");
        let w = written(&repo, &id, v.base, &answers(v.base, v.answers));
        let everything = w.all();
        for e in &expect {
            assert!(known.contains(e), "{}: no sentence `{e}` in sentences.toml", v.name);
        }
        for s in &all {
            let text = s.text.replace("{{ department }}", v.department);
            let present = w.part(&s.id).contains(&text);
            if everything.matches(&text).count() > usize::from(present) {
                problems.push(format!("{}: `{}` is written where its reader is not", v.name, s.id));
            }
            let wanted = expect.contains(&s.id.as_str());
            if wanted {
                covered.insert(s.id.clone());
            }
            if present != wanted {
                problems.push(format!(
                    "{}: `{}` is {} but should {}",
                    v.name,
                    s.id,
                    if present { "written" } else { "missing" },
                    if wanted { "be written" } else { "not be" }
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let untested: Vec<&str> = known.iter().filter(|id| !covered.contains(**id)).copied().collect();
    assert!(
        untested.is_empty(),
        "no variant writes these sentences, so nothing checks them: {untested:?}"
    );
}

/// The three journeys of the issue give specialists that validate, leave nothing to fill in, and whose notice
/// and prompt say what their screenings established (checked in as snapshots).
#[test]
fn three_real_journeys_give_specialists_that_validate() {
    let repo = TestRepo::init();
    for id in ["affaldsguide", "hr-breve", "sagsoverblik"] {
        let files = generate(&repo, id, id, &fixture(&format!("{id}.answers.toml")));
        assert!(!files.contains("UDFYLD:") && !files.contains("TODO:"), "{id}: {files}");
        insta::assert_snapshot!(
            format!("generation_{id}_prompt"),
            repo.read(&format!("specialists/{id}/system-prompt.md"))
        );
        insta::assert_snapshot!(
            format!("generation_{id}_spec"),
            repo.read(&format!("specialists/{id}/specialist.toml"))
        );
    }
    insta::assert_snapshot!(
        "generation_affaldsguide_tests",
        repo.read("specialists/affaldsguide/tests.toml")
    );
    // The workspace's own specialist and the three new ones.
    let json = repo.expect_no_diagnostics();
    assert_eq!(json["checked"]["specialists"], 4, "{json}");
}

/// The cases drawn from the journey each have a prompt of their own, and the description is whole sentences.
#[test]
fn starter_cases_have_distinct_prompts_and_the_description_is_a_sentence() {
    let repo = TestRepo::init();
    generate(
        &repo,
        "affaldsguide",
        "affaldsguide",
        &fixture("affaldsguide.answers.toml"),
    );
    let tests: toml::Table = toml::from_str(&repo.read("specialists/affaldsguide/tests.toml")).expect("tests");
    let prompts: Vec<&str> = tests["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["prompt"].as_str())
        .collect();
    let distinct: BTreeSet<&&str> = prompts.iter().collect();
    assert_eq!(distinct.len(), prompts.len(), "{prompts:?}");
    let language = tests["cases"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"].as_str() == Some("sprog")))
        .expect("language case");
    assert!(
        language["prompt"].as_str().is_some_and(|p| p.starts_with("Hi!")),
        "{language:?}"
    );
    let spec: toml::Table = toml::from_str(&repo.read("specialists/affaldsguide/specialist.toml")).expect("spec");
    let description = spec["description"].as_str().expect("description");
    assert!(
        description.starts_with("Borgere får svar") && description.ends_with('.'),
        "{description}"
    );
}

/// Without a journey, `new` leaves placeholders: validate warns about each, approve refuses to sign until none
/// is left.
#[test]
fn placeholders_are_reported_and_block_sign_off() {
    let repo = crate::new::with_screenings();
    repo.remove("screenings/byggesager/journey.toml");
    let run = repo.run(&[
        "new",
        "byggesag",
        "--from",
        "byggesager",
        "--contact",
        "A",
        "--format",
        "json",
    ]);
    run.expect_code(0);
    let left = run.json()["placeholders"].as_u64().expect("count");
    assert!(left >= 4, "{}", run.stdout);
    let validate = repo.run(&["validate", "specialists/byggesag", "--format", "json"]);
    validate.expect_code(0);
    let found: Vec<serde_json::Value> = validate.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "placeholder")
        .cloned()
        .collect();
    assert_eq!(found.len() as u64, left, "{}", validate.stdout);
    assert!(found.iter().all(|d| d["severity"] == "warning"), "{found:?}");
    assert!(
        found
            .iter()
            .any(|d| d["file"] == "specialists/byggesag/system-prompt.md"
                && d["message"] == "left to fill in: UDFYLD: hvem bruger specialisten, og hvad har de brug for?"),
        "{found:?}"
    );
    let sign = [
        "approve",
        "specialist",
        "byggesag",
        "--role",
        "faglig-systemejer",
        "--by",
        "A",
        "--no-commit",
    ];
    let refused = repo.run(&sign);
    refused.expect_code(1);
    assert!(
        refused.stderr.contains(&format!(
            "error: not signed: specialists/byggesag has {left} placeholder(s) left to fill in"
        )),
        "{}",
        refused.stderr
    );
    assert!(
        !repo
            .read("specialists/byggesag/specialist.toml")
            .contains("[[signoffs]]")
    );
    for file in ["specialist.toml", "system-prompt.md", "tests.toml"] {
        let rel = format!("specialists/byggesag/{file}");
        repo.write(&rel, repo.read(&rel).replace("UDFYLD: ", "Udfyldt: "));
    }
    repo.run(&sign).expect_code(0);
}

/// `specialist.toml` with the commented-out `[[knowledge]]` entries that `new` writes turned on.
fn knowledge_turned_on(text: &str) -> String {
    let keys = ["[[knowledge]]", "file = ", "description = ", "source = ", "owner = "];
    text.lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if keys.iter().any(|k| rest.starts_with(k)) => rest,
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The journey's sources become to-dos in the form `aispec knowledge fetch` reads: with the comment signs
/// removed, a web address is a source still to fetch, and an intranet page saved where the comment says is
/// fetched into knowledge/ and validates.
#[test]
fn the_journeys_sources_turn_into_knowledge_sources() {
    let repo = TestRepo::init();
    generate(
        &repo,
        "affaldsguide",
        "affaldsguide",
        &fixture("affaldsguide.answers.toml"),
    );
    generate(&repo, "hr-breve", "hr-breve", &fixture("hr-breve.answers.toml"));
    for id in ["affaldsguide", "hr-breve"] {
        let path = format!("specialists/{id}/specialist.toml");
        repo.write(&path, knowledge_turned_on(&repo.read(&path)));
    }
    let spec = repo.read("specialists/hr-breve/specialist.toml");
    assert!(spec.contains("\n[[knowledge]]\n"), "{spec}");
    assert!(
        spec.contains("gem først en kopi som specialists/hr-breve/sources/personalehaandbogen.html"),
        "{spec}"
    );
    repo.write(
        "specialists/hr-breve/sources/personalehaandbogen.html",
        "<html><body><nav>Menu</nav><main><h1>Personalehåndbog</h1><p>Ferie skal varsles tre måneder før.</p>\
         </main></body></html>",
    );
    let fetch = repo.run(&["knowledge", "fetch", "hr-breve"]);
    fetch.expect_code(0);
    let knowledge = repo.read("specialists/hr-breve/knowledge/personalehaandbogen.md");
    assert!(knowledge.contains("Ferie skal varsles tre måneder før."), "{knowledge}");

    let clean = repo.run(&["validate", "specialists/hr-breve", "--format", "json"]);
    clean.expect_code(0);
    assert_eq!(clean.json()["diagnostics"], serde_json::json!([]), "{}", clean.stdout);

    // The web pages are sources to fetch (which this test cannot reach): only that is left.
    let run = repo.run(&["validate", "specialists/affaldsguide", "--format", "json"]);
    let codes: BTreeSet<String> = run.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        codes,
        BTreeSet::from(["knowledge-not-fetched".to_owned(), "missing-knowledge".to_owned()]),
        "{}",
        run.stdout
    );
}
