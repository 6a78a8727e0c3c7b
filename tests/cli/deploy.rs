//! `aispec plan` and `aispec deploy` against a real Open WebUI 0.12.4 (started once for all tests).

use serde_json::json;

use crate::deploy_repo::{DeployRepo, Spec};
use crate::openwebui::{AMBIGUOUS, Api, server};

fn grants_of(model: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = model["access_grants"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|g| format!("{}:{}:{}", g["principal_type"], g["principal_id"], g["permission"]).replace('"', ""))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

fn group_read(name: &str) -> String {
    format!("group:{}:read", server().groups[name])
}

#[test]
fn create_then_nothing_to_do() {
    let r = DeployRepo::new("create");
    let id = r.add_approved("a", &Spec::default());
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "create");
    assert_eq!(plan["changes_pending"], true);

    let report = r.deploy(&[]);
    assert_eq!(report["applied"], 1, "{report}");
    assert_eq!(report["failed"], 0);

    let live = r.api().model(&id).expect("model exists");
    assert_eq!(live["name"], "Testassistent");
    assert_eq!(live["base_model_id"], "mistral-small-3.2-24b");
    assert_eq!(live["params"]["system"], Spec::default().prompt);
    assert_eq!(live["params"]["temperature"], 0.2);
    assert_eq!(live["meta"]["tags"], json!([{"name": "test"}]));
    assert_eq!(
        live["meta"]["suggestion_prompts"],
        json!([{"content": "Hvad kan du hjælpe med?", "title": ["Eksempel", ""]}])
    );
    let marker = &live["meta"]["aispec"];
    assert_eq!(marker["managed_by"], "aispec");
    assert_eq!(marker["workspace"], "ws-create");
    assert_eq!(marker["spec_version"], "1.0.0");
    assert_eq!(marker["source_path"], format!("specialists/{id}"));
    assert_eq!(marker["content_hash"], r.content_hash(&id));
    assert_eq!(grants_of(&live), [group_read("Alle medarbejdere")]);

    let again = r.plan(&[]);
    assert_eq!(DeployRepo::action(&again, &id), "unchanged");
    assert_eq!(again["changes_pending"], false, "{again}");
    let run = r.run(&["plan", "--target", "test", "--detailed-exitcode"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("No changes: the platform matches git."),
        "{}",
        run.stdout
    );
    let second = r.deploy(&[]);
    assert_eq!(second["results"], json!([]), "a second deploy writes nothing");
}

#[test]
fn update_shows_fields_and_the_prompt_word_by_word() {
    let r = DeployRepo::new("update");
    let id = r.add_approved("a", &Spec::default());
    r.deploy(&[]);

    r.add_approved(
        "a",
        &Spec {
            version: "1.1.0",
            tags: &["test", "ny"],
            prompt: "Du er en hjælpsom og venlig assistent for medarbejdere i Testkommune. Svar kort og præcist på dansk.\n",
            ..Spec::default()
        },
    );
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "update");
    let item = &plan["items"][0];
    assert_eq!(item["version"], "1.1.0");
    assert_eq!(item["deployed_version"], "1.0.0");
    let fields: Vec<&str> = item["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        ["meta.tags", "spec.version"],
        "the prompt is apart, as in `aispec diff`"
    );
    let prompt = &item["prompt"];
    assert_eq!(
        (prompt["words_added"].as_u64(), prompt["words_removed"].as_u64()),
        (Some(2), Some(0))
    );
    let segments = &prompt["hunks"][0]["segments"];
    assert!(
        segments
            .as_array()
            .expect("segments")
            .contains(&json!({"kind": "added", "text": "og venlig "})),
        "{segments}"
    );

    let human = r.run(&["plan", "--target", "test"]);
    human.expect_code(0);
    let text = human.stdout.replace(&server().url, "[URL]");
    insta::assert_snapshot!("plan_update", text);

    r.deploy(&[]);
    let live = r.api().model(&id).expect("model");
    assert!(live["params"]["system"].as_str().expect("system").contains("og venlig"));
    assert_eq!(live["meta"]["aispec"]["spec_version"], "1.1.0");
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}

/// The lines of the `system prompt` block (its heading and the regions indented below it), unindented.
fn prompt_block(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_start().starts_with("system prompt (")) else {
        return Vec::new();
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let heading = indent(lines[start]);
    let body = lines[start + 1..]
        .iter()
        .take_while(|l| !l.trim().is_empty() && indent(l) > heading);
    std::iter::once(&lines[start])
        .chain(body)
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn plan_shows_a_prompt_change_exactly_as_diff_does() {
    let r = DeployRepo::new("samediff");
    let id = r.add_approved("a", &Spec::default());
    r.repo.commit_all("first version");
    r.deploy(&[]);

    r.add_approved(
        "a",
        &Spec {
            version: "1.1.0",
            prompt: "Du er en hjælpsom og venlig assistent for medarbejdere i Testkommune. Svar kort og præcist på dansk.\n",
            ..Spec::default()
        },
    );
    let plan = r.run(&["plan", "--target", "test"]);
    plan.expect_code(0);
    let diff = r.run(&["diff", "--base", "HEAD"]);
    diff.expect_code(0);
    let from_plan = prompt_block(&plan.stdout);
    assert!(from_plan.len() >= 3, "heading, region and words: {}", plan.stdout);
    assert!(
        from_plan.iter().any(|l| l.contains("{+og venlig +}")),
        "{}",
        plan.stdout
    );
    assert_eq!(
        from_plan,
        prompt_block(&diff.stdout),
        "plan:\n{}\ndiff:\n{}",
        plan.stdout,
        diff.stdout
    );
    assert!(plan.stdout.contains(&id));
}

#[test]
fn grants_follow_group_names() {
    let r = DeployRepo::new("grants");
    let id = r.add_approved(
        "a",
        &Spec {
            groups: &["alle", "Ledere"],
            ..Spec::default()
        },
    );
    r.deploy(&[]);
    let live = r.api().model(&id).expect("model");
    let mut want = vec![group_read("Alle medarbejdere"), group_read("Ledere")];
    want.sort();
    assert_eq!(grants_of(&live), want);

    r.add_approved(
        "a",
        &Spec {
            groups: &["ledere"],
            ..Spec::default()
        },
    );
    let plan = r.plan(&[]);
    let item = &plan["items"][0];
    assert_eq!(
        item["action"], "update",
        "the content hash changed with the groups: {item}"
    );
    assert_eq!(item["grants"], json!({"add": [], "remove": ["Alle medarbejdere"]}));
    r.deploy(&[]);
    assert_eq!(grants_of(&r.api().model(&id).expect("model")), [group_read("Ledere")]);

    // Someone re-shares the model in the web UI: git wins for access.
    let admin = Api::new(&server().url, &server().admin_key);
    admin.post(
        "/api/v1/models/model/access/update",
        &json!({"id": id, "access_grants": [
            {"principal_type": "group", "principal_id": server().groups["Alle medarbejdere"], "permission": "read"}]}),
    );
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "grants");
    r.deploy(&[]);
    assert_eq!(grants_of(&r.api().model(&id).expect("model")), [group_read("Ledere")]);
}

#[test]
fn unknown_or_ambiguous_groups_fail_before_any_write() {
    let r = DeployRepo::new("badgroups");
    let fine = r.add_approved("fine", &Spec::default());
    let missing = r.add_approved(
        "missing",
        &Spec {
            groups: &["Findes ikke"],
            ..Spec::default()
        },
    );
    let ambiguous = r.add_approved(
        "ambiguous",
        &Spec {
            groups: &[AMBIGUOUS],
            ..Spec::default()
        },
    );
    for args in [
        &["plan", "--target", "test"][..],
        &["deploy", "--target", "test", "--yes"],
    ] {
        let run = r.run(args);
        run.expect_code(2);
        assert!(run.stderr.contains("2 group names cannot be used"), "{}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("{missing}: group \"Findes ikke\" does not exist")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!(
                "{ambiguous}: group name \"{AMBIGUOUS}\" is ambiguous: 2 groups"
            )),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("hint: create the group"), "{}", run.stderr);
    }
    assert!(r.api().model(&fine).is_none(), "nothing was written");
}

#[test]
fn hand_edits_are_drift_and_need_force() {
    let r = DeployRepo::new("drift");
    let id = r.add_approved("a", &Spec::default());
    r.deploy(&[]);

    // An admin edits the prompt in the web UI (the API the UI uses).
    let admin = Api::new(&server().url, &server().admin_key);
    let mut live = r.api().model(&id).expect("model");
    live["params"]["system"] = json!("Svar altid på engelsk.");
    admin.post("/api/v1/models/model/update", &live);

    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "drift");
    let prompt = &plan["items"][0]["prompt"];
    assert!(prompt["hunks"].as_array().is_some_and(|h| !h.is_empty()), "{prompt}");

    let run = r.run(&["deploy", "--target", "test", "--yes"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("deploy stopped before writing anything"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&id), "{}", run.stderr);
    assert_eq!(
        r.api().model(&id).expect("model")["params"]["system"],
        "Svar altid på engelsk."
    );

    let status = r.run(&["plan", "--target", "test", "--detailed-exitcode"]);
    status.expect_code(2);

    let forced = r.deploy(&["--force"]);
    assert_eq!(forced["applied"], 1, "{forced}");
    assert_eq!(
        r.api().model(&id).expect("model")["params"]["system"],
        Spec::default().prompt
    );
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}

#[test]
fn prune_deletes_only_this_workspaces_models() {
    let r = DeployRepo::new("prune");
    let keep = r.add_approved("keep", &Spec::default());
    let gone = r.add_approved("gone", &Spec::default());
    r.deploy(&[]);
    // A model made by hand in the web UI, and one deployed by another workspace.
    let hand = r.id("hand");
    r.api().post(
        "/api/v1/models/create",
        &json!({"id": hand, "base_model_id": "mistral-small-3.2-24b", "name": "Håndlavet",
                "meta": {"description": "lavet i web-UI"}, "params": {"system": "Hej"}}),
    );
    let other = DeployRepo::new("prune-other");
    let foreign = other.add_approved("x", &Spec::default());
    other.deploy(&[]);

    r.repo.remove(&format!("specialists/{gone}"));
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &gone), "orphan");
    assert_eq!(plan["changes_pending"], false);
    let plan = r.plan(&["--prune"]);
    assert_eq!(DeployRepo::action(&plan, &gone), "delete");
    assert_eq!(DeployRepo::action(&plan, &keep), "unchanged");
    let ids: Vec<&str> = plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [gone.as_str(), keep.as_str()],
        "unmanaged and foreign models are not in the plan"
    );

    let report = r.deploy(&["--prune"]);
    assert_eq!(report["applied"], 1, "{report}");
    let api = r.api();
    assert!(api.model(&gone).is_none());
    assert!(api.model(&keep).is_some());
    assert!(
        api.model(&hand).is_some(),
        "a model aispec did not make is never deleted"
    );
    assert!(
        api.model(&foreign).is_some(),
        "another workspace's model is never deleted"
    );
}

#[test]
fn unapproved_and_invalid_specialists_are_refused() {
    let r = DeployRepo::new("refuse");
    let ok = r.add_approved("ok", &Spec::default());
    let draft = r.add("draft", &Spec::default());
    let stale = r.add_approved("stale", &Spec::default());
    r.add(
        "stale",
        &Spec {
            prompt: "Ændret efter godkendelsen.\n",
            ..Spec::default()
        },
    );
    // Re-writing the files dropped the sign-off; put the old one back so it is void, not missing.
    let old = r.content_hash(&stale);
    let rel = format!("specialists/{stale}/specialist.toml");
    let text = r.repo.read(&rel);
    r.repo.write(
        &rel,
        format!(
            "{text}\n[[signoffs]]\nrole = \"faglig-systemejer\"\nby = \"A\"\nat = \"2026-01-01T00:00:00Z\"\ncontent_hash = \"sha256:{}\"\n",
            "0".repeat(64)
        ),
    );
    assert_ne!(old, format!("sha256:{}", "0".repeat(64)));
    let invalid = r.add_approved(
        "invalid",
        &Spec {
            prompt: "",
            ..Spec::default()
        },
    );

    // Signed as it is, but `aispec new` left a placeholder in it: the gate keeps it back.
    let unfinished = r.add_approved(
        "unfinished",
        &Spec {
            prompt: "# Rolle\n\nUDFYLD: hvem bruger specialisten?\n",
            ..Spec::default()
        },
    );

    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &ok), "create");
    for id in [&draft, &stale, &invalid] {
        assert_eq!(DeployRepo::action(&plan, id), "skipped", "{id}");
    }
    assert_eq!(DeployRepo::action(&plan, &unfinished), "blocked");
    let reason = |id: &str| -> String {
        plan["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["id"] == id))
            .map(|i| i["reason"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(
        reason(&draft),
        "not approved (draft): missing sign-off by faglig-systemejer"
    );
    assert!(
        reason(&stale).contains("1 sign-off given for earlier content"),
        "{}",
        reason(&stale)
    );
    assert!(reason(&invalid).starts_with("invalid: "), "{}", reason(&invalid));
    assert_eq!(
        reason(&unfinished),
        format!("blocked: 1 placeholder(s) left to fill in (the first at specialists/{unfinished}/system-prompt.md:3)")
    );

    r.deploy(&[]);
    let api = r.api();
    assert!(api.model(&ok).is_some());
    for id in [&draft, &stale, &invalid, &unfinished] {
        assert!(api.model(id).is_none(), "{id} must not reach the platform");
    }
    let named = r.run(&["deploy", &unfinished, "--target", "test", "--yes"]);
    named.expect_code(1);
    assert!(
        named.stderr.contains(&format!(
            "error: {unfinished} is not deployed: blocked: 1 placeholder(s) left to fill in"
        )),
        "{}",
        named.stderr
    );
    let named = r.run(&["deploy", &draft, "--target", "test", "--yes"]);
    named.expect_code(1);
    assert!(
        named
            .stderr
            .contains(&format!("error: {draft} is not deployed: not approved (draft)")),
        "{}",
        named.stderr
    );
}

#[test]
fn a_knowledge_link_out_of_the_workspace_is_never_uploaded() {
    let r = DeployRepo::new("linkout");
    let id = r.add(
        "a",
        &Spec {
            knowledge: &[("vejledning.md", "# Vejledning\n")],
            ..Spec::default()
        },
    );
    let file = r.repo.path().join(format!("specialists/{id}/knowledge/vejledning.md"));
    std::fs::remove_file(&file).expect("rm");
    std::os::unix::fs::symlink("/etc/passwd", &file).expect("symlink");
    // Signed for the content as read through the link, as aispec approve once did.
    r.approve(&id);

    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "skipped");
    let reason = plan["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == id.as_str()))
        .map(|i| i["reason"].to_string())
        .unwrap_or_default();
    assert!(reason.contains("leads outside the workspace"), "{reason}");
    r.deploy(&[]);
    assert!(
        r.api().model(&id).is_none(),
        "the specialist and its knowledge stay off the platform"
    );
}

#[test]
fn a_model_aispec_did_not_make_is_a_conflict_until_adopted() {
    let r = DeployRepo::new("conflict");
    let id = r.add_approved("a", &Spec::default());
    r.api().post(
        "/api/v1/models/create",
        &json!({"id": id, "base_model_id": "mistral-small-3.2-24b", "name": "Fra web-UI",
                "meta": {"description": "x"}, "params": {"system": "Gammel prompt"}}),
    );
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "conflict");
    let run = r.run(&["deploy", "--target", "test", "--yes"]);
    run.expect_code(1);
    assert_eq!(r.api().model(&id).expect("model")["name"], "Fra web-UI");

    let adopted = r.deploy(&["--adopt"]);
    assert_eq!(adopted["results"][0]["steps"][0], "model adopted", "{adopted}");
    let live = r.api().model(&id).expect("model");
    assert_eq!(live["meta"]["aispec"]["workspace"], "ws-conflict");
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}

#[test]
fn knowledge_is_uploaded_once_and_changed_files_replaced() {
    let r = DeployRepo::new("knowledge");
    let id = r.add_approved(
        "a",
        &Spec {
            knowledge: &[
                ("regler.md", "# Regler\n\nFørste udgave.\n"),
                ("gammel.txt", "Udgår snart.\n"),
            ],
            ..Spec::default()
        },
    );
    let report = r.deploy(&[]);
    let steps = report["results"][0]["steps"].to_string();
    assert!(steps.contains("knowledge base created"), "{steps}");
    assert!(
        steps.contains("uploaded regler.md") && steps.contains("uploaded gammel.txt"),
        "{steps}"
    );

    let api = r.api();
    let live = api.model(&id).expect("model");
    let kb_id = live["meta"]["aispec"]["knowledge_id"]
        .as_str()
        .expect("kb id")
        .to_owned();
    assert_eq!(
        live["meta"]["knowledge"],
        json!([{"id": kb_id, "name": "Testassistent", "type": "collection"}])
    );
    let files = |api: &Api| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = api.get(&format!("/api/v1/knowledge/{kb_id}/files"))["items"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| {
                (
                    f["meta"]["data"]["aispec_path"].as_str().unwrap_or_default().to_owned(),
                    f["meta"]["file_hash"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let first = files(&api);
    assert_eq!(first.len(), 2);
    let kb = api.get(&format!("/api/v1/knowledge/{kb_id}"));
    assert_eq!(
        grants_of(&kb),
        [group_read("Alle medarbejdere")],
        "readers of the model can read its knowledge"
    );

    // Change one file, drop one, add one.
    r.add_approved(
        "a",
        &Spec {
            knowledge: &[("regler.md", "# Regler\n\nAnden udgave.\n"), ("ny.md", "Ny viden.\n")],
            ..Spec::default()
        },
    );
    r.repo.remove(&format!("specialists/{id}/knowledge/gammel.txt"));
    r.approve(&id);
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "update");
    assert_eq!(
        plan["items"][0]["knowledge"],
        json!({"add": ["ny.md"], "change": ["regler.md"], "remove": ["gammel.txt"]})
    );
    let report = r.deploy(&[]);
    let steps = report["results"][0]["steps"].to_string();
    assert!(steps.contains("re-uploaded regler.md"), "{steps}");
    assert!(
        steps.contains("uploaded ny.md") && steps.contains("removed gammel.txt"),
        "{steps}"
    );
    assert!(!steps.contains("knowledge base created"), "{steps}");

    let second = files(&api);
    let names: Vec<&str> = second.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ny.md", "regler.md"]);
    let unchanged_hash =
        |name: &str, list: &[(String, String)]| list.iter().find(|(n, _)| n == name).map(|(_, h)| h.clone());
    assert_ne!(
        unchanged_hash("regler.md", &first),
        unchanged_hash("regler.md", &second)
    );
    let ours: Vec<_> = api
        .knowledge_bases()
        .into_iter()
        .filter(|k| {
            k["description"]
                .as_str()
                .is_some_and(|d| d.ends_with(&format!("aispec: ws-knowledge/{id}")))
        })
        .collect();
    assert_eq!(ours.len(), 1, "one knowledge base per specialist");
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}

#[test]
fn keys_and_targets_are_checked_first() {
    let r = DeployRepo::new("keys");
    r.add_approved("a", &Spec::default());
    let no_key = r.repo.run(&["plan", "--target", "test"]);
    no_key.expect_code(2);
    assert!(no_key.stderr.contains("AISPEC_TEST_KEY"), "{}", no_key.stderr);
    assert!(no_key.stderr.contains("hint:"), "{}", no_key.stderr);

    let unknown = r.run(&["plan", "--target", "nope"]);
    unknown.expect_code(2);
    assert!(unknown.stderr.contains("no target `nope`"), "{}", unknown.stderr);

    let bad_key = r.run_env(
        &["plan", "--target", "test", "--detailed-exitcode"],
        &[("AISPEC_TEST_KEY", "sk-wrong")],
    );
    bad_key.expect_code(1);
    assert!(bad_key.stderr.contains("HTTP 401"), "{}", bad_key.stderr);
    assert!(
        bad_key.stderr.contains("hint: check the API key in AISPEC_TEST_KEY"),
        "{}",
        bad_key.stderr
    );
    assert!(!bad_key.stderr.contains("sk-wrong"), "the key is never printed");
    let bad_key = r.run_env(&["plan", "--target", "test"], &[("AISPEC_TEST_KEY", "sk-wrong")]);
    bad_key.expect_code(2);

    let pending = r.run(&["plan", "--target", "test", "--detailed-exitcode"]);
    pending.expect_code(2);
    let no_yes = r.run(&["deploy", "--target", "test"]);
    no_yes.expect_code(2);
    assert!(no_yes.stderr.contains("pass --yes"), "{}", no_yes.stderr);
}

#[test]
fn a_just_deployed_specialist_answers_with_its_system_prompt() {
    let r = DeployRepo::new("chat");
    let prompt = "Du er Chattesteren fra aispecs tests.\nSvar altid kort og på dansk.\n";
    let id = r.add_approved(
        "a",
        &Spec {
            prompt,
            ..Spec::default()
        },
    );
    r.deploy(&[]);

    // Right after deploy, as the builder (not an admin), through Open WebUI's chat API.
    let question = format!("Hej fra chattesten {id}");
    let (code, answer) = r.api().call(
        "POST",
        "/api/chat/completions",
        Some(&json!({"model": id, "stream": false, "messages": [{"role": "user", "content": question}]})),
    );
    assert_eq!(code, 200, "{answer}");
    let text = answer["choices"][0]["message"]["content"].as_str().unwrap_or_default();
    assert!(text.contains("Du er Chattesteren fra aispecs tests."), "{answer}");

    let stub = Api::new(&server().stub, "");
    let seen = stub.get("/stub/requests");
    let request = seen
        .as_array()
        .expect("log")
        .iter()
        .rev()
        .map(|e| &e["body"])
        .find(|b| b["messages"].to_string().contains(&question))
        .unwrap_or_else(|| panic!("the stub never saw the question: {seen}"));
    assert_eq!(
        request["model"], "mistral-small-3.2-24b",
        "Open WebUI calls the base model"
    );
    let system = &request["messages"][0];
    assert_eq!(system["role"], "system");
    assert_eq!(system["content"].as_str().map(str::trim), Some(prompt.trim()));
    assert_eq!(
        request["temperature"], 0.2,
        "the spec's parameters travel with the prompt"
    );
}

/// `deploy` without `--yes` in a terminal asks first; "no" changes nothing, "yes" deploys.
#[test]
fn deploy_asks_before_writing_in_a_terminal() {
    use rexpect::session::spawn_command;

    let r = DeployRepo::new("confirm");
    let id = r.add_approved("a", &Spec::default());
    let answer = |reply: &str| {
        let mut cmd = r.repo.command(&["deploy", "--target", "test"]);
        cmd.env(crate::deploy_repo::KEY_ENV, &r.key).env("TERM", "xterm");
        // A bound on a hung prompt, not a timing assertion.
        let mut p = spawn_command(cmd, Some(60_000)).expect("spawn in a pty");
        p.exp_string("Apply these changes to test?").expect("the question");
        p.send_line(reply).expect("answer");
        p.exp_eof().expect("exit")
    };
    let declined = answer("n");
    assert!(declined.contains("deploy cancelled; nothing was changed"), "{declined}");
    assert!(r.api().model(&id).is_none());
    let accepted = answer("y");
    assert!(accepted.contains("Deployed: 1 change applied to test."), "{accepted}");
    assert!(r.api().model(&id).is_some());
}

/// The screening gate against a real server: a signed specialist whose screening is not yet signed is blocked
/// in the plan (with the reason), not deployed and not exported; once the screening is signed, the roles the
/// screening adds must sign the specialist too.
#[test]
fn a_specialist_is_blocked_until_its_screening_is_signed() {
    let r = DeployRepo::new("screening");
    r.repo.add_shipped_screening("klarsprog");
    let id = r.add_approved(
        "a",
        &Spec {
            screening: Some("klarsprog"),
            ..Spec::default()
        },
    );
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "blocked");
    assert_eq!(
        plan["items"][0]["reason"],
        "blocked: screening `klarsprog` lacks sign-off by dpo, faglig-systemejer, legal"
    );
    let human = r.run(&["plan", "--target", "test"]);
    human.expect_code(0);
    insta::assert_snapshot!("plan_blocked", human.stdout.replace(&server().url, "[URL]"));
    r.deploy(&[]);
    assert!(r.api().model(&id).is_none(), "a blocked specialist is never deployed");
    let export = r.run(&["export"]);
    export.expect_code(0);
    assert!(
        export.stderr.contains(&format!(
            "warning: {id} is not exported: blocked: screening `klarsprog` lacks sign-off"
        )),
        "{}",
        export.stderr
    );
    let named = r.run(&["export", &id]);
    named.expect_code(1);
    assert!(
        named.stderr.contains(&format!(
            "error: {id} is not exported: blocked: screening `klarsprog` lacks sign-off"
        )),
        "{}",
        named.stderr
    );

    for role in ["faglig-systemejer", "legal", "dpo"] {
        r.run(&[
            "approve",
            "screening",
            "klarsprog",
            "--role",
            role,
            "--by",
            "Bo",
            "--no-commit",
        ])
        .expect_code(0);
    }
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &id), "skipped");
    assert_eq!(
        plan["items"][0]["reason"],
        "not approved (in-review): missing sign-off by dpo, legal"
    );
    r.sign(&id, "legal");
    r.sign(&id, "dpo");
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "create");
}

#[test]
fn status_shows_the_deployed_version_and_drift_per_target() {
    let r = DeployRepo::new("status");
    let id = r.add_approved("a", &Spec::default());
    let before = r.run(&["status", "--target", "test", "--format", "json"]);
    before.expect_code(0);
    let row = |json: &serde_json::Value| {
        json["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|row| row["id"] == id.as_str()))
            .cloned()
            .unwrap_or_else(|| panic!("no row for {id}: {json}"))
    };
    assert_eq!(row(&before.json())["deployed"], json!({}));

    r.deploy(&[]);
    let after = r.run(&["status", "--all-targets", "--format", "json"]);
    after.expect_code(0);
    assert_eq!(row(&after.json())["deployed"], json!({"test": "1.0.0"}));

    let admin = Api::new(&server().url, &server().admin_key);
    let mut live = r.api().model(&id).expect("model");
    live["name"] = json!("Omdøbt i web-UI");
    admin.post("/api/v1/models/model/update", &live);
    let drift = r.run(&["status", "--target", "test"]);
    drift.expect_code(0);
    assert!(drift.stdout.contains("Deployed test"), "{}", drift.stdout);
    assert!(drift.stdout.contains("1.0.0 (drift)"), "{}", drift.stdout);

    let offline = r.repo.run(&["status", "--all-targets"]);
    offline.expect_code(0);
    assert!(
        offline
            .stderr
            .contains("target test not shown: AISPEC_TEST_KEY is not set"),
        "{}",
        offline.stderr
    );
}

#[test]
fn aispec_approve_and_deploy_agree_on_the_content() {
    let r = DeployRepo::new("approve");
    let id = r.add(
        "a",
        &Spec {
            knowledge: &[("regler.md", "# Regler\n\nEn regel.\n")],
            ..Spec::default()
        },
    );
    r.repo.commit_all("draft");
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "skipped");
    r.run(&[
        "approve",
        "specialist",
        &id,
        "--role",
        "faglig-systemejer",
        "--by",
        "Fagperson",
    ])
    .expect_code(0);
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "create");
    r.deploy(&[]);
    let live = r.api().model(&id).expect("model");
    assert_eq!(live["meta"]["aispec"]["signoffs"][0]["by"], "Fagperson");
    assert_eq!(live["meta"]["aispec"]["git_commit"].as_str().map(str::len), Some(40));
}
