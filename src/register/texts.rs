//! Every sentence aispec writes into a register record itself, in Danish and English, in one place (to move
//! into the message catalogue when it lands).

use crate::model::config::Language;

/// The register's own sentences in one language.
pub struct Texts {
    /// Goal: the use case, then the benefit.
    pub goal_benefit: &'static str,
    /// Decision process when the use case is part of case handling.
    pub in_case_handling: &'static str,
    /// Decision process when it is not.
    pub not_case_handling: &'static str,
    /// Human intervention: no decision is left to the specialist.
    pub no_automated_decisions: &'static str,
    /// Proportionality answered yes without a note.
    pub proportionate_yes: &'static str,
    /// Risks: the screening's action list in numbers (`{tasks}`, `{rules}`, `{considerations}`, `{version}`).
    pub risks_summary: &'static str,
    /// Source data when the specialist has no knowledge files.
    pub no_knowledge: &'static str,
    /// Source data lead-in before the knowledge files.
    pub knowledge_lead: &'static str,
    /// Methods: a language model steered by a system prompt (`{model}`).
    pub method_prompt: &'static str,
    /// Methods: with knowledge files.
    pub method_knowledge: &'static str,
    /// Monitoring: test cases (`{cases}`).
    pub monitoring_cases: &'static str,
    /// Monitoring: the latest pass rate (`{rate}`, `{date}`).
    pub monitoring_rate: &'static str,
    /// Monitoring: drift check.
    pub monitoring_drift: &'static str,
    /// A URL that is not on a public host.
    pub internal_address: &'static str,
    /// Hosting words.
    pub hosting_internal: &'static str,
    /// Hosting words.
    pub hosting_external: &'static str,
}

const DA: Texts = Texts {
    goal_benefit: "{use_case} Forventet gevinst: {benefit}",
    in_case_handling: "Bruges i sagsbehandlingen som hjælp til medarbejderen. {note}",
    not_case_handling: "Bruges som hjælp i medarbejderens eget arbejde, ikke i sagsbehandling, der fører til en afgørelse.",
    no_automated_decisions: "Specialisten træffer ingen afgørelser. En medarbejder læser hvert svar, retter det til og står selv inde for det, før det bruges.",
    proportionate_yes: "Screeningen vurderer behandlingen som nødvendig og proportional.",
    risks_summary: "Risici er vurderet i kommunens AI-screening (spørgeskema {version}: Kan vi?, Må vi?, Bør vi?). Handlingslisten har {tasks} opgaver, {rules} regler og {considerations} overvejelser.",
    no_knowledge: "Ingen vidensfiler: svarene bygger på sprogmodellen og den tekst, medarbejderen selv indsætter.",
    knowledge_lead: "Vidensfiler:",
    method_prompt: "Generativ sprogmodel ({model}) styret af en systemprompt, der er versioneret og gennemgået i git.",
    method_knowledge: "Relevante afsnit af vidensfilerne hentes ind i samtalen (retrieval).",
    monitoring_cases: "{cases} testcases køres mod specialisten ved ændringer og platformsopgraderinger.",
    monitoring_rate: "Seneste beståelsesprocent: {rate} ({date}).",
    monitoring_drift: "Den udrullede version sammenlignes med git for at opdage ændringer uden om gennemgangen.",
    internal_address: "[intern adresse]",
    hosting_internal: "drives internt",
    hosting_external: "drives hos ekstern leverandør",
};

const EN: Texts = Texts {
    goal_benefit: "{use_case} Expected benefit: {benefit}",
    in_case_handling: "Used in case handling to help the case worker. {note}",
    not_case_handling: "Used to help staff in their own work, not in case handling that leads to a decision.",
    no_automated_decisions: "The specialist makes no decisions. A member of staff reads every answer, edits it and answers for it before it is used.",
    proportionate_yes: "The screening finds the processing necessary and proportionate.",
    risks_summary: "Risks were assessed in the municipality's AI screening (questionnaire {version}: can we, may we, should we). The action list has {tasks} tasks, {rules} rules and {considerations} considerations.",
    no_knowledge: "No knowledge files: answers rest on the language model and the text the member of staff pastes in.",
    knowledge_lead: "Knowledge files:",
    method_prompt: "Generative language model ({model}) steered by a system prompt that is versioned and reviewed in git.",
    method_knowledge: "Relevant passages of the knowledge files are retrieved into the conversation.",
    monitoring_cases: "{cases} test cases run against the specialist on every change and platform upgrade.",
    monitoring_rate: "Latest pass rate: {rate} ({date}).",
    monitoring_drift: "The deployed version is compared with git to catch changes made outside review.",
    internal_address: "[internal address]",
    hosting_internal: "run in-house",
    hosting_external: "run by an external provider",
};

/// The texts in `lang`.
pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::Da => &DA,
        Language::En => &EN,
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out.trim().to_owned()
}
