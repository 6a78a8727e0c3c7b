//! Text left for a person to fill in: `UDFYLD:` (Danish) or `TODO:` (English), as `aispec new` writes it where
//! the screening or the journey did not say enough. `validate` warns about each one; `approve` and `deploy`
//! refuse a specialist while one is left.

use crate::model::config::Language;

/// The markers, as written (upper case, with the colon).
pub const MARKERS: [&str; 2] = ["UDFYLD:", "TODO:"];

/// The marker `aispec new` writes in `lang`.
pub fn marker(lang: Language) -> &'static str {
    match lang {
        Language::Da => MARKERS[0],
        Language::En => MARKERS[1],
    }
}

/// One placeholder in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The rest of the line from the marker on, trimmed (what is to be filled in).
    pub text: String,
}

/// Every placeholder in `text`, in order.
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some((at, marker)) = MARKERS
            .iter()
            .filter_map(|m| line[from..].find(m).map(|p| (from + p, *m)))
            .min_by_key(|(p, _)| *p)
        {
            let rest = line[at..].trim_end().trim_end_matches(['"', ',']);
            out.push(Found {
                line: i + 1,
                column: line[..at].chars().count() + 1,
                text: rest.to_owned(),
            });
            from = at + marker.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_marker_with_its_position() {
        let text = "# Rolle\n- UDFYLD: hvem bruger den?\nprompt = \"TODO: a question\"\nno todo: here\n";
        let found = find(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (2, 3));
        assert_eq!(found[0].text, "UDFYLD: hvem bruger den?");
        assert_eq!((found[1].line, found[1].column), (3, 11));
        assert_eq!(found[1].text, "TODO: a question");
    }

    #[test]
    fn two_on_one_line_and_none() {
        assert_eq!(find("UDFYLD: a TODO: b").len(), 2);
        assert!(find("Udfyld: ikke en markør, og todo heller ikke").is_empty());
    }
}
