//! A use case → its register record: each field from the data aispec has (the table in the README), public by
//! construction.

use super::portfolio::UseCase;
use super::public::Publisher;
use super::record::{PublicSignoff, Record, STANDARD};
use super::texts::{Texts, fill, texts};
use crate::model::catalog::{Catalog, Hosting};
use crate::model::config::Config;
use crate::model::screening::{ActionKind, AiActCategory, Dpia, Screening};

/// Longest short description the standard allows.
pub const SHORT_MAX: usize = 150;

/// What every record of one workspace shares.
pub struct Context<'a> {
    /// The workspace settings.
    pub config: &'a Config,
    /// The model catalogue.
    pub catalog: &'a Catalog,
    /// The rules for public text.
    pub publisher: Publisher,
    /// The sentences in the workspace's language.
    pub texts: &'static Texts,
}

impl<'a> Context<'a> {
    /// The context for a workspace's settings and catalogue.
    pub fn new(config: &'a Config, catalog: &'a Catalog) -> Self {
        let texts = texts(config.workspace.language);
        Context {
            config,
            catalog,
            publisher: Publisher::new(config, texts.internal_address),
            texts,
        }
    }
}

/// The record of one use case.
pub fn record(cx: &Context<'_>, uc: &UseCase) -> Record {
    let register = cx.config.register.clone().unwrap_or_default();
    let p = &cx.publisher;
    let sc = uc.screening.as_ref();
    let spec = uc.spec.as_ref();
    let name = spec
        .map(|s| s.name.clone())
        .or_else(|| sc.map(|s| s.title.clone()))
        .unwrap_or_else(|| uc.row.id.clone());
    let department = spec
        .map(|s| s.owner.department.clone())
        .or_else(|| sc.and_then(|s| s.department.clone()));
    let domain = register.domains.get(&uc.row.id).or(register.domain.as_ref()).cloned();
    let description = spec
        .map(|s| s.description.clone())
        .or_else(|| sc.and_then(|s| answer(s, "use_case")));
    let mut r = Record {
        standard: STANDARD,
        id: uc.row.id.clone(),
        lang: cx.config.workspace.language.code(),
        name: p.text(&name),
        organization: register
            .organisation
            .clone()
            .or_else(|| Some(cx.config.workspace.name.clone()).filter(|n| !n.is_empty())),
        department: p.opt(department),
        area: register.area.clone(),
        domain,
        description_short: p.opt(description).map(|d| shorten(&d, SHORT_MAX)),
        kind: "self-learning",
        status: status(uc),
        goal: p.opt(sc.and_then(|s| goal(cx.texts, s))),
        impact: p.opt(sc.and_then(|s| answer_text(s, "ethics_citizens"))),
        proportionality: p.opt(sc.and_then(|s| proportionality(cx.texts, s))),
        decision_making_process: p.opt(sc.map(|s| decision_process(cx.texts, s))),
        human_intervention: p.opt(sc.map(|s| human_intervention(cx.texts, s))),
        risks: p.opt(sc.map(|s| risks(cx.texts, s))),
        risk_category: sc.map(|s| risk_category(s.result.ai_act_category)),
        lawful_basis: p.opt(sc.and_then(|s| note(s, "legal_basis"))),
        dpia: sc.map(|s| dpia(s.result.dpia)),
        fria: sc.map(fria),
        provider: spec.and_then(|s| provider(cx, &s.base_model)),
        models: spec
            .map(|s| {
                vec![
                    cx.catalog
                        .get(&s.base_model)
                        .map_or_else(|| s.base_model.clone(), |m| m.name.clone()),
                ]
            })
            .unwrap_or_default(),
        source_data: spec.map(|s| p.text(&source_data(cx, s))),
        methods_and_models: spec.map(|s| methods(cx, s)),
        monitoring: spec.map(|_| monitoring(cx.texts, uc)),
        contact_email: register.contact.clone(),
        website: register
            .website_base
            .as_deref()
            .map(|base| format!("{}/{}.html", base.trim_end_matches('/'), uc.row.id)),
        signoffs: signoffs(uc, register.show_names),
        gaps: Vec::new(),
    };
    r.note_gaps();
    r
}

/// `in use` when active on a target, `out of use` when deployed but switched off everywhere, else
/// `in development`.
fn status(uc: &UseCase) -> &'static str {
    if uc.in_use() {
        "in use"
    } else if !uc.deployed.is_empty() {
        "out of use"
    } else {
        "in development"
    }
}

/// Cuts at a word boundary and adds `…` so the result has at most `max` characters.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let next = if out.is_empty() {
            word.to_owned()
        } else {
            format!("{out} {word}")
        };
        if next.chars().count() + 1 > max {
            break;
        }
        out = next;
    }
    if out.is_empty() {
        out = text.chars().take(max - 1).collect();
    }
    format!("{}…", out.trim_end_matches([',', '.', ';', ':']))
}

/// An active answer's value when it is free text.
fn answer(s: &Screening, question: &str) -> Option<String> {
    let a = s.answers.get(question).filter(|a| !a.inactive)?;
    match &a.value {
        crate::model::screening::AnswerValue::One(v) if !v.trim().is_empty() => Some(v.clone()),
        _ => None,
    }
}

/// An active answer's note.
fn note(s: &Screening, question: &str) -> Option<String> {
    s.answers
        .get(question)
        .filter(|a| !a.inactive)
        .and_then(|a| a.note.clone())
        .filter(|n| !n.trim().is_empty())
}

/// An active assessment's reflection text.
fn answer_text(s: &Screening, question: &str) -> Option<String> {
    s.answers
        .get(question)
        .filter(|a| !a.inactive)
        .and_then(|a| a.text.clone())
        .filter(|n| !n.trim().is_empty())
}

fn is_yes(s: &Screening, question: &str) -> Option<bool> {
    let a = s.answers.get(question).filter(|a| !a.inactive)?;
    Some(a.value.has("yes"))
}

fn goal(t: &Texts, s: &Screening) -> Option<String> {
    let use_case = answer(s, "use_case")?;
    Some(match answer(s, "benefit") {
        Some(benefit) => fill(t.goal_benefit, &[("use_case", &use_case), ("benefit", &benefit)]),
        None => use_case,
    })
}

fn proportionality(t: &Texts, s: &Screening) -> Option<String> {
    match (is_yes(s, "proportionate"), note(s, "proportionate")) {
        (Some(true), Some(n)) => Some(format!("{} {n}", t.proportionate_yes)),
        (Some(true), None) => Some(t.proportionate_yes.to_owned()),
        _ => None,
    }
}

fn decision_process(t: &Texts, s: &Screening) -> String {
    if is_yes(s, "case_handling") == Some(true) {
        fill(
            t.in_case_handling,
            &[("note", &note(s, "case_handling").unwrap_or_default())],
        )
    } else {
        t.not_case_handling.to_owned()
    }
}

fn human_intervention(t: &Texts, s: &Screening) -> String {
    match (is_yes(s, "automated_decisions"), note(s, "automated_decisions")) {
        (Some(false) | None, Some(n)) => format!("{} {n}", t.no_automated_decisions),
        (Some(true), Some(n)) => n,
        _ => t.no_automated_decisions.to_owned(),
    }
}

fn risks(t: &Texts, s: &Screening) -> String {
    let count = |k: ActionKind| s.result.actions.iter().filter(|a| a.kind == k).count().to_string();
    fill(
        t.risks_summary,
        &[
            ("version", &s.questionnaire.version),
            ("tasks", &count(ActionKind::Task)),
            ("rules", &count(ActionKind::Rule)),
            ("considerations", &count(ActionKind::Consideration)),
        ],
    )
}

/// The AI Act category in the standard's words.
pub fn risk_category(c: AiActCategory) -> &'static str {
    match c {
        AiActCategory::Prohibited => "unacceptable",
        AiActCategory::HighRisk => "high risk",
        AiActCategory::Transparency => "limited risk",
        AiActCategory::Minimal => "minimal risk",
    }
}

fn dpia(d: Dpia) -> &'static str {
    d.as_str()
}

/// Required when an action of the screening rests on AI Act art. 27, or the use case is high-risk.
fn fria(s: &Screening) -> &'static str {
    let cites_27 = s
        .result
        .actions
        .iter()
        .any(|a| a.source.as_deref().is_some_and(|src| src.contains("art. 27")));
    if cites_27 || s.result.ai_act_category == AiActCategory::HighRisk {
        "required"
    } else {
        "not-required"
    }
}

fn provider(cx: &Context<'_>, base_model: &str) -> Option<String> {
    let m = cx.catalog.get(base_model)?;
    let hosting = match m.hosting {
        Hosting::Internal => cx.texts.hosting_internal,
        Hosting::EuCloud | Hosting::NonEuCloud => cx.texts.hosting_external,
    };
    Some(format!("{} ({hosting})", m.provider))
}

fn source_data(cx: &Context<'_>, s: &crate::model::specialist::Specialist) -> String {
    if s.knowledge.is_empty() {
        return cx.texts.no_knowledge.to_owned();
    }
    let files: Vec<String> = s
        .knowledge
        .iter()
        .map(|k| {
            let source = k
                .source
                .as_deref()
                .filter(|u| cx.publisher.is_public_url(u))
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            format!("{}{source}", k.description)
        })
        .collect();
    format!("{} {}", cx.texts.knowledge_lead, files.join("; "))
}

fn methods(cx: &Context<'_>, s: &crate::model::specialist::Specialist) -> String {
    let model = cx
        .catalog
        .get(&s.base_model)
        .map_or(s.base_model.as_str(), |m| m.name.as_str());
    let mut out = fill(cx.texts.method_prompt, &[("model", model)]);
    if !s.knowledge.is_empty() {
        out = format!("{out} {}", cx.texts.method_knowledge);
    }
    out
}

fn monitoring(t: &Texts, uc: &UseCase) -> String {
    let mut parts = vec![fill(t.monitoring_cases, &[("cases", &uc.test_cases.to_string())])];
    if let Some(last) = uc.evals.last() {
        let rate = percent(last.pass_rate);
        let date = last.started_at.get(..10).unwrap_or(&last.started_at);
        parts.push(fill(t.monitoring_rate, &[("rate", &rate), ("date", date)]));
    }
    parts.push(t.monitoring_drift.to_owned());
    parts.join(" ")
}

/// `87 %`.
pub fn percent(rate: f64) -> String {
    format!("{:.0} %", rate * 100.0)
}

fn signoffs(uc: &UseCase, show_names: bool) -> Vec<PublicSignoff> {
    uc.signoff
        .as_ref()
        .map(|st| {
            st.valid
                .iter()
                .map(|s| PublicSignoff {
                    role: s.role.clone(),
                    date: s.at.get(..10).unwrap_or(&s.at).to_owned(),
                    name: show_names.then(|| s.by.clone()),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_description_is_cut_at_a_word_within_150_characters() {
        let long = "ord ".repeat(80);
        let short = shorten(&long, SHORT_MAX);
        assert!(short.chars().count() <= SHORT_MAX, "{short}");
        assert!(short.ends_with("ord…"), "{short}");
        assert_eq!(shorten("kort  tekst", SHORT_MAX), "kort tekst");
    }

    #[test]
    fn the_ai_act_category_maps_to_the_standards_words() {
        assert_eq!(risk_category(AiActCategory::Transparency), "limited risk");
        assert_eq!(risk_category(AiActCategory::Prohibited), "unacceptable");
    }
}
