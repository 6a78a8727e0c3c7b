//! How the stub decides what to answer: rules from the answers file, fault markers in prompts, the default echo,
//! usage numbers, streamed chunks and embedding vectors.

use regex::Regex;
use serde::Deserialize;
use serde_json::{Value, json};

/// The answers file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    #[serde(default)]
    pub answers: Vec<Rule>,
}

/// One rule: the first rule whose conditions all hold answers the request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Substring of the last user message.
    pub contains: Option<String>,
    /// Regular expression matched against the last user message.
    pub regex: Option<String>,
    /// Substring of the system prompt.
    pub system_contains: Option<String>,
    /// Exact model id.
    pub model: Option<String>,
    /// The answer; `{model}`, `{user}` and `{system}` (first line) are replaced.
    pub answer: Option<String>,
    /// Answers used in turn for the same request (for flaky behaviour across repeats).
    pub cycle: Option<Vec<String>>,
    /// Extra delay for this rule, in milliseconds.
    pub latency_ms: Option<u64>,
    /// Usage numbers to report instead of the computed ones: `[prompt, completion]`.
    pub usage: Option<[u64; 2]>,
}

pub struct CompiledRule {
    pub rule: Rule,
    pub regex: Option<Regex>,
}

pub fn load_rules(path: Option<&std::path::Path>) -> Result<Vec<CompiledRule>, String> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: AnswersFile = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
    };
    file.answers
        .into_iter()
        .map(|rule| {
            let regex = match &rule.regex {
                Some(r) => Some(Regex::new(r).map_err(|e| format!("{}: bad regex {r:?}: {e}", path.display()))?),
                None => None,
            };
            Ok(CompiledRule { rule, regex })
        })
        .collect()
}

/// A fault named by a prompt marker or `--fail-first`.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    Status(u16),
    Hang,
}

/// Parses `[[stub:…]]` markers: (fault, how many times it fires; `None` = always), plus any extra sleep.
pub fn markers(text: &str) -> (Option<(Fault, Option<u64>)>, u64) {
    let mut fault = None;
    let mut sleep = 0;
    let mut rest = text;
    while let Some(start) = rest.find("[[stub:") {
        let after = &rest[start + 7..];
        let Some(end) = after.find("]]") else { break };
        let mut parts = after[..end].split(':');
        let name = parts.next().unwrap_or_default();
        let arg = parts.next();
        match name {
            "sleep" => sleep += arg.and_then(|a| a.parse::<u64>().ok()).unwrap_or(0),
            "hang" | "timeout" => fault = Some((Fault::Hang, times(arg))),
            code => {
                if let Ok(code) = code.parse::<u16>() {
                    fault = Some((Fault::Status(code), times(arg)));
                }
            }
        }
        rest = &after[end + 2..];
    }
    (fault, sleep)
}

pub fn times(arg: Option<&str>) -> Option<u64> {
    match arg {
        Some("always") => None,
        Some(n) => Some(n.parse().unwrap_or(1)),
        None => Some(1),
    }
}

pub fn rule_matches(r: &CompiledRule, model: &str, system: &str, user: &str) -> bool {
    r.rule.model.as_deref().is_none_or(|m| m == model)
        && r.rule.contains.as_deref().is_none_or(|c| user.contains(c))
        && r.rule.system_contains.as_deref().is_none_or(|c| system.contains(c))
        && r.regex.as_ref().is_none_or(|re| re.is_match(user))
}

pub fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

pub fn fill(template: &str, model: &str, system: &str, user: &str) -> String {
    template
        .replace("{model}", model)
        .replace("{system}", first_line(system))
        .replace("{user}", user)
}

pub fn default_answer(model: &str, system: &str, user: &str) -> String {
    let system = match first_line(system) {
        "" => "(ingen)",
        line => line,
    };
    format!("Stub-svar fra {model}.\nSystem: {system}\nBruger: {user}")
}

/// About four characters per token, at least one per word.
pub fn estimate_tokens(text: &str) -> u64 {
    let chars = text.chars().count() as u64;
    let words = text.split_whitespace().count() as u64;
    chars.div_ceil(4).max(words)
}

pub fn stream_events(id: &str, model: &str, answer: &str, usage: Value) -> Vec<Value> {
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": id, "object": "chat.completion.chunk", "created": 0, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
    };
    let mut events = vec![chunk(json!({"role": "assistant", "content": ""}), Value::Null)];
    // Split after whitespace so the pieces concatenate back to the exact answer.
    let mut piece = String::new();
    for ch in answer.chars() {
        piece.push(ch);
        if ch.is_whitespace() && piece.len() > 12 {
            events.push(chunk(json!({"content": std::mem::take(&mut piece)}), Value::Null));
        }
    }
    if !piece.is_empty() {
        events.push(chunk(json!({"content": piece}), Value::Null));
    }
    let mut last = chunk(json!({}), json!("stop"));
    last["usage"] = usage;
    events.push(last);
    events
}

/// A deterministic unit vector for a text: a bag of words, each lower-cased word hashed (FNV-1a) to one dimension
/// and a sign, so texts sharing words point the same way (as real embeddings do for similar texts) and equal texts
/// get equal vectors. A text without words gets a vector from its bytes.
pub fn vector(text: &str, dim: usize) -> Vec<f64> {
    let dim = dim.max(1);
    let mut values = vec![0.0; dim];
    let lower = text.to_lowercase();
    let words = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    let mut any = false;
    for word in words {
        let h = fnv(word.as_bytes());
        let sign = if (h >> 63) == 0 { 1.0 } else { -1.0 };
        values[(h % dim as u64) as usize] += sign;
        any = true;
    }
    if !any {
        for (i, v) in values.iter_mut().enumerate() {
            let h = fnv(text
                .bytes()
                .chain((i as u64).to_le_bytes())
                .collect::<Vec<u8>>()
                .as_slice());
            *v = (h % 2000) as f64 / 1000.0 - 1.0;
        }
    }
    let norm = values.iter().map(|v| v * v).sum::<f64>().sqrt().max(f64::EPSILON);
    values.iter().map(|v| v / norm).collect()
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_parse_fault_count_and_sleep() {
        assert_eq!(markers("hej"), (None, 0));
        assert_eq!(markers("a [[stub:429]] b"), (Some((Fault::Status(429), Some(1))), 0));
        assert_eq!(markers("[[stub:500:3]]"), (Some((Fault::Status(500), Some(3))), 0));
        assert_eq!(markers("[[stub:503:always]]"), (Some((Fault::Status(503), None)), 0));
        assert_eq!(
            markers("[[stub:hang]] [[stub:sleep:40]]"),
            (Some((Fault::Hang, Some(1))), 40)
        );
    }

    #[test]
    fn streamed_pieces_rebuild_the_answer() {
        let answer = "En lidt længere sætning, som bliver delt i flere stykker undervejs.";
        let events = stream_events("x", "m", answer, json!({}));
        let text: String = events
            .iter()
            .filter_map(|e| e["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert_eq!(text, answer);
        assert!(events.len() > 3);
    }

    #[test]
    fn vectors_are_deterministic_unit_vectors() {
        let a = vector("hej", 8);
        assert_eq!(a, vector("hej", 8));
        assert_ne!(a, vector("farvel", 8));
        let norm: f64 = a.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-9);
        let cos = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>();
        let base = vector("Du kan klage inden fire uger", 256);
        let near = vector("du kan klage inden for fire uger", 256);
        let far = vector("Borgerservice lukker klokken 15", 256);
        assert!(cos(&base, &near) > 0.85, "{}", cos(&base, &near));
        assert!(cos(&base, &far) < 0.3, "{}", cos(&base, &far));
        assert_eq!(vector("", 4).len(), 4);
    }
}
