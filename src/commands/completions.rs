//! `aispec completions`: the shell completion script, on stdout.

use super::Ctx;
use crate::error::ExitStatus;

/// Print the completion script for a shell.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Save the script where your shell looks for completions, then open a new shell:
  bash        aispec completions bash > ~/.local/share/bash-completion/completions/aispec
  zsh         aispec completions zsh > ~/.zfunc/_aispec
              and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  fish        aispec completions fish > ~/.config/fish/completions/aispec.fish
  PowerShell  aispec completions powershell >> $PROFILE
  elvish      aispec completions elvish >> ~/.config/elvish/rc.elv

Run it again after upgrading aispec, so new commands and flags complete too.")]
pub struct Args {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Runs `completions` for `command`, the whole command line (passed in, so this module does not reach up to `cli`).
pub fn run(ctx: &Ctx, args: Args, mut command: clap::Command) -> anyhow::Result<ExitStatus> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "aispec", &mut script);
    ctx.out.print(&String::from_utf8_lossy(&script))?;
    Ok(ExitStatus::Success)
}
