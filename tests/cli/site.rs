//! `aispec site`: what the public and the internal site show, escaping, the HTML structure, and every page in a
//! real browser (headless Chromium with axe-core).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TestRepo, repo_root};

fn build(repo: &TestRepo, out: &str, internal: bool) -> PathBuf {
    let mut args = vec!["site", "--out", out];
    if internal {
        args.push("--internal");
    }
    repo.run(&args).expect_code(0);
    repo.path().join(out)
}

fn page(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A saved eval run in which `id` passed `passed` of `total` cases.
fn saved_run(id: &str, started_at: &str, passed: usize, total: usize) -> String {
    let results: Vec<serde_json::Value> = (0..total)
        .map(|i| {
            serde_json::json!({
                "source": id, "case": format!("c{i}"), "provider": "stub", "repeat": 0, "answer": "svar",
                "latency_ms": 1, "words": 1, "cached": false, "pass": i < passed, "score": 1.0, "assertions": []
            })
        })
        .collect();
    let cases: Vec<serde_json::Value> = (0..total)
        .map(|i| {
            serde_json::json!({"source": id, "id": format!("c{i}"), "category": "-", "prompt": "p",
                               "weight": 1.0, "threshold": 1.0})
        })
        .collect();
    serde_json::json!({
        "format": 1, "started_at": started_at, "duration_ms": 1, "repeat": 1,
        "providers": [{"name": "stub", "kind": "openai", "model": "stub", "endpoint": "http://127.0.0.1:1/v1"}],
        "cases": cases, "results": results,
        "stats": {"answers": total, "from_cache": 0, "requests": total, "retries": 0, "errors": 0, "judge_calls": 0},
        "summary": []
    })
    .to_string()
}

/// The shipped workspace with two saved runs and a deployed snapshot for klarsprog, so its page has every part.
fn shipped_with_history() -> TestRepo {
    let repo = TestRepo::shipped();
    repo.write(
        "evals/baseline.json",
        saved_run("klarsprog", "2026-11-01T10:00:00Z", 4, 5),
    );
    repo.write(
        "evals/2026-11-20.json",
        saved_run("klarsprog", "2026-11-20T10:00:00Z", 5, 5),
    );
    repo.write(
        "deployed/production.json",
        serde_json::json!({
            "format": 1, "target": "production", "saved_at": "2026-11-28T06:00:00Z",
            "models": [{"id": "klarsprog", "version": "1.0.0", "content_hash": "sha256:00", "git_commit": "abcdef0123",
                        "source_path": "specialists/klarsprog", "drift": true, "is_active": true}],
            "usage": {"klarsprog": {"since": "30d", "messages": 120, "chats": 40, "up": 10, "down": 2,
                                    "negative_share": 0.1667, "flagged": false}}
        })
        .to_string(),
    );
    repo.commit_all("history");
    repo
}

#[test]
fn the_public_site_leaves_out_what_is_internal() {
    let repo = shipped_with_history();
    let public = build(&repo, "public", false);
    assert!(
        !public.join("eksempel-afvist.html").exists(),
        "a refused use case is not public"
    );
    let index = page(&public, "index.html");
    assert!(!index.contains("EKSEMPEL"), "{index}");
    assert!(
        index.contains("Klarsprog") && index.contains("Stillingsopslag"),
        "{index}"
    );
    let klarsprog = page(&public, "klarsprog.html");
    for internal in [
        "Brugerrejsen",
        "Test Builder",
        "Handlingslisten</caption>",
        "Brugernes feedback",
    ] {
        assert!(!klarsprog.contains(internal), "`{internal}` on the public page");
    }
    assert!(
        klarsprog.contains("1.0.0") && klarsprog.contains("abcdef0"),
        "deployed version and commit shown"
    );
    assert!(
        klarsprog.contains("100 %") && klarsprog.contains("80 %"),
        "pass rates over the saved runs"
    );
    assert!(
        klarsprog.contains("Algorithm Register Metadata Standard"),
        "the record is on the page"
    );
    let records: serde_json::Value = serde_json::from_str(&page(&public, "register.json")).expect("json");
    assert_eq!(records.as_array().map(Vec::len), Some(5), "{records}");
    assert_eq!(records[1]["status"], "in use", "klarsprog runs in production");

    let internal = build(&repo, "internal", true);
    let index = page(&internal, "index.html");
    assert!(
        index.contains("EKSEMPEL (afvist)") && index.contains("afvist"),
        "{index}"
    );
    let klarsprog = page(&internal, "klarsprog.html");
    for shown in [
        "Brugerrejsen",
        "Test Builder",
        "Handlingslisten</caption>",
        "Intern udgave",
        "120 svar i 40 samtaler; 10 tommel op, 2 tommel ned, 17 % tommel ned",
    ] {
        assert!(klarsprog.contains(shown), "`{shown}` missing on the internal page");
    }
}

#[test]
fn a_script_in_a_specialist_name_is_printed_as_text() {
    let repo = TestRepo::shipped();
    let spec = repo.read("specialists/klarsprog/specialist.toml").replace(
        "name = \"Klarsprog\"",
        "name = \"<script>console.error('ran')</script>Klarsprog\"",
    );
    repo.write("specialists/klarsprog/specialist.toml", spec);
    let site = build(&repo, "site", true);
    for name in ["index.html", "klarsprog.html"] {
        let html = page(&site, name);
        assert!(!html.contains("<script>"), "{name} has a live script tag");
        assert!(html.contains("&lt;script&gt;"), "{name} lost the name");
    }
    let report = check_in_browser(&site, None);
    assert_eq!(report["ok"], true, "{report:#}");
}

/// The page as an outline: element names with their id, class and scope, one per line and indented, from
/// `<body>` down; text and SVG drawing left out.
fn outline(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let body = scraper::Selector::parse("body").expect("selector");
    let mut out = String::new();
    if let Some(b) = doc.select(&body).next() {
        walk(b, 0, &mut out);
    }
    out
}

fn walk(el: scraper::ElementRef<'_>, depth: usize, out: &mut String) {
    let v = el.value();
    let mut line = format!("{}{}", "  ".repeat(depth), v.name());
    for attr in ["id", "class", "scope", "href"] {
        if let Some(a) = v.attr(attr) {
            line.push_str(&format!(" {attr}={a}"));
        }
    }
    out.push_str(&line);
    out.push('\n');
    if v.name() == "svg" {
        return;
    }
    for child in el.children().filter_map(scraper::ElementRef::wrap) {
        walk(child, depth + 1, out);
    }
}

#[test]
fn the_html_structure_of_the_public_pages() {
    let repo = shipped_with_history();
    let site = build(&repo, "site", false);
    insta::assert_snapshot!("site_portfolio", outline(&page(&site, "index.html")));
    insta::assert_snapshot!("site_klarsprog", outline(&page(&site, "klarsprog.html")));
}

/// Runs `tests/browser/check-site.js` on a built site; fails with what to install when it cannot run.
fn check_in_browser(site: &Path, screenshot: Option<&Path>) -> serde_json::Value {
    let dir = repo_root().join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").exists() && dir.join("node_modules/axe-core").exists(),
        "the browser test needs its node modules: run `npm ci` in tests/browser (.ci/run does)"
    );
    assert!(
        Path::new("/usr/bin/chromium").exists() || std::env::var_os("AISPEC_CHROMIUM").is_some(),
        "the browser test needs Chromium: `apt-get install -y chromium` (.ci/run does), or set AISPEC_CHROMIUM"
    );
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("check-site.js")).arg(site);
    if let Some(png) = screenshot {
        cmd.arg("--screenshot").arg(format!("index.html={}", png.display()));
    }
    let out = cmd
        .output()
        .expect("node runs (Node 20 is needed for the browser test)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.code() != Some(2),
        "the browser check could not run:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "the browser check printed no report ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every page of the internal and the public site: no console errors, a chart that is not blank, and no axe
/// violations. The shipped workspace's internal portfolio is the screenshot the README shows;
/// `AISPEC_UPDATE_SCREENSHOT=1` writes it to docs/portfolio.png.
#[test]
fn every_page_passes_in_a_real_browser() {
    let shipped = TestRepo::shipped();
    let site = build(&shipped, "internal", true);
    let png = shipped.path().join("portfolio.png");
    let report = check_in_browser(&site, Some(&png));
    assert_eq!(report["ok"], true, "{report:#}");
    let pages = report["pages"].as_array().expect("pages");
    assert_eq!(
        pages.len(),
        7,
        "five specialists, the refused example and the portfolio: {report:#}"
    );
    let index = pages.iter().find(|p| p["page"] == "index.html").expect("index");
    assert_eq!(index["charts"].as_array().map(Vec::len), Some(1), "{index}");
    assert!(std::fs::metadata(&png).expect("screenshot").len() > 10_000);
    if std::env::var_os("AISPEC_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&png, repo_root().join("docs/portfolio.png")).expect("copy screenshot");
    }

    let repo = shipped_with_history();
    for internal in [true, false] {
        let site = build(&repo, if internal { "internal" } else { "public" }, internal);
        let report = check_in_browser(&site, None);
        assert_eq!(report["ok"], true, "{report:#}");
        let pages = report["pages"].as_array().expect("pages");
        let klarsprog = pages.iter().find(|p| p["page"] == "klarsprog.html").expect("klarsprog");
        assert_eq!(
            klarsprog["charts"].as_array().map(Vec::len),
            Some(1),
            "the eval chart: {klarsprog}"
        );
        let expected = if internal { 7 } else { 6 };
        assert_eq!(pages.len(), expected, "{report:#}");
    }
}

/// `status --save` against the real Open WebUI: the snapshot names the deployed version and commit, never the
/// target's URL; it is rewritten only when what runs changes (drift here); the site and the register read it.
#[test]
fn status_save_writes_the_deployed_state_that_the_site_shows() {
    use crate::deploy_repo::{DeployRepo, Spec};
    use crate::openwebui::{Api, server};

    let r = DeployRepo::new("snap");
    let id = r.add_approved("a", &Spec::default());
    r.repo.commit_all("specialist");
    r.deploy(&[]);
    let no_target = r.run(&["status", "--save"]);
    no_target.expect_code(2);
    assert!(no_target.stderr.contains("--target"), "{}", no_target.stderr);

    r.run(&["status", "--target", "test", "--save"]).expect_code(0);
    let text = r.repo.read("deployed/test.json");
    assert!(!text.contains(&r.url), "the target URL is not saved: {text}");
    let snap: serde_json::Value = serde_json::from_str(&text).expect("json");
    let model = snap["models"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["id"] == id.as_str()))
        .cloned()
        .unwrap_or_else(|| panic!("{id} not in {snap}"));
    assert_eq!(model["version"], "1.0.0");
    assert_eq!(model["drift"], false);
    assert!(model["git_commit"].as_str().is_some_and(|c| c.len() == 40), "{model}");

    r.run(&["status", "--target", "test", "--save"]).expect_code(0);
    assert_eq!(
        r.repo.read("deployed/test.json"),
        text,
        "nothing changed, so the file is not rewritten"
    );

    let admin = Api::new(&server().url, &server().admin_key);
    let mut live = r.api().model(&id).expect("model");
    live["name"] = serde_json::json!("Omdøbt i web-UI");
    admin.post("/api/v1/models/model/update", &live);
    r.run(&["status", "--target", "test", "--save"]).expect_code(0);
    let drifted: serde_json::Value = serde_json::from_str(&r.repo.read("deployed/test.json")).expect("json");
    let model = drifted["models"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["id"] == id.as_str()))
        .cloned()
        .expect("model");
    assert_eq!(model["drift"], true, "{drifted}");

    let saved_usage = |key: &str| {
        r.repo
            .run_with(
                &["status", "--target", "test", "--save"],
                &[(crate::deploy_repo::KEY_ENV, key)],
            )
            .expect_code(0);
        let snap: serde_json::Value = serde_json::from_str(&r.repo.read("deployed/test.json")).expect("json");
        snap["usage"][id.as_str()].clone()
    };
    assert_eq!(
        saved_usage(&r.key),
        serde_json::Value::Null,
        "a builder's key cannot read ratings"
    );
    let usage = saved_usage(&server().admin_key);
    assert_eq!(usage["up"], 0, "an admin's key saves use and ratings: {usage}");
    let internal = build(&r.repo, "internal", true);
    assert!(page(&internal, &format!("{id}.html")).contains("0 tommel op, 0 tommel ned"));

    let site = build(&r.repo, "site", false);
    let html = page(&site, &format!("{id}.html"));
    assert!(html.contains("<td>test</td><td>1.0.0</td>"), "{html}");
    assert!(html.contains("<td>ja</td>"), "drift shown: {html}");
    let register = r.run(&["register", &id, "--format", "json"]);
    assert_eq!(register.json()["records"][0]["status"], "in use", "{}", register.stdout);
}

#[test]
fn personal_data_and_internal_urls_never_reach_a_page() {
    let repo = TestRepo::shipped();
    let spec = repo.read("specialists/klarsprog/specialist.toml").replace(
        "Omskriver breve og tekster",
        "Spørg jens.hansen@aarhus.dk eller se https://intranet.aarhuskommune.local/klarsprog. Omskriver breve og tekster",
    );
    repo.write("specialists/klarsprog/specialist.toml", spec);
    let journey = repo.read("screenings/klarsprog/journey.toml").replace(
        "En medarbejder skal skrive",
        "Borger 010203-1234 ringer, og en medarbejder skal skrive",
    );
    repo.write("screenings/klarsprog/journey.toml", journey);
    for internal in [false, true] {
        let site = build(&repo, if internal { "internal" } else { "public" }, internal);
        for name in ["index.html", "klarsprog.html", "register.json"] {
            let text = page(&site, name);
            for secret in ["jens.hansen", "010203", "intranet.aarhuskommune"] {
                assert!(!text.contains(secret), "`{secret}` in {name} (internal: {internal})");
            }
        }
        let klarsprog = page(&site, "klarsprog.html");
        assert!(
            klarsprog.contains("[intern adresse]"),
            "the URL is replaced, not dropped silently"
        );
        if internal {
            assert!(
                klarsprog.contains("ringer, og en medarbejder"),
                "the journey is shown, redacted"
            );
        }
    }
}

#[test]
fn site_says_what_it_wrote_and_what_it_left_out() {
    let repo = TestRepo::shipped();
    let run = repo.run(&["site", "--out", "public"]);
    crate::assert_run_snapshot!("site_public_summary", repo, run);
    let json = repo.run(&["site", "--out", "internal", "--internal", "--format", "json"]);
    json.expect_code(0);
    let built = json.json();
    assert_eq!(built["audience"], "internal");
    assert_eq!(built["withheld"], 0);
    assert_eq!(built["use_cases"].as_array().map(Vec::len), Some(6), "{built}");
}
