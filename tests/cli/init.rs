//! `aispec init`.

use crate::support::TestRepo;

#[test]
fn init_creates_a_valid_committed_workspace() {
    let repo = TestRepo::empty();
    let run = repo.run(&["init", "--name", "Testkommune"]);
    run.expect_code(0);
    assert!(run.stdout.contains("Created aispec workspace"));
    for f in [
        "aispec.toml",
        "models.toml",
        ".gitignore",
        ".github/workflows/aispec.yml",
        "specialists/korrekturlaeser/specialist.toml",
        "specialists/korrekturlaeser/system-prompt.md",
        ".aispec/schemas/specialist.schema.json",
        ".taplo.toml",
    ] {
        assert!(repo.path().join(f).is_file(), "{f} missing");
    }
    assert!(repo.read("aispec.toml").contains("name = \"Testkommune\""));
    let git = git2::Repository::open(repo.path()).expect("a git repo");
    let head = git.head().expect("head").peel_to_commit().expect("commit");
    assert_eq!(head.message().ok(), Some("Create aispec workspace \"Testkommune\""));
    assert!(git.statuses(None).expect("status").is_empty(), "everything committed");
    for local in [".aispec/cache/eval/x.json", ".aispec/drafts/korrekturlaeser.toml"] {
        assert!(
            git.status_should_ignore(std::path::Path::new(local)).expect("ignore"),
            "{local} must stay out of git"
        );
    }
    repo.run(&["validate"]).expect_code(0);
}

#[test]
fn init_refuses_an_existing_workspace() {
    let repo = TestRepo::init();
    let before = repo.read("aispec.toml");
    let run = repo.run(&["init"]);
    run.expect_code(2);
    assert!(run.stderr.contains("already an aispec workspace"), "{}", run.stderr);
    assert_eq!(repo.read("aispec.toml"), before);
}

#[test]
fn init_never_overwrites_other_files() {
    let repo = TestRepo::empty();
    repo.write(".gitignore", "mine\n");
    let run = repo.run(&["init"]);
    run.expect_code(2);
    assert!(run.stderr.contains(".gitignore"), "{}", run.stderr);
    assert_eq!(repo.read(".gitignore"), "mine\n");
    assert!(!repo.path().join("aispec.toml").exists());
}

#[test]
fn init_into_a_new_subfolder_with_no_commit() {
    let repo = TestRepo::empty();
    repo.run(&["init", "ny", "--no-commit"]).expect_code(0);
    assert!(repo.path().join("ny/aispec.toml").is_file());
    assert!(repo.read("ny/aispec.toml").contains("name = \"ny\""));
    let git = git2::Repository::open(repo.path().join("ny"));
    assert!(git.is_err() || git.expect("repo").head().is_err(), "no commit made");
}

#[test]
fn init_workflow_installs_the_release_of_this_binary() {
    let repo = TestRepo::empty();
    repo.run(&["init", "--no-commit"]).expect_code(0);
    let version = repo.run(&["--version"]);
    version.expect_code(0);
    // `aispec 0.1.0 (…)`: the word after the name.
    let version = version.stdout.split_whitespace().nth(1).expect("a version").to_owned();
    let text = repo.read(".github/workflows/aispec.yml");
    let workflow: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("the workflow is YAML");
    assert_eq!(
        workflow["env"]["AISPEC_VERSION"].as_str(),
        Some(version.as_str()),
        "pinned to the version that ran init:\n{text}"
    );
    let steps = workflow["jobs"]["validate"]["steps"].as_sequence().expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let install = runs
        .iter()
        .find(|r| r.contains("sha256.sum"))
        .expect("an install step that fetches the release's checksums");
    let url = format!("{}/releases/download/v$AISPEC_VERSION", env!("CARGO_PKG_REPOSITORY"));
    assert!(install.contains(&url), "downloads from {url}:\n{install}");
    assert!(install.contains("sha256sum --check"), "checks the archive:\n{install}");
    assert!(
        runs.iter().all(|r| !r.contains("cargo")),
        "nothing is compiled:\n{text}"
    );
    assert!(
        !text.contains("{{") && !text.contains("{%"),
        "template fully rendered:\n{text}"
    );
    assert_eq!(runs.last(), Some(&"aispec validate --format github"));
}
