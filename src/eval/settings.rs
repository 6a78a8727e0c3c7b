//! The settings of one eval run, flags first, then `[eval]` in `aispec.toml`, then the built-in defaults; and
//! the gate that decides whether the run passes.

use super::cache::CacheMode;
use super::compare::Comparison;
use super::results::EvalResults;
use super::runner::{self, RunOptions};
use crate::error::UserError;
use crate::model::config::Config;

/// What the command line asks for; `None` leaves the choice to `[eval]` and the defaults.
#[derive(Debug, Clone, Default)]
pub struct Requested {
    /// `--min-pass-rate`.
    pub min_pass_rate: Option<f64>,
    /// `--tolerance`.
    pub tolerance: Option<f64>,
    /// `--concurrency`.
    pub concurrency: Option<u32>,
    /// `--retries`.
    pub retries: Option<u32>,
    /// How the answer cache is used (`--no-cache`, `--refresh`).
    pub cache: CacheMode,
}

/// The settings a run uses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Pass rate every provider must reach, if any.
    pub min_pass_rate: Option<f64>,
    /// Share of compared cases allowed to regress.
    pub tolerance: f64,
    /// Concurrency, cache, retries and the language of the reasons.
    pub run: RunOptions,
    /// Currency of the provider prices.
    pub currency: String,
}

impl Settings {
    /// Resolves the settings; a share outside 0–1 is an error that names its flag.
    pub fn resolve(config: &Config, requested: &Requested) -> Result<Self, UserError> {
        let eval = config.eval.clone().unwrap_or_default();
        let min_pass_rate = share("--min-pass-rate", requested.min_pass_rate.or(eval.min_pass_rate))?;
        let tolerance = share("--tolerance", requested.tolerance.or(eval.tolerance))?.unwrap_or(0.0);
        let run = RunOptions {
            concurrency: requested
                .concurrency
                .or(eval.concurrency)
                .map_or(runner::DEFAULT_CONCURRENCY, |c| c as usize),
            cache: requested.cache,
            max_retries: requested
                .retries
                .or(eval.max_retries)
                .unwrap_or(runner::DEFAULT_RETRIES),
            language: config.workspace.language,
            ..RunOptions::default()
        };
        Ok(Settings {
            min_pass_rate,
            tolerance,
            run,
            currency: eval.currency.unwrap_or_else(|| "USD".to_owned()),
        })
    }
}

fn share(name: &str, v: Option<f64>) -> Result<Option<f64>, UserError> {
    match v {
        Some(x) if !(0.0..=1.0).contains(&x) => {
            Err(UserError::new(format!("{name} must be between 0 and 1, got {x}")).hint("write 0.8 for 80 %"))
        }
        other => Ok(other),
    }
}

/// Whether a run passes: every provider at or above the minimum pass rate, and no comparison that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// True when the run passes.
    pub ok: bool,
    /// Providers below the minimum pass rate, with their rate.
    pub below: Vec<(String, f64)>,
}

impl Gate {
    /// Applies the minimum pass rate and the comparison's verdict to a run.
    pub fn of(results: &EvalResults, min_pass_rate: Option<f64>, comparison: Option<&Comparison>) -> Self {
        let below: Vec<(String, f64)> = match min_pass_rate {
            Some(min) => results
                .summary
                .iter()
                // A rate that only misses by rounding still passes.
                .filter(|s| s.pass_rate + 1e-9 < min)
                .map(|s| (s.provider.clone(), s.pass_rate))
                .collect(),
            None => Vec::new(),
        };
        let ok = below.is_empty() && !comparison.is_some_and(|c| c.failed);
        Gate { ok, below }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_workspace_and_shares_are_checked() {
        let mut config = Config::default();
        config.eval = Some(crate::model::config::EvalSettings {
            concurrency: Some(3),
            max_retries: Some(1),
            min_pass_rate: Some(0.5),
            ..Default::default()
        });
        let s = Settings::resolve(&config, &Requested::default()).expect("valid");
        assert_eq!(
            (s.run.concurrency, s.run.max_retries, s.min_pass_rate),
            (3, 1, Some(0.5))
        );
        assert_eq!((s.tolerance, s.currency.as_str()), (0.0, "USD"));
        let flags = Requested {
            concurrency: Some(9),
            min_pass_rate: Some(0.9),
            ..Requested::default()
        };
        let s = Settings::resolve(&config, &flags).expect("valid");
        assert_eq!((s.run.concurrency, s.min_pass_rate), (9, Some(0.9)));
        let bad = Requested {
            tolerance: Some(1.5),
            ..Requested::default()
        };
        let e = Settings::resolve(&config, &bad).expect_err("out of range");
        assert!(e.message.contains("--tolerance"), "{}", e.message);
    }
}
