//! Rendering results: human tables, JUnit XML for CI, and the HTML report (a minijinja template).

use std::fmt::Write as _;

use comfy_table::{Cell, CellAlignment};
use serde::Serialize;

use super::compare::{Comparison, Status, status_name};
use super::results::{CaseResult, EvalResults, Outcome, ProviderSummary};
use crate::output::{Style, table};

/// Failures listed in the human report before the rest is summed up.
pub const MAX_LISTED_FAILURES: usize = 40;

/// A share as a whole percentage.
pub fn percent(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

fn money(v: Option<f64>, currency: &str) -> String {
    v.map_or_else(|| "-".to_owned(), |c| format!("{c:.4} {currency}"))
}

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

/// The human report: pass-rate matrix, provider numbers, failures, run stats and the comparison.
pub fn human(r: &EvalResults, comparison: Option<&Comparison>, style: &Style, currency: &str) -> String {
    let mut out = String::new();
    let categories = r.categories();
    let mut matrix = per_provider(r, "Category", &categories, |s, cat| {
        s.by_category.get(cat).map(|v| percent(*v))
    });
    let mut total = vec![Cell::new(style.bold("All"))];
    total.extend(r.summary.iter().map(|s| right(percent(s.pass_rate))));
    matrix.add_row(total);
    let _ = writeln!(out, "{}", style.bold("Pass rate by category"));
    let _ = writeln!(out, "{matrix}");

    let sources = keys(r.summary.iter().flat_map(|s| s.by_source.keys()));
    if sources.len() > 1 {
        let t = per_provider(r, "Specialist or suite", &sources, |s, src| {
            s.by_source.get(src).map(|v| percent(*v))
        });
        let _ = writeln!(out, "\n{}", style.bold("Pass rate by specialist or suite"));
        let _ = writeln!(out, "{t}");
    }
    let _ = writeln!(out, "\n{}", style.bold("Providers"));
    let _ = writeln!(out, "{}", providers(r, currency));
    let metrics = keys(r.summary.iter().flat_map(|s| s.metrics.keys()));
    if !metrics.is_empty() {
        let t = per_provider(r, "Metric", &metrics, |s, m| {
            s.metrics.get(m).map(|v| format!("{v:.2}"))
        });
        let _ = writeln!(out, "\n{}", style.bold("Metrics (mean score)"));
        let _ = writeln!(out, "{t}");
    }
    failures(&mut out, r, style);
    let st = &r.stats;
    let _ = writeln!(
        out,
        "\n{} answers ({} from cache), {} requests, {} retries, {} errors, {} judge calls ({} verdicts from cache) in {:.1} s",
        st.answers,
        st.from_cache,
        st.requests,
        st.retries,
        st.errors,
        st.judge_calls,
        st.judge_from_cache,
        r.duration_ms as f64 / 1000.0
    );
    if let Some(c) = comparison {
        out.push('\n');
        out.push_str(&human_comparison(c, style));
    }
    out
}

/// The distinct keys, sorted.
fn keys<'a>(all: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut k: Vec<String> = all.cloned().collect();
    k.sort();
    k.dedup();
    k
}

/// A table with one row per key and one column per provider; `-` where a provider has no value.
fn per_provider(
    r: &EvalResults,
    first: &str,
    rows: &[String],
    value: impl Fn(&ProviderSummary, &str) -> Option<String>,
) -> comfy_table::Table {
    let mut header = vec![Cell::new(first)];
    header.extend(r.summary.iter().map(|s| Cell::new(&s.provider)));
    let mut t = table(header);
    for key in rows {
        let mut row = vec![Cell::new(key)];
        row.extend(
            r.summary
                .iter()
                .map(|s| right(value(s, key).unwrap_or_else(|| "-".to_owned()))),
        );
        t.add_row(row);
    }
    t
}

/// One row of numbers per provider.
fn providers(r: &EvalResults, currency: &str) -> comfy_table::Table {
    let mut providers = table([
        "Provider",
        "Model",
        "Passed",
        "Errors",
        "Score",
        "p50 ms",
        "p95 ms",
        "Tokens in/out",
        "Words/answer",
        "Cost",
    ]);
    for s in &r.summary {
        providers.add_row(vec![
            Cell::new(&s.provider),
            Cell::new(s.model.as_deref().unwrap_or("(per specialist)")),
            right(format!("{}/{}", s.passed, s.results)),
            right(s.errors.to_string()),
            right(format!("{:.2}", s.mean_score)),
            right(s.latency_p50_ms.to_string()),
            right(s.latency_p95_ms.to_string()),
            right(format!("{}/{}", s.prompt_tokens, s.completion_tokens)),
            right(format!("{:.0}", s.words_per_answer)),
            right(money(s.cost, currency)),
        ]);
    }
    providers
}

fn failures(out: &mut String, r: &EvalResults, style: &Style) {
    let failed: Vec<&Outcome> = r.outcomes.iter().filter(|x| !x.pass).collect();
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", style.bold("Failures"));
    for x in failed.iter().take(MAX_LISTED_FAILURES) {
        let repeat = if r.repeat > 1 {
            format!(" #{}", x.repeat + 1)
        } else {
            String::new()
        };
        let _ = writeln!(out, "{} {} on {}{repeat}", style.red("✗"), x.key(), x.provider);
        if let Some(e) = &x.error {
            let _ = writeln!(out, "    error: {e}");
        }
        for (kind, reason) in &x.failed {
            let _ = writeln!(out, "    {kind}: {reason}");
        }
    }
    if failed.len() > MAX_LISTED_FAILURES {
        let _ = writeln!(
            out,
            "… and {} more (see --format html or json)",
            failed.len() - MAX_LISTED_FAILURES
        );
    }
}

/// The comparison section of the human report.
pub fn human_comparison(c: &Comparison, style: &Style) -> String {
    let mut out = String::new();
    let commit = c
        .baseline_commit
        .as_deref()
        .map(|s| format!(", commit {}", &s[..s.len().min(12)]))
        .unwrap_or_default();
    let title = format!("Compared with {} ({}{commit})", c.baseline, c.baseline_started_at);
    let _ = writeln!(out, "{}", style.bold(&title));
    let mut t = table(["Provider", "Baseline", "Pass rate", "Score", "Words/answer", "p50 ms"]);
    for p in &c.providers {
        let arrow = |a: String, b: String| format!("{a} → {b}");
        t.add_row(vec![
            Cell::new(&p.provider),
            Cell::new(&p.base_provider),
            right(arrow(percent(p.pass_rate.0), percent(p.pass_rate.1))),
            right(arrow(
                format!("{:.2}", p.mean_score.0),
                format!("{:.2}", p.mean_score.1),
            )),
            right(arrow(
                format!("{:.0}", p.words_per_answer.0),
                format!("{:.0}", p.words_per_answer.1),
            )),
            right(arrow(p.latency_p50_ms.0.to_string(), p.latency_p50_ms.1.to_string())),
        ]);
    }
    let _ = writeln!(out, "{t}");
    if !c.changes.is_empty() {
        let _ = writeln!(out, "{}", changes(c, style));
    }
    let count = |k: &str| c.counts.get(k).copied().unwrap_or(0);
    let verdict = format!(
        "{} regressed, {} improved, {} flaky, {} unchanged; regressed share {} (tolerance {})",
        count("regressed"),
        count("improved"),
        count("flaky"),
        count("unchanged"),
        percent(c.regressed_share),
        percent(c.tolerance)
    );
    let verdict = if c.failed {
        style.red(&format!("✗ {verdict}"))
    } else {
        style.green(&format!("✓ {verdict}"))
    };
    let _ = writeln!(out, "{verdict}");
    out
}

/// One row per case whose result changed.
fn changes(c: &Comparison, style: &Style) -> comfy_table::Table {
    // Colour on the cell, not in its text: comfy-table then measures the word without the colour codes.
    let mut t = crate::output::styled_table(style, ["Change", "Case", "Provider", "Pass rate", "Score", "Words"]);
    for ch in &c.changes {
        let name = status_name(ch.status);
        let label = match ch.status {
            Status::Regressed => crate::output::colored(name, crate::output::Color::Red),
            Status::Improved => crate::output::colored(name, crate::output::Color::Green),
            Status::Flaky => crate::output::colored(name, crate::output::Color::Yellow),
            _ => Cell::new(name),
        };
        let pair = |f: &dyn Fn(&super::compare::Side) -> String| {
            format!(
                "{} → {}",
                ch.base.as_ref().map_or("-".to_owned(), f),
                ch.head.as_ref().map_or("-".to_owned(), f)
            )
        };
        let words = match ch.verbosity_change {
            Some(v) => format!("{} ({:+.0} %)", pair(&|s| format!("{:.0}", s.words)), v * 100.0),
            None => pair(&|s| format!("{:.0}", s.words)),
        };
        t.add_row(vec![
            label,
            Cell::new(&ch.case),
            Cell::new(&ch.provider),
            right(pair(&|s| percent(s.pass_rate))),
            right(pair(&|s| format!("{:.2}", s.score))),
            right(words),
        ]);
    }
    t
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test suite per provider, one test case per case and repeat. The answers are read back from the
/// run's records one at a time.
pub fn junit(r: &EvalResults) -> std::io::Result<String> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = r.outcomes.iter().filter(|x| !x.pass && x.error.is_none()).count();
    let errors = r.outcomes.iter().filter(|x| x.error.is_some()).count();
    let _ = writeln!(
        out,
        "<testsuites name=\"aispec eval\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{:.3}\">",
        r.outcomes.len(),
        r.duration_ms as f64 / 1000.0
    );
    for p in &r.providers {
        let mine: Vec<usize> = (0..r.outcomes.len())
            .filter(|&i| r.outcomes[i].provider == p.name)
            .collect();
        let of = |i: &usize| &r.outcomes[*i];
        let f = mine.iter().map(of).filter(|x| !x.pass && x.error.is_none()).count();
        let e = mine.iter().map(of).filter(|x| x.error.is_some()).count();
        let time: u64 = mine.iter().map(of).map(|x| x.latency_ms).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" time=\"{:.3}\">",
            xml(&p.name),
            mine.len(),
            time as f64 / 1000.0
        );
        r.records.visit(mine, |x| {
            junit_case(&mut out, x, r.repeat);
            Ok(())
        })?;
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    Ok(out)
}

/// One `<testcase>` of the JUnit report.
fn junit_case(out: &mut String, x: &CaseResult, repeat: u32) {
    let name = if repeat > 1 {
        format!("{} #{}", x.case, x.repeat + 1)
    } else {
        x.case.clone()
    };
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
        xml(&x.source),
        xml(&name),
        x.latency_ms as f64 / 1000.0
    );
    if x.pass {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some(err) = &x.error {
        let _ = writeln!(out, "      <error message=\"{}\"/>", xml(err));
    } else {
        let failed: Vec<String> = x
            .assertions
            .iter()
            .filter(|a| !a.pass)
            .map(|a| format!("{}: {}", a.kind, a.reason))
            .collect();
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"assertion\">{}</failure>",
            xml(failed.first().map_or("failed", String::as_str)),
            xml(&failed.join("\n"))
        );
    }
    if let Some(answer) = &x.answer {
        let _ = writeln!(out, "      <system-out>{}</system-out>", xml(answer));
    }
    out.push_str("    </testcase>\n");
}

/// What the HTML template receives.
#[derive(Debug, Serialize)]
struct HtmlContext<'a> {
    lang: &'a str,
    results: &'a EvalResults,
    categories: Vec<String>,
    cases: Vec<HtmlCase<'a>>,
    comparison: Option<&'a Comparison>,
    currency: &'a str,
}

#[derive(Debug, Serialize)]
struct HtmlCase<'a> {
    key: String,
    info: &'a super::results::CaseInfo,
    /// Per provider (in provider order): that provider's results for the case.
    cells: Vec<Vec<&'a CaseResult>>,
}

/// The HTML report from `template` (minijinja, auto-escaped); `records` are the run's records, read back.
pub fn html(
    r: &EvalResults,
    records: &[CaseResult],
    comparison: Option<&Comparison>,
    template: &str,
    lang: &str,
    currency: &str,
) -> Result<String, minijinja::Error> {
    let mut by_cell: std::collections::HashMap<(String, &str), Vec<&CaseResult>> = std::collections::HashMap::new();
    for x in records {
        by_cell.entry((x.key(), x.provider.as_str())).or_default().push(x);
    }
    let cases = r
        .cases
        .iter()
        .map(|c| {
            let key = c.key();
            let cells = r
                .providers
                .iter()
                .map(|p| by_cell.remove(&(key.clone(), p.name.as_str())).unwrap_or_default())
                .collect();
            HtmlCase { key, info: c, cells }
        })
        .collect();
    let ctx = HtmlContext {
        lang,
        results: r,
        categories: r.categories(),
        cases,
        comparison,
        currency,
    };
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_filter("percent", |v: f64| percent(v));
    env.add_template("report", template)?;
    env.get_template("report")?
        .render(minijinja::Value::from(minijinja::value::Serde(&ctx)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_drops_control_characters() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
