//! Building the matrix: which cases (from specialists and suites) run against which providers, how often.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::provider::{ChatRequest, Message, ResolvedProvider};
use super::variables;
use crate::diagnostic::Diagnostic;
use crate::document;
use crate::error::UserError;
use crate::model::cases::{AssertionKind, Case, CaseFile};
use crate::model::specialist::Params;
use crate::schema::FileKind;
use crate::source::SourceFile;
use crate::validate::cases::{SUITES_DIR, check_file};
use crate::workspace::Workspace;

/// What to evaluate.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Specialist ids (folder names); all specialists with tests when both lists are empty.
    pub specialists: Vec<String>,
    /// Suite names (`suites/<name>.toml`, the workspace's or the embedded one).
    pub suites: Vec<String>,
    /// Run the specialists' draft cases from `.aispec/drafts/<id>.toml` instead of their `tests.toml`.
    pub drafts: bool,
}

/// One case ready to send: defaults merged, prompt rendered, system prompt and parameters known.
#[derive(Debug, Clone)]
pub struct PlannedCase {
    /// The specialist id, or `suite:<name>`.
    pub source: String,
    /// The specialist id when the case belongs to one.
    pub specialist: Option<String>,
    /// The case with the file's default assertions appended.
    pub case: Case,
    /// The file the case comes from, relative to the workspace (or `(embedded)`).
    pub file: String,
    /// Weighted share of assertions that must pass.
    pub threshold: f64,
    /// The case's weight in pass rates.
    pub weight: f64,
    /// System prompt aispec sends to raw models, with the platform's variables filled.
    pub system: Option<String>,
    /// The user message with variables filled in.
    pub prompt: String,
    /// Generation parameters (the specialist's).
    pub params: Params,
}

impl PlannedCase {
    /// `source/id`, unique within a run.
    pub fn key(&self) -> String {
        format!("{}/{}", self.source, self.case.id)
    }

    /// The category shown in the matrix.
    pub fn category(&self) -> &str {
        self.case.category.as_deref().unwrap_or("-")
    }

    /// The request for a provider, or `None` when the provider cannot run this case.
    pub fn request(&self, provider: &ResolvedProvider) -> Option<ChatRequest> {
        let model = provider.model_for(self.specialist.as_deref())?;
        let mut messages = Vec::with_capacity(2);
        if provider.sends_system_prompt(self.specialist.as_deref())
            && let Some(system) = self.system.as_deref().filter(|s| !s.trim().is_empty())
        {
            messages.push(Message::new("system", system));
        }
        messages.push(Message::new("user", self.prompt.clone()));
        let params = if provider.is_platform() {
            // The platform applies the specialist's own parameters.
            Params::default()
        } else {
            self.params.clone()
        };
        Some(ChatRequest {
            model,
            messages,
            params,
        })
    }
}

/// One cell of the matrix: a case, a provider and a repeat index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Index into `Plan::cases`.
    pub case: usize,
    /// Index into `Plan::providers`.
    pub provider: usize,
    /// 0-based repeat index.
    pub repeat: u32,
}

/// The whole run, before anything is sent.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Cases in file order.
    pub cases: Vec<PlannedCase>,
    /// Providers in the order given.
    pub providers: Vec<ResolvedProvider>,
    /// The judge for `llm-rubric`, when any case needs one.
    pub judge: Option<ResolvedProvider>,
    /// The embedder for `similar`, when any case needs one.
    pub embedder: Option<ResolvedProvider>,
    /// How often each case runs per provider.
    pub repeat: u32,
    /// Every (case, provider, repeat) to run.
    pub jobs: Vec<Job>,
    /// Case × provider pairs left out, with why (for the human report).
    pub skipped: Vec<String>,
    /// The judge prompt template.
    pub judge_template: String,
}

/// Loads the selected cases; problems in their files are returned as one error naming the first.
pub fn load_cases(ws: &Workspace, selection: &Selection) -> Result<Vec<PlannedCase>, UserError> {
    let mut diags = Vec::new();
    let mut cases = Vec::new();
    let all_specialists = selection.specialists.is_empty() && selection.suites.is_empty();
    let folders: Vec<String> = if all_specialists && selection.drafts {
        ws.specialist_dirs()
            .into_iter()
            .filter(|f| ws.files.exists(&crate::feedback::drafts::drafts_file(f)))
            .collect()
    } else if all_specialists {
        ws.specialist_dirs()
    } else {
        selection.specialists.clone()
    };
    for folder in &folders {
        if !all_specialists
            && !ws
                .files
                .is_dir(&Path::new(crate::workspace::SPECIALISTS_DIR).join(folder))
        {
            let known = ws.specialist_dirs();
            let hint = crate::suggest::hint(folder, &known, format!("specialists here: {}", known.join(", ")));
            return Err(UserError::new(format!("no specialist `{folder}` in specialists/")).hint(hint));
        }
        let loaded = ws.load_specialist(folder, &mut diags);
        let drafts = if selection.drafts {
            Some(load_drafts(ws, folder, &mut diags)?)
        } else {
            None
        };
        let Some(tests) = drafts.as_ref().or(loaded.tests.as_ref()) else {
            if !all_specialists && !diags.iter().any(Diagnostic::is_error) {
                return Err(UserError::new(format!("specialist `{folder}` has no tests.toml"))
                    .hint("add specialists/<id>/tests.toml with [[cases]] (see README, \"Test cases\")"));
            }
            continue;
        };
        check_file(&tests.source, &tests.value, &mut diags);
        let id = loaded.spec.as_ref().map_or(folder.clone(), |s| s.value.id.clone());
        let params = loaded.spec.as_ref().map(|s| s.value.params.clone()).unwrap_or_default();
        let system = loaded.prompt.as_ref().map(|p| p.text.clone());
        let file = crate::diagnostic::display_path(&tests.source.path);
        expand(&tests.value, &id, Some(&id), system, &params, &file, &mut cases)?;
    }
    for name in &selection.suites {
        let (source, suite) = load_suite(ws, name, &mut diags)?;
        if let Some(suite) = suite {
            check_file(&source, &suite, &mut diags);
            let system = suite.suite.as_ref().and_then(|s| s.system.clone());
            let file = crate::diagnostic::display_path(&source.path);
            expand(
                &suite,
                &format!("suite:{name}"),
                None,
                system,
                &Params::default(),
                &file,
                &mut cases,
            )?;
        }
    }
    if let Some(first) = diags.iter().find(|d| d.is_error()) {
        let count = diags.iter().filter(|d| d.is_error()).count();
        return Err(
            UserError::new(format!("the files to evaluate have {count} problem(s); first: {first}"))
                .hint("run `aispec validate` to see every problem"),
        );
    }
    Ok(cases)
}

/// A specialist's draft cases (`aispec feedback cases`); an error when it has none.
fn load_drafts(
    ws: &Workspace,
    folder: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<crate::document::Document<CaseFile>, UserError> {
    let rel = crate::feedback::drafts::drafts_file(folder);
    if !ws.files.exists(&rel) {
        return Err(UserError::new(format!(
            "specialist `{folder}` has no drafts ({} does not exist)",
            rel.display()
        ))
        .hint(format!(
            "draft cases from feedback first: aispec feedback cases {folder} --target TARGET"
        )));
    }
    document::read_source(&ws.files, &rel, crate::fsread::Limit::TEXT, diags)
        .and_then(|source| document::parse::<CaseFile>(source, FileKind::Cases, &ws.schemas, diags))
        .ok_or_else(|| {
            let first = diags
                .iter()
                .find(|d| d.is_error())
                .map(ToString::to_string)
                .unwrap_or_default();
            UserError::new(format!("{} cannot be read: {first}", rel.display()))
                .hint("fix the drafts file, or delete it and draft again with `aispec feedback cases`")
        })
}

/// Suite names available: the workspace's `suites/*.toml` and the embedded ones.
pub fn suite_names(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = ws
        .files
        .files_in(Path::new(SUITES_DIR))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|n| n.strip_suffix(".toml").map(str::to_owned))
        .collect();
    names.extend(
        crate::defaults::paths()
            .filter_map(|p| p.strip_prefix("suites/")?.strip_suffix(".toml"))
            .map(str::to_owned),
    );
    names.sort();
    names.dedup();
    names
}

fn load_suite(
    ws: &Workspace,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<(SourceFile, Option<CaseFile>), UserError> {
    let rel = PathBuf::from(SUITES_DIR).join(format!("{name}.toml"));
    let source = if ws.files.exists(&rel) {
        document::read_source(&ws.files, &rel, crate::fsread::Limit::TEXT, diags)
    } else {
        ws.resource(&crate::diagnostic::display_path(&rel)).map(|(s, _)| s)
    };
    let Some(source) = source else {
        if diags.iter().any(Diagnostic::is_error) {
            return Ok((SourceFile::new(rel, String::new()), None));
        }
        let known = suite_names(ws);
        return Err(
            UserError::new(format!("no suite `{name}` (looked for {})", rel.display())).hint(if known.is_empty() {
                "add suites/<name>.toml with a [suite] table and [[cases]]".to_owned()
            } else {
                format!("suites: {}", known.join(", "))
            }),
        );
    };
    let parsed = document::parse::<CaseFile>(source.clone(), FileKind::Cases, &ws.schemas, diags);
    Ok((source, parsed.map(|d| d.value)))
}

fn expand(
    file: &CaseFile,
    source: &str,
    specialist: Option<&str>,
    system: Option<String>,
    params: &Params,
    path: &str,
    out: &mut Vec<PlannedCase>,
) -> Result<(), UserError> {
    let defaults = file.defaults.clone().unwrap_or_default();
    for case in &file.cases {
        let mut vars: BTreeMap<String, String> = defaults.vars.clone();
        vars.extend(case.vars.clone());
        // The platform's own variables have fixed test values in prompts too, unless the case sets them.
        let mut with_platform: BTreeMap<String, String> = variables::PLATFORM_VARIABLES
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        with_platform.extend(vars.clone());
        let prompt = render(&case.prompt, &with_platform).map_err(|missing| {
            UserError::new(format!(
                "{path}: case `{}` uses {{{{ {missing} }}}} in its prompt, but no variable `{missing}` is set",
                case.id
            ))
            .hint("add it under vars in the case or in [defaults]")
        })?;
        let mut merged = case.clone();
        merged.asserts.extend(defaults.asserts.iter().cloned());
        merged.vars = vars.clone();
        out.push(PlannedCase {
            source: source.to_owned(),
            specialist: specialist.map(str::to_owned),
            threshold: case.threshold.or(defaults.threshold).unwrap_or(1.0),
            weight: case.weight.unwrap_or(1.0),
            case: merged,
            file: path.to_owned(),
            // What the platform does before the prompt reaches the model; aispec does it for raw models.
            system: system.as_deref().map(|text| variables::fill_system(text, &vars)),
            prompt,
            params: params.clone(),
        });
    }
    Ok(())
}

fn var_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").expect("constant pattern compiles"))
}

/// Replaces `{{ name }}` with the variable's value; the first unknown name is the error.
pub fn render(template: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut missing = None;
    let out = var_pattern().replace_all(template, |caps: &regex::Captures<'_>| {
        let name = &caps[1];
        match vars.get(name) {
            Some(v) => v.clone(),
            None => {
                missing.get_or_insert_with(|| name.to_owned());
                caps[0].to_owned()
            }
        }
    });
    match missing {
        Some(name) => Err(name),
        None => Ok(out.into_owned()),
    }
}

/// Builds the jobs: each case × each provider allowed by the case × each repeat.
pub fn jobs(cases: &[PlannedCase], providers: &[ResolvedProvider], repeat: u32) -> (Vec<Job>, Vec<String>) {
    let mut jobs = Vec::with_capacity(cases.len() * providers.len() * repeat as usize);
    let mut skipped = Vec::new();
    for (ci, case) in cases.iter().enumerate() {
        if let Some(only) = &case.case.providers
            && !providers.iter().any(|p| only.contains(&p.name))
        {
            skipped.push(format!(
                "{}: it runs only on {}, none of which was selected",
                case.key(),
                only.join(", ")
            ));
            continue;
        }
        for (pi, provider) in providers.iter().enumerate() {
            if let Some(only) = &case.case.providers
                && !only.contains(&provider.name)
            {
                continue;
            }
            if provider.model_for(case.specialist.as_deref()).is_none() {
                skipped.push(format!(
                    "{} on {}: a suite needs `model` on a platform provider",
                    case.key(),
                    provider.name
                ));
                continue;
            }
            for r in 0..repeat {
                jobs.push(Job {
                    case: ci,
                    provider: pi,
                    repeat: r,
                });
            }
        }
    }
    (jobs, skipped)
}

/// True when any case has an `llm-rubric` assertion.
pub fn needs_judge(cases: &[PlannedCase]) -> bool {
    uses(cases, AssertionKind::LlmRubric)
}

/// True when any case has an assertion of this type.
pub fn uses(cases: &[PlannedCase], kind: AssertionKind) -> bool {
    cases
        .iter()
        .any(|c| c.case.asserts.iter().any(|a| a.typed().is_some_and(|(k, _)| k == kind)))
}

/// Path of the judge prompt template for a language.
pub fn judge_template_path(lang: crate::model::config::Language) -> String {
    format!("templates/eval-judge.{}.md.j2", lang.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_variables_and_names_the_missing_one() {
        let vars = BTreeMap::from([("navn".to_owned(), "Anna".to_owned())]);
        assert_eq!(
            render("Hej {{ navn }} og {{navn}}", &vars),
            Ok("Hej Anna og Anna".to_owned())
        );
        assert_eq!(render("Hej {{ by }}", &vars), Err("by".to_owned()));
        assert_eq!(
            render("{ ikke en variabel }", &vars),
            Ok("{ ikke en variabel }".to_owned())
        );
    }
}
