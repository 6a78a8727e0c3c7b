//! The interactive screening: one question at a time with progress, help, going back, "don't know" and a
//! note; the screening is saved after every answer, so stopping (or Ctrl-C) loses nothing.

use std::io;

use super::Engine;
use super::evaluate::LEVELS;
use super::store::{refresh, set_answer};
use super::texts::Texts;
use crate::model::questionnaire::{DONT_KNOW, NO, Question, QuestionKind, YES};
use crate::model::screening::{ActionKind, Answer, AnswerValue, QuestionnaireStamp, Reason, ReasonKind, Screening};
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
        let mut shown_group = None;
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
                shown_group = None;
            }
            if q.group.is_some() && q.group != shown_group {
                if let Some(g) = q.group.as_deref().and_then(|g| self.engine.questionnaire.group(g)) {
                    p.say(&format!("\n-- {} --", g.title.get(lang)))?;
                }
                shown_group = q.group.clone();
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
                    if !self.confirm_stop(s, q, &value, p)? {
                        continue;
                    }
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

    /// When `value` would stop the use case, says why and asks whether to save it; true when it may be saved.
    fn confirm_stop(
        &self,
        s: &Screening,
        q: &Question,
        value: &AnswerValue,
        p: &mut dyn Prompter,
    ) -> anyhow::Result<bool> {
        let mut trial = s.clone();
        set_answer(self.engine, &mut trial, &q.id, value.clone(), None, None);
        let result = self.engine.evaluate(&trial.answers, self.texts.lang)?.result;
        let stops: Vec<&Reason> = result
            .why
            .values()
            .flatten()
            .filter(|r| r.kind == ReasonKind::Stop && r.questions.contains(&q.id))
            .collect();
        if stops.is_empty() {
            return Ok(true);
        }
        for r in &stops {
            p.say(&format!(
                "  ⛔ {}",
                self.texts.fill("confirm.stop", &[("text", &r.text)])
            ))?;
        }
        let items = [
            self.texts.get("confirm.yes").to_owned(),
            self.texts.get("confirm.no").to_owned(),
        ];
        Ok(p.select(self.texts.get("confirm.question"), &items, None)? == Some(0))
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
            QuestionKind::MultiChoice => self.ask_multi(q, current, p),
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

    /// Any number of options (legacy ones are not offered); "don't know" is its own item. Nothing is checked
    /// beforehand, and confirming with nothing checked asks again.
    fn ask_multi(&self, q: &Question, current: Option<&Answer>, p: &mut dyn Prompter) -> io::Result<Nav> {
        let lang = self.texts.lang;
        let offered: Vec<&crate::model::questionnaire::Choice> = q.options.iter().filter(|o| !o.legacy).collect();
        let mut items: Vec<String> = offered.iter().map(|o| o.label.get(lang).to_owned()).collect();
        if q.dont_know {
            items.push(self.texts.get("answer.dont_know").to_owned());
        }
        self.show_current(q, current, p)?;
        loop {
            p.say(self.texts.get("prompt.multi_keys"))?;
            let Some(picked) = p.multi_select(q.text.get(lang), &items, &vec![false; items.len()])? else {
                return Ok(Nav::Back);
            };
            if picked.contains(&offered.len()) {
                if picked.len() == 1 {
                    return Ok(Nav::Answer(AnswerValue::One(DONT_KNOW.to_owned()), None));
                }
                p.say(self.texts.get("prompt.dont_know_alone"))?;
                continue;
            }
            if picked.is_empty() {
                p.say(self.texts.get("prompt.pick_one"))?;
                continue;
            }
            let values = picked
                .iter()
                .filter_map(|i| offered.get(*i))
                .map(|o| o.value.clone())
                .collect();
            return Ok(Nav::Answer(AnswerValue::Many(values), None));
        }
    }

    /// Tells the person the current answer, since none is pre-selected.
    fn show_current(&self, q: &Question, current: Option<&Answer>, p: &mut dyn Prompter) -> io::Result<()> {
        if let Some(a) = current {
            let answer = super::report::answer_label(q, a, self.texts);
            p.say(&self.texts.fill("label.current_answer", &[("answer", &answer)]))?;
        }
        Ok(())
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
                for o in q.options.iter().filter(|o| !o.legacy) {
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
        self.show_guidance(q, p)?;
        self.show_current(q, current, p)?;
        loop {
            // No item is pre-selected: an accidental Enter must never record an answer.
            match p.select(q.text.get(lang), &items, None)? {
                None => return Ok(Nav::Back),
                Some(i) if i < answers => return Ok(Nav::Answer(AnswerValue::One(values[i].clone()), None)),
                Some(i) if i == answers => self.help(q, p)?,
                Some(i) if i == answers + 1 => return Ok(Nav::Back),
                Some(_) => return Ok(Nav::Quit),
            }
        }
    }

    /// For assessments: what each level means for this question.
    fn show_guidance(&self, q: &Question, p: &mut dyn Prompter) -> io::Result<()> {
        if q.guidance.is_empty() {
            return Ok(());
        }
        let mut text = format!("{}:", self.texts.get("label.guidance"));
        for level in LEVELS {
            if let Some(g) = q.guidance.get(level) {
                text.push_str(&format!(
                    "\n  {}: {}",
                    self.texts.get(&format!("level.{level}")),
                    g.get(self.texts.lang)
                ));
            }
        }
        p.say(&text)
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

    /// Runs an interview over a new screening of `q` with `replies`; the screening and what was said.
    fn interview(q: &Questionnaire, replies: Vec<Reply>) -> (Finish, Screening, Scripted, usize) {
        let engine = Engine::new(q);
        let stamp = QuestionnaireStamp {
            version: q.version.clone(),
            hash: super::super::hash::questionnaire_hash(q),
        };
        let texts = Texts::load(None, Language::Da);
        let mut s = new_screening(&engine, &stamp, "demo", "Demo", None, Language::Da).expect("new");
        let interview = Interview {
            engine: &engine,
            stamp: &stamp,
            texts: &texts,
        };
        let mut p = Scripted::new(replies);
        let mut saves = 0;
        let finish = interview
            .run(&mut s, &mut p, None, &mut |_| {
                saves += 1;
                Ok(())
            })
            .expect("run");
        (finish, s, p, saves)
    }

    #[test]
    fn back_at_the_first_question_stays_and_quit_keeps_answers() {
        let (finish, s, p, saves) = interview(
            &small(),
            vec![
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
            ],
        );
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

    /// A questionnaire with a multi-choice question (one legacy option), a grouped assessment with guidance and
    /// a stop.
    fn grouped() -> Questionnaire {
        let text = r#"
version = "0.1.0"
title = { da = "t", en = "t" }
[[tracks]]
id = "law"
title = { da = "Må vi?", en = "May we?" }
intro = { da = "Jura.", en = "Law." }
[[tracks]]
id = "ethics"
title = { da = "Bør vi?", en = "Should we?" }
intro = { da = "Etik.", en = "Ethics." }
[[groups]]
id = "citizens"
track = "ethics"
title = { da = "Borgerne", en = "Citizens" }
[[questions]]
id = "area"
track = "law"
kind = "multi-choice"
dont_know = true
text = { da = "Område?", en = "Area?" }
help = { da = "h", en = "h" }
options = [
  { value = "none", label = { da = "Ingen", en = "None" } },
  { value = "benefits", label = { da = "Ydelser", en = "Benefits" } },
  { value = "old", legacy = true, label = { da = "Gammelt svar", en = "Old answer" } },
]
consequences = [{ on = "benefits", kind = "stop", text = { da = "Ikke her.", en = "Not here." }, source = "x" }]
[[questions]]
id = "fair"
track = "ethics"
group = "citizens"
kind = "assessment"
text = { da = "Retfærdigt?", en = "Fair?" }
help = { da = "h", en = "h" }
guidance = { high = { da = "VEJLEDNING HØJ", en = "GUIDANCE HIGH" }, low = { da = "VEJLEDNING LAV", en = "GUIDANCE LOW" } }
[[derive.ai_act_category]]
value = "minimal"
"#;
        toml::from_str(&format!("{text}{}", crate::questionnaire::tests::LATER_RESULTS)).expect("parses")
    }

    #[test]
    fn multi_choice_needs_a_pick_stops_are_confirmed_and_groups_show_guidance() {
        let (finish, s, p, _) = interview(
            &grouped(),
            vec![
                // Enter with nothing checked is not an answer; neither is "don't know" with another answer.
                Reply::Check(vec![]),
                Reply::Check(vec!["Ydelser", "Ved ikke"]),
                // A stopping answer is confirmed first; "no" asks again.
                Reply::Check(vec!["Ydelser"]),
                Reply::Pick("Nej, vælg et andet svar"),
                Reply::Check(vec!["Ingen"]),
                Reply::Type(""),
                Reply::Pick("Lav bekymring"),
                Reply::Type("Ingen grupper rammes."),
                Reply::Type(""),
            ],
        );
        assert_eq!(finish, Finish::Done);
        assert_eq!(s.answers["area"].value, AnswerValue::Many(vec!["none".into()]));
        assert!(s.result.stops.is_empty());
        let said = p.transcript.join("\n");
        assert!(said.contains("Vælg mindst én mulighed"), "{said}");
        assert!(said.contains("\"Ved ikke\" kan ikke kombineres"), "{said}");
        assert!(said.contains("Dette svar stopper use casen: Ikke her."), "{said}");
        assert!(said.contains("  · Ydelser"), "{said}");
        assert!(!said.contains("Gammelt svar"), "legacy options are not offered: {said}");
        assert!(said.contains("-- Borgerne --"), "{said}");
        assert!(said.contains("Høj bekymring: VEJLEDNING HØJ"), "{said}");
    }
}
