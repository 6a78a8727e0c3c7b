//! What the answers add up to while they are evaluated: the action list, stops, open points, and for each
//! track the reasons it is not approved. Reason texts come from the embedded `templates/ui.toml` (`why.*`), so
//! the stored results do not depend on a workspace's own UI texts.

use std::collections::{BTreeMap, BTreeSet};

use super::texts::Texts;
use crate::model::config::Language;
use crate::model::questionnaire::{Consequence, DONT_KNOW, Question, QuestionKind};
use crate::model::screening::{
    Action, ActionKind, Answer, DimensionScore, OpenPoint, Outcome, Reason, ReasonKind, Stop, Track, TrackOutcomes,
};

/// The most serious assessment level; it leaves the track undecided.
pub const HIGH: &str = "high";

/// Collects what the answered questions and the rules lead to.
pub struct Accumulator {
    texts: Texts,
    /// The action list, without duplicates.
    pub actions: Vec<Action>,
    /// Everything that stops the use case.
    pub stops: Vec<Stop>,
    /// Required questions without a current answer, in asking order.
    pub unanswered: Vec<String>,
    /// Asked questions whose answer was given to other wording.
    pub stale: Vec<String>,
    /// "Don't know" answers.
    pub open_points: Vec<OpenPoint>,
    reasons: BTreeMap<Track, Vec<Reason>>,
    unanswered_by_track: BTreeMap<Track, Vec<String>>,
}

impl Accumulator {
    /// An empty accumulator writing texts in `lang`.
    pub fn new(lang: Language) -> Self {
        Accumulator {
            texts: Texts::load(None, lang),
            actions: Vec::new(),
            stops: Vec::new(),
            unanswered: Vec::new(),
            stale: Vec::new(),
            open_points: Vec::new(),
            reasons: BTreeMap::new(),
            unanswered_by_track: BTreeMap::new(),
        }
    }

    fn lang(&self) -> Language {
        self.texts.lang
    }

    /// A required question has no current answer.
    pub fn missing(&mut self, q: &Question) {
        if q.required {
            self.unanswered.push(q.id.clone());
            self.unanswered_by_track.entry(q.track).or_default().push(q.id.clone());
        }
    }

    /// An answered question: its consequences, stops, open point or concern.
    pub fn answered(&mut self, q: &Question, a: &Answer) {
        let lang = self.lang();
        if a.value.has(DONT_KNOW) {
            let could_stop = could_stop(q);
            self.open_points.push(OpenPoint {
                question: q.id.clone(),
                text: q.text.get(lang).to_owned(),
                could_stop,
            });
            if could_stop {
                self.undecided_by(q, ReasonKind::DontKnow, "why.dont_know");
            }
        }
        if q.kind == QuestionKind::Assessment && a.value.has(HIGH) {
            self.undecided_by(q, ReasonKind::Concern, "why.concern");
        }
        for c in q.consequences.iter().filter(|c| a.value.has(&c.on)) {
            let text = c.text.get(lang).to_owned();
            if c.kind == ActionKind::Stop {
                self.stops.push(Stop {
                    question: Some(q.id.clone()),
                    rule: None,
                    text: text.clone(),
                    source: c.source.clone(),
                });
                let reason = Reason {
                    kind: ReasonKind::Stop,
                    outcome: Outcome::Refused,
                    questions: vec![q.id.clone()],
                    text: text.clone(),
                    score: None,
                    threshold: None,
                    rule: None,
                    source: c.source.clone(),
                    change: self.texts.fill("why.stop_change", &[("question", &q.id)]),
                };
                self.reason(q.track, reason);
            }
            self.push_action(consequence_action(c, text, &q.id));
        }
    }

    /// One question leaves its track undecided; the texts are `<key>` and `<key>_change` in `templates/ui.toml`.
    fn undecided_by(&mut self, q: &Question, kind: ReasonKind, key: &str) {
        let reason = Reason {
            kind,
            outcome: Outcome::Undecided,
            questions: vec![q.id.clone()],
            text: self.texts.get(key).to_owned(),
            score: None,
            threshold: None,
            rule: None,
            source: None,
            change: self.texts.fill(&format!("{key}_change"), &[("question", &q.id)]),
        };
        self.reason(q.track, reason);
    }

    /// Reasons for Kan vi? dimensions that reached a threshold; `weights` lists, per dimension, the asked
    /// questions whose answer added points.
    pub fn scores(
        &mut self,
        scores: &[DimensionScore],
        weights: &BTreeMap<String, Vec<(String, u32)>>,
        titles: &BTreeMap<String, String>,
    ) {
        for s in scores.iter().filter(|s| s.outcome != Outcome::Approved) {
            let threshold = match s.outcome {
                Outcome::Refused => s.refused_at.unwrap_or(s.undecided_at),
                _ => s.undecided_at,
            };
            let title = titles.get(&s.dimension).cloned().unwrap_or_else(|| s.dimension.clone());
            let contributing = weights.get(&s.dimension).cloned().unwrap_or_default();
            let points: Vec<String> = contributing.iter().map(|(q, w)| format!("{q} ({w})")).collect();
            let outcome_word = self
                .texts
                .get(&format!("outcome.{}", s.outcome.as_str()))
                .to_lowercase();
            let reason = Reason {
                kind: ReasonKind::Score,
                outcome: s.outcome,
                questions: contributing.iter().map(|(q, _)| q.clone()).collect(),
                text: self.texts.fill(
                    "why.score",
                    &[
                        ("dimension", &title),
                        ("score", &s.score.to_string()),
                        ("threshold", &threshold.to_string()),
                        ("outcome", &outcome_word),
                    ],
                ),
                score: Some(s.score),
                threshold: Some(threshold),
                rule: Some(s.dimension.clone()),
                source: None,
                change: self.texts.fill(
                    "why.score_change",
                    &[
                        ("dimension", &title),
                        ("below", &s.undecided_at.to_string()),
                        ("points", &points.join(", ")),
                    ],
                ),
            };
            self.reason(Track::Complexity, reason);
        }
    }

    /// An open point also "could stop" when a combination rule over it leaves its track undecided or refused.
    pub fn mark_open_points_that_hold_a_track(&mut self) {
        let held: BTreeSet<&String> = self
            .reasons
            .values()
            .flatten()
            .filter(|r| r.kind == ReasonKind::Combination)
            .flat_map(|r| r.questions.iter())
            .collect();
        for o in &mut self.open_points {
            if held.contains(&o.question) {
                o.could_stop = true;
            }
        }
    }

    /// Adds a reason to a track.
    pub fn reason(&mut self, track: Track, reason: Reason) {
        self.reasons.entry(track).or_default().push(reason);
    }

    /// The generic "what would change it" of a rule that stops the use case.
    pub fn rule_stop_change(&self, questions: &[String]) -> String {
        self.texts
            .fill("why.rule_stop_change", &[("questions", &questions.join(", "))])
    }

    /// Adds an action unless the same kind and text is already listed.
    pub fn push_action(&mut self, action: Action) {
        if !self
            .actions
            .iter()
            .any(|a| a.kind == action.kind && a.text == action.text)
        {
            self.actions.push(action);
        }
    }

    /// Each track's outcome: the most serious of its reasons (approved without any).
    pub fn tracks(&self) -> TrackOutcomes {
        let of = |t: Track| {
            let reasons = self.reasons.get(&t).and_then(|rs| rs.iter().map(|r| r.outcome).max());
            let open = self.unanswered_by_track.contains_key(&t).then_some(Outcome::Undecided);
            reasons.max(open).unwrap_or(Outcome::Approved)
        };
        TrackOutcomes {
            complexity: of(Track::Complexity),
            law: of(Track::Law),
            ethics: of(Track::Ethics),
        }
    }

    /// The reasons per track, with one reason per track listing its unanswered questions.
    pub fn why(&mut self) -> BTreeMap<Track, Vec<Reason>> {
        let mut why = std::mem::take(&mut self.reasons);
        for (track, questions) in std::mem::take(&mut self.unanswered_by_track) {
            let reason = Reason {
                kind: ReasonKind::Unanswered,
                outcome: Outcome::Undecided,
                text: self
                    .texts
                    .fill("why.unanswered", &[("count", &questions.len().to_string())]),
                change: self.texts.get("why.unanswered_change").to_owned(),
                questions,
                score: None,
                threshold: None,
                rule: None,
                source: None,
            };
            why.entry(track).or_default().insert(0, reason);
        }
        why
    }

    /// Sorted, distinct question ids.
    pub fn distinct(ids: impl IntoIterator<Item = String>) -> Vec<String> {
        ids.into_iter().collect::<BTreeSet<_>>().into_iter().collect()
    }
}

/// True when some answer to `q` stops the use case.
pub fn could_stop(q: &Question) -> bool {
    q.consequences.iter().any(|c| c.kind == ActionKind::Stop)
}

fn consequence_action(c: &Consequence, text: String, question: &str) -> Action {
    Action {
        kind: c.kind,
        text,
        source: c.source.clone(),
        question: Some(question.to_owned()),
        basis: Some(c.basis),
        applies_from: c.applies_from.clone(),
        lawyer: c.lawyer,
    }
}
