//! Checks on `aispec.toml` beyond its schema: references between its sections, and URLs that would leak a
//! key (credentials inside the URL, plain `http://` across the network).

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fsread::Limit;
use crate::http::{UrlProblem, check_base_url};
use crate::model::config::{CONFIG_FILE, Config};
use crate::secrets::looks_like_secret;
use crate::source::SourceFile;
use crate::workspace::Workspace;

/// URLs that would leak a key, and references to targets and providers that do not exist.
pub fn check(ws: &Workspace, diags: &mut Vec<Diagnostic>) {
    if !ws.config_diagnostics.is_empty() {
        return;
    }
    let Ok(text) = ws.files.read_text(Path::new(CONFIG_FILE), Limit::TEXT) else {
        return;
    };
    let src = SourceFile::new(Path::new(CONFIG_FILE), text);
    urls(&src, &ws.config, diags);
    platform_providers(&src, &ws.config, diags);
    eval_providers(&src, &ws.config, diags);
}

/// The schema only says that `api_key_env` has the wrong format; say why. A key pasted where the name of its
/// variable belongs has leaked (rotate it); anything else must be the name of an environment variable.
pub fn explain_api_key_env(ws: &Workspace, diags: &mut [Diagnostic]) {
    let raw: Option<toml::Table> = ws
        .files
        .read_text(Path::new(CONFIG_FILE), Limit::TEXT)
        .ok()
        .and_then(|t| toml::from_str(&t).ok());
    for d in diags.iter_mut() {
        let Some(target) = d
            .field
            .as_deref()
            .filter(|_| d.file == CONFIG_FILE && d.code == "invalid-format")
            .and_then(|f| f.strip_prefix("targets.")?.strip_suffix(".api_key_env"))
        else {
            continue;
        };
        let value = raw
            .as_ref()
            .and_then(|r| r.get("targets")?.get(target)?.get("api_key_env")?.as_str())
            .unwrap_or_default();
        if looks_like_secret(value) {
            d.code = "possible-secret";
            d.message = "looks like an API key itself; the key must never be written in a file".to_owned();
            d.hint = Some(
                "put the NAME of an environment variable here (for example AISPEC_STAGING_API_KEY), set the key \
                 in that variable, and rotate the key now: it may be in git history"
                    .to_owned(),
            );
        } else {
            d.message = "must be the name of an environment variable (letters, digits and `_`)".to_owned();
            d.hint = Some("for example AISPEC_STAGING_API_KEY".to_owned());
        }
    }
}

/// Target and provider URLs: no credentials inside, no plain `http://` across the network.
fn urls(src: &SourceFile, config: &Config, diags: &mut Vec<Diagnostic>) {
    for (name, target) in &config.targets {
        let pointer = format!("/targets/{name}/url");
        check_url(
            src,
            &pointer,
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
                src,
                &pointer,
                &table,
                &provider.base_url,
                provider.allow_insecure_http,
                diags,
            );
        }
    }
}

/// A `platform:<target>` provider needs that target.
fn platform_providers(src: &SourceFile, config: &Config, diags: &mut Vec<Diagnostic>) {
    for (name, provider) in &config.providers {
        if let Some(target) = provider.base_url.strip_prefix("platform:")
            && !config.targets.contains_key(target)
        {
            diags.push(
                Diagnostic::at_pointer(
                    src,
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
}

/// Eval's default providers, judge and embedder must be defined providers.
fn eval_providers(src: &SourceFile, config: &Config, diags: &mut Vec<Diagnostic>) {
    let Some(eval) = &config.eval else { return };
    let mut refs: Vec<(String, &String)> = eval
        .default_providers
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("/eval/default_providers/{i}"), p))
        .collect();
    if let Some(judge) = &eval.judge {
        refs.push(("/eval/judge".to_owned(), judge));
    }
    if let Some(embedder) = &eval.embedder {
        refs.push(("/eval/embedder".to_owned(), embedder));
    }
    for (pointer, name) in refs {
        if !config.providers.contains_key(name) {
            diags.push(
                Diagnostic::at_pointer(
                    src,
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
