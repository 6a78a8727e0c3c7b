//! `aispec knowledge fetch|check` against a local web server the tests start, and the `validate` warnings
//! that follow from `knowledge.lock`.

use crate::source_server::{Page, SourceServer};
use crate::support::{Run, TestRepo};

use crate::validate_corpus::documents as doc_fixtures;

const SPEC: &str = "specialists/korrekturlaeser/specialist.toml";
const LOCK: &str = "specialists/korrekturlaeser/knowledge.lock";
const KDIR: &str = "specialists/korrekturlaeser/knowledge";
/// 2026-01-01T00:00:00Z, and 200 days later.
const JAN_1: &str = "1767225600";
const JUL_20: &str = "1784505600";

const PAGE_V1: &str = r#"<!doctype html><html><head><title>Affald</title></head><body>
<header><a href="/">Aarhus Kommune</a><nav><a href="/borger">Borger</a> <a href="/erhverv">Erhverv</a></nav></header>
<main><h1>Storskrald</h1><p>Storskrald hentes hver anden uge fra din adresse.</p>
<ul><li>Møbler</li><li>Hvidevarer</li></ul></main>
<footer>Kontakt · Cookies · Tilgængelighed</footer></body></html>"#;

fn page_v2() -> String {
    PAGE_V1.replace("hver anden uge", "hver uge")
}

/// A workspace whose korrekturlaeser has these extra `[[knowledge]]` entries.
fn repo_with(entries: &str) -> TestRepo {
    let repo = TestRepo::init();
    let spec = repo.read(SPEC);
    repo.write(SPEC, format!("{spec}\n{entries}"));
    repo
}

/// A server with `page` on `path`, and a workspace whose `file` is fetched from it (with `extra` fields).
fn one_source(file: &str, path: &str, page: Page, extra: &str) -> (SourceServer, TestRepo) {
    let server = SourceServer::start();
    server.set(path, page);
    let repo = repo_with(&entry(file, &server.url(path), extra));
    (server, repo)
}

fn entry(file: &str, source: &str, extra: &str) -> String {
    format!("[[knowledge]]\nfile = \"{file}\"\ndescription = \"Fra kilden\"\nsource = \"{source}\"\n{extra}\n")
}

/// Runs with a fixed clock, no retries and a one-second timeout per source.
fn run(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec![
        ("SOURCE_DATE_EPOCH", JAN_1),
        ("AISPEC_HTTP_RETRIES", "0"),
        ("AISPEC_KNOWLEDGE_TIMEOUT", "1"),
    ];
    all.extend_from_slice(env);
    repo.run_with(args, &all)
}

fn lock_of(repo: &TestRepo) -> toml::Value {
    toml::from_str(&repo.read(LOCK)).expect("lock is TOML")
}

/// `validate` finds nothing, on the fixed clock the sources were fetched with.
#[track_caller]
fn no_diagnostics(repo: &TestRepo) {
    let v = run(repo, &["validate", "--format", "json"], &[]);
    v.expect_code(0);
    assert_eq!(v.json()["diagnostics"], serde_json::json!([]), "{}", v.stdout);
}

fn snapshot_text(repo: &TestRepo, server: &SourceServer, run: &Run) -> String {
    repo.render(run).replace(&format!(":{}", server.port), ":[PORT]")
}

#[test]
fn fetch_writes_clean_markdown_and_records_the_source_in_the_lock() {
    let (server, repo) = one_source(
        "storskrald.md",
        "/storskrald",
        Page::html(PAGE_V1).validated("\"v1\"", "Thu, 01 Jan 2026 08:00:00 GMT"),
        "owner = \"Affaldsteamet\"\nmax_age = \"180d\"",
    );
    let fetched = run(&repo, &["knowledge", "fetch"], &[]);
    fetched.expect_code(0);
    insta::assert_snapshot!(snapshot_text(&repo, &server, &fetched));
    assert_eq!(
        repo.read(&format!("{KDIR}/storskrald.md")),
        "# Storskrald\n\nStorskrald hentes hver anden uge fra din adresse.\n\n- Møbler\n- Hvidevarer\n"
    );
    let lock = lock_of(&repo);
    let e = &lock["source"][0];
    assert_eq!(e["file"].as_str(), Some("storskrald.md"));
    assert_eq!(e["url"].as_str(), Some(server.url("/storskrald").as_str()));
    assert_eq!(e["kind"].as_str(), Some("html"));
    assert_eq!(e["fetched_at"].as_str(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(e["etag"].as_str(), Some("\"v1\""));
    assert_eq!(e["last_modified"].as_str(), Some("Thu, 01 Jan 2026 08:00:00 GMT"));
    let bytes = std::fs::read(repo.path().join(KDIR).join("storskrald.md")).expect("file");
    let want = format!("sha256:{}", hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)));
    assert_eq!(e["content_hash"].as_str(), Some(want.as_str()));
    // A fetched file is knowledge like any other: listed, scanned, valid.
    no_diagnostics(&repo);
    let again = run(&repo, &["knowledge", "fetch"], &[("AISPEC_LANG", "da")]);
    again.expect_code(0);
    insta::assert_snapshot!("fetch_again_da", snapshot_text(&repo, &server, &again));
}

#[test]
fn a_second_fetch_is_conditional_and_a_304_keeps_the_file() {
    let (server, repo) = one_source(
        "side.md",
        "/side",
        Page::html(PAGE_V1).validated("\"v1\"", "Thu, 01 Jan 2026 08:00:00 GMT"),
        "",
    );
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    let before = repo.read(&format!("{KDIR}/side.md"));
    let again = run(
        &repo,
        &["knowledge", "fetch", "--format", "json"],
        &[("SOURCE_DATE_EPOCH", JUL_20)],
    );
    again.expect_code(0);
    assert_eq!(again.json()["sources"][0]["outcome"], "unchanged");
    let second = &server.requests_to("/side")[1];
    assert_eq!(second.headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
    assert_eq!(
        second.headers.get("if-modified-since").map(String::as_str),
        Some("Thu, 01 Jan 2026 08:00:00 GMT")
    );
    assert_eq!(second.status, 304);
    assert_eq!(repo.read(&format!("{KDIR}/side.md")), before);
    assert_eq!(
        lock_of(&repo)["source"][0]["fetched_at"].as_str(),
        Some("2026-07-20T00:00:00Z")
    );
}

#[test]
fn check_finds_an_unchanged_source_then_a_change_with_its_word_diff() {
    let (server, repo) = one_source(
        "storskrald.md",
        "/storskrald",
        Page::html(PAGE_V1).validated("\"v1\"", "Thu, 01 Jan 2026 08:00:00 GMT"),
        "owner = \"Affaldsteamet\"",
    );
    let fresh = run(&repo, &["knowledge", "check"], &[]);
    fresh.expect_code(2);
    assert!(fresh.stdout.contains("not fetched yet"), "{}", fresh.stdout);
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    let same = run(&repo, &["knowledge", "check", "--format", "json"], &[]);
    same.expect_code(0);
    assert_eq!(same.json()["sources"][0]["state"], "unchanged");
    assert_eq!(server.requests_to("/storskrald").last().map(|s| s.status), Some(304));

    server.set(
        "/storskrald",
        Page::html(&page_v2()).validated("\"v2\"", "Fri, 02 Jan 2026 08:00:00 GMT"),
    );
    let changed = run(&repo, &["knowledge", "check"], &[]);
    changed.expect_code(2);
    insta::assert_snapshot!("check_human_changed", snapshot_text(&repo, &server, &changed));
    let danish = run(&repo, &["knowledge", "check"], &[("AISPEC_LANG", "da")]);
    danish.expect_code(2);
    insta::assert_snapshot!("check_human_changed_da", snapshot_text(&repo, &server, &danish));
    let md = run(&repo, &["knowledge", "check", "--format", "markdown"], &[]);
    md.expect_code(2);
    insta::assert_snapshot!("check_markdown_changed", snapshot_text(&repo, &server, &md));
    let json = run(&repo, &["knowledge", "check", "--format", "json"], &[]).json();
    assert_eq!(json["sources"][0]["state"], "changed");
    assert_eq!(json["sources"][0]["diff"]["words_added"], 0);
    assert_eq!(json["sources"][0]["diff"]["words_removed"], 1);
    // check writes nothing; fetch brings the change in.
    assert!(repo.read(&format!("{KDIR}/storskrald.md")).contains("hver anden uge"));
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    assert!(repo.read(&format!("{KDIR}/storskrald.md")).contains("hentes hver uge"));
    run(&repo, &["knowledge", "check"], &[]).expect_code(0);
}

#[test]
fn a_changed_etag_with_the_same_text_is_unchanged() {
    let (server, repo) = one_source(
        "s.md",
        "/s",
        Page::html(PAGE_V1).validated("\"a\"", "Thu, 01 Jan 2026 08:00:00 GMT"),
        "",
    );
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    // Only the footer differs, and it is dropped: nothing for the owner to review.
    let footer = PAGE_V1.replace("Cookies", "Cookiepolitik");
    server.set(
        "/s",
        Page::html(&footer).validated("\"b\"", "Fri, 02 Jan 2026 08:00:00 GMT"),
    );
    run(&repo, &["knowledge", "check"], &[]).expect_code(0);
}

#[test]
fn a_selector_picks_the_content_and_one_that_matches_nothing_is_refused() {
    let (_server, repo) = one_source("s.md", "/s", Page::html(PAGE_V1), "selector = \"main ul\"");
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    assert_eq!(repo.read(&format!("{KDIR}/s.md")), "- Møbler\n- Hvidevarer\n");
    let spec = repo.read(SPEC).replace("main ul", "#indhold");
    repo.write(SPEC, spec);
    let check = run(&repo, &["knowledge", "check"], &[]);
    check.expect_code(1);
    assert!(check.stdout.contains("refused"), "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("the selector `#indhold` matches nothing on the page"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("hint: the page's layout has probably changed"),
        "{}",
        check.stdout
    );
}

#[test]
fn an_unreachable_source_fails_without_touching_the_file() {
    let (server, repo) = one_source("s.md", "/s", Page::html(PAGE_V1), "");
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    let before = repo.read(&format!("{KDIR}/s.md"));
    server.set("/s", Page::Status(404));
    let check = run(&repo, &["knowledge", "check", "--format", "json"], &[]);
    check.expect_code(1);
    let s = &check.json()["sources"][0];
    assert_eq!(s["state"], "unreachable");
    assert_eq!(s["problem"]["at"], "specialists/korrekturlaeser/specialist.toml:49:10");
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    insta::assert_snapshot!(snapshot_text(&repo, &server, &fetch));
    assert_eq!(repo.read(&format!("{KDIR}/s.md")), before);
}

#[test]
fn a_redirect_to_another_host_is_refused_and_nothing_is_written() {
    let server = SourceServer::start();
    server.set(
        "/flyttet",
        Page::Redirect {
            code: 301,
            location: server.url_on("localhost", "/ny"),
        },
    );
    server.set("/ny", Page::html(PAGE_V1));
    let repo = repo_with(&entry("s.md", &server.url("/flyttet"), ""));
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    assert!(
        fetch.stdout.contains("was redirected to http://localhost:")
            && fetch.stdout.contains("which is not https on the same site"),
        "{}",
        fetch.stdout
    );
    assert!(server.requests_to("/ny").is_empty(), "the redirect was not followed");
    assert!(!repo.path().join(KDIR).join("s.md").exists());
    assert!(!repo.path().join(LOCK).exists());
}

#[test]
fn a_same_site_redirect_is_followed_and_the_header_stays_with_its_origin() {
    let server = SourceServer::start();
    server.set_on(
        "kommune.localhost",
        "/affald",
        Page::Redirect {
            code: 301,
            location: server.url_on("www.kommune.localhost", "/affald"),
        },
    );
    server.set_on("www.kommune.localhost", "/affald", Page::html(PAGE_V1));
    let repo = repo_with(&entry(
        "s.md",
        &server.url_on("kommune.localhost", "/affald"),
        "headers_env = { Authorization = \"INTRANET_TOKEN\", X-Intranet-Key = \"INTRANET_KEY\" }",
    ));
    let token = "Bearer intranet-hemmelighed-123";
    let env = [("INTRANET_TOKEN", token), ("INTRANET_KEY", "nogle-hemmelige-tegn-456")];
    let fetch = run(&repo, &["knowledge", "fetch"], &env);
    fetch.expect_code(0);
    assert!(repo.read(&format!("{KDIR}/s.md")).starts_with("# Storskrald"));
    assert_eq!(
        lock_of(&repo)["source"][0]["url"].as_str(),
        Some(server.url_on("www.kommune.localhost", "/affald").as_str())
    );
    let log = server.log();
    let to_www: Vec<_> = log
        .iter()
        .filter(|s| s.host.starts_with("www.kommune.localhost"))
        .collect();
    let to_origin: Vec<_> = log.iter().filter(|s| s.host.starts_with("kommune.localhost")).collect();
    assert!(!to_www.is_empty() && !to_origin.is_empty(), "{log:?}");
    for s in &to_origin {
        assert_eq!(s.headers.get("authorization").map(String::as_str), Some(token));
        assert!(s.headers.contains_key("x-intranet-key"));
    }
    for s in &to_www {
        assert!(!s.headers.contains_key("authorization"), "{s:?}");
        assert!(!s.headers.contains_key("x-intranet-key"), "{s:?}");
    }
    for text in [
        &fetch.stdout,
        &fetch.stderr,
        &repo.read(LOCK),
        &repo.read(&format!("{KDIR}/s.md")),
    ] {
        assert!(!text.contains("hemmelig"), "{text}");
    }
}

#[test]
fn a_missing_header_variable_is_named() {
    let (server, repo) = one_source(
        "s.md",
        "/s",
        Page::html(PAGE_V1),
        "headers_env = { Authorization = \"INTRANET_TOKEN\" }",
    );
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    assert!(
        fetch.stdout.contains(
            "the header `Authorization` takes its value from the environment variable INTRANET_TOKEN, which is not set"
        ),
        "{}",
        fetch.stdout
    );
    assert!(server.requests_to("/s").is_empty());
}

#[test]
fn a_slow_page_times_out_and_a_huge_page_is_refused() {
    let server = SourceServer::start();
    server.set("/langsom", Page::Slow(std::time::Duration::from_secs(5)));
    server.set("/kaempe", Page::Huge(21 * 1024 * 1024));
    let repo = repo_with(&format!(
        "{}{}",
        entry("langsom.md", &server.url("/langsom"), ""),
        entry("kaempe.md", &server.url("/kaempe"), "")
    ));
    let check = run(&repo, &["knowledge", "check", "--format", "json"], &[]);
    check.expect_code(1);
    let json = check.json();
    assert_eq!(json["sources"][0]["state"], "unreachable", "{json}");
    assert_eq!(json["sources"][0]["problem"]["message"], "no answer within 1 s");
    assert_eq!(json["sources"][1]["state"], "refused");
    assert_eq!(
        json["sources"][1]["problem"]["message"],
        "the answer is larger than 20 MiB"
    );
    assert!(
        json["sources"][0]["problem"]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("AISPEC_KNOWLEDGE_TIMEOUT")),
        "{json}"
    );
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    assert!(!repo.path().join(KDIR).join("kaempe.md").exists());
    assert!(!repo.path().join(KDIR).join("langsom.md").exists());
}

#[test]
fn pdf_and_word_sources_give_their_text() {
    let server = SourceServer::start();
    server.set(
        "/vejledning.pdf",
        Page::typed(
            "application/pdf",
            doc_fixtures::pdf(&["Genbrugsstationen er aaben alle dage."]),
        ),
    );
    // No useful content type: the extension tells.
    server.set(
        "/regler.docx",
        Page::typed(
            "application/octet-stream",
            doc_fixtures::docx(&["Sorter pap og papir hver for sig."], &[]),
        ),
    );
    let repo = repo_with(&format!(
        "{}{}",
        entry("vejledning.md", &server.url("/vejledning.pdf"), ""),
        entry("regler.md", &server.url("/regler.docx"), "")
    ));
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    assert!(
        repo.read(&format!("{KDIR}/vejledning.md"))
            .contains("Genbrugsstationen er aaben alle dage.")
    );
    assert_eq!(
        repo.read(&format!("{KDIR}/regler.md")),
        "Sorter pap og papir hver for sig.\n"
    );
    let lock = lock_of(&repo);
    let kinds: Vec<&str> = lock["source"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["docx", "pdf"], "sorted by file");
}

#[test]
fn a_page_with_a_cpr_number_is_never_written_and_contacts_become_placeholders() {
    let server = SourceServer::start();
    server.set(
        "/cpr",
        Page::html("<main><p>Sag vedr. 010190-1234 er lukket.</p></main>"),
    );
    server.set(
        "/kontakt",
        Page::html("<main><p>Skriv til affald@aarhus.dk eller jens@example.dk, ring 89 40 20 00.</p></main>"),
    );
    let repo = repo_with(&format!(
        "{}{}\n[privacy]\nallow = [\"affald@aarhus.dk\"]\n",
        entry("cpr.md", &server.url("/cpr"), ""),
        entry("kontakt.md", &server.url("/kontakt"), "")
    ));
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    insta::assert_snapshot!(snapshot_text(&repo, &server, &fetch));
    assert!(!repo.path().join(KDIR).join("cpr.md").exists());
    assert!(!fetch.stdout.contains("010190"), "{}", fetch.stdout);
    assert_eq!(
        repo.read(&format!("{KDIR}/kontakt.md")),
        "Skriv til affald@aarhus.dk eller [e-mail], ring [telefonnummer].\n"
    );
}

#[test]
fn a_source_of_another_type_is_refused() {
    let (_server, repo) = one_source(
        "logo.md",
        "/logo",
        Page::typed("image/png", b"\x89PNG\r\n\x1a\n".to_vec()),
        "",
    );
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    assert!(
        fetch
            .stdout
            .contains("the source is `image/png`; aispec fetches HTML, Markdown, text, PDF and Word (.docx) documents"),
        "{}",
        fetch.stdout
    );
}

#[test]
fn a_file_in_the_workspace_is_a_source_and_one_outside_is_refused() {
    let repo = repo_with(&entry("guide.md", "sources/guide.html", "max_age = \"180d\""));
    repo.write("specialists/korrekturlaeser/sources/guide.html", PAGE_V1);
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    assert!(repo.read(&format!("{KDIR}/guide.md")).starts_with("# Storskrald\n"));
    no_diagnostics(&repo);
    // Out by `..`, and out by a symbolic link: both refused, neither read.
    let climbing = repo.read(SPEC).replace("sources/guide.html", "../../../guide.html");
    repo.write(SPEC, &climbing);
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    assert!(
        fetch
            .stdout
            .contains("the source path `../../../guide.html` leads outside the workspace"),
        "{}",
        fetch.stdout
    );
    let elsewhere = tempfile::tempdir().expect("tempdir");
    std::fs::write(elsewhere.path().join("hemmelig.html"), "<p>udenfor</p>").expect("write");
    std::os::unix::fs::symlink(
        elsewhere.path().join("hemmelig.html"),
        repo.path().join("specialists/korrekturlaeser/sources/link.html"),
    )
    .expect("symlink");
    repo.write(SPEC, climbing.replace("../../../guide.html", "sources/link.html"));
    let fetch = run(&repo, &["knowledge", "fetch"], &[]);
    fetch.expect_code(2);
    assert!(
        fetch.stdout.contains("the path leads outside the workspace"),
        "{}",
        fetch.stdout
    );
    assert!(!repo.read(&format!("{KDIR}/guide.md")).contains("udenfor"));
}

#[test]
fn validate_warns_about_a_hand_edit_and_a_copy_past_its_max_age() {
    let repo = repo_with(&entry(
        "guide.md",
        "sources/guide.html",
        "owner = \"Affaldsteamet\"\nmax_age = \"180d\"",
    ));
    repo.write("specialists/korrekturlaeser/sources/guide.html", PAGE_V1);
    let never = repo.run(&["validate", "--format", "json"]);
    assert!(never.stdout.contains("knowledge-not-fetched"), "{}", never.stdout);
    run(&repo, &["knowledge", "fetch"], &[]).expect_code(0);
    let file = format!("{KDIR}/guide.md");
    repo.write(&file, format!("{}Rettet i hånden.\n", repo.read(&file)));
    let late = run(&repo, &["validate"], &[("SOURCE_DATE_EPOCH", JUL_20)]);
    late.expect_code(0);
    insta::assert_snapshot!(repo.render(&late));
    // Past max_age, check asks for a fetch even though nothing changed upstream…
    let check = run(
        &repo,
        &["knowledge", "check", "--format", "json"],
        &[("SOURCE_DATE_EPOCH", JUL_20)],
    );
    check.expect_code(2);
    assert_eq!(check.json()["sources"][0]["overdue_days"], 20);
    // …and a fetch renews the copy: the hand edit is replaced, the warnings are gone.
    run(&repo, &["knowledge", "fetch"], &[("SOURCE_DATE_EPOCH", JUL_20)]).expect_code(0);
    let clean = run(
        &repo,
        &["validate", "--format", "json"],
        &[("SOURCE_DATE_EPOCH", JUL_20)],
    );
    assert_eq!(clean.json()["diagnostics"], serde_json::json!([]), "{}", clean.stdout);
}

#[test]
fn validate_checks_the_new_fields_without_showing_a_credential() {
    let repo = repo_with(&entry(
        "side.pdf",
        "http://intranet.aarhus.dk/side",
        "selector = \"main >\"\nheaders_env = { Authorization = \"hemmelig-vaerdi-xyz\" }",
    ));
    let run = repo.run(&["validate", "--format", "json"]);
    run.expect_code(1);
    let codes: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    for code in [
        "knowledge-source-file",
        "knowledge-source",
        "knowledge-selector",
        "headers-env",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    assert!(!run.stdout.contains("hemmelig-vaerdi"), "{}", run.stdout);
}

#[test]
fn the_new_fields_are_optional_and_keep_the_content_hash_of_existing_specialists() {
    use aispec::model::specialist::Specialist;
    use aispec::signoff::{Content, content_hash};
    // aarhusai-start as it was before knowledge sources existed: one hand-written knowledge file.
    let dir = crate::support::fixtures().join("knowledge/aarhusai-start-before-sources");
    let spec: Specialist =
        toml::from_str(&std::fs::read_to_string(dir.join("specialist.toml")).expect("spec")).expect("parses");
    let prompt = std::fs::read_to_string(dir.join("system-prompt.md")).expect("prompt");
    let knowledge = vec![(
        "brug-af-aarhusai.md".to_owned(),
        std::fs::read(dir.join("knowledge/brug-af-aarhusai.md")).expect("knowledge"),
    )];
    let hash = content_hash(&Content {
        spec: &spec,
        prompt: &prompt,
        knowledge,
        profile_image: None,
    });
    assert_eq!(
        hash, BEFORE_SOURCES_HASH,
        "a specialist without sources must keep the hash its sign-offs were given for"
    );
}

/// The content hash of `tests/fixtures/knowledge/aarhusai-start-before-sources`, computed before the knowledge
/// fields were added.
const BEFORE_SOURCES_HASH: &str = "sha256:70cccd5dbd89e46bec5e20a297bdf736f1a0d832bdfd3a59325dfc51fde4fbdb";

#[test]
fn the_shipped_guide_is_what_its_html_version_in_the_repo_gives() {
    let repo = TestRepo::init();
    repo.add_shipped_specialist("aarhusai-start");
    let lock: toml::Value =
        toml::from_str(&repo.read("specialists/aarhusai-start/knowledge.lock")).expect("knowledge.lock");
    let entry = &lock["source"][0];
    assert_eq!(entry["source"].as_str(), Some("sources/brug-af-aarhusai.html"));
    let fetched = entry["fetched_at"].as_str().expect("fetched_at");
    let epoch = chrono::DateTime::parse_from_rfc3339(fetched)
        .expect("time")
        .timestamp()
        .to_string();
    let check = run(
        &repo,
        &["knowledge", "check", "aarhusai-start", "--format", "json"],
        &[("SOURCE_DATE_EPOCH", &epoch)],
    );
    check.expect_code(0);
    let json = check.json();
    assert_eq!(json["sources"][0]["state"], "unchanged", "{json}");
    assert_eq!(json["sources"][0]["max_age"], "180d");
    assert_eq!(json["sources"][0]["owner"], "AarhusAI Builder-gruppen");
}

#[test]
fn the_weekly_workflow_checks_fetches_on_a_branch_and_opens_a_pull_request_with_the_diff() {
    let path = crate::support::repo_root().join(".github/workflows/aispec-knowledge.yml");
    let text = std::fs::read_to_string(&path).expect("workflow");
    let wf: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("the workflow is YAML");
    let cron = wf["on"]["schedule"][0]["cron"].as_str().expect("a schedule");
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_eq!(fields.len(), 5, "{cron}");
    assert!(
        fields[2] == "*" && fields[3] == "*" && fields[4].len() == 1,
        "once a week: {cron}"
    );
    let steps = wf["jobs"]["knowledge"]["steps"].as_sequence().expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let installs = steps
        .iter()
        .filter(|s| s["uses"].as_str() == Some("./.github/actions/install-aispec"))
        .count();
    assert_eq!(installs, 1, "installs the pinned release once, never compiles");
    assert!(runs.iter().all(|r| !r.contains("cargo")));
    let check = runs
        .iter()
        .position(|r| r.contains("aispec knowledge check --format markdown"));
    let fetch = runs
        .iter()
        .position(|r| r.contains("aispec knowledge fetch") && r.contains("git push"));
    let pr = runs
        .iter()
        .position(|r| r.contains("gh pr create") && r.contains("knowledge.md"));
    assert!(
        check < fetch && fetch < pr && check.is_some(),
        "check, then fetch on a branch, then the PR"
    );
    assert_eq!(wf["permissions"]["pull-requests"].as_str(), Some("write"));
}
