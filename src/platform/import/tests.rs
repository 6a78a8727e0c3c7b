use serde_json::{Value, json};

use super::*;
use crate::platform::mapping::{DeployContext, render};

fn live(v: Value) -> LiveModel {
    serde_json::from_value(v).expect("model")
}

fn texts_da() -> Texts {
    texts(Language::Da)
}

/// What an admin makes in Open WebUI 0.12.4's model editor with every switch touched.
fn every_field() -> Value {
    json!({
        "id": "haandlavet", "name": "Håndlavet", "base_model_id": "mistral-small-3.2-24b", "is_active": true,
        "params": {"system": "Du hjælper.\n", "temperature": 1, "function_calling": "native",
                   "reasoning_tags": ["<think>", "</think>"], "top_k": 40, "stop": ["###"],
                   "custom_params": {"x": {"y": 1}}},
        "meta": {"profile_image_url": "data:image/png;base64,iVBORw0KGgo=", "description": "Lavet i web-UI",
                 "tags": [{"name": "byg"}],
                 "suggestion_prompts": [{"content": "Hej", "title": ["Titel", "Undertitel"]}],
                 "capabilities": {"vision": true, "file_upload": true, "code_interpreter": true, "citations": true,
                                  "usage": true, "builtin_tools": false},
                 "toolIds": ["calc"], "filterIds": ["f1"], "actionIds": ["a1"],
                 "builtinTools": {"time": true, "memory": false}, "defaultFeatureIds": ["web_search"],
                 "knowledge": [{"id": "kb1", "name": "Regler", "type": "collection", "description": "d"}],
                 "background_image_url": null, "voice": null, "hidden": false},
        "access_grants": [{"principal_type": "user", "principal_id": "*", "permission": "read"}]
    })
}

#[test]
fn every_field_an_admin_sets_round_trips() {
    let m = live(every_field());
    let d = draft(&m, None, &texts_da(), "test");
    assert!(d.lost.is_empty(), "{:#?}", d.lost);
    let s = &d.spec;
    assert_eq!(s.params.temperature, Some(1.0));
    assert_eq!(s.capabilities.as_ref().and_then(|c| c.code_interpreter), Some(true));
    assert_eq!(s.builtin_tools.get("time"), Some(&true));
    assert_eq!(
        (s.filters.as_slice(), s.actions.as_slice()),
        (&["f1".to_owned()][..], &["a1".to_owned()][..])
    );
    assert!(s.access.public);
    assert_eq!(s.suggestion_prompts[0].subtitle.as_deref(), Some("Undertitel"));
    assert_eq!(s.profile_image.as_deref(), Some("profile-image.png"));
    assert_eq!(s.platform.params["top_k"], 40);
    assert!(s.platform.meta.contains_key("knowledge"), "kept as a reference");
    assert!(s.notice.is_empty() && s.description == "Lavet i web-UI");
    let adopted = s.adopted.as_ref().expect("an exact import is marked as adopted");
    assert_eq!(adopted.from, "test");
    assert_eq!(adopted.content_hash, draft_hash(&d));

    // What deploy would send is the live model plus the marker.
    let mut sent = render(&desired(&d), None, &DeployContext::default()).form;
    sent["meta"].as_object_mut().expect("meta").remove(MARKER_KEY_FOR_TEST);
    let want = every_field();
    for (section, key) in [
        ("meta", "profile_image_url"),
        ("meta", "builtinTools"),
        ("params", "reasoning_tags"),
    ] {
        assert_eq!(sent[section][key], want[section][key], "{section}.{key}");
    }

    // The files written parse back to the same specialist, and the image is a file beside it.
    let files = files(&d, "test", &texts_da()).expect("files");
    let toml_text = String::from_utf8(files[0].1.clone()).expect("utf8");
    assert!(toml_text.starts_with("# Overtaget af aispec fra test"), "{toml_text}");
    let back: Specialist = toml::from_str(&toml_text).expect("valid toml");
    assert_eq!(back, d.spec);
    assert_eq!(files[2].0, PathBuf::from("specialists/haandlavet/profile-image.png"));
    assert!(!toml_text.contains("base64"), "the image is not inline");
}

const MARKER_KEY_FOR_TEST: &str = crate::platform::mapping::MARKER_KEY;

#[test]
fn what_cannot_come_back_is_named() {
    let m = live(json!({
        "id": "Byggesag Hjælper", "name": "Byggesag", "base_model_id": "gpt-4o",
        "params": {"system": "Du hjælper.", "temperature": "varm", "seed": -1, "odd": [1, null]},
        "meta": {"description": " Hjælp ", "capabilities": {"vision": true, "teleport": true},
                 "profile_image_url": "data:image/bmp;base64,Qk0=", "model_controls": null},
        "access_grants": [{"principal_type": "user", "principal_id": "u1", "permission": "write"},
                          {"principal_type": "group", "principal_id": "g9", "permission": "read"}]
    }));
    let d = draft(&m, None, &texts_da(), "fil.json");
    let lost = d.lost.join("\n");
    for expected in [
        "id: `Byggesag Hjælper` is not a valid specialist id",
        "params.temperature",
        "params.seed",
        "params.odd",
        "meta.capabilities.teleport",
        "meta.profile_image_url: a image/bmp image",
        "write access for user u1",
        "read access for group id g9",
        "meta.description",
    ] {
        assert!(lost.contains(expected), "{expected} missing in:\n{lost}");
    }
    assert!(d.spec.adopted.is_none(), "not exact, so not adopted");
    let files = files(&d, "fil.json", &texts_da()).expect("files");
    let toml_text = String::from_utf8(files[0].1.clone()).expect("utf8");
    assert!(
        toml_text.starts_with("# Importeret af aispec fra fil.json."),
        "{toml_text}"
    );
}

#[test]
fn kept_keys_are_left_on_the_platform_with_a_note() {
    let m = live(json!({
        "id": "a", "name": "A", "base_model_id": "m", "params": {"system": "x", "model_controls": {"k": {}}},
        "meta": {"background_image_url": "/api/v1/files/0/content", "profile_image_url": "/api/v1/users/u/profile/image"}
    }));
    let d = draft(&m, None, &texts_da(), "t");
    assert!(d.lost.is_empty(), "{:?}", d.lost);
    let notes = d.notes.join("\n");
    for expected in [
        "params.model_controls stays",
        "meta.background_image_url stays",
        "profile/image` stays",
    ] {
        assert!(notes.contains(expected), "{expected} missing in:\n{notes}");
    }
}

#[test]
fn knowledge_paths_stay_inside_the_folder() {
    let m = live(json!({"id": "a", "name": "A"}));
    let t = texts(Language::En);
    let mut d = draft(&m, None, &t, "t");
    add_knowledge(&mut d, "../../etc/passwd", b"x".to_vec(), "KB", &t);
    add_knowledge(&mut d, "/sub/./b.md", b"y".to_vec(), "KB", &t);
    let names: Vec<&str> = d.knowledge.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["etc/passwd", "sub/b.md"]);
    assert_eq!(
        d.spec.knowledge[1].description,
        "Downloaded from the knowledge base \"KB\" on the platform."
    );
}

#[test]
fn ids_are_slugged() {
    assert_eq!(specialist_id("korrekturlaeser"), "korrekturlaeser");
    assert_eq!(specialist_id("Søg i Århus!"), "soeg-i-aarhus");
    assert_eq!(specialist_id("--"), "imported");
}
