//! Evaluation test cases: `specialists/<id>/tests.toml` and shared suites in `suites/*.toml`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The assertion types aispec knows; each may also be negated with a `not-` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssertionKind {
    /// The answer, trimmed, equals the value.
    Equals,
    /// The answer contains the value.
    Contains,
    /// The answer contains the value, ignoring case.
    Icontains,
    /// The answer contains at least one of the values.
    ContainsAny,
    /// The answer contains every value.
    ContainsAll,
    /// The answer starts with the value.
    StartsWith,
    /// The answer matches the regular expression.
    Regex,
    /// The answer is JSON (matching the schema in `value`, when given).
    IsJson,
    /// The number of words is within `min`/`max`.
    WordCount,
    /// The answer has at most `value` characters.
    MaxLength,
    /// The answer came within `threshold` milliseconds.
    Latency,
    /// The answer is within `threshold` edits of the value.
    Levenshtein,
    /// The answer is in the language `value` (default Danish).
    Language,
    /// The readability index LIX is within `min`/`max`.
    Lix,
    /// A judge model grades the answer against the rubric in `value`.
    LlmRubric,
    /// The answer contains at least one of the values, ignoring case.
    IcontainsAny,
    /// The answer contains every value, ignoring case.
    IcontainsAll,
    /// The answer is a list of OpenAI tool calls (optionally only of the tools named in `value`).
    IsValidOpenaiToolsCall,
    /// The answer cost at most `threshold` (from the provider's prices in `aispec.toml`).
    Cost,
    /// The answer's embedding is within `threshold` cosine similarity of the value's (default 0.75).
    Similar,
    /// JavaScript in `value` decides, promptfoo-style: `output` and `context.vars` in scope.
    Javascript,
}

impl AssertionKind {
    /// Every type, in the order the README lists them.
    pub const ALL: [AssertionKind; 21] = [
        AssertionKind::Equals,
        AssertionKind::Contains,
        AssertionKind::Icontains,
        AssertionKind::ContainsAny,
        AssertionKind::ContainsAll,
        AssertionKind::IcontainsAny,
        AssertionKind::IcontainsAll,
        AssertionKind::StartsWith,
        AssertionKind::Regex,
        AssertionKind::IsJson,
        AssertionKind::WordCount,
        AssertionKind::MaxLength,
        AssertionKind::Latency,
        AssertionKind::Levenshtein,
        AssertionKind::Language,
        AssertionKind::Lix,
        AssertionKind::LlmRubric,
        AssertionKind::Similar,
        AssertionKind::Javascript,
        AssertionKind::Cost,
        AssertionKind::IsValidOpenaiToolsCall,
    ];

    /// The name written in `tests.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssertionKind::Equals => "equals",
            AssertionKind::Contains => "contains",
            AssertionKind::Icontains => "icontains",
            AssertionKind::ContainsAny => "contains-any",
            AssertionKind::ContainsAll => "contains-all",
            AssertionKind::StartsWith => "starts-with",
            AssertionKind::Regex => "regex",
            AssertionKind::IsJson => "is-json",
            AssertionKind::WordCount => "word-count",
            AssertionKind::MaxLength => "max-length",
            AssertionKind::Latency => "latency",
            AssertionKind::Levenshtein => "levenshtein",
            AssertionKind::Language => "language",
            AssertionKind::Lix => "lix",
            AssertionKind::LlmRubric => "llm-rubric",
            AssertionKind::IcontainsAny => "icontains-any",
            AssertionKind::IcontainsAll => "icontains-all",
            AssertionKind::IsValidOpenaiToolsCall => "is-valid-openai-tools-call",
            AssertionKind::Cost => "cost",
            AssertionKind::Similar => "similar",
            AssertionKind::Javascript => "javascript",
        }
    }

    /// The type with this name (without `not-`).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether checking needs a model call (the judge or the embedder), so the runner does it.
    pub fn needs_model(self) -> bool {
        matches!(self, AssertionKind::LlmRubric | AssertionKind::Similar)
    }
}

/// A file of test cases: a specialist's `tests.toml` or a shared suite.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aispec test cases", extend("$id" = "https://aispec.dev/schemas/tests.schema.json"))]
pub struct CaseFile {
    /// Name and purpose; used by suites in `suites/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite: Option<SuiteInfo>,
    /// Values every case inherits unless it sets its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<CaseDefaults>,
    /// The test cases.
    #[serde(default)]
    pub cases: Vec<Case>,
}

/// Describes a shared suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteInfo {
    /// Short name, used with `aispec eval --suite`.
    pub name: String,
    /// What the suite measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// System prompt sent with every case of the suite (suites have no specialist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
}

/// Defaults applied to every case in the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDefaults {
    /// Default pass threshold (weighted share of assertions that must pass, 0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub threshold: Option<f64>,
    /// Assertions added to every case.
    #[serde(default, rename = "assert", skip_serializing_if = "Vec::is_empty")]
    pub asserts: Vec<Assertion>,
    /// Variables available to every case's prompt.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
}

/// One prompt with the checks its answer must pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Stable id, unique within the file.
    #[schemars(regex(pattern = r"^[a-z0-9]+([-_][a-z0-9]+)*$"), length(min = 1, max = 80))]
    pub id: String,
    /// What the case checks, in a sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Category for the report matrix (for example `stavning`, `logik`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The user message; `{{ name }}` is replaced by the case's variables.
    #[schemars(length(min = 1))]
    pub prompt: String,
    /// Variables for the prompt template.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
    /// Relative weight of the case in pass rates (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub weight: Option<f64>,
    /// Weighted share of assertions that must pass (0–1, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub threshold: Option<f64>,
    /// Run only against these providers (names from `aispec.toml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<String>>,
    /// The checks.
    #[serde(default, rename = "assert")]
    pub asserts: Vec<Assertion>,
    /// The rating this case was drafted from by `aispec feedback cases`: the feedback's id on the platform,
    /// never the user who gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_feedback: Option<String>,
}

/// One check on an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    /// Assertion type, optionally prefixed with `not-` (for example `icontains`, `not-regex`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The expected value: text, list of texts, number, rubric or JSON Schema depending on the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// Lower bound (`word-count`, `lix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound (`word-count`, `lix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Score needed to pass for graded types (`levenshtein` distance, `llm-rubric` score 0–1, `latency` ms,
    /// `similar` cosine similarity, `cost` at most, `javascript` score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Relative weight within the case (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub weight: Option<f64>,
    /// Named metric this assertion contributes to in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
}

impl Assertion {
    /// The type's name without `not-`, and whether it is negated (`not-contains` → (`contains`, true)).
    pub fn base_kind(&self) -> (&str, bool) {
        match self.kind.strip_prefix("not-") {
            Some(rest) => (rest, true),
            None => (self.kind.as_str(), false),
        }
    }

    /// The type and whether it is negated; `None` for a type aispec does not know.
    pub fn typed(&self) -> Option<(AssertionKind, bool)> {
        let (name, negated) = self.base_kind();
        AssertionKind::from_name(name).map(|k| (k, negated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assertion(kind: &str) -> Assertion {
        Assertion {
            kind: kind.to_owned(),
            value: None,
            min: None,
            max: None,
            threshold: None,
            weight: None,
            metric: None,
        }
    }

    #[test]
    fn types_are_typed_with_their_negation() {
        for kind in AssertionKind::ALL {
            assert_eq!(AssertionKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(assertion(&format!("not-{}", kind.as_str())).typed(), Some((kind, true)));
        }
        assert_eq!(assertion("contains").typed(), Some((AssertionKind::Contains, false)));
        assert_eq!(assertion("containz").typed(), None);
        assert_eq!(assertion("not-").typed(), None);
    }
}
