//! The broken-file corpus: each case breaks a minimal workspace in one way and pins the exact diagnostics.
//! Every case must exit 1 (or 0 for warnings only) with a precise message, never panic.

use crate::support::TestRepo;

mod files;

const SPEC: &str = "specialists/demo/specialist.toml";
const PROMPT: &str = "specialists/demo/system-prompt.md";
const TESTS: &str = "specialists/demo/tests.toml";

fn replace(repo: &TestRepo, file: &str, from: &str, to: &str) {
    let text = repo.read(file);
    assert!(text.contains(from), "{file} does not contain {from:?}");
    repo.write(file, text.replacen(from, to, 1));
}

fn append(repo: &TestRepo, file: &str, extra: &str) {
    let text = repo.read(file);
    repo.write(file, format!("{text}{extra}"));
}

fn copy_demo_as(repo: &TestRepo, folder: &str) {
    for f in ["specialist.toml", "system-prompt.md"] {
        let text = repo.read(&format!("specialists/demo/{f}"));
        repo.write(&format!("specialists/{folder}/{f}"), text);
    }
}

type Breaker = fn(&TestRepo);

const CASES: &[(&str, Breaker)] = &[
    ("toml_unclosed_string", |r| {
        replace(r, SPEC, "name = \"Demo\"", "name = \"Demo")
    }),
    ("toml_duplicate_key", |r| {
        append(r, SPEC, "\n[owner]\ndepartment = \"X\"\n")
    }),
    ("toml_missing_equals", |r| {
        replace(r, SPEC, "tags = [\"test\"]", "tags [\"test\"]")
    }),
    ("wrong_type_string_for_number", |r| {
        replace(r, SPEC, "temperature = 0.2", "temperature = \"lav\"")
    }),
    ("wrong_type_string_for_list", |r| {
        replace(r, SPEC, "tags = [\"test\"]", "tags = \"test\"")
    }),
    ("unknown_top_level_key", |r| {
        replace(r, SPEC, "description =", "descripton =")
    }),
    ("unknown_nested_key", |r| {
        replace(r, SPEC, "temperature = 0.2", "tempreature = 0.2")
    }),
    ("missing_required_key", |r| {
        replace(r, SPEC, "notice = \"Skriv ikke personoplysninger i chatten.\"\n", "")
    }),
    ("bad_semver", |r| {
        replace(r, SPEC, "version = \"1.0.0\"", "version = \"1.0\"")
    }),
    ("invalid_enum_value", |r| {
        replace(r, SPEC, "kind = \"assistent\"", "kind = \"assistant\"")
    }),
    ("temperature_out_of_range", |r| {
        replace(r, SPEC, "temperature = 0.2", "temperature = 3.5")
    }),
    ("unknown_model", |r| {
        replace(
            r,
            SPEC,
            "base_model = \"small-internal\"",
            "base_model = \"small-internl\"",
        )
    }),
    ("retired_model", |r| {
        replace(r, SPEC, "base_model = \"small-internal\"", "base_model = \"old-model\"")
    }),
    ("max_tokens_above_model", |r| {
        replace(r, SPEC, "max_tokens = 1024", "max_tokens = 4096")
    }),
    ("id_mismatch", |r| replace(r, SPEC, "id = \"demo\"", "id = \"demo-2\"")),
    ("id_unsafe_characters", |r| {
        replace(r, SPEC, "id = \"demo\"", "id = \"Demo Specialist\"")
    }),
    ("id_too_long", |r| {
        replace(r, SPEC, "id = \"demo\"", &format!("id = \"{}\"", "a".repeat(65)))
    }),
    ("duplicate_ids", |r| copy_demo_as(r, "demo-kopi")),
    ("folder_without_specialist_toml", |r| {
        r.write("specialists/tom/system-prompt.md", "Hej\n");
    }),
    ("missing_prompt", |r| {
        r.remove(PROMPT);
    }),
    ("empty_prompt", |r| {
        r.write(PROMPT, "  \n\n");
    }),
    ("empty_specialist_file", |r| {
        r.write(SPEC, "");
    }),
    ("not_utf8_specialist", |r| {
        let mut bytes = r.read(SPEC).into_bytes();
        bytes.extend_from_slice(b"\n# kommentar med \xe6 i Latin-1\n");
        r.write(SPEC, bytes);
    }),
    ("not_utf8_prompt", |r| {
        r.write(PROMPT, b"Du er en hj\xe6lper.\n");
    }),
    ("symlink_loop", |r| {
        r.remove(SPEC);
        std::os::unix::fs::symlink("specialist.toml", r.path().join(SPEC)).expect("symlink");
    }),
    ("dangling_symlink_prompt", |r| {
        r.remove(PROMPT);
        std::os::unix::fs::symlink("findes-ikke.md", r.path().join(PROMPT)).expect("symlink");
    }),
    ("unreadable_folder_in_place_of_file", |r| {
        r.remove(PROMPT);
        std::fs::create_dir_all(r.path().join(PROMPT)).expect("mkdir");
    }),
    ("cpr_in_prompt", |r| {
        append(r, PROMPT, "Eksempel: borgeren med CPR 010190-1234 har ringet.\n")
    }),
    ("cpr_without_dash_in_suggestion", |r| {
        replace(r, SPEC, "Hvornår har borgerservice åbent?", "Slå 0101901234 op for mig")
    }),
    ("email_and_phone_warnings", |r| {
        append(r, PROMPT, "Henvis til kontakt@testkommune.dk eller ring 89 40 20 00.\n")
    }),
    ("allow_listed_phone", |r| {
        append(r, PROMPT, "Henvis til borgerservice på 89 40 20 00.\n");
        append(r, SPEC, "\n[privacy]\nallow = [\"+45 89402000\"]\n");
    }),
    ("oversized_prompt", |r| {
        let para = "Borgeren skal have et klart og venligt svar om sin sag, og du skal forklare reglerne grundigt. ";
        r.write(PROMPT, para.repeat(400));
    }),
    ("knowledge_missing_file", |r| {
        append(
            r,
            SPEC,
            "\n[[knowledge]]\nfile = \"vejledning.pdf\"\ndescription = \"Vejledning\"\n",
        )
    }),
    ("knowledge_unsupported_type", |r| {
        append(
            r,
            SPEC,
            "\n[[knowledge]]\nfile = \"budget.xlsx\"\ndescription = \"Budget\"\n",
        );
        r.write("specialists/demo/knowledge/budget.xlsx", "x");
    }),
    ("knowledge_unlisted_file", |r| {
        r.write("specialists/demo/knowledge/noter.md", "Interne noter\n");
    }),
    ("knowledge_too_large", |r| {
        append(
            r,
            SPEC,
            "\n[[knowledge]]\nfile = \"stor.pdf\"\ndescription = \"Stor\"\n",
        );
        r.write("specialists/demo/knowledge/stor.pdf", "");
        let f = std::fs::File::options()
            .write(true)
            .open(r.path().join("specialists/demo/knowledge/stor.pdf"))
            .expect("open");
        f.set_len(21 * 1024 * 1024).expect("sparse file");
    }),
    ("knowledge_with_cpr", |r| {
        append(r, SPEC, "\n[[knowledge]]\nfile = \"sag.md\"\ndescription = \"Sag\"\n");
        r.write("specialists/demo/knowledge/sag.md", "# Sag\n\nAnsøger: 311299-1234\n");
    }),
    ("tests_unknown_assertion", |r| {
        replace(r, TESTS, "type = \"language\"", "type = \"langauge\"")
    }),
    ("tests_duplicate_case_ids", |r| {
        append(
            r,
            TESTS,
            "\n[[cases]]\nid = \"dansk-svar\"\nprompt = \"Igen\"\n[[cases.assert]]\ntype = \"icontains\"\nvalue = \"x\"\n",
        )
    }),
    ("tests_bad_regex", |r| {
        append(
            r,
            TESTS,
            "\n[[cases]]\nid = \"regex\"\nprompt = \"p\"\n[[cases.assert]]\ntype = \"regex\"\nvalue = \"(uafsluttet\"\n",
        )
    }),
    ("tests_assertion_without_value", |r| {
        append(
            r,
            TESTS,
            "\n[[cases]]\nid = \"tom\"\nprompt = \"p\"\n[[cases.assert]]\ntype = \"contains\"\n",
        )
    }),
    ("config_secret_in_file", |r| {
        replace(
            r,
            "aispec.toml",
            "api_key_env = \"TEST_STAGING_KEY\"",
            "api_key_env = \"sk-2f9c81d0a7b34e56\"",
        )
    }),
    ("config_unknown_key", |r| {
        append(r, "aispec.toml", "\n[signoff]\nrequired_role = [\"legal\"]\n")
    }),
    ("catalog_bad_hosting", |r| {
        replace(r, "models.toml", "hosting = \"eu-cloud\"", "hosting = \"cloud\"")
    }),
    ("catalog_duplicate_model", |r| {
        let text = r.read("models.toml");
        let first = text.split("\n\n[[models]]").next().unwrap_or_default().to_owned();
        append(r, "models.toml", &format!("\n{first}\n"));
    }),
    ("suggestion_without_text", |r| {
        replace(
            r,
            SPEC,
            "text = \"Hvornår har borgerservice åbent?\"",
            "tekst = \"Hvornår har borgerservice åbent?\"",
        )
    }),
];

#[test]
fn corpus_has_at_least_thirty_cases() {
    assert!(CASES.len() >= 30, "{} cases", CASES.len());
}

#[test]
fn every_broken_file_gets_a_precise_diagnostic() {
    for (name, breaker) in CASES {
        let repo = TestRepo::fixture("minimal");
        breaker(&repo);
        let run = repo.run(&["validate"]);
        assert!(
            run.code == 0 || run.code == 1,
            "{name}: exit {}\n{}",
            run.code,
            run.stderr
        );
        assert!(run.stderr.is_empty(), "{name}: unexpected stderr {}", run.stderr);
        insta::assert_snapshot!(format!("corpus_{name}"), repo.render(&run));
        let json = repo.run(&["validate", "--format", "json"]).json();
        let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
        if *name != "allow_listed_phone" {
            assert!(!diags.is_empty(), "{name}: no diagnostic");
        }
        for d in &diags {
            assert!(d["line"].as_u64().is_some_and(|l| l >= 1), "{name}: {d}");
            assert!(d["file"].as_str().is_some_and(|f| !f.is_empty()), "{name}: {d}");
        }
    }
}
