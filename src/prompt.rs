//! Interactive prompts on stderr (dialoguer), behind a small trait so flows can be driven by a script in tests.
//! Use [`Terminal::open`] only after checking `Output::interactive()`; it never touches stdout.

use std::io;

use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Input, MultiSelect, Select};

/// Something that can ask a person questions.
pub trait Prompter {
    /// One of `items`; `None` when the person pressed Esc. With `default` `None` nothing is highlighted, so
    /// Enter does nothing until the person moves to an item.
    fn select(&mut self, prompt: &str, items: &[String], default: Option<usize>) -> io::Result<Option<usize>>;
    /// Any of `items` (space toggles, Enter confirms); `None` when the person pressed Esc.
    fn multi_select(&mut self, prompt: &str, items: &[String], checked: &[bool]) -> io::Result<Option<Vec<usize>>>;
    /// A line of text, pre-filled with `initial` for editing; empty only when `allow_empty`.
    fn input(&mut self, prompt: &str, initial: &str, allow_empty: bool) -> io::Result<String>;
    /// Text for the person (progress, help, summaries).
    fn say(&mut self, text: &str) -> io::Result<()>;
}

/// The real terminal: prompts and messages on stderr.
pub struct Terminal {
    term: Term,
    theme: Box<dyn Theme>,
}

impl Terminal {
    /// Prompts on stderr, coloured when `color` is true.
    pub fn open(color: bool) -> Self {
        let theme: Box<dyn Theme> = if color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        Terminal {
            term: Term::stderr(),
            theme,
        }
    }

    /// `prompt` broken at spaces to the terminal's width. dialoguer counts the lines it must clear on redraw by
    /// the line breaks it printed; a prompt the terminal wraps by itself takes more lines than that, which left
    /// stale `? …` and `✔ …` lines behind and broke words where the terminal ran out of room.
    fn fit(&self, prompt: &str) -> String {
        // Room for the theme's "? " / "✔ " in front and " ›" or " · answer" after the last line.
        let width = usize::from(self.term.size().1).saturating_sub(PROMPT_MARGIN).max(20);
        crate::output::wrap(prompt, width, "  ")
    }
}

/// Columns a prompt line leaves for the theme's marks.
const PROMPT_MARGIN: usize = 6;

fn to_io(e: dialoguer::Error) -> io::Error {
    match e {
        dialoguer::Error::IO(e) => e,
    }
}

impl Prompter for Terminal {
    fn select(&mut self, prompt: &str, items: &[String], default: Option<usize>) -> io::Result<Option<usize>> {
        let mut select = Select::with_theme(self.theme.as_ref())
            .with_prompt(self.fit(prompt))
            .items(items);
        // dialoguer's own default is "nothing highlighted"; Enter is ignored until an arrow key picks an item.
        if let Some(d) = default {
            select = select.default(d.min(items.len().saturating_sub(1)));
        }
        select.interact_on_opt(&self.term).map_err(to_io)
    }

    fn multi_select(&mut self, prompt: &str, items: &[String], checked: &[bool]) -> io::Result<Option<Vec<usize>>> {
        MultiSelect::with_theme(self.theme.as_ref())
            .with_prompt(self.fit(prompt))
            .items(items)
            .defaults(checked)
            .interact_on_opt(&self.term)
            .map_err(to_io)
    }

    fn input(&mut self, prompt: &str, initial: &str, allow_empty: bool) -> io::Result<String> {
        let mut input = Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(self.fit(prompt))
            .allow_empty(allow_empty);
        if !initial.is_empty() {
            input = input.with_initial_text(initial);
        }
        input.interact_text_on(&self.term).map_err(to_io)
    }

    fn say(&mut self, text: &str) -> io::Result<()> {
        let width = usize::from(self.term.size().1).max(20);
        let lines: Vec<String> = text.lines().map(|l| crate::output::wrap(l, width, "")).collect();
        self.term.write_line(&lines.join("\n"))
    }
}

/// A prompter that replays scripted answers (for tests of interactive flows).
#[cfg(test)]
pub mod scripted {
    use std::collections::VecDeque;
    use std::io;

    use super::Prompter;

    /// One scripted reply.
    #[derive(Debug, Clone)]
    pub enum Reply {
        /// Pick the item whose text contains this.
        Pick(&'static str),
        /// Press Esc.
        Escape,
        /// Type this line.
        Type(&'static str),
        /// Check these items (by text) in a multi-select.
        Check(Vec<&'static str>),
    }

    /// Replays replies in order and records everything said and asked.
    #[derive(Default)]
    pub struct Scripted {
        /// Replies still to give.
        pub replies: VecDeque<Reply>,
        /// Everything shown, in order.
        pub transcript: Vec<String>,
    }

    impl Scripted {
        /// A script of replies.
        pub fn new(replies: Vec<Reply>) -> Self {
            Scripted {
                replies: replies.into(),
                transcript: Vec::new(),
            }
        }

        fn next(&mut self, prompt: &str) -> io::Result<Reply> {
            self.transcript.push(format!("? {prompt}"));
            self.replies
                .pop_front()
                .ok_or_else(|| io::Error::new(io::ErrorKind::Interrupted, format!("script ended at: {prompt}")))
        }
    }

    impl Prompter for Scripted {
        fn select(&mut self, prompt: &str, items: &[String], _default: Option<usize>) -> io::Result<Option<usize>> {
            self.transcript.extend(items.iter().map(|i| format!("  · {i}")));
            match self.next(prompt)? {
                Reply::Escape => Ok(None),
                Reply::Pick(p) => items
                    .iter()
                    .position(|i| i.contains(p))
                    .map(Some)
                    .ok_or_else(|| io::Error::other(format!("no item `{p}` in {items:?}"))),
                other => Err(io::Error::other(format!(
                    "expected a pick for `{prompt}`, got {other:?}"
                ))),
            }
        }

        fn multi_select(
            &mut self,
            prompt: &str,
            items: &[String],
            _checked: &[bool],
        ) -> io::Result<Option<Vec<usize>>> {
            self.transcript.extend(items.iter().map(|i| format!("  · {i}")));
            match self.next(prompt)? {
                Reply::Escape => Ok(None),
                Reply::Check(ps) => Ok(Some(
                    items
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| ps.iter().any(|p| i.contains(p)))
                        .map(|(n, _)| n)
                        .collect(),
                )),
                other => Err(io::Error::other(format!(
                    "expected checks for `{prompt}`, got {other:?}"
                ))),
            }
        }

        fn input(&mut self, prompt: &str, initial: &str, _allow_empty: bool) -> io::Result<String> {
            match self.next(prompt)? {
                Reply::Type("") => Ok(initial.to_owned()),
                Reply::Type(t) => Ok(t.to_owned()),
                other => Err(io::Error::other(format!("expected text for `{prompt}`, got {other:?}"))),
            }
        }

        fn say(&mut self, text: &str) -> io::Result<()> {
            self.transcript.push(text.to_owned());
            Ok(())
        }
    }
}
