//! What promptfoo users have in their configs: the added assertion types through the binary, the sandboxed
//! JavaScript, `similar` with cached embeddings, the type hint, file references and the platform's variables.

use serde_json::Value;

use crate::eval_repo::{EvalRepo, result};

/// Runs each (assertion fields, answer that passes, answer that fails) through `aispec eval`.
fn pass_and_fail(table: &[(&str, &str, &str)], extra_config: &str, stub_args: &[&str]) -> EvalRepo {
    let mut tests = String::new();
    let mut answers = String::new();
    for (i, (fields, good, bad)) in table.iter().enumerate() {
        for (suffix, answer) in [("pass", good), ("fail", bad)] {
            let id = format!("t{i:02}-{suffix}");
            tests.push_str(&format!(
                "\n[[cases]]\nid = \"{id}\"\nprompt = \"[{id}]\"\nvars = {{ navn = \"Anna\" }}\n\n[[cases.assert]]\n{fields}\n"
            ));
            answers.push_str(&format!(
                "\n[[answers]]\ncontains = \"[{id}]\"\nanswer = '''{answer}'''\n"
            ));
        }
    }
    let repo = EvalRepo::build(&tests).answers(&answers).stub_args(stub_args).start();
    repo.write("aispec.toml", repo.config(extra_config));
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
    repo
}

#[test]
fn the_promptfoo_assertion_types_pass_and_fail_through_the_binary() {
    let long = "ord ".repeat(1500);
    let table: Vec<(&str, &str, &str)> = vec![
        (
            "type = \"icontains-any\"\nvalue = [\"CPR\", \"personnummer\"]",
            "Skriv aldrig dit PERSONNUMMER",
            "Skriv aldrig noget",
        ),
        (
            "type = \"icontains-all\"\nvalue = [\"Klage\", \"Frist\"]",
            "du kan klage inden fristen",
            "Du kan klage",
        ),
        (
            "type = \"javascript\"\nvalue = \"output.toLowerCase().includes(context.vars.navn.toLowerCase())\"",
            "Hej ANNA",
            "Hej Bo",
        ),
        (
            "type = \"javascript\"\nvalue = '''\nconst n = output.trim().split(/\\s+/).length;\nreturn { pass: n <= 3, score: n <= 3 ? 1 : 0, reason: `${n} ord` };\n'''",
            "tre små ord",
            "her er fem små ord",
        ),
        (
            "type = \"javascript\"\nvalue = \"output.length / 10\"\nthreshold = 0.5",
            "1234567",
            "1234",
        ),
        (
            "type = \"is-valid-openai-tools-call\"\nvalue = [\"find_adresse\"]",
            r#"[{"type": "function", "function": {"name": "find_adresse", "arguments": "{\"vej\": \"Rådhuspladsen\"}"}}]"#,
            r#"[{"type": "function", "function": {"name": "find_adresse", "arguments": "Rådhuspladsen"}}]"#,
        ),
        // model-a costs 0.5 per 1,000 prompt and 1.0 per 1,000 completion tokens; the stub counts ~4 characters
        // a token, so the short answer costs about 0.013 and the long one about 1.5.
        ("type = \"cost\"\nthreshold = 0.1", "kort", &long),
    ];
    pass_and_fail(&table, "", &[]);
}

#[test]
fn similar_compares_embeddings_and_caches_them() {
    let table = [(
        "type = \"similar\"\nvalue = \"Du kan klage inden for fire uger\"\nthreshold = 0.8",
        "Du kan klage inden fire uger.",
        "Borgerservice lukker klokken 15.",
    )];
    // The embedder is on the same stub as the answers; its base URL is only known once the stub runs.
    let config = "embedder = \"embedder\"\n\n[providers.embedder]\nbase_url = \"BASE\"\nmodel = \"embed-model\"\n";
    let repo = pass_and_fail_with_embedder(&table, config);
    let first = repo.stub().stats()["embeddings"].as_u64().expect("count");
    assert_eq!(first, 3, "two answers and the expected text, each embedded once");
    repo.stub().reset();
    let (_, again) = repo.eval_json(&[]);
    assert_eq!(
        repo.stub().stats()["embeddings"],
        0,
        "every embedding came from the cache"
    );
    assert_eq!(again["results"]["stats"]["embeddings_from_cache"], 4);
    assert_eq!(again["results"]["stats"]["embedding_calls"], 0);
    let r = result(&again, "t00-pass");
    assert!(
        r["assertions"][0]["reason"]
            .as_str()
            .is_some_and(|s| s.contains("cosinus-lighed")),
        "{r:#}"
    );
    repo.eval_json(&["--no-cache"]);
    assert_eq!(repo.stub().stats()["embeddings"], 3);
}

fn pass_and_fail_with_embedder(table: &[(&str, &str, &str)], config: &str) -> EvalRepo {
    let mut tests = String::new();
    let mut answers = String::new();
    for (i, (fields, good, bad)) in table.iter().enumerate() {
        for (suffix, answer) in [("pass", good), ("fail", bad)] {
            let id = format!("t{i:02}-{suffix}");
            tests.push_str(&format!(
                "\n[[cases]]\nid = \"{id}\"\nprompt = \"[{id}]\"\n\n[[cases.assert]]\n{fields}\n"
            ));
            answers.push_str(&format!(
                "\n[[answers]]\ncontains = \"[{id}]\"\nanswer = '''{answer}'''\n"
            ));
        }
    }
    let repo = EvalRepo::build(&tests)
        .answers(&answers)
        .stub_args(&["--embedding-dim", "256"])
        .start();
    let base = repo.stub().base_url();
    repo.write("aispec.toml", repo.config(&config.replace("BASE", &base)));
    let (code, json) = repo.eval_json(&[]);
    assert_eq!(code, 0, "{json:#}");
    for (i, (fields, ..)) in table.iter().enumerate() {
        assert_eq!(
            result(&json, &format!("t{i:02}-pass"))["pass"],
            true,
            "{fields}: {json:#}"
        );
        assert_eq!(
            result(&json, &format!("t{i:02}-fail"))["pass"],
            false,
            "{fields}: {json:#}"
        );
    }
    repo
}

#[test]
fn similar_without_an_embedder_is_a_configuration_error() {
    let tests = "[[cases]]\nid = \"s\"\nprompt = \"x\"\n[[cases.assert]]\ntype = \"similar\"\nvalue = \"y\"\n";
    let repo = EvalRepo::build(tests).start();
    let run = repo.eval(&[]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("no embedding model is configured"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("embedder = "), "{}", run.stderr);
}

#[test]
fn javascript_that_loops_or_reaches_out_fails_its_case_and_the_run_goes_on() {
    let tests = r#"
[[cases]]
id = "loop"
prompt = "x"
[[cases.assert]]
type = "javascript"
value = """
while (true) {}
return true;
"""

[[cases]]
id = "fil"
prompt = "y"
[[cases.assert]]
type = "javascript"
value = "require('fs').readFileSync('/etc/passwd', 'utf8').length > 0"

[[cases]]
id = "net"
prompt = "z"
[[cases.assert]]
type = "not-javascript"
value = "fetch('http://127.0.0.1:1/')"

[[cases]]
id = "fint"
prompt = "w"
[[cases.assert]]
type = "javascript"
value = "typeof output === 'string'"
"#;
    let repo = EvalRepo::build(tests).start();
    let (code, json) = repo.eval_json(&[]);
    assert_eq!(code, 0, "{json:#}");
    let reason = |case: &str| {
        let r = result(&json, case);
        assert_eq!(r["pass"], false, "{r:#}");
        r["assertions"][0]["reason"].as_str().unwrap_or_default().to_owned()
    };
    assert!(reason("loop").contains("longer than 2000 ms"), "{}", reason("loop"));
    assert!(reason("fil").contains("require"), "{}", reason("fil"));
    assert!(reason("net").contains("fetch"), "{}", reason("net"));
    assert_eq!(result(&json, "fint")["pass"], true);
}

fn diagnostics(repo: &EvalRepo) -> Vec<Value> {
    let run = repo.run(&["validate", "--format", "json"]);
    run.json()["diagnostics"].as_array().cloned().unwrap_or_default()
}

#[test]
fn unknown_types_get_the_nearest_type_whatever_the_case() {
    for (written, expected) in [
        ("ICONTAINS", "did you mean `icontains`?"),
        ("Icontains-Any", "did you mean `icontains-any`?"),
        ("iContains-alll", "did you mean `icontains-all`?"),
        ("NOT-CONTAINS", "did you mean `not-contains`?"),
        ("iregex", "did you mean `regex`?"),
    ] {
        let tests =
            format!("[[cases]]\nid = \"a\"\nprompt = \"x\"\n[[cases.assert]]\ntype = \"{written}\"\nvalue = \"y\"\n");
        let repo = EvalRepo::build(&tests).start();
        let found = diagnostics(&repo);
        let d = found
            .iter()
            .find(|d| d["code"] == "unknown-assertion")
            .unwrap_or_else(|| panic!("{written}: {found:#?}"));
        assert_eq!(d["hint"], expected, "{written}");
    }
}

#[test]
fn a_file_reference_left_in_a_test_file_is_an_error_not_a_message() {
    let tests = r#"
[defaults.vars]
kontekst = "file://kontekst.txt"

[[cases]]
id = "a"
prompt = "Læs {{ kontekst }}"
vars = { bilag = "file://bilag.md" }
[[cases.assert]]
type = "javascript"
value = "file://tjek.js"
"#;
    let repo = EvalRepo::build(tests).start();
    let found = diagnostics(&repo);
    let refs: Vec<&Value> = found.iter().filter(|d| d["code"] == "file-reference").collect();
    assert_eq!(refs.len(), 3, "{found:#?}");
    assert!(
        refs.iter().all(|d| d["line"].as_u64().is_some_and(|l| l > 1)),
        "{refs:#?}"
    );
    let run = repo.eval(&[]);
    run.expect_code(2);
    assert!(run.stderr.contains("file reference"), "{}", run.stderr);
    assert_eq!(repo.stub().chat_count(), 0, "nothing was sent");
}

#[test]
fn the_platforms_variables_are_filled_for_raw_models() {
    let tests = r#"
[defaults.vars]
USER_NAME = "Karen Jensen"

[[cases]]
id = "dato"
prompt = "Hvilken dag er det? I dag er {{ CURRENT_DATE }}."
[[cases.assert]]
type = "contains"
value = "2025-03-03"

[[cases]]
id = "jul"
prompt = "Hvilken dag er det?"
vars = { CURRENT_DATE = "2025-12-24", CURRENT_WEEKDAY = "Wednesday" }
[[cases.assert]]
type = "contains"
value = "Hvilken"
"#;
    let repo = EvalRepo::build(tests).start();
    repo.write(
        "specialists/hjaelper/system-prompt.md",
        "Du er Hjælper. I dag er det {{CURRENT_WEEKDAY}} {{CURRENT_DATE}} kl. {{CURRENT_TIME}} \
         ({{CURRENT_TIMEZONE}}). Du taler med {{USER_NAME}} ({{USER_LANGUAGE}}, {{USER_LOCATION}}).\n",
    );
    let (code, json) = repo.eval_json(&[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(result(&json, "dato")["pass"], true, "{json:#}");
    let systems: Vec<String> = repo
        .stub()
        .requests()
        .iter()
        .filter_map(|r| r["body"]["messages"][0]["content"].as_str().map(str::to_owned))
        .collect();
    assert!(
        systems.contains(
            &"Du er Hjælper. I dag er det Monday 2025-03-03 kl. 10:00:00 (Europe/Copenhagen). Du taler med \
              Karen Jensen (da-DK, Unknown).\n"
                .to_owned()
        ),
        "{systems:#?}"
    );
    assert!(
        systems.iter().any(|s| s.contains("Wednesday 2025-12-24")),
        "a case overrides: {systems:#?}"
    );
    let found: Vec<Value> = diagnostics(&repo)
        .into_iter()
        .filter(|d| d["code"] != "no-screening")
        .collect();
    assert!(found.is_empty(), "the platform's variables are known: {found:#?}");
}

#[test]
fn validate_warns_about_variables_the_platform_does_not_fill() {
    let repo = EvalRepo::build(
        "[[cases]]\nid = \"a\"\nprompt = \"x\"\n[[cases.assert]]\ntype = \"contains\"\nvalue = \"x\"\n",
    )
    .start();
    repo.write(
        "specialists/hjaelper/system-prompt.md",
        "Du er Hjælper.\nI dag er det {{DATO}}, og du taler med {{ USER_NAME }}.\n",
    );
    let found = diagnostics(&repo);
    let unknown: Vec<&Value> = found.iter().filter(|d| d["code"] == "unknown-variable").collect();
    assert_eq!(unknown.len(), 2, "{found:#?}");
    assert!(
        unknown.iter().all(|d| d["severity"] == "warning" && d["line"] == 2),
        "{unknown:#?}"
    );
    assert_eq!(
        unknown[1]["hint"],
        "write `{{USER_NAME}}` (no spaces), or remove the braces"
    );
    repo.write(
        "suites/egen.toml",
        "[suite]\nname = \"egen\"\nsystem = \"Dato: {{I_DAG}}\"\n\n[[cases]]\nid = \"a\"\nprompt = \"x\"\n[[cases.assert]]\ntype = \"contains\"\nvalue = \"x\"\n",
    );
    assert!(
        diagnostics(&repo)
            .iter()
            .any(|d| d["code"] == "unknown-variable" && d["file"] == "suites/egen.toml"),
        "{:#?}",
        diagnostics(&repo)
    );
}
