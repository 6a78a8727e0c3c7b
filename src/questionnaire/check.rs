//! Meaning checks on a questionnaire: ids, options, dimensions, consequences and every condition (it must
//! compile and read only questions asked before it).

use std::collections::{HashMap, HashSet};

use super::evaluate::allowed_values;
use super::expr::Conditions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::questionnaire::{QuestionKind, Questionnaire};
use crate::model::screening::{Basis, Outcome};
use crate::source::SourceFile;

/// Names of the derived results, in the order they are derived (each rule list sees the ones before it).
const DERIVED: [&str; 4] = ["ai_act_category", "dpia", "data_classification", "allowed_hosting"];

/// Reports every meaning problem in `q` (parsed from `src`).
pub fn check(q: &Questionnaire, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    let err = |pointer: &str, code: &'static str, msg: String, hint: &str| {
        Diagnostic::at_pointer(src, pointer, Severity::Error, code, msg).with_hint(hint.to_owned())
    };
    let mut seen_tracks = HashSet::new();
    for (i, t) in q.tracks.iter().enumerate() {
        if !seen_tracks.insert(t.id) {
            diags.push(err(
                &format!("/tracks/{i}/id"),
                "duplicate-id",
                format!("track `{}` is listed twice", t.id.as_str()),
                "list each track once",
            ));
        }
    }
    let dimensions: HashSet<&str> = q.dimensions.iter().map(|d| d.id.as_str()).collect();
    let index: HashMap<&str, usize> = q
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.as_str(), i))
        .collect();
    let conditions = Conditions::new();
    let mut earlier: HashSet<&str> = HashSet::new();
    let mut seen_ids = HashSet::new();
    for question in q.ordered() {
        let i = index.get(question.id.as_str()).copied().unwrap_or_default();
        let at = |field: &str| format!("/questions/{i}{field}");
        if !seen_ids.insert(question.id.as_str()) {
            diags.push(err(
                &at("/id"),
                "duplicate-id",
                format!("question id `{}` is used twice", question.id),
                "question ids must be unique",
            ));
        }
        let choice = matches!(question.kind, QuestionKind::Choice | QuestionKind::MultiChoice);
        if choice && question.options.len() < 2 {
            diags.push(err(
                &at("/options"),
                "too-few",
                format!(
                    "`{}` is a {} question with fewer than 2 options",
                    question.id,
                    question.kind.as_str()
                ),
                "add [[questions.options]] entries",
            ));
        }
        if !choice && !question.options.is_empty() {
            diags.push(err(
                &at("/options"),
                "unused-options",
                format!(
                    "`{}` is a {} question; options are ignored",
                    question.id,
                    question.kind.as_str()
                ),
                "remove the options or make it a choice question",
            ));
        }
        let mut values = HashSet::new();
        for (j, o) in question.options.iter().enumerate() {
            if !values.insert(o.value.as_str()) {
                diags.push(err(
                    &at(&format!("/options/{j}/value")),
                    "duplicate-id",
                    format!("option `{}` is listed twice", o.value),
                    "option values must be unique within a question",
                ));
            }
        }
        match &question.dimension {
            Some(d) if !dimensions.contains(d.as_str()) => diags.push(err(
                &at("/dimension"),
                "unknown-dimension",
                format!("dimension `{d}` is not defined"),
                "add it under [[dimensions]] or fix the name",
            )),
            Some(_) if question.kind != QuestionKind::Choice => diags.push(err(
                &at("/dimension"),
                "dimension-kind",
                "only single choice questions add weights to a dimension".to_owned(),
                "make it a choice question or remove `dimension`",
            )),
            _ => {}
        }
        let allowed = allowed_values(question);
        for key in question.guidance.keys() {
            if !allowed.contains(key) {
                diags.push(err(
                    &at("/guidance"),
                    "unknown-answer",
                    format!("guidance for `{key}`, which is not an answer to `{}`", question.id),
                    &format!("use one of: {}", allowed.join(", ")),
                ));
            }
        }
        for (j, c) in question.consequences.iter().enumerate() {
            if c.basis == Basis::Law && c.source.is_none() {
                diags.push(unsourced(src, &at(&format!("/consequences/{j}"))));
            }
            if !allowed.contains(&c.on) {
                let hint = if allowed.is_empty() {
                    "free-text answers cannot trigger consequences".to_owned()
                } else {
                    format!("use one of: {}", allowed.join(", "))
                };
                diags.push(err(
                    &at(&format!("/consequences/{j}/on")),
                    "unknown-answer",
                    format!("`{}` is not an answer to `{}`", c.on, question.id),
                    &hint,
                ));
            }
        }
        if let Some(expr) = &question.when {
            check_expr(
                &conditions,
                expr,
                &earlier,
                src,
                &at("/when"),
                "questions asked before it",
                diags,
            );
        }
        earlier.insert(question.id.as_str());
    }

    check_groups(q, src, &index, diags);
    let mut known: HashSet<&str> = index.keys().copied().collect();
    known.insert("outcome");
    let mut flag_ids = HashSet::new();
    for (i, f) in q.flags.iter().enumerate() {
        let pointer = format!("/flags/{i}");
        if known.contains(f.id.as_str()) || DERIVED.contains(&f.id.as_str()) || !flag_ids.insert(f.id.as_str()) {
            diags.push(err(
                &format!("{pointer}/id"),
                "duplicate-id",
                format!(
                    "flag `{}` has the name of a question, a derived result or an earlier flag",
                    f.id
                ),
                "give every flag its own name",
            ));
        }
        check_expr(
            &conditions,
            &f.when,
            &known,
            src,
            &format!("{pointer}/when"),
            "question ids and earlier flags",
            diags,
        );
        known.insert(f.id.as_str());
    }
    for name in DERIVED {
        let rules: Vec<Option<&String>> = match name {
            "ai_act_category" => q.derive.ai_act_category.iter().map(|r| r.when.as_ref()).collect(),
            "dpia" => q.derive.dpia.iter().map(|r| r.when.as_ref()).collect(),
            "data_classification" => q.derive.data_classification.iter().map(|r| r.when.as_ref()).collect(),
            _ => q.derive.allowed_hosting.iter().map(|r| r.when.as_ref()).collect(),
        };
        for (i, when) in rules.iter().enumerate() {
            if let Some(expr) = when {
                let pointer = format!("/derive/{name}/{i}/when");
                check_expr(
                    &conditions,
                    expr,
                    &known,
                    src,
                    &pointer,
                    "question ids, flags and earlier results",
                    diags,
                );
            }
        }
        if rules.last().is_some_and(Option::is_some) {
            diags.push(err(
                &format!("/derive/{name}"),
                "no-default",
                format!("the last `derive.{name}` rule has a condition, so no rule may hold"),
                "end the list with a rule without `when` (the default)",
            ));
        }
        known.insert(name);
    }
    let all = "question ids, flags and derived results";
    for (i, r) in q.derive.required_signoffs.iter().enumerate() {
        let pointer = format!("/derive/required_signoffs/{i}/when");
        check_expr(&conditions, &r.when, &known, src, &pointer, all, diags);
    }
    let mut combination_ids = HashSet::new();
    for (i, c) in q.combinations.iter().enumerate() {
        let pointer = format!("/combinations/{i}");
        check_expr(
            &conditions,
            &c.when,
            &known,
            src,
            &format!("{pointer}/when"),
            all,
            diags,
        );
        if !combination_ids.insert(c.id.as_str()) {
            diags.push(err(
                &format!("{pointer}/id"),
                "duplicate-id",
                format!("combination `{}` is listed twice", c.id),
                "give every combination its own id",
            ));
        }
        if c.outcome == Outcome::Approved {
            diags.push(err(
                &format!("{pointer}/outcome"),
                "approving-combination",
                format!(
                    "combination `{}` would set the track to approved, which is the default",
                    c.id
                ),
                "use `undecided` or `refused`",
            ));
        }
    }
    for (i, a) in q.actions.iter().enumerate() {
        let pointer = format!("/actions/{i}");
        check_expr(
            &conditions,
            &a.when,
            &known,
            src,
            &format!("{pointer}/when"),
            all,
            diags,
        );
        if a.basis == Basis::Law && a.source.is_none() {
            diags.push(unsourced(src, &pointer));
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
