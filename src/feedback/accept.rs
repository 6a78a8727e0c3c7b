//! `aispec feedback accept`: reviewed drafts move from `.aispec/drafts/<id>.toml` into the specialist's
//! `tests.toml`, as the reviewer left them; `tests.toml` keeps its comments and layout (`toml_edit`).

use crate::msg;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use crate::error::UserError;
use crate::model::cases::CaseFile;

/// The two files after a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The new `tests.toml`.
    pub tests: String,
    /// What stays in the drafts file; `None` when no draft is left.
    pub drafts: Option<String>,
}

/// Moves the cases `ids` from the drafts text to the tests text (`None`: no `tests.toml` yet). `drafts_name`
/// and `tests_name` name the files in messages.
pub fn move_cases(
    drafts: &str,
    tests: Option<&str>,
    ids: &[String],
    drafts_name: &str,
    tests_name: &str,
) -> Result<Moved, UserError> {
    let mut draft_doc: DocumentMut = drafts.parse().map_err(|e: toml_edit::TomlError| {
        UserError::new(msg::f(
            "feedback.drafts_invalid",
            &[("file", &drafts_name), ("problem", &e.message())],
        ))
        .hint(msg::t("feedback.drafts_invalid_hint"))
    })?;
    let Some(Item::ArrayOfTables(list)) = draft_doc.get_mut("cases") else {
        return Err(
            UserError::new(msg::f("feedback.drafts_empty", &[("file", &drafts_name)]))
                .hint(msg::t("feedback.drafts_empty_hint")),
        );
    };
    let id_of = |t: &Table| t.get("id").and_then(Item::as_str).map(str::to_owned);
    let available: Vec<String> = list.iter().filter_map(id_of).collect();
    let missing: Vec<&String> = ids.iter().filter(|id| !available.contains(id)).collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        return Err(UserError::new(msg::f(
            "feedback.no_draft",
            &[("cases", &names.join(", ")), ("file", &drafts_name)],
        ))
        .hint(if available.is_empty() {
            msg::t("feedback.drafts_empty_hint").to_owned()
        } else {
            msg::f("feedback.drafts_are", &[("cases", &available.join(", "))])
        }));
    }
    let chosen: Vec<Table> = list
        .iter()
        .filter(|t| id_of(t).is_some_and(|id| ids.contains(&id)))
        .cloned()
        .collect();
    // The file's header comment belongs to its first table; it stays when that table moves.
    let header = list
        .get(0)
        .filter(|t| id_of(t).is_some_and(|id| ids.contains(&id)))
        .and_then(|t| t.decor().prefix())
        .and_then(|p| p.as_str())
        .map(str::to_owned);
    list.retain(|t| !id_of(t).is_some_and(|id| ids.contains(&id)));
    if let (Some(header), Some(first)) = (header, list.get_mut(0)) {
        let own = first
            .decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_owned();
        first
            .decor_mut()
            .set_prefix(format!("{header}{}", own.trim_start_matches('\n')));
    }
    let left = list.len();

    let tests_doc: DocumentMut = tests.unwrap_or_default().parse().map_err(|e: toml_edit::TomlError| {
        UserError::new(format!("{tests_name} is not valid TOML: {}", e.message()))
            .hint("fix it first (`aispec validate` shows where)")
    })?;
    let existing: Vec<String> = match tests_doc.get("cases") {
        None => Vec::new(),
        Some(Item::ArrayOfTables(l)) => l.iter().filter_map(id_of).collect(),
        Some(_) => {
            return Err(
                UserError::new(format!("{tests_name}: `cases` is not a list of [[cases]] tables"))
                    .hint("write the cases as [[cases]] tables, then accept again"),
            );
        }
    };
    if let Some(clash) = ids.iter().find(|id| existing.contains(id)) {
        return Err(UserError::new(format!("{tests_name} already has a case `{clash}`"))
            .hint(format!("rename the draft's id in {drafts_name}, then accept it")));
    }
    let mut text = tests.unwrap_or_default().trim_end().to_owned();
    for table in chosen {
        let mut one = DocumentMut::new();
        let mut aot = ArrayOfTables::new();
        aot.push(table);
        one.insert("cases", Item::ArrayOfTables(aot));
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(one.to_string().trim());
    }
    text.push('\n');
    // Appending whole [[cases]] tables is format-preserving; checking the result catches anything odd.
    let parsed: CaseFile = toml::from_str(&text).map_err(|e| {
        UserError::new(format!("{tests_name} would not be a valid case file: {}", e.message()))
            .hint(format!("fix the drafts in {drafts_name}, then accept again"))
    })?;
    debug_assert!(ids.iter().all(|id| parsed.cases.iter().any(|c| &c.id == id)));
    Ok(Moved {
        tests: text,
        drafts: (left > 0).then(|| draft_doc.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFTS: &str = "# Udkast\n[[cases]]\nid = \"feedback-a\"\nprompt = \"Spørgsmål A\"\n# reviewed\n\
                          [[cases.assert]]\ntype = \"llm-rubric\"\nvalue = \"Korrekt.\"\n\n\
                          [[cases]]\nid = \"feedback-b\"\nprompt = \"Spørgsmål B\"\n";
    const TESTS: &str =
        "# Klarsprog tests\n[defaults]\nthreshold = 0.8 # most\n\n[[cases]]\nid = \"kort\"\nprompt = \"Hej\"\n";

    #[test]
    fn moves_keep_both_files_formatting() {
        let ids = ["feedback-a".to_owned()];
        let moved = move_cases(DRAFTS, Some(TESTS), &ids, "d", "t").expect("moved");
        assert!(moved.tests.starts_with(TESTS.trim_end()), "{}", moved.tests);
        assert!(
            moved.tests.contains("[[cases.assert]]\ntype = \"llm-rubric\""),
            "{}",
            moved.tests
        );
        let cases: CaseFile = toml::from_str(&moved.tests).expect("cases");
        assert_eq!(
            cases.cases.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["kort", "feedback-a"]
        );
        let left = moved.drafts.expect("one left");
        assert!(left.starts_with("# Udkast") && !left.contains("feedback-a"), "{left}");
        let all = move_cases(DRAFTS, None, &["feedback-a".into(), "feedback-b".into()], "d", "t").expect("moved");
        assert_eq!(all.drafts, None);
    }

    #[test]
    fn unknown_drafts_and_clashes_are_refused() {
        let e = move_cases(DRAFTS, Some(TESTS), &["nope".into()], "d", "t").expect_err("unknown");
        assert!(e.to_string().contains("no draft nope"), "{e}");
        let clash = DRAFTS.replace("feedback-a", "kort");
        let e = move_cases(&clash, Some(TESTS), &["kort".into()], "d", "t").expect_err("clash");
        assert!(e.to_string().contains("already has a case `kort`"), "{e}");
    }
}
