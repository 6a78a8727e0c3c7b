//! Keys never leak: servers that echo the `Authorization` header in 401/500 bodies, redirects to another host,
//! and answers that contain the key — for `plan`, `deploy`, `status --target` and `eval --save`.

use crate::deploy_repo::{DeployRepo, Spec};
use crate::fault_proxy::{Fault, FaultProxy};
use crate::openwebui::server;
use crate::support::stub::StubLlm;
use crate::support::{Run, TestRepo};

/// A key long and unique enough that finding it anywhere means it leaked.
const KEY: &str = "sk-echo7c1d0b2a9e8f4a6b5c3d2e1f0a9b8c7d";
const FAST: &[(&str, &str)] = &[("AISPEC_HTTP_BACKOFF_MS", "10"), ("AISPEC_HTTP_RETRIES", "1")];

#[track_caller]
fn assert_no_key(run: &Run, key: &str) {
    assert!(!run.stdout.contains(key), "the key leaked to stdout:\n{}", run.stdout);
    assert!(!run.stderr.contains(key), "the key leaked to stderr:\n{}", run.stderr);
}

/// No file in the workspace (saved results, reports, the answer cache) contains `key`.
#[track_caller]
fn assert_no_file_holds(repo: &TestRepo, key: &str) {
    let mut found = Vec::new();
    let mut stack = vec![repo.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path).is_ok_and(|b| String::from_utf8_lossy(&b).contains(key)) {
                found.push(path.display().to_string());
            }
        }
    }
    assert_eq!(found, Vec::<String>::new(), "files hold the key");
}

/// A proxy whose every answer quotes the key back with `code`; nothing is forwarded.
fn echoing_proxy(code: u16) -> FaultProxy {
    let proxy = FaultProxy::start("http://127.0.0.1:9");
    proxy.inject(None, "/", Fault::EchoAuth(code), 0, 1000);
    proxy
}

#[test]
fn plan_and_status_never_print_an_echoed_key() {
    for code in [401, 500] {
        let proxy = echoing_proxy(code);
        let r = DeployRepo::with("echo", &proxy.url, KEY);
        r.add_approved("a", &Spec::default());
        for args in [
            &["plan", "--target", "test"][..],
            &["plan", "--target", "test", "--format", "json"],
            &["status", "--target", "test"],
            &["status", "--target", "test", "--format", "json"],
        ] {
            let run = r.run_env(args, FAST);
            assert_ne!(run.code, 0, "{args:?}: {}", run.stderr);
            assert!(run.stderr.contains(&format!("HTTP {code}")), "{args:?}: {}", run.stderr);
            assert!(run.stderr.contains("[redacted]"), "{args:?}: {}", run.stderr);
            assert_no_key(&run, KEY);
        }
    }
}

#[test]
fn deploy_never_prints_an_echoed_key() {
    let proxy = FaultProxy::start(&server().url);
    let r = DeployRepo::with("echo-deploy", &proxy.url, &server().builder_key);
    r.add_approved("a", &Spec::default());
    proxy.inject(Some("POST"), "/api/v1/models/create", Fault::EchoAuth(500), 0, 100);
    for format in ["human", "json"] {
        let run = r.run_env(&["deploy", "--target", "test", "--yes", "--format", format], FAST);
        run.expect_code(2);
        assert!(run.stdout.contains("[redacted]") || run.stderr.contains("[redacted]"));
        assert_no_key(&run, &server().builder_key);
    }
}

#[test]
fn deploy_refuses_a_redirect_to_another_host() {
    let proxy = FaultProxy::start(&server().url);
    let elsewhere = FaultProxy::start("http://127.0.0.1:9");
    let r = DeployRepo::with("redirect", &proxy.url, &server().builder_key);
    let id = r.add_approved("a", &Spec::default());
    for code in [307, 308] {
        proxy.inject(
            Some("POST"),
            "/api/v1/models/create",
            Fault::Redirect {
                code,
                location: elsewhere.url.clone(),
            },
            0,
            1,
        );
        let run = r.run_env(&["deploy", "--target", "test", "--yes"], FAST);
        run.expect_code(2);
        let text = format!("{}{}", run.stdout, run.stderr);
        assert!(
            text.contains(&format!("{}/api/v1/models/create", proxy.url))
                && text.contains(&format!("{}/api/v1/models/create", elsewhere.url)),
            "the error names both URLs:\n{text}"
        );
        assert!(
            elsewhere.log().is_empty(),
            "nothing reached the other host: {:?}",
            elsewhere.log()
        );
        assert!(r.api().model(&id).is_none(), "the create was not sent anywhere else");
    }
}

#[test]
fn plan_follows_a_redirect_within_the_same_host() {
    let proxy = FaultProxy::start(&server().url);
    let r = DeployRepo::with("same-origin", &proxy.url, &server().builder_key);
    r.add_approved("a", &Spec::default());
    // The proxy sends the first listing back to itself; the second request reaches Open WebUI.
    proxy.inject(
        Some("GET"),
        "/api/v1/models/list",
        Fault::Redirect {
            code: 307,
            location: proxy.url.clone(),
        },
        0,
        1,
    );
    let plan = r.plan(&[]);
    assert_eq!(DeployRepo::action(&plan, &r.id("a")), "create", "{plan}");
}

const CASES: &str = r#"
[[cases]]
id = "hilsen"
prompt = "Sig goddag"

[[cases.assert]]
type = "icontains"
value = "goddag"
"#;

fn eval_workspace(base_url: &str) -> TestRepo {
    let repo = TestRepo::init();
    repo.remove("specialists/korrekturlaeser");
    repo.write(
        "aispec.toml",
        format!(
            "[workspace]\nname = \"Testkommune\"\n\n[providers.echo]\nbase_url = \"{base_url}\"\nmodel = \"m\"\napi_key_env = \"AISPEC_TEST_ECHO_KEY\"\n"
        ),
    );
    repo.write("specialists/hjaelper/specialist.toml", crate::eval_repo::SPECIALIST);
    repo.write("specialists/hjaelper/system-prompt.md", "Du er en hjælper.\n");
    repo.write("specialists/hjaelper/tests.toml", CASES);
    repo
}

fn eval(repo: &TestRepo, extra: &[&str]) -> Run {
    let mut args = vec!["eval", "--providers", "echo", "--retries", "1", "--save=run"];
    args.extend_from_slice(extra);
    repo.run_with(&args, &[("AISPEC_TEST_ECHO_KEY", KEY)])
}

#[test]
fn eval_never_prints_or_saves_an_echoed_key() {
    for code in [401, 500] {
        let proxy = echoing_proxy(code);
        let repo = eval_workspace(&format!("{}/v1", proxy.url));
        for format in ["human", "json", "html", "junit"] {
            let run = eval(&repo, &["--format", format]);
            assert_no_key(&run, KEY);
            assert!(
                run.stderr.contains("[redacted]") || run.stdout.contains("[redacted]"),
                "{format}: {}{}",
                run.stdout,
                run.stderr
            );
        }
        let saved = repo.read("evals/run.json");
        assert!(saved.contains("[redacted]"), "{saved}");
        assert_no_file_holds(&repo, KEY);
    }
}

#[test]
fn eval_redacts_a_key_inside_an_answer() {
    let dir = TestRepo::empty();
    let answers = format!("[[answers]]\ncontains = \"goddag\"\nanswer = \"Goddag! Din nøgle er {KEY}.\"\n");
    let stub = StubLlm::with_answers(dir.path(), &answers, &[]);
    let repo = eval_workspace(&stub.base_url());
    let run = eval(&repo, &["--format", "json"]);
    run.expect_code(0);
    assert_no_key(&run, KEY);
    assert!(repo.read("evals/run.json").contains("Goddag! Din nøgle er [redacted]."));
    assert_no_file_holds(&repo, KEY);
}

#[test]
fn eval_refuses_a_redirect_to_another_host() {
    let stub = StubLlm::start(&[]);
    let proxy = FaultProxy::start(&stub.origin);
    let elsewhere = FaultProxy::start("http://127.0.0.1:9");
    proxy.inject(
        Some("POST"),
        "/chat/completions",
        Fault::Redirect {
            code: 307,
            location: elsewhere.url.clone(),
        },
        0,
        10,
    );
    let repo = eval_workspace(&format!("{}/v1", proxy.url));
    let run = eval(&repo, &["--format", "json", "--no-cache"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(&format!("{}/v1/chat/completions", proxy.url))
            && run.stderr.contains(&format!("{}/v1/chat/completions", elsewhere.url)),
        "{}",
        run.stderr
    );
    assert!(elsewhere.log().is_empty(), "{:?}", elsewhere.log());
    assert_eq!(stub.chat_count(), 0);
}

#[test]
fn plain_http_to_another_machine_is_refused_before_any_request() {
    let r = DeployRepo::with("insecure", "http://ai.example.invalid", KEY);
    r.add_approved("a", &Spec::default());
    for args in [
        &["plan", "--target", "test"][..],
        &["deploy", "--target", "test", "--yes"],
        &["status", "--target", "test"],
    ] {
        let run = r.run(args);
        run.expect_code(2);
        assert!(
            run.stderr.contains("unencrypted (http://) to ai.example.invalid"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("allow_insecure_http = true"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let repo = eval_workspace("http://litellm.example.invalid/v1");
    let run = eval(&repo, &[]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("unencrypted (http://) to litellm.example.invalid"),
        "{}",
        run.stderr
    );
}

#[test]
fn credentials_in_a_target_url_are_refused_and_never_printed() {
    let url = format!("https://svc:{KEY}@ai.example.invalid");
    let r = DeployRepo::with("userinfo", &url, "sk-another-long-key-0123");
    r.add_approved("a", &Spec::default());
    for args in [&["plan", "--target", "test"][..], &["status", "--target", "test"]] {
        let run = r.run(args);
        run.expect_code(2);
        assert!(run.stderr.contains("user name or password"), "{args:?}: {}", run.stderr);
        assert_no_key(&run, KEY);
    }
}
