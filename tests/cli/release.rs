//! What ships: `--version` with the commit, and shell completions.

use clap::CommandFactory as _;

use crate::assert_run_snapshot;
use crate::support::{TestRepo, repo_root};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `aispec 0.1.0 (1a2b3c4d5e6f 2026-11-29)`, `(1a2b3c4d5e6f-dirty 2026-11-29)`, `(1a2b3c4d5e6f)` from a published
/// crate, or `(commit unknown)` without git (README "Install").
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
