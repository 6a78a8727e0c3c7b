//! The Danish words the site shows for aispec's values, and a register record as label/value rows (to move
//! into the message catalogue when it lands).

use crate::model::screening::{ActionKind, AiActCategory, Dpia, Track};
use crate::register::{Record, UseCase};
use crate::signoff::State;

/// The sign-off state in Danish.
pub fn state_da(uc: &UseCase) -> &'static str {
    match uc.row.state {
        Some(State::Approved) => "godkendt",
        Some(State::InReview) => "til godkendelse",
        Some(State::Blocked) => "blokeret",
        Some(State::Draft) => "kladde",
        None => "ukendt",
    }
}

/// The AI Act category in Danish.
pub fn ai_act_da(c: AiActCategory) -> &'static str {
    match c {
        AiActCategory::Prohibited => "forbudt",
        AiActCategory::HighRisk => "højrisiko",
        AiActCategory::Transparency => "gennemsigtighedskrav",
        AiActCategory::Minimal => "minimal risiko",
    }
}

/// The DPIA result in Danish.
pub fn dpia_da(d: Dpia) -> &'static str {
    match d {
        Dpia::Required => "påkrævet",
        Dpia::Recommended => "anbefalet",
        Dpia::NotRequired => "ikke påkrævet",
    }
}

/// The track's question in Danish.
pub fn track_da(t: Track) -> &'static str {
    match t {
        Track::Complexity => "Kan vi?",
        Track::Law => "Må vi?",
        Track::Ethics => "Bør vi?",
    }
}

/// The kind of action in Danish.
pub fn kind_da(k: ActionKind) -> &'static str {
    match k {
        ActionKind::Task => "opgave",
        ActionKind::Consideration => "overvejelse",
        ActionKind::Rule => "regel",
        ActionKind::Stop => "stop",
    }
}

/// The record as label/value rows, in the standard's order.
pub fn record_rows(r: &Record) -> Vec<(String, String)> {
    let mut rows: Vec<(&str, Option<String>)> = vec![
        ("Navn (name)", Some(r.name.clone())),
        ("Organisation (organization)", r.organization.clone()),
        ("Afdeling (department)", r.department.clone()),
        ("Geografisk område (area)", r.area.clone()),
        ("Domæne (domain)", r.domain.clone()),
        ("Kort beskrivelse (description_short)", r.description_short.clone()),
        ("Type (type)", Some(r.kind.to_owned())),
        ("Status (status)", Some(r.status.to_owned())),
        ("Formål (goal)", r.goal.clone()),
        ("Påvirkning (impact)", r.impact.clone()),
        ("Proportionalitet (proportionality)", r.proportionality.clone()),
        (
            "Beslutningsproces (decision_making_process)",
            r.decision_making_process.clone(),
        ),
        (
            "Menneskelig indgriben (human_intervention)",
            r.human_intervention.clone(),
        ),
        ("Risikostyring (risks)", r.risks.clone()),
        ("Risikokategori (risk_category)", r.risk_category.map(str::to_owned)),
        ("Retsgrundlag (lawful_basis)", r.lawful_basis.clone()),
        ("DPIA (dpia)", r.dpia.map(str::to_owned)),
        ("FRIA (fria)", r.fria.map(str::to_owned)),
        ("Leverandør (provider)", r.provider.clone()),
        ("Modeller (models)", (!r.models.is_empty()).then(|| r.models.join(", "))),
        ("Data (source_data)", r.source_data.clone()),
        ("Metoder (methods_and_models)", r.methods_and_models.clone()),
        ("Overvågning (monitoring)", r.monitoring.clone()),
        ("Kontakt (contact_email)", r.contact_email.clone()),
        ("Webside (website)", r.website.clone()),
    ];
    rows.retain(|(_, v)| v.is_some());
    rows.into_iter().filter_map(|(k, v)| Some((k.to_owned(), v?))).collect()
}
