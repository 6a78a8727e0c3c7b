//! `aispec import FILE` with every export shape people have (fixtures in `tests/fixtures/import/`, written for
//! these tests in the shapes Open WebUI 0.5, 0.6 and 0.12 export): every model arrives with its prompt or is
//! listed as skipped with the reason, and nothing is lost without a note.

use serde_json::Value;

use crate::support::{TestRepo, fixtures};

/// The minimal workspace with one export file copied in as `export.json`.
pub fn repo_with(file: &str) -> TestRepo {
    let repo = TestRepo::fixture("minimal");
    repo.write(
        "export.json",
        std::fs::read(fixtures().join("import").join(file)).expect("fixture"),
    );
    repo
}

fn import_json(repo: &TestRepo, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["import", "export.json", "--format", "json"];
    args.extend_from_slice(extra);
    let run = repo.run(&args);
    let rows = run.json().as_array().cloned().expect("rows");
    (run.code, rows)
}

fn row<'a>(rows: &'a [Value], source: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["source_id"] == source && r["result"] != "skipped")
        .unwrap_or_else(|| panic!("no row for {source}: {rows:?}"))
}

fn spec(repo: &TestRepo, id: &str) -> aispec::model::specialist::Specialist {
    toml::from_str(&repo.read(&format!("specialists/{id}/specialist.toml"))).expect("valid specialist.toml")
}

#[test]
fn an_0_5_export_imports_its_models_and_skips_the_rest_with_reasons() {
    let repo = repo_with("export-0.5.json");
    let (code, rows) = import_json(&repo, &[]);
    assert_eq!(code, 0, "{rows:?}");
    assert_eq!(rows.len(), 5, "every entry is listed: {rows:?}");
    let skipped: Vec<String> = rows
        .iter()
        .filter(|r| r["result"] == "skipped")
        .map(|r| format!("{}: {}", r["source_id"].as_str().unwrap_or_default(), r["notes"][0]))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped[0].contains("a base model served by a connection (openai)"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].starts_with("arena-model: \"Open WebUI's arena model"),
        "{skipped:?}"
    );
    assert!(skipped[2].contains("`base_model_id` is null"), "{skipped:?}");

    assert_eq!(row(&rows, "referat-hjaelper")["result"], "adopted");
    assert_eq!(
        repo.read("specialists/referat-hjaelper/system-prompt.md"),
        "Du skriver korte referater af møder ud fra noter.\n",
        "the prompt inside `info` arrives"
    );
    let referat = spec(&repo, "referat-hjaelper");
    assert_eq!(referat.base_model, "small-internal");
    assert!(referat.access.public, "access_control: null is public");
    assert_eq!(referat.tools, ["dato"]);
    assert_eq!(referat.suggestion_prompts[0].subtitle.as_deref(), Some("af noter"));
    assert_eq!(
        referat.profile_image, None,
        "Open WebUI's default logo is no image of its own"
    );

    let lukket = spec(&repo, "lukket-hjaelper");
    assert!(
        !lukket.access.public && lukket.access.groups.is_empty(),
        "{{}} is private"
    );
    assert_eq!(lukket.active, Some(false));

    // Adopted specialists validate (warnings for the notice they lack) and show how they can be taken over.
    repo.run(&["validate"]).expect_code(0);
    let status = repo.run(&["status"]);
    assert!(
        status
            .stdout
            .contains("referat-hjaelper: imported from export.json and unchanged: `aispec deploy --adopt`"),
        "{}",
        status.stdout
    );
    let fresh = repo_with("export-0.5.json");
    let human = fresh.run(&["import", "export.json"]);
    crate::assert_run_snapshot!("import_0_5_export", fresh, human);
}

#[test]
fn a_single_0_6_object_names_what_it_cannot_carry_over() {
    let repo = repo_with("single-0.6.json");
    let (code, rows) = import_json(&repo, &[]);
    assert_eq!(code, 0);
    let r = row(&rows, "jobopslag");
    assert_eq!(r["result"], "draft", "{r}");
    let lost = r["lost"].to_string();
    assert!(lost.contains("read access for group id 0b6d6a8e"), "{lost}");
    assert!(lost.contains("write access for user 7c1e0c1a"), "{lost}");
    let job = spec(&repo, "jobopslag");
    assert!(job.adopted.is_none(), "not exact, so not adopted");
    assert_eq!(job.platform.params["top_k"], 20);
    assert_eq!(
        job.params.function_calling,
        Some(aispec::model::specialist::FunctionCalling::Default)
    );
    assert_eq!(job.platform.meta["hidden"], false);
}

#[test]
fn strict_refuses_to_write_anything_that_does_not_round_trip() {
    let repo = repo_with("single-0.6.json");
    let (code, rows) = import_json(&repo, &["--strict"]);
    assert_eq!(code, 1);
    assert_eq!(rows[0]["result"], "not-written");
    assert!(!repo.path().join("specialists/jobopslag").exists());
    // An exact file passes --strict.
    let exact = repo_with("export-0.12.json");
    let (code, rows) = import_json(&exact, &["--strict"]);
    assert_eq!(code, 0, "{rows:?}");
    assert_eq!(rows[0]["result"], "adopted");
}

#[test]
fn a_model_without_id_gets_one_from_its_name() {
    let repo = repo_with("no-id.json");
    let (code, rows) = import_json(&repo, &[]);
    assert_eq!(code, 0);
    let r = &rows[0];
    assert_eq!(r["id"], "klar-tekst");
    assert_eq!(r["result"], "draft", "a new id is a new model: {r}");
    assert!(
        r["lost"].to_string().contains("`klar-tekst` was made from its name"),
        "{r}"
    );
    assert!(spec(&repo, "klar-tekst").access.public);
    assert_eq!(
        repo.read("specialists/klar-tekst/system-prompt.md"),
        "Du omskriver tekst til klart og venligt dansk.\n"
    );
}

#[test]
fn a_0_12_export_keeps_every_setting() {
    let repo = repo_with("export-0.12.json");
    let (code, rows) = import_json(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(rows[0]["result"], "adopted", "{rows:?}");
    let s = spec(&repo, "byggesag");
    let caps = s.capabilities.expect("[capabilities]");
    assert_eq!(
        (caps.vision, caps.code_interpreter, caps.usage),
        (Some(true), Some(true), Some(true))
    );
    assert_eq!(s.builtin_tools.get("time"), Some(&true));
    assert_eq!(
        (s.filters, s.actions),
        (vec!["sprogfilter".to_owned()], vec!["kopier-svar".to_owned()])
    );
    assert_eq!(
        s.params.reasoning_tags,
        Some(aispec::model::specialist::ReasoningTags::Enabled(false))
    );
    assert!(s.platform.meta.contains_key("i18n"));
    assert_eq!(s.profile_image.as_deref(), Some("profile-image.gif"));
    let gif = std::fs::read(repo.path().join("specialists/byggesag/profile-image.gif")).expect("image file");
    assert!(gif.starts_with(b"GIF89a"));
    repo.run(&["validate"]).expect_code(0);
}

#[test]
fn a_large_data_uri_image_becomes_a_file_beside_the_specialist() {
    use base64::Engine as _;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..150_000u32).map(|i| (i % 251) as u8));
    let uri = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&png)
    );
    let model = serde_json::json!([{"id": "med-billede", "name": "Med billede", "base_model_id": "small-internal",
        "params": {"system": "Hej.\n"}, "meta": {"profile_image_url": uri, "description": "Har et billede."}}]);
    let repo = TestRepo::fixture("minimal");
    repo.write("export.json", model.to_string());
    let (code, rows) = import_json(&repo, &[]);
    assert_eq!(code, 0);
    assert_eq!(rows[0]["result"], "adopted", "{rows:?}");
    let dir = repo.path().join("specialists/med-billede");
    assert_eq!(std::fs::read(dir.join("profile-image.png")).expect("file"), png);
    let toml_len = std::fs::metadata(dir.join("specialist.toml")).expect("toml").len();
    assert!(toml_len < 4_000, "specialist.toml stays small: {toml_len} bytes");
    repo.run(&["validate"]).expect_code(0);
}

#[test]
fn validate_knows_what_only_an_adoption_may_leave_out() {
    let repo = repo_with("export-0.12.json");
    import_json(&repo, &[]);
    let rel = "specialists/byggesag/specialist.toml";
    let adopted = repo.run(&["validate", "--format", "json"]);
    adopted.expect_code(0);
    assert!(
        adopted.stdout.contains("missing required key `notice`"),
        "a warning: {}",
        adopted.stdout
    );

    // Without the import record the notice is required, and aispec's own keys cannot be passed through.
    let text = repo.read(rel);
    let cut = text.find("[adopted]").expect("adopted table");
    let mut edited = text[..cut].to_owned();
    edited.push_str("\n[platform.params]\ntemperature = 0.1\n");
    edited = edited.replace(
        "profile_image = \"profile-image.gif\"",
        "profile_image = \"mangler.png\"",
    );
    repo.write(rel, edited);
    let run = repo.run(&["validate"]);
    run.expect_code(1);
    for expected in [
        "missing required key `notice`",
        "`platform.params.temperature` is set by aispec",
        "profile image specialists/byggesag/mangler.png",
    ] {
        assert!(run.stdout.contains(expected), "{expected}:\n{}", run.stdout);
    }
}
