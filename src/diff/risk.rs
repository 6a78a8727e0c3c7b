//! Risky changes: what a reviewer must not miss in a specialist, screening or catalogue change.

use serde_json::Value;

use super::fields::{FieldChange, show};
use super::report::{ChangeKind, FileChange, Risk};
use crate::model::catalog::Catalog;
use crate::model::specialist::{Signoff, Specialist};

fn risk(code: &'static str, message: String) -> Risk {
    Risk { code, message }
}

/// Risks in a changed specialist.
pub fn specialist(
    old: &Specialist,
    new: &Specialist,
    catalogs: (&Catalog, &Catalog),
    knowledge: &[FileChange],
    voided: &[Signoff],
) -> Vec<Risk> {
    let mut out = Vec::new();
    let widened: Vec<&str> = new
        .access
        .groups
        .iter()
        .filter(|g| !old.access.groups.contains(g))
        .map(String::as_str)
        .collect();
    if !widened.is_empty() {
        out.push(risk(
            "access-widened",
            format!("access widened: new group(s) {}", widened.join(", ")),
        ));
    }
    model_risks(&mut out, old, new, catalogs);
    for (change, code, verb) in [
        (ChangeKind::Added, "knowledge-added", "added"),
        (ChangeKind::Removed, "knowledge-removed", "removed"),
    ] {
        let files: Vec<&str> = knowledge
            .iter()
            .filter(|k| k.change == change)
            .map(|k| k.file.as_str())
            .collect();
        if !files.is_empty() {
            out.push(risk(code, format!("knowledge {verb}: {}", files.join(", "))));
        }
    }
    behaviour_risks(&mut out, old, new);
    if !voided.is_empty() {
        let who: Vec<String> = voided.iter().map(|s| format!("{} ({})", s.role, s.by)).collect();
        out.push(risk(
            "signoffs-voided",
            format!("sign-off voided by this change: {}", who.join(", ")),
        ));
    }
    out
}

/// Another base model, or one that runs less controlled or is cleared for less sensitive data.
fn model_risks(out: &mut Vec<Risk>, old: &Specialist, new: &Specialist, catalogs: (&Catalog, &Catalog)) {
    if old.base_model != new.base_model {
        out.push(risk(
            "base-model-changed",
            format!("base model changed: {} → {}", old.base_model, new.base_model),
        ));
    }
    let (Some(a), Some(b)) = (catalogs.0.get(&old.base_model), catalogs.1.get(&new.base_model)) else {
        return;
    };
    if b.hosting > a.hosting {
        out.push(risk(
            "weaker-hosting",
            format!(
                "the model now runs less controlled: {} → {}",
                a.hosting.as_str(),
                b.hosting.as_str()
            ),
        ));
    }
    if b.max_data_class < a.max_data_class {
        out.push(risk(
            "weaker-hosting",
            format!(
                "the model is cleared for less sensitive data: {} → {}",
                a.max_data_class.as_str(),
                b.max_data_class.as_str()
            ),
        ));
    }
}

/// A higher temperature, and a usage notice removed or cut by more than half.
fn behaviour_risks(out: &mut Vec<Risk>, old: &Specialist, new: &Specialist) {
    let t0 = old.params.temperature.unwrap_or(0.0);
    if let Some(t1) = new.params.temperature.filter(|t| *t > t0) {
        let before = old
            .params
            .temperature
            .map_or("platform default".to_owned(), |t| t.to_string());
        out.push(risk(
            "temperature-raised",
            format!("temperature raised: {before} → {t1}"),
        ));
    }
    let (n0, n1) = (old.notice.trim(), new.notice.trim());
    if !n0.is_empty() && (n1.is_empty() || n1.chars().count() * 2 < n0.chars().count()) {
        let what = if n1.is_empty() {
            "removed"
        } else {
            "cut by more than half"
        };
        out.push(risk("notice-removed", format!("usage notice {what}")));
    }
}

/// Fields of a screening whose change alters what the use case is allowed to do.
const SCREENING_KEYS: &[&str] = &[
    "outcome",
    "ai_act_category",
    "data_classification",
    "allowed_hosting",
    "required_signoffs",
];

/// Risks in a changed screening: any change to its outcome, AI Act category, data class, hosting or roles.
pub fn screening(fields: &[FieldChange]) -> Vec<Risk> {
    fields
        .iter()
        .filter(|f| {
            SCREENING_KEYS
                .iter()
                .any(|k| f.field == *k || f.field.ends_with(&format!(".{k}")))
        })
        .map(|f| {
            let old = f.old.as_ref().map_or("—".to_owned(), show);
            let new = f.new.as_ref().map_or("—".to_owned(), show);
            risk("screening-changed", format!("{}: {old} → {new}", f.field))
        })
        .collect()
}

fn parse<T: serde::de::DeserializeOwned>(v: &Option<Value>) -> Option<T> {
    v.clone().and_then(|v| serde_json::from_value(v).ok())
}

/// Risks in a changed catalogue entry: it moved to a less controlled hosting or may now receive more sensitive data.
pub fn model(fields: &[FieldChange]) -> Vec<Risk> {
    use crate::model::catalog::{DataClass, Hosting};
    let mut out = Vec::new();
    for f in fields {
        match f.field.as_str() {
            "hosting" => {
                let (a, b): (Option<Hosting>, Option<Hosting>) = (parse(&f.old), parse(&f.new));
                if let (Some(a), Some(b)) = (a, b)
                    && b > a
                {
                    out.push(risk(
                        "model-weakened",
                        format!("hosting moved to {} (was {})", b.as_str(), a.as_str()),
                    ));
                }
            }
            "max_data_class" => {
                let (a, b): (Option<DataClass>, Option<DataClass>) = (parse(&f.old), parse(&f.new));
                if let (Some(a), Some(b)) = (a, b)
                    && b > a
                {
                    out.push(risk(
                        "model-weakened",
                        format!("may now receive {} data (was {})", b.as_str(), a.as_str()),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}
