//! `screenings/<id>/report.md`: the screening (and its user journey) rendered through a minijinja template,
//! with the Kan vi? scores drawn as a small text chart.

use minijinja::Environment;
use serde::Serialize;

use super::evaluate::LEVELS;
use super::texts::Texts;
use crate::model::journey::Journey;
use crate::model::questionnaire::{DONT_KNOW, Question, QuestionKind, Questionnaire};
use crate::model::screening::{ActionKind, Answer, DimensionScore, Screening};
use crate::workspace::Workspace;

/// Workspace-relative path of the report template (embedded, overridable per workspace).
pub const REPORT_TEMPLATE: &str = "templates/screening-report.md.j2";

/// An answer as people read it.
#[derive(Debug, Serialize)]
struct AnswerView {
    id: String,
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
    source: Option<String>,
}

#[derive(Debug, Serialize)]
struct View<'a> {
    t: std::collections::BTreeMap<String, String>,
    s: &'a Screening,
    title: String,
    outcome: String,
    status: String,
    category: String,
    dpia: String,
    data_classification: String,
    allowed_hosting: Vec<String>,
    tracks: Vec<TrackView>,
    chart: String,
    actions: Vec<ActionGroup>,
    unanswered: Vec<String>,
    inactive: Vec<AnswerView>,
    journey: Option<&'a Journey>,
    source_kinds: std::collections::BTreeMap<String, String>,
}

/// Renders the report with the workspace's template (or the embedded one).
pub fn render(
    ws: Option<&Workspace>,
    q: &Questionnaire,
    s: &Screening,
    journey: Option<&Journey>,
    texts: &Texts,
) -> anyhow::Result<String> {
    let template = match ws.and_then(|w| w.resource(REPORT_TEMPLATE)) {
        Some((src, _)) => src.text,
        None => crate::defaults::embedded(REPORT_TEMPLATE)
            .unwrap_or_default()
            .to_owned(),
    };
    let view = view(q, s, journey, texts);
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

fn view<'a>(q: &Questionnaire, s: &'a Screening, journey: Option<&'a Journey>, t: &Texts) -> View<'a> {
    let lang = t.lang;
    let r = &s.result;
    let tracks = q
        .tracks
        .iter()
        .map(|info| TrackView {
            title: info.title.get(lang).to_owned(),
            outcome: t.get(&format!("outcome.{}", r.tracks.get(info.id).as_str())).to_owned(),
            answers: q
                .ordered()
                .into_iter()
                .filter(|x| x.track == info.id)
                .filter_map(|x| {
                    s.answers
                        .get(&x.id)
                        .filter(|a| !a.inactive)
                        .map(|a| answer_view(x, a, t))
                })
                .collect(),
        })
        .collect();
    let inactive = s
        .answers
        .iter()
        .filter(|(_, a)| a.inactive)
        .map(|(id, a)| match q.question(id) {
            Some(x) => answer_view(x, a, t),
            None => AnswerView {
                id: id.clone(),
                question: id.clone(),
                answer: a.value.values().join(", "),
                reflection: a.text.clone(),
                note: a.note.clone(),
            },
        })
        .collect();
    let actions = [
        ActionKind::Stop,
        ActionKind::Task,
        ActionKind::Rule,
        ActionKind::Consideration,
    ]
    .into_iter()
    .filter_map(|kind| {
        let items: Vec<ActionItem> = r
            .actions
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| ActionItem {
                text: a.text.clone(),
                source: a.source.clone(),
            })
            .collect();
        (!items.is_empty()).then(|| ActionGroup {
            title: t.get(&format!("kind.{}", kind.as_str())).to_owned(),
            items,
        })
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
    let dims: Vec<(String, &DimensionScore)> = r
        .scores
        .iter()
        .map(|sc| {
            let title = q
                .dimensions
                .iter()
                .find(|d| d.id == sc.dimension)
                .map_or_else(|| sc.dimension.clone(), |d| d.title.get(lang).to_owned());
            (title, sc)
        })
        .collect();
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
        allowed_hosting: r
            .allowed_hosting
            .iter()
            .map(|h| t.get(&format!("hosting.{}", h.as_str())).to_owned())
            .collect(),
        tracks,
        chart: chart(&dims, t),
        actions,
        unanswered,
        inactive,
        journey,
        source_kinds: crate::model::journey::SourceKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    t.get(&format!("source_kind.{}", k.as_str())).to_owned(),
                )
            })
            .collect(),
    }
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
