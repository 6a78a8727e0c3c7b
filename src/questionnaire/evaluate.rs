//! Which questions are asked, and what the answers lead to: per-track outcomes, Kan vi? scores, derived
//! results and the action list.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use minijinja::Value;

use super::expr::{Conditions, ExprError, Scope};
use super::hash::question_hash;
use crate::model::config::Language;
use crate::model::questionnaire::{DONT_KNOW, NO, Question, QuestionKind, Questionnaire, Rule, YES};
use crate::model::screening::{
    Action, ActionKind, Answer, AnswerValue, DimensionScore, Outcome, ScreeningResult, Stop, Track, TrackOutcomes,
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
        Engine {
            questionnaire,
            order,
            hashes,
            conditions: Conditions::new(),
        }
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
                Some(expr) => self.conditions.holds(expr, &scope).map_err(|source| EvalError {
                    at: format!("question `{}`", q.id),
                    source,
                })?,
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

    /// Evaluates the answers: outcomes, scores, derived results and actions, with texts in `lang`.
    pub fn evaluate(&self, answers: &BTreeMap<String, Answer>, lang: Language) -> Result<Evaluation, EvalError> {
        let asked = self.asked(answers)?;
        let mut scope = Scope::new();
        let mut acc = Accumulator::default();
        for q in &asked {
            match answers.get(&q.id) {
                Some(a) if self.is_current(q, a) => {
                    scope.insert(q.id.clone(), scope_value(q, &a.value));
                    acc.answered(q, a, lang);
                }
                Some(_) => {
                    acc.stale.push(q.id.clone());
                    acc.missing(q);
                }
                None => acc.missing(q),
            }
        }
        let asked_ids: BTreeSet<&str> = asked.iter().map(|q| q.id.as_str()).collect();
        let inactive = answers
            .keys()
            .filter(|id| !asked_ids.contains(id.as_str()))
            .cloned()
            .collect();

        let scores = self.scores(&asked, answers);
        let tracks = TrackOutcomes {
            complexity: acc.track(Track::Complexity, &scores),
            law: acc.track(Track::Law, &[]),
            ethics: acc.track(Track::Ethics, &[]),
        };
        let outcome = Track::ALL
            .iter()
            .map(|t| tracks.get(*t))
            .max()
            .unwrap_or(Outcome::Approved);
        scope.insert("outcome".to_owned(), Value::from(outcome.as_str()));

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
        for (i, a) in self.questionnaire.actions.iter().enumerate() {
            if self.holds(&format!("actions[{i}]"), &a.when, &scope)? {
                acc.push_action(Action {
                    kind: a.kind,
                    text: a.text.get(lang).to_owned(),
                    source: a.source.clone(),
                    question: None,
                });
            }
        }

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
        };
        Ok(Evaluation {
            result,
            asked: asked.iter().map(|q| q.id.clone()).collect(),
            inactive,
            stale: acc.stale,
        })
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

    fn scores(&self, asked: &[&Question], answers: &BTreeMap<String, Answer>) -> Vec<DimensionScore> {
        self.questionnaire
            .dimensions
            .iter()
            .map(|d| {
                let mut score = 0;
                let mut max = 0;
                for q in asked.iter().filter(|q| q.dimension.as_deref() == Some(d.id.as_str())) {
                    max += q.options.iter().map(|o| o.weight).max().unwrap_or(0);
                    if let Some(a) = answers.get(&q.id).filter(|a| self.is_current(q, a)) {
                        score += q
                            .options
                            .iter()
                            .filter(|o| a.value.has(&o.value))
                            .map(|o| o.weight)
                            .sum::<u32>();
                    }
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
}

/// Collects what the answered questions lead to.
#[derive(Default)]
struct Accumulator {
    actions: Vec<Action>,
    stops: Vec<Stop>,
    unanswered: Vec<String>,
    stale: Vec<String>,
    /// Per track: something is unknown (don't know, unanswered, a high concern).
    open: BTreeSet<Track>,
    /// Per track: something stops it.
    stopped: BTreeSet<Track>,
}

impl Accumulator {
    fn missing(&mut self, q: &Question) {
        if q.required {
            self.unanswered.push(q.id.clone());
            self.open.insert(q.track);
        }
    }

    fn answered(&mut self, q: &Question, a: &Answer, lang: Language) {
        if a.value.has(DONT_KNOW) {
            self.open.insert(q.track);
        }
        if q.kind == QuestionKind::Assessment && a.value.has(LEVELS[0]) {
            self.open.insert(q.track);
        }
        for c in q.consequences.iter().filter(|c| a.value.has(&c.on)) {
            let text = c.text.get(lang).to_owned();
            if c.kind == ActionKind::Stop {
                self.stopped.insert(q.track);
                self.stops.push(Stop {
                    question: q.id.clone(),
                    text: text.clone(),
                    source: c.source.clone(),
                });
            }
            self.push_action(Action {
                kind: c.kind,
                text,
                source: c.source.clone(),
                question: Some(q.id.clone()),
            });
        }
    }

    fn push_action(&mut self, action: Action) {
        if !self
            .actions
            .iter()
            .any(|a| a.kind == action.kind && a.text == action.text)
        {
            self.actions.push(action);
        }
    }

    fn track(&self, track: Track, scores: &[DimensionScore]) -> Outcome {
        let from_scores = scores.iter().map(|s| s.outcome).max().unwrap_or(Outcome::Approved);
        let own = if self.stopped.contains(&track) {
            Outcome::Refused
        } else if self.open.contains(&track) {
            Outcome::Undecided
        } else {
            Outcome::Approved
        };
        own.max(from_scores)
    }
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
