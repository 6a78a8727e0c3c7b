//! Capturing a user journey interactively, section by section, saving after every section.

use std::io;

use super::texts::Texts;
use crate::fsutil::write_atomic;
use crate::model::journey::{
    self, Journey, JourneyStatus, Persona, Risk, SourceKind, SourceMaterial, SuccessCriterion,
};
use crate::prompt::Prompter;
use crate::workspace::Workspace;

/// First line of every journey file.
const HEADER: &str = "# User journey, written by `aispec journey`; edit freely, then run `aispec validate`.\n";

/// Sets `status` from the sections filled in.
pub fn update_status(j: &mut Journey) {
    j.status = if j.missing_sections().is_empty() {
        JourneyStatus::Complete
    } else {
        JourneyStatus::Draft
    };
}

/// Writes `screenings/<id>/journey.toml` atomically; returns the workspace-relative path.
pub fn save(ws: &Workspace, j: &Journey) -> anyhow::Result<std::path::PathBuf> {
    let rel = journey::path(&j.id);
    let text = format!("{HEADER}{}", toml::to_string_pretty(j)?);
    write_atomic(&ws.path(&rel), text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", rel.display()))?;
    Ok(rel)
}

/// Asks for every empty section of `j` (filled sections are kept as they are), calling `save` after each.
pub fn interview(
    j: &mut Journey,
    p: &mut dyn Prompter,
    t: &Texts,
    save: &mut dyn FnMut(&Journey) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    p.say(t.get("journey.intro"))?;
    if j.title.trim().is_empty() {
        j.title = p.input(t.get("journey.title"), "", false)?.trim().to_owned();
    }
    if j.department.trim().is_empty() {
        j.department = p.input(t.get("journey.department"), "", true)?.trim().to_owned();
    }
    save(j)?;
    if j.personas.is_empty() {
        heading(p, t, "journey.personas")?;
        while let Some(role) = line(p, t.get("journey.persona_role"), j.personas.is_empty())? {
            let need = p.input(t.get("journey.persona_need"), "", false)?.trim().to_owned();
            j.personas.push(Persona { role, need });
        }
        save(j)?;
    }
    if j.trigger.trim().is_empty() {
        heading(p, t, "journey.trigger_heading")?;
        j.trigger = p.input(t.get("journey.trigger"), "", false)?.trim().to_owned();
        save(j)?;
    }
    for (key, prompt, list) in [
        ("journey.steps_today", "journey.step_today", &mut j.steps_today),
        ("journey.steps_with", "journey.step_with", &mut j.steps_with_specialist),
        ("journey.pain_points", "journey.pain_point", &mut j.pain_points),
    ] {
        if list.is_empty() {
            heading(p, t, key)?;
            while let Some(step) = line(p, &format!("{} {}", t.get(prompt), list.len() + 1), false)? {
                list.push(step);
            }
        }
    }
    save(j)?;
    if j.sources.is_empty() {
        heading(p, t, "journey.sources")?;
        while let Some(source) = ask_source(p, t)? {
            j.sources.push(source);
        }
        save(j)?;
    }
    if j.success_criteria.is_empty() {
        heading(p, t, "journey.success")?;
        while let Some(criterion) = line(p, t.get("journey.criterion"), j.success_criteria.is_empty())? {
            let measure = p.input(t.get("journey.measure"), "", false)?.trim().to_owned();
            j.success_criteria.push(SuccessCriterion { criterion, measure });
        }
        save(j)?;
    }
    if j.risks.is_empty() {
        heading(p, t, "journey.risks")?;
        while let Some(risk) = line(p, t.get("journey.risk"), false)? {
            let mitigation = p.input(t.get("journey.mitigation"), "", true)?.trim().to_owned();
            j.risks.push(Risk {
                risk,
                mitigation: Some(mitigation).filter(|m| !m.is_empty()),
            });
        }
    }
    update_status(j);
    save(j)
}

fn heading(p: &mut dyn Prompter, t: &Texts, key: &str) -> io::Result<()> {
    p.say(&format!("\n== {} ==", t.get(key)))
}

/// One line; `None` when left empty (ends a list). With `required`, empty lines are asked again.
fn line(p: &mut dyn Prompter, prompt: &str, required: bool) -> io::Result<Option<String>> {
    let text = p.input(prompt, "", !required)?;
    let text = text.trim();
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

fn ask_source(p: &mut dyn Prompter, t: &Texts) -> io::Result<Option<SourceMaterial>> {
    let Some(title) = line(p, t.get("journey.source_title"), false)? else {
        return Ok(None);
    };
    let kinds: Vec<String> = SourceKind::ALL
        .iter()
        .map(|k| t.get(&format!("source_kind.{}", k.as_str())).to_owned())
        .collect();
    let kind = p
        .select(t.get("journey.source_kind"), &kinds, None)?
        .and_then(|i| SourceKind::ALL.get(i).copied())
        .unwrap_or(SourceKind::Other);
    let location = p.input(t.get("journey.source_location"), "", false)?.trim().to_owned();
    let owner = p.input(t.get("journey.source_owner"), "", false)?.trim().to_owned();
    let last_updated = loop {
        let d = p.input(t.get("journey.source_updated"), "", true)?;
        let d = d.trim();
        if d.is_empty() {
            break None;
        }
        if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() {
            break Some(d.to_owned());
        }
        p.say(t.get("journey.bad_date"))?;
    };
    Ok(Some(SourceMaterial {
        title,
        kind,
        location,
        owner,
        last_updated,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Language;
    use crate::prompt::scripted::{Reply, Scripted};

    #[test]
    fn captures_every_section_and_saves_as_it_goes() {
        let t = Texts::load(None, Language::Da);
        let mut j = Journey::new("demo", "");
        let replies = vec![
            Reply::Type("Demo-rejse"),
            Reply::Type("Digitalisering"),
            Reply::Type("Sagsbehandler"),
            Reply::Type("Hurtige svar"),
            Reply::Type(""),
            Reply::Type("Et spørgsmål fra en borger"),
            Reply::Type("Slår op i vejledningen"),
            Reply::Type(""),
            Reply::Type("Spørger specialisten"),
            Reply::Type(""),
            Reply::Type("Vejledningen er lang"),
            Reply::Type(""),
            Reply::Type("Vejledning om X"),
            Reply::Pick("PDF"),
            Reply::Type("https://intra.example/x.pdf"),
            Reply::Type("Team X"),
            Reply::Type("2025-13-01"),
            Reply::Type("2025-11-01"),
            Reply::Type(""),
            Reply::Type("Kortere svartid"),
            Reply::Type("Under 2 minutter pr. spørgsmål efter 3 måneder"),
            Reply::Type(""),
            Reply::Type("Forkerte svar"),
            Reply::Type("Svar viser altid kilden"),
            Reply::Type(""),
        ];
        let mut p = Scripted::new(replies);
        let mut saves = 0;
        interview(&mut j, &mut p, &t, &mut |_| {
            saves += 1;
            Ok(())
        })
        .expect("interview");
        assert_eq!(j.status, JourneyStatus::Complete);
        assert_eq!(j.personas.len(), 1);
        assert_eq!(j.steps_today, ["Slår op i vejledningen"]);
        assert_eq!(j.sources[0].kind, SourceKind::Pdf);
        assert_eq!(j.sources[0].last_updated.as_deref(), Some("2025-11-01"));
        assert_eq!(j.risks[0].mitigation.as_deref(), Some("Svar viser altid kilden"));
        assert!(saves >= 6, "saved after each section: {saves}");
        assert!(
            p.transcript.iter().any(|l| l.contains("ÅÅÅÅ-MM-DD")),
            "bad dates are explained"
        );
    }
}
