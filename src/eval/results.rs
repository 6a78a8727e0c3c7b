//! The results of a run, as saved under `evals/`, and the per-provider summary computed from them.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::provider::ProviderInfo;
use super::spool::Spool;

/// Version of the results file format.
pub const RESULTS_FORMAT: u32 = 1;

/// Everything one `aispec eval` run produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvalResults {
    /// Results file format version.
    pub format: u32,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time of the run in milliseconds.
    pub duration_ms: u64,
    /// The git commit the workspace was at, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Name given with `--save NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Repeats per case and provider.
    pub repeat: u32,
    /// The providers, in order.
    pub providers: Vec<ProviderInfo>,
    /// The cases, in order.
    pub cases: Vec<CaseInfo>,
    /// One entry per case × provider × repeat, answers included: on disk for a run that just finished.
    #[serde(rename = "results")]
    pub records: Records,
    /// Where the answers came from.
    pub stats: RunStats,
    /// Per-provider numbers (recomputed from `results` when read).
    pub summary: Vec<ProviderSummary>,
    /// What the summary, the gate and the comparison need of each record, in the same order; no answers.
    #[serde(skip)]
    pub outcomes: Vec<Outcome>,
}

/// The full results of a run: held in memory (a file that was read) or in the run's spool.
#[derive(Debug, Clone)]
pub enum Records {
    /// Read from a results file.
    Memory(Vec<CaseResult>),
    /// Written by the runner as results finished.
    Spool(Spool),
}

impl Records {
    /// Calls `each` with the records at `positions` (plan order), one at a time.
    pub fn visit(
        &self,
        positions: impl IntoIterator<Item = usize>,
        mut each: impl FnMut(&CaseResult) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match self {
            Records::Memory(all) => positions.into_iter().filter_map(|i| all.get(i)).try_for_each(each),
            Records::Spool(spool) => spool.visit(positions, |r| each(&r)),
        }
    }

    /// Every record, in memory (for the reports that need them all at once).
    pub fn to_vec(&self) -> std::io::Result<Vec<CaseResult>> {
        match self {
            Records::Memory(all) => Ok(all.clone()),
            Records::Spool(spool) => spool.read_all(),
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            Records::Memory(all) => all.len(),
            Records::Spool(spool) => spool.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq as _};
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        // The records are read back one at a time; an error of the serializer stops the walk and is returned.
        let mut failed: Option<S::Error> = None;
        let walked = self.visit(0..self.len(), |r| {
            seq.serialize_element(r).map_err(|e| {
                failed = Some(e);
                std::io::Error::other("serialization failed")
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        walked.map_err(|e| S::Error::custom(format!("cannot read the run's results back: {e}")))?;
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<CaseResult>::deserialize(deserializer).map(Records::Memory)
    }
}

/// What the summary, the gate, the comparison and the human report need of one result: no answer text.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Specialist id or `suite:<name>`.
    pub source: String,
    /// Case id.
    pub case: String,
    /// Provider name.
    pub provider: String,
    /// 0-based repeat index.
    pub repeat: u32,
    /// Whether there was an answer.
    pub answered: bool,
    /// Why there is no answer.
    pub error: Option<String>,
    /// Milliseconds to the full answer.
    pub latency_ms: u64,
    /// Prompt tokens reported by the endpoint.
    pub prompt_tokens: Option<u64>,
    /// Completion tokens reported by the endpoint.
    pub completion_tokens: Option<u64>,
    /// Cost of the answer.
    pub cost: Option<f64>,
    /// Words in the answer.
    pub words: usize,
    /// Whether the case passed.
    pub pass: bool,
    /// Weighted mean assertion score, 0–1.
    pub score: f64,
    /// The assertions that failed: (type as written, reason).
    pub failed: Vec<(String, String)>,
    /// Scores of the assertions that count towards a named metric: (metric, score).
    pub metrics: Vec<(String, f64)>,
}

impl Outcome {
    /// The outcome of a result (which it consumes, so its strings move instead of being copied).
    pub fn of(r: CaseResult) -> Self {
        let mut failed = Vec::new();
        let mut metrics = Vec::new();
        for a in r.assertions {
            if let Some(m) = a.metric {
                metrics.push((m, a.score));
            }
            if !a.pass {
                failed.push((a.kind, a.reason));
            }
        }
        Outcome {
            source: r.source,
            case: r.case,
            provider: r.provider,
            repeat: r.repeat,
            answered: r.answer.is_some(),
            error: r.error,
            latency_ms: r.latency_ms,
            prompt_tokens: r.prompt_tokens,
            completion_tokens: r.completion_tokens,
            cost: r.cost,
            words: r.words,
            pass: r.pass,
            score: r.score,
            failed,
            metrics,
        }
    }

    /// `source/case`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.source, self.case)
    }
}

/// A case as it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseInfo {
    /// Specialist id or `suite:<name>`.
    pub source: String,
    /// Case id.
    pub id: String,
    /// Category, or `-`.
    pub category: String,
    /// What the case checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The user message as sent.
    pub prompt: String,
    /// Weight in pass rates.
    pub weight: f64,
    /// Share of assertions that must pass.
    pub threshold: f64,
}

impl CaseInfo {
    /// `source/id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.source, self.id)
    }
}

/// One answer and its checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// Specialist id or `suite:<name>`.
    pub source: String,
    /// Case id.
    pub case: String,
    /// Provider name.
    pub provider: String,
    /// 0-based repeat index.
    pub repeat: u32,
    /// The answer, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Why there is no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Milliseconds to the full answer (as measured when it was first fetched, for cached answers).
    pub latency_ms: u64,
    /// Prompt tokens reported by the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u64>,
    /// Completion tokens reported by the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens: Option<u64>,
    /// Cost of the answer in the configured currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Words in the answer.
    pub words: usize,
    /// True when the answer came from the cache.
    pub cached: bool,
    /// Whether the case passed.
    pub pass: bool,
    /// Weighted mean assertion score, 0–1.
    pub score: f64,
    /// Each assertion's result.
    pub assertions: Vec<AssertionResult>,
}

impl CaseResult {
    /// `source/case`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.source, self.case)
    }
}

/// One assertion's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssertionResult {
    /// The assertion type as written (with `not-`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether it passed.
    pub pass: bool,
    /// Score 0–1 (the judge's score for `llm-rubric`).
    pub score: f64,
    /// Weight within the case.
    pub weight: f64,
    /// What was observed.
    pub reason: String,
    /// Named metric it counts towards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
}

/// Where the answers came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    /// Answers in the results (errors included).
    pub answers: u64,
    /// Answers read from the cache.
    pub from_cache: u64,
    /// HTTP requests sent (retries and judge calls included).
    pub requests: u64,
    /// Requests repeated after a 429, 5xx, timeout or network error.
    pub retries: u64,
    /// Answers that failed for good.
    pub errors: u64,
    /// Requests sent to the judge (`llm-rubric` gradings not found in the cache).
    pub judge_calls: u64,
    /// Judge verdicts reused: read from the cache, or graded earlier in the same run for the same answer.
    #[serde(default)]
    pub judge_from_cache: u64,
    /// Requests sent to the embedder (`similar`).
    #[serde(default)]
    pub embedding_calls: u64,
    /// Embeddings reused: read from the cache, or fetched earlier in the same run.
    #[serde(default)]
    pub embeddings_from_cache: u64,
    /// Answers that could not be written to the cache.
    #[serde(default)]
    pub cache_write_errors: u64,
}

/// Numbers for one provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderSummary {
    /// Provider name.
    pub provider: String,
    /// Model id, when fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Results counted.
    pub results: usize,
    /// Results that passed.
    pub passed: usize,
    /// Results without an answer.
    pub errors: usize,
    /// Weighted share of passing results, 0–1.
    pub pass_rate: f64,
    /// Mean case score, 0–1.
    pub mean_score: f64,
    /// Pass rate per category.
    pub by_category: BTreeMap<String, f64>,
    /// Pass rate per source (specialist id or `suite:<name>`).
    pub by_source: BTreeMap<String, f64>,
    /// Mean score per named metric.
    pub metrics: BTreeMap<String, f64>,
    /// Median latency of answers, in ms.
    pub latency_p50_ms: u64,
    /// 95th percentile latency, in ms.
    pub latency_p95_ms: u64,
    /// Prompt tokens in total.
    pub prompt_tokens: u64,
    /// Completion tokens in total.
    pub completion_tokens: u64,
    /// Mean words per answer.
    pub words_per_answer: f64,
    /// Total cost, when the provider has prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

/// A percentile (nearest rank) of sorted values.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[derive(Default)]
struct Rate {
    passed: f64,
    total: f64,
}

impl Rate {
    fn add(&mut self, pass: bool, weight: f64) {
        self.total += weight;
        if pass {
            self.passed += weight;
        }
    }
    fn value(&self) -> f64 {
        if self.total > 0.0 {
            self.passed / self.total
        } else {
            0.0
        }
    }
}

/// Per-provider summaries of `results`, in the order of `providers`.
pub fn summarize(providers: &[ProviderInfo], cases: &[CaseInfo], results: &[Outcome]) -> Vec<ProviderSummary> {
    let case_by_key: BTreeMap<String, &CaseInfo> = cases.iter().map(|c| (c.key(), c)).collect();
    providers
        .iter()
        .map(|p| {
            let mine: Vec<&Outcome> = results.iter().filter(|r| r.provider == p.name).collect();
            let mut overall = Rate::default();
            let mut by_category: BTreeMap<String, Rate> = BTreeMap::new();
            let mut by_source: BTreeMap<String, Rate> = BTreeMap::new();
            let mut metrics: BTreeMap<String, (f64, f64)> = BTreeMap::new();
            let mut latencies = Vec::new();
            let mut s = ProviderSummary {
                provider: p.name.clone(),
                model: p.model.clone(),
                results: mine.len(),
                ..ProviderSummary::default()
            };
            let mut words = 0usize;
            let mut answered = 0usize;
            let mut score_sum = 0.0;
            for r in &mine {
                let case = case_by_key.get(&r.key());
                let weight = case.map_or(1.0, |c| c.weight);
                let category = case.map_or("-", |c| c.category.as_str());
                overall.add(r.pass, weight);
                by_category.entry(category.to_owned()).or_default().add(r.pass, weight);
                by_source.entry(r.source.clone()).or_default().add(r.pass, weight);
                score_sum += r.score;
                s.passed += usize::from(r.pass);
                for (m, score) in &r.metrics {
                    let e = metrics.entry(m.clone()).or_default();
                    e.0 += score;
                    e.1 += 1.0;
                }
                if r.answered {
                    answered += 1;
                    words += r.words;
                    latencies.push(r.latency_ms);
                    s.prompt_tokens += r.prompt_tokens.unwrap_or(0);
                    s.completion_tokens += r.completion_tokens.unwrap_or(0);
                    if let Some(c) = r.cost {
                        *s.cost.get_or_insert(0.0) += c;
                    }
                } else {
                    s.errors += 1;
                }
            }
            latencies.sort_unstable();
            s.pass_rate = overall.value();
            s.mean_score = if mine.is_empty() {
                0.0
            } else {
                score_sum / mine.len() as f64
            };
            s.by_category = by_category.into_iter().map(|(k, v)| (k, v.value())).collect();
            s.by_source = by_source.into_iter().map(|(k, v)| (k, v.value())).collect();
            s.metrics = metrics.into_iter().map(|(k, (sum, n))| (k, sum / n)).collect();
            s.latency_p50_ms = percentile(&latencies, 50.0);
            s.latency_p95_ms = percentile(&latencies, 95.0);
            s.words_per_answer = if answered == 0 {
                0.0
            } else {
                words as f64 / answered as f64
            };
            s
        })
        .collect()
}

impl EvalResults {
    /// The text of a saved results file: pretty JSON with every API key in use, bearer token and `sk-` key
    /// redacted from every string, because `evals/*.json` is committed.
    pub fn to_saved_json(&self) -> Result<String, serde_json::Error> {
        let mut value = serde_json::to_value(self)?;
        crate::secrets::redact_json(&mut value);
        let mut text = serde_json::to_string_pretty(&value)?;
        text.push('\n');
        Ok(text)
    }

    /// Reads a saved results file (or the output of `--format json`, which holds one under `results`) and
    /// recomputes its summary.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let mut value: serde_json::Value = serde_json::from_str(text)?;
        if value.get("format").is_none()
            && let Some(inner) = value.get_mut("results").filter(|v| v.is_object())
        {
            value = inner.take();
        }
        let mut r: EvalResults = serde_json::from_value(value)?;
        if let Records::Memory(all) = &r.records {
            r.outcomes = all.iter().cloned().map(Outcome::of).collect();
        }
        r.summary = summarize(&r.providers, &r.cases, &r.outcomes);
        Ok(r)
    }

    /// Categories in first-seen case order.
    pub fn categories(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.cases {
            if !out.contains(&c.category) {
                out.push(c.category.clone());
            }
        }
        out
    }

    /// Pass rate over all providers, weighted.
    pub fn overall_pass_rate(&self) -> f64 {
        let mut rate = Rate::default();
        let weights: BTreeMap<String, f64> = self.cases.iter().map(|c| (c.key(), c.weight)).collect();
        for r in &self.outcomes {
            rate.add(r.pass, weights.get(&r.key()).copied().unwrap_or(1.0));
        }
        rate.value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(case: &str, provider: &str, pass: bool, words: usize, latency_ms: u64) -> CaseResult {
        CaseResult {
            source: "s".into(),
            case: case.into(),
            provider: provider.into(),
            repeat: 0,
            answer: Some("svar".into()),
            error: None,
            latency_ms,
            prompt_tokens: Some(10),
            completion_tokens: Some(5),
            cost: None,
            words,
            cached: false,
            pass,
            score: if pass { 1.0 } else { 0.0 },
            assertions: vec![AssertionResult {
                kind: "contains".into(),
                pass,
                score: if pass { 1.0 } else { 0.0 },
                weight: 1.0,
                reason: String::new(),
                metric: Some("m".into()),
            }],
        }
    }

    fn case(id: &str, category: &str, weight: f64) -> CaseInfo {
        CaseInfo {
            source: "s".into(),
            id: id.into(),
            category: category.into(),
            description: None,
            prompt: String::new(),
            weight,
            threshold: 1.0,
        }
    }

    #[test]
    fn summary_weights_cases_and_splits_by_category() {
        let providers = vec![ProviderInfo {
            name: "p".into(),
            kind: "openai".into(),
            model: Some("m".into()),
            endpoint: String::new(),
        }];
        let cases = vec![case("a", "x", 3.0), case("b", "y", 1.0)];
        let mut failed = result("b", "p", false, 0, 0);
        failed.answer = None;
        failed.error = Some("HTTP 500".into());
        let results = vec![
            result("a", "p", true, 10, 100),
            failed,
            result("a", "other", false, 1, 1),
        ];
        let results: Vec<Outcome> = results.into_iter().map(Outcome::of).collect();
        let s = &summarize(&providers, &cases, &results)[0];
        assert_eq!((s.results, s.passed, s.errors), (2, 1, 1));
        assert_eq!(s.pass_rate, 0.75, "weight 3 passed of 4");
        assert_eq!(s.by_category.get("x"), Some(&1.0));
        assert_eq!(s.by_category.get("y"), Some(&0.0));
        assert_eq!(s.metrics.get("m"), Some(&0.5));
        assert_eq!(
            (s.latency_p50_ms, s.words_per_answer),
            (100, 10.0),
            "errors have no latency or words"
        );
        assert_eq!((s.prompt_tokens, s.completion_tokens), (10, 5));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 95.0), 95);
        assert_eq!(percentile(&[7], 95.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
    }
}
