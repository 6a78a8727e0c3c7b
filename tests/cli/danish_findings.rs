//! Danish first for `validate`'s other findings and for `eval`'s messages on stderr: the same runs in Danish
//! and English (the tables of eval's report are in `eval_tables.rs`).

use crate::assert_run_snapshot;
use crate::eval_repo::EvalRepo;
use crate::support::TestRepo;

/// The example workspace with findings from the configuration, a specialist and its tests.
fn flawed() -> TestRepo {
    let repo = TestRepo::init();
    let config = repo.read("aispec.toml")
        + "\n[targets.test]\nurl = \"http://aarhusai-test.example.dk\"\napi_key_env = \"AISPEC_TEST_API_KEY\"\n\
           \n[providers.platformen]\nbase_url = \"platform:demo\"\n\
           \n[eval]\njudge = \"dommer\"\n";
    repo.write("aispec.toml", config);
    let spec = "specialists/korrekturlaeser/specialist.toml";
    repo.write(
        spec,
        repo.read(spec)
            .replacen("id = \"korrekturlaeser\"", "id = \"korrektur\"", 1),
    );
    repo.write(
        "specialists/korrekturlaeser/tests.toml",
        r#"
[[cases]]
id = "stavning"
prompt = "Ret: Jeg har spist en æble."

[[cases.assert]]
type = "icontain"
value = "et æble"

[[cases.assert]]
type = "regex"
value = "(et"

[[cases.assert]]
type = "max-length"
"#,
    );
    repo
}

#[test]
fn validate_explains_more_findings_in_both_languages() {
    let repo = flawed();
    for lang in ["da", "en"] {
        let run = repo.run_with(&["validate"], &[("AISPEC_LANG", lang)]);
        run.expect_code(1);
        assert_run_snapshot!(format!("findings_{lang}"), repo, run);
    }
    let json = repo
        .run_with(&["validate", "--format", "json"], &[("AISPEC_LANG", "da")])
        .json();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    for code in [
        "insecure-http",
        "unknown-target",
        "unknown-provider",
        "id-mismatch",
        "unknown-assertion",
        "bad-regex",
        "assertion-value",
    ] {
        assert!(codes.contains(&code), "{code} not found in {codes:?}");
    }
}

#[test]
fn a_wrong_type_is_said_in_danish_part_by_part() {
    let repo = TestRepo::init();
    let spec = "specialists/korrekturlaeser/specialist.toml";
    repo.write(
        spec,
        repo.read(spec).replace("temperature = 0.2", "temperature = \"lav\""),
    );
    for lang in ["da", "en"] {
        let run = repo.run_with(&["validate"], &[("AISPEC_LANG", lang)]);
        run.expect_code(1);
        assert_run_snapshot!(format!("wrong_type_{lang}"), repo, run);
    }
}

const ONE_CASE: &str = r#"
[[cases]]
id = "hilsen"
category = "tone"
prompt = "Sig goddag [hilsen]"

[[cases.assert]]
type = "icontains"
value = "goddag"

[[cases]]
id = "kun-b"
prompt = "Sig farvel"
providers = ["model-b"]

[[cases.assert]]
type = "icontains"
value = "farvel"
"#;

#[test]
fn eval_says_what_it_does_in_both_languages() {
    let repo = EvalRepo::build(ONE_CASE)
        .answers("[[answers]]\ncontains = \"[hilsen]\"\nanswer = \"Hej.\"\n")
        .start();
    for lang in ["da", "en"] {
        let save = format!("--save=koersel-{lang}");
        let run = repo.run_with(
            &[
                "eval",
                "--providers",
                "model-a",
                &save,
                "--min-pass-rate",
                "1",
                "--format",
                "json",
            ],
            &[("AISPEC_LANG", lang)],
        );
        run.expect_code(1);
        assert_run_snapshot!(
            format!("eval_stderr_{lang}"),
            repo,
            crate::support::Run {
                stdout: String::new(),
                ..run
            }
        );
    }
}

#[test]
fn eval_errors_in_both_languages() {
    let repo = EvalRepo::build(ONE_CASE).start();
    for lang in ["da", "en"] {
        for (name, args) in [
            ("label", &["eval", "--save=kørsel"][..]),
            ("baseline", &["eval", "--compare", "ingen"][..]),
            ("provider", &["eval", "--providers", "mistral"][..]),
            ("drafts", &["eval", "hjaelper", "--drafts"][..]),
        ] {
            let run = repo.run_with(args, &[("AISPEC_LANG", lang)]);
            run.expect_code(2);
            assert_run_snapshot!(format!("eval_error_{name}_{lang}"), repo, run);
        }
    }
}
