//! Legal scenarios: answers → AI Act category, DPIA, data class, hosting, sign-offs and key actions, each resting
//! on the provision it names. Every scenario runs through `aispec screen --answers … --format json`, starting
//! from the clean answers (nothing to flag) with the scenario's answers on top.

use std::collections::BTreeSet;

use crate::screen::{Json, PERSONAL, screen_json, variant};
use crate::support::TestRepo;

struct Scenario {
    /// What the use case is.
    name: &'static str,
    /// The provision the expected result rests on.
    rests_on: &'static str,
    /// Start from the clean answers plus personal data answered so that nothing stops.
    personal: bool,
    /// Answers on top.
    answers: &'static [(&'static str, &'static str)],
    outcome: &'static str,
    category: &'static str,
    dpia: &'static str,
    data: &'static str,
    hosting: &'static [&'static str],
    signoffs: &'static [&'static str],
    /// Sources (or parts of them) of actions that must be on the list.
    actions: &'static [&'static str],
    /// Sources (or parts of them) of actions that must not be on the list.
    absent: &'static [&'static str],
}

const ALL_HOSTING: &[&str] = &["internal", "eu-cloud", "non-eu-cloud"];
const INTERNAL: &[&str] = &["internal"];
const EU: &[&str] = &["internal", "eu-cloud"];
const FRIA: &str = "AI-forordningen art. 27, stk. 1, 3 og 4";
const EU_DATABASE: &str = "AI-forordningen art. 49, stk. 3";
const EXPLANATION: &str = "AI-forordningen art. 86, stk. 1";
const OVERSIGHT: &str = "AI-forordningen art. 26, stk. 2";
const INFORM_PEOPLE: &str = "AI-forordningen art. 26, stk. 11";

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "proof-reading of public texts, bought in",
        rests_on: "AI-forordningen art. 4 (only AI literacy applies)",
        personal: false,
        answers: &[],
        outcome: "approved",
        category: "minimal",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &[],
        actions: &["Kommunens retningslinjer for brug af AI"],
        absent: &["GDPR art. 35", OVERSIGHT],
    },
    Scenario {
        name: "letters with names replaced by placeholders",
        rests_on: "GDPR betragtning 26 (pseudonymised data is personal data)",
        personal: true,
        answers: &[],
        outcome: "approved",
        category: "minimal",
        dpia: "recommended",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["legal"],
        actions: &[
            "GDPR art. 13 og 14",
            "GDPR art. 30 og 38",
            "GDPR art. 35, stk. 1",
            "GDPR art. 28, stk. 3",
        ],
        absent: &["GDPR art. 35, stk. 1 og 2"],
    },
    Scenario {
        name: "profiling outside Annex III",
        rests_on: "AI-forordningen art. 6, stk. 3, sidste afsnit (profiling only keeps Annex III systems high-risk); GDPR art. 35, stk. 3, litra a",
        personal: true,
        answers: &[("profiling", "yes"), ("automated_decisions", "no")],
        outcome: "approved",
        category: "minimal",
        dpia: "required",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &["GDPR art. 35, stk. 1 og 2", "GDPR art. 22, stk. 1"],
        absent: &[OVERSIGHT, FRIA],
    },
    Scenario {
        name: "profiling inside Annex III blocks the derogation",
        rests_on: "AI-forordningen art. 6, stk. 3, sidste afsnit",
        personal: true,
        answers: &[
            ("annex_iii_area", "[\"public_benefits\"]"),
            ("profiling", "yes"),
            ("automated_decisions", "no"),
        ],
        outcome: "approved",
        category: "high-risk",
        dpia: "required",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &[OVERSIGHT, FRIA, EU_DATABASE, EXPLANATION, INFORM_PEOPLE],
        absent: &["AI-forordningen art. 6, stk. 4"],
    },
    Scenario {
        name: "a narrow preparatory task in an Annex III area",
        rests_on: "AI-forordningen art. 6, stk. 3 og 4",
        personal: false,
        answers: &[
            ("annex_iii_area", "[\"public_benefits\"]"),
            ("annex_iii_derogation", "yes"),
            ("automated_decisions", "no"),
        ],
        outcome: "approved",
        category: "minimal",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &["AI-forordningen art. 6, stk. 4, og art. 49, stk. 2"],
        absent: &[OVERSIGHT, FRIA],
    },
    Scenario {
        name: "critical infrastructure (Annex III point 2)",
        rests_on: "AI-forordningen art. 27, stk. 1, art. 49, stk. 3, og art. 86, stk. 1 (point 2 excluded)",
        personal: false,
        answers: &[
            ("annex_iii_area", "[\"critical_infrastructure\"]"),
            ("annex_iii_derogation", "no"),
        ],
        outcome: "approved",
        category: "high-risk",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &[OVERSIGHT, "AI-forordningen art. 26, stk. 5 og 6", INFORM_PEOPLE],
        absent: &[FRIA, EU_DATABASE, EXPLANATION],
    },
    Scenario {
        name: "public benefits eligibility support",
        rests_on: "AI-forordningen bilag III, punkt 5, litra a; art. 26, 27 (incl. stk. 3), 49, stk. 3, og 86",
        personal: true,
        answers: &[
            ("annex_iii_area", "[\"public_benefits\"]"),
            ("annex_iii_derogation", "no"),
            ("case_handling", "yes"),
            ("automated_decisions", "no"),
        ],
        outcome: "approved",
        category: "high-risk",
        dpia: "required",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &[
            FRIA,
            EU_DATABASE,
            EXPLANATION,
            INFORM_PEOPLE,
            "Forvaltningsloven § 19",
            "Offentlighedsloven § 13",
        ],
        absent: &[],
    },
    Scenario {
        name: "special categories answered don't know",
        rests_on: "GDPR art. 9 (don't know counts as yes for every derived result, without stopping)",
        personal: true,
        answers: &[("special_categories", "dont_know")],
        outcome: "approved",
        category: "minimal",
        dpia: "required",
        data: "sensitive-personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &["GDPR art. 9"],
        absent: &[],
    },
    Scenario {
        name: "HR ranking of job applicants",
        rests_on: "AI-forordningen bilag III, punkt 4, litra a, art. 26, stk. 7; GDPR art. 22; databeskyttelsesloven § 12",
        personal: true,
        answers: &[
            ("annex_iii_area", "[\"employment_recruitment\"]"),
            ("profiling", "yes"),
            ("automated_decisions", "no"),
        ],
        outcome: "approved",
        category: "high-risk",
        dpia: "required",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &[
            "AI-forordningen art. 26, stk. 7",
            "Databeskyttelsesloven § 12",
            "GDPR art. 22, stk. 1",
            FRIA,
            EXPLANATION,
        ],
        absent: &[],
    },
    Scenario {
        name: "HR ranking where the score decides, without a basis in law",
        rests_on: "GDPR art. 22, stk. 1 og 2, litra b; EU-Domstolens dom i sag C-634/21",
        personal: true,
        answers: &[
            ("annex_iii_area", "[\"employment_recruitment\"]"),
            ("profiling", "yes"),
            ("automated_decisions", "yes"),
            ("automated_decision_basis", "no"),
        ],
        outcome: "refused",
        category: "high-risk",
        dpia: "required",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &["GDPR art. 22, stk. 1 og 2, litra b"],
        absent: &[],
    },
    Scenario {
        name: "automated decisions with a specific basis in law",
        rests_on: "GDPR art. 22, stk. 2, litra b",
        personal: true,
        answers: &[
            ("case_handling", "yes"),
            ("automated_decisions", "yes"),
            ("automated_decision_basis", "yes"),
        ],
        outcome: "approved",
        category: "minimal",
        dpia: "required",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &["GDPR art. 22, stk. 2, litra b"],
        absent: &[],
    },
    Scenario {
        name: "whether decisions are automated is unknown",
        rests_on: "GDPR art. 22 (don't know on a question that could stop leaves Må vi? undecided)",
        personal: true,
        answers: &[("case_handling", "yes"), ("automated_decisions", "dont_know")],
        outcome: "undecided",
        category: "minimal",
        dpia: "required",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &["GDPR art. 22, stk. 1"],
        absent: &[],
    },
    Scenario {
        name: "users cannot check the answers and errors can harm",
        rests_on: "Kan vi? combination rule `unverifiable_harm` (3 + 3 is under the threshold of 7)",
        personal: false,
        answers: &[("output_check", "hard"), ("error_impact", "harm")],
        outcome: "undecided",
        category: "minimal",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &[],
        actions: &[],
        absent: &[],
    },
    Scenario {
        name: "face recognition on camera images",
        rests_on: "GDPR art. 9, stk. 1; databeskyttelsesloven § 7; AI-forordningen bilag III, punkt 1, litra a (not art. 5, stk. 1, litra h)",
        personal: false,
        answers: &[("prohibited_realtime_biometric_id", "yes")],
        outcome: "refused",
        category: "high-risk",
        dpia: "not-required",
        data: "sensitive-personal",
        hosting: INTERNAL,
        signoffs: &["legal"],
        actions: &["GDPR art. 9, stk. 1 og 2; databeskyttelsesloven § 7; kommunal politik"],
        absent: &[],
    },
    Scenario {
        name: "citizen chatbot about benefits",
        rests_on: "AI-forordningen art. 50, stk. 1 og 5; forvaltningsloven § 7; GDPR art. 9",
        personal: true,
        answers: &[
            ("task_type", "knowledge_answers"),
            ("knowledge_base", "small_stable"),
            ("user_scale", "citizens"),
            ("citizen_facing", "yes"),
            ("duty_to_guide", "yes"),
            ("other_channel", "yes"),
            ("special_categories", "yes"),
        ],
        outcome: "approved",
        category: "transparency",
        dpia: "required",
        data: "sensitive-personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &[
            "AI-forordningen art. 50, stk. 1 og 5",
            "Webtilgængelighedsloven",
            "GDPR art. 9, stk. 2",
        ],
        absent: &["Forvaltningsloven § 7", "Kommunal politik"],
    },
    Scenario {
        name: "citizen chatbot that cannot ensure guidance",
        rests_on: "Forvaltningsloven § 7 (combination rule `guidance_not_ensured`); kommunal politik on another channel",
        personal: false,
        answers: &[
            ("citizen_facing", "yes"),
            ("duty_to_guide", "no"),
            ("other_channel", "no"),
        ],
        outcome: "undecided",
        category: "transparency",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &[],
        actions: &["Forvaltningsloven § 7", "Kommunal politik"],
        absent: &[],
    },
    Scenario {
        name: "translation of case documents with health data",
        rests_on: "GDPR art. 9, stk. 2; forvaltningsloven §§ 19 og 22-24; offentlighedsloven § 13",
        personal: true,
        answers: &[
            ("special_categories", "yes"),
            ("case_handling", "yes"),
            ("automated_decisions", "no"),
        ],
        outcome: "approved",
        category: "minimal",
        dpia: "required",
        data: "sensitive-personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &[
            "GDPR art. 9, stk. 2; databeskyttelsesloven § 7",
            "Forvaltningsloven § 19",
            "Forvaltningsloven §§ 22-24",
            "Offentlighedsloven § 13",
            "Kommunens informationssikkerhedspolitik og AarhusAI-platformens DPIA",
        ],
        absent: &[],
    },
    Scenario {
        name: "generated campaign images, built by the municipality",
        rests_on: "AI-forordningen art. 50, stk. 2 og 4; art. 3, nr. 3",
        personal: false,
        answers: &[
            ("synthetic_media", "yes"),
            ("prohibited_intimate_imagery", "no"),
            ("provider_role", "yes"),
        ],
        outcome: "approved",
        category: "transparency",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &[
            "AI-forordningen art. 50, stk. 2 og 4",
            "AI-forordningen art. 3, nr. 3, og art. 50, stk. 1 og 2",
        ],
        absent: &[],
    },
    Scenario {
        name: "summary of citizen complaints for a politician",
        rests_on: "AI-forordningen art. 3, nr. 39 (judging the tone of text is not emotion recognition)",
        personal: true,
        answers: &[("ethics_society", "medium")],
        outcome: "approved",
        category: "minimal",
        dpia: "recommended",
        data: "personal",
        hosting: INTERNAL,
        signoffs: &["legal"],
        actions: &["GDPR art. 13 og 14"],
        absent: &["AI-forordningen art. 50, stk. 3", OVERSIGHT],
    },
    Scenario {
        name: "emotion recognition of citizens from video",
        rests_on: "AI-forordningen art. 50, stk. 3, og bilag III, punkt 1, litra c",
        personal: false,
        answers: &[("emotion_or_biometric_notice", "yes")],
        outcome: "approved",
        category: "high-risk",
        dpia: "not-required",
        data: "sensitive-personal",
        hosting: INTERNAL,
        signoffs: &["legal"],
        actions: &["AI-forordningen art. 50, stk. 3", FRIA],
        absent: &[],
    },
    Scenario {
        name: "AI text published on matters of public interest without an editor",
        rests_on: "AI-forordningen art. 50, stk. 4",
        personal: false,
        answers: &[("public_interest_text", "yes")],
        outcome: "approved",
        category: "transparency",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &[],
        actions: &["AI-forordningen art. 50, stk. 4"],
        absent: &[],
    },
    Scenario {
        name: "a prohibited practice answered don't know",
        rests_on: "AI-forordningen art. 5, stk. 1, litra c (don't know counts as yes, but never stops)",
        personal: false,
        answers: &[("prohibited_social_scoring", "dont_know")],
        outcome: "undecided",
        category: "prohibited",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &["AI-forordningen art. 5, stk. 1, litra c"],
        absent: &[],
    },
    Scenario {
        name: "confidential negotiations",
        rests_on: "Forvaltningsloven § 27; kommunens informationssikkerhedspolitik (policy)",
        personal: false,
        answers: &[("confidential_data", "yes")],
        outcome: "approved",
        category: "minimal",
        dpia: "not-required",
        data: "confidential",
        hosting: INTERNAL,
        signoffs: &[],
        actions: &["Kommunens informationssikkerhedspolitik; forvaltningsloven § 27"],
        absent: &[],
    },
    Scenario {
        name: "personal data with a processing agreement and a transfer basis",
        rests_on: "GDPR art. 28, stk. 3, og kapitel V",
        personal: true,
        answers: &[("processor_agreement", "yes"), ("third_country_transfer", "yes")],
        outcome: "approved",
        category: "minimal",
        dpia: "recommended",
        data: "personal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &["GDPR art. 44-46"],
        absent: &["GDPR art. 28, stk. 3"],
    },
    Scenario {
        name: "personal data with a processing agreement, no transfer basis",
        rests_on: "GDPR kapitel V (art. 44-49)",
        personal: true,
        answers: &[("processor_agreement", "yes"), ("third_country_transfer", "no")],
        outcome: "approved",
        category: "minimal",
        dpia: "recommended",
        data: "personal",
        hosting: EU,
        signoffs: &["legal"],
        actions: &[],
        absent: &["GDPR art. 28, stk. 3"],
    },
    Scenario {
        name: "CPR numbers can be involved",
        rests_on: "Databeskyttelsesloven § 11 (allowed for authorities); keeping them out of prompts is platform policy",
        personal: true,
        answers: &[("cpr_numbers", "yes")],
        outcome: "approved",
        category: "minimal",
        dpia: "required",
        data: "sensitive-personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &["AarhusAI-platformens regler; databeskyttelsesloven § 11 tillader myndigheders brug"],
        absent: &[],
    },
    Scenario {
        name: "data about criminal offences",
        rests_on: "GDPR art. 10; databeskyttelsesloven § 8",
        personal: true,
        answers: &[("criminal_data", "yes")],
        outcome: "approved",
        category: "minimal",
        dpia: "required",
        data: "sensitive-personal",
        hosting: INTERNAL,
        signoffs: &["dpo", "legal"],
        actions: &["GDPR art. 10; databeskyttelsesloven § 8, stk. 1 og 2"],
        absent: &[],
    },
    Scenario {
        name: "medical-device software in care",
        rests_on: "AI-forordningen art. 6, stk. 1, og bilag I (no FRIA, registration or art. 86 on this route)",
        personal: false,
        answers: &[("safety_component", "yes")],
        outcome: "approved",
        category: "high-risk",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &["AI-forordningen art. 6, stk. 1, og art. 43, stk. 3", OVERSIGHT],
        absent: &[FRIA, EU_DATABASE, EXPLANATION, INFORM_PEOPLE],
    },
    Scenario {
        name: "the municipality builds a high-risk system itself",
        rests_on: "AI-forordningen art. 25, stk. 1, litra b og c; art. 16, 17, 43, 47 og 49, stk. 1",
        personal: false,
        answers: &[
            ("annex_iii_area", "[\"education_assessment\"]"),
            ("annex_iii_derogation", "no"),
            ("automated_decisions", "no"),
            ("provider_role", "yes"),
        ],
        outcome: "approved",
        category: "high-risk",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &["AI-forordningen art. 25, stk. 1, litra b og c, og art. 16, 17, 43, 47 og 49, stk. 1"],
        absent: &["AI-forordningen art. 26, stk. 1 og 4"],
    },
    Scenario {
        name: "record keeping and access to documents not settled",
        rests_on: "Offentlighedsloven §§ 7, 13 og 23; forvaltningsloven § 9",
        personal: false,
        answers: &[("record_keeping", "no")],
        outcome: "approved",
        category: "minimal",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &["Offentlighedsloven §§ 7, 13 og 23; forvaltningsloven § 9"],
        absent: &[],
    },
    Scenario {
        name: "an answers file from questionnaire 1.0.0 (one area as a string)",
        rests_on: "AI-forordningen bilag III, punkt 4 (old value `employment`), art. 26, stk. 7",
        personal: false,
        answers: &[
            ("annex_iii_area", "employment"),
            ("annex_iii_derogation", "no"),
            ("automated_decisions", "no"),
        ],
        outcome: "approved",
        category: "high-risk",
        dpia: "not-required",
        data: "internal",
        hosting: ALL_HOSTING,
        signoffs: &["legal"],
        actions: &[
            "AI-forordningen art. 26, stk. 7",
            "AI-forordningen bilag III, punkt 4",
            FRIA,
        ],
        absent: &[],
    },
];

fn check(s: &Scenario, code: i32, j: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |what: &str, got: String, want: String| {
        if got != want {
            problems.push(format!("{what}: got {got}, want {want}"));
        }
    };
    expect("outcome", j.outcome.clone(), s.outcome.to_owned());
    expect(
        "exit code",
        code.to_string(),
        if s.outcome == "refused" { "1" } else { "0" }.to_owned(),
    );
    expect("category", j.ai_act_category.clone(), s.category.to_owned());
    expect("dpia", j.dpia.clone(), s.dpia.to_owned());
    expect("data class", j.data_classification.clone(), s.data.to_owned());
    expect(
        "hosting",
        format!("{:?}", j.allowed_hosting),
        format!("{:?}", s.hosting),
    );
    expect(
        "sign-offs",
        format!("{:?}", j.required_signoffs),
        format!("{:?}", s.signoffs),
    );
    let sources: Vec<&str> = j.actions.iter().filter_map(|a| a.source.as_deref()).collect();
    for want in s.actions {
        if !sources.iter().any(|x| x.contains(want)) {
            problems.push(format!("no action rests on `{want}`"));
        }
    }
    for not in s.absent {
        if sources.iter().any(|x| x.contains(not)) {
            problems.push(format!("an action rests on `{not}`, which does not apply"));
        }
    }
    // What every scenario must also hold: explanations, no duplicates, lawyer points signed by a lawyer.
    for (track, outcome) in &j.tracks {
        let reasons = j.why.get(track).map_or(0, Vec::len);
        if (outcome != "approved") != (reasons > 0) {
            problems.push(format!("track {track} is {outcome} with {reasons} reason(s)"));
        }
    }
    let mut texts = BTreeSet::new();
    for a in &j.actions {
        if !texts.insert(&a.text) {
            problems.push(format!("action listed twice: {}", a.text));
        }
    }
    if j.actions.iter().any(|a| a.lawyer) && !j.required_signoffs.contains(&"legal".to_owned()) {
        problems.push("a point for the lawyer without a legal sign-off".to_owned());
    }
    problems
}

#[test]
fn legal_scenarios_give_the_results_the_law_requires() {
    assert!(SCENARIOS.len() >= 25, "the table must cover at least 25 scenarios");
    let repo = TestRepo::init();
    let mut failures = Vec::new();
    for s in SCENARIOS {
        assert!(!s.rests_on.is_empty(), "{}: cite the provision", s.name);
        let mut over: Vec<(&str, &str)> = if s.personal { PERSONAL.to_vec() } else { Vec::new() };
        over.extend_from_slice(s.answers);
        let (code, j) = screen_json(&repo, &variant(&over));
        if !j.unanswered.is_empty() {
            failures.push(format!("{}: unanswered {:?}", s.name, j.unanswered));
        }
        for p in check(s, code, &j) {
            failures.push(format!("{} ({}): {p}", s.name, s.rests_on));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
