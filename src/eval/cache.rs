//! The cache on disk under `.aispec/cache/eval/`: answers keyed by endpoint, model, full messages, parameters and
//! repeat index (so repeats are real repeats); judge verdicts keyed by judge, judge prompt version, rubric, question
//! and answer (so a repeat with the same answer is graded once); embeddings keyed by endpoint, model and text.
//! Errors are never stored.
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
use super::rubric::Verdict;

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

/// What an answer's key is computed over, serialized straight into the hash: the same JSON, field for field, as
/// the `json!` object earlier versions built and printed first (so existing caches keep their keys), without the
/// copy of every message that cost a cached 40,000-answer run a sixth of its time.
#[derive(Serialize)]
struct KeyMaterial<'a> {
    endpoint: &'a str,
    model: &'a str,
    messages: &'a [super::provider::Message],
    params: &'a crate::model::specialist::Params,
    repeat: u32,
}

/// The cache key: a SHA-256 over everything that determines the answer.
pub fn key(endpoint: &str, req: &ChatRequest, repeat: u32) -> String {
    let material = KeyMaterial {
        endpoint,
        model: &req.model,
        messages: &req.messages,
        params: &req.params,
        repeat,
    };
    let mut hasher = Sha256::new();
    // Writing into a hash cannot fail, and these types always serialize; an error would only change the key.
    let _ = serde_json::to_writer(&mut hasher, &material);
    hex::encode(hasher.finalize())
}

/// The key of a judge verdict: the judge (endpoint and model), the judge prompt's version (a hash of its template),
/// the rubric, the question and the answer. No repeat index: the same answer gets the same grade.
pub fn verdict_key(
    judge_endpoint: &str,
    judge_model: &str,
    template: &str,
    rubric: &str,
    question: &str,
    answer: &str,
) -> String {
    let material = serde_json::json!({
        "kind": "verdict",
        "endpoint": judge_endpoint,
        "model": judge_model,
        "prompt_version": hex::encode(Sha256::digest(template.as_bytes())),
        "rubric": rubric,
        "question": question,
        "answer": answer,
    });
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}

/// The key of an embedding: endpoint, model and the exact text.
pub fn embedding_key(endpoint: &str, model: &str, text: &str) -> String {
    let material = serde_json::json!({"kind": "embedding", "endpoint": endpoint, "model": model, "text": text});
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}

/// What the cache holds under a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A chat answer.
    Answer(ChatAnswer),
    /// A judge's verdict on an answer.
    Verdict(Verdict),
    /// An embedding vector.
    Embedding(Vec<f32>),
}

/// One line of a pack: `{"key": …, "answer": {…}}` (or `"verdict"`, `"embedding"`). Plain optional fields rather
/// than a flattened enum: packs are read in bulk, and serde's flatten buffers every line first.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Line {
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    answer: Option<ChatAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verdict: Option<Verdict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    embedding: Option<Vec<f32>>,
}

impl Line {
    fn new(key: String, entry: Entry) -> Self {
        let mut line = Line { key, ..Line::default() };
        match entry {
            Entry::Answer(a) => line.answer = Some(a),
            Entry::Verdict(v) => line.verdict = Some(v),
            Entry::Embedding(e) => line.embedding = Some(e),
        }
        line
    }

    fn entry(self) -> Option<(String, Entry)> {
        let entry = match (self.answer, self.verdict, self.embedding) {
            (Some(a), None, None) => Entry::Answer(a),
            (None, Some(v), None) => Entry::Verdict(v),
            (None, None, Some(e)) => Entry::Embedding(e),
            _ => return None,
        };
        Some((self.key, entry))
    }
}

#[derive(Debug, Default)]
struct Inner {
    dir: PathBuf,
    known: HashMap<String, Entry>,
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
        match self.inner.known.get(key) {
            Some(Entry::Answer(a)) => Some(a.clone()),
            _ => None,
        }
    }

    /// The stored verdict, if any.
    pub fn verdict(&self, key: &str) -> Option<Verdict> {
        match self.inner.known.get(key) {
            Some(Entry::Verdict(v)) => Some(v.clone()),
            _ => None,
        }
    }

    /// The stored embedding, if any.
    pub fn embedding(&self, key: &str) -> Option<Vec<f32>> {
        match self.inner.known.get(key) {
            Some(Entry::Embedding(v)) => Some(v.clone()),
            _ => None,
        }
    }

    /// Queues an answer for the next pack.
    pub fn put(&self, key: String, answer: ChatAnswer) {
        self.put_entry(key, Entry::Answer(answer));
    }

    /// Queues any entry for the next pack.
    pub fn put_entry(&self, key: String, entry: Entry) {
        self.pending().push(Line::new(key, entry));
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
            let lines: Vec<Line> = merged.into_iter().map(|(key, entry)| Line::new(key, entry)).collect();
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
fn read_packs(files: &[PathBuf]) -> HashMap<String, Entry> {
    let mut known = HashMap::new();
    for file in files {
        let Ok(text) = crate::fsread::read_file(file, crate::fsread::Limit::RESULTS).and_then(crate::fsread::text)
        else {
            continue;
        };
        for line in text.lines() {
            if let Some((key, entry)) = serde_json::from_str::<Line>(line).ok().and_then(Line::entry) {
                known.insert(key, entry);
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
    fn keys_are_those_of_earlier_versions_so_caches_stay_valid() {
        let mut r = req("Hvornår har Borgerservice åbent? \"I dag\"");
        r.params.temperature = Some(0.7);
        r.params.max_tokens = Some(300);
        let earlier = serde_json::json!({
            "endpoint": "http://x/v1/chat/completions",
            "model": r.model,
            "messages": r.messages,
            "params": r.params,
            "repeat": 2,
        });
        let earlier = hex::encode(Sha256::digest(earlier.to_string().as_bytes()));
        assert_eq!(key("http://x/v1/chat/completions", &r, 2), earlier);
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

    #[test]
    fn verdicts_and_embeddings_share_the_packs_with_answers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = Cache::open(dir.path(), false);
        let verdict = Verdict {
            pass: true,
            score: 0.5,
            reason: "Halvt.".into(),
        };
        let vk = verdict_key("http://j", "judge", "skabelon", "Høfligt?", "Spørgsmål", "Svar");
        assert_ne!(
            vk,
            verdict_key("http://j", "judge", "skabelon v2", "Høfligt?", "Spørgsmål", "Svar")
        );
        assert_ne!(
            vk,
            verdict_key("http://j", "judge", "skabelon", "Kort?", "Spørgsmål", "Svar")
        );
        assert_ne!(
            vk,
            verdict_key("http://j", "judge", "skabelon", "Høfligt?", "Spørgsmål", "Andet svar")
        );
        assert_ne!(
            vk,
            verdict_key("http://j", "judge-2", "skabelon", "Høfligt?", "Spørgsmål", "Svar")
        );
        c.put_entry(vk.clone(), Entry::Verdict(verdict.clone()));
        c.put_entry("e".into(), Entry::Embedding(vec![0.5, -0.25]));
        c.put("a".into(), answer("svar"));
        c.flush();
        let c = Cache::open(dir.path(), true);
        assert_eq!(c.verdict(&vk), Some(verdict));
        assert_eq!(c.embedding("e"), Some(vec![0.5, -0.25]));
        assert_eq!(c.get("a"), Some(answer("svar")));
        assert_eq!(c.get(&vk), None, "a verdict is not an answer");
    }

    #[test]
    fn packs_from_before_verdicts_still_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join(CACHE_DIR);
        std::fs::create_dir_all(&folder).expect("mkdir");
        let old = r#"{"key":"k","answer":{"text":"gammel","prompt_tokens":3,"completion_tokens":1,"latency_ms":20}}"#;
        std::fs::write(folder.join("20250101T000000Z-1.jsonl"), format!("{old}\n")).expect("write");
        assert_eq!(Cache::open(dir.path(), true).get("k"), Some(answer("gammel")));
    }
}
