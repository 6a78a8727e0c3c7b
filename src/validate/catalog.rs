//! Checks on the model catalogue beyond its schema.

use std::collections::HashSet;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::model::catalog::Catalog;

/// Unique ids and an output limit that fits the context window.
pub fn check(doc: &Document<Catalog>, diags: &mut Vec<Diagnostic>) {
    let (catalog, src) = (&doc.value, &doc.source);
    let mut seen = HashSet::new();
    for (i, m) in catalog.models.iter().enumerate() {
        if !seen.insert(m.id.as_str()) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &format!("/models/{i}/id"),
                    Severity::Error,
                    "duplicate-model",
                    format!("model `{}` is listed twice", m.id),
                )
                .with_hint("merge the two [[models]] entries"),
            );
        }
        if m.max_output_tokens > m.context_window {
            diags.push(
                Diagnostic::at_pointer(
                    src,
                    &format!("/models/{i}/max_output_tokens"),
                    Severity::Error,
                    "max-output",
                    format!(
                        "max_output_tokens {} is larger than context_window {}",
                        m.max_output_tokens, m.context_window
                    ),
                )
                .with_hint("the answer must fit inside the context window; lower max_output_tokens"),
            );
        }
    }
}
