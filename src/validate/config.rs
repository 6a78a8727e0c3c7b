//! Checks on `aispec.toml` beyond its schema: references between its sections.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::config::CONFIG_FILE;
use crate::source::SourceFile;
use crate::workspace::Workspace;

/// Providers that point at targets, judges and default providers must exist.
pub fn check(ws: &Workspace, diags: &mut Vec<Diagnostic>) {
    if !ws.config_diagnostics.is_empty() {
        return;
    }
    let Ok(text) = std::fs::read_to_string(ws.path(CONFIG_FILE)) else {
        return;
    };
    let src = SourceFile::new(Path::new(CONFIG_FILE), text);
    let config = &ws.config;
    for (name, provider) in &config.providers {
        if let Some(target) = provider.base_url.strip_prefix("platform:")
            && !config.targets.contains_key(target)
        {
            diags.push(
                Diagnostic::at_pointer(
                    &src,
                    &format!("/providers/{name}/base_url"),
                    Severity::Error,
                    "unknown-target",
                    format!("provider `{name}` uses target `{target}`, which is not defined"),
                )
                .with_hint(format!(
                    "add [targets.{target}] or use one of: {}",
                    names(config.targets.keys())
                )),
            );
        }
    }
    if let Some(eval) = &config.eval {
        let mut refs: Vec<(String, &String)> = eval
            .default_providers
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("/eval/default_providers/{i}"), p))
            .collect();
        if let Some(judge) = &eval.judge {
            refs.push(("/eval/judge".to_owned(), judge));
        }
        for (pointer, name) in refs {
            if !config.providers.contains_key(name) {
                diags.push(
                    Diagnostic::at_pointer(
                        &src,
                        &pointer,
                        Severity::Error,
                        "unknown-provider",
                        format!("provider `{name}` is not defined"),
                    )
                    .with_hint(format!(
                        "add [providers.{name}] or use one of: {}",
                        names(config.providers.keys())
                    )),
                );
            }
        }
    }
}

fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    let all: Vec<&str> = keys.map(String::as_str).collect();
    if all.is_empty() {
        "(none defined)".to_owned()
    } else {
        all.join(", ")
    }
}
