//! Every table at 60, 80 and 120 columns, with and without colour, in English and Danish: ids stay whole, no
//! line is wider than the terminal, and colour codes never count as width.

use crate::diff::render;
use crate::support::{Run, TestRepo};

/// The widths a table is checked at.
pub const WIDTHS: [u16; 3] = [60, 80, 120];

/// Calls `check` for every language, width and colour a table is checked in.
pub fn each_terminal(mut check: impl FnMut(&str, u16, bool)) {
    for lang in ["en", "da"] {
        for width in WIDTHS {
            for color in [false, true] {
                check(lang, width, color);
            }
        }
    }
}

/// The snapshot name of a table run: `name_lang_width_plain|color`.
pub fn snapshot_name(name: &str, lang: &str, width: u16, color: bool) -> String {
    format!("{name}_{lang}_{width}_{}", if color { "color" } else { "plain" })
}

/// Runs `args` at `width` columns in `lang`, coloured or not.
pub fn run_at(repo: &TestRepo, args: &[&str], width: u16, color: bool, lang: &str) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--color", if color { "always" } else { "never" }]);
    let width = width.to_string();
    repo.run_with(&all, &[("COLUMNS", &width), ("AISPEC_LANG", lang)])
}

/// The text without ANSI colour codes.
pub fn plain(text: &str) -> String {
    let re = regex::Regex::new("\x1b\\[[0-9;]*m").expect("regex");
    re.replace_all(text, "").into_owned()
}

/// Colour codes made visible for snapshots (`␛[31m`).
pub fn visible(text: &str) -> String {
    text.replace('\x1b', "␛")
}

/// Checks what a table must do at any width: every line fits, and every id shows whole on one line.
#[track_caller]
pub fn check_layout(out: &str, width: u16, ids: &[&str]) {
    check_lines(out, width, ids, |_| true);
}

/// [`check_layout`] for the table and the lines `which` picks (a word diff below a table keeps its lines).
#[track_caller]
pub fn check_lines(out: &str, width: u16, ids: &[&str], which: impl Fn(&str) -> bool) {
    let text = plain(out);
    for line in text.lines().filter(|l| which(l)) {
        assert!(
            line.chars().count() <= usize::from(width),
            "a line is wider than {width} columns:\n{line}\n---\n{text}"
        );
    }
    for id in ids {
        assert!(
            text.lines().any(|l| l.contains(&format!(" {id} "))),
            "the id {id} is broken or cut at {width} columns:\n{text}"
        );
    }
}

/// Snapshots a table command at every width, with and without colour, in both languages (short commit ids
/// are replaced: use [`snapshot_everywhere_with`] where a table holds 7-digit numbers).
pub fn snapshot_everywhere(repo: &TestRepo, name: &str, args: &[&str], ids: &[&str]) {
    snapshot_everywhere_with(repo, name, args, ids, &render);
}

/// [`snapshot_everywhere`] with a chosen rendering of the run.
pub fn snapshot_everywhere_with(
    repo: &TestRepo,
    name: &str,
    args: &[&str],
    ids: &[&str],
    show: &dyn Fn(&TestRepo, &Run) -> String,
) {
    each_terminal(|lang, width, color| {
        let run = run_at(repo, args, width, color, lang);
        run.expect_code(0);
        check_layout(&run.stdout, width, ids);
        if !color {
            assert!(!run.stdout.contains('\x1b'), "colour codes with --color never");
        }
        insta::assert_snapshot!(snapshot_name(name, lang, width, color), visible(&show(repo, &run)));
    });
}

fn portfolio() -> TestRepo {
    let repo = crate::new::with_screenings();
    for id in ["byggesag", "affaldsguide", "vejledning-om-byggetilladelser"] {
        repo.run(&[
            "new",
            id,
            "--from",
            "byggesager",
            "--contact",
            "Anne Kristine Jensen-Østergaard",
        ])
        .expect_code(0);
    }
    repo.commit_all("specialists");
    repo.run(&["approve", "specialist", "byggesag", "--role", "legal", "--by", "Bo"])
        .expect_code(0);
    repo
}

#[test]
fn status_fits_every_terminal() {
    let repo = portfolio();
    snapshot_everywhere(
        &repo,
        "status",
        &["status"],
        &["byggesag", "affaldsguide", "korrekturlaeser", "afvist"],
    );
    // Colour is on the cells, not in their text: the coloured table is the plain one plus codes.
    let plain_run = run_at(&repo, &["status"], 80, false, "en");
    let color_run = run_at(&repo, &["status"], 80, true, "en");
    assert_eq!(plain(&color_run.stdout), plain_run.stdout);
    assert!(color_run.stdout.contains('\x1b'));
}

#[test]
fn status_speaks_the_workspace_language() {
    let repo = portfolio();
    // No AISPEC_LANG: `init` wrote `language = "da"`.
    let mut cmd = repo.command(&["status"]);
    cmd.env_remove("AISPEC_LANG");
    let out = cmd.output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Godkendelse") && text.contains("blokeret"), "{text}");
    // `--lang` wins over the environment and the workspace.
    let en = repo.run_with(&["status", "--lang", "en"], &[("AISPEC_LANG", "da")]);
    assert!(en.stdout.contains("Sign-off"), "{}", en.stdout);
    // JSON stays English whatever the language.
    let json = repo
        .run_with(&["status", "--format", "json"], &[("AISPEC_LANG", "da")])
        .json();
    assert_eq!(json["rows"][0]["state"], "blocked");
}

#[test]
fn models_fit_every_terminal() {
    let repo = TestRepo::init();
    snapshot_everywhere_with(
        &repo,
        "models",
        &["models"],
        &["mistral-small-3.2-24b", "gpt-oss-120b"],
        &|repo, run| repo.render(run),
    );
}

#[test]
fn plan_fits_every_terminal() {
    use crate::deploy_repo::{DeployRepo, Spec};
    use crate::openwebui::server;

    let r = DeployRepo::new("tables");
    let updated = r.add_approved("vejledning-om-affaldssortering", &Spec::default());
    r.deploy(&[]);
    r.add_approved(
        "vejledning-om-affaldssortering",
        &Spec {
            version: "1.1.0",
            tags: &["test", "ny"],
            prompt: "Du er en hjælpsom og venlig assistent for medarbejdere i Testkommune.\n",
            ..Spec::default()
        },
    );
    let created = r.add_approved("b", &Spec::default());
    let url = server().url.clone();
    each_terminal(|lang, width, color| {
        let run = on_target(&r, &["plan", "--target", "test"], lang, width, color);
        run.expect_code(0);
        // The table, the title and the summary fit; the word diff of the prompt keeps its lines.
        check_lines(&run.stdout, width, &[&updated, &created], not_diff);
        insta::assert_snapshot!(
            snapshot_name("plan", lang, width, color),
            visible(&run.stdout.replace(&url, "[URL]"))
        );
    });
}

/// A line that is not part of a word diff (those are indented four and keep their lines).
fn not_diff(line: &str) -> bool {
    !line.starts_with("    ")
}

/// Runs `args` against the test server at `width` columns in `lang`, coloured or not.
fn on_target(r: &crate::deploy_repo::DeployRepo, args: &[&str], lang: &str, width: u16, color: bool) -> Run {
    let mut all = args.to_vec();
    all.extend(["--color", if color { "always" } else { "never" }]);
    r.run_env(&all, &[("COLUMNS", &width.to_string()), ("AISPEC_LANG", lang)])
}

#[test]
fn import_fits_every_terminal() {
    let repo = crate::import_files::repo_with("export-0.5.json");
    // `--force` so that every run writes the same drafts again and shows the same table.
    snapshot_everywhere_with(
        &repo,
        "import",
        &["import", "export.json", "--force"],
        &["referat-hjaelper", "lukket-hjaelper"],
        &|repo, run| repo.render(run),
    );
}

#[test]
fn screening_results_fit_every_terminal() {
    let repo = TestRepo::init();
    repo.write("a.answers.toml", crate::screen::answers("clean"));
    snapshot_everywhere_with(
        &repo,
        "screen_results",
        &["screen", "--answers", "a.answers.toml"],
        &[],
        &|repo, run| repo.render(run),
    );
}

#[test]
fn question_listing_fits_every_terminal() {
    let repo = TestRepo::init();
    // Ids from the listing itself, so a question added to the questionnaire needs no change here.
    let json = repo.run(&["screen", "--list-questions", "--format", "json"]).json();
    let ids: Vec<String> = json
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    assert!(ids.len() > 10, "{ids:?}");
    // An id wider than half of the narrowest terminal may wrap (that is the rule); the others must not.
    let ids: Vec<&str> = ids.iter().map(String::as_str).filter(|id| id.len() <= 28).collect();
    snapshot_everywhere_with(
        &repo,
        "screen_listing",
        &["screen", "--list-questions"],
        &ids,
        &|repo, run| repo.render(run),
    );
}

#[test]
fn deploy_results_fit_every_terminal() {
    use crate::deploy_repo::{DeployRepo, Spec};
    use crate::openwebui::server;

    let r = DeployRepo::new("deploywidth");
    let id = r.add_approved("affald", &Spec::default());
    r.deploy(&[]);
    let url = server().url.clone();
    let mut round = 0;
    let rounds = regex::Regex::new(r"runde \d+").expect("regex");
    each_terminal(|lang, width, color| {
        // A new prompt each round, so every deploy has one update to report.
        round += 1;
        let prompt = format!("Du er en hjælpsom assistent for medarbejdere i Testkommune (runde {round}).\n");
        r.add_approved(
            "affald",
            &Spec {
                prompt: &prompt,
                ..Spec::default()
            },
        );
        let run = on_target(&r, &["deploy", "--target", "test", "--yes"], lang, width, color);
        run.expect_code(0);
        // The plan's word diff keeps its lines; the results table and the summaries fit.
        check_lines(&run.stdout, width, &[&id], not_diff);
        let shown = rounds
            .replace_all(&run.stdout.replace(&url, "[URL]"), "runde [N]")
            .into_owned();
        insta::assert_snapshot!(snapshot_name("deploy", lang, width, color), visible(&shown));
    });
    // Export's notes (knowledge and access are not in the file) in Danish.
    r.add_approved(
        "med-viden",
        &Spec {
            groups: &["alle"],
            knowledge: &[("regler.md", "Reglerne for affald.\n")],
            ..Spec::default()
        },
    );
    let run = r.run_env(&["export", "--out", "out"], &[("AISPEC_LANG", "da")]);
    run.expect_code(0);
    insta::assert_snapshot!("export_da", r.repo.render(&run));
}
