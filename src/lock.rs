//! One advisory lock per workspace. Every command that writes to the workspace takes it first, so two of them
//! never read, change and write the same file at once (two approvals at the same moment both land), and a
//! screening's files always come from one run.

use std::fs::File;
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fs4::fs_std::FileExt as _;

use crate::workspace::Workspace;

/// File name of the lock, in the repository's `.git` folder (or the workspace root outside git).
pub const LOCK_FILE: &str = "aispec.lock";
/// Environment variable with the most seconds to wait for the lock (default 10).
pub const WAIT_ENV: &str = "AISPEC_LOCK_TIMEOUT";
const DEFAULT_WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// The held lock; released when dropped (the OS also releases it when the process dies, even by `kill -9`).
#[derive(Debug)]
pub struct WorkspaceLock {
    _file: File,
    path: PathBuf,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error("another aispec command is writing to this workspace{holder}; gave up after {waited} s (lock: {path})")]
    Busy {
        /// The lock file.
        path: String,
        /// Who holds it, as written in the lock file (` (process 123, aispec approve)`), or empty.
        holder: String,
        /// Seconds waited.
        waited: u64,
    },
    /// The lock file cannot be created or locked.
    #[error("cannot take the workspace lock {path}: {reason}")]
    Io {
        /// The lock file.
        path: String,
        /// Why.
        reason: std::io::Error,
    },
}

impl LockError {
    /// How to get past it.
    pub fn hint(&self) -> String {
        match self {
            LockError::Busy { .. } => format!(
                "wait for the other command to finish and run this one again (or set {WAIT_ENV} to wait longer); \
                 the lock is released when that process ends, so never delete the file by hand"
            ),
            LockError::Io { .. } => "check that the folder is writable".to_owned(),
        }
    }
}

impl WorkspaceLock {
    /// Where the lock of `ws` lives: `<git dir>/aispec.lock`, or `<root>/.aispec.lock` outside git.
    pub fn path_for(ws: &Workspace) -> PathBuf {
        match crate::git::open(&ws.root) {
            Ok(repo) => repo.path().join(LOCK_FILE),
            Err(_) => ws.root.join(format!(".{LOCK_FILE}")),
        }
    }

    /// Takes the lock of `ws`. When another process holds it, calls `on_wait` once with the lock's path and
    /// waits up to the time in [`WAIT_ENV`] (default 10 s) before giving up.
    pub fn acquire(ws: &Workspace, on_wait: impl FnOnce(&str)) -> Result<Self, LockError> {
        Self::acquire_within(ws, wait_time(), on_wait)
    }

    /// Takes the lock of `ws`, waiting at most `wait`.
    fn acquire_within(ws: &Workspace, wait: Duration, on_wait: impl FnOnce(&str)) -> Result<Self, LockError> {
        let path = Self::path_for(ws);
        let shown = path.display().to_string();
        let io = |reason: std::io::Error| LockError::Io {
            path: shown.clone(),
            reason,
        };
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let start = Instant::now();
        let mut on_wait = Some(on_wait);
        while !file.try_lock_exclusive().map_err(io)? {
            if let Some(say) = on_wait.take() {
                say(&shown);
            }
            if start.elapsed() >= wait {
                return Err(LockError::Busy {
                    path: shown,
                    holder: holder(&mut file),
                    waited: wait.as_secs(),
                });
            }
            std::thread::sleep(POLL);
        }
        // Say who holds it, for the message another process shows while it waits.
        let me = format!(
            "process {}, aispec {}\n",
            std::process::id(),
            std::env::args().nth(1).unwrap_or_default()
        );
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(me.as_bytes()));
        Ok(WorkspaceLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes temporary files (`.aispec-*.tmp`) that an interrupted write left in `dir`. Under the lock no
    /// other aispec command is writing, so every such file is stale.
    pub fn sweep(&self, dir: &Path) {
        crate::fsutil::remove_temp_files(dir);
    }
}

fn wait_time() -> Duration {
    std::env::var(WAIT_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(DEFAULT_WAIT, Duration::from_secs)
}

fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.take(200).read_to_string(&mut text));
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!(" ({text})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_waits_then_gives_up_naming_the_holder() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("aispec.toml"), "[workspace]\nname = \"x\"\n").expect("write");
        let ws = Workspace::open(dir.path().to_path_buf());
        let first = WorkspaceLock::acquire(&ws, |_| panic!("nobody holds it yet")).expect("lock");
        let mut told = None;
        let second = WorkspaceLock::acquire_within(&ws, Duration::ZERO, |p| told = Some(p.to_owned()));
        let err = second.expect_err("busy");
        assert!(matches!(err, LockError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("process "), "{err}");
        assert_eq!(told.as_deref(), Some(first.path().display().to_string().as_str()));
        drop(first);
        assert!(WorkspaceLock::acquire(&ws, |_| panic!("free again")).is_ok());
    }

    #[test]
    fn sweeping_removes_only_temporary_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("aispec.toml"), "").expect("write");
        std::fs::write(dir.path().join(".aispec-x1y2.tmp"), "half").expect("write");
        std::fs::write(dir.path().join("screening.toml"), "keep").expect("write");
        let ws = Workspace::open(dir.path().to_path_buf());
        let lock = WorkspaceLock::acquire(&ws, |_| {}).expect("lock");
        lock.sweep(dir.path());
        assert!(!dir.path().join(".aispec-x1y2.tmp").exists());
        assert!(dir.path().join("screening.toml").exists());
    }
}
