//! Capturing a user journey interactively, section by section, saving after every section. Like the screening,
//! every line takes `?` (help), `<` (back to the previous section) and `!` (save and stop, to go on later); a
//! complete journey offers to edit a chosen section instead.

use std::io;

use super::texts::Texts;
use crate::fsutil::write_atomic;
use crate::model::journey::{
    self, Example, Journey, JourneyStatus, Persona, Risk, SourceKind, SourceMaterial, SuccessCriterion,
};
use crate::prompt::Prompter;
use crate::workspace::Workspace;

/// First line of every journey file.
const HEADER: &str = "# User journey, written by `aispec journey`; edit freely, then run `aispec validate`.\n";

/// Sets `status` from the sections filled in.
pub fn update_status(j: &mut Journey) {
    j.status = if j.missing_sections().is_empty() {
        JourneyStatus::Complete
    } else {
        JourneyStatus::Draft
    };
}

/// Writes `screenings/<id>/journey.toml` atomically; returns the workspace-relative path.
pub fn save(ws: &Workspace, j: &Journey) -> anyhow::Result<std::path::PathBuf> {
    let rel = journey::path(&j.id);
    let text = format!("{HEADER}{}", toml::to_string_pretty(j)?);
    write_atomic(&ws.path(&rel), text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", rel.display()))?;
    Ok(rel)
}

/// The sections of a journey, in the order they are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The journey's title.
    Title,
    /// The department whose staff make the journey.
    Department,
    /// Who the users are.
    Personas,
    /// What makes a user start.
    Trigger,
    /// How the work is done today.
    StepsToday,
    /// How it is done with the specialist.
    StepsWith,
    /// What is hard today.
    PainPoints,
    /// Source material.
    Sources,
    /// Questions users ask, with what a good answer holds.
    Examples,
    /// Measurable success criteria.
    Success,
    /// What could go wrong.
    Risks,
}

impl Section {
    /// Every section, in order.
    pub const ALL: [Section; 11] = [
        Section::Title,
        Section::Department,
        Section::Personas,
        Section::Trigger,
        Section::StepsToday,
        Section::StepsWith,
        Section::PainPoints,
        Section::Sources,
        Section::Examples,
        Section::Success,
        Section::Risks,
    ];

    /// The key of its texts in `templates/ui.toml` (`journey.<key>` is its heading, `journey_help.<key>` its help).
    pub fn key(self) -> &'static str {
        match self {
            Section::Title => "title_heading",
            Section::Department => "department_heading",
            Section::Personas => "personas",
            Section::Trigger => "trigger_heading",
            Section::StepsToday => "steps_today",
            Section::StepsWith => "steps_with",
            Section::PainPoints => "pain_points",
            Section::Sources => "sources",
            Section::Examples => "examples",
            Section::Success => "success",
            Section::Risks => "risks",
        }
    }

    /// True when the journey has nothing in this section.
    pub fn is_empty(self, j: &Journey) -> bool {
        match self {
            Section::Title => j.title.trim().is_empty(),
            Section::Department => j.department.trim().is_empty(),
            Section::Personas => j.personas.is_empty(),
            Section::Trigger => j.trigger.trim().is_empty(),
            Section::StepsToday => j.steps_today.is_empty(),
            Section::StepsWith => j.steps_with_specialist.is_empty(),
            Section::PainPoints => j.pain_points.is_empty(),
            Section::Sources => j.sources.is_empty(),
            Section::Examples => j.examples.is_empty(),
            Section::Success => j.success_criteria.is_empty(),
            Section::Risks => j.risks.is_empty(),
        }
    }
}

/// How an interview ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Nothing more to ask, or the person chose to edit nothing more.
    Done,
    /// The person chose to stop; what was answered is saved.
    Quit,
}

/// What the person did at a prompt.
enum Step<T> {
    /// Gave this.
    Value(T),
    /// `<`: back to the previous section.
    Back,
    /// `!`: save and stop.
    Quit,
}

type Asked<T> = io::Result<Step<T>>;

/// Asks a journey's sections: the empty ones of a draft, or — when every required section is filled in — the
/// sections the person picks to edit. `save` is called after every section.
pub fn interview(
    j: &mut Journey,
    p: &mut dyn Prompter,
    t: &Texts,
    save: &mut dyn FnMut(&Journey) -> anyhow::Result<()>,
) -> anyhow::Result<Finish> {
    if j.missing_sections().is_empty() {
        return edit(j, p, t, save);
    }
    p.say(t.get("journey.intro"))?;
    let mut cursor = Section::ALL.iter().position(|s| s.is_empty(j));
    while let Some(i) = cursor {
        match ask_section(j, Section::ALL[i], p, t)? {
            Step::Quit => {
                save_status(j, save)?;
                return Ok(Finish::Quit);
            }
            Step::Back => cursor = Some(i.saturating_sub(1)),
            Step::Value(()) => {
                save_status(j, save)?;
                cursor = (i + 1..Section::ALL.len()).find(|n| Section::ALL[*n].is_empty(j));
            }
        }
    }
    save_status(j, save)?;
    Ok(Finish::Done)
}

/// A complete journey: the person picks a section to edit, again and again, until they pick "nothing".
fn edit(
    j: &mut Journey,
    p: &mut dyn Prompter,
    t: &Texts,
    save: &mut dyn FnMut(&Journey) -> anyhow::Result<()>,
) -> anyhow::Result<Finish> {
    p.say(t.get("journey.complete"))?;
    let mut items: Vec<String> = Section::ALL
        .iter()
        .map(|s| t.get(&format!("journey.{}", s.key())).to_owned())
        .collect();
    items.push(t.get("journey.edit_nothing").to_owned());
    loop {
        let Some(i) = p.select(t.get("journey.edit_which"), &items, None)? else {
            return Ok(Finish::Done);
        };
        let Some(section) = Section::ALL.get(i).copied() else {
            return Ok(Finish::Done);
        };
        match ask_section(j, section, p, t)? {
            Step::Quit => return Ok(Finish::Quit),
            Step::Back => {}
            Step::Value(()) => save_status(j, save)?,
        }
    }
}

fn save_status(j: &mut Journey, save: &mut dyn FnMut(&Journey) -> anyhow::Result<()>) -> anyhow::Result<()> {
    update_status(j);
    save(j)
}

/// Asks one section, showing what it holds now; the journey changes only when the section is finished.
fn ask_section(j: &mut Journey, section: Section, p: &mut dyn Prompter, t: &Texts) -> Asked<()> {
    p.say(&format!("\n== {} ==", t.get(&format!("journey.{}", section.key()))))?;
    let mut q = Ask { p, t, section };
    let done = match section {
        Section::Title => q
            .line("journey.title", &j.title, true)?
            .map(|v| j.title = v.unwrap_or_default()),
        Section::Department => q
            .line("journey.department", &j.department, true)?
            .map(|v| j.department = v.unwrap_or_default()),
        Section::Trigger => q
            .line("journey.trigger", &j.trigger, true)?
            .map(|v| j.trigger = v.unwrap_or_default()),
        Section::Personas => q.records(&j.personas, ask_persona)?.map(|v| j.personas = v),
        Section::StepsToday => q
            .lines("journey.step_today", &j.steps_today)?
            .map(|v| j.steps_today = v),
        Section::StepsWith => q
            .lines("journey.step_with", &j.steps_with_specialist)?
            .map(|v| j.steps_with_specialist = v),
        Section::PainPoints => q
            .lines("journey.pain_point", &j.pain_points)?
            .map(|v| j.pain_points = v),
        Section::Sources => q.records(&j.sources, ask_source)?.map(|v| j.sources = v),
        Section::Examples => q.records(&j.examples, ask_example)?.map(|v| j.examples = v),
        Section::Success => q
            .records(&j.success_criteria, ask_criterion)?
            .map(|v| j.success_criteria = v),
        Section::Risks => q.records(&j.risks, ask_risk)?.map(|v| j.risks = v),
    };
    Ok(done)
}

impl<T> Step<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Step<U> {
        match self {
            Step::Value(v) => Step::Value(f(v)),
            Step::Back => Step::Back,
            Step::Quit => Step::Quit,
        }
    }
}

/// Asking inside one section: every line understands `?`, `<` and `!`.
struct Ask<'a> {
    p: &'a mut dyn Prompter,
    t: &'a Texts,
    section: Section,
}

impl Ask<'_> {
    /// One line, pre-filled with `initial`; `Value(None)` when left empty. With `required`, an empty line is asked
    /// again.
    fn line(&mut self, key: &str, initial: &str, required: bool) -> Asked<Option<String>> {
        self.line_text(self.t.get(key), initial, required)
    }

    fn line_text(&mut self, prompt: &str, initial: &str, required: bool) -> Asked<Option<String>> {
        let keys = self.t.get("journey.keys");
        loop {
            let text = self.p.input(&format!("{prompt} {keys}"), initial, true)?;
            match text.trim() {
                "?" => self.help()?,
                "<" => return Ok(Step::Back),
                "!" => return Ok(Step::Quit),
                "" if required => self.p.say(self.t.get("journey.required"))?,
                "" => return Ok(Step::Value(None)),
                text => return Ok(Step::Value(Some(text.to_owned()))),
            }
        }
    }

    /// A list of lines, each pre-filled with what the list holds now; an empty line ends it.
    fn lines(&mut self, key: &str, current: &[String]) -> Asked<Vec<String>> {
        let mut out = Vec::new();
        loop {
            let prompt = format!("{} {}", self.t.get(key), out.len() + 1);
            let initial = current.get(out.len()).map_or("", String::as_str);
            match self.line_text(&prompt, initial, false)? {
                Step::Value(Some(line)) => out.push(line),
                Step::Value(None) => return Ok(Step::Value(out)),
                Step::Back => return Ok(Step::Back),
                Step::Quit => return Ok(Step::Quit),
            }
        }
    }

    /// A list of records, each asked by `one` with the current record (if any) to pre-fill from; a record whose
    /// first field is left empty ends the list.
    fn records<T: Clone>(
        &mut self,
        current: &[T],
        one: fn(&mut Ask<'_>, Option<&T>) -> Asked<Option<T>>,
    ) -> Asked<Vec<T>> {
        let mut out = Vec::new();
        loop {
            match one(self, current.get(out.len()))? {
                Step::Value(Some(r)) => out.push(r),
                Step::Value(None) => return Ok(Step::Value(out)),
                Step::Back => return Ok(Step::Back),
                Step::Quit => return Ok(Step::Quit),
            }
        }
    }

    fn help(&mut self) -> io::Result<()> {
        let key = format!("journey_help.{}", self.section.key());
        let help = self.t.get(&key).to_owned();
        self.p.say(&format!("\n{help}\n"))
    }
}

/// Runs `$ask` and returns early from the enclosing record function on back or quit.
macro_rules! field {
    ($ask:expr) => {
        match $ask? {
            Step::Value(v) => v,
            Step::Back => return Ok(Step::Back),
            Step::Quit => return Ok(Step::Quit),
        }
    };
}

fn ask_persona(q: &mut Ask<'_>, old: Option<&Persona>) -> Asked<Option<Persona>> {
    let Some(role) = field!(q.line("journey.persona_role", old.map_or("", |o| &o.role), false)) else {
        return Ok(Step::Value(None));
    };
    let need = field!(q.line("journey.persona_need", old.map_or("", |o| &o.need), true)).unwrap_or_default();
    Ok(Step::Value(Some(Persona { role, need })))
}

fn ask_example(q: &mut Ask<'_>, old: Option<&Example>) -> Asked<Option<Example>> {
    let Some(question) = field!(q.line("journey.example_question", old.map_or("", |o| &o.question), false)) else {
        return Ok(Step::Value(None));
    };
    let good_answer =
        field!(q.line("journey.example_answer", old.map_or("", |o| &o.good_answer), true)).unwrap_or_default();
    Ok(Step::Value(Some(Example { question, good_answer })))
}

fn ask_criterion(q: &mut Ask<'_>, old: Option<&SuccessCriterion>) -> Asked<Option<SuccessCriterion>> {
    let Some(criterion) = field!(q.line("journey.criterion", old.map_or("", |o| &o.criterion), false)) else {
        return Ok(Step::Value(None));
    };
    let measure = field!(q.line("journey.measure", old.map_or("", |o| &o.measure), true)).unwrap_or_default();
    Ok(Step::Value(Some(SuccessCriterion { criterion, measure })))
}

fn ask_risk(q: &mut Ask<'_>, old: Option<&Risk>) -> Asked<Option<Risk>> {
    let Some(risk) = field!(q.line("journey.risk", old.map_or("", |o| &o.risk), false)) else {
        return Ok(Step::Value(None));
    };
    let old_mitigation = old.and_then(|o| o.mitigation.as_deref()).unwrap_or("");
    let mitigation = field!(q.line("journey.mitigation", old_mitigation, false));
    Ok(Step::Value(Some(Risk { risk, mitigation })))
}

fn ask_source(q: &mut Ask<'_>, old: Option<&SourceMaterial>) -> Asked<Option<SourceMaterial>> {
    let Some(title) = field!(q.line("journey.source_title", old.map_or("", |o| &o.title), false)) else {
        return Ok(Step::Value(None));
    };
    let kinds: Vec<String> = SourceKind::ALL
        .iter()
        .map(|k| q.t.get(&format!("source_kind.{}", k.as_str())).to_owned())
        .collect();
    let current = old.and_then(|o| SourceKind::ALL.iter().position(|k| *k == o.kind));
    let Some(kind) = q.p.select(q.t.get("journey.source_kind"), &kinds, current)? else {
        return Ok(Step::Back);
    };
    let kind = SourceKind::ALL.get(kind).copied().unwrap_or(SourceKind::Other);
    let location = field!(q.line("journey.source_location", old.map_or("", |o| &o.location), true)).unwrap_or_default();
    let owner = field!(q.line("journey.source_owner", old.map_or("", |o| &o.owner), true)).unwrap_or_default();
    let old_date = old.and_then(|o| o.last_updated.as_deref()).unwrap_or("");
    let last_updated = loop {
        match field!(q.line("journey.source_updated", old_date, false)) {
            None => break None,
            Some(d) if chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").is_ok() => break Some(d),
            Some(_) => q.p.say(q.t.get("journey.bad_date"))?,
        }
    };
    Ok(Step::Value(Some(SourceMaterial {
        title,
        kind,
        location,
        owner,
        last_updated,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Language;
    use crate::prompt::scripted::{Reply, Scripted};

    fn run(j: &mut Journey, replies: Vec<Reply>) -> (Finish, Scripted, usize) {
        let t = Texts::load(None, Language::Da);
        let mut p = Scripted::new(replies);
        let mut saves = 0;
        let finish = interview(j, &mut p, &t, &mut |_| {
            saves += 1;
            Ok(())
        })
        .expect("interview");
        (finish, p, saves)
    }

    #[test]
    fn captures_every_section_and_saves_as_it_goes() {
        let mut j = Journey::new("demo", "");
        let replies = vec![
            Reply::Type("Demo-rejse"),
            Reply::Type("Digitalisering"),
            Reply::Type("Sagsbehandler"),
            Reply::Type("Hurtige svar"),
            Reply::Type(""),
            Reply::Type("Et spørgsmål fra en borger"),
            Reply::Type("Slår op i vejledningen"),
            Reply::Type(""),
            Reply::Type("Spørger specialisten"),
            Reply::Type(""),
            Reply::Type("Vejledningen er lang"),
            Reply::Type(""),
            Reply::Type("Vejledning om X"),
            Reply::Pick("PDF"),
            Reply::Type("https://intra.example/x.pdf"),
            Reply::Type("Team X"),
            Reply::Type("2025-13-01"),
            Reply::Type("2025-11-01"),
            Reply::Type(""),
            Reply::Type("Hvad siger vejledningen om X?"),
            Reply::Type("Nævner reglen om X og henviser til vejledningen."),
            Reply::Type(""),
            Reply::Type("Kortere svartid"),
            Reply::Type("Under 2 minutter pr. spørgsmål efter 3 måneder"),
            Reply::Type(""),
            Reply::Type("Forkerte svar"),
            Reply::Type("Svar viser altid kilden"),
            Reply::Type(""),
        ];
        let (finish, p, saves) = run(&mut j, replies);
        assert_eq!(finish, Finish::Done);
        assert_eq!(j.status, JourneyStatus::Complete);
        assert_eq!(j.personas.len(), 1);
        assert_eq!(j.steps_today, ["Slår op i vejledningen"]);
        assert_eq!(j.sources[0].kind, SourceKind::Pdf);
        assert_eq!(j.sources[0].last_updated.as_deref(), Some("2025-11-01"));
        assert_eq!(j.examples[0].question, "Hvad siger vejledningen om X?");
        assert_eq!(j.risks[0].mitigation.as_deref(), Some("Svar viser altid kilden"));
        assert!(saves >= 11, "saved after each section: {saves}");
        assert!(
            p.transcript.iter().any(|l| l.contains("ÅÅÅÅ-MM-DD")),
            "bad dates are explained"
        );
    }

    #[test]
    fn help_back_and_quit_are_never_saved_as_answers() {
        let mut j = Journey::new("demo", "Demo");
        let replies = vec![
            // Department: help, then an answer.
            Reply::Type("?"),
            Reply::Type("Digitalisering"),
            // Personas: back to the department, which keeps its answer (Enter), then a persona.
            Reply::Type("<"),
            Reply::Type(""),
            Reply::Type("Sagsbehandler"),
            Reply::Type("?"),
            Reply::Type("Hurtige svar"),
            Reply::Type(""),
            // Trigger: save and stop.
            Reply::Type("!"),
        ];
        let (finish, p, saves) = run(&mut j, replies);
        assert_eq!(finish, Finish::Quit);
        assert_eq!(j.department, "Digitalisering");
        assert_eq!(
            j.personas,
            [Persona {
                role: "Sagsbehandler".into(),
                need: "Hurtige svar".into()
            }]
        );
        assert_eq!(j.trigger, "", "`!` is not an answer");
        assert_eq!(j.status, JourneyStatus::Draft);
        assert!(saves >= 3, "{saves}");
        let said = p.transcript.join("\n");
        assert!(
            said.contains("Den afdeling, hvis medarbejdere"),
            "help for the department: {said}"
        );
        assert_eq!(
            said.matches("== Afdeling ==").count(),
            2,
            "back went to the department: {said}"
        );
        assert!(!said.contains("== Titel =="), "a filled-in title is not asked: {said}");
    }

    #[test]
    fn a_complete_journey_offers_to_edit_a_chosen_section() {
        let mut j: Journey = toml::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/generation/affaldsguide.journey.toml"
            ))
            .expect("fixture"),
        )
        .expect("journey");
        let before = j.clone();
        let replies = vec![
            Reply::Pick("Udløser"),
            Reply::Type("En borger har et spørgsmål om affald."),
            Reply::Pick("Intet"),
        ];
        let (finish, p, saves) = run(&mut j, replies);
        assert_eq!(finish, Finish::Done);
        assert_eq!(j.trigger, "En borger har et spørgsmål om affald.");
        assert_eq!(j.examples, before.examples, "other sections stay as they were");
        assert_eq!(saves, 1);
        assert!(
            p.transcript.iter().any(|l| l.contains("Brugerrejsen er færdig")),
            "{:?}",
            p.transcript
        );
    }
}
