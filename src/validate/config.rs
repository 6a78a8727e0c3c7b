//! Checks on `aispec.toml` beyond its schema: references between its sections, and URLs that would leak a
//! key (credentials inside the URL, plain `http://` across the network).

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::http::{UrlProblem, check_base_url};
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
    for (name, target) in &config.targets {
        check_url(
            &src,
            &format!("/targets/{name}/url"),
            &format!("targets.{name}"),
            &target.url,
            target.allow_insecure_http,
            diags,
        );
    }
    for (name, provider) in &config.providers {
        if !provider.base_url.starts_with("platform:") {
            let pointer = format!("/providers/{name}/base_url");
            let table = format!("providers.{name}");
            check_url(
                &src,
                &pointer,
                &table,
                &provider.base_url,
                provider.allow_insecure_http,
                diags,
            );
        }
    }
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

/// A URL that would leak the key: credentials in it are an error (never quoted), plain `http://` to another
/// machine a warning (deploy and eval refuse it unless the table sets `allow_insecure_http = true`).
fn check_url(src: &SourceFile, pointer: &str, table: &str, url: &str, allowed: bool, diags: &mut Vec<Diagnostic>) {
    let Err(problem) = check_base_url(url, allowed) else {
        return;
    };
    let (severity, code, message, hint) = match &problem {
        UrlProblem::Userinfo => (
            Severity::Error,
            "possible-secret",
            format!("the URL {problem}"),
            problem.hint().to_owned(),
        ),
        UrlProblem::InsecureHttp(_) => (
            Severity::Warning,
            "insecure-http",
            format!("the URL {problem}; deploy and eval refuse it"),
            format!(
                "use https://; if this network is trusted and has no TLS, set allow_insecure_http = true in [{table}]"
            ),
        ),
        // A wrong scheme is already a schema error for targets; providers also accept `platform:`.
        UrlProblem::Scheme(_) if table.starts_with("targets.") => return,
        UrlProblem::Scheme(_) | UrlProblem::Unparsable(_) => (
            Severity::Error,
            "invalid-url",
            format!("the URL {problem}"),
            problem.hint().to_owned(),
        ),
    };
    diags.push(Diagnostic::at_pointer(src, pointer, severity, code, message).with_hint(hint));
}

fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    let all: Vec<&str> = keys.map(String::as_str).collect();
    if all.is_empty() {
        "(none defined)".to_owned()
    } else {
        all.join(", ")
    }
}
