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

/// Unique case ids and assertions that make sense.
pub fn check_file(src: &SourceFile, file: &CaseFile, diags: &mut Vec<Diagnostic>) {
    let mut ids = HashSet::new();
    if let Some(defaults) = &file.defaults {
        for (j, a) in defaults.asserts.iter().enumerate() {
            check_assertion(src, &format!("/defaults/assert/{j}"), a, diags);
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
    }
}

fn check_assertion(src: &SourceFile, pointer: &str, a: &Assertion, diags: &mut Vec<Diagnostic>) {
    let at = |code: &'static str, msg: String, hint: &str| {
        Diagnostic::at_pointer(src, &format!("{pointer}/type"), Severity::Error, code, msg).with_hint(hint.to_owned())
    };
    let Some((kind, _)) = a.typed() else {
        let known: Vec<String> = AssertionKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
        let hint = match crate::edit_distance::closest(a.base_kind().0, &known) {
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
        AssertionKind::ContainsAny | AssertionKind::ContainsAll => (!value.is_some_and(|v| {
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
        AssertionKind::IsJson | AssertionKind::Language => None,
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
