//! Running the matrix: bounded async concurrency, per-request timeouts, retries honouring `Retry-After`, the cache,
//! assertions and the judge.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OnceCell, Semaphore};

use super::assertions::{self, Answer};
use super::cache::{self, Cache, CacheMode};
use super::messages::text;
use super::plan::{Job, Plan};
use super::provider::{self, CallError, ChatAnswer, ChatRequest, ResolvedProvider};
use super::results::{AssertionResult, CaseResult, Outcome, RunStats};
use super::rubric;
use super::spool::{self, SpoolWriter};
use super::text as measure;
use crate::error::UserError;
use crate::http::{self, Transport};
use crate::model::cases::AssertionKind;
use crate::model::config::Language;

/// Default number of requests in flight.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Default number of retries after the first attempt.
pub const DEFAULT_RETRIES: u32 = 3;
/// Tasks alive per request permit: enough that a freed permit always has a task waiting for it.
const TASKS_PER_PERMIT: usize = 4;

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Requests in flight at most.
    pub concurrency: usize,
    /// How the cache is used.
    pub cache: CacheMode,
    /// Retries after the first attempt on 429, 5xx, timeouts and network errors.
    pub max_retries: u32,
    /// First back-off when the server gives no `Retry-After`; doubles each retry.
    pub retry_base: Duration,
    /// Language of assertion reasons.
    pub language: Language,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: DEFAULT_CONCURRENCY,
            cache: CacheMode::Use,
            max_retries: DEFAULT_RETRIES,
            retry_base: Duration::from_millis(500),
            language: Language::Da,
        }
    }
}

#[derive(Default)]
struct Counters {
    from_cache: AtomicU64,
    /// Chat requests sent and retried (the preflight model listing is not counted).
    http: http::Counters,
    judge_calls: AtomicU64,
    judge_from_cache: AtomicU64,
    embedding_calls: AtomicU64,
    embeddings_from_cache: AtomicU64,
}

struct Shared {
    plan: Plan,
    opts: RunOptions,
    cache: Cache,
    transport: Transport,
    permits: Semaphore,
    counters: Counters,
    /// Per platform provider: specialist ids it does not offer.
    missing: HashMap<usize, BTreeSet<String>>,
    /// Gradings of this run by verdict key, so one answer is graded once however many repeats share it.
    verdicts: Flights<Result<rubric::Verdict, Failure>>,
    /// Embeddings of this run by key, so a text shared by many jobs is embedded once.
    embeddings: Flights<Result<Vec<f32>, String>>,
}

/// Runs every job of the plan, appending each finished result to `spool` and returning what the summary needs
/// of each, in plan order; `on_done` is called once per finished job (for a progress bar).
pub fn run(
    plan: &Plan,
    opts: &RunOptions,
    cache: &Cache,
    spool: &mut SpoolWriter,
    on_done: &dyn Fn(),
) -> Result<(Vec<Outcome>, RunStats), UserError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UserError::new(format!("cannot start the async runtime: {e}")))?;
    let outcome = runtime.block_on(run_async(plan, opts, cache, spool, on_done));
    let unwritten = cache.flush();
    outcome.map(|(results, mut stats)| {
        stats.cache_write_errors += unwritten as u64;
        (results, stats)
    })
}

async fn run_async(
    plan: &Plan,
    opts: &RunOptions,
    cache: &Cache,
    spool: &mut SpoolWriter,
    on_done: &dyn Fn(),
) -> Result<(Vec<Outcome>, RunStats), UserError> {
    let options = http::Options {
        timeout: Duration::from_secs(provider::DEFAULT_TIMEOUT_SECS),
        retry: http::RetryPolicy {
            retries: opts.max_retries,
            base: opts.retry_base,
        },
        idle_per_host: Some(opts.concurrency.max(1)),
    };
    let transport = Transport::new(options, Vec::new())
        .map_err(|e| UserError::new(format!("cannot build the HTTP client: {e}")))?;
    let missing = preflight(&transport, plan).await?;
    let shared = Arc::new(Shared {
        plan: plan.clone(),
        opts: opts.clone(),
        cache: cache.clone(),
        transport,
        permits: Semaphore::new(opts.concurrency.max(1)),
        counters: Counters::default(),
        missing,
        verdicts: Flights::default(),
        embeddings: Flights::default(),
    });
    // Jobs are started as earlier ones finish, a window ahead of the permits: a task waiting for its turn costs
    // kilobytes, and 40,000 of them at once cost more than everything else a large run holds.
    let window = opts.concurrency.max(1).saturating_mul(TASKS_PER_PERMIT);
    let mut waiting = plan.jobs.iter().copied().enumerate();
    let mut set = tokio::task::JoinSet::new();
    let start = |set: &mut tokio::task::JoinSet<(usize, CaseResult)>, (i, job): (usize, Job)| {
        let shared = Arc::clone(&shared);
        set.spawn(async move { (i, run_job(&shared, job).await) });
    };
    for next in waiting.by_ref().take(window) {
        start(&mut set, next);
    }
    let mut results: Vec<Option<Outcome>> = vec![None; plan.jobs.len()];
    let mut unwritten = 0;
    while let Some(joined) = set.join_next().await {
        let (i, result) = joined.map_err(|e| UserError::new(format!("an evaluation task failed: {e}")))?;
        // The answer goes to disk; only what the summary needs stays in memory.
        spool.append(i, &result).map_err(|e| {
            UserError::new(format!("cannot write the run's results to a temporary file: {e}")).hint(format!(
                "aispec keeps them in {} while it runs; check that the disk has room",
                spool::SPOOL_DIR
            ))
        })?;
        results[i] = Some(Outcome::of(result));
        if let Some(next) = waiting.next() {
            start(&mut set, next);
        }
        on_done();
        if cache.pending_len() >= cache::FLUSH_EVERY {
            // A long run keeps its answers even when it is interrupted later.
            unwritten += cache.flush();
        }
    }
    let results: Vec<Outcome> = results.into_iter().flatten().collect();
    let c = &shared.counters;
    let (requests, retries) = c.http.get();
    let stats = RunStats {
        answers: results.len() as u64,
        from_cache: c.from_cache.load(Ordering::Relaxed),
        requests,
        retries,
        errors: results.iter().filter(|r| !r.answered).count() as u64,
        judge_calls: c.judge_calls.load(Ordering::Relaxed),
        judge_from_cache: c.judge_from_cache.load(Ordering::Relaxed),
        embedding_calls: c.embedding_calls.load(Ordering::Relaxed),
        embeddings_from_cache: c.embeddings_from_cache.load(Ordering::Relaxed),
        cache_write_errors: unwritten as u64,
    };
    Ok((results, stats))
}

/// Asks each platform provider which models it offers (Open WebUI needs this once after deploys anyway) and
/// notes the specialists it lacks.
async fn preflight(transport: &Transport, plan: &Plan) -> Result<HashMap<usize, BTreeSet<String>>, UserError> {
    let mut missing = HashMap::new();
    for (pi, p) in plan.providers.iter().enumerate().filter(|(_, p)| p.is_platform()) {
        let offered: BTreeSet<String> = provider::platform_models(transport, p)
            .await
            .map_err(|e| {
                let url = match &p.kind {
                    provider::ProviderKind::Platform { url, .. } => provider::platform_models_url(url),
                    provider::ProviderKind::OpenAi { .. } => p.endpoint(),
                };
                UserError::new(format!("cannot list the models on {} ({url}): {e}", p.name))
                    .hint("check the target's url and API key; `aispec plan` shows whether the platform is reachable")
            })?
            .into_iter()
            .collect();
        let wanted: BTreeSet<String> = plan
            .jobs
            .iter()
            .filter(|j| j.provider == pi)
            .filter_map(|j| plan.cases[j.case].request(p).map(|r| r.model))
            .collect();
        let lacking: BTreeSet<String> = wanted.difference(&offered).cloned().collect();
        if !lacking.is_empty() {
            missing.insert(pi, lacking);
        }
    }
    Ok(missing)
}

async fn run_job(shared: &Shared, job: Job) -> CaseResult {
    let plan = &shared.plan;
    let case = &plan.cases[job.case];
    let provider = &plan.providers[job.provider];
    let mut result = CaseResult {
        source: case.source.clone(),
        case: case.case.id.clone(),
        provider: provider.name.clone(),
        repeat: job.repeat,
        answer: None,
        error: None,
        latency_ms: 0,
        prompt_tokens: None,
        completion_tokens: None,
        cost: None,
        words: 0,
        cached: false,
        pass: false,
        score: 0.0,
        assertions: Vec::new(),
    };
    let Some(request) = case.request(provider) else {
        result.error = Some("the provider cannot run this case".to_owned());
        return result;
    };
    if shared
        .missing
        .get(&job.provider)
        .is_some_and(|m| m.contains(&request.model))
    {
        result.error = Some(format!(
            "`{}` is not on {} (GET /api/models does not list it); deploy it first",
            request.model, provider.name
        ));
        return result;
    }
    let answer = match ask(shared, provider, &request, job.repeat).await {
        Ok((answer, cached, key)) => {
            if let Some(key) = key.filter(|_| !cached) {
                store(shared, key, &answer);
            }
            result.cached = cached;
            answer
        }
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    };
    result.latency_ms = answer.latency_ms;
    result.prompt_tokens = answer.prompt_tokens;
    result.completion_tokens = answer.completion_tokens;
    result.cost = provider.cost(answer.prompt_tokens, answer.completion_tokens);
    result.words = measure::word_count(&answer.text);
    let lang = shared.opts.language;
    let view = Answer {
        text: &answer.text,
        latency_ms: answer.latency_ms,
        cost: result.cost,
        prompt: &case.prompt,
        vars: &case.case.vars,
    };
    for a in &case.case.asserts {
        let r = match assertions::evaluate(a, view, lang) {
            Some(r) => r,
            None if a.typed().is_some_and(|(k, _)| k == AssertionKind::Similar) => {
                similar(shared, a, &answer.text).await
            }
            None => judge(shared, a, &case.prompt, &answer.text).await,
        };
        result.assertions.push(r);
    }
    let (pass, score) = assertions::case_outcome(&result.assertions, case.threshold);
    result.pass = pass;
    result.score = score;
    result.answer = Some(answer.text);
    result
}

async fn judge(shared: &Shared, a: &crate::model::cases::Assertion, question: &str, answer: &str) -> AssertionResult {
    let lang = shared.opts.language;
    let failed = |error: String| assertions::result(a, false, 0.0, text(lang, "rubric-failed", &[("error", error)]));
    let rubric_text = a.value.as_ref().and_then(|v| v.as_str()).unwrap_or_default();
    let Some(judge) = &shared.plan.judge else {
        return failed("no judge configured".to_owned());
    };
    let model = judge.model_for(None).unwrap_or_default();
    let template = &shared.plan.judge_template;
    let key = (shared.opts.cache != CacheMode::Off)
        .then(|| cache::verdict_key(&judge.endpoint(), &model, template, rubric_text, question, answer));
    let verdict = match key {
        Some(k) => {
            // One grading per key and run: repeats with the same answer wait for the first instead of asking too.
            let (outcome, fresh) = shared
                .verdicts
                .once(&k, || {
                    grade(shared, judge, &model, question, answer, rubric_text, Some(&k))
                })
                .await;
            if !fresh && outcome.is_ok() {
                shared.counters.judge_from_cache.fetch_add(1, Ordering::Relaxed);
            }
            outcome
        }
        None => grade(shared, judge, &model, question, answer, rubric_text, None).await,
    };
    let verdict = match verdict {
        Ok(v) => v,
        Err(Failure::Call(e)) => return failed(e),
        // An unreadable verdict is never cached and never a pass, negated or not.
        Err(Failure::Unreadable(e)) => {
            return assertions::result(a, false, 0.0, text(lang, "rubric-unreadable", &[("error", e)]));
        }
    };
    let meets = verdict.pass && a.threshold.is_none_or(|t| verdict.score >= t);
    let (_, negated) = a.base_kind();
    let pass = meets != negated;
    let score = if negated { 1.0 - verdict.score } else { verdict.score };
    assertions::result(a, pass, score, verdict.reason)
}

/// Work done once per key and run, however many jobs need it at the same time.
struct Flights<T>(Mutex<HashMap<String, Arc<OnceCell<T>>>>);

impl<T> Default for Flights<T> {
    fn default() -> Self {
        Flights(Mutex::default())
    }
}

impl<T: Clone> Flights<T> {
    /// The value for `key`: computed by `work` for the first caller, awaited by the others. Returns whether this
    /// caller computed it.
    async fn once<F, Fut>(&self, key: &str, work: F) -> (T, bool)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let cell = Arc::clone(
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key.to_owned())
                .or_default(),
        );
        let mut fresh = false;
        let value = cell
            .get_or_init(|| {
                fresh = true;
                work()
            })
            .await
            .clone();
        (value, fresh)
    }
}

/// Why a grading has no verdict.
#[derive(Debug, Clone)]
enum Failure {
    /// The judge could not be asked.
    Call(String),
    /// The judge's answer was not a verdict.
    Unreadable(String),
}

/// A verdict from the cache, else from the judge (then stored under `key`).
async fn grade(
    shared: &Shared,
    judge: &ResolvedProvider,
    model: &str,
    question: &str,
    answer: &str,
    rubric_text: &str,
    key: Option<&str>,
) -> Result<rubric::Verdict, Failure> {
    let mode = shared.opts.cache;
    if mode.reads()
        && let Some(v) = key.and_then(|k| shared.cache.verdict(k))
    {
        shared.counters.judge_from_cache.fetch_add(1, Ordering::Relaxed);
        return Ok(v);
    }
    let request = rubric::judge_request(&shared.plan.judge_template, model, question, answer, rubric_text)
        .map_err(Failure::Call)?;
    shared.counters.judge_calls.fetch_add(1, Ordering::Relaxed);
    let reply = send(shared, judge, &request)
        .await
        .map_err(|e| Failure::Call(e.to_string()))?;
    let verdict = rubric::parse_verdict(&reply.text).map_err(Failure::Unreadable)?;
    if let Some(k) = key.filter(|_| mode.writes()) {
        shared
            .cache
            .put_entry(k.to_owned(), cache::Entry::Verdict(verdict.clone()));
    }
    Ok(verdict)
}

/// `similar`: the cosine similarity of the answer's and the expected text's embeddings.
async fn similar(shared: &Shared, a: &crate::model::cases::Assertion, answer: &str) -> AssertionResult {
    let lang = shared.opts.language;
    let failed = |error: String| assertions::result(a, false, 0.0, text(lang, "embedding-failed", &[("error", error)]));
    let Some(expected) = a.value.as_ref().and_then(|v| v.as_str()) else {
        let problem = "`value` must be the expected text".to_owned();
        return assertions::result(a, false, 0.0, text(lang, "bad-value", &[("problem", problem)]));
    };
    let Some(embedder) = &shared.plan.embedder else {
        return failed("no embedder configured".to_owned());
    };
    let got = match embedding(shared, embedder, answer).await {
        Ok(v) => v,
        Err(e) => return failed(e),
    };
    let want = match embedding(shared, embedder, expected).await {
        Ok(v) => v,
        Err(e) => return failed(e),
    };
    assertions::similarity_result(a, assertions::cosine(&got, &want), lang)
}

/// An embedding from the cache, from earlier in this run, or from the embedder (then cached).
async fn embedding(shared: &Shared, embedder: &ResolvedProvider, input: &str) -> Result<Vec<f32>, String> {
    let mode = shared.opts.cache;
    let model = embedder.model_for(None).unwrap_or_default();
    let key = cache::embedding_key(&provider::embeddings_url(embedder), &model, input);
    if mode.reads()
        && let Some(v) = shared.cache.embedding(&key)
    {
        shared.counters.embeddings_from_cache.fetch_add(1, Ordering::Relaxed);
        return Ok(v);
    }
    let fetch = || async {
        let _permit = shared.permits.acquire().await.map_err(|e| e.to_string())?;
        shared.counters.embedding_calls.fetch_add(1, Ordering::Relaxed);
        let v = provider::embed(&shared.transport, embedder, input, Some(&shared.counters.http))
            .await
            .map_err(|e| e.to_string())?;
        if mode.writes() {
            shared.cache.put_entry(key.clone(), cache::Entry::Embedding(v.clone()));
        }
        Ok(v)
    };
    let (value, fresh) = shared.embeddings.once(&key, fetch).await;
    if !fresh && value.is_ok() {
        shared.counters.embeddings_from_cache.fetch_add(1, Ordering::Relaxed);
    }
    value
}

/// Sends one request within the concurrency limit, bypassing the answer cache.
async fn send(shared: &Shared, provider: &ResolvedProvider, request: &ChatRequest) -> Result<ChatAnswer, CallError> {
    let _permit = shared
        .permits
        .acquire()
        .await
        .map_err(|e| CallError::BadResponse(e.to_string()))?;
    provider::chat(&shared.transport, provider, request, Some(&shared.counters.http)).await
}

/// An answer from the cache or the endpoint: (answer, from cache, cache key when cacheable).
async fn ask(
    shared: &Shared,
    provider: &ResolvedProvider,
    request: &ChatRequest,
    repeat: u32,
) -> Result<(ChatAnswer, bool, Option<String>), CallError> {
    let mode = shared.opts.cache;
    let key =
        (provider.cacheable() && mode != CacheMode::Off).then(|| cache::key(&provider.endpoint(), request, repeat));
    if mode.reads()
        && let Some(k) = &key
        && let Some(hit) = shared.cache.get(k)
    {
        shared.counters.from_cache.fetch_add(1, Ordering::Relaxed);
        return Ok((hit, true, key));
    }
    let answer = send(shared, provider, request).await?;
    Ok((answer, false, key.filter(|_| mode.writes())))
}

/// Queues a cache entry; it is written with the next pack.
fn store(shared: &Shared, key: String, answer: &ChatAnswer) {
    shared.cache.put(key, answer.clone());
}
