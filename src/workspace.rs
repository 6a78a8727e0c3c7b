//! Finding the workspace (`aispec.toml`, found by walking up like Cargo) and loading its files once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{self, Document};
use crate::model::cases::CaseFile;
use crate::model::catalog::{CATALOG_FILE, Catalog};
use crate::model::config::{CONFIG_FILE, Config};
use crate::model::specialist::{KNOWLEDGE_DIR, PROMPT_FILE, SPEC_FILE, Specialist, TESTS_FILE};
use crate::schema::{FileKind, Schemas};
use crate::source::SourceFile;

/// Folder holding one sub-folder per specialist.
pub const SPECIALISTS_DIR: &str = "specialists";

/// Why no workspace could be opened.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// No `aispec.toml` in the folder or any parent.
    #[error("no aispec workspace found in {start} or any parent folder (looked for {CONFIG_FILE})")]
    NotFound {
        /// Where the search started.
        start: String,
    },
    /// `aispec.toml` has problems.
    #[error("{file} has {count} problem(s); first: {first}")]
    InvalidConfig {
        /// The config file.
        file: String,
        /// How many problems.
        count: usize,
        /// The first one, rendered.
        first: String,
    },
}

impl WorkspaceError {
    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        match self {
            WorkspaceError::NotFound { .. } => "run `aispec init` to create a workspace, or cd into one",
            WorkspaceError::InvalidConfig { .. } => "run `aispec validate` to see every problem",
        }
    }
}

/// An opened workspace: its root, settings and compiled schemas.
pub struct Workspace {
    /// Absolute root folder (where `aispec.toml` is).
    pub root: PathBuf,
    /// Settings (defaults when `aispec.toml` is broken; see `config_diagnostics`).
    pub config: Config,
    /// Problems found in `aispec.toml`.
    pub config_diagnostics: Vec<Diagnostic>,
    /// Schemas, compiled on first use.
    pub schemas: Schemas,
}

impl Workspace {
    /// The nearest folder at or above `start` that holds `aispec.toml`.
    pub fn find_root(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .find(|dir| dir.join(CONFIG_FILE).is_file())
            .map(Path::to_path_buf)
    }

    /// Finds and opens the workspace containing `start`.
    pub fn discover(start: &Path) -> Result<Self, WorkspaceError> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let root = Self::find_root(&start).ok_or_else(|| WorkspaceError::NotFound {
            start: start.display().to_string(),
        })?;
        Ok(Self::open(root))
    }

    /// Opens the workspace at `root`, collecting problems in `aispec.toml` instead of failing.
    pub fn open(root: PathBuf) -> Self {
        let schemas = Schemas::new(schema_overrides(&root));
        let mut config_diagnostics = Vec::new();
        let config = document::read_source(&root, Path::new(CONFIG_FILE), &mut config_diagnostics)
            .and_then(|src| document::parse::<Config>(src, FileKind::Config, &schemas, &mut config_diagnostics))
            .map(|d| d.value)
            .unwrap_or_default();
        Workspace {
            root,
            config,
            config_diagnostics,
            schemas,
        }
    }

    /// Fails when `aispec.toml` has errors (every command but `validate` needs valid settings).
    pub fn require_valid_config(&self) -> Result<(), WorkspaceError> {
        let errors: Vec<&Diagnostic> = self.config_diagnostics.iter().filter(|d| d.is_error()).collect();
        match errors.first() {
            None => Ok(()),
            Some(first) => Err(WorkspaceError::InvalidConfig {
                file: CONFIG_FILE.to_owned(),
                count: errors.len(),
                first: format!("{}:{}:{}: {}", first.file, first.line, first.column, first.message),
            }),
        }
    }

    /// A workspace-relative path made absolute.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// A path relative to the root, for messages.
    pub fn rel<'a>(&self, path: &'a Path) -> Cow<'a, Path> {
        match path.strip_prefix(&self.root) {
            Ok(p) => Cow::Borrowed(p),
            Err(_) => Cow::Borrowed(path),
        }
    }

    /// The workspace's own copy of a default file, or the embedded one.
    pub fn resource(&self, rel: &str) -> Option<(SourceFile, bool)> {
        match std::fs::read_to_string(self.root.join(rel)) {
            Ok(text) => Some((SourceFile::new(rel, text), true)),
            Err(_) => crate::defaults::embedded(rel).map(|t| (SourceFile::new(rel, t.to_owned()), false)),
        }
    }

    /// The model catalogue: `models.toml` in the workspace, or the embedded Aarhus catalogue (empty when broken).
    pub fn catalog(&self, diags: &mut Vec<Diagnostic>) -> Catalog {
        self.catalog_document(diags).map(|d| d.value).unwrap_or_default()
    }

    /// The model catalogue with its source, or `None` when it has errors (reported in `diags`).
    pub fn catalog_document(&self, diags: &mut Vec<Diagnostic>) -> Option<Document<Catalog>> {
        let source = if self.root.join(CATALOG_FILE).exists() {
            document::read_source(&self.root, Path::new(CATALOG_FILE), diags)
        } else {
            self.resource(CATALOG_FILE).map(|(s, _)| s)
        };
        let before = diags.iter().filter(|d| d.is_error()).count();
        let catalog = source.and_then(|s| document::parse::<Catalog>(s, FileKind::Catalog, &self.schemas, diags))?;
        (diags.iter().filter(|d| d.is_error()).count() == before).then_some(catalog)
    }

    /// Folder names under `specialists/`, sorted.
    pub fn specialist_dirs(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.join(SPECIALISTS_DIR))
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.path().is_dir())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Loads every specialist folder in parallel; problems go to `diags`.
    pub fn specialists(&self, diags: &mut Vec<Diagnostic>) -> Vec<LoadedSpecialist> {
        let loaded: Vec<(LoadedSpecialist, Vec<Diagnostic>)> = self
            .specialist_dirs()
            .into_par_iter()
            .map(|folder| {
                let mut d = Vec::new();
                let s = self.load_specialist(&folder, &mut d);
                (s, d)
            })
            .collect();
        loaded
            .into_iter()
            .map(|(s, d)| {
                diags.extend(d);
                s
            })
            .collect()
    }

    /// Loads one specialist folder by name.
    pub fn load_specialist(&self, folder: &str, diags: &mut Vec<Diagnostic>) -> LoadedSpecialist {
        let dir = Path::new(SPECIALISTS_DIR).join(folder);
        let spec_rel = dir.join(SPEC_FILE);
        let spec = if self.root.join(&spec_rel).exists() || self.root.join(&spec_rel).is_symlink() {
            document::read_source(&self.root, &spec_rel, diags)
                .and_then(|s| document::parse::<Specialist>(s, FileKind::Specialist, &self.schemas, diags))
        } else {
            diags.push(
                Diagnostic::at_path(
                    crate::diagnostic::display_path(&dir),
                    1,
                    1,
                    Severity::Error,
                    "missing-file",
                    format!("the specialist folder has no {SPEC_FILE}"),
                )
                .with_hint(format!(
                    "add {SPEC_FILE}, or remove the folder if it is not a specialist"
                )),
            );
            None
        };
        let prompt_rel = dir.join(PROMPT_FILE);
        let prompt = match std::fs::symlink_metadata(self.root.join(&prompt_rel)) {
            Ok(_) => document::read_source(&self.root, &prompt_rel, diags).map(Some),
            Err(_) => Some(None),
        };
        let tests_rel = dir.join(TESTS_FILE);
        let tests = if std::fs::symlink_metadata(self.root.join(&tests_rel)).is_ok() {
            document::read_source(&self.root, &tests_rel, diags)
                .and_then(|s| document::parse::<CaseFile>(s, FileKind::Cases, &self.schemas, diags))
        } else {
            None
        };
        let knowledge = self.knowledge_files(&dir, diags);
        LoadedSpecialist {
            folder: folder.to_owned(),
            dir,
            spec,
            prompt_unreadable: prompt.is_none(),
            prompt: prompt.flatten(),
            tests,
            knowledge,
        }
    }

    fn knowledge_files(&self, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<KnowledgeOnDisk> {
        let kdir = dir.join(KNOWLEDGE_DIR);
        let mut out = Vec::new();
        let mut stack = vec![PathBuf::new()];
        while let Some(sub) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(self.root.join(&kdir).join(&sub)) else {
                continue;
            };
            for entry in rd.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let rel = sub.join(&name);
                let full = self.root.join(&kdir).join(&rel);
                let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
                match std::fs::metadata(&full) {
                    Ok(m) if m.is_dir() && is_link => diags.push(
                        Diagnostic::at_path(
                            crate::diagnostic::display_path(&kdir.join(&rel)),
                            1,
                            1,
                            Severity::Warning,
                            "symlinked-folder",
                            "a symbolic link to a folder inside knowledge/ is not followed",
                        )
                        .with_hint("copy the files into knowledge/ instead"),
                    ),
                    Ok(m) if m.is_dir() => stack.push(rel),
                    Ok(m) => out.push(KnowledgeOnDisk {
                        name: crate::diagnostic::display_path(&rel),
                        path: kdir.join(&rel),
                        size: m.len(),
                    }),
                    Err(e) => diags.push(document::io_diagnostic(
                        crate::diagnostic::display_path(&kdir.join(&rel)),
                        &e,
                    )),
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

fn schema_overrides(root: &Path) -> HashMap<FileKind, String> {
    FileKind::ALL
        .iter()
        .filter_map(|k| {
            let path = root.join("schemas").join(format!("{}.schema.json", k.name()));
            std::fs::read_to_string(path).ok().map(|t| (*k, t))
        })
        .collect()
}

/// One specialist folder as found on disk.
#[derive(Debug, Clone)]
pub struct LoadedSpecialist {
    /// Folder name (should equal the id).
    pub folder: String,
    /// `specialists/<folder>` relative to the root.
    pub dir: PathBuf,
    /// The parsed `specialist.toml`, when it could be typed.
    pub spec: Option<Document<Specialist>>,
    /// `system-prompt.md`, when present and readable.
    pub prompt: Option<SourceFile>,
    /// True when the prompt exists but could not be read (already reported).
    pub prompt_unreadable: bool,
    /// `tests.toml`, when present and valid.
    pub tests: Option<Document<CaseFile>>,
    /// Files under `knowledge/`, sorted by name.
    pub knowledge: Vec<KnowledgeOnDisk>,
}

/// A file found under a specialist's `knowledge/` folder.
#[derive(Debug, Clone)]
pub struct KnowledgeOnDisk {
    /// Path relative to `knowledge/`, with `/`.
    pub name: String,
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
}
