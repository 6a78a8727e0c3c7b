//! Deploys through a proxy that fails: retries with backoff, answers lost after the server acted, a server
//! that goes away mid-deploy — and a re-run that converges without duplicates.

use crate::deploy_repo::{DeployRepo, Spec};
use crate::fault_proxy::{Fault, FaultProxy};
use crate::openwebui::server;

const FAST: &[(&str, &str)] = &[("AISPEC_HTTP_BACKOFF_MS", "20"), ("AISPEC_HTTP_RETRIES", "4")];

fn through_proxy(tag: &str) -> (DeployRepo, FaultProxy) {
    let proxy = FaultProxy::start(&server().url);
    let repo = DeployRepo::with(tag, &proxy.url, &server().builder_key);
    (repo, proxy)
}

fn deploy(r: &DeployRepo, env: &[(&str, &str)]) -> crate::support::Run {
    r.run_env(&["deploy", "--target", "test", "--yes", "--format", "json"], env)
}

#[test]
fn errors_and_rate_limits_are_retried() {
    let (r, proxy) = through_proxy("retry");
    let a = r.add_approved("a", &Spec::default());
    let b = r.add_approved("b", &Spec::default());
    proxy.inject(Some("GET"), "/api/v1/models/list", Fault::Drop, 0, 1);
    proxy.inject(
        Some("POST"),
        "/api/v1/models/create",
        Fault::Status {
            code: 503,
            retry_after: None,
        },
        0,
        1,
    );
    proxy.inject(
        Some("POST"),
        "/api/v1/models/create",
        Fault::Status {
            code: 429,
            retry_after: Some(1),
        },
        0,
        1,
    );
    let run = deploy(&r, FAST);
    run.expect_code(0);
    assert_eq!(run.json()["applied"], 2, "{}", run.stdout);
    let log = proxy.log();
    let creates: Vec<u16> = log
        .iter()
        .filter(|l| l.path.contains("/models/create"))
        .map(|l| l.status)
        .collect();
    let mut sorted = creates.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [200, 200, 429, 503],
        "each failed create was sent again: {creates:?}"
    );
    for id in [&a, &b] {
        assert!(r.api().model(id).is_some(), "{id}");
    }
}

#[test]
fn a_create_whose_answer_was_lost_is_not_made_twice() {
    let (r, proxy) = through_proxy("lost");
    let id = r.add_approved("a", &Spec::default());
    // The server creates the model, but the client sees a 502 and sends the create again.
    proxy.inject(
        Some("POST"),
        "/api/v1/models/create",
        Fault::ForwardThenStatus(502),
        0,
        1,
    );
    let run = deploy(&r, FAST);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["results"][0]["outcome"], "applied", "{report}");
    let same_id = r.api().models().into_iter().filter(|m| m["id"] == id.as_str()).count();
    assert_eq!(same_id, 1);
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}

#[test]
fn a_server_restart_is_bridged_by_retries() {
    let (r, proxy) = through_proxy("restart");
    let ids: Vec<String> = (0..3)
        .map(|n| r.add_approved(&format!("s{n}"), &Spec::default()))
        .collect();
    // The server is away for three requests around the first create (connections dropped).
    proxy.inject(None, "/api/v1/models/", Fault::Drop, 2, 3);
    let run = deploy(&r, &[("AISPEC_HTTP_BACKOFF_MS", "50"), ("AISPEC_HTTP_RETRIES", "5")]);
    run.expect_code(0);
    assert_eq!(run.json()["applied"], 3, "{}", run.stdout);
    assert!(proxy.log().iter().any(|l| l.status == 0), "some requests were dropped");
    for id in &ids {
        assert!(r.api().model(id).is_some(), "{id}");
    }
}

#[test]
fn a_deploy_cut_off_midway_reports_what_was_applied_and_a_rerun_converges() {
    let (r, proxy) = through_proxy("cutoff");
    let mut ids: Vec<String> = (0..5)
        .map(|n| r.add_approved(&format!("s{n}"), &Spec::default()))
        .collect();
    ids.push(r.add_approved(
        "viden",
        &Spec {
            knowledge: &[("a.md", "# A\n\nViden A.\n"), ("b.md", "# B\n\nViden B.\n")],
            ..Spec::default()
        },
    ));
    // After four successful writes the server goes away for good (until the re-run).
    proxy.down_after_writes(4);
    let run = deploy(&r, &[("AISPEC_HTTP_BACKOFF_MS", "10"), ("AISPEC_HTTP_RETRIES", "1")]);
    run.expect_code(2);
    let report = run.json();
    let applied = report["applied"].as_u64().expect("applied");
    let failed = report["failed"].as_u64().expect("failed");
    assert!(failed > 0, "{report}");
    assert_eq!(applied + failed, 6, "{report}");
    for res in report["results"].as_array().expect("results") {
        match res["outcome"].as_str() {
            Some("applied") => assert!(r.api().model(res["id"].as_str().expect("id")).is_some(), "{res}"),
            Some("failed") => assert!(res["error"].is_string(), "{res}"),
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    let human = r.run_env(
        &["deploy", "--target", "test", "--yes"],
        &[("AISPEC_HTTP_RETRIES", "0")],
    );
    human.expect_code(2);

    proxy.up();
    let rerun = deploy(&r, FAST);
    rerun.expect_code(0);
    let plan = r.plan(&[]);
    assert_eq!(plan["changes_pending"], false, "{plan}");

    ids.sort();
    let api = r.api();
    let mut live: Vec<String> = api
        .models()
        .into_iter()
        .filter(|m| m["meta"]["aispec"]["workspace"] == "ws-cutoff")
        .map(|m| m["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    live.sort();
    assert_eq!(live, ids, "every specialist exactly once");
    let kbs = api
        .knowledge_bases()
        .into_iter()
        .filter(|k| {
            k["description"]
                .as_str()
                .is_some_and(|d| d.contains("aispec: ws-cutoff/"))
        })
        .collect::<Vec<_>>();
    assert_eq!(kbs.len(), 1, "one knowledge base, not one per attempt");
    let kb = kbs[0]["id"].as_str().expect("kb id");
    let files = api.get(&format!("/api/v1/knowledge/{kb}/files"));
    assert_eq!(files["total"], 2, "{files}");
}

#[test]
fn an_interrupted_knowledge_deploy_reuses_its_knowledge_base() {
    let (r, proxy) = through_proxy("kbresume");
    let id = r.add_approved(
        "viden",
        &Spec {
            knowledge: &[("a.md", "# A\n\nViden A.\n")],
            ..Spec::default()
        },
    );
    // The knowledge base is made and filled, then the model create never arrives.
    proxy.inject(Some("POST"), "/api/v1/models/create", Fault::Drop, 0, 1);
    let first = deploy(&r, &[("AISPEC_HTTP_RETRIES", "0")]);
    first.expect_code(2);
    let report = first.json();
    let steps = report["results"][0]["steps"].to_string();
    assert!(
        steps.contains("knowledge base created") && steps.contains("uploaded a.md"),
        "{report}"
    );
    assert!(r.api().model(&id).is_none());

    let second = deploy(&r, FAST);
    second.expect_code(0);
    let steps = second.json()["results"][0]["steps"].to_string();
    assert!(!steps.contains("knowledge base created"), "{steps}");
    assert!(
        !steps.contains("uploaded"),
        "unchanged files are not uploaded again: {steps}"
    );
    let kbs = r
        .api()
        .knowledge_bases()
        .into_iter()
        .filter(|k| {
            k["description"]
                .as_str()
                .is_some_and(|d| d.contains("aispec: ws-kbresume/"))
        })
        .count();
    assert_eq!(kbs, 1);
    assert_eq!(DeployRepo::action(&r.plan(&[]), &id), "unchanged");
}
