//! The one place that decides colour and writes to the terminal: stdout for data, stderr for people.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// `--color`: when to colour output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour (also honours `FORCE_COLOR`).
    Always,
    /// Never colour.
    Never,
}

/// `--format` of the commands that print either text for people or JSON (commands with more formats, such as
/// `diff`, `eval` and `validate`, have their own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables and summaries for people.
    #[default]
    Human,
    /// One JSON document on stdout, for machines.
    Json,
}

/// ANSI styling that is a no-op when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colour on or off.
    pub fn new(color: bool) -> Self {
        Style { color }
    }

    /// Whether colour is on.
    pub fn enabled(&self) -> bool {
        self.color
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    /// Bold text.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    /// Dimmed text.
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    /// Red text (errors, removals).
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    /// Green text (success, additions).
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    /// Yellow text (warnings, changes).
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    /// Cyan text (hints).
    pub fn cyan(&self, s: &str) -> String {
        self.paint("36", s)
    }
    /// Red background, for removed words in a diff.
    pub fn removed(&self, s: &str) -> String {
        self.paint("31;9", s)
    }
    /// Green underline, for added words in a diff.
    pub fn added(&self, s: &str) -> String {
        self.paint("32;4", s)
    }
}

/// Global output settings, decided once in `run`.
#[derive(Debug, Clone)]
pub struct Output {
    /// Styling for stdout.
    pub out: Style,
    /// Styling for stderr.
    pub err: Style,
    /// `--quiet`: no progress or status lines.
    pub quiet: bool,
    stderr_is_tty: bool,
    stdin_is_tty: bool,
}

impl Output {
    /// Resolves colour from the flag, `NO_COLOR`, `FORCE_COLOR` and terminal detection.
    pub fn new(choice: ColorChoice, quiet: bool) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_is_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let force = std::env::var_os("FORCE_COLOR").is_some_and(|v| !v.is_empty() && v != "0");
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && (force || tty),
        };
        Output {
            out: Style::new(decide(stdout_tty)),
            err: Style::new(decide(stderr_is_tty)),
            quiet,
            stderr_is_tty,
            stdin_is_tty: std::io::stdin().is_terminal(),
        }
    }

    /// Settings for library tests: no colour, no terminal.
    pub fn plain() -> Self {
        Output {
            out: Style::new(false),
            err: Style::new(false),
            quiet: true,
            stderr_is_tty: false,
            stdin_is_tty: false,
        }
    }

    /// True when a person can answer prompts (stdin and stderr are terminals).
    pub fn interactive(&self) -> bool {
        self.stdin_is_tty && self.stderr_is_tty
    }

    /// Writes data to stdout.
    pub fn print(&self, text: &str) -> std::io::Result<()> {
        let mut lock = std::io::stdout().lock();
        lock.write_all(text.as_bytes())?;
        if !text.is_empty() && !text.ends_with('\n') {
            lock.write_all(b"\n")?;
        }
        lock.flush()
    }

    /// Writes a value as pretty JSON to stdout.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(value)?;
        self.print(&text)?;
        Ok(())
    }

    /// A status line for people on stderr (suppressed by `--quiet`).
    pub fn status(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A refusal on stderr (always shown): the command ran and the answer is no, so it exits 1 — said as an
    /// `error:`, not a warning.
    pub fn refuse(&self, text: &str) {
        eprintln!("{} {text}", self.err.red("error:"));
    }

    /// How to go on after a refusal or an error, on stderr (always shown).
    pub fn hint(&self, text: &str) {
        eprintln!("hint: {text}");
    }

    /// A warning on stderr (always shown).
    pub fn warn(&self, text: &str) {
        eprintln!("{} {text}", self.err.yellow("warning:"));
    }

    /// A progress bar on stderr, hidden when stderr is not a terminal or `--quiet` is set.
    pub fn progress(&self, len: u64, message: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if self.quiet || !self.stderr_is_tty {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_owned());
        bar
    }
}

/// A table for human output; width from `COLUMNS` when set, otherwise the terminal.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    if let Some(width) = std::env::var("COLUMNS").ok().and_then(|c| c.parse::<u16>().ok()) {
        t.set_width(width);
    }
    t
}
