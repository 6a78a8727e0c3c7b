//! Adopting what is live, against the real Open WebUI 0.12.4: a model made through its API with every field
//! an admin can set is imported, planned as no change, deployed with `--adopt` without screening or sign-off,
//! and compared field by field with what it was.

use serde_json::{Map, Value, json};

use crate::deploy_repo::DeployRepo;
use crate::openwebui::{BUILDERS, server};

/// A PNG-looking image of about 120 KB as a data URI (the web UI stores uploaded pictures this way).
fn big_image() -> String {
    use base64::Engine as _;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..120_000u32).map(|i| (i * 7 % 253) as u8));
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

/// The model as the web UI's editor saves it with every switch touched.
fn every_field(id: &str, kb: &str) -> Value {
    let s = server();
    json!({
        "id": id, "base_model_id": "mistral-small-3.2-24b", "name": "Håndlavet assistent",
        "meta": {
            "profile_image_url": big_image(),
            "description": "Lavet i web-UI'en af en administrator.",
            "suggestion_prompts": [{"content": "Hvad kræver en carport?", "title": ["Carport", "regler og gebyrer"]}],
            "tags": [{"name": "byg"}, {"name": "test"}],
            "capabilities": {"vision": true, "file_upload": true, "file_context": true, "web_search": false,
                             "image_generation": false, "code_interpreter": true, "terminal": false,
                             "citations": true, "status_updates": true, "usage": true, "memory": false,
                             "builtin_tools": true},
            "builtinTools": {"time": true, "memory": false, "knowledge": true},
            "toolIds": ["kalender"], "filterIds": ["sprogfilter"], "actionIds": ["kopier-svar"],
            "defaultFeatureIds": ["code_interpreter"],
            "knowledge": [{"id": kb, "name": "Byggeregler", "type": "collection", "description": "Regler (test)"}],
            "i18n": {"en": {"description": "Made in the web UI by an admin."}},
            "voice": {"voice": "alloy"},
            "hidden": false
        },
        "params": {"system": "Du hjælper medarbejdere med spørgsmål om byggesager.\n", "temperature": 1,
                   "max_tokens": 900, "function_calling": "native", "reasoning_tags": ["<think>", "</think>"],
                   "top_k": 40, "stop": ["###"], "custom_params": {"num_retries": 2}},
        "access_grants": [
            {"principal_type": "user", "principal_id": "*", "permission": "read"},
            {"principal_type": "group", "principal_id": s.groups["Ledere"], "permission": "read"},
            {"principal_type": "group", "principal_id": s.groups[BUILDERS], "permission": "write"}
        ]
    })
}

/// Equal JSON, numbers by value (`1` and `1.0` are one number to Open WebUI and to the model).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The grants as sorted `type:id:permission` lines (the server gives each grant an id and a date).
fn grants(model: &Value) -> Vec<String> {
    let mut out: Vec<String> = model["access_grants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| format!("{}:{}:{}", g["principal_type"], g["principal_id"], g["permission"]).replace('"', ""))
        .collect();
    out.sort();
    out
}

/// Every field of the model, compared one by one; only aispec's marker may be new.
fn assert_unchanged(before: &Value, after: &Value) {
    for key in ["id", "base_model_id", "name", "is_active", "params"] {
        assert!(
            same(&before[key], &after[key]),
            "{key}: {} → {}",
            before[key],
            after[key]
        );
    }
    let meta = |v: &Value| -> Map<String, Value> {
        let mut m = v["meta"].as_object().cloned().expect("meta");
        m.remove("aispec");
        m
    };
    let (b, a) = (meta(before), meta(after));
    let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    for k in keys {
        let (x, y) = (b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null));
        assert!(same(x, y), "meta.{k}: {x} → {y}");
    }
    assert_eq!(grants(before), grants(after), "access_grants");
}

#[test]
fn a_model_with_every_field_is_adopted_without_changing_it() {
    // The admin's key, as an admin made the model (and only an admin may share it with everyone).
    let r = DeployRepo::with("adoptall", &server().url, &server().admin_key);
    let id = r.id("web");
    let api = r.api();
    let kb = api.post(
        "/api/v1/knowledge/create",
        &json!({"name": "Byggeregler", "description": "Regler (test)"}),
    )["id"]
        .as_str()
        .expect("knowledge id")
        .to_owned();
    {
        let _sharing = crate::openwebui::everyone_lock();
        api.post("/api/v1/models/create", &every_field(&id, &kb));
    }
    let before = api.model(&id).expect("created");

    let run = r.run(&["import", "--from-target", "test", &id, "--strict", "--format", "json"]);
    run.expect_code(0);
    let rows = run.json();
    assert_eq!(rows[0]["result"], "adopted", "{rows}");
    assert_eq!(rows[0]["lost"], json!([]), "{rows}");
    let dir = format!("specialists/{id}");
    let image = std::fs::read(r.repo.path().join(&dir).join("profile-image.png")).expect("image file");
    assert!(image.len() > 100_000);
    r.run(&["validate"]).expect_code(0);

    // Without --adopt the model is in conflict, and the plan says so instead of "matches git".
    let plan = r.run(&["plan", "--target", "test"]);
    plan.expect_code(0);
    assert!(
        !plan.stdout.contains("No changes: the platform matches git"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Nothing to deploy, but the platform does not match git (1 in conflict)"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains(&format!("In conflict: {id}.")), "{}", plan.stdout);
    assert!(plan.stdout.contains("--adopt"), "{}", plan.stdout);

    // With --adopt: no field changes, no sign-off needed (the specialist is a draft without screening).
    let plan = r.plan(&["--adopt"]);
    let item = &plan["items"][0];
    assert_eq!(item["action"], "update", "{item}");
    assert_eq!(item["adopt"], true);
    assert_eq!(item["unchanged_adoption"], true);
    assert!(item.get("changes").is_none() && item.get("prompt").is_none(), "{item}");
    assert!(item.get("grants").is_none(), "{item}");

    let report = r.deploy(&["--adopt"]);
    assert_eq!(report["applied"], 1, "{report}");
    let after = api.model(&id).expect("still there");
    assert_eq!(after["meta"]["aispec"]["workspace"], "ws-adoptall");
    assert_unchanged(&before, &after);

    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "unchanged", "{plan}");
    let status = r.run(&["status"]);
    assert!(
        status.stdout.contains("and unchanged: `aispec deploy --adopt`"),
        "{}",
        status.stdout
    );

    // Any later change takes the normal path: here, sign-off.
    let prompt = format!("{dir}/system-prompt.md");
    r.repo.write(&prompt, "Du hjælper med byggesager. Svar kort.\n");
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "skipped", "{plan}");
    assert!(
        plan["items"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .starts_with("not approved"),
        "{plan}"
    );
    let status = r.run(&["status"]);
    assert!(status.stdout.contains("changed since"), "{}", status.stdout);
}
