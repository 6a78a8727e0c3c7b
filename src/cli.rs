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
    /// Language of messages and tables (default: `AISPEC_LANG`, then aispec.toml).
    ///
    /// Without `--lang`: `AISPEC_LANG`, else `workspace.language` in aispec.toml, else da. `screen` and
    /// `journey` also write their questions and report in it. JSON output is always English.
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<crate::model::config::Language>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The command line as clap sees it: the derived commands, with every footer split into a short one for `-h`
/// (the examples, without their comments) and the whole text for `--help`, so `-h` reads well at 80 columns.
pub fn command() -> clap::Command {
    let cmd = <Cli as clap::CommandFactory>::command();
    short_footers(cmd, "")
}

/// Parses the process's arguments (exits on usage errors and for `--help`, like clap does).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
}

fn short_footers(cmd: clap::Command, parent: &str) -> clap::Command {
    let name = format!("{parent}{}", cmd.get_name());
    let cmd = match cmd.get_after_help().map(ToString::to_string) {
        Some(footer) if cmd.get_after_long_help().is_none() => cmd
            .after_long_help(footer.clone())
            .after_help(short_footer(&footer, &name)),
        _ => cmd,
    };
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    let prefix = format!("{name} ");
    names
        .into_iter()
        .fold(cmd, |cmd, sub| cmd.mut_subcommand(sub, |c| short_footers(c, &prefix)))
}

/// The width `-h` footers are laid out for.
const SHORT_HELP_WIDTH: usize = 80;

/// A shell command line split at spaces into lines of at most `width` characters joined by ` \`, as a shell
/// reads them (a word inside quotes is never split: breaks fall only between words outside quotes).
fn continued(command: &str, width: usize) -> Vec<String> {
    if command.chars().count() <= width {
        return vec![command.to_owned()];
    }
    let indent = command.len() - command.trim_start().len();
    // Words, with a quoted phrase kept as one.
    let mut words: Vec<String> = Vec::new();
    let mut quoted = false;
    for word in command.trim_start().split(' ') {
        match words.last_mut() {
            Some(last) if quoted => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        quoted ^= word.matches('"').count() % 2 == 1;
    }
    let mut lines = Vec::new();
    let mut line = " ".repeat(indent);
    for (i, word) in words.iter().enumerate() {
        if i > 0 && line.chars().count() + 1 + word.chars().count() + 2 > width {
            lines.push(format!("{line} \\"));
            line = " ".repeat(indent + 4);
        } else if i > 0 {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// The "Examples:" block of `footer` with the `# comments` cut off, and where to read the rest.
fn short_footer(footer: &str, name: &str) -> String {
    let mut out = Vec::new();
    let mut in_examples = false;
    for line in footer.lines() {
        if line.trim_end().ends_with("Examples:") {
            in_examples = true;
            out.push(line.trim_end().to_owned());
            continue;
        }
        if in_examples {
            if line.trim().is_empty() {
                break;
            }
            let command = line.split("  #").next().unwrap_or(line).trim_end();
            out.extend(continued(command, SHORT_HELP_WIDTH));
        }
    }
    if !out.is_empty() {
        out.push(String::new());
    }
    out.push(format!("More, with exit codes: `{name} --help`."));
    out.join("\n")
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
