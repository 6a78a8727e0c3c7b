//! Meaning checks on a questionnaire: ids, options, dimensions, consequences and every condition (it must
//! compile and read only questions asked before it).

use std::collections::{HashMap, HashSet};

use super::evaluate::allowed_values;
use super::expr::Conditions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::questionnaire::{Question, QuestionKind, Questionnaire};
use crate::model::screening::{Basis, Outcome};
use crate::source::SourceFile;

/// Reports every meaning problem in `q` (parsed from `src`).
pub fn check(q: &Questionnaire, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    let mut c = Checker {
        q,
        src,
        conditions: Conditions::new(),
        index: q
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.as_str(), i))
            .collect(),
        diags,
    };
    c.tracks();
    c.questions();
    check_groups(q, src, &c.index, c.diags);
    let mut known: HashSet<&str> = c.index.keys().copied().collect();
    known.insert("outcome");
    c.flags(&mut known);
    c.derived(&mut known);
    c.rules(&known);
}

/// What every check needs: the questionnaire, its source, the condition compiler and where findings go.
struct Checker<'a, 'd> {
    q: &'a Questionnaire,
    src: &'a SourceFile,
    conditions: Conditions,
    /// Position of each question in the file, by id.
    index: HashMap<&'a str, usize>,
    diags: &'d mut Vec<Diagnostic>,
}

/// Names that conditions may read at each stage, for the message about an unknown one.
const ALL_NAMES: &str = "question ids, flags and derived results";

impl<'a> Checker<'a, '_> {
    fn error(&mut self, pointer: &str, code: &'static str, message: String, hint: &str) {
        self.diags
            .push(Diagnostic::at_pointer(self.src, pointer, Severity::Error, code, message).with_hint(hint.to_owned()));
    }

    fn expr(&mut self, expr: &str, known: &HashSet<&str>, pointer: &str, what: &str) {
        check_expr(&self.conditions, expr, known, self.src, pointer, what, self.diags);
    }

    /// Each track listed once.
    fn tracks(&mut self) {
        let mut seen = HashSet::new();
        for (i, t) in self.q.tracks.iter().enumerate() {
            if !seen.insert(t.id) {
                self.error(
                    &format!("/tracks/{i}/id"),
                    "duplicate-id",
                    format!("track `{}` is listed twice", t.id.as_str()),
                    "list each track once",
                );
            }
        }
    }

    /// Every question in the order it is asked; its condition may read only the questions before it.
    fn questions(&mut self) {
        let mut earlier: HashSet<&str> = HashSet::new();
        let mut seen_ids = HashSet::new();
        for question in self.q.ordered() {
            let i = self.index.get(question.id.as_str()).copied().unwrap_or_default();
            let at = |field: &str| format!("/questions/{i}{field}");
            if !seen_ids.insert(question.id.as_str()) {
                self.error(
                    &at("/id"),
                    "duplicate-id",
                    format!("question id `{}` is used twice", question.id),
                    "question ids must be unique",
                );
            }
            self.options(question, &at(""));
            self.dimension(question, &at("/dimension"));
            self.answers(question, &at(""));
            if let Some(expr) = &question.when {
                self.expr(expr, &earlier, &at("/when"), "questions asked before it");
            }
            earlier.insert(question.id.as_str());
        }
    }

    /// Choice questions have at least two options, each value once; other kinds have none.
    fn options(&mut self, question: &Question, at: &str) {
        let choice = matches!(question.kind, QuestionKind::Choice | QuestionKind::MultiChoice);
        let kind = question.kind.as_str();
        if choice && question.options.len() < 2 {
            self.error(
                &format!("{at}/options"),
                "too-few",
                format!("`{}` is a {kind} question with fewer than 2 options", question.id),
                "add [[questions.options]] entries",
            );
        }
        if !choice && !question.options.is_empty() {
            self.error(
                &format!("{at}/options"),
                "unused-options",
                format!("`{}` is a {kind} question; options are ignored", question.id),
                "remove the options or make it a choice question",
            );
        }
        let mut values = HashSet::new();
        for (j, o) in question.options.iter().enumerate() {
            if !values.insert(o.value.as_str()) {
                self.error(
                    &format!("{at}/options/{j}/value"),
                    "duplicate-id",
                    format!("option `{}` is listed twice", o.value),
                    "option values must be unique within a question",
                );
            }
        }
    }

    /// A dimension must exist, and only single choice questions add weights to one.
    fn dimension(&mut self, question: &Question, pointer: &str) {
        match &question.dimension {
            Some(d) if !self.q.dimensions.iter().any(|x| x.id == *d) => self.error(
                pointer,
                "unknown-dimension",
                format!("dimension `{d}` is not defined"),
                "add it under [[dimensions]] or fix the name",
            ),
            Some(_) if question.kind != QuestionKind::Choice => self.error(
                pointer,
                "dimension-kind",
                "only single choice questions add weights to a dimension".to_owned(),
                "make it a choice question or remove `dimension`",
            ),
            _ => {}
        }
    }

    /// Guidance and consequences name real answers; legal consequences name their source.
    fn answers(&mut self, question: &Question, at: &str) {
        let allowed = allowed_values(question);
        for key in question.guidance.keys() {
            if !allowed.contains(key) {
                self.error(
                    &format!("{at}/guidance"),
                    "unknown-answer",
                    format!("guidance for `{key}`, which is not an answer to `{}`", question.id),
                    &format!("use one of: {}", allowed.join(", ")),
                );
            }
        }
        for (j, c) in question.consequences.iter().enumerate() {
            if c.basis == Basis::Law && c.source.is_none() {
                self.diags.push(unsourced(self.src, &format!("{at}/consequences/{j}")));
            }
            if !allowed.contains(&c.on) {
                let hint = if allowed.is_empty() {
                    "free-text answers cannot trigger consequences".to_owned()
                } else {
                    format!("use one of: {}", allowed.join(", "))
                };
                self.error(
                    &format!("{at}/consequences/{j}/on"),
                    "unknown-answer",
                    format!("`{}` is not an answer to `{}`", c.on, question.id),
                    &hint,
                );
            }
        }
    }

    /// Flags have names of their own and read questions and earlier flags.
    fn flags(&mut self, known: &mut HashSet<&'a str>) {
        let derived = self.q.derive.conditions().map(|(name, _)| name);
        let mut flag_ids = HashSet::new();
        for (i, f) in self.q.flags.iter().enumerate() {
            let pointer = format!("/flags/{i}");
            let id = f.id.as_str();
            if known.contains(id) || derived.contains(&id) || !flag_ids.insert(id) {
                self.error(
                    &format!("{pointer}/id"),
                    "duplicate-id",
                    format!("flag `{id}` has the name of a question, a derived result or an earlier flag"),
                    "give every flag its own name",
                );
            }
            self.expr(
                &f.when,
                known,
                &format!("{pointer}/when"),
                "question ids and earlier flags",
            );
            known.insert(id);
        }
    }

    /// Each derived result's rules read questions, flags and earlier results, and end with a default.
    fn derived(&mut self, known: &mut HashSet<&'a str>) {
        for (name, rules) in self.q.derive.conditions() {
            for (i, when) in rules.iter().enumerate() {
                if let Some(expr) = when {
                    let pointer = format!("/derive/{name}/{i}/when");
                    self.expr(expr, known, &pointer, "question ids, flags and earlier results");
                }
            }
            if rules.last().is_some_and(Option::is_some) {
                self.error(
                    &format!("/derive/{name}"),
                    "no-default",
                    format!("the last `derive.{name}` rule has a condition, so no rule may hold"),
                    "end the list with a rule without `when` (the default)",
                );
            }
            known.insert(name);
        }
    }

    /// Sign-off rules, combinations and actions read everything; combinations only hold a track back.
    fn rules(&mut self, known: &HashSet<&str>) {
        for (i, r) in self.q.derive.required_signoffs.iter().enumerate() {
            self.expr(
                &r.when,
                known,
                &format!("/derive/required_signoffs/{i}/when"),
                ALL_NAMES,
            );
        }
        let mut combination_ids = HashSet::new();
        for (i, c) in self.q.combinations.iter().enumerate() {
            let pointer = format!("/combinations/{i}");
            self.expr(&c.when, known, &format!("{pointer}/when"), ALL_NAMES);
            if !combination_ids.insert(c.id.as_str()) {
                self.error(
                    &format!("{pointer}/id"),
                    "duplicate-id",
                    format!("combination `{}` is listed twice", c.id),
                    "give every combination its own id",
                );
            }
            if c.outcome == Outcome::Approved {
                self.error(
                    &format!("{pointer}/outcome"),
                    "approving-combination",
                    format!(
                        "combination `{}` would set the track to approved, which is the default",
                        c.id
                    ),
                    "use `undecided` or `refused`",
                );
            }
        }
        for (i, a) in self.q.actions.iter().enumerate() {
            let pointer = format!("/actions/{i}");
            self.expr(&a.when, known, &format!("{pointer}/when"), ALL_NAMES);
            if a.basis == Basis::Law && a.source.is_none() {
                self.diags.push(unsourced(self.src, &pointer));
            }
        }
    }
}

/// A legal duty should name the provision it rests on (a warning, so questionnaires written before `basis`
/// existed still load).
fn unsourced(src: &SourceFile, pointer: &str) -> Diagnostic {
    Diagnostic::at_pointer(
        src,
        pointer,
        Severity::Warning,
        "law-without-source",
        "a legal duty (basis `law`, the default) must name its source",
    )
    .with_hint("add `source = \"…\"` with the law and article, or set `basis = \"policy\"` or `\"guidance\"`")
}

/// Groups: unique ids, and every question's group exists in the question's own track.
fn check_groups(q: &Questionnaire, src: &SourceFile, index: &HashMap<&str, usize>, diags: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for (i, g) in q.groups.iter().enumerate() {
        if !seen.insert(g.id.as_str()) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &format!("/groups/{i}/id"),
                    Severity::Error,
                    "duplicate-id",
                    format!("group `{}` is listed twice", g.id),
                )
                .with_hint("give every group its own id"),
            );
        }
    }
    for question in &q.questions {
        let Some(gid) = &question.group else { continue };
        let i = index.get(question.id.as_str()).copied().unwrap_or_default();
        let problem = match q.group(gid) {
            None => Some(format!("group `{gid}` is not defined")),
            Some(g) if g.track != question.track => Some(format!(
                "group `{gid}` belongs to track `{}`, but `{}` is in track `{}`",
                g.track.as_str(),
                question.id,
                question.track.as_str()
            )),
            Some(_) => None,
        };
        if let Some(message) = problem {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &format!("/questions/{i}/group"),
                    Severity::Error,
                    "unknown-group",
                    message,
                )
                .with_hint("add it under [[groups]] with the question's track, or fix the name"),
            );
        }
    }
}

fn check_expr(
    conditions: &Conditions,
    expr: &str,
    known: &HashSet<&str>,
    src: &SourceFile,
    pointer: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    match conditions.variables(expr) {
        Err(e) => diags.push(
            Diagnostic::at_pointer(src, pointer, Severity::Error, "bad-condition", format!("{e}"))
                .with_hint("write a minijinja expression such as `personal_data == \"yes\"`"),
        ),
        Ok(vars) => {
            let mut unknown: Vec<String> = vars.into_iter().filter(|v| !known.contains(v.as_str())).collect();
            unknown.sort();
            for v in unknown {
                diags.push(
                    Diagnostic::at_pointer(
                        src,
                        pointer,
                        Severity::Error,
                        "unknown-variable",
                        format!("the condition reads `{v}`, which is not one of the {what}"),
                    )
                    .with_hint(
                        "conditions may only use answers that are known at that point; check the id and the order",
                    ),
                );
            }
        }
    }
}
