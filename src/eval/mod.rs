//! `aispec eval`: run test cases against providers, check the answers, save and compare runs.

pub mod assertions;
pub mod cache;
pub mod compare;
pub mod javascript;
pub mod messages;
pub mod plan;
pub mod promptfoo;
pub mod provider;
pub mod report;
pub mod results;
pub mod rubric;
pub mod runner;
pub mod settings;
pub mod spool;
pub mod text;
pub mod variables;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::UserError;
use crate::workspace::Workspace;

pub use plan::{Plan, Selection};
pub use results::EvalResults;
pub use runner::RunOptions;

/// Folder of saved results.
pub const EVALS_DIR: &str = "evals";

/// Which providers to use: the given names, else `[eval] default_providers`, else every configured provider.
pub fn provider_names(ws: &Workspace, given: &[String]) -> Result<Vec<String>, UserError> {
    let names: Vec<String> = if !given.is_empty() {
        given.to_vec()
    } else if let Some(defaults) = ws.config.eval.as_ref().map(|e| &e.default_providers)
        && !defaults.is_empty()
    {
        defaults.clone()
    } else {
        ws.config.providers.keys().cloned().collect()
    };
    if names.is_empty() {
        return Err(UserError::new("no providers to evaluate with").hint(
            "add [providers.<name>] with base_url and model to aispec.toml, or pass --providers platform:<target>",
        ));
    }
    Ok(names)
}

/// Loads cases and providers and lays out the matrix.
pub fn prepare(
    ws: &Workspace,
    selection: &Selection,
    provider_names: &[String],
    repeat: u32,
    timeout_override: Option<u64>,
) -> Result<Plan, UserError> {
    let cases = plan::load_cases(ws, selection)?;
    if cases.is_empty() {
        return Err(UserError::new("there are no test cases to run")
            .hint("add specialists/<id>/tests.toml, or choose a suite with --suite dansk"));
    }
    let providers = provider::resolve(&ws.config, provider_names, timeout_override)?;
    let (jobs, skipped) = plan::jobs(&cases, &providers, repeat.max(1));
    let judge = if plan::needs_judge(&cases) {
        Some(resolve_judge(ws, timeout_override)?)
    } else {
        None
    };
    let embedder = if plan::uses(&cases, crate::model::cases::AssertionKind::Similar) {
        Some(resolve_embedder(ws, timeout_override)?)
    } else {
        None
    };
    let template_path = plan::judge_template_path(ws.config.workspace.language);
    let judge_template = ws.resource(&template_path).map(|(s, _)| s.text).unwrap_or_default();
    Ok(Plan {
        cases,
        providers,
        judge,
        embedder,
        repeat: repeat.max(1),
        jobs,
        skipped,
        judge_template,
    })
}

fn resolve_judge(ws: &Workspace, timeout_override: Option<u64>) -> Result<provider::ResolvedProvider, UserError> {
    let Some(name) = ws.config.eval.as_ref().and_then(|e| e.judge.clone()) else {
        return Err(
            UserError::new("some cases use llm-rubric, but no judge model is configured")
                .hint("set judge = \"<provider>\" under [eval] in aispec.toml (a provider that grades answers)"),
        );
    };
    let judge = provider::resolve(&ws.config, std::slice::from_ref(&name), timeout_override)?
        .into_iter()
        .next()
        .ok_or_else(|| UserError::new("the judge provider could not be resolved"))?;
    if judge.is_platform() {
        return Err(UserError::new(format!("the judge `{name}` is a platform provider"))
            .hint("use an OpenAI-compatible provider with a fixed model as judge"));
    }
    Ok(judge)
}

fn resolve_embedder(ws: &Workspace, timeout_override: Option<u64>) -> Result<provider::ResolvedProvider, UserError> {
    let Some(name) = ws.config.eval.as_ref().and_then(|e| e.embedder.clone()) else {
        return Err(
            UserError::new("some cases use `similar`, but no embedding model is configured").hint(
                "set embedder = \"<provider>\" under [eval] in aispec.toml (a provider whose model makes embeddings)",
            ),
        );
    };
    let embedder = provider::resolve(&ws.config, std::slice::from_ref(&name), timeout_override)?
        .into_iter()
        .next()
        .ok_or_else(|| UserError::new("the embedding provider could not be resolved"))?;
    if embedder.is_platform() {
        return Err(UserError::new(format!("the embedder `{name}` is a platform provider"))
            .hint("use an OpenAI-compatible provider whose model makes embeddings"));
    }
    Ok(embedder)
}

/// Runs the plan and collects the results.
pub fn execute(
    ws: &Workspace,
    plan: &Plan,
    opts: &RunOptions,
    label: Option<String>,
    on_done: &dyn Fn(),
) -> Result<EvalResults, UserError> {
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let clock = Instant::now();
    let cache = cache::Cache::open(&ws.root, opts.cache.reads());
    let mut spool = spool::SpoolWriter::create(&ws.root, plan.jobs.len()).map_err(|e| {
        UserError::new(format!("cannot create a temporary file for the run's results: {e}")).hint(format!(
            "aispec writes it in {} (or the system's temporary folder)",
            spool::SPOOL_DIR
        ))
    })?;
    let (outcomes, stats) = runner::run(plan, opts, &cache, &mut spool, on_done)?;
    let records = spool
        .finish()
        .map_err(|e| UserError::new(format!("cannot write the run's results to a temporary file: {e}")))?;
    let providers: Vec<provider::ProviderInfo> = plan.providers.iter().map(|p| p.info()).collect();
    let cases: Vec<results::CaseInfo> = plan
        .cases
        .iter()
        .map(|c| results::CaseInfo {
            source: c.source.clone(),
            id: c.case.id.clone(),
            category: c.category().to_owned(),
            description: c.case.description.clone(),
            prompt: c.prompt.clone(),
            weight: c.weight,
            threshold: c.threshold,
        })
        .collect();
    let summary = results::summarize(&providers, &cases, &outcomes);
    Ok(EvalResults {
        format: results::RESULTS_FORMAT,
        started_at,
        duration_ms: clock.elapsed().as_millis() as u64,
        commit: crate::git::open(&ws.root)
            .ok()
            .and_then(|repo| crate::git::head(&repo))
            .map(|id| id.to_string()),
        label,
        repeat: plan.repeat,
        providers,
        cases,
        records: results::Records::Spool(records),
        stats,
        summary,
        outcomes,
    })
}

/// Checks a `--save` name: letters, digits, `-`, `_` and `.`, not starting with a dot.
pub fn check_label(name: &str) -> Result<(), UserError> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name != "latest"
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(UserError::new(format!("`{name}` cannot name a saved run"))
            .hint("use letters, digits, -, _ and . (for example baseline-production); `latest` is reserved"))
    }
}

/// Saves results under `evals/`: `<name>.json`, or a UTC timestamp when no name is given. Returns the relative path.
pub fn save(ws: &Workspace, results: &EvalResults, name: Option<&str>) -> anyhow::Result<PathBuf> {
    let file = match name {
        Some(n) => format!("{n}.json"),
        None => format!("{}.json", results.started_at.replace(':', "-")),
    };
    let rel = Path::new(EVALS_DIR).join(file);
    let text = results.to_saved_json()?;
    crate::fsutil::write_atomic(&ws.path(&rel), text.as_bytes())
        .map_err(|e| UserError::new(format!("cannot write {}: {e}", rel.display())))?;
    Ok(rel)
}

/// Every saved run under `evals/` that can be read, oldest first; unreadable files are returned as problems.
pub fn saved_runs(ws: &Workspace) -> (Vec<(PathBuf, EvalResults)>, Vec<String>) {
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    let names = match ws.files.files_in(Path::new(EVALS_DIR)) {
        Ok(names) => names,
        Err(e) if e.is_missing() => return (runs, problems),
        Err(e) => {
            problems.push(format!("{EVALS_DIR}: {e}"));
            return (runs, problems);
        }
    };
    for name in names.iter().filter(|n| n.ends_with(".json")) {
        let rel = Path::new(EVALS_DIR).join(name);
        match ws
            .files
            .read_text(&rel, crate::fsread::Limit::RESULTS)
            .map_err(|e| e.to_string())
            .and_then(|t| EvalResults::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(r) => runs.push((rel, r)),
            Err(e) => problems.push(format!("{}: {e}", rel.display())),
        }
    }
    runs.sort_by(|a, b| a.1.started_at.cmp(&b.1.started_at).then_with(|| a.0.cmp(&b.0)));
    (runs, problems)
}

/// The baseline for `--compare`: `latest` (the newest saved run), a file path, or a saved name.
pub fn load_baseline(ws: &Workspace, cwd: &Path, spec: &str) -> Result<(String, EvalResults), UserError> {
    let read = |path: &Path, shown: String| -> Result<(String, EvalResults), UserError> {
        // A baseline named as a file may come from elsewhere (another checkout, a CI artefact); it is still read
        // only as a regular file, with a limit.
        let text = crate::fsread::read_file(path, crate::fsread::Limit::RESULTS)
            .and_then(crate::fsread::text)
            .map_err(|e| UserError::new(format!("cannot read {shown}: {e}")).hint(e.hint()))?;
        let r = EvalResults::from_json(&text).map_err(|e| {
            UserError::new(format!("{shown} is not an aispec results file: {e}"))
                .hint("compare with a file written by `aispec eval --save` or `--format json`")
        })?;
        Ok((shown, r))
    };
    if spec == "latest" {
        let (runs, _) = saved_runs(ws);
        return runs
            .into_iter()
            .next_back()
            .map(|(p, r)| (crate::diagnostic::display_path(&p), r))
            .ok_or_else(|| {
                UserError::new("there is no saved run in evals/ to compare with")
                    .hint("save a baseline first: aispec eval … --save")
            });
    }
    let as_path = cwd.join(spec);
    if std::fs::symlink_metadata(&as_path).is_ok_and(|m| !m.is_dir()) {
        return read(&as_path, spec.to_owned());
    }
    let named = Path::new(EVALS_DIR).join(format!("{spec}.json"));
    if ws.files.exists(&named) {
        let real = ws
            .files
            .resolve(&named)
            .map_err(|e| UserError::new(format!("cannot read {}: {e}", named.display())).hint(e.hint()))?;
        return read(&real, crate::diagnostic::display_path(&named));
    }
    let (runs, _) = saved_runs(ws);
    let names: Vec<String> = runs
        .iter()
        .filter_map(|(p, _)| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    Err(
        UserError::new(format!("no saved run `{spec}` (not a file, not {})", named.display())).hint(
            if names.is_empty() {
                "save one first with --save NAME".to_owned()
            } else {
                format!("saved runs: {}, or `latest`", names.join(", "))
            },
        ),
    )
}
