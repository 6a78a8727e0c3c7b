//! `aispec new`: a specialist rendered from a screening and its journey through minijinja templates.

pub mod facts;
pub mod sentences;

use std::path::PathBuf;

use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::model::catalog::{Catalog, CatalogModel, DataClass, Hosting, ModelStatus};
use crate::model::journey::{Journey, SourceKind};
use crate::model::screening::{Outcome, Screening};
use crate::model::specialist::{Kind, PROMPT_FILE, SPEC_FILE, TESTS_FILE};
use crate::placeholder;
use crate::workspace::screenings::LoadError;
use crate::workspace::{SPECIALISTS_DIR, Workspace};
pub use facts::Facts;

/// Folder of the specialist templates; a workspace's own `templates/specialist/<lang>/…` wins.
pub const TEMPLATE_DIR: &str = "templates/specialist";

/// What to create.
#[derive(Debug, Clone)]
pub struct Request {
    /// The new specialist's id.
    pub id: String,
    /// The screening it is made from.
    pub screening: String,
    /// Specialist or assistent.
    pub kind: Kind,
    /// Who maintains it (`owner.contact`).
    pub contact: String,
}

/// The files to write and what was decided on the way.
#[derive(Debug, Clone, Serialize)]
pub struct Scaffold {
    /// Workspace-relative path and text of each file.
    pub files: Vec<(PathBuf, String)>,
    /// The base model chosen from the catalogue.
    pub model: String,
    /// Things the builder should know.
    pub warnings: Vec<String>,
    /// What the screening and journey established.
    pub facts: Facts,
    /// Ids of the conditional sentences written.
    pub sentences: Vec<String>,
    /// How many places are left for a person to fill in.
    pub placeholders: usize,
    /// The journey's sources, still to be brought in as knowledge files.
    pub knowledge: Vec<KnowledgeTodo>,
}

/// Why nothing was created.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The id is not a valid specialist id.
    #[error("{0}")]
    BadId(crate::id::IdError),
    /// The folder exists.
    #[error("specialists/{0} already exists")]
    Exists(String),
    /// The screening cannot be loaded.
    #[error(transparent)]
    Screening(#[from] LoadError),
    /// The screening refused the use case.
    #[error("screening `{id}` refused the use case, so no specialist may be built from it")]
    Refused {
        /// The screening.
        id: String,
        /// Why, from the screening's stops.
        reasons: Vec<String>,
    },
    /// No catalogue model may receive the data on an allowed hosting.
    #[error("no model in the catalogue may receive {class} data on {hosting}")]
    NoModel {
        /// The screening's data class.
        class: &'static str,
        /// The allowed hostings.
        hosting: String,
    },
    /// A template does not render.
    #[error("template {name}: {message}")]
    Template {
        /// The template.
        name: String,
        /// Why.
        message: String,
    },
}

/// The best allowed model: may receive `class` data, runs on an allowed hosting (any when the list is empty),
/// not retired; approved before trial, internal before cloud, then the largest context window.
pub fn best_model<'a>(catalog: &'a Catalog, class: DataClass, hosting: &[Hosting]) -> Option<&'a CatalogModel> {
    catalog
        .models
        .iter()
        .filter(|m| m.status != ModelStatus::Retired)
        .filter(|m| m.max_data_class >= class)
        .filter(|m| hosting.is_empty() || hosting.contains(&m.hosting))
        .min_by_key(|m| {
            (
                m.status != ModelStatus::Approved,
                m.hosting,
                std::cmp::Reverse(m.context_window),
            )
        })
}

/// Renders the specialist's files from the screening (and its journey, when there is one).
pub fn scaffold(ws: &Workspace, req: &Request) -> Result<Scaffold, NewError> {
    if let Err(e) = crate::id::Id::parse(&req.id) {
        return Err(NewError::BadId(e));
    }
    let dir = PathBuf::from(SPECIALISTS_DIR).join(&req.id);
    if ws.path(&dir).exists() {
        return Err(NewError::Exists(req.id.clone()));
    }
    let screening = ws.screening(&req.screening)?.value;
    let mut warnings = screening_warnings(&screening)?;
    let journey = match ws.journey(&req.screening) {
        Ok(doc) => {
            let missing = doc.value.missing_sections();
            if !missing.is_empty() {
                warnings.push(format!(
                    "the journey of `{}` lacks {}: those parts are left to fill in (run `aispec journey {}`)",
                    req.screening,
                    missing.join(", "),
                    req.screening
                ));
            }
            Some(doc.value)
        }
        Err(LoadError::Missing { .. }) => {
            warnings.push(format!(
                "no user journey for `{}`: users, task and test questions are left to fill in (run `aispec journey {}`)",
                req.screening, req.screening
            ));
            None
        }
        Err(e) => {
            warnings.push(format!("the journey was not used: {e}"));
            None
        }
    };
    let catalog = ws.catalog(&mut Vec::new());
    let model = choose_model(&catalog, &screening, &mut warnings)?;
    let facts = Facts::new(&screening, journey.as_ref());
    let knowledge = journey.as_ref().map(knowledge_todos).unwrap_or_default();
    let context = context(ws, req, &screening, journey.as_ref(), model, &facts, &knowledge);
    let (files, sentences) = render_files(ws, &dir, context, &facts)?;
    let placeholders = files.iter().map(|(_, text)| placeholder::find(text).len()).sum();
    Ok(Scaffold {
        files,
        model: model.id.clone(),
        warnings,
        facts,
        sentences,
        placeholders,
        knowledge,
    })
}

/// A refused screening stops here; an undecided or unfinished one is a warning.
fn screening_warnings(screening: &Screening) -> Result<Vec<String>, NewError> {
    let mut warnings = Vec::new();
    match screening.result.outcome {
        Outcome::Refused => {
            let reasons = screening
                .result
                .stops
                .iter()
                .map(|s| match &s.source {
                    Some(source) => format!("{} ({source})", s.text),
                    None => s.text.clone(),
                })
                .collect();
            return Err(NewError::Refused {
                id: screening.id.clone(),
                reasons,
            });
        }
        Outcome::Undecided => warnings.push(format!(
            "screening `{}` is undecided: settle its open points before the specialist is deployed",
            screening.id
        )),
        Outcome::Approved => {}
    }
    if !screening.is_complete() {
        warnings.push(format!(
            "screening `{}` is a draft with unanswered questions; its results may still change",
            screening.id
        ));
    }
    Ok(warnings)
}

/// The best catalogue model the screening allows; a model still on trial is a warning.
fn choose_model<'c>(
    catalog: &'c Catalog,
    screening: &Screening,
    warnings: &mut Vec<String>,
) -> Result<&'c CatalogModel, NewError> {
    let r = &screening.result;
    let model = best_model(catalog, r.data_classification, &r.allowed_hosting).ok_or_else(|| NewError::NoModel {
        class: r.data_classification.as_str(),
        hosting: if r.allowed_hosting.is_empty() {
            "any hosting".to_owned()
        } else {
            r.allowed_hosting
                .iter()
                .map(|h| h.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        },
    })?;
    if model.status != ModelStatus::Approved {
        warnings.push(format!(
            "the best allowed model `{}` is only in {}; fine for trying out, not for production",
            model.id,
            model.status.as_str()
        ));
    }
    Ok(model)
}

/// Workspace-relative path and text of each file to write.
type Files = Vec<(PathBuf, String)>;

/// The three files rendered from the workspace's (or the built-in) templates in the workspace language, with
/// the conditional sentences chosen from the facts.
fn render_files(
    ws: &Workspace,
    dir: &std::path::Path,
    context: Value,
    facts: &Facts,
) -> Result<(Files, Vec<String>), NewError> {
    let lang = ws.config.workspace.language.code();
    let (name, file) = sentences::load(ws, lang)?;
    let chosen = sentences::choose(&name, &file, facts, &context)?;
    let mut env = environment();
    chosen.install(&mut env);
    let render = |file: &str, ctx: &Value| -> Result<String, NewError> {
        let name = format!("{TEMPLATE_DIR}/{lang}/{file}");
        let source = template_source(ws, &name)?;
        env.render_str(&source, ctx).map_err(|e| NewError::Template {
            name,
            message: format!("{e:#}"),
        })
    };
    let description = sentence_end(render("description.j2", &context)?.trim());
    let context = minijinja::context! { description => description, ..context };
    let notice = render("notice.j2", &context)?.trim().to_owned();
    let context = minijinja::context! { notice => notice, ..context };
    let mut files = Vec::new();
    for (template, file) in [
        ("specialist.toml.j2", SPEC_FILE),
        ("system-prompt.md.j2", PROMPT_FILE),
        ("tests.toml.j2", TESTS_FILE),
    ] {
        let mut text = render(template, &context)?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        files.push((dir.join(file), text));
    }
    Ok((files, chosen.ids()))
}

/// The text ending in exactly one full stop (or its own `?`/`!`).
fn sentence_end(text: &str) -> String {
    let text = text.trim_end_matches('.').trim_end();
    if text.ends_with(['?', '!']) || text.is_empty() {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// The longest screening description (`use_case`) used as the specialist's description; longer ones give way
/// to the screening's title, since the description is shown under the name in the platform.
const MAX_USE_CASE: usize = 600;

fn context(
    ws: &Workspace,
    req: &Request,
    screening: &Screening,
    journey: Option<&Journey>,
    model: &CatalogModel,
    facts: &Facts,
    knowledge: &[KnowledgeTodo],
) -> Value {
    let todo = placeholder::marker(ws.config.workspace.language);
    let department = journey
        .map(|j| j.department.clone())
        .filter(|d| !d.trim().is_empty())
        .or_else(|| screening.department.clone().filter(|d| !d.trim().is_empty()));
    let groups = department.as_deref().map(|d| groups_for(ws, d)).unwrap_or_default();
    let tag = department.as_deref().map(slug).unwrap_or_default();
    let department = department.unwrap_or_else(|| format!("{todo} afdelingens navn"));
    let name = journey.map_or(screening.title.clone(), |j| j.title.clone());
    let use_case = screening
        .answers
        .get("use_case")
        .and_then(|a| a.value.values().first().map(|v| v.trim().to_owned()))
        .filter(|u| !u.is_empty() && u.chars().count() <= MAX_USE_CASE);
    minijinja::context! {
        id => req.id.clone(),
        kind => req.kind.as_str(),
        name => name,
        todo => todo,
        use_case => use_case,
        data_class => screening.result.data_classification.as_str(),
        ai_act_category => screening.result.ai_act_category.as_str(),
        department => department,
        contact => req.contact.clone(),
        tags => if tag.is_empty() { Vec::new() } else { vec![tag] },
        groups => groups,
        model => Serde(model),
        screening => Serde(screening),
        journey => journey.map_or_else(|| Value::from(Serde(EmptyJourney::default())), |j| Value::from(Serde(j))),
        knowledge => Serde(knowledge),
        facts => Serde(facts),
    }
}

/// A source from the journey as a knowledge entry still to be brought in (written commented out in
/// `specialist.toml`, in the form `aispec knowledge fetch` reads once the comment signs are removed).
#[derive(Debug, Clone, Serialize)]
pub struct KnowledgeTodo {
    /// The file name under `knowledge/` it is to get (always Markdown: fetched text is written as Markdown).
    pub file: String,
    /// The source's title.
    pub title: String,
    /// Who keeps it up to date.
    pub owner: String,
    /// When it was last updated, as the journey says.
    pub updated: Option<String>,
    /// Where the journey says it is.
    pub location: String,
    /// The entry's `source`: the location when it is an address aispec can fetch, else a path under the
    /// specialist's `sources/` where a person puts a copy.
    pub source: String,
    /// Whether a person must first put a copy at `source` (the location is not a fetchable address).
    pub copy_first: bool,
}

/// One knowledge entry per source, with a file name from its title.
fn knowledge_todos(j: &Journey) -> Vec<KnowledgeTodo> {
    let mut seen = std::collections::HashSet::new();
    j.sources
        .iter()
        .map(|s| {
            let stem = match slug(&s.title) {
                t if t.is_empty() => "kilde".to_owned(),
                t => t,
            };
            let mut unique = stem.clone();
            let mut n = 2;
            while !seen.insert(unique.clone()) {
                unique = format!("{stem}-{n}");
                n += 1;
            }
            let location = s.location.trim().to_owned();
            let fetchable = matches!(
                crate::knowledge::source::parse(&location, std::path::Path::new(SPECIALISTS_DIR)),
                Ok(crate::knowledge::source::Source::Url(_))
            );
            let source = if fetchable {
                location.clone()
            } else {
                format!("sources/{unique}.{}", copy_extension(s.kind, &location))
            };
            KnowledgeTodo {
                file: format!("{unique}.md"),
                title: one_line(&s.title),
                owner: one_line(&s.owner),
                updated: s.last_updated.as_deref().map(one_line),
                location: one_line(&location),
                source,
                copy_first: !fetchable,
            }
        })
        .collect()
}

/// The text of template `name`: the workspace's own copy, else the built-in one.
fn template_source(ws: &Workspace, name: &str) -> Result<String, NewError> {
    ws.resource(name)
        .map(|(s, _)| s.text)
        .ok_or_else(|| NewError::Template {
            name: name.to_owned(),
            message: "not found".to_owned(),
        })
}

/// `text` on one line (it is written in a TOML comment), with runs of whitespace as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The extension of the copy a person saves of a source that cannot be fetched: the location's own when aispec
/// reads it, else what the kind suggests (a PDF, or a page saved as HTML).
fn copy_extension(kind: SourceKind, location: &str) -> &'static str {
    use crate::knowledge::source::Kind;
    match Kind::from_name(location) {
        Some(Kind::Pdf) => "pdf",
        Some(Kind::Docx) => "docx",
        Some(Kind::Markdown) => "md",
        Some(Kind::Text) => "txt",
        Some(Kind::Html) => "html",
        None if kind == SourceKind::Pdf => "pdf",
        None => "html",
    }
}

#[derive(Default, Serialize)]
struct EmptyJourney {
    personas: Vec<()>,
    trigger: String,
    steps_with_specialist: Vec<()>,
    sources: Vec<()>,
    examples: Vec<()>,
    risks: Vec<()>,
    success_criteria: Vec<()>,
}

/// Group aliases from `aispec.toml` `[groups]` whose alias or platform name matches the department.
fn groups_for(ws: &Workspace, department: &str) -> Vec<String> {
    let d = department.to_lowercase();
    let slugged = slug(department);
    ws.config
        .groups
        .iter()
        .filter(|(alias, name)| **alias == slugged || name.to_lowercase() == d)
        .map(|(alias, _)| alias.clone())
        .collect()
}

/// `Borgerservice og Biblioteker` → `borgerservice-og-biblioteker` (æ → ae, ø → oe, å → aa).
fn slug(s: &str) -> String {
    crate::id::transliterate(s)
}

fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.add_filter("toml", toml_filter);
    env
}

/// Renders a value as a TOML literal: strings quoted and escaped, lists as arrays.
fn toml_filter(value: Value) -> Result<String, minijinja::Error> {
    let bad = |e: String| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e);
    let json = serde_json::to_value(&value).map_err(|e| bad(e.to_string()))?;
    let toml = toml::Value::try_from(json).map_err(|e| bad(e.to_string()))?;
    Ok(toml.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(id: &str, hosting: Hosting, class: DataClass, ctx: u32, status: ModelStatus) -> CatalogModel {
        CatalogModel {
            id: id.to_owned(),
            name: id.to_owned(),
            provider: "p".to_owned(),
            hosting,
            max_data_class: class,
            context_window: ctx,
            max_output_tokens: 100,
            status,
            notes: None,
        }
    }

    #[test]
    fn best_model_prefers_approved_internal_then_context() {
        let catalog = Catalog {
            models: vec![
                model(
                    "cloud",
                    Hosting::EuCloud,
                    DataClass::Internal,
                    1_000_000,
                    ModelStatus::Approved,
                ),
                model(
                    "small",
                    Hosting::Internal,
                    DataClass::Confidential,
                    8_192,
                    ModelStatus::Approved,
                ),
                model(
                    "big",
                    Hosting::Internal,
                    DataClass::Confidential,
                    131_072,
                    ModelStatus::Trial,
                ),
                model(
                    "old",
                    Hosting::Internal,
                    DataClass::SensitivePersonal,
                    999_999,
                    ModelStatus::Retired,
                ),
            ],
        };
        let pick = |c, h: &[Hosting]| best_model(&catalog, c, h).map(|m| m.id.as_str());
        assert_eq!(pick(DataClass::Public, &[]), Some("small"));
        assert_eq!(pick(DataClass::Public, &[Hosting::EuCloud]), Some("cloud"));
        assert_eq!(pick(DataClass::Confidential, &[]), Some("small"));
        assert_eq!(pick(DataClass::Personal, &[]), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Sundhed og Omsorg, Ældre"), "sundhed-og-omsorg-aeldre");
    }

    #[test]
    fn toml_filter_quotes() {
        let v = toml_filter(Value::from("Sig \"hej\"\nigen")).expect("filter");
        let back: toml::Table = toml::from_str(&format!("x = {v}")).expect("toml");
        assert_eq!(back["x"].as_str(), Some("Sig \"hej\"\nigen"));
    }
}
