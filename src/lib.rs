//! aispec: take an AI use case from screening to a deployed, evaluated Open WebUI specialist, with git as
//! the database.

pub mod approve;
pub mod build_info;
pub mod cli;
pub mod commands;
pub mod defaults;
pub mod diagnostic;
pub mod diff;
pub mod document;
pub mod edit;
pub mod edit_distance;
pub mod error;
pub mod eval;
pub mod extract;
pub mod feedback;
pub mod fsread;
pub mod fsutil;
pub mod gate;
pub mod git;
pub mod hint;
pub mod history;
pub mod http;
pub mod id;
pub mod knowledge;
pub mod lock;
pub mod model;
pub mod msg;
pub mod output;
pub mod personal_data;
pub mod placeholder;
pub mod platform;
pub mod profile_image;
pub mod prompt;
pub mod questionnaire;
pub mod register;
pub mod scaffold;
pub mod schema;
pub mod secrets;
pub mod signoff;
pub mod site;
pub mod source;
pub mod status;
pub mod suggest;
pub mod tokens;
pub mod validate;
pub mod workspace;

use anyhow::Context as _;

use crate::cli::{Cli, Command};
use crate::commands::Ctx;
use crate::error::ExitStatus;
use crate::output::Output;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let cwd = match &cli.directory {
        Some(dir) => std::path::absolute(dir).with_context(|| format!("cannot use folder {}", dir.display()))?,
        None => std::env::current_dir().context("cannot read the current folder")?,
    };
    if !cwd.is_dir() {
        return Err(error::UserError::new(format!("{} is not a folder", cwd.display())).into());
    }
    let env_lang = std::env::var(msg::LANG_ENV).ok();
    msg::set_language(msg::choose(
        cli.lang,
        env_lang.as_deref(),
        msg::workspace_language(&cwd),
    ));
    let ctx = Ctx {
        lang: cli.lang,
        cwd,
        out: Output::new(cli.color, cli.quiet),
    };
    match cli.command {
        Command::Init(args) => commands::init::run(&ctx, args),
        Command::Validate(args) => commands::validate::run(&ctx, args),
        Command::Schemas(args) => commands::schemas::run(&ctx, args),
        Command::Plan(args) => commands::plan::run(&ctx, args),
        Command::Deploy(args) => commands::deploy::run(&ctx, args),
        Command::Import(args) => commands::import::run(&ctx, args),
        Command::Export(args) => commands::export::run(&ctx, args),
        Command::Eval(args) => commands::eval::run(&ctx, args),
        Command::Feedback(args) => commands::feedback::run(&ctx, args),
        Command::Knowledge(args) => commands::knowledge::run(&ctx, args),
        Command::Models(args) => commands::models::run(&ctx, args),
        Command::Screen(args) => commands::screen::run(&ctx, args),
        Command::Journey(args) => commands::journey::run(&ctx, args),
        Command::Diff(args) => commands::diff::run(&ctx, args),
        Command::New(args) => commands::new::run(&ctx, args),
        Command::Bump(args) => commands::bump::run(&ctx, args),
        Command::Approve(args) => commands::approve::run(&ctx, args),
        Command::Status(args) => commands::status::run(&ctx, args),
        Command::Register(args) => commands::register::run(&ctx, args),
        Command::Site(args) => commands::site::run(&ctx, args),
        Command::Log(args) => commands::log::run(&ctx, args),
        Command::Completions(args) => commands::completions::run(&ctx, args, cli::command()),
    }
}
