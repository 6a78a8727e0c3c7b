//! Evaluation test cases: `specialists/<id>/tests.toml` and shared suites in `suites/*.toml`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Every assertion type aispec knows; each may also be negated with a `not-` prefix.
pub const ASSERTION_TYPES: &[&str] = &[
    "equals",
    "contains",
    "icontains",
    "contains-any",
    "contains-all",
    "starts-with",
    "regex",
    "is-json",
    "word-count",
    "max-length",
    "latency",
    "levenshtein",
    "language",
    "lix",
    "llm-rubric",
];

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
    /// Score needed to pass for graded types (`levenshtein` distance, `llm-rubric` score 0–1, `latency` ms).
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
    /// The base type and whether it is negated (`not-contains` → (`contains`, true)).
    pub fn base_kind(&self) -> (&str, bool) {
        match self.kind.strip_prefix("not-") {
            Some(rest) => (rest, true),
            None => (self.kind.as_str(), false),
        }
    }
}
