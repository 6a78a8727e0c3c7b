//! `aispec eval` and `aispec models` against the stub LLM server.

use serde_json::Value;

use crate::assert_run_snapshot;
use crate::eval_repo::{EvalRepo, PROMPT, result};
use crate::support::TestRepo;
use crate::support::stub::StubLlm;

const ONE_CASE: &str = r#"
[[cases]]
id = "hilsen"
category = "tone"
prompt = "Sig goddag [hilsen]"

[[cases.assert]]
type = "icontains"
value = "goddag"
"#;

#[test]
fn every_assertion_type_passes_and_fails_through_the_binary() {
    // (assertion fields, answer that passes, answer that fails)
    let table: Vec<(&str, &str, &str)> = vec![
        (
            r#"type = "equals"
value = "Ja""#,
            "Ja",
            "Nej",
        ),
        (
            r#"type = "contains"
value = "nogle""#,
            "Der er nogle fejl.",
            "Der er nogen fejl.",
        ),
        (
            r#"type = "icontains"
value = "AARHUS""#,
            "Velkommen til Aarhus",
            "Velkommen til Odense",
        ),
        (
            r#"type = "contains-any"
value = ["CPR", "personnummer"]"#,
            "Skriv aldrig et personnummer",
            "Skriv aldrig noget",
        ),
        (
            r#"type = "contains-all"
value = ["klage", "frist"]"#,
            "Du kan klage inden for fristen",
            "Du kan klage",
        ),
        (
            r#"type = "starts-with"
value = "Kære""#,
            "Kære borger",
            "Hej borger",
        ),
        (
            r#"type = "regex"
value = '^\d{4} Aarhus'"#,
            "8000 Aarhus C",
            "Aarhus 8000",
        ),
        (
            r#"type = "not-contains"
value = "010190-1234""#,
            "Jeg gentager ikke nummeret",
            "Nummeret er 010190-1234",
        ),
        (
            r#"type = "is-json"
value = { type = "object", required = ["navn"] }"#,
            r#"{"navn": "Karen"}"#,
            r#"{"alder": 4}"#,
        ),
        (
            r#"type = "word-count"
min = 2
max = 4"#,
            "tre korte ord",
            "alt for mange ord i dette lange svar",
        ),
        (
            r#"type = "max-length"
value = 10"#,
            "kort",
            "alt for langt et svar",
        ),
        (
            r#"type = "levenshtein"
value = "kagefade"
threshold = 1"#,
            "kage-fade",
            "kaffekande",
        ),
        (
            r#"type = "language"
value = "da""#,
            "Jeg kan desværre ikke svare på det i dag.",
            "I am afraid I cannot answer that today.",
        ),
        (
            r#"type = "lix"
max = 30"#,
            "Vi ses i dag. Kom bare ind.",
            "Kommunalbestyrelsens beslutningsgrundlag vedrørende ressourceallokering.",
        ),
        (
            r#"type = "llm-rubric"
value = "Svaret er høfligt.""#,
            "RUBRIC-OK et høfligt svar",
            "RUBRIC-NO et uhøfligt svar",
        ),
        // The slow answer sleeps 1.5 s in the stub; the fast one has a second to spare.
        (
            r#"type = "latency"
threshold = 1000"#,
            "hurtigt",
            "langsomt",
        ),
    ];
    let mut tests = String::new();
    let mut answers = String::from(
        r#"
[[answers]]
model = "judge-model"
contains = "RUBRIC-OK"
answer = '{"pass": true, "score": 0.9, "reason": "Svaret er høfligt."}'

[[answers]]
model = "judge-model"
contains = "RUBRIC-NO"
answer = '{"pass": false, "score": 0.2, "reason": "Svaret er ikke høfligt."}'
"#,
    );
    for (i, (fields, good, bad)) in table.iter().enumerate() {
        for (suffix, answer) in [("pass", good), ("fail", bad)] {
            let id = format!("t{i:02}-{suffix}");
            tests.push_str(&format!(
                "\n[[cases]]\nid = \"{id}\"\nprompt = \"[{id}]\"\n\n[[cases.assert]]\n{fields}\n"
            ));
            let latency = if *answer == "langsomt" {
                "latency_ms = 1500\n"
            } else {
                ""
            };
            answers.push_str(&format!(
                "\n[[answers]]\ncontains = \"[{id}]\"\nanswer = '''{answer}'''\n{latency}"
            ));
        }
    }
    let repo = EvalRepo::build(&tests).answers(&answers).start();
    let (code, json) = repo.eval_json(&["--concurrency", "16"]);
    assert_eq!(code, 0, "{json:#}");
    for (i, (fields, ..)) in table.iter().enumerate() {
        let pass = result(&json, &format!("t{i:02}-pass"));
        let fail = result(&json, &format!("t{i:02}-fail"));
        assert_eq!(pass["pass"], true, "{fields} should pass: {pass:#}");
        assert_eq!(fail["pass"], false, "{fields} should fail: {fail:#}");
        assert!(
            fail["assertions"][0]["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{fail:#}"
        );
    }
    let rubric = result(&json, "t14-fail");
    assert_eq!(rubric["assertions"][0]["reason"], "Svaret er ikke høfligt.");
    assert_eq!(rubric["assertions"][0]["score"], 0.2);
}

#[test]
fn unreadable_judge_output_fails_and_is_not_cached() {
    let judge = r#"
[[answers]]
model = "judge-model"
answer = "Ja, det synes jeg bestemt."
"#;
    let tests = r#"
[[cases]]
id = "rubrik"
prompt = "Skriv noget pænt"

[[cases.assert]]
type = "not-llm-rubric"
value = "Svaret er uhøfligt."
"#;
    let repo = EvalRepo::build(tests).answers(judge).start();
    let (code, json) = repo.eval_json(&[]);
    assert_eq!(code, 0);
    let r = result(&json, "rubrik");
    assert_eq!(r["pass"], false, "an unreadable verdict never passes, even negated");
    assert!(
        r["assertions"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("dommerens svar kunne ikke læses"),
        "{r:#}"
    );
    let (_, again) = repo.eval_json(&[]);
    assert_eq!(
        again["results"]["stats"]["from_cache"], 1,
        "the answer is cached, the verdict is not"
    );
    assert_eq!(again["results"]["stats"]["requests"], 1, "the judge is asked again");
}

#[test]
fn raw_models_get_the_specialists_system_prompt_and_params() {
    let repo = EvalRepo::build(ONE_CASE).start();
    let (code, json) = repo.eval_json(&["hjaelper", "--providers", "model-a,model-b"]);
    assert_eq!(code, 0, "{json:#}");
    let requests = repo.stub().requests();
    assert_eq!(requests.len(), 2);
    for req in &requests {
        let body = &req["body"];
        assert_eq!(req["path"], "/v1/chat/completions");
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(body["messages"][0]["content"], PROMPT);
        assert_eq!(body["messages"][1]["content"], "Sig goddag [hilsen]");
        assert_eq!(body["temperature"], 0.2);
    }
    let answer = result(&json, "hilsen")["answer"].as_str().expect("answer").to_owned();
    assert!(
        answer.contains("System: Du er Hjælper, kommunens testassistent."),
        "{answer}"
    );
    let models: Vec<&str> = requests.iter().filter_map(|r| r["body"]["model"].as_str()).collect();
    assert!(models.contains(&"model-a") && models.contains(&"model-b"), "{models:?}");
    let summary = &json["results"]["summary"];
    assert_eq!(summary[0]["provider"], "model-a");
    assert!(
        summary[0]["cost"].as_f64().is_some_and(|c| c > 0.0),
        "priced provider has a cost"
    );
    assert!(summary[1].get("cost").is_none(), "unpriced provider has none");
}

#[test]
fn platform_provider_chats_with_the_deployed_specialist() {
    let repo = EvalRepo::build(ONE_CASE)
        .stub_args(&["--models", "hjaelper,andet", "--api-key", "sk-test"])
        .start();
    let (code, json) = repo.eval_json(&["--providers", "platform:staging"]);
    assert_eq!(code, 0, "{json:#}");
    let requests = repo.stub().requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["path"], "/api/chat/completions");
    let body = &requests[0]["body"];
    assert_eq!(body["model"], "hjaelper");
    assert_eq!(
        body["messages"].as_array().map(Vec::len),
        Some(1),
        "the platform adds the system prompt"
    );
    assert!(
        body.get("temperature").is_none(),
        "the platform applies the specialist's params"
    );
    assert_eq!(
        repo.stub().stats()["models"],
        1,
        "GET /api/models is called once before chatting"
    );
    assert_eq!(json["results"]["providers"][0]["kind"], "platform");
    // Platform answers are never cached: a release changes them without changing the request.
    let (_, again) = repo.eval_json(&["--providers", "platform:staging"]);
    assert_eq!(again["results"]["stats"]["from_cache"], 0);
    assert_eq!(repo.stub().chat_count(), 2);
}

#[test]
fn a_specialist_missing_on_the_platform_is_reported() {
    let repo = EvalRepo::build(ONE_CASE).stub_args(&["--models", "andet"]).start();
    let run = repo.eval(&["--providers", "platform:staging"]);
    run.expect_code(2);
    assert!(
        run.stdout.contains("`hjaelper` is not on platform:staging"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("every request failed"), "{}", run.stderr);
    assert_eq!(repo.stub().chat_count(), 0);
}

#[test]
fn cached_rerun_sends_nothing_and_says_so() {
    let repo = EvalRepo::build(ONE_CASE).start();
    repo.eval(&[]).expect_code(0);
    assert_eq!(repo.stub().chat_count(), 1);
    let again = repo.eval(&[]);
    again.expect_code(0);
    assert!(
        again.stdout.contains("1 answers (1 from cache), 0 requests"),
        "{}",
        again.stdout
    );
    assert_eq!(repo.stub().chat_count(), 1);

    repo.eval(&["--refresh"]).expect_code(0);
    assert_eq!(repo.stub().chat_count(), 2, "--refresh asks again");

    repo.remove(".aispec/cache");
    repo.eval(&["--no-cache"]).expect_code(0);
    assert_eq!(repo.stub().chat_count(), 3);
    repo.eval(&[]).expect_code(0);
    assert_eq!(repo.stub().chat_count(), 4, "--no-cache wrote nothing");

    // A changed system prompt is a different request.
    repo.write("specialists/hjaelper/system-prompt.md", "Du er en anden assistent.\n");
    repo.eval(&[]).expect_code(0);
    assert_eq!(repo.stub().chat_count(), 5);
}

#[test]
fn repeats_are_real_repeats_each_cached_on_its_own() {
    let cycle = r#"
[[answers]]
contains = "[hilsen]"
cycle = ["goddag 1", "goddag 2", "goddag 3"]
"#;
    let repo = EvalRepo::build(ONE_CASE).answers(cycle).start();
    let (_, json) = repo.eval_json(&["--repeat", "3"]);
    assert_eq!(repo.stub().chat_count(), 3);
    let mut answers: Vec<&str> = json["results"]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["answer"].as_str())
        .collect();
    answers.sort_unstable();
    assert_eq!(answers, ["goddag 1", "goddag 2", "goddag 3"]);
    let (_, again) = repo.eval_json(&["--repeat", "3"]);
    assert_eq!(again["results"]["stats"]["from_cache"], 3);
    assert_eq!(repo.stub().chat_count(), 3);
    let (_, more) = repo.eval_json(&["--repeat", "4"]);
    assert_eq!(
        more["results"]["stats"]["from_cache"], 3,
        "only the fourth repeat is new"
    );
    assert_eq!(repo.stub().chat_count(), 4);
}

#[test]
fn retries_honour_retry_after_and_errors_are_not_cached() {
    let tests = r#"
[[cases]]
id = "travl"
prompt = "goddag [[stub:429:2]]"

[[cases.assert]]
type = "icontains"
value = "goddag"

[[cases]]
id = "nede"
prompt = "goddag [[stub:503:always]]"

[[cases.assert]]
type = "icontains"
value = "goddag"
"#;
    let repo = EvalRepo::build(tests).stub_args(&["--retry-after", "0"]).start();
    let (code, json) = repo.eval_json(&[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(result(&json, "travl")["pass"], true);
    let down = result(&json, "nede");
    assert_eq!(down["pass"], false);
    assert!(
        down["error"].as_str().unwrap_or_default().contains("HTTP 503"),
        "{down:#}"
    );
    let stats = &json["results"]["stats"];
    // travl: 2 × 429 then 200; nede: first try + max_retries (2), all 503.
    assert_eq!(stats["requests"], 6, "{stats}");
    assert_eq!(stats["retries"], 4, "{stats}");
    assert_eq!(stats["errors"], 1);

    let (_, again) = repo.eval_json(&[]);
    assert_eq!(again["results"]["stats"]["from_cache"], 1, "the error was not cached");
    assert_eq!(again["results"]["stats"]["requests"], 3);
}

#[test]
fn timeouts_are_retried() {
    let tests = r#"
[[cases]]
id = "haenger"
prompt = "goddag [[stub:hang:1]]"

[[cases.assert]]
type = "icontains"
value = "goddag"
"#;
    let repo = EvalRepo::build(tests).start();
    let (code, json) = repo.eval_json(&["--timeout", "1"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(result(&json, "haenger")["pass"], true);
    assert_eq!(json["results"]["stats"]["retries"], 1);
}

#[test]
fn concurrency_is_bounded() {
    let mut tests = String::new();
    for i in 0..12 {
        tests.push_str(&format!(
            "[[cases]]\nid = \"c{i}\"\nprompt = \"goddag {i}\"\n[[cases.assert]]\ntype = \"icontains\"\nvalue = \"goddag\"\n"
        ));
    }
    let repo = EvalRepo::build(&tests).stub_args(&["--latency-ms", "40"]).start();
    repo.eval(&["--concurrency", "3"]).expect_code(0);
    let max = repo.stub().stats()["max_in_flight"].as_u64().expect("max_in_flight");
    assert!(
        (2..=3).contains(&max),
        "at most 3 requests in flight, and more than one: {max}"
    );
}

#[test]
fn min_pass_rate_sets_the_exit_code() {
    let tests = format!(
        "{ONE_CASE}\n[[cases]]\nid = \"umulig\"\nprompt = \"x\"\n[[cases.assert]]\ntype = \"contains\"\nvalue = \"findes ikke\"\n"
    );
    let repo = EvalRepo::build(&tests).start();
    repo.eval(&["--min-pass-rate", "0.5"]).expect_code(0);
    let run = repo.eval(&["--min-pass-rate", "0.6"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("model-a passed 50 % of the cases, below the minimum 60 %"),
        "{}",
        run.stderr
    );
    let bad = repo.eval(&["--min-pass-rate", "60"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("between 0 and 1"), "{}", bad.stderr);
}

pub(crate) const TWO_CASES: &str = r#"
[[cases]]
id = "en"
category = "a"
prompt = "[en]"

[[cases.assert]]
type = "icontains"
value = "godt"

[[cases]]
id = "to"
category = "b"
prompt = "[to]"

[[cases.assert]]
type = "icontains"
value = "godt"
"#;

fn answers(en: &str, to: &str) -> String {
    format!(
        "[[answers]]\ncontains = \"[en]\"\nanswer = \"{en}\"\n\n[[answers]]\ncontains = \"[to]\"\nanswer = \"{to}\"\n"
    )
}

#[test]
fn compare_flags_regressions_and_improvements() {
    let mut repo = EvalRepo::build(TWO_CASES)
        .answers(&answers("godt svar", "dårligt svar"))
        .start();
    let saved = repo.eval(&["--save=base"]);
    saved.expect_code(0);
    assert!(
        saved.stderr.contains("Saved the results to evals/base.json"),
        "{}",
        saved.stderr
    );

    // The same endpoint URL would hit the cache; a new stub has a new port, like a changed model.
    repo.restub(
        &answers(
            "nu dårligt",
            "nu er det godt, og et langt svar med mange flere ord end før",
        ),
        &[],
    );
    let (code, json) = repo.eval_json(&["--compare", "base"]);
    assert_eq!(code, 1, "{json:#}");
    let c = &json["comparison"];
    assert_eq!(c["failed"], true);
    assert_eq!(c["regressed_share"], 0.5);
    let statuses: Vec<(&str, &str)> = c["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|ch| (ch["case"].as_str().unwrap_or(""), ch["status"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(statuses, [("hjaelper/en", "regressed"), ("hjaelper/to", "improved")]);
    assert!(
        c["changes"][1]["verbosity_change"].as_f64().is_some_and(|v| v > 1.0),
        "{c:#}"
    );

    repo.eval(&["--compare", "base", "--tolerance", "0.5"]).expect_code(0);
    let human = repo.eval(&["--compare", "evals/base.json"]);
    human.expect_code(1);
    assert!(
        human.stdout.contains("Compared with evals/base.json"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("✗ 1 regressed, 1 improved"), "{}", human.stdout);
}

#[test]
fn repeated_runs_call_small_moves_flaky_not_regressed() {
    let mut repo = EvalRepo::build(TWO_CASES).answers(&answers("godt", "godt")).start();
    repo.eval(&["--repeat", "3", "--save"]).expect_code(0);
    repo.restub(
        "[[answers]]\ncontains = \"[en]\"\ncycle = [\"godt\", \"skidt\", \"godt\"]\n\n\
         [[answers]]\ncontains = \"[to]\"\nanswer = \"skidt\"\n",
        &[],
    );
    let (code, json) = repo.eval_json(&["--repeat", "3", "--compare", "latest"]);
    assert_eq!(code, 1, "case `to` failed every time: a real regression");
    let changes = json["comparison"]["changes"].as_array().expect("changes");
    let status = |case: &str| {
        changes
            .iter()
            .find(|c| c["case"] == case)
            .map(|c| c["status"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(status("hjaelper/en").as_deref(), Some("flaky"));
    assert_eq!(status("hjaelper/to").as_deref(), Some("regressed"));
}

#[test]
fn release_regression_compares_staging_with_the_production_baseline() {
    // Production is a second stub of its own; the workspace's stub stands in for staging.
    let dir = tempfile::tempdir().expect("tempdir");
    let production = StubLlm::with_answers(dir.path(), &answers("godt", "godt"), &["--models", "hjaelper"]);
    let repo = EvalRepo::build(TWO_CASES)
        .answers(&answers("godt", "skidt"))
        .stub_args(&["--models", "hjaelper"])
        .start();
    let targets = format!(
        "{}\n[targets.production]\nurl = \"{}\"\napi_key_env = \"AISPEC_TEST_PLATFORM_KEY\"\n",
        repo.config(""),
        production.origin
    );
    repo.write("aispec.toml", targets);
    repo.eval(&["--providers", "platform:production", "--save=baseline-production"])
        .expect_code(0);
    let run = repo.eval(&["--providers", "platform:staging", "--compare", "baseline-production"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("platform:staging ┆ platform:production"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("regressed ┆ hjaelper/to"), "{}", run.stdout);
}

#[test]
fn junit_html_and_out_file() {
    let repo = EvalRepo::build(TWO_CASES)
        .answers(&answers("godt <b>svar</b>", "skidt & dårligt"))
        .start();
    let junit = repo.eval(&["--format", "junit"]);
    junit.expect_code(0);
    assert!(junit.stdout.starts_with("<?xml"), "{}", junit.stdout);
    assert!(
        junit
            .stdout
            .contains("<testsuite name=\"model-a\" tests=\"2\" failures=\"1\" errors=\"0\"")
    );
    assert!(junit.stdout.contains("<testcase classname=\"hjaelper\" name=\"to\""));
    assert!(
        junit.stdout.contains("<system-out>skidt &amp; dårligt</system-out>"),
        "{}",
        junit.stdout
    );

    // An unpriced provider and a failed request must render too.
    let with_error = format!(
        "{TWO_CASES}\n[[cases]]\nid = \"nede\"\nprompt = \"[[stub:500:always]]\"\n[[cases.assert]]\ntype = \"icontains\"\nvalue = \"x\"\n"
    );
    repo.write("specialists/hjaelper/tests.toml", with_error);
    let args = [
        "--providers",
        "model-a,model-b",
        "--retries",
        "0",
        "--format",
        "html",
        "--out",
        "rapport.html",
    ];
    repo.eval(&args).expect_code(0);
    let html = repo.read("rapport.html");
    assert!(html.contains("Intet svar: HTTP 500"), "{html}");
    assert!(html.contains("<html lang=\"da\">"));
    // minijinja's HTML escaping writes `/` as `&#x2f;`.
    assert!(
        html.contains("hjaelper&#x2f;en") && html.contains("hjaelper&#x2f;to"),
        "{html}"
    );
    assert!(html.contains("godt &lt;b&gt;svar&lt;"), "answers are escaped");
    assert!(html.contains("Beståede pr. kategori"));
}

#[test]
fn human_report_shows_matrix_and_failures() {
    let repo = EvalRepo::build(TWO_CASES).answers(&answers("godt", "skidt")).start();
    let run = repo.eval(&["--providers", "model-a,model-b"]);
    // Latency, tokens and timing vary; keep the deterministic blocks (matrix, failures).
    let blocks: Vec<&str> = run
        .stdout
        .split("\n\n")
        .filter(|b| b.starts_with("Pass rate by category") || b.starts_with("Failures"))
        .collect();
    let stable = crate::support::Run {
        code: run.code,
        stdout: blocks.join("\n\n") + "\n",
        stderr: run.stderr.clone(),
    };
    assert_run_snapshot!(repo, stable);
}

#[test]
fn models_shows_the_latest_scores_per_suite() {
    let repo = EvalRepo::build(TWO_CASES).answers(&answers("godt", "skidt")).start();
    let extra = format!(
        "\n[providers.mistral]\nbase_url = \"{}\"\nmodel = \"mistral-small-3.2-24b\"\nprice_output_per_1k = 2.0\n",
        repo.stub().base_url()
    );
    repo.write("aispec.toml", repo.config("") + &extra);
    repo.write("suites/mini.toml", format!("[suite]\nname = \"mini\"\n{TWO_CASES}"));
    repo.eval(&["--suite", "mini", "--providers", "mistral", "--save"])
        .expect_code(0);
    let run = repo.run(&["models", "--format", "json"]);
    run.expect_code(0);
    let json = run.json();
    let mistral = json["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["id"] == "mistral-small-3.2-24b")
        .expect("catalogue entry");
    assert_eq!(mistral["in_catalogue"], true);
    assert_eq!(mistral["scores"]["suite:mini"]["pass_rate"], 0.5);
    assert!(mistral["latest"]["cost_per_answer"].as_f64().is_some_and(|c| c > 0.0));
    let human = repo.run(&["models"]);
    human.expect_code(0);
    assert!(human.stdout.contains("mini"), "{}", human.stdout);
    assert!(human.stdout.contains("50 %"), "{}", human.stdout);
}

#[test]
fn the_shipped_danish_suite_runs_and_is_valid() {
    let repo = EvalRepo::build(ONE_CASE).start();
    let (code, json) = repo.eval_json(&["--suite", "dansk"]);
    assert_eq!(code, 0, "{json:#}");
    let cases = json["results"]["cases"].as_array().expect("cases");
    assert!(cases.len() >= 32, "{}", cases.len());
    let mut categories: Vec<&str> = cases.iter().filter_map(|c| c["category"].as_str()).collect();
    categories.dedup();
    assert_eq!(
        categories,
        [
            "logik",
            "fakta",
            "instruktioner",
            "kreativ skrivning",
            "etik",
            "bias",
            "stavning og grammatik",
            "velfærdssamfund"
        ]
    );
    assert!(
        repo.stub().requests()[0]["body"]["messages"][0]["content"]
            .as_str()
            .is_some_and(|s| s.starts_with("Du er en hjælpsom assistent"))
    );

    let copy = TestRepo::init();
    copy.write(
        "suites/dansk.toml",
        std::fs::read(crate::support::repo_root().join("suites/dansk.toml")).expect("suite"),
    );
    copy.expect_no_diagnostics();
}

#[test]
fn configuration_problems_exit_2_with_a_hint() {
    let rubric = "[[cases]]\nid = \"r\"\nprompt = \"x\"\n[[cases.assert]]\ntype = \"llm-rubric\"\nvalue = \"God.\"\n";
    let repo = EvalRepo::build(rubric).start();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--providers", "nope"], "no provider named `nope`"),
        (vec!["--suite", "findes-ikke"], "no suite `findes-ikke`"),
        (vec!["hjaelpr"], "did you mean `hjaelper`?"),
        (vec!["--compare", "latest"], "no saved run in evals/"),
        (vec!["--save=../x"], "cannot name a saved run"),
    ];
    for (args, message) in cases {
        let run = repo.eval(&args);
        run.expect_code(2);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{args:?}: {}", run.stderr);
    }
    // A key named but not set.
    let keyed = format!(
        "{}\n[providers.locked]\nbase_url = \"{}\"\napi_key_env = \"AISPEC_TEST_UNSET_KEY\"\n",
        repo.config(""),
        repo.stub().base_url()
    );
    repo.write("aispec.toml", keyed);
    let run = repo.eval(&["--providers", "locked"]);
    run.expect_code(2);
    assert!(run.stderr.contains("$AISPEC_TEST_UNSET_KEY"), "{}", run.stderr);
    // llm-rubric without a judge.
    repo.write("aispec.toml", repo.config("").replace("judge = \"judge\"\n", ""));
    let run = repo.eval(&[]);
    run.expect_code(2);
    assert!(run.stderr.contains("no judge model is configured"), "{}", run.stderr);
    assert_eq!(repo.stub().chat_count(), 0);
}

#[test]
fn unreachable_provider_is_a_network_error() {
    let mut repo = EvalRepo::build(ONE_CASE).start();
    let port = repo.stub().port();
    repo.stop_stub();
    let run = repo.eval(&["--retries", "0"]);
    run.expect_code(2);
    assert!(run.stderr.contains("every request failed"), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("127.0.0.1:{port}")) || run.stderr.contains("network error"));
}

#[test]
fn a_wrong_platform_key_stops_before_any_chat() {
    let repo = EvalRepo::build(ONE_CASE)
        .stub_args(&["--models", "hjaelper", "--api-key", "sk-rigtig"])
        .start();
    let run = repo.eval(&["--providers", "platform:staging"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(&format!(
            "cannot list the models on platform:staging ({}/api/models): HTTP 401",
            repo.stub().origin
        )),
        "{}",
        run.stderr
    );
    assert_eq!(repo.stub().chat_count(), 0);
}

/// The JSON report's shape, pinned: unknown or missing keys fail the test.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ReportShape {
    ok: bool,
    min_pass_rate: Option<f64>,
    below_min_pass_rate: Vec<String>,
    saved: Option<String>,
    skipped: Vec<String>,
    results: ResultsShape,
    comparison: Option<Value>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ResultsShape {
    format: u32,
    started_at: String,
    duration_ms: u64,
    commit: Option<String>,
    label: Option<String>,
    repeat: u32,
    providers: Vec<Value>,
    cases: Vec<Value>,
    results: Vec<ResultShape>,
    stats: Value,
    summary: Vec<Value>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ResultShape {
    source: String,
    case: String,
    provider: String,
    repeat: u32,
    answer: Option<String>,
    error: Option<String>,
    latency_ms: u64,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    cost: Option<f64>,
    words: usize,
    cached: bool,
    pass: bool,
    score: f64,
    assertions: Vec<Value>,
}

#[test]
fn json_report_shape_is_pinned_and_can_serve_as_a_baseline() {
    let repo = EvalRepo::build(ONE_CASE).start();
    let run = repo.eval(&["--format", "json", "--out", "run.json", "--save=navngivet"]);
    run.expect_code(0);
    let text = repo.read("run.json");
    let shape: ReportShape = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(shape.saved.as_deref(), Some("evals/navngivet.json"));
    assert_eq!(shape.results.label.as_deref(), Some("navngivet"));
    assert!(shape.results.commit.is_some(), "the workspace is a git repo");
    assert_eq!(shape.results.results[0].case, "hilsen");
    let compared = repo.eval(&["--compare", "run.json"]);
    compared.expect_code(0);
    assert!(
        compared.stdout.contains("Compared with run.json"),
        "{}",
        compared.stdout
    );
}
