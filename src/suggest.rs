//! "Did you mean …?" for every name a person types: specialist and screening ids, and role names. One place,
//! so every command answers a typo the same way.

/// The known name `given` most likely meant: the same name written with other case, spaces or Danish letters
/// (`Faglig-Systemejer`, `affaldshåndtering`), else the closest by edit distance when it is close enough to be a
/// typo.
pub fn closest<'a>(given: &str, known: &'a [String]) -> Option<&'a str> {
    let folded = crate::id::transliterate(given);
    if let Some(same) = known.iter().find(|k| crate::id::transliterate(k) == folded) {
        return Some(same.as_str());
    }
    crate::edit_distance::closest(&folded, known)
}

/// The hint for a name that is not among `known`: "did you mean `x`?", else `otherwise`.
pub fn hint(given: &str, known: &[String], otherwise: impl Into<String>) -> String {
    match closest(given, known) {
        Some(best) => format!("did you mean `{best}`?"),
        None => otherwise.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn typos_case_and_danish_letters_find_the_name() {
        let ids = names(&["affaldsguide", "affaldshaandtering", "klarsprog"]);
        assert_eq!(closest("affaldsgide", &ids), Some("affaldsguide"));
        assert_eq!(closest("affaldshåndtering", &ids), Some("affaldshaandtering"));
        assert_eq!(closest("Klarsprog", &ids), Some("klarsprog"));
        assert_eq!(closest("budget", &ids), None);
        let roles = names(&["faglig-systemejer", "legal"]);
        assert_eq!(closest("Faglig-Systemejer", &roles), Some("faglig-systemejer"));
        assert_eq!(closest("faglig systemejer", &roles), Some("faglig-systemejer"));
        assert_eq!(hint("legl", &roles, "x"), "did you mean `legal`?");
        assert_eq!(hint("dpo", &roles, "sign as one of: legal"), "sign as one of: legal");
    }
}
