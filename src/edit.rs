//! Format-preserving edits of TOML files (through `toml_edit`): comments, blank lines, key order and string styles
//! the user chose stay as they were; only the value touched changes.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value, value};

use crate::model::specialist::Signoff;

/// A file that cannot be edited.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The text is not valid TOML.
    #[error("not valid TOML: {0}")]
    Syntax(String),
    /// A key has an unexpected type.
    #[error("`{key}` must be {expected}")]
    Shape {
        /// The key.
        key: &'static str,
        /// What it should be.
        expected: &'static str,
    },
}

fn parse(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>()
        .map_err(|e| EditError::Syntax(e.message().to_owned()))
}

/// Sets the top-level `version`, keeping the comment after it.
pub fn set_version(text: &str, version: &str) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    match doc.get_mut("version") {
        Some(Item::Value(v)) => {
            let decor = v.decor().clone();
            let mut new = Value::from(version);
            *new.decor_mut() = decor;
            *v = new;
        }
        Some(_) => {
            return Err(EditError::Shape {
                key: "version",
                expected: "a string",
            });
        }
        None => {
            doc.insert("version", value(version));
        }
    }
    Ok(doc.to_string())
}

/// Replaces the sign-offs of `signoff.role` with `signoff`, appended as `[[signoffs]]` at the end of the file
/// (or into an inline `signoffs = [...]` list when the file uses one).
pub fn put_signoff(text: &str, signoff: &Signoff) -> Result<String, EditError> {
    let mut doc = parse(text)?;
    let role_of = |t: &Table| t.get("role").and_then(Item::as_str).map(str::to_owned);
    match doc.get_mut("signoffs") {
        None => {
            let mut list = ArrayOfTables::new();
            list.push(signoff_table(signoff));
            doc.insert("signoffs", Item::ArrayOfTables(list));
        }
        Some(Item::ArrayOfTables(list)) => {
            list.retain(|t| role_of(t).as_deref() != Some(signoff.role.as_str()));
            list.push(signoff_table(signoff));
        }
        Some(Item::Value(Value::Array(list))) => {
            list.retain(|v| {
                v.as_inline_table().and_then(|t| t.get("role")).and_then(Value::as_str) != Some(signoff.role.as_str())
            });
            list.push(signoff_table(signoff).into_inline_table());
        }
        Some(_) => {
            return Err(EditError::Shape {
                key: "signoffs",
                expected: "a list of [[signoffs]] tables",
            });
        }
    }
    Ok(doc.to_string())
}

fn signoff_table(s: &Signoff) -> Table {
    let mut t = Table::new();
    t.insert("role", value(&s.role));
    t.insert("by", value(&s.by));
    t.insert("at", value(&s.at));
    t.insert("content_hash", value(&s.content_hash));
    if let Some(note) = &s.note {
        t.insert("note", value(note));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str =
        "# Klarsprog\nid = \"k\"\nversion = \"1.0.0\" # bump with aispec bump\n\n[owner]\n# who\ndepartment = \"D\"\n";

    fn signoff(role: &str, by: &str) -> Signoff {
        Signoff {
            role: role.to_owned(),
            by: by.to_owned(),
            at: "2026-01-01T00:00:00Z".to_owned(),
            content_hash: "sha256:ab".to_owned(),
            note: Some("ok".to_owned()),
        }
    }

    #[test]
    fn version_keeps_comments() {
        let out = set_version(SPEC, "1.1.0").expect("edit");
        assert_eq!(out, SPEC.replace("1.0.0", "1.1.0"));
    }

    #[test]
    fn signoffs_are_appended_and_replaced_per_role() {
        let once = put_signoff(SPEC, &signoff("a", "X")).expect("edit");
        assert!(once.starts_with(SPEC), "{once}");
        assert!(once.ends_with(
            "\n[[signoffs]]\nrole = \"a\"\nby = \"X\"\nat = \"2026-01-01T00:00:00Z\"\ncontent_hash = \"sha256:ab\"\nnote = \"ok\"\n"
        ));
        let twice = put_signoff(&once, &signoff("b", "Y")).expect("edit");
        let again = put_signoff(&twice, &signoff("a", "Z")).expect("edit");
        let parsed: toml::Table = toml::from_str(&again).expect("toml");
        let roles: Vec<(&str, &str)> = parsed["signoffs"]
            .as_array()
            .expect("list")
            .iter()
            .map(|t| (t["role"].as_str().expect("role"), t["by"].as_str().expect("by")))
            .collect();
        assert_eq!(roles, vec![("b", "Y"), ("a", "Z")]);
    }

    #[test]
    fn inline_lists_stay_inline() {
        let text = "id = \"k\"\nsignoffs = []\n";
        let out = put_signoff(text, &signoff("a", "X")).expect("edit");
        assert!(out.contains("signoffs = [{"), "{out}");
    }
}
