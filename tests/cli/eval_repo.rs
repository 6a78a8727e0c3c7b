//! A workspace evaluated against its own stub LLM: the `hjaelper` specialist with the test cases given,
//! providers `model-a`, `model-b` and `judge` on the stub, and the target `staging` (the stub standing in for
//! Open WebUI). Built in one line; `aispec eval` run with the platform key set.
#![allow(dead_code)]

use std::ops::Deref;

use serde_json::Value;

use crate::support::stub::StubLlm;
use crate::support::{Run, TestRepo};

/// Environment variable and value of the platform key in eval workspaces.
pub const PLATFORM_KEY: (&str, &str) = ("AISPEC_TEST_PLATFORM_KEY", "sk-test");

/// The `hjaelper` specialist used by eval tests (also by the key-leak tests).
pub const SPECIALIST: &str = r#"id = "hjaelper"
name = "Hjælper"
kind = "assistent"
version = "1.0.0"
description = "En lille hjælper til test."
base_model = "mistral-small-3.2-24b"
notice = "Kun til test."

[owner]
department = "Test"
contact = "Test"

[params]
temperature = 0.2
"#;

/// Its system prompt.
pub const PROMPT: &str = "Du er Hjælper, kommunens testassistent.\nSvar kort.\n";

/// How to start the stub and what to add to `aispec.toml`.
pub struct EvalBuilder<'a> {
    tests: &'a str,
    answers: Option<String>,
    stub_args: Vec<&'a str>,
}

impl<'a> EvalBuilder<'a> {
    /// The stub answers from this answers file (`[[answers]]` tables) instead of echoing.
    pub fn answers(mut self, answers_toml: &str) -> Self {
        self.answers = Some(answers_toml.to_owned());
        self
    }

    /// Extra arguments for the stub (`--models`, `--api-key`, `--latency-ms` …).
    pub fn stub_args(mut self, args: &[&'a str]) -> Self {
        self.stub_args.extend_from_slice(args);
        self
    }

    /// Starts the stub and writes the workspace.
    pub fn start(self) -> EvalRepo {
        let answers_dir = tempfile::tempdir().expect("tempdir");
        let stub = start_stub(answers_dir.path(), 0, self.answers.as_deref(), &self.stub_args);
        let repo = TestRepo::init();
        repo.remove("specialists/korrekturlaeser");
        repo.write("specialists/hjaelper/specialist.toml", SPECIALIST);
        repo.write("specialists/hjaelper/system-prompt.md", PROMPT);
        repo.write("specialists/hjaelper/tests.toml", self.tests);
        let r = EvalRepo {
            repo,
            stub: Some(stub),
            answers_dir,
            stubs_started: 1,
        };
        r.write("aispec.toml", r.config(""));
        r
    }
}

fn start_stub(dir: &std::path::Path, n: usize, answers: Option<&str>, args: &[&str]) -> StubLlm {
    match answers {
        Some(toml) => {
            let file = dir.join(format!("answers-{n}.toml"));
            std::fs::write(&file, toml).expect("write answers file");
            let file = file.display().to_string();
            let mut all = vec!["--answers", file.as_str()];
            all.extend_from_slice(args);
            StubLlm::start(&all)
        }
        None => StubLlm::start(args),
    }
}

/// The workspace and its stub.
pub struct EvalRepo {
    repo: TestRepo,
    stub: Option<StubLlm>,
    answers_dir: tempfile::TempDir,
    stubs_started: usize,
}

impl Deref for EvalRepo {
    type Target = TestRepo;

    fn deref(&self) -> &TestRepo {
        &self.repo
    }
}

impl EvalRepo {
    /// A workspace whose `hjaelper` has these test cases, on a stub that echoes (see [`EvalBuilder`]).
    pub fn build(tests: &str) -> EvalBuilder<'_> {
        EvalBuilder {
            tests,
            answers: None,
            stub_args: Vec::new(),
        }
    }

    /// The running stub.
    pub fn stub(&self) -> &StubLlm {
        self.stub.as_ref().expect("the stub was stopped")
    }

    /// Stops the stub (its port then refuses connections).
    pub fn stop_stub(&mut self) {
        self.stub = None;
    }

    /// Replaces the stub by a new one with these answers and points the providers at it: a new port, so the
    /// cache does not answer, like a changed model.
    pub fn restub(&mut self, answers_toml: &str, args: &[&str]) {
        self.stub = None;
        let n = self.stubs_started;
        self.stubs_started += 1;
        self.stub = Some(start_stub(self.answers_dir.path(), n, Some(answers_toml), args));
        self.write("aispec.toml", self.config(""));
    }

    /// `aispec.toml` for the current stub, with `extra` appended to `[eval]`.
    pub fn config(&self, extra: &str) -> String {
        let stub = self.stub();
        format!(
            r#"[workspace]
name = "Testkommune"

[targets.staging]
url = "{origin}"
api_key_env = "AISPEC_TEST_PLATFORM_KEY"

[providers.model-a]
base_url = "{base}"
model = "model-a"
price_input_per_1k = 0.5
price_output_per_1k = 1.0

[providers.model-b]
base_url = "{base}"
model = "model-b"

[providers.judge]
base_url = "{base}"
model = "judge-model"

[eval]
judge = "judge"
default_providers = ["model-a"]
max_retries = 2
{extra}
"#,
            origin = stub.origin,
            base = stub.base_url()
        )
    }

    /// Runs `aispec eval ARGS` with the platform key set.
    pub fn eval(&self, args: &[&str]) -> Run {
        let mut all = vec!["eval"];
        all.extend_from_slice(args);
        self.repo.run_with(&all, &[PLATFORM_KEY])
    }

    /// Runs `aispec eval ARGS --format json`: the exit code and the report.
    pub fn eval_json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let run = self.eval(&all);
        let json = run.json();
        (run.code, json)
    }
}

/// The result of one case in an eval report.
pub fn result<'a>(json: &'a Value, case: &str) -> &'a Value {
    json["results"]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["case"] == case)
        .unwrap_or_else(|| panic!("no result for {case}"))
}
