//! `aispec eval` through a real Open WebUI: the answers come from the deployed specialist, with the deployed
//! system prompt applied server-side, exactly as users get them.

use serde_json::Value;

use crate::deploy_repo::{DeployRepo, KEY_ENV, Spec};

const DEPLOYED_PROMPT: &str = "Du er Evalueringsassistenten fra aispecs tests.\nSvar kort på dansk.\n";

fn eval_json(r: &DeployRepo, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["eval"];
    all.extend_from_slice(args);
    all.extend(["--format", "json", "--no-cache"]);
    let run = r.repo.run_with(&all, &[(KEY_ENV, r.key.as_str())]);
    (run.code, run.json())
}

fn answer(json: &Value) -> String {
    json["results"]["results"][0]["answer"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn eval_through_the_platform_tests_what_users_get() {
    let r = DeployRepo::new("evalplat");
    let id = r.add_approved(
        "svar",
        &Spec {
            prompt: DEPLOYED_PROMPT,
            ..Spec::default()
        },
    );
    r.repo.write(
        &format!("specialists/{id}/tests.toml"),
        "[[cases]]\nid = \"rolle\"\nprompt = \"Hvem er du?\"\n\n[[cases.assert]]\ntype = \"icontains\"\nvalue = \"Evalueringsassistenten\"\n",
    );
    let config = r.repo.read("aispec.toml");
    r.repo.write(
        "aispec.toml",
        format!("{config}\n[providers.platform]\nbase_url = \"platform:test\"\n"),
    );
    r.deploy(&[]);

    let (code, json) = eval_json(&r, &[&id, "--providers", "platform"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["results"]["providers"][0]["kind"], "platform");
    let text = answer(&json);
    assert!(
        text.contains("Du er Evalueringsassistenten fra aispecs tests."),
        "{text}"
    );

    // A local edit that is not deployed changes nothing for users, so it changes nothing here either.
    r.repo.write(
        &format!("specialists/{id}/system-prompt.md"),
        "Du er en helt anden assistent.\n",
    );
    let (code, json) = eval_json(&r, &[&id, "--providers", "platform"]);
    assert_eq!(code, 0, "{json:#}");
    assert!(answer(&json).contains("Evalueringsassistenten"), "{}", answer(&json));
}
