//! `aispec init`: a new config repo with settings, catalogue, an example specialist, CI and editor support.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::fsread::{Limit, Reader};
use crate::fsutil::write_atomic;
use crate::model::config::CONFIG_FILE;
use crate::msg;

/// Create a config repo: `git init`, `aispec.toml`, `models.toml`, an example specialist, CI workflow, editor schemas.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec init aarhus-specialister
  aispec init --name \"Aarhus Kommune\" .
  aispec init . --allow-detached            # an existing repository whose HEAD is not on a branch

Refuses a folder that already holds a workspace, any file it would write with other content,
or a bare git repository, before it writes anything. A new folder is built beside it and renamed
into place, so it appears whole or not at all. In an existing folder an interrupted init
(Ctrl-C, a crash, kill -9) is finished by running the same command again: files it already
wrote are kept, and aispec.toml comes last.")]
pub struct Args {
    /// Folder to create the workspace in (default: the current folder).
    pub dir: Option<PathBuf>,
    /// Workspace name (default: the folder name).
    #[arg(long)]
    pub name: Option<String>,
    /// Whether and how to commit what is written.
    #[command(flatten)]
    pub commit: super::CommitArgs,
}

const EXAMPLE: &str = "korrekturlaeser";

/// The files `init` writes, relative to the new root.
fn files(name: &str) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let env = minijinja::Environment::new();
    let config = env
        .render_str(
            include_str!("../../templates/init/aispec.toml"),
            minijinja::context! { name },
        )
        .context("rendering aispec.toml")?;
    let mut files = vec![
        (PathBuf::from(CONFIG_FILE), config + "\n"),
        (
            PathBuf::from("models.toml"),
            include_str!("../../models.toml").to_owned(),
        ),
        (
            PathBuf::from(".gitignore"),
            include_str!("../../templates/init/gitignore").to_owned(),
        ),
        (PathBuf::from(".github/workflows/aispec.yml"), workflow()? + "\n"),
    ];
    let example = Path::new("specialists").join(EXAMPLE);
    files.push((
        example.join("specialist.toml"),
        include_str!("../../specialists/korrekturlaeser/specialist.toml").to_owned(),
    ));
    files.push((
        example.join("system-prompt.md"),
        include_str!("../../specialists/korrekturlaeser/system-prompt.md").to_owned(),
    ));
    files.push((
        example.join("tests.toml"),
        include_str!("../../specialists/korrekturlaeser/tests.toml").to_owned(),
    ));
    let screening = Path::new("screenings").join(EXAMPLE);
    files.push((
        screening.join("screening.toml"),
        include_str!("../../screenings/korrekturlaeser/screening.toml").to_owned(),
    ));
    files.push((
        screening.join("journey.toml"),
        include_str!("../../screenings/korrekturlaeser/journey.toml").to_owned(),
    ));
    files.push((
        screening.join("report.md"),
        include_str!("../../screenings/korrekturlaeser/report.md").to_owned(),
    ));
    files.extend(crate::schema::editor_files(Path::new(crate::schema::EDITOR_DIR)));
    Ok(files)
}

/// The CI workflow, pinned to the release of this binary: a config repo's checks run the version that made it.
fn workflow() -> anyhow::Result<String> {
    let mut env = minijinja::Environment::new();
    // GitHub's own `${{ … }}` expressions would silently render as nothing; strict mode makes them an error.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.render_str(
        include_str!("../../templates/init/workflows/aispec.yml"),
        minijinja::context! {
            version => crate::build_info::VERSION,
            repository => crate::build_info::REPOSITORY,
        },
    )
    .context("rendering .github/workflows/aispec.yml")
}

#[derive(Serialize)]
struct Created {
    root: String,
    files: Vec<String>,
    commit: Option<String>,
    /// Files an interrupted init had already written, found unchanged and kept.
    resumed: usize,
}

/// What is already in the target folder, compared with what init would write.
struct Existing {
    /// Files with exactly the content init writes (left by an interrupted init).
    in_place: BTreeSet<PathBuf>,
    /// Files init would have to overwrite.
    differing: Vec<String>,
}

fn existing(root: &Path, files: &[(PathBuf, String)]) -> Existing {
    let reader = Reader::new(root);
    let mut found = Existing {
        in_place: BTreeSet::new(),
        differing: Vec::new(),
    };
    for (rel, text) in files {
        if std::fs::symlink_metadata(root.join(rel)).is_err() {
            continue;
        }
        match reader.read(rel, Limit::TEXT) {
            Ok(bytes) if bytes == text.as_bytes() => {
                found.in_place.insert(rel.clone());
            }
            _ => found.differing.push(crate::diagnostic::display_path(rel)),
        }
    }
    found
}

/// Runs `init`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let root = args.dir.as_ref().map_or_else(|| ctx.cwd.clone(), |d| ctx.cwd.join(d));
    if let Some(bare) = crate::git::bare_repository_at(&root) {
        return Err(UserError::new(format!(
            "{} is inside the bare git repository {}, which has no work tree for a workspace; nothing was written",
            root.display(),
            bare.display()
        ))
        .hint("clone it (git clone URL DIR) and run aispec init in the clone, or choose another folder")
        .into());
    }
    let name = args.name.clone().unwrap_or_else(|| {
        std::path::absolute(&root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "aispec".to_owned())
    });
    let files = files(&name)?;
    let found = existing(&root, &files);
    let config = PathBuf::from(CONFIG_FILE);
    if std::fs::symlink_metadata(root.join(&config)).is_ok() && !interrupted_before_commit(&root, &found, &args) {
        return Err(UserError::new(format!(
            "{} is already an aispec workspace ({CONFIG_FILE} exists)",
            root.display()
        ))
        .hint("edit the existing workspace, or choose an empty folder")
        .into());
    }
    if !found.differing.is_empty() {
        return Err(UserError::new(format!(
            "{} already has files init would overwrite: {}",
            root.display(),
            found.differing.join(", ")
        ))
        .hint("move them away or choose another folder; init never overwrites")
        .into());
    }
    let message = format!("Create aispec workspace \"{name}\"");
    let commit = if std::fs::symlink_metadata(&root).is_err() {
        build_elsewhere_and_move(&root, &files, args.commit, &message)?
    } else {
        build(&root, &files, &found.in_place, args.commit, &message)?
    };
    let created = Created {
        root: root.display().to_string(),
        files: files.iter().map(|(p, _)| crate::diagnostic::display_path(p)).collect(),
        commit,
        resumed: found.in_place.len(),
    };
    let style = ctx.out.out;
    let mut text = format!(
        "{} {}\n",
        style.green(msg::t("init.created")),
        style.bold(&created.root)
    );
    for f in &created.files {
        text.push_str(&format!("  {f}\n"));
    }
    if created.resumed > 0 {
        text.push_str(&msg::f("init.resumed", &[("count", &created.resumed)]));
        text.push('\n');
    }
    if let Some(c) = &created.commit {
        text.push_str(&msg::f("init.committed", &[("commit", &&c[..c.len().min(12)])]));
        text.push('\n');
    }
    text.push('\n');
    text.push_str(msg::t("init.next"));
    ctx.out.print(&text)?;
    Ok(ExitStatus::Success)
}

/// Creates a new folder whole or not at all: everything (git included) is built in a hidden folder beside it and
/// renamed into place at the end, so an interruption never leaves a half-made workspace under the name.
fn build_elsewhere_and_move(
    root: &Path,
    files: &[(PathBuf, String)],
    commit: super::CommitArgs,
    message: &str,
) -> anyhow::Result<Option<String>> {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let parent = root.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".aispec-init-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a folder in {}", parent.display()))?;
    let commit = build(staging.path(), files, &BTreeSet::new(), commit, message)?;
    std::fs::rename(staging.path(), &root).with_context(|| format!("cannot create {}", root.display()))?;
    // Renamed: there is nothing left to clean up.
    let _ = staging.keep();
    Ok(commit)
}

/// Writes the files into `root` (git first, aispec.toml last, files in `in_place` left as they are) and commits.
fn build(
    root: &Path,
    files: &[(PathBuf, String)],
    in_place: &BTreeSet<PathBuf>,
    commit: super::CommitArgs,
    message: &str,
) -> anyhow::Result<Option<String>> {
    std::fs::create_dir_all(root).with_context(|| format!("cannot create {}", root.display()))?;
    // The repository comes first and aispec.toml last: an interrupted init leaves no workspace without git, and
    // running init again finishes it.
    let repo = if commit.no_commit {
        None
    } else {
        let repo = crate::git::open_or_init(root)?;
        crate::git::check_can_commit(&repo, commit.allow_detached)?;
        Some(repo)
    };
    // Temporary files of an interrupted init are stale: nothing else writes into a folder being created.
    let dirs: BTreeSet<&Path> = files.iter().filter_map(|(rel, _)| rel.parent()).collect();
    for dir in dirs {
        crate::fsutil::remove_temp_files(&root.join(dir));
    }
    let config = Path::new(CONFIG_FILE);
    let (last, first): (Vec<_>, Vec<_>) = files.iter().partition(|(rel, _)| rel == config);
    for (rel, text) in first.into_iter().chain(last) {
        if in_place.contains(rel) {
            continue;
        }
        write_atomic(&root.join(rel), text.as_bytes())
            .with_context(|| format!("cannot write {}", root.join(rel).display()))?;
    }
    let Some(repo) = repo else {
        return Ok(None);
    };
    let prefix = crate::git::relative_to_workdir(&repo, root).unwrap_or_default();
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| prefix.join(p)).collect();
    Ok(crate::git::commit_paths(&repo, &paths, message)?.map(|oid| oid.to_string()))
}

/// True when `aispec.toml` and every other file present are exactly what this init writes and the commit was
/// never made: an init interrupted between its last write and its commit, which running it again finishes.
fn interrupted_before_commit(root: &Path, found: &Existing, args: &Args) -> bool {
    if args.commit.no_commit || !found.differing.is_empty() || !found.in_place.contains(Path::new(CONFIG_FILE)) {
        return false;
    }
    let Ok(repo) = crate::git::open(root) else {
        return false;
    };
    let prefix = crate::git::relative_to_workdir(&repo, root).unwrap_or_default();
    !crate::git::head_has_file(&repo, &prefix.join(CONFIG_FILE))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_schema_has_an_editor_file() {
        let files = super::files("x").expect("files");
        for kind in crate::schema::FileKind::ALL {
            let want = format!("{}.schema.json", kind.name());
            assert!(files.iter().any(|(p, _)| p.ends_with(&want)), "{want}");
        }
    }
}
