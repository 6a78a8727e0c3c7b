//! Which questions are asked, and what the answers lead to: per-track outcomes with their reasons, Kan vi?
//! scores, flags, derived results, combination rules and the action list.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use minijinja::Value;

use super::expr::{Conditions, ExprError, Scope};
use super::hash::question_hash;
use super::why::Accumulator;
use crate::model::config::Language;
use crate::model::questionnaire::{DONT_KNOW, NO, Question, QuestionKind, Questionnaire, Rule, YES};
use crate::model::screening::{
    Action, ActionKind, Answer, AnswerValue, DimensionScore, Outcome, Reason, ReasonKind, ScreeningResult, Stop, Track,
};

/// Assessment levels, from most to least serious.
pub const LEVELS: [&str; 4] = ["high", "medium", "low", "not-relevant"];

/// A condition in the questionnaire failed while evaluating answers.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{at}: {source}")]
pub struct EvalError {
    /// Where in the questionnaire (question id or derive rule).
    pub at: String,
    /// What failed.
    #[source]
    pub source: ExprError,
}

/// The questionnaire ready to evaluate answers against.
pub struct Engine<'q> {
    /// The questionnaire.
    pub questionnaire: &'q Questionnaire,
    order: Vec<&'q Question>,
    hashes: HashMap<&'q str, String>,
    conditions: Conditions,
    /// The question ids each flag reads, directly or through earlier flags.
    flag_questions: HashMap<String, BTreeSet<String>>,
}

/// What evaluating a set of answers gives.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The results.
    pub result: ScreeningResult,
    /// Ids of the questions asked, in order.
    pub asked: Vec<String>,
    /// Ids of answered questions that are not asked (hidden by a condition, or removed).
    pub inactive: Vec<String>,
    /// Ids of asked questions whose answer was given to different wording or options.
    pub stale: Vec<String>,
}

impl<'q> Engine<'q> {
    /// Prepares `questionnaire` (hashes every question once).
    pub fn new(questionnaire: &'q Questionnaire) -> Self {
        let order = questionnaire.ordered();
        let hashes = order.iter().map(|q| (q.id.as_str(), question_hash(q))).collect();
        let mut engine = Engine {
            questionnaire,
            order,
            hashes,
            conditions: Conditions::new(),
            flag_questions: HashMap::new(),
        };
        for f in &questionnaire.flags {
            let reads = engine.questions_of(&f.when);
            engine.flag_questions.insert(f.id.clone(), reads.into_iter().collect());
        }
        engine
    }

    /// Questions in asking order.
    pub fn order(&self) -> &[&'q Question] {
        &self.order
    }

    /// The current hash of a question.
    pub fn hash(&self, id: &str) -> &str {
        self.hashes.get(id).map_or("", String::as_str)
    }

    /// The conditions engine.
    pub fn conditions(&self) -> &Conditions {
        &self.conditions
    }

    /// The question ids a condition reads, directly or through flags, sorted.
    pub fn questions_of(&self, expr: &str) -> Vec<String> {
        let Ok(vars) = self.conditions.variables(expr) else {
            return Vec::new();
        };
        let mut out = BTreeSet::new();
        for v in vars {
            if self.questionnaire.question(&v).is_some() {
                out.insert(v);
            } else if let Some(qs) = self.flag_questions.get(&v) {
                out.extend(qs.iter().cloned());
            }
        }
        out.into_iter().collect()
    }

    /// True when `answer` was given to the question as it is now and has an allowed value.
    pub fn is_current(&self, q: &Question, answer: &Answer) -> bool {
        answer.question_hash == self.hash(&q.id) && check_value(q, &answer.value).is_ok()
    }

    /// The questions asked given these answers, in order. A question is asked when its condition holds over
    /// the current answers to the questions asked before it.
    pub fn asked(&self, answers: &BTreeMap<String, Answer>) -> Result<Vec<&'q Question>, EvalError> {
        let mut scope = Scope::new();
        let mut asked = Vec::new();
        for q in &self.order {
            let shown = match &q.when {
                None => true,
                Some(expr) => self.holds(&format!("question `{}`", q.id), expr, &scope)?,
            };
            if !shown {
                continue;
            }
            asked.push(*q);
            if let Some(a) = answers.get(&q.id).filter(|a| self.is_current(q, a)) {
                scope.insert(q.id.clone(), scope_value(q, &a.value));
            }
        }
        Ok(asked)
    }

    /// Evaluates the answers: outcomes and their reasons, scores, derived results and actions, with texts in
    /// `lang`.
    pub fn evaluate(&self, answers: &BTreeMap<String, Answer>, lang: Language) -> Result<Evaluation, EvalError> {
        let asked = self.asked(answers)?;
        let mut scope = Scope::new();
        let mut acc = Accumulator::new(lang);
        self.record_answers(&asked, answers, &mut scope, &mut acc);
        let asked_ids: BTreeSet<&str> = asked.iter().map(|q| q.id.as_str()).collect();
        let inactive = answers
            .keys()
            .filter(|id| !asked_ids.contains(id.as_str()))
            .cloned()
            .collect();

        let scores = self.scores(&asked, answers);
        acc.scores(
            &scores,
            &self.contributions(&asked, answers),
            &self.dimension_titles(lang),
        );
        // Conditions may read the outcome of the answers themselves (stops, open points, scores); combinations
        // and rule stops come after the derived results, so they are not part of it.
        scope.insert("outcome".to_owned(), Value::from(overall(&acc).as_str()));
        self.flags(&mut scope)?;
        let rules = &self.questionnaire.derive;
        let ai_act_category = self.first("ai_act_category", &rules.ai_act_category, &mut scope)?;
        let dpia = self.first("dpia", &rules.dpia, &mut scope)?;
        let data_classification = self.first("data_classification", &rules.data_classification, &mut scope)?;
        let allowed_hosting = self.first("allowed_hosting", &rules.allowed_hosting, &mut scope)?;
        let mut required_signoffs = BTreeSet::new();
        for (i, r) in rules.required_signoffs.iter().enumerate() {
            if self.holds(&format!("derive.required_signoffs[{i}]"), &r.when, &scope)? {
                required_signoffs.insert(r.role.clone());
            }
        }
        self.combinations(&scope, &mut acc, lang)?;
        self.actions(&scope, &mut acc, lang)?;
        acc.mark_open_points_that_hold_a_track();

        let tracks = acc.tracks();
        let outcome = Track::ALL
            .iter()
            .map(|t| tracks.get(*t))
            .max()
            .unwrap_or(Outcome::Approved);
        let why = acc.why();
        let result = ScreeningResult {
            outcome,
            tracks,
            ai_act_category,
            dpia,
            data_classification,
            allowed_hosting,
            required_signoffs: required_signoffs.into_iter().collect(),
            scores,
            actions: acc.actions,
            stops: acc.stops,
            unanswered: acc.unanswered,
            open_points: acc.open_points,
            why,
        };
        Ok(Evaluation {
            result,
            asked: asked.iter().map(|q| q.id.clone()).collect(),
            inactive,
            stale: acc.stale,
        })
    }

    /// Current answers go into the scope and the accumulator; stale and missing ones count as unanswered.
    fn record_answers(
        &self,
        asked: &[&Question],
        answers: &BTreeMap<String, Answer>,
        scope: &mut Scope,
        acc: &mut Accumulator,
    ) {
        for q in asked {
            match answers.get(&q.id) {
                Some(a) if self.is_current(q, a) => {
                    scope.insert(q.id.clone(), scope_value(q, &a.value));
                    acc.answered(q, a);
                }
                Some(_) => {
                    acc.stale.push(q.id.clone());
                    acc.missing(q);
                }
                None => acc.missing(q),
            }
        }
    }

    /// Each flag in order, readable by the flags and rules after it.
    fn flags(&self, scope: &mut Scope) -> Result<(), EvalError> {
        for (i, f) in self.questionnaire.flags.iter().enumerate() {
            let value = self.holds(&format!("flags[{i}] `{}`", f.id), &f.when, scope)?;
            scope.insert(f.id.clone(), Value::from(value));
        }
        Ok(())
    }

    fn combinations(&self, scope: &Scope, acc: &mut Accumulator, lang: Language) -> Result<(), EvalError> {
        for (i, c) in self.questionnaire.combinations.iter().enumerate() {
            if !self.holds(&format!("combinations[{i}] `{}`", c.id), &c.when, scope)? {
                continue;
            }
            let reason = Reason {
                kind: ReasonKind::Combination,
                outcome: c.outcome,
                questions: self.questions_of(&c.when),
                text: c.text.get(lang).to_owned(),
                score: None,
                threshold: None,
                rule: Some(c.id.clone()),
                source: None,
                change: c.change.get(lang).to_owned(),
            };
            acc.reason(c.track, reason);
        }
        Ok(())
    }

    /// Actions that follow from the derived results; a `stop` among them refuses its track.
    fn actions(&self, scope: &Scope, acc: &mut Accumulator, lang: Language) -> Result<(), EvalError> {
        for (i, a) in self.questionnaire.actions.iter().enumerate() {
            if !self.holds(&format!("actions[{i}]"), &a.when, scope)? {
                continue;
            }
            let text = a.text.get(lang).to_owned();
            if a.kind == ActionKind::Stop {
                let rule = a.id.clone().unwrap_or_else(|| format!("actions[{i}]"));
                let questions = self.questions_of(&a.when);
                acc.stops.push(Stop {
                    question: None,
                    rule: Some(rule.clone()),
                    text: text.clone(),
                    source: a.source.clone(),
                });
                let reason = Reason {
                    kind: ReasonKind::Stop,
                    outcome: Outcome::Refused,
                    change: acc.rule_stop_change(&questions),
                    questions,
                    text: text.clone(),
                    score: None,
                    threshold: None,
                    rule: Some(rule),
                    source: a.source.clone(),
                };
                acc.reason(a.track.unwrap_or(Track::Law), reason);
            }
            acc.push_action(Action {
                kind: a.kind,
                text,
                source: a.source.clone(),
                question: None,
                basis: Some(a.basis),
                applies_from: a.applies_from.clone(),
                lawyer: a.lawyer,
            });
        }
        Ok(())
    }

    fn holds(&self, at: &str, expr: &str, scope: &Scope) -> Result<bool, EvalError> {
        self.conditions.holds(expr, scope).map_err(|source| EvalError {
            at: at.to_owned(),
            source,
        })
    }

    /// The value of the first rule that holds; it is added to the scope under `name`.
    fn first<T: Clone + serde::Serialize>(
        &self,
        name: &str,
        rules: &[Rule<T>],
        scope: &mut Scope,
    ) -> Result<T, EvalError> {
        for (i, r) in rules.iter().enumerate() {
            let hit = match &r.when {
                None => true,
                Some(expr) => self.holds(&format!("derive.{name}[{i}]"), expr, scope)?,
            };
            if hit {
                scope.insert(name.to_owned(), Value::from(minijinja::value::Serde(&r.value)));
                return Ok(r.value.clone());
            }
        }
        Err(EvalError {
            at: format!("derive.{name}"),
            source: ExprError {
                expr: String::new(),
                message: "no rule holds; end the list with a rule without `when`".to_owned(),
            },
        })
    }

    /// The chosen options' weights of one asked question (0 when unanswered or stale).
    fn weight(&self, q: &Question, answers: &BTreeMap<String, Answer>) -> u32 {
        answers.get(&q.id).filter(|a| self.is_current(q, a)).map_or(0, |a| {
            q.options
                .iter()
                .filter(|o| a.value.has(&o.value))
                .map(|o| o.weight)
                .sum()
        })
    }

    fn scores(&self, asked: &[&Question], answers: &BTreeMap<String, Answer>) -> Vec<DimensionScore> {
        self.questionnaire
            .dimensions
            .iter()
            .map(|d| {
                let mut score = 0;
                let mut max = 0;
                for q in asked.iter().filter(|q| q.dimension.as_deref() == Some(d.id.as_str())) {
                    max += q.options.iter().map(|o| o.weight).max().unwrap_or(0);
                    score += self.weight(q, answers);
                }
                let outcome = if d.refused_at.is_some_and(|r| score >= r) {
                    Outcome::Refused
                } else if score >= d.undecided_at {
                    Outcome::Undecided
                } else {
                    Outcome::Approved
                };
                DimensionScore {
                    dimension: d.id.clone(),
                    score,
                    max,
                    undecided_at: d.undecided_at,
                    refused_at: d.refused_at,
                    outcome,
                }
            })
            .collect()
    }

    /// Per dimension, the asked questions whose answer added points, with the points.
    fn contributions(
        &self,
        asked: &[&Question],
        answers: &BTreeMap<String, Answer>,
    ) -> BTreeMap<String, Vec<(String, u32)>> {
        let mut out: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
        for q in asked {
            let Some(d) = &q.dimension else { continue };
            let w = self.weight(q, answers);
            if w > 0 {
                out.entry(d.clone()).or_default().push((q.id.clone(), w));
            }
        }
        out
    }

    fn dimension_titles(&self, lang: Language) -> BTreeMap<String, String> {
        self.questionnaire
            .dimensions
            .iter()
            .map(|d| (d.id.clone(), d.title.get(lang).to_owned()))
            .collect()
    }
}

/// The outcome of what has been collected so far.
fn overall(acc: &Accumulator) -> Outcome {
    let t = acc.tracks();
    let mut o = t.complexity.max(t.law).max(t.ethics);
    if !acc.unanswered.is_empty() {
        o = o.max(Outcome::Undecided);
    }
    o
}

/// How an answer looks to conditions: a string, or a list for multiple choice.
fn scope_value(q: &Question, v: &AnswerValue) -> Value {
    match (q.kind, v) {
        (QuestionKind::MultiChoice, AnswerValue::One(s)) if s != DONT_KNOW => Value::from(vec![s.clone()]),
        (_, AnswerValue::One(s)) => Value::from(s.clone()),
        (_, AnswerValue::Many(vs)) => Value::from(vs.clone()),
    }
}

/// The values a question accepts, for messages (`yes`, `no`, option values, levels; `dont_know` when allowed).
pub fn allowed_values(q: &Question) -> Vec<String> {
    let mut v: Vec<String> = match q.kind {
        QuestionKind::YesNo => vec![YES.to_owned(), NO.to_owned()],
        QuestionKind::Choice | QuestionKind::MultiChoice => q.options.iter().map(|o| o.value.clone()).collect(),
        QuestionKind::Assessment => LEVELS.iter().map(|l| (*l).to_owned()).collect(),
        QuestionKind::Text => Vec::new(),
    };
    if q.dont_know {
        v.push(DONT_KNOW.to_owned());
    }
    v
}

/// Checks that a value is allowed for the question; the error says why.
pub fn check_value(q: &Question, value: &AnswerValue) -> Result<(), String> {
    let allowed = allowed_values(q);
    let one_of = |v: &str| {
        if allowed.iter().any(|a| a == v) {
            Ok(())
        } else {
            Err(format!(
                "`{v}` is not an answer to `{}`; use one of: {}",
                q.id,
                allowed.join(", ")
            ))
        }
    };
    match (q.kind, value) {
        (QuestionKind::Text, AnswerValue::One(s)) if s.trim().is_empty() => {
            Err(format!("the answer to `{}` is empty", q.id))
        }
        (QuestionKind::Text, AnswerValue::One(_)) => Ok(()),
        (QuestionKind::MultiChoice, AnswerValue::Many(vs)) => {
            if vs.is_empty() {
                return Err(format!(
                    "the answer to `{}` is an empty list; give at least one of: {}",
                    q.id,
                    allowed.join(", ")
                ));
            }
            if vs.iter().any(|v| v == DONT_KNOW) && vs.len() > 1 {
                return Err(format!(
                    "`{DONT_KNOW}` cannot be combined with other answers to `{}`",
                    q.id
                ));
            }
            vs.iter().try_for_each(|v| one_of(v))
        }
        (_, AnswerValue::One(s)) => one_of(s),
        (_, AnswerValue::Many(_)) => Err(format!(
            "`{}` takes one answer, not a list ({} question)",
            q.id,
            q.kind.as_str()
        )),
    }
}
