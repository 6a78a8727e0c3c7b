//! What the screening and the journey established, as named yes/no facts: every sentence `aispec new` writes
//! only when something holds is tied to one condition over these (see `sentences.toml` in the templates).
//! "Don't know" counts as the stricter answer, as everywhere in the screening.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::catalog::DataClass;
use crate::model::journey::Journey;
use crate::model::questionnaire::{DONT_KNOW, NO, YES};
use crate::model::screening::{AiActCategory, Screening};

/// The facts a sentence's `when` may read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// Citizens or businesses write to the specialist themselves (`citizen_facing`: yes or don't know).
    pub citizen_facing: bool,
    /// Only municipal staff use it.
    pub staff_facing: bool,
    /// Ordinary or sensitive personal data may be used (the screening's data class).
    pub personal_data: bool,
    /// No personal data may be used, so the specialist must turn it away.
    pub no_personal_data: bool,
    /// Confidential information may be used (`confidential_data`: yes or don't know).
    pub confidential: bool,
    /// It takes part in case handling (`case_handling`: yes or don't know).
    pub case_handling: bool,
    /// The screening established that a member of staff genuinely assesses every case (`automated_decisions`:
    /// no).
    pub human_review: bool,
    /// Users can check the answers themselves, and the policy that they must applies (`output_check` not hard).
    pub users_check: bool,
    /// Users cannot check the answers themselves (`output_check`: hard), so every answer must point to its source.
    pub unverifiable: bool,
    /// Citizens can get the same help through a channel without AI (`other_channel`: yes).
    pub other_channel: bool,
    /// AI-generated text is published on matters of public interest (`public_interest_text`: yes).
    pub publishes_text: bool,
    /// Staff answer for what they use of the answers (the municipality's policy for all but high-risk use).
    pub staff_responsible: bool,
    /// The use case is high-risk under the AI Act.
    pub high_risk: bool,
    /// The journey names source material.
    pub has_sources: bool,
    /// The journey names risks.
    pub has_risks: bool,
}

impl Facts {
    /// The facts of a screening and (when there is one) its journey.
    pub fn new(s: &Screening, journey: Option<&Journey>) -> Facts {
        let answer = |id: &str| -> Option<&str> {
            s.answers
                .get(id)
                .filter(|a| !a.inactive)
                .and_then(|a| a.value.values().first().copied())
        };
        let yes_or_unknown = |id: &str| matches!(answer(id), Some(YES | DONT_KNOW));
        let r = &s.result;
        let citizen_facing = yes_or_unknown("citizen_facing");
        let personal_data = r.data_classification >= DataClass::Personal;
        let high_risk = matches!(r.ai_act_category, AiActCategory::HighRisk | AiActCategory::Prohibited);
        Facts {
            citizen_facing,
            staff_facing: !citizen_facing,
            personal_data,
            no_personal_data: !personal_data,
            confidential: yes_or_unknown("confidential_data"),
            case_handling: yes_or_unknown("case_handling"),
            human_review: answer("automated_decisions") == Some(NO),
            users_check: answer("output_check").is_some_and(|v| v != "hard"),
            unverifiable: answer("output_check") == Some("hard"),
            other_channel: answer("other_channel") == Some(YES),
            publishes_text: answer("public_interest_text") == Some(YES),
            staff_responsible: !citizen_facing && !high_risk,
            high_risk,
            has_sources: journey.is_some_and(|j| !j.sources.is_empty()),
            has_risks: journey.is_some_and(|j| !j.risks.is_empty()),
        }
    }

    /// The facts by name, as conditions read them.
    pub fn scope(&self) -> BTreeMap<String, minijinja::Value> {
        let json = serde_json::to_value(self).unwrap_or_default();
        json.as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), minijinja::Value::from(v.as_bool().unwrap_or(false))))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The names of every fact.
    pub fn names() -> Vec<String> {
        Facts::default().scope().into_keys().collect()
    }
}
