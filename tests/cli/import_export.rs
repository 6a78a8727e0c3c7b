//! `aispec export` and `aispec import` against the real Open WebUI: round trips that plan no changes, and a
//! model made in the web UI adopted into git.

use serde_json::{Value, json};

use crate::deploy_repo::{DeployRepo, Spec};
use crate::openwebui::server;

fn export(r: &DeployRepo) -> (std::path::PathBuf, Value) {
    let run = r.run(&["export", "--out", "out", "--format", "json"]);
    run.expect_code(0);
    let file = r.repo.path().join("out/open-webui-models.json");
    let models: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("export file")).expect("json");
    (file, models)
}

#[test]
fn export_then_import_into_an_empty_workspace_plans_no_changes() {
    let a = DeployRepo::new("roundtrip");
    let x = a.add_approved(
        "x",
        &Spec {
            groups: &["alle", "Ledere"],
            tags: &["a", "b"],
            ..Spec::default()
        },
    );
    let y = a.add_approved("y", &Spec::default());
    let draft = a.add("draft", &Spec::default());
    a.deploy(&[]);
    let (file, models) = export(&a);
    let ids: Vec<&str> = models
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, [x.as_str(), y.as_str()], "only approved specialists are exported");
    let first = &models[0];
    assert_eq!(first["base_model_id"], "mistral-small-3.2-24b");
    assert_eq!(first["params"]["system"], Spec::default().prompt);
    assert_eq!(first["meta"]["aispec"]["workspace"], "ws-roundtrip");
    assert_eq!(first["access_grants"], json!([]));
    assert!(!draft.is_empty());

    // A fresh checkout of the same workspace with no specialists.
    let b = DeployRepo::new("roundtrip");
    let run = b.run(&["import", file.to_str().expect("utf-8"), "--format", "json"]);
    run.expect_code(0);
    let rows = run.json();
    assert_eq!(rows[0]["result"], "restored", "{rows}");
    for id in [&x, &y] {
        assert_eq!(b.content_hash(id), a.content_hash(id), "{id} restored exactly");
        assert_eq!(
            b.repo.read(&format!("specialists/{id}/system-prompt.md")),
            a.repo.read(&format!("specialists/{id}/system-prompt.md"))
        );
    }
    b.run(&["validate"]).expect_code(0);
    let plan = b.plan(&[]);
    assert_eq!(plan["changes_pending"], false, "{plan}");
    assert_eq!(DeployRepo::action(&plan, &x), "unchanged");
    assert_eq!(DeployRepo::action(&plan, &y), "unchanged");
}

#[test]
fn open_webui_accepts_the_export_file() {
    let r = DeployRepo::new("owuiimport");
    let id = r.add_approved(
        "a",
        &Spec {
            groups: &["Ledere"],
            ..Spec::default()
        },
    );
    let (_, models) = export(&r);
    // What "Workspace → Models → Import" does with the file, as the builder.
    let ok = r.api().post("/api/v1/models/import", &json!({ "models": models }));
    assert_eq!(ok, json!(true));
    let live = r.api().model(&id).expect("imported");
    assert_eq!(live["meta"]["aispec"]["managed_by"], "aispec");
    // aispec recognises the model as its own; only the access (not in the file) is left to do.
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "grants", "{plan}");
    r.deploy(&[]);
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}

#[test]
fn import_from_a_target_restores_knowledge_files() {
    let a = DeployRepo::new("kbimport");
    let id = a.add_approved(
        "a",
        &Spec {
            knowledge: &[
                ("regler.md", "# Regler\n\nÅbningstider: 8-15.\n"),
                ("sub/faq.txt", "Spørgsmål og svar.\n"),
            ],
            ..Spec::default()
        },
    );
    a.deploy(&[]);
    let b = DeployRepo::new("kbimport");
    let run = b.run(&["import", "--from-target", "test", &id]);
    run.expect_code(0);
    assert_eq!(
        b.repo.read(&format!("specialists/{id}/knowledge/sub/faq.txt")),
        "Spørgsmål og svar.\n"
    );
    assert_eq!(b.content_hash(&id), a.content_hash(&id));
    assert_eq!(DeployRepo::action(&b.plan(&[]), &id), "unchanged");
}

#[test]
fn a_model_made_in_the_web_ui_is_adopted_as_a_draft() {
    let r = DeployRepo::new("adopt");
    let id = r.id("web");
    let prompt = "Du hjælper medarbejdere med spørgsmål om byggesager.\n";
    r.api().post(
        "/api/v1/models/create",
        &json!({
            "id": id, "base_model_id": "mistral-small-3.2-24b", "name": "Byggesagshjælper",
            "meta": {"description": "Svar om byggesager", "tags": [{"name": "byg"}],
                     "suggestion_prompts": [{"content": "Hvad kræver en carport?", "title": ["Carport", ""]}]},
            "params": {"system": prompt, "temperature": 0.4},
            "access_grants": [{"principal_type": "group", "principal_id": server().groups["Ledere"], "permission": "read"}]
        }),
    );
    let run = r.run(&["import", "--from-target", "test", &id]);
    run.expect_code(0);
    assert!(run.stdout.contains("adopted"), "{}", run.stdout);
    let text = r.repo.read(&format!("specialists/{id}/specialist.toml"));
    assert!(text.starts_with("# Overtaget af aispec fra test"), "{text}");
    let spec: aispec::model::specialist::Specialist = toml::from_str(&text).expect("valid toml");
    assert_eq!(spec.name, "Byggesagshjælper");
    assert_eq!(spec.description, "Svar om byggesager");
    assert_eq!(spec.tags, ["byg"]);
    assert_eq!(spec.access.groups, ["ledere"], "the workspace alias for the group");
    assert_eq!(spec.params.temperature, Some(0.4));
    assert_eq!(spec.suggestion_prompts[0].title.as_deref(), Some("Carport"));
    assert_eq!(r.repo.read(&format!("specialists/{id}/system-prompt.md")), prompt);
    r.run(&["validate"]).expect_code(0);

    // import leaves the department for a person to fill in: validate lists it as a placeholder (a warning).
    let validate = r.run(&["validate"]);
    assert!(validate.stdout.contains("[placeholder]"), "{}", validate.stdout);
    // Owner and notice filled in: a change, so the normal path (sign-off) applies.
    let rel = format!("specialists/{id}/specialist.toml");
    let filled = r
        .repo
        .read(&rel)
        .replace("UDFYLD: ejende afdeling", "Teknik og Miljø")
        .replace("UDFYLD: ansvarlig bygger", "Anne Jensen")
        .replace("[owner]", "notice = \"Skriv ikke personoplysninger.\"\n\n[owner]");
    r.repo.write(&rel, filled);
    r.run(&["validate"]).expect_code(0);
    let plan = r.plan(&["--adopt"]);
    assert_eq!(
        DeployRepo::action(&plan, &id),
        "skipped",
        "a changed import is not deployed unsigned"
    );
    r.approve(&id);
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "conflict");
    let report = r.deploy(&["--adopt"]);
    assert_eq!(report["applied"], 1, "{report}");
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");

    let again = r.run(&["import", "--from-target", "test", &id]);
    again.expect_code(1);
    assert!(again.stdout.contains("exists"), "{}", again.stdout);
}
