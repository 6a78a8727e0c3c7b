//! What ships: `--version` with the commit, shell completions, and the workflows that install the released binary.

use clap::CommandFactory as _;
use serde_yaml_ng::Value;

use crate::assert_run_snapshot;
use std::path::{Path, PathBuf};

use crate::support::{TestRepo, repo_root};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `aispec 0.1.0 (1a2b3c4d5e6f 2026-11-29)`, `(1a2b3c4d5e6f-dirty 2026-11-29)`, `(1a2b3c4d5e6f)` from a published
/// crate, or `(commit unknown)` without git (README, "aispec completions … and aispec --version").
fn version_line() -> regex::Regex {
    regex::Regex::new(&format!(
        r"^aispec {} \((?:(?<hash>[0-9a-f]{{12}})(?:-dirty)?(?: \d{{4}}-\d{{2}}-\d{{2}})?|commit unknown)\)\n$",
        regex::escape(VERSION)
    ))
    .expect("regex")
}

#[test]
fn version_names_the_version_and_the_commit() {
    let repo = TestRepo::empty();
    let run = repo.run(&["--version"]);
    run.expect_code(0);
    let caps = version_line()
        .captures(&run.stdout)
        .unwrap_or_else(|| panic!("unexpected --version: {:?}", run.stdout));
    assert_eq!(repo.run(&["-V"]).stdout, run.stdout, "-V and --version agree");
    // Built in this checkout (as here and in CI), the hash is the commit checked out.
    let head = std::process::Command::new("git")
        .arg("-C")
        .arg(repo_root())
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if let Some(head) = head {
        let hash = caps.name("hash").map(|m| m.as_str());
        assert_eq!(hash, Some(&head[..12]), "--version in a git checkout names HEAD");
    }
}

/// What build.rs tells Cargo when run for the crate in `dir`: the commit text and the paths it watches.
fn run_build_script(script: &Path, dir: &Path) -> (String, Vec<PathBuf>) {
    let out = std::process::Command::new(script)
        .env("CARGO_MANIFEST_DIR", dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run build.rs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let commit = stdout
        .lines()
        .find_map(|l| l.strip_prefix("cargo:rustc-env=AISPEC_BUILD_COMMIT="))
        .unwrap_or_else(|| panic!("no AISPEC_BUILD_COMMIT in {stdout}"))
        .to_owned();
    let watched = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .map(PathBuf::from)
        .collect();
    (commit, watched)
}

#[test]
fn build_script_names_the_commit_or_falls_back() {
    // build.rs compiled on its own, so each case runs it without building aispec again.
    let tools = TestRepo::empty();
    let script = tools
        .path()
        .join(format!("build-script{}", std::env::consts::EXE_SUFFIX));
    let status = std::process::Command::new("rustc")
        .args(["--edition", "2024", "-o"])
        .arg(&script)
        .arg(repo_root().join("build.rs"))
        .status()
        .expect("run rustc");
    assert!(status.success(), "build.rs does not compile on its own");

    let plain = TestRepo::empty();
    assert_eq!(
        run_build_script(&script, plain.path()).0,
        "commit unknown",
        "no git, no crate metadata"
    );
    plain.write(
        ".cargo_vcs_info.json",
        r#"{"git": {"sha1": "0123456789abcdef0123456789abcdef01234567", "dirty": true}, "path_in_vcs": ""}"#,
    );
    assert_eq!(
        run_build_script(&script, plain.path()).0,
        "0123456789ab-dirty",
        "a published crate"
    );

    let repo = TestRepo::empty();
    git2::Repository::init(repo.path()).expect("git init");
    repo.write("src/main.rs", "fn main() {}\n");
    let sha = repo.commit_all("first");
    let (commit, watched) = run_build_script(&script, repo.path());
    assert_eq!(commit, format!("{} 2026-01-01", &sha[..12]), "a clean checkout");
    assert!(watched.iter().any(|p| p.ends_with("HEAD")), "{watched:?}");
    // A watched path that does not exist would make Cargo run the script (and rebuild aispec) every time.
    assert!(watched.iter().all(|p| p.exists()), "{watched:?}");
    repo.write("src/main.rs", "fn main() { }\n");
    assert_eq!(
        run_build_script(&script, repo.path()).0,
        format!("{}-dirty 2026-01-01", &sha[..12]),
        "an uncommitted change to a compiled file"
    );
    repo.write("vendor/aispec/Cargo.toml", "");
    assert_eq!(
        run_build_script(&script, &repo.path().join("vendor/aispec")).0,
        "commit unknown",
        "vendored inside another repository: not that repository's commit"
    );
}

fn subcommands() -> Vec<String> {
    aispec::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect()
}

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    let repo = TestRepo::empty();
    let names = subcommands();
    assert!(
        names.contains(&"completions".to_owned()) && names.len() > 10,
        "{names:?}"
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = repo.run(&["completions", shell]);
        run.expect_code(0);
        assert!(run.stderr.is_empty(), "{shell}: {}", run.stderr);
        assert!(
            run.stdout.lines().count() > 20,
            "{shell}: a script, not a stub:\n{}",
            run.stdout
        );
        for name in &names {
            assert!(
                run.stdout.contains(name.as_str()),
                "{shell} completions do not mention `{name}`"
            );
        }
    }
}

#[test]
fn bash_loads_the_bash_completions() {
    let repo = TestRepo::empty();
    let run = repo.run(&["completions", "bash"]);
    run.expect_code(0);
    repo.write("aispec.bash", &run.stdout);
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg("source ./aispec.bash && complete -p aispec")
        .current_dir(repo.path())
        .output()
        .expect("run bash");
    let registered = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && registered.contains("_aispec"),
        "bash did not register the completion: {registered}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_runs_outside_a_workspace_and_refuses_an_unknown_shell() {
    let repo = TestRepo::empty();
    repo.run(&["completions", "bash"]).expect_code(0);
    let run = repo.run(&["completions", "tcsh"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("bash") && run.stderr.contains("powershell"),
        "{}",
        run.stderr
    );
}

#[test]
fn completions_help_says_how_to_install_them() {
    let repo = TestRepo::empty();
    assert_run_snapshot!(repo, repo.run(&["completions", "--help"]));
}

fn yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"))
}

fn steps(workflow: &Value) -> Vec<&Value> {
    workflow["jobs"]
        .as_mapping()
        .expect("jobs")
        .values()
        .flat_map(|job| job["steps"].as_sequence().expect("steps"))
        .collect()
}

#[test]
fn every_workflow_file_is_yaml_with_jobs() {
    let dir = repo_root().join(".github/workflows");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("workflows") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".yml") {
            let workflow = yaml(&format!(".github/workflows/{name}"));
            assert!(!steps(&workflow).is_empty() || name.ends_with("release.yml"), "{name}");
            seen += 1;
        }
    }
    assert!(seen >= 5, "ci, release and the three aispec workflows");
}

#[test]
fn project_workflows_install_the_pinned_release_instead_of_compiling() {
    for name in ["aispec-pr.yml", "aispec-deploy.yml", "aispec-drift.yml"] {
        let workflow = yaml(&format!(".github/workflows/{name}"));
        let steps = steps(&workflow);
        let install: Vec<_> = steps
            .iter()
            .filter(|s| s["uses"].as_str() == Some("./.github/actions/install-aispec"))
            .collect();
        assert_eq!(install.len(), 1, "{name} installs aispec once, through the action");
        // One place for the version: the action's default, never overridden per workflow.
        assert!(install[0].get("with").is_none(), "{name} sets its own version");
        for step in &steps {
            let run = step["run"].as_str().unwrap_or_default();
            assert!(!run.contains("cargo"), "{name} compiles aispec: {run}");
            let uses = step["uses"].as_str().unwrap_or_default();
            assert!(!uses.contains("rust-toolchain"), "{name} installs Rust");
        }
    }
}

#[test]
fn install_action_pins_a_released_version_and_checks_it() {
    let action = yaml(".github/actions/install-aispec/action.yml");
    let pinned = action["inputs"]["version"]["default"]
        .as_str()
        .expect("a default version");
    let pinned = semver::Version::parse(pinned).expect("the pinned version is semver");
    let this = semver::Version::parse(VERSION).expect("crate version");
    assert!(
        pinned <= this,
        "the workflows pin {pinned}, newer than this source ({this})"
    );
    let repository = action["inputs"]["repository"]["default"].as_str().expect("repository");
    assert_eq!(
        format!("https://github.com/{repository}"),
        env!("CARGO_PKG_REPOSITORY"),
        "the action downloads from the repository in Cargo.toml"
    );
    let run = action["runs"]["steps"][0]["run"].as_str().expect("a run step");
    for needed in ["sha256.sum", "sha256sum --check", "GITHUB_PATH", "--proto '=https'"] {
        assert!(run.contains(needed), "the install step lacks {needed}");
    }
}

#[test]
fn release_workflow_runs_on_version_tags() {
    let workflow = yaml(".github/workflows/v-release.yml");
    // YAML 1.1 reads a bare `on` as true; serde_yaml_ng keeps it a string key.
    let tags = workflow["on"]["push"]["tags"].as_sequence().expect("tag trigger");
    assert_eq!(tags.len(), 1);
    let pattern = tags[0].as_str().expect("pattern");
    assert!(
        pattern.starts_with('v'),
        "only v-tags release, not <id>@<version>: {pattern}"
    );
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo_root().join("dist-workspace.toml")).expect("dist-workspace.toml"))
            .expect("TOML");
    let binaries = &config["dist"]["binaries"]["*"];
    assert_eq!(binaries.as_array().map(Vec::len), Some(1), "only aispec is released");
}
