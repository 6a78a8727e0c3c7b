//! `aispec diff`: semantic and word-level comparisons between revisions, risky changes, version checks.

use crate::assert_run_snapshot;
use crate::support::{Run, TestRepo};

const SPEC: &str = "specialists/korrekturlaeser/specialist.toml";
const PROMPT: &str = "specialists/korrekturlaeser/system-prompt.md";

/// Short commit ids (7 hex digits) replaced too, so snapshots survive changes to files `init` writes.
pub fn render(repo: &TestRepo, run: &Run) -> String {
    let text = repo.render(run);
    let short = regex::Regex::new(r"\b[0-9a-f]{7}\b").expect("regex");
    let text = short.replace_all(&text, "[SHORT]");
    let sha = regex::Regex::new(r"sha256:[0-9a-f]{6,63}\b").expect("regex");
    sha.replace_all(&text, "sha256:[HASH]").into_owned()
}

fn edit(repo: &TestRepo, rel: &str, from: &str, to: &str) {
    let text = repo.read(rel);
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    repo.write(rel, text.replacen(from, to, 1));
}

#[test]
fn no_changes() {
    let repo = TestRepo::init();
    let run = repo.run(&["diff"]);
    insta::assert_snapshot!(render(&repo, &run));
}

#[test]
fn prompt_word_diff_with_danish_emoji_and_long_lines() {
    let repo = TestRepo::init();
    let long_line = format!(
        "Lange afsnit: {} Til sidst står der noget vigtigt om blåbær.\n",
        "Teksten fortsætter med flere ord om ærlig økonomi og åbne data. ".repeat(12)
    );
    let text = repo.read(PROMPT);
    repo.write(PROMPT, format!("{text}\n{long_line}Afslut med et smil 🙂.\n"));
    repo.commit_all("long line");
    edit(
        &repo,
        PROMPT,
        "Du bevarer forfatterens stemme",
        "Du bevarer altid forfatterens egen stemme 🎯",
    );
    edit(
        &repo,
        PROMPT,
        "noget vigtigt om blåbær.",
        "noget vigtigt om blækhuse og æbler.",
    );
    edit(
        &repo,
        PROMPT,
        "Afslut med et smil 🙂.",
        "Afslut med et smil 😀 og en hilsen.",
    );
    let run = repo.run(&["diff"]);
    run.expect_code(0);
    insta::assert_snapshot!(render(&repo, &run));
    let json = repo.run(&["diff", "--format", "json"]).json();
    let segments = &json["specialists"][0]["prompt"]["hunks"];
    for seg in segments
        .as_array()
        .expect("hunks")
        .iter()
        .flat_map(|h| h["segments"].as_array().expect("segs"))
    {
        let t = seg["text"].as_str().expect("text");
        for bad in ["\u{308}", "\u{30a}"] {
            assert!(!t.starts_with(bad), "segment starts inside a letter: {t:?}");
        }
    }
    let removed: Vec<&str> = segments
        .as_array()
        .expect("hunks")
        .iter()
        .flat_map(|h| h["segments"].as_array().expect("segs"))
        .filter(|s| s["kind"] == "removed")
        .filter_map(|s| s["text"].as_str())
        .collect();
    assert!(removed.contains(&"blåbær"), "{removed:?}");
    assert!(removed.contains(&"🙂"), "{removed:?}");
}

/// A change set that exercises everything a reviewer sees: changed fields, risky changes, a new specialist
/// and a removed one.
fn review_changes(repo: &TestRepo) {
    repo.add_shipped_specialist("klarsprog");
    repo.add_shipped_specialist("opsummering");
    repo.commit_all("more specialists");
    edit(repo, SPEC, "temperature = 0.2", "temperature = 0.6");
    edit(
        repo,
        SPEC,
        "groups = [\"alle-medarbejdere\"]",
        "groups = [\"alle-medarbejdere\", \"borgerservice\"]",
    );
    edit(
        repo,
        SPEC,
        "Læser korrektur på danske tekster",
        "Læser grundigt korrektur på danske tekster",
    );
    edit(
        repo,
        PROMPT,
        "Du bevarer forfatterens stemme",
        "Du bevarer forfatterens tone og stemme",
    );
    repo.remove("specialists/opsummering");
    repo.add_shipped_specialist("stillingsopslag");
}

#[test]
fn markdown_reads_as_a_pull_request_comment() {
    let repo = TestRepo::init();
    review_changes(&repo);
    let run = repo.run(&["diff", "--format", "markdown"]);
    run.expect_code(0);
    let text = render(&repo, &run);
    assert_eq!(
        text.matches("<details>\n<summary><code>").count(),
        3,
        "one collapsible section per specialist"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn human_review_summary() {
    let repo = TestRepo::init();
    review_changes(&repo);
    let run = repo.run(&["diff"]);
    run.expect_code(0);
    let text = render(&repo, &run);
    for risk in ["access widened", "temperature raised"] {
        assert!(text.contains(risk), "{risk} missing:\n{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn renamed_specialist() {
    let repo = TestRepo::init();
    let from = repo.path().join("specialists/korrekturlaeser");
    std::fs::rename(&from, repo.path().join("specialists/korrektur")).expect("rename");
    edit(
        &repo,
        "specialists/korrektur/specialist.toml",
        "id = \"korrekturlaeser\"",
        "id = \"korrektur\"",
    );
    repo.commit_all("rename");
    let run = repo.run(&["diff", "HEAD~1..HEAD", "--format", "json"]);
    run.expect_code(0);
    let json = run.json();
    let specs = json["specialists"].as_array().expect("list");
    assert_eq!(specs.len(), 1, "{json:#}");
    assert_eq!(specs[0]["change"], "renamed");
    assert_eq!(specs[0]["id"], "korrektur");
    assert_eq!(specs[0]["renamed_from"], "korrekturlaeser");
    assert_eq!(specs[0]["version_check"]["required"], "major");
    assert!(specs[0].get("prompt").is_none(), "prompt unchanged");
}

#[test]
fn deleted_specialist() {
    let repo = TestRepo::init();
    repo.remove("specialists/korrekturlaeser");
    let run = repo.run(&["diff", "--check-versions"]);
    run.expect_code(0);
    let text = render(&repo, &run);
    assert!(text.contains("- specialists/korrekturlaeser  removed  1.0.0"), "{text}");
    assert!(text.contains("1 specialist changed (1 removed)"), "{text}");
}

#[test]
fn only_a_knowledge_file_changed() {
    let repo = TestRepo::init();
    repo.write(
        "specialists/korrekturlaeser/knowledge/regler.md",
        "# Regler\n\nStartkomma er valgfrit.\n",
    );
    let spec = repo.read(SPEC);
    repo.write(
        SPEC,
        format!("{spec}\n[[knowledge]]\nfile = \"regler.md\"\ndescription = \"Kommaregler\"\n"),
    );
    repo.commit_all("knowledge");
    repo.write(
        "specialists/korrekturlaeser/knowledge/regler.md",
        "# Regler\n\nStartkomma er valgfrit; vær konsekvent.\n",
    );
    let run = repo.run(&["diff", "--format", "json"]);
    run.expect_code(0);
    let json = run.json();
    let d = &json["specialists"][0];
    assert_eq!(d["change"], "changed");
    assert_eq!(d["fields"].as_array().map(Vec::len), Some(0), "{d:#}");
    assert!(d.get("prompt").is_none());
    assert_eq!(d["knowledge"][0]["file"], "regler.md");
    assert_eq!(d["knowledge"][0]["change"], "changed");
    assert_eq!(
        d["risks"].as_array().map(Vec::len),
        Some(0),
        "a changed file is not added or removed"
    );
    assert_eq!(d["version_check"]["required"], "minor");
    assert_eq!(d["version_check"]["ok"], false);
    let text = render(&repo, &repo.run(&["diff"]));
    assert!(text.contains("~ regler.md (34 B → 51 B)"), "{text}");
}

#[test]
fn check_versions_fails_and_suggests_the_bump() {
    let repo = TestRepo::init();
    edit(
        &repo,
        PROMPT,
        "Du bevarer forfatterens stemme",
        "Du bevarer forfatterens tone",
    );
    let run = repo.run(&["diff", "--check-versions", "--quiet"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .starts_with("error: specialists/korrekturlaeser: version 1.0.0 was not bumped for"),
        "a failed check is an error, not a warning: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("run `aispec bump korrekturlaeser minor` (→ 1.1.0)"),
        "{}",
        run.stderr
    );
    let bump = repo.run(&["bump", "korrekturlaeser"]);
    bump.expect_code(0);
    assert_run_snapshot!(repo, bump);
    assert!(repo.read(SPEC).contains("version = \"1.1.0\"\n"));
    repo.run(&["diff", "--check-versions"]).expect_code(0);
    // A second bump without a level is a no-op: the version already satisfies the rule.
    repo.run(&["bump", "korrekturlaeser"]).expect_code(0);
    assert!(repo.read(SPEC).contains("version = \"1.1.0\"\n"));
    // Wording of the description only needs a patch.
    repo.commit_all("prompt");
    edit(&repo, SPEC, "Læser korrektur", "Læser grundigt korrektur");
    let run = repo.run(&["diff", "--check-versions"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("aispec bump korrekturlaeser patch` (→ 1.1.1)"),
        "{}",
        run.stderr
    );
    repo.run(&["bump", "korrekturlaeser", "major"]).expect_code(0);
    assert!(repo.read(SPEC).contains("version = \"2.0.0\"\n"));
}

#[test]
fn formatting_only_needs_no_bump() {
    let repo = TestRepo::init();
    let spec = repo.read(SPEC);
    repo.write(SPEC, format!("# Vedligeholdes af Kommunikation\n{spec}"));
    let run = repo.run(&["diff", "--check-versions"]);
    insta::assert_snapshot!(render(&repo, &run));
}

#[test]
fn ranges_and_bad_revisions() {
    let repo = TestRepo::init();
    edit(&repo, SPEC, "temperature = 0.2", "temperature = 0.1");
    repo.commit_all("cooler");
    let run = repo.run(&["diff", "HEAD~1..HEAD", "--format", "json"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["base"]["name"], "HEAD~1");
    assert_eq!(json["specialists"][0]["fields"][0]["field"], "params.temperature");
    assert_eq!(
        json["specialists"][0]["risks"].as_array().map(Vec::len),
        Some(0),
        "lower is not risky"
    );
    let run = repo.run(&["diff", "HEAD~1...HEAD"]);
    insta::assert_snapshot!("three_dot_range", render(&repo, &run));
    let run = repo.run(&["diff", "nope"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("`nope` is not a known branch, tag or commit"),
        "{}",
        run.stderr
    );
    let run = repo.run(&["diff", "--base", "HEAD~1"]);
    insta::assert_snapshot!("base_flag", render(&repo, &run));
}

#[test]
fn catalogue_changes_are_risky_when_a_model_weakens() {
    let repo = TestRepo::init();
    edit(&repo, "models.toml", "hosting = \"internal\"", "hosting = \"eu-cloud\"");
    let run = repo.run(&["diff", "--format", "json"]);
    run.expect_code(0);
    let json = run.json();
    assert_eq!(json["models"][0]["id"], "mistral-small-3.2-24b");
    assert_eq!(json["models"][0]["risks"][0]["code"], "model-weakened");
}

#[test]
fn unchanged_specialists_are_not_read() {
    let repo = TestRepo::init();
    // A broken specialist that does not change between the revisions: parsing it would report a problem.
    repo.write(
        "specialists/broken/specialist.toml",
        "id = \"broken\"\nthis is not toml",
    );
    repo.commit_all("broken");
    edit(
        &repo,
        PROMPT,
        "Du bevarer forfatterens stemme",
        "Du bevarer forfatterens tone",
    );
    let json = repo.run(&["diff", "--format", "json"]).json();
    let ids: Vec<&str> = json["specialists"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, vec!["korrekturlaeser"]);
    assert!(json["specialists"][0].get("problems").is_none());
}

#[test]
fn screening_changes_are_risky() {
    let repo = crate::new::with_screenings();
    let path = "screenings/byggesager/screening.toml";
    let text = repo.read(path);
    repo.write(
        path,
        text.replacen(
            "data_classification = \"internal\"",
            "data_classification = \"personal\"",
            1,
        ),
    );
    let journey = "screenings/byggesager/journey.toml";
    let text = repo.read(journey);
    repo.write(journey, text.replacen("Byggesagshjælperen", "Byggehjælperen", 1));
    let run = repo.run(&["diff"]);
    run.expect_code(0);
    let text = render(&repo, &run);
    assert!(text.contains("~ screenings/byggesager  changed"), "{text}");
    assert!(
        text.contains("⚠ result.data_classification: internal → personal"),
        "{text}"
    );
    assert!(
        text.contains("journey.title: Byggesagshjælperen → Byggehjælperen"),
        "{text}"
    );
    let md = repo.run(&["diff", "--format", "markdown"]).stdout;
    assert!(
        md.contains("<summary><code>screenings/byggesager</code> · changed · ⚠️ 1 risky change</summary>"),
        "{md}"
    );
}
