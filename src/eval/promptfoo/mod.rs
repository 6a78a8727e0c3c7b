//! `aispec import promptfoo`: a `promptfooconfig.yaml` turned into an aispec suite.
//!
//! Prompts × tests become cases (one case set per prompt variant); `defaultTest` becomes `[defaults]`; tests come
//! inline, from `file://` YAML or JSON, or from CSV with `__expected` columns; `file://` variables and prompts are
//! read now, through the workspace's file reader, so the suite is self-contained. `assertionTemplates` are
//! resolved through `$ref`. Everything that cannot be converted is listed with its file and line: `skipped` changes
//! what is tested (and fails `--strict`), `ignored` does not (providers, output settings).

pub mod asserts;
pub mod csv;
pub mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::fsread::{Limit, Reader};
use crate::model::cases::{Assertion, Case, CaseDefaults, CaseFile, SuiteInfo};
use tree::{Kind, Node};

/// Something the import could not carry over, where it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The file, relative to the workspace.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// What it is.
    pub what: String,
    /// Why it was not converted, and what to do instead.
    pub why: String,
}

/// What the import left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Found {
    /// Left out, and it changes what is tested (`--strict` fails on these).
    pub skipped: Vec<Finding>,
    /// Left out without changing what is tested (providers, output settings).
    pub ignored: Vec<Finding>,
}

impl Found {
    fn skip(&mut self, file: &str, line: usize, what: impl Into<String>, why: impl Into<String>) {
        self.skipped.push(finding(file, line, what, why));
    }

    fn ignore(&mut self, file: &str, line: usize, what: impl Into<String>, why: impl Into<String>) {
        self.ignored.push(finding(file, line, what, why));
    }
}

fn finding(file: &str, line: usize, what: impl Into<String>, why: impl Into<String>) -> Finding {
    Finding {
        file: file.to_owned(),
        line,
        what: what.into(),
        why: why.into(),
    }
}

/// Reads the files a config refers to: relative to the config's folder, inside the workspace only.
pub struct Loader<'a> {
    files: &'a Reader,
    root: PathBuf,
    base: PathBuf,
}

impl<'a> Loader<'a> {
    /// A loader for a config in `base` (absolute), reading through `files` (confined to `root`).
    pub fn new(files: &'a Reader, root: &Path, base: &Path) -> Self {
        Loader {
            files,
            root: root.to_path_buf(),
            base: base.to_path_buf(),
        }
    }

    /// The text of `file://<reference>`.
    pub fn read(&self, reference: &str) -> Result<String, String> {
        let path = self.base.join(reference);
        self.files
            .read_text(&path, Limit::TEXT)
            .map_err(|e| format!("cannot read {}: {e} ({})", self.shown(reference), e.hint()))
    }

    /// The reference as a path relative to the workspace, for findings.
    pub fn shown(&self, reference: &str) -> String {
        let path = self.base.join(reference);
        let rel = path.strip_prefix(&self.root).unwrap_or(&path);
        crate::diagnostic::display_path(rel)
    }
}

/// A variable of a test: text, or a list that promptfoo expands into one test per value.
#[derive(Debug, Clone, PartialEq)]
pub enum Var {
    /// One value.
    Text(String),
    /// One test per value.
    List(Vec<String>),
}

/// An assertion as found: a node still to convert (with the test's variables), or one already converted.
#[derive(Debug, Clone)]
pub enum AssertSource {
    /// From YAML or JSON.
    Node(Node),
    /// From a CSV cell.
    Ready(Assertion),
}

/// One promptfoo test before it meets the prompts.
#[derive(Debug, Clone, Default)]
pub struct TestSpec {
    /// The file it is in.
    pub file: String,
    /// Its line there.
    pub line: usize,
    /// `description`.
    pub description: Option<String>,
    /// `vars`.
    pub vars: BTreeMap<String, Var>,
    /// `assert`.
    pub asserts: Vec<AssertSource>,
    /// `threshold`.
    pub threshold: Option<f64>,
    /// `__metric` (CSV).
    pub metric: Option<String>,
}

/// One prompt variant.
#[derive(Debug, Clone)]
struct Prompt {
    label: String,
    system: Option<String>,
    user: String,
}

/// The converted suite and what was left out.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The suite.
    pub suite: CaseFile,
    /// Prompt variants converted.
    pub prompts: usize,
    /// promptfoo tests read (before expanding list variables).
    pub tests: usize,
    /// What was left out.
    pub found: Found,
}

/// Top-level keys that only steer how promptfoo runs or reports, not what is tested.
const RUN_SETTINGS: [&str; 9] = [
    "outputPath",
    "sharing",
    "writeLatestResults",
    "evaluateOptions",
    "commandLineOptions",
    "env",
    "tags",
    "metadata",
    "tracing",
];

/// Converts a config. `file` is the config as shown in findings; `name` the suite's name.
pub fn convert(loader: &Loader<'_>, file: &str, text: &str, name: &str) -> Result<Conversion, String> {
    let root = tree::parse(text).map_err(|e| format!("{file} is not YAML: {e}"))?;
    let Some(entries) = root.as_map() else {
        return Err(format!(
            "{file} is not a promptfoo config: expected a mapping with prompts and tests"
        ));
    };
    let mut found = Found::default();
    for (key, node) in entries {
        match key.as_str() {
            "description" | "prompts" | "tests" | "defaultTest" | "assertionTemplates" => {}
            "providers" | "targets" => found.ignore(
                file,
                node.line,
                key.as_str(),
                "aispec takes providers from aispec.toml; choose them with `aispec eval --providers`",
            ),
            k if RUN_SETTINGS.contains(&k) => found.ignore(
                file,
                node.line,
                k,
                "a run setting; aispec eval has its own flags (--concurrency, --repeat, --out)",
            ),
            other => found.skip(
                file,
                node.line,
                other,
                "aispec cannot convert this part of a promptfoo config",
            ),
        }
    }
    let templates: BTreeMap<String, Node> = root
        .get("assertionTemplates")
        .and_then(Node::as_map)
        .map(|m| m.iter().cloned().collect())
        .unwrap_or_default();
    let prompts = prompts(root.get("prompts"), loader, file, &mut found);
    if prompts.is_empty() {
        return Err(format!("{file} has no prompt that aispec can convert"));
    }
    let tests = tests(root.get("tests"), loader, file, &mut found);
    let defaults = defaults(root.get("defaultTest"), &templates, loader, file, &mut found);
    let system = prompts.iter().find_map(|p| p.system.clone());
    let mut cases = Vec::new();
    let mut ids = BTreeSet::new();
    let variants = prompts.len();
    for prompt in &prompts {
        if prompt.system != system && prompt.system.is_some() {
            found.skip(
                file,
                0,
                format!("prompt `{}`", prompt.label),
                "its system message differs from the first prompt's, and a suite has one system prompt; import it \
                 into a suite of its own",
            );
            continue;
        }
        for (ti, test) in tests.iter().enumerate() {
            for vars in expand(&test.vars, &defaults.vars) {
                let Some(mut case) = case(prompt, test, &vars, &templates, loader, &mut found) else {
                    continue;
                };
                // `[defaults.vars]` already gives every case the defaults; keep only what the test sets.
                case.vars.retain(|k, v| defaults.vars.get(k) != Some(v));
                let test_part = test
                    .description
                    .as_deref()
                    .map(slug)
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("test-{}", ti + 1));
                let base = if variants > 1 {
                    format!("{}-{test_part}", slug(&prompt.label))
                } else {
                    test_part
                };
                case.id = unique(&base, &mut ids);
                if variants > 1 {
                    case.category = Some(prompt.label.clone());
                }
                cases.push(case);
            }
        }
    }
    for list in [&mut found.skipped, &mut found.ignored] {
        // One finding per place: a test expanded from list variables, or met by several prompts, reports once.
        list.sort_by(|a, b| (&a.file, a.line, &a.what).cmp(&(&b.file, b.line, &b.what)));
        list.dedup();
    }
    let suite = CaseFile {
        suite: Some(SuiteInfo {
            name: name.to_owned(),
            description: root.get("description").map(Node::to_text),
            system,
        }),
        defaults: Some(defaults.clone()).filter(|d| *d != CaseDefaults::default()),
        cases,
    };
    Ok(Conversion {
        suite,
        prompts: variants,
        tests: tests.len(),
        found,
    })
}

/// The prompt variants: inline text, `file://` text (split on `---` lines), chat messages from JSON or YAML, or
/// `{raw|id, label}` objects.
fn prompts(node: Option<&Node>, loader: &Loader<'_>, file: &str, found: &mut Found) -> Vec<Prompt> {
    let Some(node) = node else {
        // promptfoo's default prompt is the test's `prompt` variable.
        return vec![Prompt {
            label: "prompt".to_owned(),
            system: None,
            user: "{{ prompt }}".to_owned(),
        }];
    };
    let items: Vec<&Node> = match &node.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        let (raw, label) = match (&item.kind, item.get("raw"), item.get("id")) {
            (Kind::Str(s), ..) => (s.clone(), None),
            (_, Some(raw), _) => (raw.to_text(), item.get("label").map(Node::to_text)),
            (_, None, Some(id)) => (id.to_text(), item.get("label").map(Node::to_text)),
            _ => {
                found.skip(
                    file,
                    item.line,
                    "a prompt",
                    "expected text, file://…, or {raw|id, label}",
                );
                continue;
            }
        };
        for (n, p) in prompt_texts(&raw, loader, file, item.line, found)
            .into_iter()
            .enumerate()
        {
            let label = match &label {
                Some(l) if n > 0 => format!("{l}-{}", n + 1),
                Some(l) => l.clone(),
                None => format!("prompt-{}", out.len() + 1),
            };
            if let Some(bad) = template_problem(&p.user) {
                found.skip(
                    file,
                    item.line,
                    format!("prompt `{label}`"),
                    format!("`{bad}` is template logic; aispec fills only {{{{ name }}}} variables"),
                );
                continue;
            }
            out.push(Prompt { label, ..p });
        }
    }
    out
}

/// The prompts one entry stands for (a text file may hold several, separated by `---` lines).
fn prompt_texts(raw: &str, loader: &Loader<'_>, file: &str, line: usize, found: &mut Found) -> Vec<Prompt> {
    let plain = |user: &str| Prompt {
        label: String::new(),
        system: None,
        user: user.trim().to_owned(),
    };
    let Some(reference) = raw.strip_prefix("file://") else {
        return vec![plain(raw)];
    };
    let Some((ext, text)) = read_reference(
        reference,
        |ext| !matches!(ext, "js" | "ts" | "mjs" | "cjs" | "py"),
        "prompt functions and globs cannot be converted; write the prompt text out",
        loader,
        (file, line, raw),
        found,
    ) else {
        return Vec::new();
    };
    if matches!(ext, "json" | "yaml" | "yml") {
        return match chat(&text) {
            Ok(p) => vec![p],
            Err(why) => {
                found.skip(&loader.shown(reference), 1, "chat prompt", why);
                Vec::new()
            }
        };
    }
    text.split("\n---\n")
        .filter(|p| !p.trim().is_empty())
        .map(plain)
        .collect()
}

/// The extension and text of a `file://` reference, or `None` once the skip is noted: a glob or an extension
/// `accepted` refuses is skipped with `why`, a file that cannot be read with the reason. `(file, line, raw)` is
/// where the entry that named it stands, and its text.
fn read_reference<'r>(
    reference: &'r str,
    accepted: fn(&str) -> bool,
    why: &str,
    loader: &Loader<'_>,
    (file, line, raw): (&str, usize, &str),
    found: &mut Found,
) -> Option<(&'r str, String)> {
    let ext = Path::new(reference)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    if !accepted(ext) || reference.contains('*') {
        found.skip(file, line, raw, why);
        return None;
    }
    match loader.read(reference) {
        Ok(text) => Some((ext, text)),
        Err(e) => {
            found.skip(file, line, raw, e);
            None
        }
    }
}

/// A chat prompt: at most one system and exactly one user message.
fn chat(text: &str) -> Result<Prompt, String> {
    let node = tree::parse(text)?;
    let Kind::Seq(messages) = &node.kind else {
        return Err("expected a list of {role, content} messages".to_owned());
    };
    let mut system = None;
    let mut user = None;
    for m in messages {
        match (
            m.get("role").and_then(Node::as_str),
            m.get("content").map(Node::to_text),
        ) {
            (Some("system"), Some(c)) if system.is_none() => system = Some(c),
            (Some("user"), Some(c)) if user.is_none() => user = Some(c),
            (role, _) => {
                return Err(format!(
                    "line {}: aispec sends one system and one user message; cannot convert a {} message here",
                    m.line,
                    role.unwrap_or("role-less")
                ));
            }
        }
    }
    let user = user.ok_or("the chat has no user message")?;
    Ok(Prompt {
        label: String::new(),
        system,
        user,
    })
}

fn template_logic() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{%.*?%\}|\{\{[^}]*\}\}").expect("constant pattern compiles"))
}

/// The first piece of template logic (`{% if %}`, `{{ x | upper }}`, `{{ a.b }}`) aispec would send as written.
fn template_problem(text: &str) -> Option<String> {
    let simple = Regex::new(r"^\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}$").ok()?;
    template_logic()
        .find_iter(text)
        .map(|m| m.as_str())
        .find(|m| !simple.is_match(m))
        .map(str::to_owned)
}

/// Every test: inline, `file://` YAML/JSON (a list or one test), or `file://` CSV; a list may mix them.
fn tests(node: Option<&Node>, loader: &Loader<'_>, file: &str, found: &mut Found) -> Vec<TestSpec> {
    let Some(node) = node else { return Vec::new() };
    let items: Vec<&Node> = match &node.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            Kind::Str(s) => out.extend(test_file(s, item.line, loader, file, found)),
            Kind::Map(_) => out.push(test_spec(item, file, loader, found)),
            _ => found.skip(file, item.line, "a test", "expected a mapping or file://…"),
        }
    }
    out
}

fn test_file(raw: &str, line: usize, loader: &Loader<'_>, file: &str, found: &mut Found) -> Vec<TestSpec> {
    let Some(reference) = raw.strip_prefix("file://") else {
        found.skip(file, line, raw, "a test must be a mapping or a file://… reference");
        return Vec::new();
    };
    let Some((ext, text)) = read_reference(
        reference,
        |ext| matches!(ext, "yaml" | "yml" | "json" | "csv"),
        "aispec reads tests from one YAML, JSON or CSV file (no globs or generators)",
        loader,
        (file, line, raw),
        found,
    ) else {
        return Vec::new();
    };
    let shown = loader.shown(reference);
    if ext == "csv" {
        return csv::tests(&text, &shown, found);
    }
    match tree::parse(&text) {
        Ok(doc) => match &doc.kind {
            Kind::Seq(items) => items.iter().map(|t| test_spec(t, &shown, loader, found)).collect(),
            Kind::Map(_) => vec![test_spec(&doc, &shown, loader, found)],
            _ => {
                found.skip(&shown, doc.line, "tests", "expected a list of tests");
                Vec::new()
            }
        },
        Err(e) => {
            found.skip(&shown, 0, "tests", format!("not YAML or JSON: {e}"));
            Vec::new()
        }
    }
}

fn test_spec(node: &Node, file: &str, loader: &Loader<'_>, found: &mut Found) -> TestSpec {
    let mut spec = TestSpec {
        file: file.to_owned(),
        line: node.line,
        ..TestSpec::default()
    };
    for (key, value) in node.as_map().unwrap_or_default() {
        match key.as_str() {
            "description" => spec.description = Some(value.to_text()),
            "vars" => spec.vars = vars(value, loader, file, found),
            "assert" => match &value.kind {
                Kind::Seq(items) => spec.asserts = items.iter().cloned().map(AssertSource::Node).collect(),
                _ => found.skip(file, value.line, "assert", "expected a list of assertions"),
            },
            "threshold" => spec.threshold = value.as_f64(),
            "metadata" => {}
            "options" | "provider" | "providers" => found.skip(
                file,
                value.line,
                format!("`{key}` of a test"),
                "aispec cases have no per-test options or providers (use `providers` in the case to limit them)",
            ),
            other => found.skip(
                file,
                value.line,
                format!("`{other}` of a test"),
                "aispec cases have no such setting",
            ),
        }
    }
    spec
}

/// Variables: text as text, numbers and booleans as written, `file://` read now, lists kept for expansion.
fn vars(node: &Node, loader: &Loader<'_>, file: &str, found: &mut Found) -> BTreeMap<String, Var> {
    let mut out = BTreeMap::new();
    let Some(entries) = node.as_map() else {
        if let Some(reference) = node.as_str().and_then(|s| s.strip_prefix("file://")) {
            return match loader.read(reference).and_then(|t| tree::parse(&t)) {
                Ok(doc) => vars(&doc, loader, &loader.shown(reference), found),
                Err(e) => {
                    found.skip(file, node.line, format!("vars file://{reference}"), e);
                    out
                }
            };
        }
        found.skip(file, node.line, "vars", "expected a mapping of names to values");
        return out;
    };
    for (name, value) in entries {
        let text = |v: &Node, found: &mut Found| -> Option<String> {
            match v.as_str().and_then(|s| s.strip_prefix("file://")) {
                Some(reference) if is_script(reference) => {
                    found.skip(
                        file,
                        v.line,
                        format!("variable `{name}`"),
                        "a script cannot be run at import time",
                    );
                    None
                }
                Some(reference) => match loader.read(reference) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        found.skip(file, v.line, format!("variable `{name}`"), e);
                        None
                    }
                },
                None => Some(v.to_text()),
            }
        };
        let var = match &value.kind {
            Kind::Seq(items) => Var::List(items.iter().filter_map(|i| text(i, found)).collect()),
            _ => match text(value, found) {
                Some(t) => Var::Text(t),
                None => continue,
            },
        };
        out.insert(name.clone(), var);
    }
    out
}

fn is_script(reference: &str) -> bool {
    let ext = Path::new(reference)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    matches!(ext, "js" | "ts" | "mjs" | "cjs" | "py")
}

/// `defaultTest`: variables and threshold as `[defaults]`; assertions too, unless their values use the tests'
/// variables (those are filled per case instead, see [`case`]).
fn defaults(
    node: Option<&Node>,
    templates: &BTreeMap<String, Node>,
    loader: &Loader<'_>,
    file: &str,
    found: &mut Found,
) -> CaseDefaults {
    let mut d = CaseDefaults::default();
    let Some(node) = node else { return d };
    let spec = test_spec(node, file, loader, found);
    d.threshold = spec.threshold;
    for (name, var) in spec.vars {
        match var {
            Var::Text(t) => {
                d.vars.insert(name, t);
            }
            Var::List(_) => found.skip(
                file,
                node.line,
                format!("defaultTest variable `{name}`"),
                "a list in defaultTest",
            ),
        }
    }
    for a in &spec.asserts {
        if let AssertSource::Node(n) = a
            && let Some(a) = asserts::convert(n, templates, &d.vars, loader, file, found)
        {
            d.asserts.push(a);
        }
    }
    d
}

/// Every combination of the test's list variables (promptfoo runs one test per combination), merged over the
/// defaults.
fn expand(vars: &BTreeMap<String, Var>, defaults: &BTreeMap<String, String>) -> Vec<BTreeMap<String, String>> {
    let mut combos = vec![BTreeMap::new()];
    for (name, var) in vars {
        let values = match var {
            Var::Text(t) => vec![t.clone()],
            Var::List(items) => items.clone(),
        };
        combos = combos
            .into_iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.insert(name.clone(), v.clone());
                    c
                })
            })
            .collect();
    }
    for c in &mut combos {
        for (k, v) in defaults {
            c.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    combos
}

/// One case: the prompt with the test's variables, its assertions converted.
fn case(
    prompt: &Prompt,
    test: &TestSpec,
    vars: &BTreeMap<String, String>,
    templates: &BTreeMap<String, Node>,
    loader: &Loader<'_>,
    found: &mut Found,
) -> Option<Case> {
    let needed = crate::eval::plan::render(&prompt.user, vars);
    if let Err(missing) = needed
        && !crate::eval::variables::is_platform_variable(&missing)
    {
        found.skip(
            &test.file,
            test.line,
            format!("test with prompt `{}`", prompt.label),
            format!("the prompt uses {{{{ {missing} }}}}, which the test does not set"),
        );
        return None;
    }
    let mut asserts = Vec::new();
    for a in &test.asserts {
        match a {
            AssertSource::Ready(a) => asserts.push(a.clone()),
            AssertSource::Node(n) => {
                if let Some(a) = asserts::convert(n, templates, vars, loader, &test.file, found) {
                    asserts.push(a);
                }
            }
        }
    }
    Some(Case {
        id: String::new(),
        description: test.description.clone(),
        category: None,
        prompt: prompt.user.clone(),
        vars: vars.clone(),
        weight: None,
        threshold: test.threshold,
        providers: None,
        asserts,
        from_feedback: None,
    })
}

/// A case id from free text: lower case, Danish letters spelt out, other characters as `-`, at most 60.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    let mut s: String = out.trim_matches('-').chars().take(60).collect();
    while s.ends_with('-') {
        s.pop();
    }
    s
}

fn unique(base: &str, ids: &mut BTreeSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while !ids.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_case_ids() {
        assert_eq!(slug("Åbningstider i Borgerservice?"), "aabningstider-i-borgerservice");
        assert_eq!(slug("  --  "), "");
        let mut ids = BTreeSet::new();
        assert_eq!(unique("a", &mut ids), "a");
        assert_eq!(unique("a", &mut ids), "a-2");
    }

    #[test]
    fn list_variables_expand() {
        let vars = BTreeMap::from([
            ("a".to_owned(), Var::List(vec!["1".into(), "2".into()])),
            ("b".to_owned(), Var::Text("x".into())),
        ]);
        let defaults = BTreeMap::from([("b".to_owned(), "d".to_owned()), ("c".to_owned(), "y".to_owned())]);
        let combos = expand(&vars, &defaults);
        assert_eq!(combos.len(), 2);
        assert_eq!(combos[1]["a"], "2");
        assert_eq!(combos[1]["b"], "x");
        assert_eq!(combos[1]["c"], "y");
    }

    #[test]
    fn template_logic_is_found() {
        assert_eq!(template_problem("Hej {{ navn }} {{by}}"), None);
        assert_eq!(
            template_problem("{{ navn | upper }}").as_deref(),
            Some("{{ navn | upper }}")
        );
        assert_eq!(
            template_problem("{% if x %}ja{% endif %}").as_deref(),
            Some("{% if x %}")
        );
    }
}
