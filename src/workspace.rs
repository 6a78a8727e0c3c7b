//! Finding the workspace (`aispec.toml`, found by walking up like Cargo) and loading its files once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub mod screenings;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{self, Document};
use crate::fsread::{FileError, Limit, Reader};
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
    /// The one way to read files of this workspace: inside it, regular files, with limits.
    pub files: Reader,
}

impl Workspace {
    /// The nearest folder at or above `start` that holds `aispec.toml`.
    pub fn find_root(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            // Any kind of entry counts, so a broken or special `aispec.toml` is reported, not walked past.
            .find(|dir| std::fs::symlink_metadata(dir.join(CONFIG_FILE)).is_ok())
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
        let files = Reader::new(&root);
        let schemas = Schemas::new(schema_overrides(&files));
        let mut config_diagnostics = Vec::new();
        let config = document::read_source(&files, Path::new(CONFIG_FILE), Limit::TEXT, &mut config_diagnostics)
            .and_then(|src| document::parse::<Config>(src, FileKind::Config, &schemas, &mut config_diagnostics))
            .map(|d| d.value)
            .unwrap_or_default();
        Workspace {
            root,
            config,
            config_diagnostics,
            schemas,
            files,
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
                first: first.to_string(),
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

    /// The workspace's own copy of a default file, or the embedded one (also when the own copy may not be read:
    /// outside the workspace, not a regular file, too large).
    pub fn resource(&self, rel: &str) -> Option<(SourceFile, bool)> {
        match self.files.read_text(Path::new(rel), Limit::TEXT) {
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
        let source = if self.files.exists(Path::new(CATALOG_FILE)) {
            document::read_source(&self.files, Path::new(CATALOG_FILE), Limit::TEXT, diags)
        } else {
            self.resource(CATALOG_FILE).map(|(s, _)| s)
        };
        let before = diags.iter().filter(|d| d.is_error()).count();
        let catalog = source.and_then(|s| document::parse::<Catalog>(s, FileKind::Catalog, &self.schemas, diags))?;
        (diags.iter().filter(|d| d.is_error()).count() == before).then_some(catalog)
    }

    /// Folder names under `specialists/`, sorted (folders that lead outside the workspace left out).
    pub fn specialist_dirs(&self) -> Vec<String> {
        self.specialist_folders(&mut Vec::new())
    }

    /// Folder names under `specialists/`, sorted; folders that lead outside the workspace are reported in `diags`.
    pub fn specialist_folders(&self, diags: &mut Vec<Diagnostic>) -> Vec<String> {
        self.folders_in(SPECIALISTS_DIR, diags)
    }

    /// Names of the sub-folders of `dir` (relative to the root), sorted; folders that lead outside the workspace,
    /// or `dir` itself doing so, are reported in `diags` (one finding each).
    pub fn folders_in(&self, dir: &str, diags: &mut Vec<Diagnostic>) -> Vec<String> {
        match self.files.subfolders(Path::new(dir)) {
            Ok(listing) => {
                for (name, e) in listing.outside {
                    diags.push(document::file_diagnostic(format!("{dir}/{name}"), &e));
                }
                listing.names
            }
            Err(e) if e.is_missing() => Vec::new(),
            Err(e) => {
                diags.push(document::file_diagnostic(dir.to_owned(), &e));
                Vec::new()
            }
        }
    }

    /// Loads every specialist folder in parallel; problems go to `diags`.
    pub fn specialists(&self, diags: &mut Vec<Diagnostic>) -> Vec<LoadedSpecialist> {
        let loaded: Vec<(LoadedSpecialist, Vec<Diagnostic>)> = self
            .specialist_folders(diags)
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
        let spec = if self.files.exists(&spec_rel) {
            document::read_source(&self.files, &spec_rel, Limit::TEXT, diags)
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
        let prompt = if self.files.exists(&prompt_rel) {
            document::read_source(&self.files, &prompt_rel, Limit::TEXT, diags).map(Some)
        } else {
            Some(None)
        };
        let tests_rel = dir.join(TESTS_FILE);
        let tests = if self.files.exists(&tests_rel) {
            document::read_source(&self.files, &tests_rel, Limit::TEXT, diags)
                .and_then(|s| document::parse::<CaseFile>(s, FileKind::Cases, &self.schemas, diags))
        } else {
            None
        };
        let (knowledge, knowledge_unreadable) = self.knowledge_files(&dir, diags);
        LoadedSpecialist {
            folder: folder.to_owned(),
            dir,
            spec,
            prompt_unreadable: prompt.is_none(),
            prompt: prompt.flatten(),
            tests,
            knowledge,
            knowledge_unreadable,
        }
    }

    /// The files under `<dir>/knowledge/`, and whether the folder itself may not be read (already reported:
    /// one error for the folder, not one per file in it).
    fn knowledge_files(&self, dir: &Path, diags: &mut Vec<Diagnostic>) -> (Vec<KnowledgeOnDisk>, bool) {
        let kdir = dir.join(KNOWLEDGE_DIR);
        if !self.files.exists(&kdir) {
            return (Vec::new(), false);
        }
        if let Err(e) = self.files.resolve(&kdir) {
            diags.push(document::file_diagnostic(crate::diagnostic::display_path(&kdir), &e));
            return (Vec::new(), true);
        }
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
                let path = kdir.join(&rel);
                let file_type = entry.file_type().ok();
                let is_link = file_type.is_some_and(|t| t.is_symlink());
                if file_type.is_some_and(|t| t.is_dir()) {
                    stack.push(rel);
                    continue;
                }
                if is_link && self.files.is_dir(&path) {
                    diags.push(
                        Diagnostic::at_path(
                            crate::diagnostic::display_path(&path),
                            1,
                            1,
                            Severity::Warning,
                            "symlinked-folder",
                            "a symbolic link to a folder inside knowledge/ is not followed",
                        )
                        .with_hint("copy the files into knowledge/ instead"),
                    );
                    continue;
                }
                let (size, unreadable) = match self.files.file_metadata(&path) {
                    Ok(m) => (m.len(), false),
                    Err(e) => {
                        diags.push(document::file_diagnostic(crate::diagnostic::display_path(&path), &e));
                        (0, true)
                    }
                };
                out.push(KnowledgeOnDisk {
                    name: crate::diagnostic::display_path(&rel),
                    path,
                    size,
                    unreadable,
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        (out, false)
    }

    /// The profile image file of a specialist, when its `profile_image` names one (relative to the root).
    pub fn profile_image_path(&self, s: &LoadedSpecialist) -> Option<PathBuf> {
        let spec = &s.spec.as_ref()?.value;
        crate::profile_image::file_name(spec.profile_image.as_deref()?).map(|f| s.dir.join(f))
    }

    /// The bytes of a knowledge file, read through the workspace's checks and limit.
    pub fn knowledge_bytes(&self, file: &KnowledgeOnDisk) -> Result<Vec<u8>, FileError> {
        self.files.read(&file.path, Limit::KNOWLEDGE)
    }
}

fn schema_overrides(files: &Reader) -> HashMap<FileKind, String> {
    FileKind::ALL
        .iter()
        .filter_map(|k| {
            let path = Path::new("schemas").join(format!("{}.schema.json", k.name()));
            files.read_text(&path, Limit::TEXT).ok().map(|t| (*k, t))
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
    /// True when the `knowledge/` folder itself may not be read (already reported).
    pub knowledge_unreadable: bool,
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
    /// True when the file may not be read (outside the workspace, not a regular file; already reported).
    pub unreadable: bool,
}
