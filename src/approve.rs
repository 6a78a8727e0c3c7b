//! Recording a sign-off: bound to the content hash, written into the file, committed with git.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::model::screening::Screening;
use crate::model::specialist::{SPEC_FILE, Signoff, Specialist};
use crate::signoff::{self, SCREENING_SIGNOFFS_FILE, SignoffList, State};
use crate::workspace::screenings::LoadError;
use crate::workspace::{LoadedSpecialist, SPECIALISTS_DIR, Workspace};

/// Who signs and why.
#[derive(Debug, Clone)]
pub struct Request {
    /// The role signing.
    pub role: String,
    /// The person.
    pub by: String,
    /// Optional remark.
    pub note: Option<String>,
    /// Commit the result with git.
    pub commit: bool,
    /// Commit even when HEAD is detached (not on a branch).
    pub allow_detached: bool,
}

/// What `approve` did.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    /// `specialist` or `screening`.
    pub kind: &'static str,
    /// The id.
    pub id: String,
    /// The file the sign-off was written to.
    pub file: String,
    /// The sign-off (new, or the existing one when already signed).
    pub signoff: Signoff,
    /// True when the role had already signed this exact content; nothing was written.
    pub already_signed: bool,
    /// Sign-off state after this approval.
    pub state: State,
    /// Required roles still missing.
    pub missing: Vec<String>,
    /// Why the specialist stays `blocked` although signed: its screening is missing, not approved or not
    /// signed (empty for screenings and for specialists that are not blocked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<crate::gate::Block>,
    /// Things to know although the sign-off was recorded (a report not refreshed, git's index not brought up
    /// to date).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The commit made, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// Why a sign-off was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ApproveError {
    /// No such specialist or screening.
    #[error("no {kind} `{id}` ({path} not found)")]
    NotFound {
        /// `specialist` or `screening`.
        kind: &'static str,
        /// The id given.
        id: String,
        /// The file looked for.
        path: String,
    },
    /// The content has validation errors; nobody should sign it.
    #[error("{path} has {} error(s); fix them before signing off", .diagnostics.len())]
    Invalid {
        /// The file or folder.
        path: String,
        /// The errors.
        diagnostics: Vec<Diagnostic>,
    },
    /// Text is left to fill in; nobody signs an unfinished specialist.
    #[error("{path}: {}", crate::gate::summary(.blocks))]
    Unfinished {
        /// The specialist's folder.
        path: String,
        /// The gate's reason (code `placeholder`).
        blocks: Vec<crate::gate::Block>,
    },
    /// The role is not one that must sign.
    #[error("role `{role}` is not required for {id}; required: {}", .required.join(", "))]
    UnknownRole {
        /// The role given.
        role: String,
        /// The item.
        id: String,
        /// The roles that are required.
        required: Vec<String>,
    },
    /// The file could not be edited.
    #[error("cannot edit {path}: {source}")]
    Edit {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: crate::edit::EditError,
    },
    /// A file may not be read (outside the workspace, not a regular file, too large, not text).
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: crate::fsread::FileError,
    },
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// git failed.
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    /// The edited file no longer parses or its content hash moved (a bug; nothing was written).
    #[error("{0}")]
    Internal(String),
}

/// Signs off a specialist's current content.
pub fn specialist(ws: &Workspace, id: &str, req: &Request) -> Result<Approval, ApproveError> {
    let dir = Path::new(SPECIALISTS_DIR).join(id);
    let rel = dir.join(SPEC_FILE);
    let path = crate::diagnostic::display_path(&rel);
    let loaded = valid_specialist(ws, id, &dir, &path)?;
    let unfinished = crate::gate::check_placeholders(&loaded);
    if !unfinished.is_empty() {
        return Err(ApproveError::Unfinished {
            path: crate::diagnostic::display_path(&dir),
            blocks: unfinished,
        });
    }
    let hash = signoff::hash_loaded(ws, &loaded)
        .ok_or_else(|| ApproveError::Internal(format!("cannot compute the content hash of {path}")))?;
    let Some(doc) = &loaded.spec else {
        return Err(ApproveError::Internal(format!("{path} did not load")));
    };
    let screening = doc.value.screening.as_deref();
    let required = signoff::required_roles(&ws.config, &screening_roles(ws, screening));
    check_role(&required, &req.role, id)?;
    let blocked = crate::gate::check(ws, screening);
    let record = |spec: &Specialist| {
        let mut st = signoff::status(&spec.signoffs, &hash, &required);
        st.state = crate::gate::state(st.state, &blocked);
        st
    };
    if let Some(existing) = doc
        .value
        .signoffs
        .iter()
        .find(|s| s.role == req.role && s.content_hash == hash)
    {
        let mut a = already_signed("specialist", id, path, existing, record(&doc.value));
        a.blocked = blocked;
        return Ok(a);
    }
    let repo = repo_for(ws, req)?;
    let new = new_signoff(req, &hash, repo.as_ref());
    let (text, edited) = edit_specialist(&loaded, &new, &path)?;
    write(ws, &rel, &path, &text)?;
    let written = Written {
        kind: "specialist",
        id,
        dir: &dir,
        file: path,
        subject: format!("Approve specialist {id} {} as {}", edited.version, req.role),
        status: record(&edited),
        signoff: new,
    };
    let mut approval = written.commit(ws, repo.as_ref(), req, Vec::new())?;
    approval.blocked = blocked;
    Ok(approval)
}

/// The specialist folder, validated: nobody signs content with errors.
fn valid_specialist(ws: &Workspace, id: &str, dir: &Path, path: &str) -> Result<LoadedSpecialist, ApproveError> {
    if !ws.files.exists(&dir.join(SPEC_FILE)) {
        return Err(ApproveError::NotFound {
            kind: "specialist",
            id: id.to_owned(),
            path: path.to_owned(),
        });
    }
    let validated = crate::validate::validate(ws, &[dir.to_path_buf()]);
    let errors: Vec<Diagnostic> = validated
        .report
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    let loaded = validated.specialists.into_iter().find(|s| s.folder == id);
    match (loaded, errors.is_empty()) {
        (Some(loaded), true) => Ok(loaded),
        _ => Err(ApproveError::Invalid {
            path: crate::diagnostic::display_path(dir),
            diagnostics: errors,
        }),
    }
}

/// `specialist.toml` with the sign-off added, checked to parse and to keep the content hash.
fn edit_specialist(loaded: &LoadedSpecialist, new: &Signoff, path: &str) -> Result<(String, Specialist), ApproveError> {
    let Some(doc) = &loaded.spec else {
        return Err(ApproveError::Internal(format!("{path} did not load")));
    };
    let text = crate::edit::put_signoff(&doc.source.text, new).map_err(|source| ApproveError::Edit {
        path: path.to_owned(),
        source,
    })?;
    let edited: Specialist =
        toml::from_str(&text).map_err(|e| ApproveError::Internal(format!("the edited {path} does not parse: {e}")))?;
    let hash = |spec: &Specialist| {
        signoff::content_hash(&signoff::Content {
            spec,
            prompt: loaded.prompt.as_ref().map_or("", |p| p.text.as_str()),
            knowledge: Vec::new(),
            profile_image: None,
        })
    };
    if hash(&edited) != hash(&doc.value) {
        return Err(ApproveError::Internal(format!(
            "writing the sign-off would change the content of {path}"
        )));
    }
    Ok((text, edited))
}

/// Signs off a screening's current content; the sign-off goes to `screenings/<id>/signoffs.toml`.
pub fn screening(ws: &Workspace, id: &str, req: &Request) -> Result<Approval, ApproveError> {
    let doc = complete_screening(ws, id)?;
    let screening: &Screening = &doc.value;
    let required = signoff::required_roles(&ws.config, &screening.result.required_signoffs);
    check_role(&required, &req.role, id)?;
    let hash = signoff::screening_hash(screening);
    let dir = Screening::dir(id);
    let rel = dir.join(SCREENING_SIGNOFFS_FILE);
    let path = crate::diagnostic::display_path(&rel);
    let text = match ws.files.read_text(&rel, crate::fsread::Limit::TEXT) {
        Ok(text) => text,
        Err(e) if e.is_missing() => String::new(),
        Err(reason) => return Err(ApproveError::Read { path, reason }),
    };
    let list: SignoffList = toml::from_str(&text)
        .map_err(|e| ApproveError::Internal(format!("{path} is not a valid sign-off list: {}", e.message())))?;
    if let Some(existing) = list
        .signoffs
        .iter()
        .find(|s| s.role == req.role && s.content_hash == hash)
    {
        let st = signoff::status(&list.signoffs, &hash, &required);
        return Ok(already_signed("screening", id, path, existing, st));
    }
    let repo = repo_for(ws, req)?;
    let new = new_signoff(req, &hash, repo.as_ref());
    let header = if text.is_empty() {
        "# Sign-offs of this screening, written by `aispec approve screening`; do not edit by hand.\n"
    } else {
        ""
    };
    let edited = crate::edit::put_signoff(&text, &new).map_err(|source| ApproveError::Edit {
        path: path.clone(),
        source,
    })?;
    let edited = format!("{header}{edited}");
    let list: SignoffList = toml::from_str(&edited)
        .map_err(|e| ApproveError::Internal(format!("the edited {path} does not parse: {e}")))?;
    write(ws, &rel, &path, &edited)?;
    let written = Written {
        kind: "screening",
        id,
        dir: &dir,
        file: path,
        subject: format!("Approve screening {id} as {}", req.role),
        status: signoff::status(&list.signoffs, &hash, &required),
        signoff: new,
    };
    written.commit(ws, repo.as_ref(), req, refresh_report(ws, screening))
}

/// The screening, loaded and complete: a draft is not signed.
fn complete_screening(ws: &Workspace, id: &str) -> Result<Document<Screening>, ApproveError> {
    let doc = ws.screening(id).map_err(|e| match e {
        LoadError::Missing { path, .. } => ApproveError::NotFound {
            kind: "screening",
            id: id.to_owned(),
            path,
        },
        LoadError::Invalid { path, diagnostics } => ApproveError::Invalid { path, diagnostics },
    })?;
    if doc.value.is_complete() {
        return Ok(doc);
    }
    let d = Diagnostic::file(
        &doc.source,
        crate::diagnostic::Severity::Error,
        "incomplete-screening",
        format!(
            "the screening is a draft: {} required question(s) unanswered",
            doc.value.result.unanswered.len()
        ),
    )
    .with_hint(format!("finish it with `aispec screen {id}` before signing off"));
    Err(ApproveError::Invalid {
        path: crate::diagnostic::display_path(&doc.source.path),
        diagnostics: vec![d],
    })
}

fn write(ws: &Workspace, rel: &Path, path: &str, text: &str) -> Result<(), ApproveError> {
    crate::fsutil::write_atomic(&ws.path(rel), text.as_bytes()).map_err(|source| ApproveError::Io {
        path: path.to_owned(),
        source,
    })
}

/// A sign-off written to its file, to be committed (when asked) and reported.
struct Written<'a> {
    kind: &'static str,
    id: &'a str,
    /// The folder committed.
    dir: &'a Path,
    file: String,
    /// The commit subject.
    subject: String,
    status: signoff::Status,
    signoff: Signoff,
}

impl Written<'_> {
    fn commit(
        self,
        ws: &Workspace,
        repo: Option<&crate::git::Repo>,
        req: &Request,
        mut warnings: Vec<String>,
    ) -> Result<Approval, ApproveError> {
        let committed = match (repo, req.commit) {
            (Some(repo), true) => commit(ws, repo, self.dir, &self.subject, &self.signoff, &self.status.missing)?,
            _ => None,
        };
        warnings.extend(committed.as_ref().and_then(|c| c.index_not_updated.clone()));
        Ok(Approval {
            kind: self.kind,
            id: self.id.to_owned(),
            file: self.file,
            signoff: self.signoff,
            already_signed: false,
            state: self.status.state,
            missing: self.status.missing,
            blocked: Vec::new(),
            commit: committed.map(|c| c.id.to_string()),
            warnings,
        })
    }
}

/// Renders the screening's `report.md` again so it shows the sign-offs with names and dates. A report that
/// cannot be rendered (a broken workspace questionnaire or template) is left as it was: `validate` reports
/// those problems, and the sign-off itself is recorded either way.
fn refresh_report(ws: &Workspace, screening: &Screening) -> Vec<String> {
    let loaded = match crate::questionnaire::load_valid(ws) {
        Ok(l) => l,
        Err(e) => return vec![format!("report.md not updated: {e}")],
    };
    let texts = crate::questionnaire::texts::Texts::load(Some(ws), screening.language);
    match crate::questionnaire::store::write_report(ws, loaded.questionnaire(), screening, &texts) {
        Ok(_) => Vec::new(),
        Err(e) => vec![format!("report.md not updated: {e:#}")],
    }
}

/// The `required_signoffs` of a screening in the workspace (empty when there is none or it does not load).
pub fn screening_roles(ws: &Workspace, screening: Option<&str>) -> Vec<String> {
    let Some(id) = screening.filter(|s| !s.is_empty()) else {
        return Vec::new();
    };
    ws.screening(id)
        .map(|d| d.value.result.required_signoffs)
        .unwrap_or_default()
}

fn check_role(required: &BTreeSet<String>, role: &str, id: &str) -> Result<(), ApproveError> {
    if required.contains(role) {
        return Ok(());
    }
    Err(ApproveError::UnknownRole {
        role: role.to_owned(),
        id: id.to_owned(),
        required: required.iter().cloned().collect(),
    })
}

fn now(repo: Option<&crate::git::Repo>) -> String {
    repo.and_then(|r| crate::git::now_rfc3339(r).ok())
        .unwrap_or_else(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// The repository to date sign-offs by and commit in. When the sign-off is to be committed, the repository must
/// exist and be ready for a commit, checked before anything is written: a sign-off is bound to a commit.
fn repo_for(ws: &Workspace, req: &Request) -> Result<Option<crate::git::Repo>, ApproveError> {
    if !req.commit {
        return Ok(crate::git::open(&ws.root).ok());
    }
    let repo = crate::git::open(&ws.root)?;
    crate::git::check_can_commit(&repo, req.allow_detached)?;
    Ok(Some(repo))
}

fn commit(
    ws: &Workspace,
    repo: &crate::git::Repo,
    dir: &Path,
    subject: &str,
    s: &Signoff,
    missing: &[String],
) -> Result<Option<crate::git::Committed>, ApproveError> {
    let rel: PathBuf = crate::git::relative_to_workdir(repo, &ws.path(dir)).unwrap_or_else(|| dir.to_path_buf());
    let mut message = format!(
        "{subject}\n\nSigned off by {} as {} at {}.\nContent: {}\n",
        s.by, s.role, s.at, s.content_hash
    );
    if let Some(note) = &s.note {
        message.push_str(&format!("Note: {note}\n"));
    }
    if !missing.is_empty() {
        message.push_str(&format!("Still missing: {}\n", missing.join(", ")));
    }
    Ok(crate::git::commit_only(repo, &[rel], &message)?)
}

/// The sign-off `req` asks for, on content with this hash, dated by the commit signature's clock.
fn new_signoff(req: &Request, hash: &str, repo: Option<&crate::git::Repo>) -> Signoff {
    Signoff {
        role: req.role.clone(),
        by: req.by.clone(),
        at: now(repo),
        content_hash: hash.to_owned(),
        note: req.note.clone(),
    }
}

/// The answer when the role already signed exactly this content: nothing is written.
fn already_signed(kind: &'static str, id: &str, file: String, existing: &Signoff, st: signoff::Status) -> Approval {
    Approval {
        kind,
        id: id.to_owned(),
        file,
        signoff: existing.clone(),
        already_signed: true,
        state: st.state,
        missing: st.missing,
        blocked: Vec::new(),
        warnings: Vec::new(),
        commit: None,
    }
}
