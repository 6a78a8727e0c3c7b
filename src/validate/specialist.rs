//! Meaning checks on one specialist: id, model, prompt, context budget, personal data, knowledge, tests.

use serde::Serialize;

use super::limits::{KNOWLEDGE_RESERVE_TOKENS, QUESTION_RESERVE_TOKENS};
use super::personal_data::{self, Allow};
use super::{cases, knowledge};
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit_distance::closest;
use crate::model::catalog::{Catalog, CatalogModel, ModelStatus};
use crate::model::specialist::{PROMPT_FILE, Specialist};
use crate::source::SourceFile;
use crate::workspace::{LoadedSpecialist, Workspace};

/// The numbers behind the context-budget check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetNumbers {
    /// Estimated tokens in the system prompt.
    pub prompt_tokens: usize,
    /// Tokens reserved for the answer (`params.max_tokens`, else the model's maximum output).
    pub answer_tokens: usize,
    /// Tokens reserved for the question and, with knowledge, retrieved passages.
    pub reserve_tokens: usize,
    /// The model's context window.
    pub context_window: usize,
}

impl BudgetNumbers {
    /// Computes the budget for a specialist on a model.
    pub fn new(spec: &Specialist, prompt: &str, model: &CatalogModel) -> Self {
        let answer = spec.params.max_tokens.unwrap_or(model.max_output_tokens) as usize;
        let reserve = QUESTION_RESERVE_TOKENS
            + if spec.knowledge.is_empty() {
                0
            } else {
                KNOWLEDGE_RESERVE_TOKENS
            };
        BudgetNumbers {
            prompt_tokens: crate::tokens::estimate(prompt),
            answer_tokens: answer,
            reserve_tokens: reserve,
            context_window: model.context_window as usize,
        }
    }

    /// Tokens needed in total.
    pub fn total(&self) -> usize {
        self.prompt_tokens + self.answer_tokens + self.reserve_tokens
    }
}

/// Runs every per-specialist check.
pub fn check(ws: &Workspace, s: &LoadedSpecialist, catalog: Option<&Catalog>, diags: &mut Vec<Diagnostic>) {
    let prompt_file = check_prompt(s, diags);
    super::placeholders::check(s, diags);
    let Some(doc) = &s.spec else { return };
    let spec = &doc.value;
    let src = &doc.source;
    let hint = format!("set `id = \"{}\"` or rename the folder to `{}`", s.folder, spec.id);
    diags.extend(super::ids::mismatch(src, &spec.id, &s.folder, hint));
    if let Some(d) = super::ids::reserved(src, &spec.id) {
        diags.push(d);
    }
    // A broken catalogue is reported on its own; checking models against it would only add noise.
    let model = catalog.and_then(|c| check_model(spec, src, c, diags));
    if let (Some(model), Some(prompt)) = (model, prompt_file) {
        check_budget(spec, prompt, model, diags);
    }
    let list = allow_list(ws, spec);
    let allow = Allow {
        list: &list,
        file: "specialist.toml",
    };
    if let Some(prompt) = prompt_file {
        personal_data::scan_file(prompt, allow, diags);
        cases::check_system_variables(prompt, diags);
    }
    // Everything in specialist.toml is deployed (the marker carries the whole spec) or committed.
    personal_data::scan_toml(src, &["/privacy"], allow, diags);
    check_tags(spec, src, diags);
    super::adoption::check(ws, s, spec, src, diags);
    knowledge::check(ws, s, spec, src, allow, diags);
    if let Some(tests) = &s.tests {
        cases::check_file(&tests.source, &tests.value, diags);
        personal_data::scan_toml(&tests.source, &[], allow, diags);
    }
}

/// The specialist's own allow-list plus the workspace's.
fn allow_list(ws: &Workspace, spec: &Specialist) -> Vec<String> {
    spec.privacy
        .allow
        .iter()
        .chain(&ws.config.privacy.allow)
        .cloned()
        .collect()
}

fn check_prompt<'a>(s: &'a LoadedSpecialist, diags: &mut Vec<Diagnostic>) -> Option<&'a SourceFile> {
    let rel = s.dir.join(PROMPT_FILE);
    match &s.prompt {
        None if !s.prompt_unreadable => {
            diags.push(
                Diagnostic::at_path(
                    crate::diagnostic::display_path(&rel),
                    1,
                    1,
                    Severity::Error,
                    "missing-prompt",
                    "the system prompt file is missing",
                )
                .with_hint(format!(
                    "write the specialist's instructions in {}",
                    crate::diagnostic::display_path(&rel)
                )),
            );
            None
        }
        None => None,
        Some(p) if p.text.trim().is_empty() => {
            diags.push(
                Diagnostic::file(p, Severity::Error, "empty-prompt", "the system prompt is empty")
                    .with_hint("write the specialist's role, scope, tone and limits in Markdown"),
            );
            None
        }
        Some(p) => Some(p),
    }
}

fn check_model<'a>(
    spec: &Specialist,
    src: &SourceFile,
    catalog: &'a Catalog,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'a CatalogModel> {
    let Some(model) = catalog.get(&spec.base_model) else {
        let ids: Vec<String> = catalog.models.iter().map(|m| m.id.clone()).collect();
        let hint = match closest(&spec.base_model, &ids) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("use a model from models.toml: {}", ids.join(", ")),
        };
        diags.push(
            Diagnostic::at_pointer(
                src,
                "/base_model",
                Severity::Error,
                "unknown-model",
                format!("base model `{}` is not in the model catalogue", spec.base_model),
            )
            .with_hint(hint),
        );
        return None;
    };
    match model.status {
        ModelStatus::Retired => diags.push(
            Diagnostic::at_pointer(
                src,
                "/base_model",
                Severity::Error,
                "retired-model",
                format!("base model `{}` is retired", model.id),
            )
            .with_hint("move the specialist to an approved model from models.toml"),
        ),
        ModelStatus::Trial => diags.push(
            Diagnostic::at_pointer(
                src,
                "/base_model",
                Severity::Warning,
                "trial-model",
                format!("base model `{}` is in trial, not approved for production", model.id),
            )
            .with_hint("fine for experiments; use an approved model before deploying to production"),
        ),
        ModelStatus::Approved => {}
    }
    if let Some(max) = spec.params.max_tokens.filter(|m| *m > model.max_output_tokens) {
        diags.push(
            Diagnostic::at_pointer(
                src,
                "/params/max_tokens",
                Severity::Error,
                "max-tokens",
                format!(
                    "max_tokens {max} exceeds the {} output tokens `{}` can produce",
                    model.max_output_tokens, model.id
                ),
            )
            .with_hint(format!(
                "lower params.max_tokens to at most {}",
                model.max_output_tokens
            )),
        );
    }
    Some(model)
}

fn check_budget(spec: &Specialist, prompt: &SourceFile, model: &CatalogModel, diags: &mut Vec<Diagnostic>) {
    let b = BudgetNumbers::new(spec, &prompt.text, model);
    let numbers = format!(
        "system prompt ≈{} + answer {} + reserve {} = {} tokens; the context window of `{}` is {}",
        b.prompt_tokens,
        b.answer_tokens,
        b.reserve_tokens,
        b.total(),
        model.id,
        b.context_window
    );
    if b.total() > b.context_window {
        let over = b.total() - b.context_window;
        diags.push(
            Diagnostic::file(prompt, Severity::Error, "context-budget", format!("the specialist does not fit its model's context: {numbers}"))
                .with_hint(format!(
                    "shorten the prompt by about {over} tokens (≈{} words), lower params.max_tokens, or pick a model with a larger context",
                    over * 2 / 3 + 1
                )),
        );
    } else if b.total() * 10 > b.context_window * 9 {
        diags.push(
            Diagnostic::file(
                prompt,
                Severity::Warning,
                "context-budget",
                format!("the specialist uses over 90% of its context: {numbers}"),
            )
            .with_hint("long conversations will push out the first messages; consider a shorter prompt"),
        );
    }
}

fn check_tags(spec: &Specialist, src: &SourceFile, diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    for (i, tag) in spec.tags.iter().enumerate() {
        if !seen.insert(tag.to_lowercase()) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &format!("/tags/{i}"),
                    Severity::Warning,
                    "duplicate-tag",
                    format!("tag `{tag}` is listed twice"),
                )
                .with_hint("remove the duplicate"),
            );
        }
    }
}
