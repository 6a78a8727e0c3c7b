//! `aispec schemas`: write the JSON Schemas and the Taplo config (VS Code's Even Better TOML, Helix, Zed…) that use them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::Ctx;
use crate::error::ExitStatus;
use crate::fsutil::write_atomic;
use crate::schema::{EDITOR_DIR, FileKind, editor_files};

/// Write the JSON Schemas (draft 2020-12) of every file kind, plus `.taplo.toml` for editors.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec schemas                      # refresh .aispec/schemas and .taplo.toml
  aispec schemas --out /tmp/schemas   # only the schema files, somewhere else

Editors with the Even Better TOML extension (Taplo) then check and complete aispec files as you type.")]
pub struct Args {
    /// Write only the schema files, into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Runs `schemas`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let mut _lock = None;
    let (root, files) = match &args.out {
        Some(out) => {
            let dir = ctx.cwd.join(out);
            let files = FileKind::ALL
                .iter()
                .map(|k| {
                    (
                        PathBuf::from(format!("{}.schema.json", k.name())),
                        k.embedded().to_owned(),
                    )
                })
                .collect();
            (dir, files)
        }
        None => {
            let ws = crate::workspace::Workspace::discover(&ctx.cwd)?;
            _lock = Some(super::lock_workspace(ctx, &ws)?);
            (ws.root.clone(), editor_files(Path::new(EDITOR_DIR)))
        }
    };
    for (rel, text) in &files {
        let path = root.join(rel);
        write_atomic(&path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        ctx.out.print(&crate::diagnostic::display_path(&path))?;
    }
    Ok(ExitStatus::Success)
}
