//! The one place that decides colour and writes to the terminal: stdout for data, stderr for people.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};

pub use comfy_table::Color;
use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, Width, presets};
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
        eprintln!("{} {text}", self.err.red(crate::msg::t("common.error")));
    }

    /// How to go on after a refusal or an error, on stderr (always shown).
    pub fn hint(&self, text: &str) {
        eprintln!("{} {text}", crate::msg::t("common.hint"));
    }

    /// A warning on stderr (always shown).
    pub fn warn(&self, text: &str) {
        eprintln!("{} {text}", self.err.yellow(crate::msg::t("common.warning")));
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

/// A table for human output, never coloured; width from `COLUMNS` when set, otherwise the terminal.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    styled_table(&Style::new(false), header)
}

/// A table whose cells may carry colour ([`Cell::fg`]): comfy-table measures the text without the colour
/// codes, so columns stay aligned. Styled exactly when `style` is on, whatever the terminal.
pub fn styled_table<I, S>(style: &Style, header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_truncation_indicator("…")
        .set_header(header);
    // The width is read before `force_no_tty`, which would also hide the terminal's width from comfy-table.
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse::<u16>().ok());
    if let Some(width) = columns.or_else(|| t.width()) {
        t.set_width(width);
    }
    t.force_no_tty();
    if style.enabled() {
        // Colour was asked for (`--color always` overrides `NO_COLOR`), so crossterm, which paints the cells,
        // must not drop it either.
        crossterm::style::force_color_output(true);
        t.enforce_styling();
    }
    t
}

/// A cell in a colour (shown only when the table is styled).
pub fn colored(text: impl ToString, color: Color) -> Cell {
    Cell::new(text).fg(color)
}

/// Lays out a filled table for the terminal's width: the `whole` columns (ids) keep their longest value on one
/// line unless that value alone is wider than half the table; headers never break inside a word; every other
/// cell is cut to one line with "…" instead of wrapping a row over many lines. When even that is too wide,
/// columns are left out in the order of `drop` (the least useful first); their headers are returned, for a
/// note under the table.
pub fn fit(t: &mut Table, whole: &[usize], drop: &[usize]) -> Vec<String> {
    let Some(width) = t.width() else {
        return Vec::new();
    };
    let cap = (width / 2).max(8);
    let headers: Vec<String> = t
        .header()
        .map(|h| h.cell_iter().map(Cell::content).collect())
        .unwrap_or_default();
    let count = headers.len();
    let mut mins = Vec::with_capacity(count);
    for (column, header) in headers.iter().enumerate() {
        let longest = t
            .column_cells_iter(column)
            .flatten()
            .map(|c| text_width(&c.content()))
            .max()
            .unwrap_or(0);
        let word = header.split_whitespace().map(text_width).max().unwrap_or(0);
        let content = if whole.contains(&column) {
            longest.min(cap)
        } else {
            longest.min(MIN_CELL)
        };
        mins.push(content.max(word).max(1));
    }
    // Borders: one more than there are columns; padding: two per column.
    let needed = |shown: &[bool]| -> u32 {
        let visible: Vec<u16> = mins.iter().zip(shown).filter(|(_, s)| **s).map(|(m, _)| *m).collect();
        visible.iter().map(|m| u32::from(*m) + 3).sum::<u32>() + 1
    };
    let mut shown = vec![true; count];
    for &column in drop {
        if needed(&shown) <= u32::from(width) {
            break;
        }
        if let Some(s) = shown.get_mut(column).filter(|_| !whole.contains(&column)) {
            *s = false;
        }
    }
    let mut hidden = Vec::new();
    for (column, min) in mins.iter().enumerate() {
        let Some(col) = t.column_mut(column) else { continue };
        if shown[column] {
            let padded = min.saturating_add(col.padding_width());
            col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(padded)));
        } else {
            col.set_constraint(ColumnConstraint::Hidden);
            hidden.push(headers[column].clone());
        }
    }
    let heights: Vec<usize> = t
        .row_iter()
        .map(|row| {
            let cells: Vec<&Cell> = row.cell_iter().collect();
            whole
                .iter()
                .filter_map(|&column| {
                    let bound = *mins.get(column)?;
                    Some(usize::from(text_width(&cells.get(column)?.content()).div_ceil(bound)))
                })
                .max()
                .unwrap_or(1)
        })
        .collect();
    for (row, height) in t.row_iter_mut().zip(heights) {
        row.max_height(height.max(1));
    }
    hidden
}

/// The lines under a table (`· id: text`), each wrapped to the terminal with a hanging indent, followed by the
/// note on columns left out (`hidden`, from [`fit`]).
pub fn notes_below(style: &Style, mut notes: Vec<String>, hidden: &[String]) -> String {
    notes.extend(hidden_note(hidden));
    let width = term_width().saturating_sub(2);
    let mut out = String::new();
    for n in notes {
        out.push_str(&format!("{} {}\n", style.dim("·"), wrap(&n, width, "  ")));
    }
    out
}

/// The note under a table that says which columns did not fit, if any.
pub fn hidden_note(hidden: &[String]) -> Option<String> {
    (!hidden.is_empty()).then(|| crate::msg::f("table.hidden", &[("columns", &hidden.join(", "))]))
}

/// The narrowest a free-text column gets before columns are left out (its header may make it wider).
const MIN_CELL: u16 = 8;

/// `text` broken into lines of at most `width` characters at spaces; a word longer than a line is split.
/// Lines after the first start with `indent`; a line that already fits is kept as it is (spaces and all).
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let indent_len = indent.chars().count();
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for paragraph in text.split('\n') {
        if paragraph.chars().count() <= width {
            let start = if out.is_empty() { "" } else { indent };
            out.push(format!("{start}{paragraph}"));
            continue;
        }
        for word in paragraph.split_whitespace() {
            let word_len = word.chars().count();
            if len > 0 && len + 1 + word_len > width {
                out.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                line.push_str(word);
                len += 1 + word_len;
                continue;
            }
            if !out.is_empty() {
                line.push_str(indent);
                len = indent_len;
            }
            for c in word.chars() {
                if len >= width {
                    out.push(std::mem::take(&mut line));
                    line.push_str(indent);
                    len = indent_len;
                }
                line.push(c);
                len += 1;
            }
        }
        out.push(std::mem::take(&mut line));
        len = 0;
    }
    out.join("\n")
}

/// The terminal's width: `COLUMNS` when set, else the terminal on stderr or stdout, else 100.
pub fn term_width() -> usize {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse::<u16>().ok());
    let width = columns.or_else(|| {
        let mut probe = Table::new();
        probe.use_stderr();
        probe.width()
    });
    width.map_or(100, usize::from)
}

fn text_width(s: &str) -> u16 {
    let longest = s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    u16::try_from(longest).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_only_words_longer_than_a_line() {
        assert_eq!(
            wrap("affaldsguide er en specialist", 14, "  "),
            "affaldsguide\n  er en\n  specialist"
        );
        assert_eq!(wrap("abcdefghij", 4, ""), "abcd\nefgh\nij");
        assert_eq!(wrap("kort", 80, "  "), "kort");
        assert_eq!(wrap("  ⛔ to  mellemrum", 80, ""), "  ⛔ to  mellemrum");
    }
}
