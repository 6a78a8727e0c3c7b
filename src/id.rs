//! The one id type for specialists and screenings. An id names a folder in the repository and a model on the
//! platform, so it is parsed once, where it enters (clap, the interactive prompt), and no command can forget a
//! check: no path, no `..`, nothing Windows cannot check out.

use std::fmt;
use std::str::FromStr;

/// Longest id accepted, in characters.
pub const MAX_LEN: usize = 64;

/// Names Windows reserves for devices: a folder with such a name cannot be checked out there.
const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A valid specialist or screening id: lowercase letters, digits and single dashes, at most 64 characters, not
/// a name Windows reserves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Nothing was given.
    #[error("the id is empty: {HOW}")]
    Empty,
    /// A path (slash, backslash, `..`, absolute) where an id belongs.
    #[error("`{0}` is a path, not an id: give just the folder name; {HOW}")]
    Path(String),
    /// Too long.
    #[error("`{0}` is longer than {MAX_LEN} characters: {HOW}")]
    TooLong(String),
    /// Characters outside `a-z`, `0-9` and `-`, or a dash at the start, the end or twice in a row.
    #[error("`{0}` is not a valid id: {HOW}{more}", more = suggestion(.0))]
    Characters(String),
    /// A name Windows reserves.
    #[error("`{0}` is a device name on Windows, so its folder could not be checked out there; choose another id")]
    Reserved(String),
}

const HOW: &str =
    "ids use lowercase letters a-z, digits and single dashes, at most 64 characters, for example `klarsprog`";

impl Id {
    /// Checks `text` and wraps it.
    pub fn parse(text: &str) -> Result<Id, IdError> {
        if text.is_empty() {
            return Err(IdError::Empty);
        }
        if text.contains(['/', '\\']) || text.contains("..") {
            return Err(IdError::Path(text.to_owned()));
        }
        if text.chars().count() > MAX_LEN {
            return Err(IdError::TooLong(text.to_owned()));
        }
        let well_formed = text
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !well_formed {
            return Err(IdError::Characters(text.to_owned()));
        }
        if WINDOWS_RESERVED.contains(&text) {
            return Err(IdError::Reserved(text.to_owned()));
        }
        Ok(Id(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Id {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Id::parse(s)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for Id {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::path::Path> for Id {
    fn as_ref(&self) -> &std::path::Path {
        std::path::Path::new(&self.0)
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.0
    }
}

/// `text` as an id would write it: lower case, æ, ø and å as ae, oe and aa (as Danish does without them),
/// accents dropped, and spaces, underscores and dots as single dashes.
pub fn transliterate(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().to_lowercase().chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'ü' => out.push('u'),
            'ö' => out.push('o'),
            'ä' => out.push('a'),
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => out.push(c),
            _ if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// `; did you mean `…`?` when the transliteration of `text` is a valid id.
fn suggestion(text: &str) -> String {
    let t = transliterate(text);
    match Id::parse(&t) {
        Ok(id) if t != text => {
            let danish = if text.to_lowercase().contains(['æ', 'ø', 'å']) {
                " (æ, ø and å are written ae, oe and aa)"
            } else {
                ""
            };
            format!("; did you mean `{id}`?{danish}")
        }
        _ => String::new(),
    }
}

/// The ids as plain strings, for library functions that take text.
pub fn strings(ids: &[Id]) -> Vec<String> {
    ids.iter().map(Id::to_string).collect()
}

/// True when `text` is a name Windows reserves (for checks on ids read from files).
pub fn is_windows_reserved(text: &str) -> bool {
    WINDOWS_RESERVED.contains(&text.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_ids_parse() {
        for ok in ["klarsprog", "aarhusai-start2", "a", "con-2", "console", &"a".repeat(64)] {
            assert_eq!(Id::parse(ok).map(|i| i.to_string()).as_deref(), Ok(ok));
        }
    }

    #[test]
    fn paths_are_not_ids() {
        for bad in ["../../victim", "/abs/path", "a/b", "..", "a..b", "a\\b", "C:\\x"] {
            assert_eq!(Id::parse(bad), Err(IdError::Path(bad.to_owned())), "{bad}");
        }
    }

    #[test]
    fn bad_characters_and_shapes_are_refused() {
        for bad in ["Klar", "a--b", "-a", "a-", "æble", "a b", "a.b", "a_b"] {
            assert_eq!(Id::parse(bad), Err(IdError::Characters(bad.to_owned())), "{bad}");
        }
        assert!(matches!(Id::parse(&"a".repeat(65)), Err(IdError::TooLong(_))));
        assert_eq!(Id::parse(""), Err(IdError::Empty));
    }

    #[test]
    fn danish_letters_and_capitals_get_the_transliteration() {
        let e = Id::parse("affaldshåndtering").expect_err("not an id");
        assert!(
            e.to_string()
                .ends_with("did you mean `affaldshaandtering`? (æ, ø and å are written ae, oe and aa)"),
            "{e}"
        );
        let e = Id::parse("Sundhed og Ældre").expect_err("not an id");
        assert!(e.to_string().contains("did you mean `sundhed-og-aeldre`?"), "{e}");
        let e = Id::parse("a--b").expect_err("not an id");
        assert!(e.to_string().ends_with("did you mean `a-b`?"), "{e}");
        assert!(!Id::parse("-").expect_err("x").to_string().contains("did you mean"));
    }

    #[test]
    fn windows_device_names_are_refused() {
        for bad in ["con", "nul", "aux", "prn", "com1", "com9", "lpt1", "lpt9"] {
            assert_eq!(Id::parse(bad), Err(IdError::Reserved(bad.to_owned())), "{bad}");
        }
        assert!(is_windows_reserved("CON"));
        assert!(!is_windows_reserved("com10"));
    }
}
