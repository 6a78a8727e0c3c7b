//! A run's results are streamed to a temporary file and read back for the reports that show answers: the json,
//! junit and html reports and the saved file still hold every answer, whole and in plan order, and nothing is
//! left behind in `.aispec/`.

use serde_json::Value;

use crate::eval::TWO_CASES;
use crate::eval_repo::EvalRepo;

/// A long answer whose every part is different, so a cut, a swap or a mix-up of two answers shows.
fn long(tag: &str) -> String {
    (0..4000).map(|i| format!("{tag} svar del {i} ")).collect()
}

#[test]
fn json_junit_html_and_save_hold_every_long_answer_in_plan_order() {
    let (en, to) = (long("godt"), long("skidt"));
    let answers = format!(
        "[[answers]]\ncontains = \"[en]\"\nanswer = '''{en}'''\n\n[[answers]]\ncontains = \"[to]\"\nanswer = '''{to}'''\n"
    );
    let repo = EvalRepo::build(TWO_CASES).answers(&answers).start();
    let providers = ["--providers", "model-a,model-b"];

    let run = repo.eval(&[&providers[..], &["--format", "json", "--save=lang"]].concat());
    run.expect_code(0);
    let json = run.json();
    let results = json["results"]["results"].as_array().expect("results");
    let order: Vec<(&str, &str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["case"].as_str().unwrap_or_default(),
                r["provider"].as_str().unwrap_or_default(),
                r["answer"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("en", "model-a", en.as_str()),
            ("en", "model-b", en.as_str()),
            ("to", "model-a", to.as_str()),
            ("to", "model-b", to.as_str()),
        ]
    );
    let saved: Value = serde_json::from_str(&repo.read("evals/lang.json")).expect("saved json");
    assert_eq!(
        saved, json["results"],
        "the saved file is the run the json report shows"
    );

    let junit = repo.eval(&[&providers[..], &["--format", "junit"]].concat());
    junit.expect_code(0);
    assert_eq!(
        junit.stdout.matches(&format!("<system-out>{to}</system-out>")).count(),
        2,
        "the failing answer on each provider"
    );
    assert!(junit.stdout.contains("failures=\"2\""), "{}", &junit.stdout[..300]);

    repo.eval(&[&providers[..], &["--format", "html", "--out", "rapport.html"]].concat())
        .expect_code(0);
    let html = repo.read("rapport.html");
    assert_eq!(html.matches(en.as_str()).count(), 2, "each provider's answer to `en`");
    assert_eq!(html.matches(to.as_str()).count(), 2, "each provider's answer to `to`");

    let files: Vec<String> = std::fs::read_dir(repo.path().join(".aispec"))
        .expect(".aispec")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.is_empty(),
        "the results' temporary file is gone with the run: {files:?}"
    );
}
