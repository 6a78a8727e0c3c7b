//! The public AI register: one record per use case in the fields of the Algorithm Register Metadata Standard,
//! built from the workspace (`aispec register`), checked against aispec's own schema of the record.

pub mod build;
pub mod portfolio;
pub mod public;
pub mod record;
pub mod texts;

use std::sync::LazyLock;

use serde::Serialize;

pub use build::Context;
pub use portfolio::{Portfolio, UseCase};
pub use record::Record;

/// The record schema (draft 2020-12), as committed in `schemas/`.
pub const SCHEMA: &str = include_str!("../../schemas/register-record.schema.json");

/// Workspace-relative path of the committed record schema.
pub const SCHEMA_FILE: &str = "schemas/register-record.schema.json";

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    jsonschema::draft202012::options()
        .build(&schema)
        .map_err(|e| e.to_string())
});

/// One way a record falls short of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The record field (empty for the record as a whole).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Checks a record against the schema.
pub fn check(record: &Record) -> Vec<Problem> {
    let validator = match &*VALIDATOR {
        Ok(v) => v,
        Err(e) => {
            return vec![Problem {
                field: String::new(),
                message: format!("{SCHEMA_FILE} does not compile: {e}"),
                hint: "this is a bug in aispec; please report it".to_owned(),
            }];
        }
    };
    let json = match serde_json::to_value(record) {
        Ok(j) => j,
        Err(e) => {
            return vec![Problem {
                field: String::new(),
                message: e.to_string(),
                hint: String::new(),
            }];
        }
    };
    validator
        .iter_errors(&json)
        .map(|e| {
            let path = e.instance_path().to_string();
            let field = match e.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    property.as_str().unwrap_or_default().to_owned()
                }
                _ => path
                    .trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            };
            Problem {
                hint: hint(&field).to_owned(),
                message: if path.is_empty() {
                    e.to_string()
                } else {
                    format!("{path}: {e}")
                },
                field,
            }
        })
        .collect()
}

/// Where a field comes from, as advice to fill it.
pub fn hint(field: &str) -> &'static str {
    match field {
        "organization" => "set `organisation` under [register] in aispec.toml (or [workspace] name)",
        "area" => "set `area` under [register] in aispec.toml, for example \"Aarhus Kommune\"",
        "domain" => {
            "set `domain` (or `domains.<id>`) under [register] in aispec.toml to one of the standard's domains, \
             for example \"government\""
        }
        "contact_email" => "set `contact` under [register] in aispec.toml to a functional mailbox",
        "website" => {
            "set `website_base` under [register] in aispec.toml to the https:// address the site is published at"
        }
        "department" => "set `owner.department` in specialist.toml (or `department` in the screening)",
        "description_short" => "write `description` in specialist.toml",
        "goal" => "answer the screening's `use_case` question (`aispec screen ID`)",
        "decision_making_process" | "human_intervention" | "risks" | "risk_category" | "dpia" | "fria" => {
            "link a screening to the specialist (`screening = \"ID\"`) and complete it"
        }
        "provider" | "models" | "methods_and_models" => "use a `base_model` from the model catalogue (models.toml)",
        _ => "see the register field table in the README",
    }
}

/// Everything `aispec register` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// One record per use case asked for.
    pub records: Vec<Record>,
    /// Schema problems per record id.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub problems: std::collections::BTreeMap<String, Vec<Problem>>,
}

/// The records of the use cases in `portfolio` (all, or the ids in `only`), checked against the schema.
pub fn report(cx: &Context<'_>, portfolio: &Portfolio, only: &[String]) -> Report {
    let records: Vec<Record> = portfolio
        .use_cases
        .iter()
        .filter(|uc| only.is_empty() || only.contains(&uc.row.id))
        .map(|uc| build::record(cx, uc))
        .collect();
    let problems = records
        .iter()
        .map(|r| (r.id.clone(), check(r)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    Report { records, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_compiles_and_names_missing_fields() {
        let mut r = Record {
            standard: record::STANDARD,
            id: "x".into(),
            lang: "da",
            name: "X".into(),
            kind: "self-learning",
            status: "in development",
            ..Default::default()
        };
        r.note_gaps();
        let problems = check(&r);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"area"), "{problems:?}");
        let area = problems.iter().find(|p| p.field == "area").expect("area");
        assert!(area.hint.contains("[register]"), "{area:?}");
    }
}
