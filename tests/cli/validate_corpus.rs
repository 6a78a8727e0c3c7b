//! The broken-file corpus: each case breaks a minimal workspace in one way and pins the exact diagnostics.
//! Every case must exit 1 (or 0 for warnings only) with a precise message, never panic.

use crate::support::TestRepo;

mod files;

/// The PDF and Word makers the library's unit tests use, so no binary fixture is committed.
#[path = "../../src/extract/fixtures.rs"]
pub mod documents;

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
    ("config_api_key_env_not_a_name", |r| {
        replace(
            r,
            "aispec.toml",
            "api_key_env = \"TEST_STAGING_KEY\"",
            "api_key_env = \"staging key\"",
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

/// A credential written into a file: each case must be found and its value must never be printed.
const SECRET: &str = "sk-3f9c81d0a7b34e56aa0b1c2d";

fn provider(r: &TestRepo, body: &str) {
    append(r, "aispec.toml", &format!("\n[providers.litellm]\n{body}\n"));
}

const SECRET_CASES: &[(&str, Breaker)] = &[
    ("secret_api_key_in_target", |r| {
        append(r, "aispec.toml", &format!("api_key = \"{SECRET}\"\n"))
    }),
    ("secret_token_in_provider", |r| {
        provider(
            r,
            &format!("base_url = \"https://litellm.example.dk/v1\"\ntoken = \"{SECRET}\""),
        )
    }),
    ("secret_password_by_name", |r| {
        replace(
            r,
            "aispec.toml",
            "name = \"Testkommune\"",
            &format!("name = \"Testkommune\"\npassword = \"{SECRET}\""),
        )
    }),
    ("secret_unquoted_key", |r| {
        append(r, "aispec.toml", &format!("api_key = {SECRET}\n"))
    }),
    ("secret_in_target_url", |r| {
        replace(
            r,
            "aispec.toml",
            "url = \"http://127.0.0.1:9\"",
            &format!("url = \"https://svc:{SECRET}@ai.example.dk\""),
        )
    }),
    ("secret_in_provider_url", |r| {
        provider(r, &format!("base_url = \"https://{SECRET}@litellm.example.dk/v1\""))
    }),
    ("secret_in_url_with_wrong_scheme", |r| {
        replace(
            r,
            "aispec.toml",
            "url = \"http://127.0.0.1:9\"",
            &format!("url = \"ftp://svc:{SECRET}@ai.example.dk\""),
        )
    }),
    ("secret_api_key_in_specialist", |r| {
        replace(
            r,
            SPEC,
            "tags = [\"test\"]",
            &format!("tags = [\"test\"]\napi_key = \"{SECRET}\""),
        )
    }),
    ("url_user_name_only", |r| {
        replace(
            r,
            "aispec.toml",
            "url = \"http://127.0.0.1:9\"",
            "url = \"https://deploy@ai.example.dk\"",
        )
    }),
    ("url_insecure_http_target", |r| {
        replace(
            r,
            "aispec.toml",
            "url = \"http://127.0.0.1:9\"",
            "url = \"http://ai.example.dk\"",
        )
    }),
    ("url_insecure_http_provider", |r| {
        provider(r, "base_url = \"http://litellm.example.dk/v1\"")
    }),
    ("url_provider_without_scheme", |r| {
        provider(r, "base_url = \"litellm.example.dk/v1\"")
    }),
];

#[test]
fn secrets_in_files_are_found_and_never_printed() {
    for (name, breaker) in SECRET_CASES {
        let (repo, codes) = validate_case(name, *breaker);
        assert!(!codes.is_empty(), "{name}: no diagnostic");
        for format in ["human", "json", "github"] {
            let run = repo.run(&["validate", "--format", format]);
            assert!(
                !run.stdout.contains(SECRET),
                "{name} ({format}) printed the key:\n{}",
                run.stdout
            );
            assert!(
                !run.stderr.contains(SECRET),
                "{name} ({format}) printed the key:\n{}",
                run.stderr
            );
        }
        // Every other command refuses the workspace, and never quotes the key either.
        let plan = repo.run_with(
            &["plan", "--target", "staging"],
            &[("TEST_STAGING_KEY", "sk-unused-but-long-enough")],
        );
        assert!(
            !plan.stderr.contains(SECRET) && !plan.stdout.contains(SECRET),
            "{name}: plan printed the key"
        );
    }
}

#[test]
fn allowed_insecure_http_is_not_a_warning_but_other_hosts_still_are() {
    let repo = TestRepo::fixture("minimal");
    replace(
        &repo,
        "aispec.toml",
        "url = \"http://127.0.0.1:9\"",
        "url = \"http://ai.example.dk\"\nallow_insecure_http = true",
    );
    provider(&repo, "base_url = \"http://litellm.example.dk/v1\"");
    let json = repo.run(&["validate", "--format", "json"]).json();
    let codes: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["field"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [("insecure-http".to_owned(), "providers.litellm.base_url".to_owned())]
    );
}

fn knowledge(r: &TestRepo, name: &str, content: &[u8]) {
    append(
        r,
        SPEC,
        &format!("\n[[knowledge]]\nfile = \"{name}\"\ndescription = \"Vejledning\"\n"),
    );
    r.write(&format!("specialists/demo/knowledge/{name}"), content);
}

fn prompt_line(r: &TestRepo, line: &str) {
    append(r, PROMPT, &format!("{line}\n"));
}

/// Personal data in every field that is deployed or committed, and in the forms that used to hide it.
const PRIVACY_CASES: &[(&str, Breaker)] = &[
    ("cpr_in_description", |r| {
        replace(
            r,
            SPEC,
            "description = \"Svarer kort",
            "description = \"Sag 010190-1234: svarer kort",
        )
    }),
    ("cpr_in_notice", |r| {
        replace(
            r,
            SPEC,
            "notice = \"Skriv ikke personoplysninger i chatten.\"",
            "notice = \"\"\"\nEksempel: 0101901234.\nSkriv ikke personoplysninger i chatten.\"\"\"",
        )
    }),
    ("cpr_in_name", |r| {
        replace(r, SPEC, "name = \"Demo\"", "name = \"Demo 010190-1234\"")
    }),
    ("cpr_in_tag", |r| {
        replace(r, SPEC, "tags = [\"test\"]", "tags = [\"test\", \"010190-1234\"]")
    }),
    ("cpr_in_suggestion_title", |r| {
        replace(r, SPEC, "title = \"Åbningstider\"", "title = \"Sag 010190-1234\"")
    }),
    ("cpr_in_test_prompt", |r| {
        replace(r, TESTS, "prompt = \"Hvornår", "prompt = \"Jeg er 010190-1234. Hvornår")
    }),
    ("cpr_in_test_vars", |r| {
        replace(
            r,
            TESTS,
            "prompt = \"Hvornår",
            "vars = { borger = \"010190-1234\" }\nprompt = \"Hvornår",
        )
    }),
    ("cpr_in_assertion_value", |r| {
        append(
            r,
            TESTS,
            "\n[[cases.assert]]\ntype = \"not-contains\"\nvalue = \"010190-1234\"\n",
        )
    }),
    ("cpr_in_knowledge_file_name", |r| {
        knowledge(r, "sag-010190-1234.md", b"# Sag\n\nIngen personoplysninger her.\n")
    }),
    ("cpr_in_screening_note", |r| {
        replace(
            r,
            "screenings/demo/screening.toml",
            "value = \"Medarbejdere får korte svar",
            "note = \"Aftalt med borger 010190-1234 og anne.hansen@example.com.\"\nvalue = \"Medarbejdere får korte svar",
        );
    }),
    ("cpr_in_journey_text", |r| {
        r.write(
            "screenings/demo/journey.toml",
            "id = \"demo\"\nstatus = \"draft\"\ntitle = \"Demo\"\ntrigger = \"Borgeren 010190-1234 ringer om åbningstider.\"\n",
        );
    }),
    ("cpr_split_across_lines", |r| {
        prompt_line(r, "Borgeren har CPR-nummer 010190-\n1234 og ringer ofte.")
    }),
    ("cpr_with_no_break_space", |r| prompt_line(r, "CPR: 010190\u{00A0}1234")),
    ("cpr_with_zero_width_space", |r| {
        prompt_line(r, "CPR: 0101\u{200B}90-1234")
    }),
    ("cpr_with_soft_hyphen", |r| prompt_line(r, "CPR: 010190\u{00AD}1234")),
    ("cpr_with_minus_sign", |r| prompt_line(r, "CPR: 010190\u{2212}1234")),
    ("cpr_with_tab", |r| prompt_line(r, "CPR:\t010190\t1234")),
    ("cpr_in_fullwidth_digits", |r| {
        prompt_line(r, "CPR: ０１０１９０－１２３４")
    }),
    ("cpr_in_markdown_bold", |r| prompt_line(r, "CPR: **010190**-1234")),
    ("cpr_in_html_bold", |r| {
        knowledge(r, "sag.html", "<p>CPR: <b>010190</b>-1234</p>\n".as_bytes())
    }),
    ("cpr_as_html_entity", |r| {
        knowledge(r, "sag.html", "<p>CPR: 010190&#45;1234</p>\n".as_bytes())
    }),
    ("email_in_owner_contact", |r| {
        replace(
            r,
            SPEC,
            "contact = \"Builder-gruppen\"",
            "contact = \"anne.hansen@example.com\"",
        )
    }),
    ("phone_in_suite", |r| {
        r.write(
            "suites/borgerservice.toml",
            "[suite]\nname = \"borgerservice\"\n\n[[cases]]\nid = \"ring\"\nprompt = \"Ring til mig på 20 30 40 50\"\n\n[[cases.assert]]\ntype = \"icontains\"\nvalue = \"ring\"\n",
        );
    }),
    ("cvr_is_not_a_phone_number", |r| {
        prompt_line(r, "Kommunen har CVR-nr. 55133018; ring på 89 40 20 00.")
    }),
];

#[test]
fn personal_data_is_found_in_every_field_and_form() {
    for (name, breaker) in PRIVACY_CASES {
        let (_, codes) = validate_case(name, *breaker);
        let wanted = if name.starts_with("cpr") {
            "cpr-number"
        } else if name.starts_with("email") {
            "email-address"
        } else {
            "phone-number"
        };
        if *name == "cvr_is_not_a_phone_number" {
            assert_eq!(
                codes,
                ["phone-number"],
                "{name}: only the phone number, not the CVR number"
            );
        } else {
            assert!(
                codes.iter().any(|c| c == wanted),
                "{name}: {wanted} not found in {codes:?}"
            );
        }
    }
}

/// Breaks a minimal workspace, checks that validate ran cleanly (exit 0 or 1, nothing on stderr) and that every
/// finding names a file and a line, pins the human output, and returns the codes of the findings.
fn validate_case(name: &str, breaker: Breaker) -> (TestRepo, Vec<String>) {
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
    for d in &diags {
        assert!(d["line"].as_u64().is_some_and(|l| l >= 1), "{name}: {d}");
        assert!(d["file"].as_str().is_some_and(|f| !f.is_empty()), "{name}: {d}");
    }
    let codes = diags
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    (repo, codes)
}

/// PDF and Word knowledge files, made on the fly: (case, the code it must produce, breaker).
const DOCUMENT_CASES: &[(&str, &str, Breaker)] = &[
    ("pdf_with_cpr", "cpr-number", |r| {
        knowledge(
            r,
            "vejledning.pdf",
            &documents::pdf(&["Sagsbehandling", "Borger: 010190-1234"]),
        )
    }),
    ("pdf_scanned_image", "no-text", |r| {
        knowledge(r, "scannet.pdf", &documents::pdf(&[]))
    }),
    ("pdf_truncated", "unreadable-document", |r| {
        let whole = documents::pdf(&["Borger: 010190-1234"]);
        knowledge(r, "afbrudt.pdf", &whole[..whole.len() / 2]);
    }),
    ("pdf_that_is_not_a_pdf", "unreadable-document", |r| {
        knowledge(r, "forkert.pdf", b"<html>ikke en pdf</html>")
    }),
    ("pdf_stream_bomb", "document-too-large", |r| {
        knowledge(r, "bombe.pdf", &documents::pdf_bomb(65 * 1024 * 1024))
    }),
    ("docx_with_cpr", "cpr-number", |r| {
        knowledge(r, "notat.docx", &documents::docx(&["Notat", "CPR:\t010190-1234"], &[]))
    }),
    ("docx_phone_in_footer", "phone-number", |r| {
        let footer: &[u8] = b"<w:ftr xmlns:w=\"w\"><w:p><w:r><w:t>Ring 20 30 40 50</w:t></w:r></w:p></w:ftr>";
        knowledge(
            r,
            "notat.docx",
            &documents::docx(&["Notat"], &[("word/footer1.xml", footer)]),
        )
    }),
    ("docx_zip_bomb", "document-too-large", |r| {
        knowledge(r, "bombe.docx", &documents::docx_bomb(65 * 1024 * 1024))
    }),
    ("docx_that_is_not_a_zip", "unreadable-document", |r| {
        knowledge(r, "forkert.docx", b"Hej\n")
    }),
];

#[test]
fn documents_are_scanned_and_scans_need_a_person() {
    for (name, code, breaker) in DOCUMENT_CASES {
        assert_eq!(validate_case(name, *breaker).1, [*code], "{name}");
    }
}

#[test]
fn the_workspace_allow_list_covers_suites_specialists_and_screenings() {
    let repo = TestRepo::fixture("minimal");
    for (_, breaker) in PRIVACY_CASES
        .iter()
        .filter(|(n, _)| *n == "phone_in_suite" || *n == "email_in_owner_contact")
    {
        breaker(&repo);
    }
    append(
        &repo,
        "aispec.toml",
        "\n[privacy]\nallow = [\"20304050\", \"Anne.Hansen@example.com\"]\n",
    );
    repo.expect_no_diagnostics();
}

#[test]
fn corpus_has_at_least_thirty_cases() {
    assert!(CASES.len() >= 30, "{} cases", CASES.len());
}

#[test]
fn every_broken_file_gets_a_precise_diagnostic() {
    for (name, breaker) in CASES {
        let (_, codes) = validate_case(name, *breaker);
        if *name != "allow_listed_phone" {
            assert!(!codes.is_empty(), "{name}: no diagnostic");
        }
    }
}
