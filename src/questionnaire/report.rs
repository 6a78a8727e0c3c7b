//! `screenings/<id>/report.md`: the screening (and its user journey) rendered through a minijinja template,
//! with the Kan vi? scores drawn as a small text chart.

use std::collections::BTreeMap;

use minijinja::Environment;
use serde::Serialize;

use super::evaluate::LEVELS;
use super::present::{self, TrackWhy};
use super::texts::Texts;
use crate::model::journey::Journey;
use crate::model::questionnaire::{DONT_KNOW, Question, QuestionKind, Questionnaire};
use crate::model::screening::{Answer, DimensionScore, Screening};
use crate::workspace::Workspace;

/// Workspace-relative path of the report template (embedded, overridable per workspace).
pub const REPORT_TEMPLATE: &str = "templates/screening-report.md.j2";

/// An answer as people read it.
#[derive(Debug, Serialize)]
struct AnswerView {
    id: String,
    /// The heading of the question's group, on the first answer of each group.
    group: Option<String>,
    question: String,
    answer: String,
    reflection: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct TrackView {
    title: String,
    outcome: String,
    answers: Vec<AnswerView>,
}

#[derive(Debug, Serialize)]
struct ActionGroup {
    title: String,
    items: Vec<ActionItem>,
}

#[derive(Debug, Serialize)]
struct ActionItem {
    text: String,
    note: String,
}

#[derive(Debug, Serialize)]
struct OpenPointView {
    question: String,
    could_stop: bool,
}

#[derive(Debug, Serialize)]
struct SignoffRow {
    role: String,
    state: String,
    signed: bool,
}

#[derive(Debug, Serialize)]
struct View<'a> {
    t: BTreeMap<String, String>,
    s: &'a Screening,
    title: String,
    outcome: String,
    status: String,
    category: String,
    dpia: String,
    data_classification: String,
    allowed_hosting: Vec<String>,
    required_signoffs: Vec<String>,
    screened: String,
    screened_by: String,
    law_as_of: Option<String>,
    law_note: Option<String>,
    why: Vec<TrackWhy>,
    open_points: Vec<OpenPointView>,
    lawyer_points: Vec<ActionItem>,
    tracks: Vec<TrackView>,
    chart: String,
    actions: Vec<ActionGroup>,
    signoffs: Vec<SignoffRow>,
    void_signoffs: Vec<String>,
    unanswered: Vec<String>,
    inactive: Vec<AnswerView>,
    journey: Option<&'a Journey>,
    source_kinds: BTreeMap<String, String>,
}

/// What goes into a report besides the screening.
#[derive(Default)]
pub struct Context<'a> {
    /// The user journey, when there is one.
    pub journey: Option<&'a Journey>,
    /// The screening's sign-offs against its current content.
    pub signoffs: Option<&'a crate::signoff::Status>,
}

/// Renders the report with the workspace's template (or the embedded one).
pub fn render(
    ws: Option<&Workspace>,
    q: &Questionnaire,
    s: &Screening,
    ctx: &Context<'_>,
    texts: &Texts,
) -> anyhow::Result<String> {
    let template = match ws.and_then(|w| w.resource(REPORT_TEMPLATE)) {
        Some((src, _)) => src.text,
        None => crate::defaults::embedded(REPORT_TEMPLATE)
            .unwrap_or_default()
            .to_owned(),
    };
    let view = view(q, s, ctx, texts);
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| anyhow::anyhow!("template syntax: {e}"))?;
    env.set_syntax(syntax);
    env.add_filter("cell", cell);
    let mut out = env
        .render_str(&template, minijinja::value::Value::from(minijinja::value::Serde(&view)))
        .map_err(|e| anyhow::anyhow!("cannot render {REPORT_TEMPLATE}: {e:#}"))?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn view<'a>(q: &Questionnaire, s: &'a Screening, ctx: &Context<'a>, t: &Texts) -> View<'a> {
    let lang = t.lang;
    let r = &s.result;
    let tracks = q
        .tracks
        .iter()
        .map(|info| TrackView {
            title: info.title.get(lang).to_owned(),
            outcome: t.get(&format!("outcome.{}", r.tracks.get(info.id).as_str())).to_owned(),
            answers: track_answers(q, s, info.id, t),
        })
        .collect();
    let inactive = inactive_answers(q, s, t);
    let item = |a: &crate::model::screening::Action| ActionItem {
        text: a.text.clone(),
        note: present::action_note(t, a, &s.updated),
    };
    let actions = present::action_groups(r)
        .into_iter()
        .map(|(kind, items)| ActionGroup {
            title: t.get(&format!("kind.{}", kind.as_str())).to_owned(),
            items: items.into_iter().map(item).collect(),
        })
        .collect();
    let unanswered = r
        .unanswered
        .iter()
        .map(|id| {
            q.question(id)
                .map_or_else(|| id.clone(), |x| x.text.get(lang).to_owned())
        })
        .collect();
    let dims = dimension_titles(q, r, lang);
    let (signoffs, void_signoffs) = signoff_rows(r, ctx.signoffs, t);
    View {
        t: t.all(),
        s,
        title: q.title.get(lang).to_owned(),
        outcome: t.get(&format!("outcome.{}", r.outcome.as_str())).to_owned(),
        status: t.get(&format!("status_word.{}", s.status.as_str())).to_owned(),
        category: t.get(&format!("category.{}", r.ai_act_category.as_str())).to_owned(),
        dpia: t.get(&format!("dpia.{}", r.dpia.as_str())).to_owned(),
        data_classification: t
            .get(&format!("data_class.{}", r.data_classification.as_str()))
            .to_owned(),
        allowed_hosting: r.allowed_hosting.iter().map(|h| present::hosting(t, *h)).collect(),
        required_signoffs: r.required_signoffs.iter().map(|x| present::role(t, x)).collect(),
        screened: present::date(lang, &s.updated),
        screened_by: s
            .screened_by
            .clone()
            .unwrap_or_else(|| t.get("label.unknown_person").to_owned()),
        law_as_of: q.law_as_of.as_deref().map(|d| present::date(lang, d)),
        law_note: q.law_note.as_ref().map(|n| n.get(lang).to_owned()),
        why: present::why(q, r, t),
        open_points: r
            .open_points
            .iter()
            .map(|o| OpenPointView {
                question: o.text.clone(),
                could_stop: o.could_stop,
            })
            .collect(),
        lawyer_points: present::lawyer_points(r).into_iter().map(item).collect(),
        tracks,
        chart: chart(&dims, t),
        actions,
        signoffs,
        void_signoffs,
        unanswered,
        inactive,
        journey: ctx.journey,
        source_kinds: source_kinds(t),
    }
}

/// Answers that no longer count (hidden by a condition, or to removed questions), shown apart.
fn inactive_answers(q: &Questionnaire, s: &Screening, t: &Texts) -> Vec<AnswerView> {
    s.answers
        .iter()
        .filter(|(_, a)| a.inactive)
        .map(|(id, a)| match q.question(id) {
            Some(x) => answer_view(x, a, t),
            None => AnswerView {
                id: id.clone(),
                group: None,
                question: id.clone(),
                answer: a.value.values().join(", "),
                reflection: a.text.clone(),
                note: a.note.clone(),
            },
        })
        .collect()
}

/// Each dimension score with the dimension's title in the report's language.
fn dimension_titles<'a>(
    q: &Questionnaire,
    r: &'a crate::model::screening::ScreeningResult,
    lang: crate::model::config::Language,
) -> Vec<(String, &'a DimensionScore)> {
    r.scores
        .iter()
        .map(|sc| {
            let title = q
                .dimensions
                .iter()
                .find(|d| d.id == sc.dimension)
                .map_or_else(|| sc.dimension.clone(), |d| d.title.get(lang).to_owned());
            (title, sc)
        })
        .collect()
}

/// The names of the journey's source kinds, for the template.
fn source_kinds(t: &Texts) -> std::collections::BTreeMap<String, String> {
    crate::model::journey::SourceKind::ALL
        .iter()
        .map(|k| {
            let name = t.get(&format!("source_kind.{}", k.as_str())).to_owned();
            (k.as_str().to_owned(), name)
        })
        .collect()
}

/// The answers of one track in asking order, with the group heading on the first answer of each group.
fn track_answers(
    q: &Questionnaire,
    s: &Screening,
    track: crate::model::screening::Track,
    t: &Texts,
) -> Vec<AnswerView> {
    let mut last_group = None;
    let mut out = Vec::new();
    for x in q.ordered().into_iter().filter(|x| x.track == track) {
        let Some(a) = s.answers.get(&x.id).filter(|a| !a.inactive) else {
            continue;
        };
        let mut view = answer_view(x, a, t);
        if x.group.is_some() && x.group != last_group {
            view.group = x
                .group
                .as_deref()
                .and_then(|g| q.group(g))
                .map(|g| g.title.get(t.lang).to_owned());
            last_group = x.group.clone();
        }
        out.push(view);
    }
    out
}

/// One row per required role: who signed and when, or missing; plus the void sign-offs.
fn signoff_rows(
    r: &crate::model::screening::ScreeningResult,
    status: Option<&crate::signoff::Status>,
    t: &Texts,
) -> (Vec<SignoffRow>, Vec<String>) {
    let required: Vec<String> = match status {
        Some(st) => st.required.clone(),
        None => r.required_signoffs.clone(),
    };
    let rows = required
        .iter()
        .map(|role| {
            let signed = status.and_then(|st| st.valid.iter().find(|v| &v.role == role));
            SignoffRow {
                role: present::role(t, role),
                state: match signed {
                    Some(v) => t.fill(
                        "label.signed",
                        &[("by", &v.by), ("date", &present::date(t.lang, &v.at))],
                    ),
                    None => t.get("label.not_signed").to_owned(),
                },
                signed: signed.is_some(),
            }
        })
        .collect();
    let void = status
        .map(|st| {
            st.void
                .iter()
                .map(|v| {
                    t.fill(
                        "label.void_signoff",
                        &[
                            ("role", &present::role(t, &v.role)),
                            ("by", &v.by),
                            ("date", &present::date(t.lang, &v.at)),
                        ],
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (rows, void)
}

/// Makes text safe inside a Markdown table cell: no pipes, no line breaks.
fn cell(s: String) -> String {
    s.replace('|', "\\|").replace("\r\n", " ").replace('\n', " ")
}

/// How an answer reads: the option's label, yes/no, the level, or the text itself.
pub fn answer_label(q: &Question, a: &Answer, t: &Texts) -> String {
    let labels: Vec<String> = a
        .value
        .values()
        .into_iter()
        .map(|v| {
            if v == DONT_KNOW {
                return t.get("answer.dont_know").to_owned();
            }
            match q.kind {
                QuestionKind::YesNo => t.get(&format!("answer.{v}")).to_owned(),
                QuestionKind::Assessment if LEVELS.contains(&v) => t.get(&format!("level.{v}")).to_owned(),
                QuestionKind::Choice | QuestionKind::MultiChoice => q
                    .options
                    .iter()
                    .find(|o| o.value == v)
                    .map_or_else(|| v.to_owned(), |o| o.label.get(t.lang).to_owned()),
                _ => v.to_owned(),
            }
        })
        .collect();
    if labels.is_empty() {
        t.get("label.none").to_owned()
    } else {
        labels.join(", ")
    }
}

fn answer_view(q: &Question, a: &Answer, t: &Texts) -> AnswerView {
    AnswerView {
        id: q.id.clone(),
        group: None,
        question: q.text.get(t.lang).to_owned(),
        answer: answer_label(q, a, t),
        reflection: a.text.clone(),
        note: a.note.clone(),
    }
}

/// The Kan vi? scores as bars: one character per point, filled up to the score.
pub fn chart(dims: &[(String, &DimensionScore)], t: &Texts) -> String {
    let width = dims.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
    let widest = dims.iter().map(|(_, d)| d.max.max(1)).max().unwrap_or(1) as usize;
    let scale = if widest > 30 { 30.0 / widest as f64 } else { 1.0 };
    let bar_width = (widest as f64 * scale).round() as usize;
    let mut out = String::new();
    for (name, d) in dims {
        let cells = (d.max.max(1) as f64 * scale).round() as usize;
        let filled = ((d.score as f64 * scale).round() as usize).min(cells);
        let mut limits = format!("{} {}", t.get("label.undecided_from"), d.undecided_at);
        if let Some(r) = d.refused_at {
            limits.push_str(&format!(", {} {r}", t.get("label.refused_from")));
        }
        out.push_str(&format!(
            "{name:<width$}  {}{}{}  {:>2}/{:<2}  {} ({limits})\n",
            "█".repeat(filled),
            "░".repeat(cells - filled),
            " ".repeat(bar_width.saturating_sub(cells)),
            d.score,
            d.max,
            t.get(&format!("outcome.{}", d.outcome.as_str())),
        ));
    }
    out
}
