//! The test harness: a temporary workspace, the real binary, and output snapshots with stable paths.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod stub;

/// The specialists (and their screenings) shipped in the repository.
pub const SHIPPED: [&str; 5] = [
    "aarhusai-start",
    "klarsprog",
    "korrekturlaeser",
    "opsummering",
    "stillingsopslag",
];

/// Fixed author and date so commits and snapshots are reproducible.
pub const AUTHOR_DATE: &str = "1767225600 +0100";

/// A temporary folder with helpers to write files, commit them and run `aispec` in it.
pub struct TestRepo {
    dir: tempfile::TempDir,
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl TestRepo {
    /// An empty temporary folder (not a workspace).
    pub fn empty() -> Self {
        TestRepo {
            dir: tempfile::Builder::new()
                .prefix("aispec-test-")
                .tempdir()
                .expect("tempdir"),
        }
    }

    /// Runs `aispec validate --format json` and asserts that it passes without a single finding (not even a
    /// warning); returns the report.
    #[track_caller]
    pub fn expect_no_diagnostics(&self) -> serde_json::Value {
        let run = self.run(&["validate", "--format", "json"]);
        run.expect_code(0);
        let json = run.json();
        assert_eq!(json["diagnostics"], serde_json::json!([]), "{}", run.stdout);
        json
    }

    /// A fresh workspace made by `aispec init` (git repo, settings, catalogue, example specialist).
    pub fn init() -> Self {
        let repo = Self::empty();
        repo.run(&["init", "--name", "Testkommune"]).expect_code(0);
        repo
    }

    /// A workspace from `tests/fixtures/<name>`, committed in a new git repo.
    pub fn fixture(name: &str) -> Self {
        let repo = Self::empty();
        copy_dir(&fixtures().join(name), repo.path());
        git2::Repository::init(repo.path()).expect("git init");
        repo.commit_all("fixture");
        repo
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
        self
    }

    /// Reads a file as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Removes a file or folder.
    pub fn remove(&self, rel: &str) -> &Self {
        let p = self.path().join(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).expect("rm -r");
        } else {
            std::fs::remove_file(p).expect("rm");
        }
        self
    }

    /// The shipped workspace (settings, catalogue, every specialist and screening), committed in a new git repo.
    pub fn shipped() -> Self {
        let repo = Self::empty();
        for file in ["aispec.toml", "models.toml"] {
            std::fs::copy(repo_root().join(file), repo.path().join(file)).expect("copy");
        }
        for dir in ["specialists", "screenings"] {
            copy_dir(&repo_root().join(dir), &repo.path().join(dir));
        }
        git2::Repository::init(repo.path()).expect("git init");
        repo.commit_all("the shipped workspace");
        repo
    }

    /// Copies `specialists/<id>` from the repository's shipped specialists.
    pub fn add_shipped_specialist(&self, id: &str) -> &Self {
        copy_dir(
            &repo_root().join("specialists").join(id),
            &self.path().join("specialists").join(id),
        );
        self
    }

    /// Copies `screenings/<id>` (screening, journey, report) from the repository's shipped screenings.
    pub fn add_shipped_screening(&self, id: &str) -> &Self {
        copy_dir(
            &repo_root().join("screenings").join(id),
            &self.path().join("screenings").join(id),
        );
        self
    }

    /// Stages everything and commits with the fixed test author; returns the commit id.
    pub fn commit_all(&self, message: &str) -> String {
        let repo = git2::Repository::open(self.path()).expect("open repo");
        let mut index = repo.index().expect("index");
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).expect("add");
        index.update_all(["*"], None).expect("update");
        index.write().expect("write index");
        let tree = repo.find_tree(index.write_tree().expect("tree")).expect("find tree");
        let sig = git2::Signature::new(
            "Test Builder",
            "builder@example.org",
            &git2::Time::new(1_767_225_600, 60),
        )
        .expect("sig");
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .expect("commit")
            .to_string()
    }

    /// A `Command` for the built binary, isolated from the developer's environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aispec"));
        cmd.args(args)
            .current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("NO_COLOR", "1")
            // English unless a test asks for Danish (`--lang da`, or `AISPEC_LANG=da` through `run_with`):
            // the workspaces `init` makes say `language = "da"`.
            .env("AISPEC_LANG", "en")
            .env("COLUMNS", "100")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test Builder")
            .env("GIT_AUTHOR_EMAIL", "builder@example.org")
            .env("GIT_AUTHOR_DATE", AUTHOR_DATE)
            .env("TZ", "UTC");
        cmd
    }

    /// Runs the binary with `args` and collects its output.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs the binary with extra environment variables.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run aispec");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs the binary with stdin closed and a watchdog: a run that has not ended after a minute is killed and the
    /// test fails (for inputs that once made aispec hang, such as a FIFO). Not a speed check: a healthy run takes
    /// a fraction of a second.
    pub fn run_bounded(&self, args: &[&str]) -> Run {
        let child = self
            .command(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run aispec");
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(out) => {
                let out = out.expect("wait for aispec");
                Run {
                    code: out.status.code().unwrap_or(-1),
                    stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                }
            }
            Err(_) => {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                panic!("aispec {args:?} did not finish within a minute: it hangs");
            }
        }
    }

    /// Exit code, stdout and stderr as one text with temp paths and commit ids replaced, for snapshots.
    pub fn render(&self, run: &Run) -> String {
        let text = format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            run.code, run.stdout, run.stderr
        );
        self.redact(&text)
    }

    /// Replaces the temp folder with `[ROOT]` and hashes with placeholders.
    pub fn redact(&self, text: &str) -> String {
        let root = self.path().display().to_string();
        let canonical = self
            .path()
            .canonicalize()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let text = text.replace(&canonical, "[ROOT]").replace(&root, "[ROOT]");
        let hash = regex::Regex::new(r"\b[0-9a-f]{40}\b").expect("regex");
        let text = hash.replace_all(&text, "[COMMIT]");
        let sha = regex::Regex::new(r"sha256:[0-9a-f]{64}").expect("regex");
        sha.replace_all(&text, "sha256:[HASH]").into_owned()
    }
}

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    repo_root().join("tests").join("fixtures")
}

/// Recursively copies a folder.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Snapshot of a run (exit code, stdout, stderr) with paths redacted.
#[macro_export]
macro_rules! assert_run_snapshot {
    ($repo:expr, $run:expr) => {
        insta::assert_snapshot!($repo.render(&$run))
    };
    ($name:expr, $repo:expr, $run:expr) => {
        insta::assert_snapshot!($name, $repo.render(&$run))
    };
}
