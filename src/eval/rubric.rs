//! `llm-rubric`: the judge prompt, and strict parsing of the judge's verdict.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assertions::strip_fence;
use super::provider::{ChatRequest, Message};
use crate::model::specialist::Params;

/// The judge's verdict on one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    /// Whether the answer meets the rubric.
    pub pass: bool,
    /// How well, 0–1.
    pub score: f64,
    /// Why, in the workspace's language.
    pub reason: String,
}

/// The request sent to the judge model.
pub fn judge_request(
    template: &str,
    model: &str,
    question: &str,
    answer: &str,
    rubric: &str,
) -> Result<ChatRequest, String> {
    let env = minijinja::Environment::new();
    let text = env
        .render_str(
            template,
            minijinja::context! { question => question, answer => answer, rubric => rubric },
        )
        .map_err(|e| format!("the judge template does not render: {e}"))?;
    Ok(ChatRequest {
        model: model.to_owned(),
        messages: vec![Message::new("user", text)],
        params: Params {
            temperature: Some(0.0),
            ..Params::default()
        },
    })
}

/// Parses the judge's output: exactly one JSON object `{"pass", "score", "reason"}` (a code fence around it is
/// tolerated), a score from 0 to 1 and a non-empty reason. Anything else is an error, never a pass.
pub fn parse_verdict(output: &str) -> Result<Verdict, String> {
    let body = strip_fence(output);
    let value: Value = serde_json::from_str(body).map_err(|e| {
        let start: String = body.chars().take(80).collect();
        format!("not a single JSON object ({e}); it began {start:?}")
    })?;
    if !value.is_object() {
        return Err(format!("expected a JSON object, got {value}"));
    }
    let verdict: Verdict = serde_json::from_value(value).map_err(|e| e.to_string())?;
    if !(0.0..=1.0).contains(&verdict.score) || !verdict.score.is_finite() {
        return Err(format!("score {} is outside 0–1", verdict.score));
    }
    if verdict.reason.trim().is_empty() {
        return Err("the reason is empty".to_owned());
    }
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_the_verdict_object() {
        let v = parse_verdict(r#"{"pass": true, "score": 0.8, "reason": "Tonen er bevaret."}"#).expect("ok");
        assert_eq!(
            v,
            Verdict {
                pass: true,
                score: 0.8,
                reason: "Tonen er bevaret.".into()
            }
        );
        assert!(parse_verdict("```json\n{\"pass\": false, \"score\": 0, \"reason\": \"Nej.\"}\n```").is_ok());
    }

    #[test]
    fn rejects_anything_else() {
        for bad in [
            "Ja, det består.",
            r#"Svar: {"pass": true, "score": 1, "reason": "x"}"#,
            r#"{"pass": "yes", "score": 1, "reason": "x"}"#,
            r#"{"pass": true, "score": 1.5, "reason": "x"}"#,
            r#"{"pass": true, "score": 1, "reason": ""}"#,
            r#"{"pass": true, "score": 1}"#,
            r#"{"pass": true, "score": 1, "reason": "x", "extra": 2}"#,
            r#"[{"pass": true, "score": 1, "reason": "x"}]"#,
        ] {
            assert!(parse_verdict(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn judge_prompt_carries_question_answer_and_rubric() {
        let req = judge_request(
            include_str!("../../templates/eval-judge.da.md.j2"),
            "judge",
            "Spørgsmål?",
            "Svar.",
            "Kriterium.",
        )
        .expect("renders");
        let text = &req.messages[0].content;
        assert!(text.contains("Spørgsmål?") && text.contains("Svar.") && text.contains("Kriterium."));
        assert_eq!(req.params.temperature, Some(0.0));
    }
}
