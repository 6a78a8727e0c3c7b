//! The judge's verdicts are cached like answers: a fully cached re-run asks nothing, and the stats say so.

use crate::eval_repo::EvalRepo;

/// The judge on the stub always gives a readable verdict.
const JUDGE: &str = r#"
[[answers]]
model = "judge-model"
answer = '{"pass": true, "score": 0.9, "reason": "Fint."}'
"#;

const RUBRIC: &str = r#"
[[cases]]
id = "rubrik"
prompt = "Skriv noget pænt"

[[cases.assert]]
type = "llm-rubric"
value = "Svaret er høfligt."
"#;

fn stats(json: &serde_json::Value) -> &serde_json::Value {
    &json["results"]["stats"]
}

#[test]
fn a_cached_rerun_of_the_danish_suite_sends_nothing_judge_included() {
    let repo = EvalRepo::build(RUBRIC).answers(JUDGE).start();
    let (code, first) = repo.eval_json(&["--suite", "dansk", "--providers", "model-a,model-b"]);
    assert_eq!(code, 0, "{first:#}");
    let gradings = stats(&first)["judge_calls"].as_u64().expect("judge calls");
    assert!(gradings >= 32, "two providers × every llm-rubric case: {gradings}");
    assert_eq!(stats(&first)["judge_from_cache"], 0);

    repo.stub().reset();
    let (code, again) = repo.eval_json(&["--suite", "dansk", "--providers", "model-a,model-b"]);
    assert_eq!(code, 0, "{again:#}");
    assert_eq!(repo.stub().chat_count(), 0, "nothing reaches the stub");
    assert_eq!(stats(&again)["requests"], 0);
    assert_eq!(stats(&again)["judge_calls"], 0);
    assert_eq!(stats(&again)["judge_from_cache"], gradings);

    let human = repo.eval(&["--suite", "dansk", "--providers", "model-a,model-b"]);
    human.expect_code(0);
    assert!(
        human
            .stdout
            .contains(&format!("0 judge calls ({gradings} verdicts from cache)")),
        "{}",
        human.stdout
    );
}

#[test]
fn refresh_and_no_cache_ask_the_judge_again() {
    let repo = EvalRepo::build(RUBRIC).answers(JUDGE).start();
    repo.eval_json(&[]);
    for flag in ["--refresh", "--no-cache"] {
        repo.stub().reset();
        let (code, json) = repo.eval_json(&[flag]);
        assert_eq!(code, 0, "{json:#}");
        assert_eq!(stats(&json)["judge_calls"], 1, "{flag}");
        assert_eq!(repo.stub().chat_count(), 2, "{flag}: the answer and the verdict");
    }
}

#[test]
fn the_same_answer_is_graded_once_across_repeats() {
    let repo = EvalRepo::build(RUBRIC).answers(JUDGE).start();
    let (code, json) = repo.eval_json(&["--repeat", "3"]);
    assert_eq!(code, 0, "{json:#}");
    // The stub echoes the same answer three times; the verdict is keyed by the answer, not the repeat.
    assert_eq!(stats(&json)["judge_calls"], 1);
    assert_eq!(
        stats(&json)["judge_from_cache"],
        2,
        "the two other repeats reuse the verdict"
    );
    assert_eq!(repo.stub().chat_count(), 4);
}

#[test]
fn a_changed_rubric_or_judge_prompt_is_graded_anew() {
    let repo = EvalRepo::build(RUBRIC).answers(JUDGE).start();
    repo.eval_json(&[]);
    repo.write(
        "specialists/hjaelper/tests.toml",
        RUBRIC.replace("Svaret er høfligt.", "Svaret er kort."),
    );
    let (_, json) = repo.eval_json(&[]);
    assert_eq!(stats(&json)["judge_calls"], 1, "new rubric");
    assert_eq!(stats(&json)["from_cache"], 1, "the answer itself is cached");

    repo.write(
        "templates/eval-judge.da.md.j2",
        "Bedøm svaret.\n{{ question }}\n{{ answer }}\n{{ rubric }}\nSvar med JSON.\n",
    );
    let (_, json) = repo.eval_json(&[]);
    assert_eq!(stats(&json)["judge_calls"], 1, "new judge prompt version");
    let (_, json) = repo.eval_json(&[]);
    assert_eq!(stats(&json)["judge_calls"], 0);
    assert_eq!(stats(&json)["judge_from_cache"], 1);
}
