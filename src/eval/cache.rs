//! The answer cache on disk under `.aispec/cache/eval/`, keyed by endpoint, model, full messages, parameters and
//! repeat index (so repeats are real repeats). Errors are never stored.
//!
//! A run reads every pack file once, answers lookups from memory, and writes its new answers as one new pack (JSON
//! lines) at the end, and every [`FLUSH_EVERY`] answers on the way, so an interrupted run keeps most of its work.
//! One small file per answer would cost a file creation each, which is milliseconds on a busy disk; a pack costs one.
//! When there are more than [`MAX_PACKS`] packs they are merged into one, newest answer winning.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::provider::{ChatAnswer, ChatRequest};

/// Cache folder relative to the workspace root (ignored by git, see `aispec init`'s `.gitignore`).
pub const CACHE_DIR: &str = ".aispec/cache/eval";
/// New answers are written as a pack after this many.
pub const FLUSH_EVERY: usize = 1000;
/// More packs than this are merged into one.
pub const MAX_PACKS: usize = 16;
const PACK_SUFFIX: &str = ".jsonl";

/// How a run uses the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CacheMode {
    /// Read answers from the cache and store new ones.
    #[default]
    Use,
    /// Ask again, then store the new answers (`--refresh`).
    Refresh,
    /// Neither read nor write (`--no-cache`).
    Off,
}

impl CacheMode {
    /// Whether answers may come from the cache.
    pub fn reads(self) -> bool {
        self == CacheMode::Use
    }

    /// Whether new answers are stored.
    pub fn writes(self) -> bool {
        self != CacheMode::Off
    }
}

/// The cache key: a SHA-256 over everything that determines the answer.
pub fn key(endpoint: &str, req: &ChatRequest, repeat: u32) -> String {
    let material = serde_json::json!({
        "endpoint": endpoint,
        "model": req.model,
        "messages": req.messages,
        "params": req.params,
        "repeat": repeat,
    });
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}

/// One line of a pack.
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    key: String,
    answer: ChatAnswer,
}

#[derive(Debug, Default)]
struct Inner {
    dir: PathBuf,
    known: HashMap<String, ChatAnswer>,
    pending: Mutex<Vec<Line>>,
}

/// The cache of one workspace, shared by the tasks of a run.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    inner: Arc<Inner>,
}

impl Cache {
    /// Opens the cache of the workspace at `root`, loading every pack when `load` is set.
    pub fn open(root: &Path, load: bool) -> Self {
        let dir = root.join(CACHE_DIR);
        let known = if load {
            read_packs(&pack_files(&dir))
        } else {
            HashMap::new()
        };
        Cache {
            inner: Arc::new(Inner {
                dir,
                known,
                pending: Mutex::default(),
            }),
        }
    }

    fn pending(&self) -> MutexGuard<'_, Vec<Line>> {
        self.inner.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The stored answer, if any.
    pub fn get(&self, key: &str) -> Option<ChatAnswer> {
        self.inner.known.get(key).cloned()
    }

    /// Queues an answer for the next pack.
    pub fn put(&self, key: String, answer: ChatAnswer) {
        self.pending().push(Line { key, answer });
    }

    /// Answers queued but not yet written.
    pub fn pending_len(&self) -> usize {
        self.pending().len()
    }

    /// Writes the queued answers as a new pack, then merges packs when there are too many. Returns how many
    /// answers could not be written (they stay uncached).
    pub fn flush(&self) -> usize {
        let lines = std::mem::take(&mut *self.pending());
        if lines.is_empty() {
            return 0;
        }
        if write_pack(&self.inner.dir, &lines).is_err() {
            return lines.len();
        }
        let packs = pack_files(&self.inner.dir);
        if packs.len() > MAX_PACKS {
            // Best effort: a failed merge leaves the packs as they are, which is still a valid cache.
            let merged = read_packs(&packs);
            let lines: Vec<Line> = merged.into_iter().map(|(key, answer)| Line { key, answer }).collect();
            if write_pack(&self.inner.dir, &lines).is_ok() {
                for p in packs {
                    let _ = std::fs::remove_file(p);
                }
            }
        }
        0
    }
}

/// Pack files, oldest first (names start with a UTC timestamp). Only files aispec wrote count: symbolic links
/// are left out, so the cache never reads outside its folder.
fn pack_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| !t.is_symlink()))
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(PACK_SUFFIX) && !n.starts_with('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Every answer in the packs; later packs win. Unreadable packs and lines count as missing.
fn read_packs(files: &[PathBuf]) -> HashMap<String, ChatAnswer> {
    let mut known = HashMap::new();
    for file in files {
        let Ok(text) = crate::fsread::read_file(file, crate::fsread::Limit::RESULTS).and_then(crate::fsread::text)
        else {
            continue;
        };
        for line in text.lines() {
            if let Ok(l) = serde_json::from_str::<Line>(line) {
                known.insert(l.key, l.answer);
            }
        }
    }
    known
}

fn write_pack(dir: &Path, lines: &[Line]) -> std::io::Result<()> {
    let mut text = String::new();
    for l in lines {
        text.push_str(&serde_json::to_string(l).map_err(std::io::Error::other)?);
        text.push('\n');
    }
    let name = format!(
        "{}-{}{PACK_SUFFIX}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.9fZ"),
        std::process::id()
    );
    crate::fsutil::write_atomic(&dir.join(name), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::provider::Message;
    use crate::model::specialist::Params;

    fn req(user: &str) -> ChatRequest {
        ChatRequest {
            model: "m".into(),
            messages: vec![Message::new("system", "s"), Message::new("user", user)],
            params: Params::default(),
        }
    }

    fn answer(text: &str) -> ChatAnswer {
        ChatAnswer {
            text: text.into(),
            prompt_tokens: Some(3),
            completion_tokens: Some(1),
            latency_ms: 20,
        }
    }

    #[test]
    fn key_changes_with_every_part() {
        let base = key("http://x/v1/chat/completions", &req("a"), 0);
        assert_eq!(base, key("http://x/v1/chat/completions", &req("a"), 0));
        assert_ne!(base, key("http://x/v1/chat/completions", &req("a"), 1));
        assert_ne!(base, key("http://y/v1/chat/completions", &req("a"), 0));
        assert_ne!(base, key("http://x/v1/chat/completions", &req("b"), 0));
        let mut warm = req("a");
        warm.params.temperature = Some(0.7);
        assert_ne!(base, key("http://x/v1/chat/completions", &warm, 0));
    }

    #[test]
    fn stores_reads_and_lets_newer_answers_win() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(dir.path(), true);
        assert_eq!(cache.get("k"), None);
        cache.put("k".into(), answer("gammel"));
        assert_eq!(cache.flush(), 0);
        assert_eq!(Cache::open(dir.path(), true).get("k"), Some(answer("gammel")));
        let refresh = Cache::open(dir.path(), false);
        assert_eq!(refresh.get("k"), None, "not loaded");
        refresh.put("k".into(), answer("ny"));
        refresh.flush();
        assert_eq!(Cache::open(dir.path(), true).get("k"), Some(answer("ny")));
    }

    #[test]
    fn many_packs_are_merged_into_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..=MAX_PACKS {
            let c = Cache::open(dir.path(), false);
            c.put(format!("k{i}"), answer(&format!("svar {i}")));
            c.flush();
        }
        assert_eq!(pack_files(&dir.path().join(CACHE_DIR)).len(), 1);
        let c = Cache::open(dir.path(), true);
        assert_eq!(c.get("k0"), Some(answer("svar 0")));
        assert_eq!(
            c.get(&format!("k{MAX_PACKS}")),
            Some(answer(&format!("svar {MAX_PACKS}")))
        );
    }

    #[test]
    fn broken_lines_are_misses_not_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = Cache::open(dir.path(), false);
        c.put("ok".into(), answer("fint"));
        c.flush();
        let packs = pack_files(&dir.path().join(CACHE_DIR));
        let mut text = std::fs::read_to_string(&packs[0]).expect("read");
        text.push_str("{\"key\": \"halv\", \"answ\n");
        std::fs::write(&packs[0], text).expect("write");
        let c = Cache::open(dir.path(), true);
        assert_eq!(c.get("ok"), Some(answer("fint")));
        assert_eq!(c.get("halv"), None);
    }
}
