//! Comparing a run with a saved one: which cases flipped, by how much scores and verbosity moved, and whether a
//! change is a regression or noise (flaky) when cases were repeated.

use std::collections::BTreeMap;

use serde::Serialize;

use super::results::{EvalResults, Outcome};

/// What happened to one case on one provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Passes less often, beyond noise.
    Regressed,
    /// Passes more often, beyond noise.
    Improved,
    /// The pass rate moved within noise, or the case is unstable on either side.
    Flaky,
    /// Same pass rate.
    Unchanged,
    /// Not in the baseline.
    New,
    /// Only in the baseline.
    Removed,
}

/// One side of a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// Share of runs that passed.
    pub pass_rate: f64,
    /// Runs (repeats).
    pub runs: usize,
    /// Mean score.
    pub score: f64,
    /// Mean words per answer.
    pub words: f64,
}

/// A case × provider compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseChange {
    /// `source/case`.
    pub case: String,
    /// Provider name in this run.
    pub provider: String,
    /// The verdict.
    pub status: Status,
    /// In the baseline.
    pub base: Option<Side>,
    /// In this run.
    pub head: Option<Side>,
    /// Relative change in words per answer (0.25 = a quarter longer), when both sides answered.
    pub verbosity_change: Option<f64>,
}

/// A provider's numbers side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderDelta {
    /// Provider in this run.
    pub provider: String,
    /// Provider it was compared with in the baseline.
    pub base_provider: String,
    /// Pass rate in the baseline and now.
    pub pass_rate: (f64, f64),
    /// Mean score in the baseline and now.
    pub mean_score: (f64, f64),
    /// Words per answer in the baseline and now.
    pub words_per_answer: (f64, f64),
    /// Median latency in the baseline and now.
    pub latency_p50_ms: (u64, u64),
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Where the baseline came from (file path).
    pub baseline: String,
    /// When the baseline ran.
    pub baseline_started_at: String,
    /// The baseline's commit, when known.
    pub baseline_commit: Option<String>,
    /// Providers side by side.
    pub providers: Vec<ProviderDelta>,
    /// Every case × provider that is not unchanged, regressions first.
    pub changes: Vec<CaseChange>,
    /// How many of each status.
    pub counts: BTreeMap<String, usize>,
    /// Weighted share of compared cases that regressed.
    pub regressed_share: f64,
    /// Largest share allowed (`--tolerance`).
    pub tolerance: f64,
    /// True when regressions exceed the tolerance.
    pub failed: bool,
}

/// Relative verbosity change reported as notable.
pub const NOTABLE_VERBOSITY: f64 = 0.25;
/// Score change reported as notable.
pub const NOTABLE_SCORE: f64 = 0.1;

/// Which baseline provider each provider of this run is compared with: same name, or — when both runs have
/// exactly one provider — each other (so `platform:staging` compares with a `platform:production` baseline).
pub fn pair_providers(head: &EvalResults, base: &EvalResults) -> Vec<(String, String)> {
    if head.providers.len() == 1
        && base.providers.len() == 1
        && !base.providers.iter().any(|b| b.name == head.providers[0].name)
    {
        return vec![(head.providers[0].name.clone(), base.providers[0].name.clone())];
    }
    head.providers
        .iter()
        .filter(|h| base.providers.iter().any(|b| b.name == h.name))
        .map(|h| (h.name.clone(), h.name.clone()))
        .collect()
}

fn group<'a>(r: &'a EvalResults, provider: &str) -> BTreeMap<String, Vec<&'a Outcome>> {
    let mut m: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
    for x in r.outcomes.iter().filter(|x| x.provider == provider) {
        m.entry(x.key()).or_default().push(x);
    }
    m
}

fn side(results: &[&Outcome]) -> Option<Side> {
    if results.is_empty() {
        return None;
    }
    let n = results.len() as f64;
    let answered: Vec<&&Outcome> = results.iter().filter(|r| r.answered).collect();
    Some(Side {
        pass_rate: results.iter().filter(|r| r.pass).count() as f64 / n,
        runs: results.len(),
        score: results.iter().map(|r| r.score).sum::<f64>() / n,
        words: if answered.is_empty() {
            0.0
        } else {
            answered.iter().map(|r| r.words as f64).sum::<f64>() / answered.len() as f64
        },
    })
}

/// Regressed, improved, flaky or unchanged, from the pass rates and run counts on both sides.
pub fn classify(base: &Side, head: &Side) -> Status {
    let delta = head.pass_rate - base.pass_rate;
    if delta.abs() < 1e-9 {
        let mixed = |s: &Side| s.pass_rate > 0.0 && s.pass_rate < 1.0;
        return if mixed(base) || mixed(head) {
            Status::Flaky
        } else {
            Status::Unchanged
        };
    }
    let direction = if delta < 0.0 {
        Status::Regressed
    } else {
        Status::Improved
    };
    let mixed = |s: &Side| s.pass_rate > 1e-9 && s.pass_rate < 1.0 - 1e-9;
    if !mixed(base) && !mixed(head) {
        // Every run agreed on both sides: a clean flip.
        return direction;
    }
    // Two standard errors of the difference of two proportions (pooled): moves inside that are noise.
    let (n1, n2) = (base.runs as f64, head.runs as f64);
    let pooled = (base.pass_rate * n1 + head.pass_rate * n2) / (n1 + n2);
    let noise = 2.0 * (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if delta.abs() > noise { direction } else { Status::Flaky }
}

/// Compares this run (`head`) with a baseline.
pub fn compare(head: &EvalResults, base: &EvalResults, baseline: &str, tolerance: f64) -> Comparison {
    let pairs = pair_providers(head, base);
    let weights: BTreeMap<String, f64> = head
        .cases
        .iter()
        .chain(&base.cases)
        .map(|c| (c.key(), c.weight))
        .collect();
    let mut changes = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let (mut regressed_w, mut compared_w) = (0.0, 0.0);
    for (h, b) in &pairs {
        let hg = group(head, h);
        let bg = group(base, b);
        let keys: std::collections::BTreeSet<&String> = hg.keys().chain(bg.keys()).collect();
        for key in keys {
            let hs = hg.get(key).and_then(|v| side(v));
            let bs = bg.get(key).and_then(|v| side(v));
            let status = match (&bs, &hs) {
                (Some(b), Some(h)) => classify(b, h),
                (None, Some(_)) => Status::New,
                _ => Status::Removed,
            };
            let weight = weights.get(key).copied().unwrap_or(1.0);
            if bs.is_some() && hs.is_some() {
                compared_w += weight;
                if status == Status::Regressed {
                    regressed_w += weight;
                }
            }
            let verbosity_change = match (&bs, &hs) {
                (Some(b), Some(h)) if b.words > 0.0 && h.words > 0.0 => Some(h.words / b.words - 1.0),
                _ => None,
            };
            let notable = status != Status::Unchanged
                || verbosity_change.is_some_and(|v| v.abs() >= NOTABLE_VERBOSITY)
                || matches!((&bs, &hs), (Some(b), Some(h)) if (h.score - b.score).abs() >= NOTABLE_SCORE);
            *counts.entry(status_name(status).to_owned()).or_default() += 1;
            if notable {
                changes.push(CaseChange {
                    case: key.clone(),
                    provider: h.clone(),
                    status,
                    base: bs,
                    head: hs,
                    verbosity_change,
                });
            }
        }
    }
    changes.sort_by(|a, b| (a.status, &a.case, &a.provider).cmp(&(b.status, &b.case, &b.provider)));
    let providers = provider_deltas(head, base, &pairs);
    let regressed_share = if compared_w > 0.0 {
        regressed_w / compared_w
    } else {
        0.0
    };
    Comparison {
        baseline: baseline.to_owned(),
        baseline_started_at: base.started_at.clone(),
        baseline_commit: base.commit.clone(),
        providers,
        changes,
        counts,
        regressed_share,
        tolerance,
        failed: regressed_share > tolerance + 1e-9,
    }
}

/// Each paired provider's numbers, baseline → this run.
fn provider_deltas(head: &EvalResults, base: &EvalResults, pairs: &[(String, String)]) -> Vec<ProviderDelta> {
    pairs
        .iter()
        .filter_map(|(h, b)| {
            let hs = head.summary.iter().find(|s| &s.provider == h)?;
            let bs = base.summary.iter().find(|s| &s.provider == b)?;
            Some(ProviderDelta {
                provider: h.clone(),
                base_provider: b.clone(),
                pass_rate: (bs.pass_rate, hs.pass_rate),
                mean_score: (bs.mean_score, hs.mean_score),
                words_per_answer: (bs.words_per_answer, hs.words_per_answer),
                latency_p50_ms: (bs.latency_p50_ms, hs.latency_p50_ms),
            })
        })
        .collect()
}

/// The word used in reports.
pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Regressed => "regressed",
        Status::Improved => "improved",
        Status::Flaky => "flaky",
        Status::Unchanged => "unchanged",
        Status::New => "new",
        Status::Removed => "removed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(pass_rate: f64, runs: usize) -> Side {
        Side {
            pass_rate,
            runs,
            score: pass_rate,
            words: 10.0,
        }
    }

    #[test]
    fn single_runs_flip_cleanly() {
        assert_eq!(classify(&s(1.0, 1), &s(0.0, 1)), Status::Regressed);
        assert_eq!(classify(&s(0.0, 1), &s(1.0, 1)), Status::Improved);
        assert_eq!(classify(&s(1.0, 1), &s(1.0, 1)), Status::Unchanged);
    }

    #[test]
    fn repeats_separate_noise_from_regressions() {
        // All three passed before, one of three now: within noise for three runs.
        assert_eq!(classify(&s(1.0, 3), &s(1.0 / 3.0, 3)), Status::Flaky);
        // Every run failed now: a regression.
        assert_eq!(classify(&s(1.0, 3), &s(0.0, 3)), Status::Regressed);
        // Ten runs each, 100 % to 40 %: beyond noise.
        assert_eq!(classify(&s(1.0, 10), &s(0.4, 10)), Status::Regressed);
        // Unstable both times at the same rate.
        assert_eq!(classify(&s(0.5, 4), &s(0.5, 4)), Status::Flaky);
    }
}
