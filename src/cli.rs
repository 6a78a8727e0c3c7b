//! Command-line arguments (clap derive types only).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::output::ColorChoice;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the command ran and the answer is no (invalid files, refused screening, regressions)
  2  usage, configuration, I/O, git or network error

Commands that write to the workspace take turns: a second one waits up to
AISPEC_LOCK_TIMEOUT seconds (default 10) for the first to finish, then exits 2 naming the lock.

Start with `aispec init` for a new config repo, or `aispec validate` inside one.";

/// Screen AI use cases, write specialists as files in git, review, approve, deploy to Open WebUI and evaluate.
#[derive(Debug, Parser)]
#[command(name = "aispec", version = crate::build_info::LONG_VERSION, about, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in this folder.
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// When to use colours (`NO_COLOR` is honoured in `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only data and errors: no progress or status lines.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new aispec config repo with an example specialist.
    Init(commands::init::Args),
    /// Screen an AI use case (Kan vi? Må vi? Bør vi?) interactively or from an answers file.
    Screen(commands::screen::Args),
    /// Capture the user journey of a screened use case.
    Journey(commands::journey::Args),
    /// Create a specialist from a screening and its user journey.
    New(commands::new::Args),
    /// Check every file for schema and meaning errors.
    Validate(commands::validate::Args),
    /// Show what changed in specialists, screenings and the catalogue between two revisions.
    Diff(commands::diff::Args),
    /// Raise a specialist's semver version.
    Bump(commands::bump::Args),
    /// Sign off the exact current content of a specialist or screening.
    Approve(commands::approve::Args),
    /// One row per use case and specialist: screening, version, sign-off state, last change.
    Status(commands::status::Args),
    /// Public AI register records (Algorithm Register Metadata Standard) for the use cases.
    Register(commands::register::Args),
    /// Build a static portfolio site (Danish) for GitHub Pages or the intranet.
    Site(commands::site::Args),
    /// The history of one specialist: versions, commits and sign-offs.
    Log(commands::log::Args),
    /// Show what deploy would change on an Open WebUI target.
    Plan(commands::plan::Args),
    /// Make an Open WebUI target match the approved specialists in git.
    Deploy(commands::deploy::Args),
    /// Adopt models from an Open WebUI target or export file as specialist folders.
    Import(commands::import::Args),
    /// Write Open WebUI-importable JSON for the approved specialists.
    Export(commands::export::Args),
    /// Fetch knowledge files from their sources (web pages, PDF, Word), and notice when a source changes.
    Knowledge(commands::knowledge::Args),
    /// Run test cases against models or the deployed platform, and compare with a saved run.
    Eval(commands::eval::Args),
    /// Users' ratings and usage per deployed specialist; draft test cases from thumbs down.
    Feedback(commands::feedback::Args),
    /// Show the model catalogue with the latest evaluation scores.
    Models(commands::models::Args),
    /// Write the JSON Schemas for editor support.
    Schemas(commands::schemas::Args),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions(commands::completions::Args),
}
