//! `aispec import promptfoo FILE`: turn a promptfoo config into a suite under `suites/`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::eval::promptfoo::{self, Finding, Loader};
use crate::output::{Format, table};
use crate::validate::cases::SUITES_DIR;
use crate::workspace::Workspace;

/// What `--format json` prints.
#[derive(Debug, Serialize)]
struct Report {
    /// The suite's name, for `aispec eval --suite`.
    name: String,
    /// The suite file, relative to the workspace.
    suite: String,
    /// `written`, `exists` (not overwritten without --force) or `refused` (--strict found something to skip).
    result: &'static str,
    /// Prompt variants converted.
    prompts: usize,
    /// promptfoo tests read.
    tests: usize,
    /// Cases in the suite.
    cases: usize,
    /// Left out, changing what is tested.
    skipped: Vec<Finding>,
    /// Left out without changing what is tested.
    ignored: Vec<Finding>,
}

/// Runs `aispec import promptfoo CONFIG`.
pub fn run(
    ctx: &Ctx,
    rest: &[String],
    suite: Option<&str>,
    strict: bool,
    force: bool,
    format: Format,
) -> anyhow::Result<ExitStatus> {
    let [config] = rest else {
        return Err(UserError::new("say which promptfoo config to import")
            .hint("aispec import promptfoo promptfooconfig.yaml [--suite NAME] [--strict]")
            .into());
    };
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let _lock = super::lock_workspace(ctx, &ws)?;
    let path = ctx.cwd.join(config);
    let text = ws.files.read_text(&path, crate::fsread::Limit::TEXT).map_err(|e| {
        UserError::new(format!("cannot read {config}: {e}")).hint(format!(
            "{} (the config and its files must be inside the workspace)",
            e.hint()
        ))
    })?;
    let name = suite_name(suite, &path)?;
    let base = path.parent().unwrap_or(&ws.root).to_path_buf();
    let loader = Loader::new(&ws.files, &ws.root, &base);
    let shown = crate::diagnostic::display_path(path.strip_prefix(&ws.root).unwrap_or(&path));
    let conversion = promptfoo::convert(&loader, &shown, &text, &name)
        .map_err(|e| UserError::new(e).hint("see README, \"Coming from promptfoo\", for what aispec converts"))?;
    let rel = PathBuf::from(SUITES_DIR).join(format!("{name}.toml"));
    let mut report = Report {
        name: name.clone(),
        suite: crate::diagnostic::display_path(&rel),
        result: "written",
        prompts: conversion.prompts,
        tests: conversion.tests,
        cases: conversion.suite.cases.len(),
        skipped: conversion.found.skipped.clone(),
        ignored: conversion.found.ignored.clone(),
    };
    if strict && !report.skipped.is_empty() {
        report.result = "refused";
    } else if ws.files.exists(&rel) && !force {
        report.result = "exists";
    } else {
        let body = toml::to_string_pretty(&conversion.suite)
            .map_err(|e| UserError::new(format!("cannot write the suite as TOML: {e}")))?;
        let header = format!(
            "# Imported from {shown} by `aispec import promptfoo`.\n\
             # Check it with `aispec validate`, then run it with `aispec eval --suite {name} --providers …`.\n\n"
        );
        crate::fsutil::write_atomic(&ws.path(&rel), format!("{header}{body}").as_bytes())
            .map_err(|e| UserError::new(format!("cannot write {}: {e}", rel.display())))?;
    }
    match format {
        Format::Json => ctx.out.json(&report)?,
        Format::Human => ctx.out.print(&render(&report, &ctx.out.out))?,
    }
    Ok(if report.result == "written" {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// `--suite`, else the config's folder name (`promptfooconfig.yaml` says little), as a case-id-like slug.
fn suite_name(given: Option<&str>, config: &Path) -> Result<String, UserError> {
    if let Some(name) = given {
        if promptfoo::slug(name) != name {
            return Err(UserError::new(format!("`{name}` cannot name a suite")).hint(format!(
                "use lower-case letters, digits and -, for example `{}`",
                promptfoo::slug(name)
            )));
        }
        return Ok(name.to_owned());
    }
    let stem = config.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let from = if stem.starts_with("promptfooconfig") {
        config
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or(stem)
    } else {
        stem
    };
    let slug = promptfoo::slug(from);
    Ok(if slug.is_empty() { "promptfoo".to_owned() } else { slug })
}

fn render(r: &Report, style: &crate::output::Style) -> String {
    let mut out = match r.result {
        "written" => format!(
            "{} {} case(s) from {} prompt(s) × {} test(s) into {}\n",
            style.green("Imported"),
            r.cases,
            r.prompts,
            r.tests,
            r.suite
        ),
        "exists" => format!(
            "{} {} exists; nothing written (use --force)\n",
            style.yellow("Not imported:"),
            r.suite
        ),
        _ => format!(
            "{} {} part(s) cannot be converted and --strict is set; nothing written\n",
            style.red("Not imported:"),
            r.skipped.len()
        ),
    };
    for (title, list) in [
        ("Not converted (changes what is tested)", &r.skipped),
        ("Left to aispec.toml and eval's flags", &r.ignored),
    ] {
        if list.is_empty() {
            continue;
        }
        let mut t = table(["Where", "What", "Why"]);
        for f in list {
            t.add_row(vec![format!("{}:{}", f.file, f.line), f.what.clone(), f.why.clone()]);
        }
        out.push_str(&format!("\n{}\n{t}\n", style.bold(title)));
    }
    if r.result == "written" {
        out.push_str(&format!(
            "\nNext: `aispec validate`, then `aispec eval --suite {} --providers …`.\n",
            r.name
        ));
    }
    out
}
