//! `aispec site`: a static, self-contained site in Danish — the portfolio page (every use case on one chart,
//! with a table and a list) and one page per use case — rendered with the minijinja templates under
//! `templates/site/` (a workspace's own copies win). The public site shows only what may be published; the
//! internal one adds refused screenings, journeys, git authors, names, feedback and the full action list.

pub mod chart;
pub mod pages;
pub mod words;

use std::path::{Path, PathBuf};

use crate::register::{Context, Portfolio};
use crate::workspace::Workspace;

/// The templates a site is made from, by name.
pub const TEMPLATES: &[&str] = &[
    "templates/site/base.html.j2",
    "templates/site/portfolio.html.j2",
    "templates/site/specialist.html.j2",
    "templates/site/register.html.j2",
];

/// Which audience the site is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Anyone: only approved or deployed use cases and their register records.
    Public,
    /// Staff on the intranet: everything.
    Internal,
}

/// Why the site could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A template is missing or does not render.
    #[error("{template} does not render: {message}")]
    Template {
        /// The template's path.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// The output folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One file of the site.
#[derive(Debug, Clone)]
pub struct SiteFile {
    /// Path relative to the output folder.
    pub path: PathBuf,
    /// Its content.
    pub text: String,
}

/// What was built.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Built {
    /// The audience.
    pub audience: Audience,
    /// Use cases shown.
    pub use_cases: Vec<String>,
    /// Use cases left out because they may not be published.
    pub withheld: usize,
    /// Files written, relative to the output folder.
    pub files: Vec<String>,
    /// Inputs that could not be read (shown as warnings).
    pub problems: Vec<String>,
}

/// The templates, from the workspace or embedded.
pub fn templates(ws: &Workspace) -> Result<Vec<(String, String)>, SiteError> {
    TEMPLATES
        .iter()
        .map(|name| {
            let (source, _) = ws.resource(name).ok_or_else(|| SiteError::Template {
                template: (*name).to_owned(),
                message: "the template is missing".to_owned(),
            })?;
            Ok(((*name).to_owned(), source.text))
        })
        .collect()
}

/// Renders the site's files (nothing is written).
pub fn render(
    ws: &Workspace,
    cx: &Context<'_>,
    portfolio: &Portfolio,
    audience: Audience,
) -> Result<(Vec<SiteFile>, Built), SiteError> {
    let sources = templates(ws)?;
    let env = pages::environment(&sources)?;
    let model = pages::Model::new(ws, cx, portfolio, audience);
    let mut files = vec![SiteFile {
        path: PathBuf::from("index.html"),
        text: pages::render(&env, "templates/site/portfolio.html.j2", &model.portfolio_page())?,
    }];
    for page in model.use_case_pages() {
        files.push(SiteFile {
            path: PathBuf::from(format!("{}.html", page.id)),
            text: pages::render(&env, "templates/site/specialist.html.j2", &page)?,
        });
    }
    let records: Vec<&crate::register::Record> = model.shown.iter().map(|s| &s.record).collect();
    let mut json = serde_json::to_string_pretty(&records).map_err(|e| SiteError::Template {
        template: "register.json".to_owned(),
        message: e.to_string(),
    })?;
    json.push('\n');
    files.push(SiteFile {
        path: PathBuf::from("register.json"),
        text: json,
    });
    let built = Built {
        audience,
        use_cases: model.shown.iter().map(|s| s.record.id.clone()).collect(),
        withheld: model.withheld,
        files: files.iter().map(|f| crate::diagnostic::display_path(&f.path)).collect(),
        problems: portfolio.problems.clone(),
    };
    Ok((files, built))
}

/// Writes the files into `out` (created when missing), each atomically.
pub fn write(out: &Path, files: &[SiteFile]) -> Result<(), SiteError> {
    std::fs::create_dir_all(out).map_err(|source| SiteError::Write {
        path: out.display().to_string(),
        source,
    })?;
    for f in files {
        let path = out.join(&f.path);
        crate::fsutil::write_atomic(&path, f.text.as_bytes()).map_err(|source| SiteError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// The records as one HTML page (`aispec register --format html`).
pub fn register_html(ws: &Workspace, records: &[crate::register::Record]) -> Result<String, SiteError> {
    let sources = templates(ws)?;
    let env = pages::environment(&sources)?;
    let page = pages::RegisterPage::new(ws, records);
    pages::render(&env, "templates/site/register.html.j2", &page)
}
