//! Checks on one answer. Every type can be negated with `not-`; reasons state what was observed.

use std::collections::BTreeMap;

use serde_json::Value;

use super::javascript;
use super::messages::text;
use super::results::AssertionResult;
use super::text as measure;
use crate::model::cases::{Assertion, AssertionKind};
use crate::model::config::Language;

/// Default largest edit distance for `levenshtein` (as promptfoo).
pub const DEFAULT_LEVENSHTEIN: f64 = 5.0;

/// Default least cosine similarity for `similar` (as promptfoo).
pub const DEFAULT_SIMILARITY: f64 = 0.75;

/// What an assertion looks at.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// The answer text.
    pub text: &'a str,
    /// Time to the full answer, in milliseconds.
    pub latency_ms: u64,
    /// What the answer cost, when the provider has prices and the endpoint reported usage.
    pub cost: Option<f64>,
    /// The user message as sent.
    pub prompt: &'a str,
    /// The case's variables (defaults merged).
    pub vars: &'a BTreeMap<String, String>,
}

/// Evaluates every assertion but those that need a model (`llm-rubric`, `similar`: `None` then).
pub fn evaluate(a: &Assertion, answer: Answer<'_>, lang: Language) -> Option<AssertionResult> {
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    let checked = match a.typed() {
        Some((kind, _)) if kind.needs_model() => return None,
        Some((AssertionKind::Javascript, _)) => return Some(javascript_check(a, answer, lang)),
        Some((kind, _)) => check(kind, a, answer, lang),
        None => Err(t("unknown-type", &[("kind", quoted(a.base_kind().0))])),
    };
    match checked {
        Ok((pass, reason)) => Some(finish(a, pass, reason)),
        // A broken test never passes, negated or not.
        Err(problem) => Some(result(a, false, 0.0, t("bad-value", &[("problem", problem)]))),
    }
}

/// Applies `not-`, weight and metric to a raw (pass, reason).
pub fn finish(a: &Assertion, pass: bool, reason: String) -> AssertionResult {
    let (_, negated) = a.base_kind();
    let pass = pass != negated;
    result(a, pass, if pass { 1.0 } else { 0.0 }, reason)
}

/// An assertion result with the given score.
pub fn result(a: &Assertion, pass: bool, score: f64, reason: String) -> AssertionResult {
    AssertionResult {
        kind: a.kind.clone(),
        pass,
        score,
        weight: a.weight.unwrap_or(1.0),
        reason,
        metric: a.metric.clone(),
    }
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

fn text_value(a: &Assertion) -> Result<&str, String> {
    a.value
        .as_ref()
        .and_then(Value::as_str)
        .ok_or_else(|| "`value` must be a text".to_owned())
}

fn list_value(a: &Assertion) -> Result<Vec<&str>, String> {
    match a.value.as_ref() {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().ok_or_else(|| "`value` must be a list of texts".to_owned()))
            .collect(),
        Some(Value::String(s)) => Ok(vec![s.as_str()]),
        _ => Err("`value` must be a list of texts".to_owned()),
    }
}

fn number_value(a: &Assertion) -> Option<f64> {
    a.value.as_ref().and_then(Value::as_f64)
}

fn bounds(lang: Language, min: Option<f64>, max: Option<f64>) -> String {
    let n = |v: f64| format_number(v);
    match (min, max) {
        (Some(lo), Some(hi)) => text(lang, "between", &[("min", n(lo)), ("max", n(hi))]),
        (Some(lo), None) => text(lang, "at-least", &[("min", n(lo))]),
        (None, Some(hi)) => text(lang, "at-most", &[("max", n(hi))]),
        (None, None) => String::new(),
    }
}

/// A number without a trailing `.0`.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn within(v: f64, min: Option<f64>, max: Option<f64>) -> bool {
    min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
}

/// The raw (pass, reason) before negation, or what is wrong with the assertion itself.
type Checked = Result<(bool, String), String>;

/// The raw (pass, reason) before negation: one check per type.
fn check(kind: AssertionKind, a: &Assertion, answer: Answer<'_>, lang: Language) -> Checked {
    let body = answer.text;
    match kind {
        AssertionKind::Equals
        | AssertionKind::Contains
        | AssertionKind::Icontains
        | AssertionKind::StartsWith
        | AssertionKind::Regex => text_check(kind, text_value(a)?, body, lang),
        AssertionKind::ContainsAny
        | AssertionKind::ContainsAll
        | AssertionKind::IcontainsAny
        | AssertionKind::IcontainsAll => list_check(kind, &list_value(a)?, body, lang),
        AssertionKind::IsJson => Ok(is_json(a, body, lang)),
        AssertionKind::WordCount => {
            let n = measure::word_count(body);
            let args = [("count", n.to_string()), ("bounds", bounds(lang, a.min, a.max))];
            Ok((within(n as f64, a.min, a.max), text(lang, "word-count", &args)))
        }
        AssertionKind::MaxLength => {
            let max = number_value(a).ok_or("`value` must be a number of characters")?;
            let n = body.chars().count();
            let args = [("count", n.to_string()), ("max", format_number(max))];
            Ok((n as f64 <= max, text(lang, "max-length", &args)))
        }
        AssertionKind::Latency => {
            let max = a
                .threshold
                .or_else(|| number_value(a))
                .ok_or("`threshold` must be a number of milliseconds")?;
            let args = [("ms", answer.latency_ms.to_string()), ("max", format_number(max))];
            Ok((answer.latency_ms as f64 <= max, text(lang, "latency", &args)))
        }
        AssertionKind::Levenshtein => {
            let v = text_value(a)?;
            let max = a.threshold.unwrap_or(DEFAULT_LEVENSHTEIN);
            let d = crate::edit_distance::edit_distance(body.trim(), v.trim());
            let args = [("distance", d.to_string()), ("max", format_number(max))];
            Ok((d as f64 <= max, text(lang, "levenshtein", &args)))
        }
        AssertionKind::Language => Ok(language_check(a, body, lang)),
        AssertionKind::Lix => Ok(lix_check(a, body, lang)),
        AssertionKind::Cost => {
            let max = a
                .threshold
                .or_else(|| number_value(a))
                .ok_or("`threshold` must be the highest cost")?;
            let cost = answer.cost.ok_or_else(|| text(lang, "cost-unknown", &[]))?;
            let args = [("cost", format!("{cost:.6}")), ("max", format_number(max))];
            Ok((cost <= max, text(lang, "cost", &args)))
        }
        AssertionKind::IsValidOpenaiToolsCall => Ok(tools_call_check(a, body, lang)),
        AssertionKind::LlmRubric | AssertionKind::Similar | AssertionKind::Javascript => {
            Err(text(lang, "unknown-type", &[("kind", quoted(kind.as_str()))]))
        }
    }
}

/// `javascript`: the code's verdict, read as promptfoo reads it. A number passes above 0, or at or above
/// `threshold` when one is set.
fn javascript_check(a: &Assertion, answer: Answer<'_>, lang: Language) -> AssertionResult {
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    let Some(code) = a.value.as_ref().and_then(Value::as_str) else {
        return result(
            a,
            false,
            0.0,
            t("bad-value", &[("problem", "`value` must be the code".to_owned())]),
        );
    };
    let scope = javascript::Scope {
        prompt: answer.prompt,
        vars: answer.vars,
    };
    let (_, negated) = a.base_kind();
    match javascript::run(code, answer.text, scope, javascript::Limits::default()) {
        Ok(javascript::Outcome::Bool(pass)) => {
            finish(a, pass, t(if pass { "javascript-yes" } else { "javascript-no" }, &[]))
        }
        Ok(javascript::Outcome::Score(score)) => {
            let pass = a.threshold.map_or(score > 0.0, |th| score >= th);
            let reason = t("javascript-score", &[("score", format_number(score))]);
            graded(a, pass != negated, score, negated, reason)
        }
        Ok(javascript::Outcome::Graded { pass, score, reason }) => {
            let score = score.unwrap_or(if pass { 1.0 } else { 0.0 });
            let reason = reason.unwrap_or_else(|| t(if pass { "javascript-yes" } else { "javascript-no" }, &[]));
            graded(a, pass != negated, score, negated, reason)
        }
        // Broken code never passes, negated or not.
        Err(problem) => result(a, false, 0.0, t("javascript-error", &[("problem", problem)])),
    }
}

/// A graded result: the score flips with `not-` (clamped to 0–1 then), as for `llm-rubric`.
pub fn graded(a: &Assertion, pass: bool, score: f64, negated: bool, reason: String) -> AssertionResult {
    let score = if negated { 1.0 - score.clamp(0.0, 1.0) } else { score };
    result(a, pass, score, reason)
}

/// `is-valid-openai-tools-call`: a JSON list (or one object) of `{type: "function", function: {name, arguments}}`
/// whose arguments are a JSON object; with `value`, only the tools named there.
fn tools_call_check(a: &Assertion, body: &str, lang: Language) -> (bool, String) {
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    let parsed: Value = match serde_json::from_str(strip_fence(body)) {
        Ok(v) => v,
        Err(e) => return (false, t("tools-no", &[("problem", format!("not JSON: {e}"))])),
    };
    let calls = match parsed {
        Value::Array(items) if !items.is_empty() => items,
        Value::Object(_) => vec![parsed],
        _ => return (false, t("tools-no", &[("problem", "no tool calls".to_owned())])),
    };
    let allowed: Option<Vec<&str>> = a.value.as_ref().map(|v| match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| {
                i.as_str()
                    .or_else(|| i.pointer("/function/name").and_then(Value::as_str))
            })
            .collect(),
        Value::String(s) => vec![s.as_str()],
        _ => Vec::new(),
    });
    for call in &calls {
        let name = call.pointer("/function/name").and_then(Value::as_str);
        let args = call.pointer("/function/arguments");
        let problem = if call
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|k| k != "function")
        {
            Some("`type` is not \"function\"".to_owned())
        } else if name.is_none_or(str::is_empty) {
            Some("a call has no function.name".to_owned())
        } else if !args.is_some_and(|v| match v {
            Value::String(s) => serde_json::from_str::<Value>(s).is_ok_and(|v| v.is_object()),
            Value::Object(_) => true,
            _ => false,
        }) {
            Some(format!(
                "the arguments of {} are not a JSON object",
                quoted(name.unwrap_or_default())
            ))
        } else if let (Some(allowed), Some(n)) = (&allowed, name)
            && !allowed.contains(&n)
        {
            Some(format!("{} is not one of the tools {}", quoted(n), quote_list(allowed)))
        } else {
            None
        };
        if let Some(problem) = problem {
            return (false, t("tools-no", &[("problem", problem)]));
        }
    }
    (true, t("tools-yes", &[("count", calls.len().to_string())]))
}

/// `similar`: cosine similarity of the two embeddings against `threshold` (default 0.75).
pub fn similarity_result(a: &Assertion, similarity: f64, lang: Language) -> AssertionResult {
    let min = a.threshold.unwrap_or(DEFAULT_SIMILARITY);
    let args = [("similarity", format!("{similarity:.3}")), ("min", format_number(min))];
    let (_, negated) = a.base_kind();
    let pass = (similarity >= min) != negated;
    graded(
        a,
        pass,
        similarity.clamp(0.0, 1.0),
        negated,
        text(lang, "similar", &args),
    )
}

/// Cosine similarity of two vectors (0 when either is empty or zero, or their lengths differ).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}

/// `equals`, `contains`, `icontains`, `starts-with` and `regex` against one text.
fn text_check(kind: AssertionKind, v: &str, body: &str, lang: Language) -> Checked {
    let (ok, base, arg) = match kind {
        AssertionKind::Equals => (body.trim() == v.trim(), "equals", "expected"),
        AssertionKind::Icontains => (body.to_lowercase().contains(&v.to_lowercase()), "contains", "value"),
        AssertionKind::StartsWith => (body.trim_start().starts_with(v), "starts-with", "value"),
        AssertionKind::Regex => {
            let re = regex::Regex::new(v).map_err(|e| format!("bad regular expression: {e}"))?;
            (re.is_match(body), "regex", "pattern")
        }
        _ => (body.contains(v), "contains", "value"),
    };
    let key = format!("{base}-{}", if ok { "yes" } else { "no" });
    Ok((ok, text(lang, &key, &[(arg, quoted(v))])))
}

/// `contains-any`, `contains-all` and their case-insensitive `icontains-…` forms against a list of texts.
fn list_check(kind: AssertionKind, vs: &[&str], body: &str, lang: Language) -> Checked {
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    let fold = matches!(kind, AssertionKind::IcontainsAny | AssertionKind::IcontainsAll);
    let lower = if fold { body.to_lowercase() } else { String::new() };
    let has = |v: &str| {
        if fold {
            lower.contains(&v.to_lowercase())
        } else {
            body.contains(v)
        }
    };
    Ok(
        if matches!(kind, AssertionKind::ContainsAny | AssertionKind::IcontainsAny) {
            match vs.iter().find(|v| has(v)) {
                Some(found) => (true, t("contains-any-yes", &[("found", quoted(found))])),
                None => (false, t("contains-any-no", &[("values", quote_list(vs))])),
            }
        } else {
            let missing: Vec<&str> = vs.iter().copied().filter(|v| !has(v)).collect();
            if missing.is_empty() {
                (true, t("contains-all-yes", &[("values", quote_list(vs))]))
            } else {
                (false, t("contains-all-no", &[("missing", quote_list(&missing))]))
            }
        },
    )
}

/// The detected language against `value` (default Danish).
fn language_check(a: &Assertion, body: &str, lang: Language) -> (bool, String) {
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    let want = a.value.as_ref().and_then(Value::as_str).unwrap_or("da");
    let got = measure::detect_language(body);
    match got.language {
        Some(code) => {
            let args = [
                ("detected", t(&format!("lang-{code}"), &[])),
                ("confidence", format!("{:.0}", got.confidence * 100.0)),
            ];
            (code == want, t("language", &args))
        }
        None => (false, t("language-unknown", &[])),
    }
}

/// LIX within `min`/`max`.
fn lix_check(a: &Assertion, body: &str, lang: Language) -> (bool, String) {
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    match measure::lix(body) {
        Some(l) => {
            let args = [
                ("value", format!("{:.1}", l.value)),
                ("band", t(measure::lix_band(l.value), &[])),
                ("bounds", bounds(lang, a.min, a.max)),
            ];
            (within(l.value, a.min, a.max), t("lix", &args))
        }
        None => (false, t("lix-empty", &[])),
    }
}

fn quote_list(items: &[&str]) -> String {
    items.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", ")
}

/// The answer without a surrounding Markdown code fence.
pub fn strip_fence(body: &str) -> &str {
    let t = body.trim();
    if let Some(rest) = t.strip_prefix("```")
        && let Some(inner) = rest.strip_suffix("```")
    {
        // Drop the info string (`json`) on the fence's first line.
        return inner.split_once('\n').map_or(inner, |(_, b)| b).trim();
    }
    t
}

fn is_json(a: &Assertion, body: &str, lang: Language) -> (bool, String) {
    let t = |key: &str, args: &[(&str, String)]| text(lang, key, args);
    let parsed: Value = match serde_json::from_str(strip_fence(body)) {
        Ok(v) => v,
        Err(e) => return (false, t("json-no", &[("error", e.to_string())])),
    };
    match a.value.as_ref().filter(|v| v.is_object()) {
        None => (true, t("json-yes", &[])),
        Some(schema) => match jsonschema::validator_for(schema) {
            Err(e) => (false, t("json-bad-schema", &[("error", e.to_string())])),
            Ok(validator) => match validator.validate(&parsed) {
                Ok(()) => (true, t("json-schema-yes", &[])),
                Err(e) => (false, t("json-schema-no", &[("error", e.to_string())])),
            },
        },
    }
}

/// Whether a case passes: the weighted share of passing assertions reaches the threshold. Returns (pass, score).
pub fn case_outcome(results: &[AssertionResult], threshold: f64) -> (bool, f64) {
    let total: f64 = results.iter().map(|r| r.weight).sum();
    if total <= 0.0 {
        // Nothing but zero-weight (informational) assertions: there is nothing to fail.
        return (true, 1.0);
    }
    let score = results.iter().map(|r| r.weight * r.score).sum::<f64>() / total;
    let passed = results.iter().filter(|r| r.pass).map(|r| r.weight).sum::<f64>() / total;
    (passed + 1e-9 >= threshold, score)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn assertion(kind: &str, value: Value) -> Assertion {
        Assertion {
            kind: kind.to_owned(),
            value: (!value.is_null()).then_some(value),
            min: None,
            max: None,
            threshold: None,
            weight: None,
            metric: None,
        }
    }

    fn run(a: &Assertion, body: &str) -> AssertionResult {
        let vars = BTreeMap::from([("navn".to_owned(), "Anna".to_owned())]);
        evaluate(
            a,
            Answer {
                text: body,
                latency_ms: 120,
                cost: Some(0.002),
                prompt: "Hvad hedder jeg?",
                vars: &vars,
            },
            Language::Da,
        )
        .expect("not a rubric")
    }

    /// Each case: assertion, an answer that passes, an answer that fails.
    fn table() -> Vec<(Assertion, &'static str, &'static str)> {
        let mut wc = assertion("word-count", Value::Null);
        wc.min = Some(2.0);
        wc.max = Some(4.0);
        let mut lix = assertion("lix", Value::Null);
        lix.max = Some(30.0);
        let mut lat = assertion("latency", Value::Null);
        lat.threshold = Some(200.0);
        let mut cost = assertion("cost", Value::Null);
        cost.threshold = Some(0.01);
        let mut lat_fail = assertion("latency", json!(100));
        lat_fail.threshold = None;
        vec![
            (assertion("equals", json!("Ja")), " Ja\n", "Ja tak"),
            (
                assertion("contains", json!("nogle fejl")),
                "Der er nogle fejl.",
                "Der er nogen fejl.",
            ),
            (
                assertion("icontains", json!("Inden For")),
                "inden for en uge",
                "indenfor en uge",
            ),
            (
                assertion("contains-any", json!(["CPR", "cpr"])),
                "ingen cpr her",
                "ingen numre",
            ),
            (assertion("contains-all", json!(["a", "b"])), "a og b", "kun a"),
            (
                assertion("icontains-any", json!(["CPR-nummer", "Personnummer"])),
                "angiv dit cpr-nummer",
                "angiv dit navn",
            ),
            (
                assertion("icontains-all", json!(["Klage", "FRIST"])),
                "klagen skal sendes inden fristen",
                "Klagen skal sendes",
            ),
            (
                assertion("javascript", json!("output.includes(context.vars.navn)")),
                "Du hedder Anna",
                "Du hedder Bo",
            ),
            (
                assertion(
                    "javascript",
                    json!("const n = output.split(' ').length;\nreturn { pass: n <= 3, score: n <= 3 ? 1 : 0, reason: n + ' ord' };"),
                ),
                "tre små ord",
                "fire helt små ord",
            ),
            (
                assertion("is-valid-openai-tools-call", json!(["find_adresse"])),
                r#"[{"type": "function", "function": {"name": "find_adresse", "arguments": "{\"vej\": \"Rådhuspladsen\"}"}}]"#,
                r#"[{"type": "function", "function": {"name": "slet_alt", "arguments": "{}"}}]"#,
            ),
            (assertion("starts-with", json!("Kære")), "  Kære Anna", "Hej Anna"),
            (assertion("regex", json!(r"^\d{4}$")), "8000", "8000 Aarhus"),
            (assertion("is-json", Value::Null), "```json\n{\"a\": 1}\n```", "{a: 1}"),
            (
                assertion("is-json", json!({"type": "object", "required": ["navn"]})),
                r#"{"navn": "Anna"}"#,
                r#"{"alder": 3}"#,
            ),
            (wc, "tre små ord", "et"),
            (assertion("max-length", json!(10)), "kort", "alt for langt et svar"),
            (lat, "x", "x"),
            (
                assertion("levenshtein", json!("kagefade")),
                "kage-fade",
                "noget helt andet",
            ),
            (
                assertion("language", json!("da")),
                "Jeg har ikke tid i dag, men vi ses på mandag.",
                "I do not have time today, but see you on Monday.",
            ),
            (
                lix,
                "Vi ses i dag. Kom bare ind.",
                "Kommunalbestyrelsens beslutningsgrundlag vedrørende ældreområdets ressourceallokering.",
            ),
        ]
        .into_iter()
        .chain([(lat_fail, "x", "x"), (cost, "x", "x")])
        .collect()
    }

    #[test]
    fn every_type_passes_and_fails() {
        for (a, good, bad) in table() {
            if a.kind == "latency" {
                // Latency depends on the answer's timing, not its text: 120 ms against 200 and 100.
                let r = run(&a, good);
                assert_eq!(r.pass, a.threshold == Some(200.0), "{a:?}: {}", r.reason);
                continue;
            }
            if a.kind == "cost" {
                // Cost depends on usage and prices, not the text: 0.002 against 0.01, then 0.001.
                assert!(run(&a, good).pass);
                let mut tight = a.clone();
                tight.threshold = Some(0.001);
                let r = run(&tight, good);
                assert!(!r.pass, "{}", r.reason);
                continue;
            }
            let pass = run(&a, good);
            assert!(pass.pass, "{} should pass on {good:?}: {}", a.kind, pass.reason);
            assert_eq!(pass.score, 1.0);
            let fail = run(&a, bad);
            assert!(!fail.pass, "{} should fail on {bad:?}: {}", a.kind, fail.reason);
            assert_eq!(fail.score, 0.0);
        }
    }

    #[test]
    fn every_type_can_be_negated() {
        for (mut a, good, bad) in table() {
            if a.kind == "latency" || a.kind == "cost" {
                continue;
            }
            a.kind = format!("not-{}", a.kind);
            assert!(!run(&a, good).pass, "{} on {good:?}", a.kind);
            assert!(run(&a, bad).pass, "{} on {bad:?}", a.kind);
        }
    }

    #[test]
    fn reasons_say_what_was_seen() {
        let a = assertion("icontains", json!("nogle fejl"));
        assert_eq!(run(&a, "nogen fejl").reason, "indeholder ikke \"nogle fejl\"");
        let mut wc = assertion("word-count", Value::Null);
        wc.max = Some(3.0);
        assert_eq!(run(&wc, "en to tre fire").reason, "4 ord (krav: højst 3)");
        let lang = assertion("language", json!("da"));
        assert!(
            run(&lang, "I do not know what you mean by that")
                .reason
                .contains("engelsk")
        );
    }

    #[test]
    fn broken_values_fail_even_when_negated() {
        let a = assertion("not-regex", json!("("));
        let r = run(&a, "x");
        assert!(!r.pass);
        assert!(r.reason.contains("regular expression"), "{}", r.reason);
    }

    #[test]
    fn case_outcome_uses_weights_and_threshold() {
        let r = |pass: bool, weight: f64| AssertionResult {
            kind: "contains".into(),
            pass,
            score: if pass { 1.0 } else { 0.0 },
            weight,
            reason: String::new(),
            metric: None,
        };
        assert_eq!(case_outcome(&[r(true, 1.0), r(false, 1.0)], 1.0), (false, 0.5));
        assert_eq!(case_outcome(&[r(true, 3.0), r(false, 1.0)], 0.75), (true, 0.75));
        assert_eq!(case_outcome(&[r(true, 1.0), r(false, 0.0)], 1.0), (true, 1.0));
        assert_eq!(case_outcome(&[], 1.0), (true, 1.0));
    }

    #[test]
    fn javascript_numbers_use_the_threshold_and_errors_never_pass() {
        let mut score = assertion("javascript", json!("output.length / 10"));
        assert!(run(&score, "12345").pass, "0.5 > 0 without a threshold");
        score.threshold = Some(0.8);
        let r = run(&score, "12345");
        assert!(!r.pass);
        assert_eq!(r.score, 0.5);
        let broken = assertion("not-javascript", json!("JSON.parse(output).x"));
        let r = run(&broken, "ikke json");
        assert!(!r.pass, "broken code fails even negated");
        assert!(r.reason.contains("JavaScript"), "{}", r.reason);
    }

    #[test]
    fn tools_calls_need_names_and_object_arguments() {
        let any = assertion("is-valid-openai-tools-call", Value::Null);
        assert!(
            run(
                &any,
                r#"{"type":"function","function":{"name":"a","arguments":{"x":1}}}"#
            )
            .pass
        );
        for bad in [
            "[]",
            "ikke json",
            r#"[{"type":"function","function":{"arguments":"{}"}}]"#,
            r#"[{"type":"function","function":{"name":"a","arguments":"[1]"}}]"#,
            r#"[{"type":"retrieval","function":{"name":"a","arguments":"{}"}}]"#,
        ] {
            assert!(!run(&any, bad).pass, "{bad}");
        }
    }

    #[test]
    fn cost_without_usage_fails_with_a_reason() {
        let mut a = assertion("cost", Value::Null);
        a.threshold = Some(1.0);
        let vars = BTreeMap::new();
        let view = Answer {
            text: "x",
            latency_ms: 1,
            cost: None,
            prompt: "",
            vars: &vars,
        };
        let r = evaluate(&a, view, Language::En).expect("evaluated");
        assert!(!r.pass);
        assert!(r.reason.contains("price"), "{}", r.reason);
    }

    #[test]
    fn cosine_and_similarity() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-9);
        assert!(cosine(&[1.0, 0.0], &[0.0, 1.0]).abs() < 1e-9);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        let mut a = assertion("similar", json!("x"));
        assert!(similarity_result(&a, 0.8, Language::Da).pass);
        assert!(!similarity_result(&a, 0.7, Language::Da).pass);
        a.threshold = Some(0.6);
        assert!(similarity_result(&a, 0.7, Language::Da).pass);
        a.kind = "not-similar".into();
        assert!(!similarity_result(&a, 0.7, Language::Da).pass);
    }
}
