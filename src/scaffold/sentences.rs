//! The conditional sentences of the specialist templates: each has an id, the condition over the [`Facts`] it
//! depends on, and its text. Templates ask for them by id (`say("id")`, `said(["a", "b"])`), so a sentence is
//! written exactly when its condition holds, and a test can check every one of them.

use std::collections::{BTreeMap, HashSet};

use minijinja::Value;
use serde::Deserialize;

use super::facts::Facts;
use super::{NewError, TEMPLATE_DIR};
use crate::questionnaire::expr::Conditions;
use crate::workspace::Workspace;

/// File name of the sentences beside the templates of one language.
pub const SENTENCES_FILE: &str = "sentences.toml";

/// The sentences file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceFile {
    /// Every conditional sentence.
    #[serde(rename = "sentence", default)]
    pub sentences: Vec<Sentence>,
}

/// One conditional sentence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sentence {
    /// How templates ask for it.
    pub id: String,
    /// The condition over the facts (`citizen_facing and no_personal_data`).
    pub when: String,
    /// What it rests on (law, policy or the screening's question), for people reading the file.
    #[serde(default)]
    pub basis: Option<String>,
    /// The text; may use the template variables (`{{ department }}`).
    pub text: String,
}

/// The sentences whose condition holds, rendered, by id; every known id maps to its text or to "".
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    texts: BTreeMap<String, String>,
}

impl Chosen {
    /// Ids of the sentences that hold, sorted.
    pub fn ids(&self) -> Vec<String> {
        self.texts
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Adds `say(id)` (the text or "") and `said(ids)` (the texts that hold, in the order asked) to `env`; an
    /// unknown id is a template error, so a typo cannot silently drop a sentence.
    pub fn install(&self, env: &mut minijinja::Environment<'static>) {
        let texts = self.texts.clone();
        let lookup = move |id: &str| -> Result<String, minijinja::Error> {
            texts.get(id).cloned().ok_or_else(|| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("no sentence `{id}` in {SENTENCES_FILE}"),
                )
            })
        };
        let one = lookup.clone();
        env.add_function("say", move |id: &str| one(id));
        env.add_function(
            "said",
            move |ids: Vec<String>| -> Result<Vec<String>, minijinja::Error> {
                let mut out = Vec::new();
                for id in ids {
                    let text = lookup(&id)?;
                    if !text.is_empty() {
                        out.push(text);
                    }
                }
                Ok(out)
            },
        );
    }
}

/// Loads the workspace's (or the built-in) sentences for `lang`.
pub fn load(ws: &Workspace, lang: &str) -> Result<(String, SentenceFile), NewError> {
    let name = format!("{TEMPLATE_DIR}/{lang}/{SENTENCES_FILE}");
    let source = super::template_source(ws, &name)?;
    let file: SentenceFile = toml::from_str(&source).map_err(|e| NewError::Template {
        name: name.clone(),
        message: e.to_string(),
    })?;
    Ok((name, file))
}

/// Evaluates every sentence's condition over `facts` and renders the ones that hold with `context`.
pub fn choose(name: &str, file: &SentenceFile, facts: &Facts, context: &Value) -> Result<Chosen, NewError> {
    let conditions = Conditions::new();
    let scope = facts.scope();
    let known: HashSet<String> = Facts::names().into_iter().collect();
    let env = minijinja::Environment::new();
    let mut texts = BTreeMap::new();
    for s in &file.sentences {
        let bad = |message: String| NewError::Template {
            name: name.to_owned(),
            message: format!("sentence `{}`: {message}", s.id),
        };
        let vars = conditions.variables(&s.when).map_err(|e| bad(e.to_string()))?;
        if let Some(unknown) = vars.iter().find(|v| !known.contains(*v)) {
            let mut names: Vec<String> = known.iter().cloned().collect();
            names.sort();
            return Err(bad(format!(
                "`when` reads `{unknown}`, which is not a fact; use one of: {}",
                names.join(", ")
            )));
        }
        let holds = conditions.holds(&s.when, &scope).map_err(|e| bad(e.to_string()))?;
        let text = if holds {
            env.render_str(&s.text, context)
                .map_err(|e| bad(format!("{e:#}")))?
                .trim()
                .to_owned()
        } else {
            String::new()
        };
        if texts.insert(s.id.clone(), text).is_some() {
            return Err(bad("the id is used twice".to_owned()));
        }
    }
    Ok(Chosen { texts })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SentenceFile {
        toml::from_str(text).expect("sentences")
    }

    fn citizen() -> Facts {
        Facts {
            citizen_facing: true,
            no_personal_data: true,
            ..Facts::default()
        }
    }

    #[test]
    fn a_sentence_is_rendered_only_when_its_condition_holds() {
        let f = file(
            r#"
[[sentence]]
id = "ai"
when = "citizen_facing and no_personal_data"
text = "Kontakt {{ department }}."
[[sentence]]
id = "staff"
when = "staff_facing"
text = "Kun for medarbejdere."
"#,
        );
        let ctx = minijinja::context! { department => "Kredsløb" };
        let chosen = choose("s", &f, &citizen(), &ctx).expect("chosen");
        assert_eq!(chosen.ids(), ["ai"]);
        let mut env = minijinja::Environment::new();
        chosen.install(&mut env);
        let out = env
            .render_str(
                r#"{{ say("ai") }}|{{ say("staff") }}|{{ said(["staff", "ai"]) | join(",") }}"#,
                (),
            )
            .expect("render");
        assert_eq!(out, "Kontakt Kredsløb.||Kontakt Kredsløb.");
        let typo = env.render_str(r#"{{ say("ia") }}"#, ()).expect_err("unknown id");
        assert!(typo.to_string().contains("no sentence `ia`"), "{typo}");
    }

    #[test]
    fn a_condition_on_an_unknown_fact_or_a_repeated_id_is_an_error() {
        let f = file("[[sentence]]\nid = \"x\"\nwhen = \"citizen_facng\"\ntext = \"t\"\n");
        let e = choose("s", &f, &citizen(), &minijinja::context! {}).expect_err("unknown fact");
        assert!(e.to_string().contains("`citizen_facng`, which is not a fact"), "{e}");
        let f = file(
            "[[sentence]]\nid = \"x\"\nwhen = \"true\"\ntext = \"a\"\n[[sentence]]\nid = \"x\"\nwhen = \"true\"\ntext = \"b\"\n",
        );
        let e = choose("s", &f, &citizen(), &minijinja::context! {}).expect_err("twice");
        assert!(e.to_string().contains("used twice"), "{e}");
    }
}
