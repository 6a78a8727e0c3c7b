//! `eval`'s tables (pass rates, providers, comparison) at 60, 80 and 120 columns, with and without colour, in
//! English and Danish, as `tables.rs` checks every other table. The answers come from the stub LLM once, then
//! from the cache, whose measured latencies are set to fixed numbers so that every run prints the same.

use crate::eval_repo::EvalRepo;
use crate::tables::{WIDTHS, check_layout, plain, run_at, visible};

const CASES: &str = r#"
[[cases]]
id = "hilsen"
category = "tone"
prompt = "Sig goddag [hilsen]"

[[cases.assert]]
type = "icontains"
value = "goddag"

[[cases]]
id = "affald"
category = "fakta"
prompt = "Hvor skal pap hen? [affald]"

[[cases.assert]]
type = "icontains"
value = "genbrug"

[[cases]]
id = "kort-svar"
category = "tone"
prompt = "Svar kort [kort]"

[[cases.assert]]
type = "max-length"
value = 20
"#;

fn answers(hilsen: &str, affald: &str) -> String {
    format!(
        "[[answers]]\ncontains = \"[hilsen]\"\nanswer = \"{hilsen}\"\n\n\
         [[answers]]\ncontains = \"[affald]\"\nanswer = \"{affald}\"\n\n\
         [[answers]]\ncontains = \"[kort]\"\nanswer = \"Ja.\"\n"
    )
}

const PROVIDERS: &str = "model-a,model-b";

/// A saved baseline, a changed model since, and both runs' answers in the cache with fixed latencies.
fn compared() -> EvalRepo {
    let mut repo = EvalRepo::build(CASES)
        .answers(&answers("Goddag!", "Pap skal i containeren til pap."))
        .start();
    repo.eval(&["--providers", PROVIDERS, "--save=base"]).expect_code(0);
    repo.restub(
        &answers("Hej.", "Pap afleveres på genbrug eller i din papcontainer."),
        &[],
    );
    repo.eval(&["--providers", PROVIDERS, "--compare", "base"])
        .expect_code(1);
    let latency = regex::Regex::new(r#""(latency[a-z0-9_]*)":\s*\d+"#).expect("regex");
    let mut files = vec![repo.path().join("evals/base.json")];
    let cache = repo.path().join(".aispec/cache/eval");
    files.extend(
        std::fs::read_dir(&cache)
            .expect("cache")
            .map(|e| e.expect("entry").path()),
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        std::fs::write(&file, latency.replace_all(&text, "\"$1\": 120").as_bytes()).expect("write");
    }
    repo
}

/// The report without what changes from one test run to the next: the baseline's time and commit, the
/// run's duration.
fn stable(stdout: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").expect("regex");
    // The title may wrap between "commit" and its id.
    let commit = regex::Regex::new(r"(commit\s+)[0-9a-f]{7,40}").expect("regex");
    let seconds = regex::Regex::new(r"\d+\.\d s\n").expect("regex");
    let out = time.replace_all(stdout, "[TIME]");
    let out = commit.replace_all(&out, "${1}[COMMIT]");
    seconds.replace_all(&out, "[SECONDS] s\n").into_owned()
}

#[test]
fn eval_tables_fit_every_terminal() {
    let repo = compared();
    let args = ["eval", "--providers", PROVIDERS, "--compare", "base"];
    // Categories and cases are ids: they stay whole; so do the providers.
    let ids = [
        "fakta",
        "tone",
        "model-a",
        "model-b",
        "hjaelper/hilsen",
        "hjaelper/affald",
    ];
    for lang in ["en", "da"] {
        for width in WIDTHS {
            for color in [false, true] {
                let run = run_at(&repo, &args, width, color, lang);
                run.expect_code(1);
                check_layout(&run.stdout, width, &ids);
                if !color {
                    assert!(!run.stdout.contains('\x1b'), "colour codes with --color never");
                }
                let suffix = if color { "color" } else { "plain" };
                insta::assert_snapshot!(format!("eval_{lang}_{width}_{suffix}"), visible(&stable(&run.stdout)));
            }
        }
        // Colour is on the cells, not in their text: the coloured report is the plain one plus codes.
        let plain_run = run_at(&repo, &args, 80, false, lang);
        let color_run = run_at(&repo, &args, 80, true, lang);
        assert_eq!(plain(&stable(&color_run.stdout)), stable(&plain_run.stdout));
        assert!(color_run.stdout.contains('\x1b'));
    }
}
