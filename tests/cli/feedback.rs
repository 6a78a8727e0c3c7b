//! `aispec feedback`, its drafts and `status`'s usage columns against a real Open WebUI 0.12.4: users, chats
//! and ratings are made through its API, with a CPR number, e-mail addresses, a phone number and the raters'
//! names in the questions and comments — none of which may reach stdout, stderr or a file in the workspace.

use std::path::Path;

use serde_json::{Value, json};

use crate::deploy_repo::{DeployRepo, KEY_ENV, Spec};
use crate::openwebui::{Api, server};
use crate::support::Run;

const PASSWORD: &str = "Rater-Passw0rd!";
const CPR: &str = "010190-1234";
const MAIL: &str = "karen.blixen@example.org";
const PHONE: &str = "20 30 40 50";
const KAREN: &str = "Karen Blixen-Testesen";
const OLE: &str = "Ole Testmand";

/// A workspace with two deployed specialists, `a` rated three times (two thumbs down) and `b` never.
struct World {
    r: DeployRepo,
    a: String,
    b: String,
    /// Karen's thumbs down, Ole's thumbs up and Ole's thumbs down on `a`.
    karen_down: String,
    ole_up: String,
    ole_down: String,
    /// Text that must never be shown or stored.
    private: Vec<String>,
    /// Everything the runs printed.
    printed: std::cell::RefCell<Vec<String>>,
}

impl World {
    fn new(tag: &str) -> Self {
        let s = server();
        let r = DeployRepo::with(tag, &s.url, &s.admin_key);
        let mut config = r.repo.read("aispec.toml");
        config.push_str(&format!(
            r#"
[feedback]
max_negative_share = 0.5
min_ratings = 3

[providers.stub]
base_url = "{}/v1"
model = "mistral-small-3.2-24b"

[eval]
judge = "stub"
"#,
            s.stub
        ));
        r.repo.write("aispec.toml", config);
        let a = r.add_approved("a", &Spec::default());
        let b = r.add_approved("b", &Spec::default());
        r.deploy(&[]);
        let admin = Api::new(&s.url, &s.admin_key);
        let karen_login = format!("karen.{tag}@example.org");
        let ole_login = format!("ole.{tag}@example.org");
        let karen_id = add_user(&admin, KAREN, &karen_login);
        let ole_id = add_user(&admin, OLE, &ole_login);
        let karen = Api::new(&s.url, &signin(&karen_login));
        let ole = Api::new(&s.url, &signin(&ole_login));
        let question = format!(
            "Jeg hedder {KAREN}, mit CPR-nummer er {CPR} og min mail er {MAIL}. Hvornår er fristen for at søge boligstøtte?"
        );
        let comment = format!("Fristen er forkert. Ring på {PHONE} eller skriv til {MAIL}. Mvh Karen");
        let karen_down = rate(
            &karen,
            &a,
            &question,
            json!({"rating": -1, "reason": "not_factually_correct", "comment": comment}),
        );
        // The platform stamps ratings in whole seconds; distinct seconds give the "latest comments" one order.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let ole_up = rate(
            &ole,
            &a,
            "Hvordan skriver jeg et kort referat?",
            json!({"rating": 1, "reason": "accurate_information", "comment": "Godt og kort svar."}),
        );
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let ole_down = rate(
            &ole,
            &a,
            "Hvad betyder partshøring?",
            json!({"rating": -1, "reason": "too_verbose", "comment": ""}),
        );
        let private = [
            CPR,
            "0101901234",
            MAIL,
            PHONE,
            "20304050",
            KAREN,
            "Karen",
            "Blixen",
            "Testesen",
            OLE,
            "Testmand",
            &karen_login,
            &ole_login,
            &karen_id,
            &ole_id,
        ]
        .map(str::to_owned)
        .to_vec();
        World {
            r,
            a,
            b,
            karen_down,
            ole_up,
            ole_down,
            private,
            printed: Default::default(),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let run = self.r.run_env(args, env);
        self.printed
            .borrow_mut()
            .push(format!("{args:?}\n{}\n{}", run.stdout, run.stderr));
        run
    }

    /// Checks that no private text is in anything printed so far or in any file of the workspace.
    fn assert_nothing_private(&self) {
        for out in self.printed.borrow().iter() {
            for p in &self.private {
                assert!(!out.contains(p.as_str()), "`{p}` was printed:\n{out}");
            }
        }
        let mut files = Vec::new();
        walk(self.r.repo.path(), &mut files);
        assert!(files.len() > 5, "the walk found the workspace files");
        for file in files {
            let text = String::from_utf8_lossy(&std::fs::read(&file).expect("read")).into_owned();
            for p in &self.private {
                assert!(!text.contains(p.as_str()), "`{p}` is in {}", file.display());
            }
        }
    }
}

fn add_user(admin: &Api, name: &str, email: &str) -> String {
    let user = admin.post(
        "/api/v1/auths/add",
        &json!({"name": name, "email": email, "password": PASSWORD, "role": "user"}),
    );
    user["id"].as_str().expect("user id").to_owned()
}

fn signin(email: &str) -> String {
    let v = Api::new(&server().url, "").post("/api/v1/auths/signin", &json!({"email": email, "password": PASSWORD}));
    v["token"].as_str().expect("token").to_owned()
}

/// A chat with one question and one answer by `model`, rated as the web UI does (with the chat's snapshot);
/// returns the feedback id.
fn rate(user: &Api, model: &str, question: &str, data: Value) -> String {
    let now = chrono::Utc::now().timestamp();
    let q = json!({"id": "q1", "role": "user", "content": question, "parentId": null,
                   "childrenIds": ["a1"], "timestamp": now, "models": [model]});
    let a = json!({"id": "a1", "role": "assistant", "content": "Fristen er altid 1. januar.", "parentId": "q1",
                   "childrenIds": [], "model": model, "modelName": "Testassistent", "timestamp": now, "done": true});
    let chat = user.post(
        "/api/v1/chats/new",
        &json!({"chat": {"title": "Spørgsmål", "models": [model],
                         "history": {"currentId": "a1", "messages": {"q1": q, "a1": a}},
                         "messages": [q, a]}}),
    );
    let chat_id = chat["id"].as_str().expect("chat id");
    let snapshot = user.get(&format!("/api/v1/chats/{chat_id}"));
    let mut data = data;
    data["model_id"] = json!(model);
    let feedback = user.post(
        "/api/v1/evaluations/feedback",
        &json!({"type": "rating", "data": data,
                "meta": {"arena": false, "model_id": model, "message_id": "a1", "message_index": 2, "chat_id": chat_id},
                "snapshot": {"chat": snapshot}}),
    );
    feedback["id"].as_str().expect("feedback id").to_owned()
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = e.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The JSON shape of `aispec feedback --format json`, pinned: an unknown field (a rater's id, say) fails.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Summary {
    target: String,
    since: String,
    from: String,
    thresholds: Thresholds,
    usage_available: bool,
    specialists: Vec<Specialist>,
    flagged: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Thresholds {
    max_negative_share: f64,
    min_ratings: u32,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Specialist {
    id: String,
    version: Option<String>,
    messages: Option<u64>,
    chats: Option<u64>,
    up: u32,
    down: u32,
    negative_share: Option<f64>,
    reasons: Vec<Reason>,
    comments: Vec<Comment>,
    flagged: bool,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Reason {
    reason: String,
    rating: String,
    count: u32,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Comment {
    feedback_id: String,
    date: String,
    rating: String,
    reason: Option<String>,
    text: String,
}

fn specialist<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["specialists"]
        .as_array()
        .and_then(|list| list.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {report:#}"))
}

/// Display width of a line: emoji take two columns.
fn width(line: &str) -> usize {
    line.chars()
        .map(|c| if ('\u{1F300}'..='\u{1FAFF}').contains(&c) { 2 } else { 1 })
        .sum()
}

#[test]
fn feedback_reports_use_and_ratings_and_flags_without_personal_data() {
    let w = World::new("fbreport");
    let run = w.run(&["feedback", "--target", "test", "--format", "json"]);
    run.expect_code(1);
    let report = run.json();
    let pinned: Summary = serde_json::from_value(report.clone()).expect("the pinned shape");
    assert_eq!(pinned.specialists.len(), 2);
    assert_eq!(report["flagged"], json!([w.a]), "{report:#}");
    assert_eq!(report["since"], "30d");
    assert_eq!(report["usage_available"], true);
    let a = specialist(&report, &w.a);
    assert_eq!(
        (a["messages"].as_u64(), a["chats"].as_u64()),
        (Some(3), Some(3)),
        "{a:#}"
    );
    assert_eq!((a["up"].as_u64(), a["down"].as_u64()), (Some(1), Some(2)), "{a:#}");
    assert!((a["negative_share"].as_f64().expect("share") - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(a["flagged"], true);
    assert_eq!(
        a["reasons"],
        json!([
            {"reason": "not_factually_correct", "rating": "down", "count": 1},
            {"reason": "too_verbose", "rating": "down", "count": 1},
            {"reason": "accurate_information", "rating": "up", "count": 1}
        ])
    );
    let comments = a["comments"].as_array().expect("comments");
    assert_eq!(comments.len(), 2, "the empty comment is left out: {a:#}");
    let karen = comments
        .iter()
        .find(|c| c["feedback_id"] == w.karen_down.as_str())
        .expect("Karen's comment");
    assert_eq!(
        karen["text"],
        "Fristen er forkert. Ring på [telefonnummer] eller skriv til [e-mail]. Mvh [navn]"
    );
    assert!(comments.iter().any(|c| c["feedback_id"] == w.ole_up.as_str()));
    let b = specialist(&report, &w.b);
    assert_eq!(
        (b["messages"].as_u64(), b["up"].as_u64(), b["down"].as_u64()),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(
        (b["negative_share"].clone(), b["flagged"].clone()),
        (Value::Null, json!(false))
    );

    // One specialist that is not flagged exits 0; one that is not ours is refused.
    w.run(&["feedback", &w.b, "--target", "test", "--format", "json"])
        .expect_code(0);
    let foreign = w.run(&["feedback", "nobody-here", "--target", "test"]);
    foreign.expect_code(2);
    assert!(
        foreign.stderr.contains("is not a specialist this workspace deployed"),
        "{}",
        foreign.stderr
    );
    let bad = w.run(&["feedback", "--target", "test", "--since", "30x"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("--since: `30x` is not a period"), "{}", bad.stderr);

    // Plain words without colour (NO_COLOR in the tests); emoji, still aligned, with colour forced on.
    let plain = w.run(&["feedback", &w.a, "--target", "test"]);
    plain.expect_code(1);
    assert!(!plain.stdout.contains('👎'), "{}", plain.stdout);
    let dates = regex::Regex::new(r"\d{4}-\d{2}-\d{2}").expect("regex");
    insta::assert_snapshot!("feedback_human", dates.replace_all(&w.r.repo.render(&plain), "[DATE]"));
    let fancy = w.run(&["--color", "always", "feedback", &w.a, "--target", "test"]);
    fancy.expect_code(1);
    assert!(
        fancy.stdout.contains("👍") && fancy.stdout.contains("👎"),
        "{}",
        fancy.stdout
    );
    let ansi = regex::Regex::new("\u{1b}\\[[0-9;]*m").expect("regex");
    let bare = ansi.replace_all(&fancy.stdout, "");
    let table: Vec<usize> = bare
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
        .map(width)
        .collect();
    assert!(
        table.len() >= 4 && table.windows(2).all(|p| p[0] == p[1]),
        "{bare}\n{table:?}"
    );

    // status gains the usage columns with an admin's key …
    let status = w.run(&["status", "--target", "test", "--format", "json"]);
    status.expect_code(0);
    let rows = status.json()["rows"].as_array().cloned().expect("rows");
    let row = rows.iter().find(|r| r["id"] == w.a.as_str()).expect("row");
    assert_eq!(
        row["usage"]["test"],
        json!({"since": "30d", "messages": 3, "chats": 3, "up": 1, "down": 2,
               "negative_share": 2.0 / 3.0, "flagged": true})
    );
    let human = w.run_env(&["status", "--target", "test"], &[("COLUMNS", "200")]);
    human.expect_code(0);
    assert!(
        human.stdout.contains("Use test") && human.stdout.contains("Rating test"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("3 msgs") && human.stdout.contains("up 1 down 2"),
        "{}",
        human.stdout
    );
    // … and warns without them when the key may not read feedback.
    let builder = w.run_env(&["status", "--target", "test"], &[(KEY_ENV, &server().builder_key)]);
    builder.expect_code(0);
    assert!(
        builder.stderr.contains("usage and ratings on target test not shown")
            && builder.stderr.contains("admin's API key"),
        "{}",
        builder.stderr
    );
    assert!(!builder.stdout.contains("Use test"), "{}", builder.stdout);
    let _ = &w.ole_down;
    w.assert_nothing_private();
}

#[test]
fn thumbs_down_become_drafts_that_eval_runs_and_accept_moves_into_tests() {
    let w = World::new("fbcases");
    let run = w.run(&["feedback", "cases", &w.a, "--target", "test", "--format", "json"]);
    run.expect_code(0);
    let drafted = run.json();
    let file = format!(".aispec/drafts/{}.toml", w.a);
    assert_eq!(drafted["file"], file.as_str());
    let cases = drafted["drafted"].as_array().cloned().expect("drafted");
    let from: Vec<&str> = cases.iter().filter_map(|c| c["from_feedback"].as_str()).collect();
    assert_eq!(from.len(), 2, "{drafted:#}");
    assert!(
        from.contains(&w.karen_down.as_str()) && from.contains(&w.ole_down.as_str()),
        "{drafted:#}"
    );
    let karen = cases
        .iter()
        .find(|c| c["from_feedback"] == w.karen_down.as_str())
        .expect("Karen's case");
    assert_eq!(
        karen["prompt"],
        "Jeg hedder [navn], mit CPR-nummer er [CPR-nummer] og min mail er [e-mail]. Hvornår er fristen for at søge boligstøtte?"
    );
    assert_eq!(karen["category"], "feedback");
    let rubric = karen["assert"][0]["value"].as_str().expect("rubric");
    assert_eq!(karen["assert"][0]["type"], "llm-rubric");
    assert!(rubric.starts_with("Svaret er fagligt korrekt"), "{rubric}");
    assert!(
        rubric.contains("»Fristen er forkert. Ring på [telefonnummer] eller skriv til [e-mail]. Mvh [navn]«"),
        "{rubric}"
    );

    // The drafts are outside git, also for workspaces whose .gitignore predates them.
    let repo = git2::Repository::open(w.r.repo.path()).expect("repo");
    assert!(
        repo.status_should_ignore(Path::new(&file)).expect("status"),
        "drafts are ignored"
    );
    assert_eq!(w.r.repo.read(".aispec/drafts/.gitignore").lines().last(), Some("*"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(w.r.repo.path().join(&file))
            .expect("drafts")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "drafts are private to the builder");
    }

    // Nothing new the second time.
    let again = w.run(&["feedback", "cases", &w.a, "--target", "test"]);
    again.expect_code(0);
    assert!(again.stdout.contains("No new thumbs down"), "{}", again.stdout);

    // eval --drafts runs the drafts (and only them) before they are accepted.
    let eval = w.run(&[
        "eval",
        &w.a,
        "--drafts",
        "--providers",
        "platform:test",
        "--format",
        "json",
    ]);
    assert!(eval.code == 0 || eval.code == 1, "{}", eval.stderr);
    let ran: Vec<String> = eval.json()["results"]["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let ids: Vec<String> = cases
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ran.len(), 2);
    let answers = eval.json()["results"]["results"].clone();
    assert!(
        answers
            .as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(|r| r["answer"].is_string())),
        "the deployed specialist answered the drafted questions: {answers:#}"
    );
    assert!(ids.iter().all(|id| ran.contains(id)), "{ran:?} vs {ids:?}");
    let save = w.run(&["eval", &w.a, "--drafts", "--providers", "stub", "--save"]);
    save.expect_code(2);
    assert!(
        save.stderr.contains("cannot be used with"),
        "drafts are not saved into evals/: {}",
        save.stderr
    );
    let none = w.run(&["eval", &w.b, "--drafts", "--providers", "stub"]);
    none.expect_code(2);
    assert!(none.stderr.contains("has no drafts"), "{}", none.stderr);

    // accept moves reviewed drafts into tests.toml, one at a time; the drafts file goes with the last.
    let karen_id = karen["id"].as_str().expect("id");
    let other = ids.iter().find(|id| id.as_str() != karen_id).expect("other").clone();
    w.run(&["feedback", "accept", &w.a, karen_id]).expect_code(0);
    let tests = w.r.repo.read(&format!("specialists/{}/tests.toml", w.a));
    assert!(
        tests.contains(&format!("from_feedback = \"{}\"", w.karen_down)),
        "{tests}"
    );
    assert!(!w.r.repo.read(&file).contains(karen_id));
    let twice = w.run(&["feedback", "accept", &w.a, karen_id]);
    twice.expect_code(2);
    assert!(
        twice.stderr.contains(&format!("no draft {karen_id}")),
        "{}",
        twice.stderr
    );
    w.run(&["feedback", "accept", &w.a, &other]).expect_code(0);
    assert!(!w.r.repo.path().join(&file).exists(), "no drafts left");
    let gone = w.run(&["feedback", "accept", &w.a, &other]);
    gone.expect_code(2);
    assert!(gone.stderr.contains("there are no drafts for"), "{}", gone.stderr);
    let validate = w.run(&["validate", "--format", "json"]);
    validate.expect_code(0);
    let diagnostics = validate.json()["diagnostics"].clone();
    let about_tests: Vec<&Value> = diagnostics
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with("tests.toml")))
        .collect();
    assert!(about_tests.is_empty(), "accepted cases are valid: {about_tests:#?}");
    let accepted = w.run(&["feedback", "cases", &w.a, "--target", "test"]);
    accepted.expect_code(0);
    assert!(
        accepted.stdout.contains("No new thumbs down"),
        "accepted ratings are not drafted again"
    );
    w.assert_nothing_private();
}

#[test]
fn ratings_are_read_across_pages_and_usage_follows_since() {
    let s = server();
    let r = DeployRepo::with("fbpages", &s.url, &s.admin_key);
    let id = r.add_approved("a", &Spec::default());
    r.deploy(&[]);
    let admin = Api::new(&s.url, &s.admin_key);
    // More than one page of 30; the web UI's rating form without a chat is enough for the counts.
    for n in 0..33 {
        let rating = if n % 3 == 0 { -1 } else { 1 };
        admin.post(
            "/api/v1/evaluations/feedback",
            &json!({"type": "rating", "data": {"rating": rating, "model_id": id}, "meta": {}}),
        );
    }
    // One chat from 40 days ago: outside the default 30 days, inside 60.
    let old = chrono::Utc::now().timestamp() - 40 * 86_400;
    let q = json!({"id": "q1", "role": "user", "content": "Gammelt spørgsmål", "parentId": null,
                   "childrenIds": ["a1"], "timestamp": old});
    let a = json!({"id": "a1", "role": "assistant", "content": "Gammelt svar", "parentId": "q1",
                   "childrenIds": [], "model": id, "timestamp": old});
    admin.post(
        "/api/v1/chats/new",
        &json!({"chat": {"title": "Gammel", "models": [id],
                         "history": {"currentId": "a1", "messages": {"q1": q, "a1": a}}}}),
    );
    let recent = r.run(&["feedback", "--target", "test", "--format", "json"]);
    recent.expect_code(1);
    let report = recent.json();
    let a_now = specialist(&report, &id);
    assert_eq!(
        (a_now["up"].as_u64(), a_now["down"].as_u64()),
        (Some(22), Some(11)),
        "{a_now:#}"
    );
    assert_eq!(a_now["messages"].as_u64(), Some(0), "the old chat is outside 30 days");
    let longer = r.run(&["feedback", "--target", "test", "--since", "60d", "--format", "json"]);
    let report = longer.json();
    let a_60 = specialist(&report, &id);
    assert_eq!(
        (a_60["messages"].as_u64(), a_60["chats"].as_u64()),
        (Some(1), Some(1)),
        "{a_60:#}"
    );
    assert_eq!(report["since"], "60d");
}

/// The report and status's usage columns at 60, 80 and 120 columns, with and without colour, in both
/// languages, against one server setup: every line fits (emoji counted as two columns) and the ids stay whole.
#[test]
fn feedback_tables_fit_every_terminal() {
    use crate::tables::{check_layout, each_terminal, plain, snapshot_name, visible};
    let width_of = width;
    let w = World::new("fbwidth");
    let dates = regex::Regex::new(r"\d{4}-\d{2}-\d{2}").expect("regex");
    let reports: [(&str, Vec<&str>); 2] = [
        ("feedback", vec!["feedback", "--target", "test"]),
        ("feedback_status", vec!["status", "--target", "test"]),
    ];
    for (name, args) in &reports {
        each_terminal(|lang, width, color| {
            let mut all = args.clone();
            all.extend(["--color", if color { "always" } else { "never" }]);
            let run = w.run_env(&all, &[("COLUMNS", &width.to_string()), ("AISPEC_LANG", lang)]);
            run.expect_code(if *name == "feedback" { 1 } else { 0 });
            check_layout(&run.stdout, width, &[&w.a, &w.b]);
            let text = plain(&run.stdout);
            for line in text.lines() {
                assert!(width_of(line) <= usize::from(width), "{line}\n---\n{text}");
            }
            let shown = dates
                .replace_all(&crate::diff::render(&w.r.repo, &run), "[DATE]")
                .into_owned();
            insta::assert_snapshot!(snapshot_name(name, lang, width, color), visible(&shown));
        });
    }
    w.assert_nothing_private();
}
