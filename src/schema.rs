//! JSON Schemas for every file kind: generated from the serde types (by the test below, which keeps the
//! committed copies in `schemas/` in step), embedded in the binary, overridable per workspace, compiled at most
//! once per run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use jsonschema::Validator;

/// Where `init` and `aispec schemas` put the editor copies of the schemas (not an override location).
pub const EDITOR_DIR: &str = ".aispec/schemas";

/// The kinds of TOML file aispec reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `aispec.toml`.
    Config,
    /// `models.toml`.
    Catalog,
    /// `specialists/<id>/specialist.toml`.
    Specialist,
    /// `specialists/<id>/tests.toml` and `suites/*.toml`.
    Cases,
    /// `questionnaires/screening.toml`.
    Questionnaire,
    /// `screenings/<id>/screening.toml`.
    Screening,
    /// `screenings/<id>/journey.toml`.
    Journey,
    /// Answers files for `aispec screen --answers`.
    Answers,
}

impl FileKind {
    /// Every kind, in the order schemas are listed.
    pub const ALL: &'static [FileKind] = &[
        FileKind::Config,
        FileKind::Catalog,
        FileKind::Specialist,
        FileKind::Cases,
        FileKind::Questionnaire,
        FileKind::Screening,
        FileKind::Journey,
        FileKind::Answers,
    ];

    /// Base name of the schema file (`schemas/<name>.schema.json`).
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Config => "aispec",
            FileKind::Catalog => "models",
            FileKind::Specialist => "specialist",
            FileKind::Cases => "tests",
            FileKind::Questionnaire => "questionnaire",
            FileKind::Screening => "screening",
            FileKind::Journey => "journey",
            FileKind::Answers => "answers",
        }
    }

    /// Which files editors should apply this schema to.
    pub fn file_globs(self) -> &'static [&'static str] {
        match self {
            FileKind::Config => &["aispec.toml"],
            FileKind::Catalog => &["models.toml"],
            FileKind::Specialist => &["specialists/*/specialist.toml"],
            FileKind::Cases => &["specialists/*/tests.toml", "suites/*.toml"],
            FileKind::Questionnaire => &["questionnaires/*.toml"],
            FileKind::Screening => &["screenings/*/screening.toml"],
            FileKind::Journey => &["screenings/*/journey.toml"],
            FileKind::Answers => &["**/*.answers.toml"],
        }
    }

    /// The schema as committed in this repository and embedded in the binary.
    pub fn embedded(self) -> &'static str {
        match self {
            FileKind::Config => include_str!("../schemas/aispec.schema.json"),
            FileKind::Catalog => include_str!("../schemas/models.schema.json"),
            FileKind::Specialist => include_str!("../schemas/specialist.schema.json"),
            FileKind::Cases => include_str!("../schemas/tests.schema.json"),
            FileKind::Questionnaire => include_str!("../schemas/questionnaire.schema.json"),
            FileKind::Screening => include_str!("../schemas/screening.schema.json"),
            FileKind::Journey => include_str!("../schemas/journey.schema.json"),
            FileKind::Answers => include_str!("../schemas/answers.schema.json"),
        }
    }
}

/// The schema files plus a Taplo config pointing at them, relative to the workspace root.
pub fn editor_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = FileKind::ALL
        .iter()
        .map(|k| (dir.join(format!("{}.schema.json", k.name())), k.embedded().to_owned()))
        .collect();
    let dir_s = crate::diagnostic::display_path(dir);
    let mut taplo = String::from("# Schema associations for Taplo / Even Better TOML (written by `aispec schemas`).\n");
    for k in FileKind::ALL {
        let globs: Vec<String> = k.file_globs().iter().map(|g| format!("\"{g}\"")).collect();
        taplo.push_str(&format!(
            "\n[[rule]]\ninclude = [{}]\n[rule.schema]\npath = \"./{dir_s}/{}.schema.json\"\n",
            globs.join(", "),
            k.name()
        ));
    }
    files.push((PathBuf::from(".taplo.toml"), taplo));
    files
}

/// Compiled validators, built on first use and shared across threads.
#[derive(Default)]
pub struct Schemas {
    overrides: HashMap<FileKind, String>,
    compiled: Mutex<HashMap<FileKind, Arc<Compiled>>>,
}

/// A schema as JSON (for descriptions in hints) and compiled (for validation).
pub struct Compiled {
    /// The schema document.
    pub json: serde_json::Value,
    /// The validator built from it.
    pub validator: Validator,
}

/// A schema that does not compile (only possible for a workspace override).
#[derive(Debug, thiserror::Error)]
#[error("schemas/{name}.schema.json is not a valid JSON Schema: {message}")]
pub struct SchemaError {
    /// Schema base name.
    pub name: &'static str,
    /// Why.
    pub message: String,
}

impl Schemas {
    /// Uses the workspace's own `schemas/<name>.schema.json` where present.
    pub fn new(overrides: HashMap<FileKind, String>) -> Self {
        Schemas {
            overrides,
            compiled: Mutex::default(),
        }
    }

    /// The validator for a kind, compiling it once.
    pub fn get(&self, kind: FileKind) -> Result<Arc<Compiled>, SchemaError> {
        let mut cache = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(&kind) {
            return Ok(Arc::clone(v));
        }
        let text = self.overrides.get(&kind).map_or(kind.embedded(), String::as_str);
        let err = |message: String| SchemaError {
            name: kind.name(),
            message,
        };
        let schema: serde_json::Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        let validator = jsonschema::draft202012::options()
            .build(&schema)
            .map_err(|e| err(e.to_string()))?;
        let compiled = Arc::new(Compiled {
            json: schema,
            validator,
        });
        cache.insert(kind, Arc::clone(&compiled));
        Ok(compiled)
    }
}

#[cfg(test)]
mod tests {
    use schemars::JsonSchema;

    use super::*;
    use crate::model::{
        answers::AnswersFile, cases::CaseFile, catalog::Catalog, config::Config, journey::Journey,
        questionnaire::Questionnaire, screening::Screening, specialist::Specialist,
    };

    fn generate<T: JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("a schema is JSON")
    }

    /// The schema generated from the Rust types, as pretty JSON text (what `embedded` must equal).
    fn generate_text(kind: FileKind) -> String {
        let schema = match kind {
            FileKind::Config => generate::<Config>(),
            FileKind::Catalog => generate::<Catalog>(),
            FileKind::Specialist => generate::<Specialist>(),
            FileKind::Cases => generate::<CaseFile>(),
            FileKind::Questionnaire => generate::<Questionnaire>(),
            FileKind::Screening => generate::<Screening>(),
            FileKind::Journey => generate::<Journey>(),
            FileKind::Answers => generate::<AnswersFile>(),
        };
        let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
        text.push('\n');
        text
    }

    /// The committed schemas must equal what the types generate; `AISPEC_UPDATE_SCHEMAS=1` rewrites them.
    #[test]
    fn committed_schemas_match_the_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let update = std::env::var_os("AISPEC_UPDATE_SCHEMAS").is_some();
        let mut stale = Vec::new();
        for kind in FileKind::ALL {
            let path = dir.join(format!("{}.schema.json", kind.name()));
            let want = generate_text(*kind);
            let have = std::fs::read_to_string(&path).unwrap_or_default();
            if have != want {
                if update {
                    std::fs::write(&path, &want).expect("write schema");
                } else {
                    stale.push(path.display().to_string());
                }
            }
        }
        assert!(
            stale.is_empty(),
            "stale schemas {stale:?}: run `AISPEC_UPDATE_SCHEMAS=1 cargo test schemas`"
        );
    }

    #[test]
    fn embedded_schemas_compile() {
        let schemas = Schemas::default();
        for kind in FileKind::ALL {
            schemas.get(*kind).expect("compiles");
        }
    }
}
