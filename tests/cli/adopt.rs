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

/// Equal JSON, numbers by value (`1` and `1.0` are one number to Open WebUI and to the model), and an absent
/// key, `null` and an empty list alike (Open WebUI reads them alike; its own editor saves `toolIds: []`).
fn same(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| v.is_null() || v.as_array().is_some_and(Vec::is_empty);
    match (a, b) {
        _ if empty(a) && empty(b) => true,
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
    // With the owner still to fill in, the placeholders block it first; filled in, it waits for sign-off.
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "blocked", "{plan}");
    let spec = format!("{dir}/specialist.toml");
    let filled = r
        .repo
        .read(&spec)
        .replace("UDFYLD: ejende afdeling", "Teknik og Miljø")
        .replace("UDFYLD: ansvarlig bygger", "Anne Jensen");
    r.repo.write(&spec, filled);
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

/// The steps of issue 14 as a new user took them: a model made by an admin with vision, file upload, code
/// interpreter, citations and usage on, a profile image, a suggestion prompt and a tag; `import`, `approve`,
/// `deploy --adopt`. Here it is also switched off, private, and carries the editor's newer keys.
#[test]
fn an_imported_and_approved_web_ui_model_keeps_its_switches_when_adopted() {
    let r = DeployRepo::with("haandlavet", &server().url, &server().admin_key);
    let id = r.id("web");
    let api = r.api();
    let small_png = {
        use base64::Engine as _;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
        format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        )
    };
    api.post(
        "/api/v1/models/create",
        &json!({
            "id": id, "base_model_id": "mistral-small-3.2-24b", "name": "Håndlavet", "is_active": false,
            "meta": {
                "profile_image_url": small_png,
                "description": "Lavet i hånden.",
                "suggestion_prompts": [{"content": "Hvad må jeg skrive her?", "title": ["Hjælp", ""]}],
                "tags": [{"name": "forsøg"}],
                "capabilities": {"vision": true, "file_upload": true, "code_interpreter": true,
                                 "citations": true, "usage": true},
                "defaultFilterIds": ["sprogfilter"], "skillIds": ["opsummering"], "terminalId": "terminal-1",
                "tts": {"voice": "nova"}
            },
            "params": {"system": "Du svarer kort og venligt.\n", "function_calling": "legacy",
                       "reasoning_tags": true},
            "access_grants": []
        }),
    );
    let before = api.model(&id).expect("created");

    let run = r.run(&["import", "--from-target", "test", &id, "--format", "json"]);
    run.expect_code(0);
    let rows = run.json();
    assert_eq!(rows[0]["result"], "adopted", "{rows}");
    assert_eq!(
        rows[0]["lost"],
        json!([]),
        "nothing is lost, so nothing is noted: {rows}"
    );
    r.approve(&id);

    // Approved, it takes the normal path; the plan still shows no field to change.
    let plan = r.plan(&["--adopt"]);
    let item = &plan["items"][0];
    assert_eq!(
        (&item["action"], &item["adopt"]),
        (&json!("update"), &json!(true)),
        "{item}"
    );
    for key in ["changes", "prompt", "grants", "knowledge"] {
        assert!(item.get(key).is_none(), "{key}: {item}");
    }
    let report = r.deploy(&["--adopt"]);
    assert_eq!(report["applied"], 1, "{report}");
    let after = api.model(&id).expect("still there");
    for switch in ["vision", "file_upload", "code_interpreter", "citations", "usage"] {
        assert_eq!(after["meta"]["capabilities"][switch], true, "{switch} is still on");
    }
    assert_unchanged(&before, &after);
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}
