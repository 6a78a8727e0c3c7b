//! How screening results read to people, in the screening's language: labels for roles, hosting and what an
//! action rests on, dates, and the lists both the terminal summary and `report.md` show (reasons, open
//! points, points for the lawyer). One place, so the two never disagree.

use serde::Serialize;

use super::texts::Texts;
use crate::model::catalog::Hosting;
use crate::model::config::Language;
use crate::model::questionnaire::Questionnaire;
use crate::model::screening::{Action, ActionKind, Basis, Outcome, Reason, ScreeningResult, Track};

/// The label of a sign-off role (`legal` → "Jurist"); the role itself when there is no label for it.
pub fn role(t: &Texts, role: &str) -> String {
    let key = format!("role.{role}");
    match t.get(&key) {
        label if label == key => role.to_owned(),
        label => label.to_owned(),
    }
}

/// The label of a hosting kind.
pub fn hosting(t: &Texts, h: Hosting) -> String {
    t.get(&format!("hosting.{}", h.as_str())).to_owned()
}

/// A `YYYY-MM-DD` date written out ("2. december 2027", "2 December 2027"); anything else as it is.
pub fn date(lang: Language, iso: &str) -> String {
    const DA: [&str; 12] = [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = iso.get(..10).unwrap_or(iso).split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return iso.to_owned();
    };
    let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) else {
        return iso.to_owned();
    };
    match (lang, m.checked_sub(1).and_then(|i| DA.get(i).zip(EN.get(i)))) {
        (Language::Da, Some((month, _))) => format!("{d}. {month} {y}"),
        (Language::En, Some((_, month))) => format!("{d} {month} {y}"),
        _ => iso.to_owned(),
    }
}

/// What follows an action's text: its source, whether it is policy or good practice rather than law, and the
/// date it applies from when that is after `today` (`YYYY-MM-DD…`).
pub fn action_note(t: &Texts, a: &Action, today: &str) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &a.source {
        parts.push(s.clone());
    }
    match a.basis {
        Some(Basis::Policy) => parts.push(t.get("basis.policy").to_owned()),
        Some(Basis::Guidance) => parts.push(t.get("basis.guidance").to_owned()),
        _ => {}
    }
    if let Some(from) = a
        .applies_from
        .as_deref()
        .filter(|f| *f > today.get(..10).unwrap_or(today))
    {
        parts.push(t.fill("label.applies_from", &[("date", &date(t.lang, from))]));
    }
    parts.join("; ")
}

/// One reason as people read it.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonView {
    /// The explanation.
    pub text: String,
    /// The questions it rests on, by their text.
    pub questions: Vec<String>,
    /// The same questions by id.
    pub ids: Vec<String>,
    /// What would change it.
    pub change: String,
    /// Law and article, when it is a stop.
    pub source: Option<String>,
}

/// The reasons of one track that is not approved.
#[derive(Debug, Clone, Serialize)]
pub struct TrackWhy {
    /// The track's title ("Må vi?").
    pub title: String,
    /// Its outcome, as a word.
    pub outcome: String,
    /// Why.
    pub reasons: Vec<ReasonView>,
}

/// The reasons per non-approved track, in track order.
pub fn why(q: &Questionnaire, r: &ScreeningResult, t: &Texts) -> Vec<TrackWhy> {
    Track::ALL
        .iter()
        .filter(|track| r.tracks.get(**track) != Outcome::Approved)
        .map(|track| TrackWhy {
            title: q
                .track(*track)
                .map_or_else(|| track.as_str().to_owned(), |i| i.title.get(t.lang).to_owned()),
            outcome: t.get(&format!("outcome.{}", r.tracks.get(*track).as_str())).to_owned(),
            reasons: r
                .why
                .get(track)
                .map(|rs| rs.iter().map(|reason| reason_view(q, reason, t)).collect())
                .unwrap_or_default(),
        })
        .collect()
}

fn reason_view(q: &Questionnaire, reason: &Reason, t: &Texts) -> ReasonView {
    ReasonView {
        text: reason.text.clone(),
        questions: reason
            .questions
            .iter()
            .map(|id| {
                q.question(id)
                    .map_or_else(|| id.clone(), |x| x.text.get(t.lang).to_owned())
            })
            .collect(),
        ids: reason.questions.clone(),
        change: reason.change.clone(),
        source: reason.source.clone(),
    }
}

/// The actions the municipality's lawyer must look at (and the open points whose action asks for a lawyer).
pub fn lawyer_points(r: &ScreeningResult) -> Vec<&Action> {
    r.actions.iter().filter(|a| a.lawyer).collect()
}

/// The action list without stops (they have their own section) and without the points for the lawyer
/// (likewise), grouped by kind in the order people act on them.
pub fn action_groups(r: &ScreeningResult) -> Vec<(ActionKind, Vec<&Action>)> {
    [ActionKind::Task, ActionKind::Rule, ActionKind::Consideration]
        .into_iter()
        .map(|kind| {
            let items: Vec<&Action> = r.actions.iter().filter(|a| a.kind == kind && !a.lawyer).collect();
            (kind, items)
        })
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_labels_read_in_the_language() {
        assert_eq!(date(Language::Da, "2027-12-02"), "2. december 2027");
        assert_eq!(date(Language::En, "2026-08-02T00:00:00Z"), "2 August 2026");
        assert_eq!(date(Language::Da, "soon"), "soon");
        let da = Texts::load(None, Language::Da);
        assert_eq!(role(&da, "legal"), "Jurist");
        assert_eq!(role(&da, "chef"), "chef");
        assert_eq!(hosting(&da, Hosting::EuCloud), "Cloud i EU/EØS");
        let action = Action {
            kind: ActionKind::Task,
            text: "x".into(),
            source: Some("AI-forordningen art. 27".into()),
            question: None,
            basis: Some(Basis::Law),
            applies_from: Some("2027-12-02".into()),
            lawyer: false,
        };
        assert_eq!(
            action_note(&da, &action, "2026-11-29T10:00:00Z"),
            "AI-forordningen art. 27; gælder fra 2. december 2027"
        );
        assert_eq!(action_note(&da, &action, "2028-01-01"), "AI-forordningen art. 27");
        let policy = Action {
            basis: Some(Basis::Policy),
            source: None,
            applies_from: None,
            ..action
        };
        assert_eq!(action_note(&da, &policy, "2026-01-01"), "politik, ikke lov");
    }
}
