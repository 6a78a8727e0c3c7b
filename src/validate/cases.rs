//! Checks on test-case files (`tests.toml`, `suites/*.toml`) beyond their schema.

use std::collections::HashSet;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document;
use crate::model::cases::{Assertion, AssertionKind, CaseFile};
use crate::schema::FileKind;
use crate::source::SourceFile;
use crate::workspace::Workspace;

/// Folder of shared evaluation suites.
pub const SUITES_DIR: &str = "suites";

/// Validates every `suites/*.toml`; returns how many were checked.
pub fn check_suites(ws: &Workspace, diags: &mut Vec<Diagnostic>) -> usize {
    let files: Vec<String> = match ws.files.files_in(Path::new(SUITES_DIR)) {
        Ok(names) => names.into_iter().filter(|n| n.ends_with(".toml")).collect(),
        Err(e) if e.is_missing() => return 0,
        Err(e) => {
            diags.push(document::file_diagnostic(SUITES_DIR.to_owned(), &e));
            return 0;
        }
    };
    for name in &files {
        let rel = Path::new(SUITES_DIR).join(name);
        let Some(src) = document::read_source(&ws.files, &rel, crate::fsread::Limit::TEXT, diags) else {
            continue;
        };
        if let Some(doc) = document::parse::<CaseFile>(src, FileKind::Cases, &ws.schemas, diags) {
            if doc.value.suite.is_none() {
                diags.push(
                    Diagnostic::file(
                        &doc.source,
                        Severity::Error,
                        "missing-key",
                        "a suite needs a [suite] table with its name",
                    )
                    .with_hint("add [suite] name = \"…\" at the top"),
                );
            }
            check_file(&doc.source, &doc.value, diags);
            let allow = super::personal_data::Allow {
                list: &ws.config.privacy.allow,
                file: "aispec.toml",
            };
            super::personal_data::scan_toml(&doc.source, &[], allow, diags);
        }
    }
    files.len()
}

/// Unique case ids, assertions that make sense, no unconverted promptfoo file references, and a suite's system
/// prompt with only the platform's variables.
pub fn check_file(src: &SourceFile, file: &CaseFile, diags: &mut Vec<Diagnostic>) {
    let mut ids = HashSet::new();
    if let Some(defaults) = &file.defaults {
        for (j, a) in defaults.asserts.iter().enumerate() {
            check_assertion(src, &format!("/defaults/assert/{j}"), a, diags);
        }
        check_file_refs(src, "/defaults/vars", &defaults.vars, diags);
    }
    if let Some(system) = file.suite.as_ref().and_then(|s| s.system.as_deref()) {
        for (_, written) in crate::eval::variables::unknown_in_system(system) {
            diags.push(unknown_variable(
                Diagnostic::at_pointer(src, "/suite/system", Severity::Warning, "unknown-variable", ""),
                &written,
            ));
        }
    }
    for (i, case) in file.cases.iter().enumerate() {
        if !ids.insert(case.id.as_str()) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &format!("/cases/{i}/id"),
                    Severity::Error,
                    "duplicate-case",
                    format!("case id `{}` is used twice", case.id),
                )
                .with_hint("give every case its own id"),
            );
        }
        if case.asserts.is_empty() && file.defaults.as_ref().is_none_or(|d| d.asserts.is_empty()) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &format!("/cases/{i}"),
                    Severity::Warning,
                    "no-assertions",
                    format!("case `{}` has no assertions, so it always passes", case.id),
                )
                .with_hint("add at least one [[cases.assert]]"),
            );
        }
        for (j, a) in case.asserts.iter().enumerate() {
            check_assertion(src, &format!("/cases/{i}/assert/{j}"), a, diags);
        }
        check_file_refs(src, &format!("/cases/{i}/vars"), &case.vars, diags);
        if case.prompt.trim_start().starts_with("file://") {
            diags.push(file_ref(src, &format!("/cases/{i}/prompt"), "the prompt"));
        }
    }
}

/// Warns about `{{…}}` in a specialist's system prompt that the platform will not fill (it would reach the model
/// as written).
pub fn check_system_variables(prompt: &SourceFile, diags: &mut Vec<Diagnostic>) {
    for (offset, written) in crate::eval::variables::unknown_in_system(&prompt.text) {
        diags.push(unknown_variable(
            Diagnostic::at_offset(prompt, offset, Severity::Warning, "unknown-variable", ""),
            &written,
        ));
    }
}

fn unknown_variable(mut d: Diagnostic, written: &str) -> Diagnostic {
    d.message = format!("the platform does not fill `{written}`, so the model sees it as written");
    let names: Vec<&str> = crate::eval::variables::PLATFORM_VARIABLES
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let inner = written.trim_matches(|c| c == '{' || c == '}').trim();
    let hint = match crate::edit_distance::closest(
        &inner.to_uppercase(),
        &names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
    ) {
        Some(best) => format!("write `{{{{{best}}}}}` (no spaces), or remove the braces"),
        None => format!("the platform fills {}", names.join(", ")),
    };
    d.with_hint(hint)
}

/// Variables that still hold a promptfoo `file://` reference: eval would send the reference as text.
fn check_file_refs(
    src: &SourceFile,
    pointer: &str,
    vars: &std::collections::BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) {
    for (name, value) in vars {
        if value.trim_start().starts_with("file://") {
            diags.push(file_ref(
                src,
                &format!("{pointer}/{name}"),
                &format!("variable `{name}`"),
            ));
        }
    }
}

fn file_ref(src: &SourceFile, pointer: &str, what: &str) -> Diagnostic {
    Diagnostic::at_pointer(
        src,
        pointer,
        Severity::Error,
        "file-reference",
        format!("{what} is a promptfoo file reference (file://…), which eval would send as literal text"),
    )
    .with_hint("convert the config with `aispec import promptfoo`, which reads the file, or paste its content here")
}

fn check_assertion(src: &SourceFile, pointer: &str, a: &Assertion, diags: &mut Vec<Diagnostic>) {
    let at = |code: &'static str, msg: String, hint: &str| {
        Diagnostic::at_pointer(src, &format!("{pointer}/type"), Severity::Error, code, msg).with_hint(hint.to_owned())
    };
    let Some((kind, _)) = a.typed() else {
        let known: Vec<String> = AssertionKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
        let hint = match nearest_type(&a.kind, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("use one of: {} (any may be prefixed with `not-`)", known.join(", ")),
        };
        diags.push(at(
            "unknown-assertion",
            format!("unknown assertion type `{}`", a.kind),
            &hint,
        ));
        return;
    };
    if let Some(problem) = value_problem(kind, a) {
        diags.push(at(
            "assertion-value",
            format!("`{}` {problem}", a.kind),
            "see README, \"Test cases\", for each type's fields",
        ));
    }
    if kind == AssertionKind::Javascript
        && a.value
            .as_ref()
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.trim_start().starts_with("file://"))
    {
        diags.push(file_ref(src, &format!("{pointer}/value"), "the JavaScript"));
    }
    if kind == AssertionKind::Regex
        && let Some(Err(e)) = a.value.as_ref().and_then(|v| v.as_str()).map(regex::Regex::new)
    {
        diags.push(
            Diagnostic::at_pointer(
                src,
                &format!("{pointer}/value"),
                Severity::Error,
                "bad-regex",
                format!("the regular expression does not compile: {}", regex_reason(&e)),
            )
            .with_hint(
                "fix the pattern; remember to double backslashes in TOML basic strings or use 'literal strings'",
            ),
        );
    }
}

/// The known type nearest to a misspelt one, ignoring case (`ICONTAINS` → `icontains`, `Not-Contains-Any` →
/// `not-contains-any`), and keeping a `not-` prefix.
fn nearest_type(kind: &str, known: &[String]) -> Option<String> {
    let lower = kind.to_lowercase();
    let (base, prefix) = match lower.strip_prefix("not-") {
        Some(rest) => (rest, "not-"),
        None => (lower.as_str(), ""),
    };
    let best = crate::edit_distance::closest(base, known)?;
    Some(format!("{prefix}{best}"))
}

/// What the assertion lacks for its type, if anything.
fn value_problem(kind: AssertionKind, a: &Assertion) -> Option<&'static str> {
    let value = a.value.as_ref();
    match kind {
        AssertionKind::Equals
        | AssertionKind::Contains
        | AssertionKind::Icontains
        | AssertionKind::StartsWith
        | AssertionKind::Regex
        | AssertionKind::LlmRubric => value
            .is_none_or(|v| v.as_str().is_none_or(str::is_empty))
            .then_some("needs `value` as a non-empty text"),
        AssertionKind::ContainsAny
        | AssertionKind::ContainsAll
        | AssertionKind::IcontainsAny
        | AssertionKind::IcontainsAll => (!value.is_some_and(|v| {
            v.as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(serde_json::Value::is_string))
        }))
        .then_some("needs `value` as a list of texts"),
        AssertionKind::WordCount | AssertionKind::Lix => {
            (a.min.is_none() && a.max.is_none()).then_some("needs `min`, `max` or both")
        }
        AssertionKind::MaxLength => {
            (!value.is_some_and(serde_json::Value::is_u64)).then_some("needs `value` as a whole number of characters")
        }
        AssertionKind::Latency => (a.threshold.is_none() && !value.is_some_and(serde_json::Value::is_number))
            .then_some("needs `threshold` in milliseconds"),
        AssertionKind::Levenshtein => {
            (!value.is_some_and(serde_json::Value::is_string)).then_some("needs `value` as the expected text")
        }
        AssertionKind::Similar | AssertionKind::Javascript => value
            .is_none_or(|v| v.as_str().is_none_or(|t| t.trim().is_empty()))
            .then_some(if kind == AssertionKind::Similar {
                "needs `value` as the expected text"
            } else {
                "needs `value` as JavaScript code"
            }),
        AssertionKind::Cost => (a.threshold.is_none() && !value.is_some_and(serde_json::Value::is_number))
            .then_some("needs `threshold` as the highest cost per answer"),
        AssertionKind::IsJson | AssertionKind::Language | AssertionKind::IsValidOpenaiToolsCall => None,
    }
}

/// The last line of regex's multi-line error ("error: unclosed group" → "unclosed group").
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(text.lines().next().unwrap_or_default())
        .to_owned()
}
