//! `aispec init`: a new config repo with settings, catalogue, an example specialist, CI and editor support.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::fsutil::write_atomic;
use crate::model::config::CONFIG_FILE;

/// Create a config repo: `git init`, `aispec.toml`, `models.toml`, an example specialist, CI workflow, editor schemas.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec init aarhus-specialister
  aispec init --name \"Aarhus Kommune\" .

Refuses to touch a folder that already holds a workspace or any of the files it would write.")]
pub struct Args {
    /// Folder to create the workspace in (default: the current folder).
    pub dir: Option<PathBuf>,
    /// Workspace name (default: the folder name).
    #[arg(long)]
    pub name: Option<String>,
    /// Write the files but do not commit them.
    #[arg(long)]
    pub no_commit: bool,
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
        (
            PathBuf::from(".github/workflows/aispec.yml"),
            include_str!("../../templates/init/workflows/aispec.yml").to_owned(),
        ),
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
    files.extend(super::schemas::editor_files(Path::new(super::schemas::EDITOR_DIR)));
    Ok(files)
}

#[derive(Serialize)]
struct Created {
    root: String,
    files: Vec<String>,
    commit: Option<String>,
}

/// Runs `init`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let root = args.dir.as_ref().map_or_else(|| ctx.cwd.clone(), |d| ctx.cwd.join(d));
    if root.join(CONFIG_FILE).exists() {
        return Err(UserError::new(format!(
            "{} is already an aispec workspace ({CONFIG_FILE} exists)",
            root.display()
        ))
        .hint("edit the existing workspace, or choose an empty folder")
        .into());
    }
    let name = args.name.clone().unwrap_or_else(|| {
        std::path::absolute(&root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "aispec".to_owned())
    });
    let files = files(&name)?;
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| std::fs::symlink_metadata(root.join(p)).is_ok())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(UserError::new(format!(
            "{} already has files init would overwrite: {}",
            root.display(),
            existing.join(", ")
        ))
        .hint("move them away or choose another folder; init never overwrites")
        .into());
    }
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    for (rel, text) in &files {
        write_atomic(&root.join(rel), text.as_bytes())
            .with_context(|| format!("cannot write {}", root.join(rel).display()))?;
    }
    let commit = if args.no_commit {
        None
    } else {
        let repo = crate::git::open_or_init(&root)?;
        let prefix = crate::git::relative_to_workdir(&repo, &root).unwrap_or_default();
        let paths: Vec<PathBuf> = files.iter().map(|(p, _)| prefix.join(p)).collect();
        crate::git::commit_paths(&repo, &paths, &format!("Create aispec workspace \"{name}\""))?
            .map(|oid| oid.to_string())
    };
    let created = Created {
        root: root.display().to_string(),
        files: files.iter().map(|(p, _)| crate::diagnostic::display_path(p)).collect(),
        commit,
    };
    let style = ctx.out.out;
    let mut text = format!(
        "{} {}\n",
        style.green("Created aispec workspace"),
        style.bold(&created.root)
    );
    for f in &created.files {
        text.push_str(&format!("  {f}\n"));
    }
    if let Some(c) = &created.commit {
        text.push_str(&format!("Committed {}\n", &c[..c.len().min(12)]));
    }
    text.push_str("\nNext: cd into it, edit aispec.toml (targets, groups) and run `aispec validate`.");
    ctx.out.print(&text)?;
    Ok(ExitStatus::Success)
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
