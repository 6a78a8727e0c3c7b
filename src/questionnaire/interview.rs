//! The interactive screening: one question at a time with progress, help, going back, "don't know" and a
//! note; the screening is saved after every answer, so stopping (or Ctrl-C) loses nothing.

use std::io;

use super::Engine;
use super::evaluate::LEVELS;
use super::store::{refresh, set_answer};
use super::texts::Texts;
use crate::model::questionnaire::{DONT_KNOW, NO, Question, QuestionKind, YES};
use crate::model::screening::{ActionKind, Answer, AnswerValue, QuestionnaireStamp, Screening};
use crate::prompt::Prompter;

/// How an interview ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// No question is left.
    Done,
    /// The person chose to stop; the draft is saved.
    Quit,
}

/// What the person did at a question.
enum Nav {
    Answer(AnswerValue, Option<String>),
    Skip,
    Back,
    Quit,
}

/// An interview over one screening.
pub struct Interview<'a, 'q> {
    /// The questionnaire engine.
    pub engine: &'a Engine<'q>,
    /// Stamp recorded on the screening.
    pub stamp: &'a QuestionnaireStamp,
    /// UI texts.
    pub texts: &'a Texts,
}

impl Interview<'_, '_> {
    /// Asks every question that still needs an answer, starting at `start` (a question id) or at the first
    /// such question; `save` is called after every change.
    pub fn run(
        &self,
        s: &mut Screening,
        p: &mut dyn Prompter,
        start: Option<&str>,
        save: &mut dyn FnMut(&Screening) -> anyhow::Result<()>,
    ) -> anyhow::Result<Finish> {
        let lang = self.texts.lang;
        let mut cursor = match start {
            Some(id) => Some(id.to_owned()),
            None => self.first_open(s)?,
        };
        let mut shown_track = None;
        while let Some(id) = cursor.clone() {
            let asked = self.engine.asked(&s.answers)?;
            let Some(pos) = asked.iter().position(|q| q.id == id) else {
                cursor = self.first_open(s)?;
                continue;
            };
            let q = asked[pos];
            if shown_track != Some(q.track) {
                if let Some(t) = self.engine.questionnaire.track(q.track) {
                    p.say(&format!("\n== {} ==\n{}", t.title.get(lang), t.intro.get(lang)))?;
                }
                shown_track = Some(q.track);
            }
            let in_track: Vec<&&Question> = asked.iter().filter(|x| x.track == q.track).collect();
            let n = in_track.iter().position(|x| x.id == q.id).unwrap_or(0) + 1;
            let title = self
                .engine
                .questionnaire
                .track(q.track)
                .map_or("", |t| t.title.get(lang));
            p.say(&format!("\n{title} {n}/{}  [{}]", in_track.len(), q.id))?;
            let current = s.answers.get(&q.id).filter(|a| self.engine.is_current(q, a)).cloned();
            match self.ask(q, current.as_ref(), p)? {
                Nav::Quit => {
                    save(s)?;
                    return Ok(Finish::Quit);
                }
                Nav::Back => {
                    cursor = pos.checked_sub(1).map(|i| asked[i].id.clone()).or(Some(id));
                }
                Nav::Skip => {
                    if s.answers.remove(&id).is_some() {
                        refresh(self.engine, self.stamp, s)?;
                        save(s)?;
                    }
                    cursor = self.next_open(s, &id)?;
                }
                Nav::Answer(value, text) => {
                    let old_note = current.as_ref().and_then(|a| a.note.clone()).unwrap_or_default();
                    let note = p.input(self.texts.get("prompt.note"), &old_note, true)?;
                    set_answer(self.engine, s, &q.id, value, text, Some(note));
                    refresh(self.engine, self.stamp, s)?;
                    save(s)?;
                    self.tell_consequences(q, s, p)?;
                    cursor = self.next_open(s, &id)?;
                }
            }
        }
        Ok(Finish::Done)
    }

    /// The first asked question without a current answer that the screening needs.
    fn first_open(&self, s: &Screening) -> anyhow::Result<Option<String>> {
        let asked = self.engine.asked(&s.answers)?;
        Ok(asked
            .iter()
            .find(|q| q.required && !self.answered(q, s))
            .map(|q| q.id.clone()))
    }

    /// The next asked question after `id` without a current answer; else any required one still open.
    fn next_open(&self, s: &Screening, id: &str) -> anyhow::Result<Option<String>> {
        let asked = self.engine.asked(&s.answers)?;
        let after = asked.iter().position(|q| q.id == id).map_or(0, |i| i + 1);
        match asked[after.min(asked.len())..].iter().find(|q| !self.answered(q, s)) {
            Some(q) => Ok(Some(q.id.clone())),
            None => self.first_open(s),
        }
    }

    fn answered(&self, q: &Question, s: &Screening) -> bool {
        s.answers.get(&q.id).is_some_and(|a| self.engine.is_current(q, a))
    }

    fn ask(&self, q: &Question, current: Option<&Answer>, p: &mut dyn Prompter) -> io::Result<Nav> {
        let lang = self.texts.lang;
        let prompt = q.text.get(lang);
        match q.kind {
            QuestionKind::Text => loop {
                let hint = self.texts.get("prompt.text_keys");
                let initial = current.and_then(|a| a.value.values().first().map(|v| (*v).to_owned()));
                let line = p.input(
                    &format!("{prompt} {hint}"),
                    initial.as_deref().unwrap_or(""),
                    !q.required,
                )?;
                match line.trim() {
                    "?" => self.help(q, p)?,
                    "<" => return Ok(Nav::Back),
                    "" => return Ok(Nav::Skip),
                    text => return Ok(Nav::Answer(AnswerValue::One(text.to_owned()), None)),
                }
            },
            QuestionKind::MultiChoice => {
                p.say(self.texts.get("prompt.multi_keys"))?;
                let items: Vec<String> = q.options.iter().map(|o| o.label.get(lang).to_owned()).collect();
                let checked: Vec<bool> = q
                    .options
                    .iter()
                    .map(|o| current.is_some_and(|a| a.value.has(&o.value)))
                    .collect();
                match p.multi_select(prompt, &items, &checked)? {
                    None => Ok(Nav::Back),
                    Some(picked) => Ok(Nav::Answer(
                        AnswerValue::Many(picked.iter().map(|i| q.options[*i].value.clone()).collect()),
                        None,
                    )),
                }
            }
            QuestionKind::YesNo | QuestionKind::Choice | QuestionKind::Assessment => {
                let nav = self.ask_select(q, current, p)?;
                match nav {
                    Nav::Answer(value, _) if q.kind == QuestionKind::Assessment && !value.has(DONT_KNOW) => {
                        let old = current.and_then(|a| a.text.clone()).unwrap_or_default();
                        let text = p.input(self.texts.get("prompt.reflection"), &old, true)?;
                        Ok(Nav::Answer(value, Some(text)))
                    }
                    other => Ok(other),
                }
            }
        }
    }

    fn ask_select(&self, q: &Question, current: Option<&Answer>, p: &mut dyn Prompter) -> io::Result<Nav> {
        let lang = self.texts.lang;
        let mut values: Vec<String> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        match q.kind {
            QuestionKind::YesNo => {
                for v in [YES, NO] {
                    values.push(v.to_owned());
                    items.push(self.texts.get(&format!("answer.{v}")).to_owned());
                }
            }
            QuestionKind::Assessment => {
                for v in LEVELS {
                    values.push(v.to_owned());
                    items.push(self.texts.get(&format!("level.{v}")).to_owned());
                }
            }
            _ => {
                for o in &q.options {
                    values.push(o.value.clone());
                    items.push(o.label.get(lang).to_owned());
                }
            }
        }
        if q.dont_know {
            values.push(DONT_KNOW.to_owned());
            items.push(self.texts.get("answer.dont_know").to_owned());
        }
        let answers = items.len();
        for key in ["menu.help", "menu.back", "menu.quit"] {
            items.push(self.texts.get(key).to_owned());
        }
        let default = current
            .and_then(|a| {
                a.value
                    .values()
                    .first()
                    .and_then(|v| values.iter().position(|x| x == v))
            })
            .unwrap_or(0);
        loop {
            match p.select(q.text.get(lang), &items, default)? {
                None => return Ok(Nav::Back),
                Some(i) if i < answers => return Ok(Nav::Answer(AnswerValue::One(values[i].clone()), None)),
                Some(i) if i == answers => self.help(q, p)?,
                Some(i) if i == answers + 1 => return Ok(Nav::Back),
                Some(_) => return Ok(Nav::Quit),
            }
        }
    }

    fn help(&self, q: &Question, p: &mut dyn Prompter) -> io::Result<()> {
        let mut text = format!("\n{}", q.help.get(self.texts.lang));
        if !q.sources.is_empty() {
            text.push_str(&format!(
                "\n{}: {}",
                self.texts.get("label.sources"),
                q.sources.join("; ")
            ));
        }
        p.say(&format!("{text}\n"))
    }

    fn tell_consequences(&self, q: &Question, s: &Screening, p: &mut dyn Prompter) -> io::Result<()> {
        let mine: Vec<_> = s
            .result
            .actions
            .iter()
            .filter(|a| a.question.as_deref() == Some(q.id.as_str()))
            .collect();
        for a in mine {
            let label = self.texts.get(match a.kind {
                ActionKind::Stop => "kind.stop",
                ActionKind::Task => "kind.task",
                ActionKind::Rule => "kind.rule",
                ActionKind::Consideration => "kind.consideration",
            });
            p.say(&format!("  → {label}: {}", a.text))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Language;
    use crate::model::questionnaire::Questionnaire;
    use crate::prompt::scripted::{Reply, Scripted};
    use crate::questionnaire::store::new_screening;

    fn small() -> Questionnaire {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/questionnaires/small.toml");
        toml::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("parses")
    }

    #[test]
    fn back_at_the_first_question_stays_and_quit_keeps_answers() {
        let q = small();
        let engine = Engine::new(&q);
        let stamp = QuestionnaireStamp {
            version: q.version.clone(),
            hash: super::super::hash::questionnaire_hash(&q),
        };
        let texts = Texts::load(None, Language::Da);
        let mut s = new_screening(&engine, &stamp, "demo", "Demo", None, Language::Da).expect("new");
        let interview = Interview {
            engine: &engine,
            stamp: &stamp,
            texts: &texts,
        };
        let mut p = Scripted::new(vec![
            Reply::Type("<"),
            Reply::Type("?"),
            Reply::Type("Beskrivelse"),
            Reply::Type("en note"),
            Reply::Pick("Tilbage"),
            Reply::Type(""),
            Reply::Type(""),
            Reply::Pick("Dårligt"),
            Reply::Type(""),
            Reply::Pick("Gem og stop"),
        ]);
        let mut saves = 0;
        let finish = interview
            .run(&mut s, &mut p, None, &mut |_| {
                saves += 1;
                Ok(())
            })
            .expect("run");
        assert_eq!(finish, Finish::Quit);
        assert_eq!(s.answers["use_case"].note.as_deref(), Some("en note"));
        assert_eq!(s.answers["fit"].value, AnswerValue::One("poor".into()));
        assert!(saves >= 3, "{saves}");
        let said = p.transcript.join("\n");
        assert!(said.contains("HJÆLPETEKST til use case"), "{said}");
        assert!(
            said.matches("Kan vi? 1/2").count() >= 3,
            "back from the first question stays: {said}"
        );
        assert!(said.contains("Kan vi? 2/2"), "{said}");
    }
}
