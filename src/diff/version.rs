//! Version rules: which change needs which semver bump, and whether a specialist's version was bumped enough.
//!
//! - **major**: users lose something or get a different model on the platform: `kind` changed, a group lost
//!   access, or the id changed (a renamed folder becomes a new Open WebUI model).
//! - **minor**: the behaviour changes: system prompt, base model, generation parameters, knowledge files or
//!   their list, tools, or new groups given access.
//! - **patch**: wording users see but that does not change answers: name, description, notice, tags,
//!   suggestion prompts, owner, privacy allow-list, screening link.
//! - **none**: sign-offs, `tests.toml`, and formatting or comments in `specialist.toml`.

use serde::Serialize;

/// A semver increment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Level {
    /// The word used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// The level a change to a top-level field of `specialist.toml` needs.
pub fn level_of_field(top: &str) -> Option<Level> {
    match top {
        "kind" | "id" => Some(Level::Major),
        "base_model" | "params" | "knowledge" | "tools" | "filters" | "actions" | "capabilities" | "builtin_tools"
        | "platform" | "active" => Some(Level::Minor),
        "version" | "signoffs" | "adopted" => None,
        _ => Some(Level::Patch),
    }
}

/// `version` increased by one `level`; pre-release and build metadata are dropped.
pub fn bump(version: &semver::Version, level: Level) -> semver::Version {
    let (major, minor, patch) = (version.major, version.minor, version.patch);
    let (major, minor, patch) = match level {
        Level::Major => (major + 1, 0, 0),
        Level::Minor => (major, minor + 1, 0),
        Level::Patch => (major, minor, patch + 1),
    };
    semver::Version::new(major, minor, patch)
}

/// Whether the version moved far enough for the changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionCheck {
    /// The bump the changes need.
    pub required: Level,
    /// Why, one reason per kind of change.
    pub reasons: Vec<String>,
    /// True when the new version is at least the old one bumped by `required`.
    pub ok: bool,
    /// The smallest version that satisfies the rule.
    pub suggested: String,
}

/// Checks `new` against `old` bumped by `required`. Only `major.minor.patch` counts, so `1.3.0-rc.1` satisfies a
/// minor bump from `1.2.x`. `None` when either version is not semver (`validate` reports that).
pub fn check(old: &str, new: &str, required: Level, reasons: Vec<String>) -> Option<VersionCheck> {
    let old = semver::Version::parse(old).ok()?;
    let new = semver::Version::parse(new).ok()?;
    let want = bump(&old, required);
    let triple = |v: &semver::Version| (v.major, v.minor, v.patch);
    Some(VersionCheck {
        required,
        reasons,
        ok: triple(&new) >= triple(&want),
        suggested: want.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps() {
        let v = semver::Version::parse("1.2.3-rc.1").expect("semver");
        assert_eq!(bump(&v, Level::Major).to_string(), "2.0.0");
        assert_eq!(bump(&v, Level::Minor).to_string(), "1.3.0");
        assert_eq!(bump(&v, Level::Patch).to_string(), "1.2.4");
    }

    #[test]
    fn checks() {
        let c = check("1.2.3", "1.2.3", Level::Minor, vec![]).expect("check");
        assert!(!c.ok);
        assert_eq!(c.suggested, "1.3.0");
        assert!(check("1.2.3", "1.2.4", Level::Patch, vec![]).expect("check").ok);
        assert!(!check("1.2.3", "1.2.4", Level::Minor, vec![]).expect("check").ok);
        assert!(check("1.2.3", "2.0.0", Level::Minor, vec![]).expect("check").ok);
        assert!(check("1.2.3", "1.3.0-rc.1", Level::Minor, vec![]).expect("check").ok);
        assert!(!check("1.2.3", "1.2.2", Level::Patch, vec![]).expect("check").ok);
        assert!(check("x", "1.0.0", Level::Patch, vec![]).is_none());
        assert_eq!(level_of_field("params"), Some(Level::Minor));
        assert_eq!(level_of_field("description"), Some(Level::Patch));
        assert_eq!(level_of_field("signoffs"), None);
    }
}
