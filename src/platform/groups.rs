//! Group names in specialists → group ids on a target. Names on the platform are not unique, so a name that
//! matches no group or several groups is an error, found before anything is written.

use std::collections::BTreeMap;

use serde::Serialize;

use super::types::Group;

/// Turns the names in `access.groups` into platform group ids.
#[derive(Debug, Clone)]
pub struct GroupResolver<'a> {
    /// Workspace aliases (`[groups]` in `aispec.toml`).
    pub aliases: &'a BTreeMap<String, String>,
    /// Per-target names (`[targets.T.groups]`).
    pub target_names: &'a BTreeMap<String, String>,
    /// The groups the key can see.
    pub groups: &'a [Group],
}

/// A group entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupProblem {
    /// The specialist.
    pub specialist: String,
    /// What the specialist wrote.
    pub entry: String,
    /// The platform name it maps to.
    pub name: String,
    /// How many groups have that name (0 = missing, 2+ = ambiguous).
    pub matches: usize,
}

impl std::fmt::Display for GroupProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let via = if self.entry == self.name {
            String::new()
        } else {
            format!(" (from `{}`)", self.entry)
        };
        match self.matches {
            0 => write!(
                f,
                "{}: group \"{}\"{via} does not exist on the target, or the key's user is not a member",
                self.specialist, self.name
            ),
            n => write!(
                f,
                "{}: group name \"{}\"{via} is ambiguous: {n} groups have it",
                self.specialist, self.name
            ),
        }
    }
}

impl GroupResolver<'_> {
    /// The platform name for an entry: per-target mapping, then alias (itself mapped per target), then as is.
    pub fn platform_name(&self, entry: &str) -> String {
        if let Some(n) = self.target_names.get(entry) {
            return n.clone();
        }
        if let Some(alias) = self.aliases.get(entry) {
            return self.target_names.get(alias).unwrap_or(alias).clone();
        }
        entry.to_owned()
    }

    /// The group id for an entry.
    pub fn resolve(&self, specialist: &str, entry: &str) -> Result<&Group, GroupProblem> {
        let name = self.platform_name(entry);
        let found: Vec<&Group> = self.groups.iter().filter(|g| g.name == name).collect();
        match found.as_slice() {
            [one] => Ok(one),
            _ => Err(GroupProblem {
                specialist: specialist.to_owned(),
                entry: entry.to_owned(),
                name,
                matches: found.len(),
            }),
        }
    }

    /// A group's name by id, for showing grants.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.groups.iter().find(|g| g.id == id).map(|g| g.name.as_str())
    }

    /// The entry to write in a specialist for a platform group name: an alias when one maps to it.
    pub fn entry_for(&self, name: &str) -> String {
        let plain = self
            .target_names
            .iter()
            .find(|(_, v)| v.as_str() == name)
            .map_or(name, |(k, _)| k.as_str());
        self.aliases
            .iter()
            .find(|(_, v)| v.as_str() == plain)
            .map_or_else(|| plain.to_owned(), |(k, _)| k.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(id: &str, name: &str) -> Group {
        Group {
            id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn names_resolve_through_aliases_and_targets() {
        let aliases = BTreeMap::from([("alle".to_owned(), "Alle medarbejdere".to_owned())]);
        let target = BTreeMap::from([("Alle medarbejdere".to_owned(), "Alle (staging)".to_owned())]);
        let groups = vec![g("1", "Alle (staging)"), g("2", "Dup"), g("3", "Dup")];
        let r = GroupResolver {
            aliases: &aliases,
            target_names: &target,
            groups: &groups,
        };
        assert_eq!(r.resolve("s", "alle").map(|g| g.id.as_str()), Ok("1"));
        assert_eq!(r.resolve("s", "Alle medarbejdere").map(|g| g.id.as_str()), Ok("1"));
        let missing = r.resolve("s", "Nobody").expect_err("missing");
        assert_eq!(missing.matches, 0);
        assert!(missing.to_string().contains("does not exist"), "{missing}");
        let dup = r.resolve("s", "Dup").expect_err("ambiguous");
        assert!(dup.to_string().contains("ambiguous: 2 groups"), "{dup}");
        assert_eq!(r.entry_for("Alle (staging)"), "alle");
        assert_eq!(r.entry_for("Other"), "Other");
    }
}
