//! The screening gate: a specialist reaches `approved` (and may be deployed) only when it traces back to a
//! screening that is complete, approved and signed by every role the screening requires. `approve` still
//! records signatures while the gate is shut; the specialist's state is then `blocked`. One exception: a
//! specialist adopted from the platform and unchanged since may be taken over as it is (see
//! [`unchanged_adoption`]).

use serde::Serialize;

use crate::model::screening::{Outcome, Screening};
use crate::model::specialist::{Adopted, Specialist};
use crate::signoff::State;
use crate::workspace::screenings::LoadError;
use crate::workspace::{LoadedSpecialist, Workspace};

/// One reason a specialist is blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// Stable code: `no-screening`, `unknown-screening`, `invalid-screening`, `screening-draft`,
    /// `screening-undecided`, `screening-refused`, `screening-unsigned` or `placeholder`.
    pub code: &'static str,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

/// Why the specialist linked to `screening` (its `screening` field) is blocked; empty when it is not.
pub fn check(ws: &Workspace, screening: Option<&str>) -> Vec<Block> {
    let Some(id) = screening.filter(|s| !s.is_empty()) else {
        if !ws.config.signoff.require_screening {
            return Vec::new();
        }
        return vec![Block {
            code: "no-screening",
            message: "no screening is linked, and every specialist must trace back to one".to_owned(),
            hint: "screen the use case with `aispec screen ID` and set `screening = \"ID\"` in specialist.toml \
                   (or opt out with `[signoff] require_screening = false` in aispec.toml)"
                .to_owned(),
        }];
    };
    match ws.screening(id) {
        Ok(doc) => check_screening(ws, &doc.value),
        Err(e @ LoadError::Missing { .. }) => vec![Block {
            code: "unknown-screening",
            message: e.to_string(),
            hint: e.hint(),
        }],
        Err(e @ LoadError::Invalid { .. }) => vec![Block {
            code: "invalid-screening",
            message: e.to_string(),
            hint: e.hint(),
        }],
    }
}

/// Why a screening does not yet allow its specialists to be approved.
pub fn check_screening(ws: &Workspace, s: &Screening) -> Vec<Block> {
    let id = &s.id;
    let mut out = Vec::new();
    if !s.is_complete() {
        out.push(Block {
            code: "screening-draft",
            message: format!(
                "screening `{id}` is a draft: {} required question(s) unanswered",
                s.result.unanswered.len()
            ),
            hint: format!("finish it with `aispec screen {id}` (or `aispec screen --rescreen {id}`)"),
        });
    }
    match s.result.outcome {
        Outcome::Refused => out.push(Block {
            code: "screening-refused",
            message: format!("screening `{id}` refused the use case"),
            hint: format!("a refused use case must not be deployed; see the stops in screenings/{id}/report.md"),
        }),
        Outcome::Undecided if s.is_complete() => out.push(Block {
            code: "screening-undecided",
            message: format!("screening `{id}` is undecided{}", open_tracks(s)),
            hint: format!(
                "clarify the open points in screenings/{id}/report.md, then re-screen with `aispec screen {id} --from QUESTION`"
            ),
        }),
        _ => {}
    }
    let st = crate::signoff::screening_status(ws, s);
    if st.state != State::Approved && s.result.outcome != Outcome::Refused {
        out.push(Block {
            code: "screening-unsigned",
            message: format!("screening `{id}` lacks sign-off by {}", st.missing.join(", ")),
            hint: format!(
                "sign the screening: `aispec approve screening {id} --role {} --by NAME`",
                st.missing.first().map_or("ROLE", String::as_str)
            ),
        });
    }
    out
}

/// `" (Må vi?: 2 reasons)"`-style summary of the tracks that are not approved.
fn open_tracks(s: &Screening) -> String {
    let parts: Vec<String> = crate::model::screening::Track::ALL
        .iter()
        .filter(|t| s.result.tracks.get(**t) != Outcome::Approved)
        .map(|t| {
            let n = s.result.why.get(t).map_or(0, Vec::len);
            format!("{}: {n} reason(s)", t.as_str())
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// Text left to fill in (`UDFYLD:`, `TODO:`) in the specialist's own files: nobody signs or deploys a
/// specialist that still says it is unfinished.
pub fn check_placeholders(s: &LoadedSpecialist) -> Vec<Block> {
    let Some((count, at)) = crate::validate::placeholders::first(s) else {
        return Vec::new();
    };
    vec![Block {
        code: "placeholder",
        message: format!("{count} placeholder(s) left to fill in (the first at {at})"),
        hint: format!(
            "write the real text in place of each {} or {}; `aispec validate` lists them",
            crate::placeholder::MARKERS[0],
            crate::placeholder::MARKERS[1]
        ),
    }]
}

/// The state after the gate: `blocked` when any block applies, else the sign-off state as it is.
pub fn state(own: State, blocks: &[Block]) -> State {
    if blocks.is_empty() { own } else { State::Blocked }
}

/// The blocks as one line each, for reasons shown by plan, deploy and export.
pub fn summary(blocks: &[Block]) -> String {
    blocks.iter().map(|b| b.message.clone()).collect::<Vec<_>>().join("; ")
}

/// The one exception to the gate: a specialist `aispec import` wrote from a live model, whose content is still
/// exactly what import wrote (its content hash equals the one in `adopted`). Deploying it with `--adopt`
/// changes nothing on the platform but the ownership marker, so it needs no screening and no sign-off — as
/// long as the plan shows no change to the live model (the plan checks that). Any later edit changes the hash
/// and the specialist takes the normal path.
pub fn unchanged_adoption<'a>(spec: &'a Specialist, content_hash: &str) -> Option<&'a Adopted> {
    spec.adopted.as_ref().filter(|a| a.content_hash == content_hash)
}

/// One line on an imported specialist's adoption, for `status`: whether `deploy --adopt` may take it over
/// without sign-off.
pub fn adoption_note(spec: &Specialist, content_hash: &str) -> Option<String> {
    let adopted = spec.adopted.as_ref()?;
    Some(if adopted.content_hash == content_hash {
        format!(
            "imported from {} and unchanged: `aispec deploy --adopt` takes over the live model as it is, without \
             screening or sign-off",
            adopted.from
        )
    } else {
        format!(
            "imported from {} and changed since: it needs its screening and sign-off before it is deployed",
            adopted.from
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unchanged_import_is_an_adoption() {
        let mut spec: Specialist = toml::from_str(
            "id = \"x\"\nname = \"X\"\nkind = \"assistent\"\nversion = \"0.1.0\"\nbase_model = \"m\"\n\
             [owner]\ndepartment = \"D\"\ncontact = \"C\"\n",
        )
        .expect("spec");
        assert!(unchanged_adoption(&spec, "sha256:a").is_none(), "not imported");
        assert!(adoption_note(&spec, "sha256:a").is_none());
        spec.adopted = Some(Adopted {
            from: "staging".into(),
            content_hash: "sha256:a".into(),
        });
        assert!(unchanged_adoption(&spec, "sha256:a").is_some());
        assert!(unchanged_adoption(&spec, "sha256:b").is_none(), "edited since");
        assert!(adoption_note(&spec, "sha256:a").is_some_and(|n| n.contains("unchanged")));
        assert!(adoption_note(&spec, "sha256:b").is_some_and(|n| n.contains("changed since")));
    }
}
