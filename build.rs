//! Records which commit the binary is built from, for `aispec --version`.
//!
//! In a git checkout: the commit, its date, and `-dirty` when what goes into the binary differs from that commit.
//! From a crates.io tarball (no `.git`): the commit `cargo package` recorded in `.cargo_vcs_info.json`.
//! Otherwise, `commit unknown`. The build never fails for want of git.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What is compiled into the binary: a change here (not yet committed) marks the build dirty.
const INPUTS: &[&str] = &[
    "build.rs",
    "Cargo.toml",
    "Cargo.lock",
    "src",
    "templates",
    "schemas",
    "questionnaires",
    "specialists",
    "screenings",
    "models.toml",
    "aispec.toml",
];

fn main() {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        println!("cargo:rustc-env=AISPEC_BUILD_COMMIT=commit unknown");
        return;
    };
    let commit = from_git(&dir).or_else(|| from_vcs_info(&dir));
    println!(
        "cargo:rustc-env=AISPEC_BUILD_COMMIT={}",
        commit.as_deref().unwrap_or("commit unknown")
    );
}

/// `1a2b3c4d5e6f 2026-11-29` or `1a2b3c4d5e6f-dirty 2026-11-29` when `dir` is the top of a git work tree.
fn from_git(dir: &Path) -> Option<String> {
    // A crate vendored inside some other repository must not report that repository's commit.
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(dir).ok()? {
        return None;
    }
    watch_git(dir);
    let head = git(dir, &["log", "-1", "--format=%H %cs"])?;
    let (sha, date) = head.split_once(' ')?;
    if sha.len() < 12 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(INPUTS);
    let dirty = !git(dir, &status)?.is_empty();
    Some(format!("{}{} {date}", &sha[..12], if dirty { "-dirty" } else { "" }))
}

/// Re-runs this script when HEAD moves, the index changes or a compiled file changes, and at no other time.
fn watch_git(dir: &Path) {
    let paths = ["--git-dir", "--git-common-dir"]
        .map(|flag| git(dir, &["rev-parse", "--path-format=absolute", flag]).map(PathBuf::from));
    let [Some(git_dir), Some(common)] = paths else {
        return;
    };
    let mut watched = vec![git_dir.join("HEAD"), git_dir.join("index"), common.join("packed-refs")];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(common.join(branch));
    }
    watched.extend(INPUTS.iter().map(|p| dir.join(p)));
    // A path that does not exist would make Cargo re-run the script on every build.
    for path in watched.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// The commit recorded by `cargo package` in a published tarball.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let file = dir.join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(&file).ok()?;
    println!("cargo:rerun-if-changed={}", file.display());
    let start = text.find("\"sha1\"")?;
    let rest = text[start + "\"sha1\"".len()..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let sha: String = rest
        .strip_prefix('"')?
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    if sha.len() < 12 {
        return None;
    }
    let dirty = text.contains("\"dirty\": true") || text.contains("\"dirty\":true");
    Some(format!("{}{}", &sha[..12], if dirty { "-dirty" } else { "" }))
}

/// Runs git in `dir`; the trimmed stdout, or `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // `git status` may otherwise rewrite the index, which would make Cargo re-run this script next build.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_owned())
}
