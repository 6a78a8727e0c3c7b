//! The `aispec` binary: parse arguments, run, turn errors into messages and exit codes.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = aispec::cli::parse();
    match aispec::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) if aispec::error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // The last line of defence: no key in use is ever printed, whatever a server or library said.
            let message = aispec::msg::error_chain(&err);
            let (error, hint_label) = (aispec::msg::t("common.error"), aispec::msg::t("common.hint"));
            eprintln!("{error} {}", aispec::secrets::redact(&message));
            if let Some(hint) = aispec::hint::of(&err) {
                let hint = aispec::msg::translate("hint", &hint);
                eprintln!("{hint_label} {}", aispec::secrets::redact(&hint));
            }
            ExitCode::from(aispec::error::status_of(&err).code())
        }
    }
}
