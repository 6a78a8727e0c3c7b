//! `aispec models`: the model catalogue with the latest saved evaluation numbers per model.

use std::collections::BTreeMap;

use comfy_table::{Cell, CellAlignment};

use crate::msg;
use crate::output::Color;
use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::eval::{self, EvalResults, report::percent};
use crate::output::Format;
use crate::workspace::Workspace;

/// Show the model catalogue with the latest saved scores per suite, latency, verbosity and cost.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Scores come from runs saved with `aispec eval --save` under evals/; each model shows the newest run
that included it (a provider's `model` links a run to a catalogue entry).

Examples:
  aispec eval --suite dansk --providers mistral-small,gpt-oss --save
  aispec models
  aispec models --format json

Exit codes: 0 shown, 2 usage or file error.")]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The catalogue as `models` reports it.
#[derive(Debug, Serialize)]
pub struct ModelsReport {
    /// One entry per model in the catalogue, then models seen only in saved runs.
    pub models: Vec<ModelEntry>,
    /// Saved runs that could not be read.
    pub unreadable_runs: Vec<String>,
}

/// A model and its latest numbers.
#[derive(Debug, Serialize)]
pub struct ModelEntry {
    /// Model id.
    pub id: String,
    /// Human name (catalogue).
    pub name: Option<String>,
    /// Maker (catalogue).
    pub provider: Option<String>,
    /// Where it runs (catalogue).
    pub hosting: Option<String>,
    /// Most sensitive data class allowed (catalogue).
    pub max_data_class: Option<String>,
    /// Context window in tokens (catalogue).
    pub context_window: Option<u32>,
    /// approved, trial or retired (catalogue).
    pub status: Option<String>,
    /// False when the model appears only in saved runs.
    pub in_catalogue: bool,
    /// Latest pass rate per suite or specialist (key: `suite:<name>` or the specialist id).
    pub scores: BTreeMap<String, Score>,
    /// Numbers from the newest run that included the model.
    pub latest: Option<Latest>,
}

/// A pass rate from a saved run.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// Weighted pass rate, 0–1.
    pub pass_rate: f64,
    /// The results file.
    pub run: String,
    /// When that run started.
    pub started_at: String,
}

/// Speed, verbosity and cost from the newest run.
#[derive(Debug, Clone, Serialize)]
pub struct Latest {
    /// The results file.
    pub run: String,
    /// Median latency, ms.
    pub latency_p50_ms: u64,
    /// Mean words per answer.
    pub words_per_answer: f64,
    /// Mean cost per answer, when priced.
    pub cost_per_answer: Option<f64>,
}

/// Builds the report from the catalogue and saved runs.
pub fn build(ws: &Workspace) -> Result<ModelsReport, UserError> {
    let mut diags = Vec::new();
    let catalog = ws.catalog(&mut diags);
    if let Some(first) = diags.iter().find(|d| d.is_error()) {
        return Err(
            UserError::new(format!("the model catalogue has problems; first: {first}"))
                .hint("run `aispec validate` to see every problem"),
        );
    }
    let (runs, unreadable_runs) = eval::saved_runs(ws);
    let mut scores: BTreeMap<String, BTreeMap<String, Score>> = BTreeMap::new();
    let mut latest: BTreeMap<String, Latest> = BTreeMap::new();
    for (path, run) in &runs {
        absorb(&crate::diagnostic::display_path(path), run, &mut scores, &mut latest);
    }
    let mut models: Vec<ModelEntry> = catalog
        .models
        .iter()
        .map(|m| ModelEntry {
            id: m.id.clone(),
            name: Some(m.name.clone()),
            provider: Some(m.provider.clone()),
            hosting: Some(m.hosting.as_str().to_owned()),
            max_data_class: Some(m.max_data_class.as_str().to_owned()),
            context_window: Some(m.context_window),
            status: Some(m.status.as_str().to_owned()),
            in_catalogue: true,
            scores: scores.remove(&m.id).unwrap_or_default(),
            latest: latest.remove(&m.id),
        })
        .collect();
    for (id, s) in scores {
        models.push(ModelEntry {
            latest: latest.remove(&id),
            id,
            name: None,
            provider: None,
            hosting: None,
            max_data_class: None,
            context_window: None,
            status: None,
            in_catalogue: false,
            scores: s,
        });
    }
    Ok(ModelsReport {
        models,
        unreadable_runs,
    })
}

/// Takes a run's numbers per model; runs come oldest first, so newer ones overwrite.
fn absorb(
    path: &str,
    run: &EvalResults,
    scores: &mut BTreeMap<String, BTreeMap<String, Score>>,
    latest: &mut BTreeMap<String, Latest>,
) {
    for s in &run.summary {
        let Some(model) = &s.model else { continue };
        let answered = s.results.saturating_sub(s.errors);
        for (source, rate) in &s.by_source {
            scores.entry(model.clone()).or_default().insert(
                source.clone(),
                Score {
                    pass_rate: *rate,
                    run: path.to_owned(),
                    started_at: run.started_at.clone(),
                },
            );
        }
        latest.insert(
            model.clone(),
            Latest {
                run: path.to_owned(),
                latency_p50_ms: s.latency_p50_ms,
                words_per_answer: s.words_per_answer,
                cost_per_answer: s.cost.map(|c| c / answered.max(1) as f64),
            },
        );
    }
}

/// Runs `models`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    let report = build(&ws)?;
    for problem in &report.unreadable_runs {
        ctx.out.warn(&msg::f("models.unreadable_run", &[("problem", problem)]));
    }
    match args.format {
        Format::Json => ctx.out.json(&report)?,
        Format::Human => ctx.out.print(&human(&report, &ctx.out.out))?,
    }
    Ok(ExitStatus::Success)
}

fn human(report: &ModelsReport, style: &crate::output::Style) -> String {
    let mut suites: Vec<&String> = report
        .models
        .iter()
        .flat_map(|m| m.scores.keys())
        .filter(|k| k.starts_with("suite:"))
        .collect();
    suites.sort();
    suites.dedup();
    let mut header: Vec<String> = [
        msg::t("models.model"),
        msg::t("models.hosting"),
        msg::t("models.data_class"),
        msg::t("models.context"),
        msg::t("models.status"),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    header.extend(suites.iter().map(|s| s.trim_start_matches("suite:").to_owned()));
    header.extend(
        [msg::t("models.p50"), msg::t("models.words"), msg::t("models.cost")]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    let mut t = crate::output::styled_table(style, header);
    let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
    let dash = || "-".to_owned();
    let word = |section: &str, value: &Option<String>| value.as_deref().map_or_else(dash, |v| msg::label(section, v));
    for m in &report.models {
        let status = match m.status.as_deref() {
            Some("retired") => crate::output::colored(word("model_status", &m.status), Color::Red),
            Some("trial") => crate::output::colored(word("model_status", &m.status), Color::Yellow),
            _ => Cell::new(word("model_status", &m.status)),
        };
        let mut row = vec![
            Cell::new(if m.in_catalogue {
                m.id.clone()
            } else {
                msg::f("models.not_in_catalogue", &[("id", &m.id)])
            }),
            Cell::new(word("hosting_word", &m.hosting)),
            Cell::new(word("data_class_word", &m.max_data_class)),
            right(m.context_window.map_or_else(dash, |c| c.to_string())),
            status,
        ];
        for s in &suites {
            row.push(right(m.scores.get(*s).map_or_else(dash, |x| percent(x.pass_rate))));
        }
        let l = m.latest.as_ref();
        row.push(right(l.map_or_else(dash, |l| l.latency_p50_ms.to_string())));
        row.push(right(l.map_or_else(dash, |l| format!("{:.0}", l.words_per_answer))));
        row.push(right(
            l.and_then(|l| l.cost_per_answer)
                .map_or_else(dash, |c| format!("{c:.5}")),
        ));
        t.add_row(row);
    }
    // Numbers from saved runs go first, then context and hosting; the status and data class stay longest.
    let columns = 5 + suites.len() + 3;
    let mut drop: Vec<usize> = (5..columns).rev().collect();
    drop.extend([3, 1, 2, 4]);
    let hidden = crate::output::fit(&mut t, &[0], &drop);
    let mut out = t.to_string();
    let width = crate::output::term_width();
    if let Some(note) = crate::output::hidden_note(&hidden) {
        out.push_str(&format!("\n{}", crate::output::wrap(&note, width, "")));
    }
    if report.models.iter().all(|m| m.latest.is_none()) {
        out.push_str(&format!(
            "\n{}\n",
            crate::output::wrap(msg::t("models.no_runs"), width, "")
        ));
    }
    out
}
