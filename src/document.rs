//! Reading one TOML file of a known kind: syntax, schema and type, with every problem as a diagnostic.

use std::path::Path;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit_distance::closest;
use crate::fsread::{FileError, Limit, Reader};
use crate::schema::{FileKind, Schemas};
use crate::secrets::{is_secret_key_name, looks_like_secret};
use crate::source::{self, SourceFile};

/// A file that parsed and matched its schema, with the typed value.
#[derive(Debug, Clone)]
pub struct Document<T> {
    /// The text and positions.
    pub source: SourceFile,
    /// The typed content.
    pub value: T,
}

/// Reads the workspace file `rel` (relative to the root) as text, or records why it cannot be read.
pub fn read_source(files: &Reader, rel: &Path, limit: Limit, diags: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    read_source_as(files, rel, rel, limit, diags)
}

/// Reads the file at `path` (relative to the workspace root, or absolute) as text; messages name it `shown`.
pub fn read_source_as(
    files: &Reader,
    path: &Path,
    shown: &Path,
    limit: Limit,
    diags: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    match files.read_text(path, limit) {
        Ok(text) => Some(SourceFile::new(shown, text)),
        Err(e) => {
            diags.push(file_diagnostic(crate::diagnostic::display_path(shown), &e));
            None
        }
    }
}

/// The diagnostic for a file aispec would not or could not read.
pub fn file_diagnostic(file: String, e: &FileError) -> Diagnostic {
    let (line, column) = e.position().unwrap_or((1, 1));
    let message = match e {
        FileError::NotUtf8 { .. } => "the file is not valid UTF-8".to_owned(),
        FileError::NulByte { .. } => "the file contains a NUL byte".to_owned(),
        FileError::Io(io) => format!("cannot read the file: {io}"),
        other => other.to_string(),
    };
    Diagnostic::at_path(file, line, column, Severity::Error, e.code(), message).with_hint(e.hint())
}

/// Parses, schema-checks and deserializes a TOML file; returns the value when it could be typed.
pub fn parse<T: DeserializeOwned>(
    source: SourceFile,
    kind: FileKind,
    schemas: &Schemas,
    diags: &mut Vec<Diagnostic>,
) -> Option<Document<T>> {
    if source.text.trim().is_empty() {
        diags.push(
            Diagnostic::file(&source, Severity::Error, "empty-file", "the file is empty").with_hint(format!(
                "fill in the {} fields; `aispec init` shows a complete example",
                kind.name()
            )),
        );
        return None;
    }
    let json = match source::toml_to_json(&source.text) {
        Ok(json) => json,
        Err(errors) => {
            for e in errors {
                let offset = e.span.clone().map_or(0, |s| s.start);
                let near = e
                    .span
                    .and_then(|s| source.text.get(s))
                    .map(str::trim)
                    .filter(|t| !t.is_empty() && t.len() <= 60 && !t.contains('\n') && !looks_like_secret(t));
                let message = match near {
                    Some(t) => format!("{} (at `{t}`)", e.message),
                    None => e.message,
                };
                let hint = if message.starts_with("duplicate key") {
                    "each key and each [table] may appear only once; merge the two or delete one"
                } else {
                    "fix the TOML syntax (https://toml.io); strings need quotes, tables [brackets]"
                };
                diags.push(
                    Diagnostic::at_offset(&source, offset, Severity::Error, "toml-syntax", message).with_hint(hint),
                );
            }
            return None;
        }
    };
    let before = diags.len();
    match schemas.get(kind) {
        Ok(compiled) => {
            let mut found = Vec::new();
            for error in compiled.validator.iter_errors(&json) {
                schema_diagnostics(&source, &error, Some(&compiled.json), &mut found);
            }
            drop_missing_keys_explained_by_typos(&mut found);
            diags.extend(found);
        }
        Err(e) => diags.push(Diagnostic::file(&source, Severity::Error, "bad-schema", e.to_string())),
    }
    match T::deserialize(&json) {
        Ok(value) => Some(Document { source, value }),
        Err(e) => {
            if diags.len() == before {
                diags.push(Diagnostic::file(&source, Severity::Error, "invalid", e.to_string()));
            }
            None
        }
    }
}

/// A misspelt required key shows up twice (unknown `descripton`, missing `description`); keep only the typo.
fn drop_missing_keys_explained_by_typos(found: &mut Vec<Diagnostic>) {
    let typos: Vec<(String, String)> = found
        .iter()
        .filter(|d| d.code == "unknown-key")
        .filter_map(|d| {
            let hint = d.hint.as_deref()?;
            let suggested = hint.strip_prefix("did you mean `")?.strip_suffix("`?")?;
            let parent = d
                .field
                .as_deref()
                .and_then(|f| f.rsplit_once('.'))
                .map_or("", |(p, _)| p);
            Some((parent.to_owned(), suggested.to_owned()))
        })
        .collect();
    found.retain(|d| {
        if d.code != "missing-key" {
            return true;
        }
        !typos.iter().any(|(parent, key)| {
            let place = if parent.is_empty() {
                String::new()
            } else {
                format!(" in `{parent}`")
            };
            d.message == format!("missing required key `{key}`{place}")
        })
    });
}

/// The schema node a keyword lives in: `/$defs/Params/additionalProperties` → `/$defs/Params`.
fn parent_node<'a>(schema: Option<&'a Value>, schema_path: &str) -> Option<&'a Value> {
    let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
    schema?.pointer(parent)
}

fn describe(schema: Option<&Value>, schema_path: &str) -> Option<String> {
    let node = parent_node(schema, schema_path)?;
    node.get("description")
        .and_then(Value::as_str)
        .map(|d| d.replace('\n', " "))
}

/// The findings for one schema error: one helper per kind of error, the simple ones as a table.
fn schema_diagnostics(
    source: &SourceFile,
    error: &jsonschema::ValidationError<'_>,
    schema: Option<&Value>,
    diags: &mut Vec<Diagnostic>,
) {
    let at = SchemaError {
        source,
        schema,
        pointer: error.instance_path().as_str().to_owned(),
        schema_path: error.schema_path().as_str().to_owned(),
        instance: error.instance(),
    };
    let described = |code: &'static str, message: String| at.described(code, message);
    let d = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => return at.unknown_keys(unexpected, diags),
        ValidationErrorKind::Required { property } => at.missing_key(property.as_str().unwrap_or_default()),
        ValidationErrorKind::Type { kind } => at.wrong_type(kind),
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<String> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            at.not_allowed(&choices)
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. }
            if const_choices(schema, &at.schema_path).is_some() =>
        {
            at.not_allowed(&const_choices(schema, &at.schema_path).unwrap_or_default())
        }
        ValidationErrorKind::Constant { expected_value } => {
            described("invalid-value", format!("must be {expected_value}"))
        }
        ValidationErrorKind::Pattern { .. } => at.wrong_format(),
        ValidationErrorKind::MinLength { limit } if *limit == 1 => {
            described("empty-value", "must not be empty".to_owned())
        }
        ValidationErrorKind::MinLength { limit } => {
            described("too-short", format!("must be at least {limit} characters"))
        }
        ValidationErrorKind::MaxLength { limit } => {
            let len = at.instance.as_str().map_or(0, |s| s.chars().count());
            described("too-long", format!("is {len} characters; at most {limit} allowed"))
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => {
            described("out-of-range", format!("{} is below the minimum {limit}", at.instance))
        }
        ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => {
            described("out-of-range", format!("{} is above the maximum {limit}", at.instance))
        }
        ValidationErrorKind::MinItems { limit } => described("too-few", format!("needs at least {limit} entries")),
        ValidationErrorKind::UniqueItems => described("duplicate-entry", "contains the same entry twice".to_owned()),
        _ => described("schema", error.to_string()),
    };
    diags.push(d);
}

/// Where a schema error is: the file, the schema, the value's pointer and the schema rule's path.
struct SchemaError<'a> {
    source: &'a SourceFile,
    schema: Option<&'a Value>,
    pointer: String,
    schema_path: String,
    instance: &'a Value,
}

impl SchemaError<'_> {
    fn error(&self, code: &'static str, message: String) -> Diagnostic {
        Diagnostic::at_pointer(self.source, &self.pointer, Severity::Error, code, message)
    }

    /// An error with the schema's description of the field as its hint.
    fn described(&self, code: &'static str, message: String) -> Diagnostic {
        let d = self.error(code, message);
        match describe(self.schema, &self.schema_path) {
            Some(h) => d.with_hint(h),
            None => d,
        }
    }

    /// One finding per unknown key, at the key, with the closest allowed key as a hint (a credential under an
    /// unknown key is reported as such, never quoted).
    fn unknown_keys(&self, unexpected: &[String], diags: &mut Vec<Diagnostic>) {
        let allowed: Vec<String> = parent_node(self.schema, &self.schema_path)
            .and_then(|n| n.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        for key in unexpected {
            let key_pointer = format!("{}/{}", self.pointer, key.replace('~', "~0").replace('/', "~1"));
            let pos = self.source.key_position_of(&key_pointer);
            if let Some(d) = secret_in_unknown_key(self.source, key, self.instance.get(key.as_str()), pos) {
                diags.push(d);
                continue;
            }
            let mut d = Diagnostic::at_path(
                crate::diagnostic::display_path(&self.source.path),
                pos.line,
                pos.column,
                Severity::Error,
                "unknown-key",
                format!("unknown key `{key}`"),
            );
            if let Some(f) = crate::diagnostic::field_from_pointer(&key_pointer) {
                d = d.with_field(f);
            }
            let hint = match closest(key, &allowed) {
                Some(best) => format!("did you mean `{best}`?"),
                None if allowed.is_empty() => "remove it".to_owned(),
                None => format!("remove it; allowed keys here: {}", allowed.join(", ")),
            };
            diags.push(d.with_hint(hint));
        }
    }

    /// A required key is absent: say where, and what the key is for.
    fn missing_key(&self, name: &str) -> Diagnostic {
        let desc = parent_node(self.schema, &self.schema_path)
            .and_then(|n| n.pointer(&format!("/properties/{name}/description")))
            .and_then(Value::as_str)
            .map(|d| d.replace('\n', " "));
        let place = crate::diagnostic::field_from_pointer(&self.pointer)
            .map(|f| format!(" in `{f}`"))
            .unwrap_or_default();
        let mut d = self.error("missing-key", format!("missing required key `{name}`{place}"));
        d.field = None;
        let hint = match desc {
            Some(desc) => format!("add `{name} = …`: {desc}"),
            None => format!("add `{name} = …`"),
        };
        d.with_hint(hint)
    }

    /// A value of the wrong type, named in TOML's words.
    fn wrong_type(&self, kind: &TypeKind) -> Diagnostic {
        let expected = match kind {
            TypeKind::Single(t) => type_name(&t.to_string()),
            TypeKind::Multiple(set) => {
                let names: Vec<String> = set
                    .iter()
                    .map(|t| t.to_string())
                    .filter(|t| t != "null")
                    .map(|t| type_name(&t))
                    .collect();
                names.join(" or ")
            }
        };
        let found = json_type(self.instance);
        self.described("wrong-type", format!("expected {expected}, found {found}"))
    }

    /// A value outside a fixed list, with the closest choice as a hint.
    fn not_allowed(&self, choices: &[String]) -> Diagnostic {
        let got = self
            .instance
            .as_str()
            .map_or_else(|| self.instance.to_string(), str::to_owned);
        let d = self.error(
            "invalid-value",
            format!("`{got}` is not allowed; use one of: {}", choices.join(", ")),
        );
        match closest(&got, choices) {
            Some(best) => d.with_hint(format!("did you mean `{best}`?")),
            None => d,
        }
    }

    /// A text that does not match its pattern; a value that may carry a credential is never quoted back.
    fn wrong_format(&self) -> Diagnostic {
        let got = self.instance.as_str().unwrap_or_default();
        let message = if looks_like_secret(got) || crate::secrets::has_userinfo(got) {
            "has the wrong format".to_owned()
        } else {
            format!("`{got}` has the wrong format")
        };
        self.described("invalid-format", message)
    }
}

/// An unknown key that holds a credential (`api_key = "sk-…"`): a `possible-secret` error that never quotes
/// the value, instead of `unknown-key`.
fn secret_in_unknown_key(
    source: &SourceFile,
    key: &str,
    value: Option<&Value>,
    pos: crate::source::Position,
) -> Option<Diagnostic> {
    let text = value.and_then(Value::as_str);
    let secret = text.is_some_and(|t| looks_like_secret(t) || (is_secret_key_name(key) && !t.trim().is_empty()));
    if !secret {
        return None;
    }
    Some(
        Diagnostic::at_path(
            crate::diagnostic::display_path(&source.path),
            pos.line,
            pos.column,
            Severity::Error,
            "possible-secret",
            format!("`{key}` holds what looks like a credential; keys must never be written in a file"),
        )
        .with_hint(
            "delete the line, rotate the key now (it may already be in git history), put the new key in an environment variable and name that variable in `api_key_env`",
        ),
    )
}

/// The allowed values when a `oneOf`/`anyOf` lists only constants (how enums with documented variants look).
fn const_choices(schema: Option<&Value>, schema_path: &str) -> Option<Vec<String>> {
    let alternatives = schema?.pointer(schema_path)?.as_array()?;
    alternatives
        .iter()
        .map(|a| a.get("const").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn type_name(json: &str) -> String {
    let name = match json {
        "object" => "a table",
        "array" => "an array",
        "string" => "a string (in quotes)",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "null" => "nothing",
        other => other,
    };
    name.to_owned()
}

fn json_type(v: &Value) -> String {
    match v {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_f64() => format!("decimal number {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string \"{}\"", s.chars().take(40).collect::<String>()),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "a table".to_owned(),
    }
}
