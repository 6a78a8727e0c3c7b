//! The answer cache on disk: one small JSON file per answer under `.aispec/cache/eval/`, keyed by endpoint, model,
//! full messages, parameters and repeat index (so repeats are real repeats). Errors are never stored.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::provider::{ChatAnswer, ChatRequest};

/// Cache folder relative to the workspace root (ignored by git, see `aispec init`'s `.gitignore`).
pub const CACHE_DIR: &str = ".aispec/cache/eval";

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

/// The on-disk cache.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
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

impl Cache {
    /// The cache of the workspace at `root`.
    pub fn new(root: &Path) -> Self {
        Cache {
            dir: root.join(CACHE_DIR),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        let (shard, _) = key.split_at(2.min(key.len()));
        self.dir.join(shard).join(format!("{key}.json"))
    }

    /// The stored answer, if any (an unreadable entry counts as missing).
    pub fn get(&self, key: &str) -> Option<ChatAnswer> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice::<Entry>(&bytes).ok().map(|e| e.answer)
    }

    /// Stores an answer.
    pub fn put(&self, key: &str, answer: &ChatAnswer) -> std::io::Result<()> {
        let entry = Entry {
            format: 1,
            answer: answer.clone(),
        };
        let bytes = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
        crate::fsutil::write_atomic(&self.path(key), &bytes)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    format: u32,
    answer: ChatAnswer,
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
    fn stores_and_reads_answers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::new(dir.path());
        let k = key("e", &req("a"), 0);
        assert_eq!(cache.get(&k), None);
        let answer = ChatAnswer {
            text: "svar".into(),
            prompt_tokens: Some(3),
            completion_tokens: Some(1),
            latency_ms: 20,
        };
        cache.put(&k, &answer).expect("put");
        assert_eq!(cache.get(&k), Some(answer));
    }
}
