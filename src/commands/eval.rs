//! `aispec eval`: run test cases × providers × repeats, check the answers, report, save and compare.

use std::path::PathBuf;

use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::eval::cache::CacheMode;
use crate::eval::compare::{self, Comparison};
use crate::eval::settings::{Gate, Requested, Settings};
use crate::eval::{self, EvalResults, RunOptions, Selection, report};
use crate::workspace::Workspace;

/// Output format of `eval`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables: pass rate per provider and category, latency, tokens, words, cost, failures.
    #[default]
    Human,
    /// Everything, as JSON.
    Json,
    /// JUnit XML for CI test reports.
    Junit,
    /// A self-contained HTML page with every answer side by side.
    Html,
}

/// Run test cases against models or the deployed platform, check the answers and compare with a saved run.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec eval                                         # every specialist's tests.toml, default providers
  aispec eval korrekturlaeser --providers mistral-small,gpt-oss
  aispec eval --suite dansk --providers a,b,c --repeat 3 --format html --out rapport.html
  aispec eval klarsprog --compare latest              # did my prompt change make answers worse?
  aispec eval --providers platform:production --save=baseline-production
  aispec eval --providers platform:staging --compare baseline-production   # release regression
  aispec eval klarsprog --drafts                      # cases drafted from feedback, before accepting them

Answers are cached in .aispec/cache/eval (keyed by endpoint, model, messages, parameters and repeat);
--refresh asks again, --no-cache neither reads nor writes. Platform answers are never cached.

Exit codes: 0 done; 1 a provider is below --min-pass-rate, or --compare found regressions beyond
--tolerance; 2 usage, configuration or network error (also when every request failed).")]
pub struct Args {
    /// Specialists to evaluate (folder names); default: every specialist with tests.toml, unless --suite is given.
    pub specialists: Vec<crate::id::Id>,
    /// Shared suites to run (`suites/<name>.toml` or a shipped suite such as `dansk`).
    #[arg(long = "suite", value_name = "NAME")]
    pub suites: Vec<String>,
    /// Run the draft cases of `aispec feedback cases` (.aispec/drafts/) instead of tests.toml; not with --save,
    /// since saved runs are committed and drafts are not reviewed yet.
    #[arg(long, conflicts_with_all = ["suites", "save"])]
    pub drafts: bool,
    /// Providers from aispec.toml, comma-separated (or `platform:<target>`); default: [eval] default_providers.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub providers: Vec<String>,
    /// How often to run each case per provider (repeats are real requests, cached separately).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeat: u32,
    /// Requests in flight at most (default: [eval] concurrency, else 8).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: Option<u32>,
    /// Neither read nor write the answer cache.
    #[arg(long, conflicts_with = "refresh")]
    pub no_cache: bool,
    /// Ask again even when an answer is cached, and store the new answers.
    #[arg(long)]
    pub refresh: bool,
    /// Per-request timeout in seconds (overrides the providers' timeout_secs).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Retries after a 429, 5xx, timeout or network error (default: [eval] max_retries, else 3).
    #[arg(long)]
    pub retries: Option<u32>,
    /// Exit 1 when any provider's pass rate is below this share (0–1).
    #[arg(long, value_name = "X")]
    pub min_pass_rate: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Save the results under evals/ (as evals/NAME.json with --save=NAME, else with a timestamp).
    #[arg(long, value_name = "NAME", num_args = 0..=1, require_equals = true)]
    pub save: Option<Option<String>>,
    /// Compare with a saved run: a results file, a name saved with --save=NAME, or `latest`.
    #[arg(long, value_name = "FILE|NAME|latest")]
    pub compare: Option<String>,
    /// Share of compared cases allowed to regress before exiting 1 (default: [eval] tolerance, else 0).
    #[arg(long, value_name = "X")]
    pub tolerance: Option<f64>,
}

/// What `--format json` prints.
#[derive(Debug, Serialize)]
pub struct EvalReport<'a> {
    /// False when a provider is below the minimum pass rate or regressions exceed the tolerance.
    pub ok: bool,
    /// The minimum pass rate applied, if any.
    pub min_pass_rate: Option<f64>,
    /// Providers below it.
    pub below_min_pass_rate: Vec<String>,
    /// Where the results were saved.
    pub saved: Option<String>,
    /// Case × provider pairs that were not run, and why.
    pub skipped: &'a [String],
    /// The run.
    pub results: &'a EvalResults,
    /// The comparison with the baseline.
    pub comparison: Option<&'a Comparison>,
}

/// Runs `eval`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let settings = Settings::resolve(&ws.config, &requested(&args))?;
    let save_name = args.save.clone().map(|n| n.filter(|s| !s.is_empty()));
    if let Some(Some(name)) = &save_name {
        eval::check_label(name)?;
    }
    // Resolve the baseline first, so `--save --compare latest` compares with the previous run.
    let baseline = match &args.compare {
        Some(spec) => Some(eval::load_baseline(&ws, &ctx.cwd, spec)?),
        None => None,
    };
    let selection = Selection {
        specialists: crate::id::strings(&args.specialists),
        suites: args.suites.clone(),
        drafts: args.drafts,
    };
    let names = eval::provider_names(&ws, &args.providers)?;
    let plan = eval::prepare(&ws, &selection, &names, args.repeat, args.timeout)?;
    if let Some(first) = plan.skipped.first() {
        ctx.out.warn(&format!(
            "{} case/provider pair(s) skipped; first: {first}",
            plan.skipped.len()
        ));
    }
    let results = execute(ctx, &ws, &plan, &settings.run, save_name.clone().flatten())?;
    let saved = match &save_name {
        Some(name) => Some(save(ctx, &ws, &results, name.as_deref())?),
        None => None,
    };
    let comparison = baseline
        .as_ref()
        .map(|(shown, base)| compare::compare(&results, base, shown, settings.tolerance));
    if let Some(c) = comparison.as_ref().filter(|c| c.providers.is_empty()) {
        ctx.out.warn(&format!(
            "no provider of this run is in {}, so nothing was compared",
            c.baseline
        ));
    }
    let gate = Gate::of(&results, settings.min_pass_rate, comparison.as_ref());
    let report = EvalReport {
        ok: gate.ok,
        min_pass_rate: settings.min_pass_rate,
        below_min_pass_rate: gate.below.iter().map(|(p, _)| p.clone()).collect(),
        saved,
        skipped: &plan.skipped,
        results: &results,
        comparison: comparison.as_ref(),
    };
    let rendered = render(ctx, &ws, &report, args.format, &settings.currency)?;
    write_report(ctx, args.out.as_deref(), &rendered)?;
    if results.stats.answers > 0 && results.stats.errors == results.stats.answers {
        let first = results
            .outcomes
            .iter()
            .find_map(|r| r.error.clone())
            .unwrap_or_default();
        return Err(UserError::new(format!("every request failed; first error: {first}"))
            .hint("check the providers' base_url, model and API key environment variables")
            .into());
    }
    if let Some(min) = settings.min_pass_rate {
        for (p, rate) in &gate.below {
            ctx.out.warn(&format!(
                "{p} passed {} of the cases, below the minimum {}",
                report::percent(*rate),
                report::percent(min)
            ));
        }
    }
    Ok(if gate.ok {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The flags that override `[eval]` in `aispec.toml`.
fn requested(args: &Args) -> Requested {
    Requested {
        min_pass_rate: args.min_pass_rate,
        tolerance: args.tolerance,
        concurrency: args.concurrency,
        retries: args.retries,
        cache: if args.no_cache {
            CacheMode::Off
        } else if args.refresh {
            CacheMode::Refresh
        } else {
            CacheMode::Use
        },
    }
}

/// Runs the plan with a progress bar.
fn execute(
    ctx: &Ctx,
    ws: &Workspace,
    plan: &eval::Plan,
    opts: &RunOptions,
    label: Option<String>,
) -> anyhow::Result<EvalResults> {
    ctx.out.status(&format!(
        "Evaluating {} case(s) × {} provider(s) × {} repeat(s) = {} answer(s), {} at a time",
        plan.cases.len(),
        plan.providers.len(),
        plan.repeat,
        plan.jobs.len(),
        opts.concurrency
    ));
    let bar = ctx.out.progress(plan.jobs.len() as u64, "eval");
    let results = eval::execute(ws, plan, opts, label, &|| bar.inc(1))?;
    bar.finish_and_clear();
    if results.stats.cache_write_errors > 0 {
        ctx.out.warn(&format!(
            "{} answer(s) could not be written to the cache in {}",
            results.stats.cache_write_errors,
            eval::cache::CACHE_DIR
        ));
    }
    Ok(results)
}

/// Saves the results under `evals/`, under the workspace lock; returns the path shown.
fn save(ctx: &Ctx, ws: &Workspace, results: &EvalResults, name: Option<&str>) -> anyhow::Result<String> {
    let _lock = super::lock_workspace(ctx, ws)?;
    let rel = eval::save(ws, results, name)?;
    ctx.out.status(&format!("Saved the results to {}", rel.display()));
    Ok(crate::diagnostic::display_path(&rel))
}

/// Prints the report, or writes it to `--out`.
fn write_report(ctx: &Ctx, out: Option<&std::path::Path>, rendered: &str) -> anyhow::Result<()> {
    // Reports are shared and committed; no key in use may reach them, whatever a server echoed.
    let rendered = crate::secrets::redact(rendered);
    match out {
        Some(path) => {
            let abs = ctx.cwd.join(path);
            crate::fsutil::write_atomic(&abs, rendered.as_bytes())
                .map_err(|e| UserError::new(format!("cannot write {}: {e}", path.display())))?;
            ctx.out.status(&format!("Wrote the report to {}", path.display()));
        }
        None => ctx.out.print(&rendered)?,
    }
    Ok(())
}

fn render(
    ctx: &Ctx,
    ws: &Workspace,
    report: &EvalReport<'_>,
    format: Format,
    currency: &str,
) -> anyhow::Result<String> {
    Ok(match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(report)?;
            text.push('\n');
            text
        }
        Format::Junit => report::junit(report.results).map_err(read_back)?,
        Format::Human => report::human(report.results, report.comparison, &ctx.out.out, currency),
        Format::Html => {
            let (template, _) = ws
                .resource("templates/eval-report.html.j2")
                .ok_or_else(|| UserError::new("the HTML report template is missing"))?;
            let records = report.results.records.to_vec().map_err(read_back)?;
            report::html(
                report.results,
                &records,
                report.comparison,
                &template.text,
                ws.config.workspace.language.code(),
                currency,
            )
            .map_err(|e| {
                UserError::new(format!("templates/eval-report.html.j2 does not render: {e:#}"))
                    .hint("fix the workspace's copy of the template, or delete it to use the built-in one")
            })?
        }
    })
}

/// The error when the run's records cannot be read back from their temporary file.
fn read_back(e: std::io::Error) -> UserError {
    UserError::new(format!(
        "cannot read the run's results back from their temporary file: {e}"
    ))
}
