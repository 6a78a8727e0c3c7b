//! Building a `DiffReport`: group changed paths by item, load both sides of each changed item, compare.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::fields::{self, FieldChange};
use super::load::{self, SpecialistAt};
use super::range::Range;
use super::report::{ChangeKind, DiffReport, FileChange, ItemDiff, Side, SignoffChanges, SpecialistDiff, Summary};
use super::risk;
use super::version::{self, Level};
use super::words::{self, CONTEXT_LINES};
use crate::git::{self, GitError, Repo, Rev, Snapshot};
use crate::model::catalog::{CATALOG_FILE, Catalog};
use crate::model::specialist::Signoff;
use crate::workspace::{SPECIALISTS_DIR, Workspace};

use crate::model::screening::SCREENINGS_DIR;
/// Two folders whose content is at least this similar are one renamed specialist.
const RENAME_SIMILARITY: f32 = 0.6;

/// The workspace root relative to the repository's work tree, as a path prefix (`""` or `"config/"`).
pub fn prefix(ws: &Workspace, repo: &Repo) -> String {
    match git::relative_to_workdir(repo, &ws.root) {
        Some(p) if !p.as_os_str().is_empty() => format!("{}/", crate::diagnostic::display_path(&p)),
        _ => String::new(),
    }
}

/// Loads one specialist folder of the workspace at a revision.
pub fn load_specialist_at(
    ws: &Workspace,
    repo: &Repo,
    rev: Rev,
    folder: &str,
) -> Result<Option<SpecialistAt>, GitError> {
    let snap = Snapshot::new(repo, rev, &ws.root)?;
    load::specialist(&snap, &format!("{}{SPECIALISTS_DIR}", prefix(ws, repo)), folder)
}

/// Compares the workspace's specialists, screenings and catalogue between the two sides of `range`.
pub fn compare(ws: &Workspace, repo: &Repo, range: &Range) -> Result<DiffReport, GitError> {
    let prefix = prefix(ws, repo);
    let spec_dir = format!("{prefix}{SPECIALISTS_DIR}");
    let screen_dir = format!("{prefix}{SCREENINGS_DIR}");
    let catalog_path = format!("{prefix}{CATALOG_FILE}");
    let changed = git::changed_paths(
        repo,
        range.base,
        range.head,
        &[spec_dir.clone(), screen_dir.clone(), catalog_path.clone()],
    )?;
    let catalog_changed = changed.iter().any(|c| c.path == catalog_path);
    let folders = |dir: &str| -> BTreeSet<String> { changed.iter().filter_map(|c| folder_of(&c.path, dir)).collect() };
    let (spec_folders, screen_folders) = (folders(&spec_dir), folders(&screen_dir));
    let old = Snapshot::new(repo, Rev::Commit(range.base), &ws.root)?;
    let new = Snapshot::new(repo, range.head, &ws.root)?;
    let (old_catalog, old_catalog_json) = load::catalog(&old, &prefix)?;
    let (new_catalog, new_catalog_json) = if catalog_changed {
        load::catalog(&new, &prefix)?
    } else {
        (old_catalog.clone(), old_catalog_json.clone())
    };
    let ctx = Ctx {
        ws,
        old: &old,
        new: &new,
        screen_dir: &screen_dir,
        catalogs: (&old_catalog, &new_catalog),
    };

    let mut pairs = Vec::new();
    for folder in &spec_folders {
        pairs.push((
            load::specialist(&old, &spec_dir, folder)?,
            load::specialist(&new, &spec_dir, folder)?,
        ));
    }
    let mut specialists: Vec<SpecialistDiff> = pair_renames(pairs)
        .into_iter()
        .filter_map(|(a, b)| ctx.specialist(a, b))
        .collect();
    specialists.sort_by(|a, b| a.id.cmp(&b.id));

    let mut screenings = Vec::new();
    for folder in &screen_folders {
        if let Some(d) = ctx.screening(folder)? {
            screenings.push(d);
        }
    }
    let models = if catalog_changed {
        models(&old_catalog_json, &new_catalog_json)
    } else {
        Vec::new()
    };

    let summary = summarize(&specialists, screenings.iter().chain(&models));
    let side = |name: &str, rev: Rev| Side {
        name: name.to_owned(),
        commit: match rev {
            Rev::Commit(id) => Some(id.to_string()),
            Rev::WorkTree => None,
        },
    };
    Ok(DiffReport {
        base: side(&range.base_name, Rev::Commit(range.base)),
        head: side(&range.head_name, range.head),
        specialists,
        screenings,
        models,
        summary,
    })
}

/// Counts per kind of change, risks and missing version bumps.
fn summarize<'a>(specialists: &[SpecialistDiff], items: impl Iterator<Item = &'a ItemDiff>) -> Summary {
    let mut summary = Summary::default();
    for s in specialists {
        match s.change {
            ChangeKind::Added => summary.added += 1,
            ChangeKind::Removed => summary.removed += 1,
            ChangeKind::Renamed => summary.renamed += 1,
            ChangeKind::Changed => summary.changed += 1,
        }
        summary.risks += s.risks.len();
        summary.version_problems += usize::from(s.version_check.as_ref().is_some_and(|v| !v.ok));
    }
    summary.risks += items.map(|d| d.risks.len()).sum::<usize>();
    summary
}

fn folder_of(path: &str, dir: &str) -> Option<String> {
    let rest = path.strip_prefix(dir)?.strip_prefix('/')?;
    let (folder, _) = rest.split_once('/')?;
    Some(folder.to_owned())
}

/// Short descriptions of what differs between two states of one specialist (fields incl. version, prompt,
/// knowledge), for messages such as "what changed since the sign-off".
pub fn describe_changes(a: &SpecialistAt, b: &SpecialistAt) -> Vec<String> {
    let empty = Value::Object(serde_json::Map::new());
    let mut out: Vec<String> = fields::compare(
        a.json.as_ref().unwrap_or(&empty),
        b.json.as_ref().unwrap_or(&empty),
        &["signoffs"],
    )
    .iter()
    .map(|f| match (&f.old, &f.new) {
        _ if f.words.is_some() => format!("{} reworded", f.field),
        _ if !f.added.is_empty() || !f.removed.is_empty() => {
            let mut parts: Vec<String> = f.added.iter().map(|v| format!("+{}", fields::show(v))).collect();
            parts.extend(f.removed.iter().map(|v| format!("-{}", fields::show(v))));
            format!("{} {}", f.field, parts.join(" "))
        }
        (Some(o), Some(n)) => format!("{} {} → {}", f.field, fields::show(o), fields::show(n)),
        (None, Some(_)) => format!("{} added", f.field),
        _ => format!("{} removed", f.field),
    })
    .collect();
    if a.prompt != b.prompt {
        let d = words::diff_text(
            a.prompt.as_deref().unwrap_or_default(),
            b.prompt.as_deref().unwrap_or_default(),
            0,
        );
        out.push(format!("system prompt +{} −{} words", d.words_added, d.words_removed));
    }
    for k in knowledge_changes(&a.knowledge, &b.knowledge) {
        out.push(format!("knowledge {} {}", k.file, k.change.as_str()));
    }
    out
}

type Pair = (Option<SpecialistAt>, Option<SpecialistAt>);

/// Pairs a removed folder with an added one when their content is similar enough: a rename.
fn pair_renames(pairs: Vec<Pair>) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for pair in pairs {
        match pair {
            (Some(a), None) => removed.push(Some(a)),
            (None, Some(b)) => added.push(Some(b)),
            other => out.push(other),
        }
    }
    let prints = |list: &[Option<SpecialistAt>]| -> Vec<String> {
        list.iter().flatten().map(SpecialistAt::fingerprint).collect()
    };
    let (from, to) = (prints(&removed), prints(&added));
    let mut scores = Vec::new();
    for (i, a) in from.iter().enumerate() {
        for (j, b) in to.iter().enumerate() {
            let ratio = similar::TextDiff::from_lines(a.as_str(), b.as_str()).ratio();
            if ratio >= RENAME_SIMILARITY {
                scores.push((ratio, i, j));
            }
        }
    }
    scores.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (_, i, j) in scores {
        if removed[i].is_some() && added[j].is_some() {
            out.push((removed[i].take(), added[j].take()));
        }
    }
    out.extend(removed.into_iter().flatten().map(|a| (Some(a), None)));
    out.extend(added.into_iter().flatten().map(|b| (None, Some(b))));
    out
}

struct Ctx<'a> {
    ws: &'a Workspace,
    old: &'a Snapshot<'a>,
    new: &'a Snapshot<'a>,
    screen_dir: &'a str,
    catalogs: (&'a Catalog, &'a Catalog),
}

impl Ctx<'_> {
    fn specialist(&self, old: Option<SpecialistAt>, new: Option<SpecialistAt>) -> Option<SpecialistDiff> {
        let change = match (&old, &new) {
            (None, None) => return None,
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            (Some(a), Some(b)) if a.folder != b.folder => ChangeKind::Renamed,
            _ => ChangeKind::Changed,
        };
        let either = new.as_ref().or(old.as_ref())?;
        let version = |s: &Option<SpecialistAt>| s.as_ref().and_then(|s| s.spec.as_ref()).map(|s| s.version.clone());
        let mut d = SpecialistDiff {
            id: either.id().to_owned(),
            change,
            renamed_from: (change == ChangeKind::Renamed)
                .then(|| old.as_ref().map(|o| o.folder.clone()))
                .flatten(),
            old_version: version(&old),
            new_version: version(&new),
            fields: Vec::new(),
            prompt: None,
            knowledge: Vec::new(),
            tests_changed: false,
            signoffs: SignoffChanges::default(),
            risks: Vec::new(),
            version_check: None,
            problems: Vec::new(),
        };
        if let Some(b) = &new {
            d.problems.extend(b.problem.iter().cloned());
            d.signoffs.state = self.state(b);
        }
        match (&old, &new) {
            (None, Some(b)) => {
                d.prompt = b.prompt.as_deref().map(|p| words::diff_text("", p, CONTEXT_LINES));
                d.knowledge = knowledge_changes(&[], &b.knowledge);
            }
            (Some(a), Some(b)) => self.compare_specialist(a, b, &mut d),
            _ => {}
        }
        Some(d)
    }

    fn compare_specialist(&self, a: &SpecialistAt, b: &SpecialistAt, d: &mut SpecialistDiff) {
        let empty = Value::Object(serde_json::Map::new());
        d.fields = fields::compare(
            a.json.as_ref().unwrap_or(&empty),
            b.json.as_ref().unwrap_or(&empty),
            &["version", "signoffs"],
        );
        if a.prompt != b.prompt {
            d.prompt = Some(words::diff_text(
                a.prompt.as_deref().unwrap_or_default(),
                b.prompt.as_deref().unwrap_or_default(),
                CONTEXT_LINES,
            ));
        }
        d.knowledge = knowledge_changes(&a.knowledge, &b.knowledge);
        d.tests_changed = a.tests != b.tests;
        let (old_hash, new_hash) = (a.content_hash(), b.content_hash());
        let old_signoffs: &[Signoff] = a.spec.as_ref().map_or(&[], |s| &s.signoffs);
        let new_signoffs: &[Signoff] = b.spec.as_ref().map_or(&[], |s| &s.signoffs);
        if old_hash != new_hash {
            d.signoffs.voided = old_signoffs
                .iter()
                .filter(|s| Some(&s.content_hash) == old_hash.as_ref())
                .filter(|s| Some(&s.content_hash) != new_hash.as_ref())
                .cloned()
                .collect();
        }
        d.signoffs.added = new_signoffs
            .iter()
            .filter(|s| !old_signoffs.contains(s))
            .cloned()
            .collect();
        if let (Some(sa), Some(sb)) = (&a.spec, &b.spec) {
            d.risks = risk::specialist(sa, sb, self.catalogs, &d.knowledge, &d.signoffs.voided);
        }
        d.version_check = self.version_check(d);
    }

    fn version_check(&self, d: &SpecialistDiff) -> Option<version::VersionCheck> {
        let mut reasons: BTreeMap<Level, Vec<String>> = BTreeMap::new();
        let mut add = |level: Level, why: String| {
            let list = reasons.entry(level).or_default();
            if !list.contains(&why) {
                list.push(why);
            }
        };
        if d.change == ChangeKind::Renamed {
            add(Level::Major, "id changed".to_owned());
        }
        for f in &d.fields {
            let Some(mut level) = version::level_of_field(f.top()) else {
                continue;
            };
            if f.field == "access.groups" {
                level = if f.removed.is_empty() {
                    Level::Minor
                } else {
                    Level::Major
                };
            }
            if f.top() == "knowledge" {
                level = Level::Minor;
            }
            add(level, format!("{} changed", f.top()));
        }
        if d.prompt.is_some() {
            add(Level::Minor, "system prompt changed".to_owned());
        }
        if !d.knowledge.is_empty() {
            add(Level::Minor, "knowledge files changed".to_owned());
        }
        let (level, _) = reasons.iter().next_back()?;
        let level = *level;
        let all: Vec<String> = reasons.into_values().rev().flatten().collect();
        version::check(d.old_version.as_deref()?, d.new_version.as_deref()?, level, all)
    }

    fn state(&self, s: &SpecialistAt) -> Option<crate::signoff::State> {
        let spec = s.spec.as_ref()?;
        let hash = s.content_hash()?;
        let screening = spec.screening.as_deref().unwrap_or_default();
        let path = format!(
            "{}/{screening}/{}",
            self.screen_dir,
            crate::model::screening::SCREENING_FILE
        );
        let text = self
            .new
            .read(&path, crate::fsread::Limit::TEXT)
            .ok()
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let extra = text
            .map(|t| crate::signoff::screening_required_signoffs(&t))
            .unwrap_or_default();
        let required = crate::signoff::required_roles(&self.ws.config, &extra);
        Some(crate::signoff::status(&spec.signoffs, &hash, &required).state)
    }

    fn screening(&self, folder: &str) -> Result<Option<ItemDiff>, GitError> {
        let dir = format!("{}/{folder}", self.screen_dir);
        let (a, b) = (self.old.list(&dir)?, self.new.list(&dir)?);
        let change = match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ok(None),
            (true, false) => ChangeKind::Added,
            (false, true) => ChangeKind::Removed,
            (false, false) => ChangeKind::Changed,
        };
        let mut fields = Vec::new();
        let mut files = Vec::new();
        let names: BTreeSet<&str> = a.iter().chain(&b).map(|f| f.name.as_str()).collect();
        for name in names {
            let (x, y) = (a.iter().find(|f| f.name == name), b.iter().find(|f| f.name == name));
            if x.map(|f| f.id) == y.map(|f| f.id) {
                continue;
            }
            let data = name.ends_with(".toml") && name != crate::signoff::SCREENING_SIGNOFFS_FILE;
            if change == ChangeKind::Changed && data && x.is_some() && y.is_some() {
                let path = format!("{dir}/{name}");
                let (Some(Ok(old)), Some(Ok(new))) =
                    (load::toml_json(self.old, &path)?, load::toml_json(self.new, &path)?)
                else {
                    files.push(file_change(name, ChangeKind::Changed, None, None));
                    continue;
                };
                let mut changes = fields::compare(&old, &new, &["signoffs"]);
                if name != "screening.toml" {
                    let stem = name.trim_end_matches(".toml");
                    for c in &mut changes {
                        c.field = format!("{stem}.{}", c.field);
                    }
                }
                fields.extend(changes);
                continue;
            }
            let kind = match (x, y) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                _ => ChangeKind::Changed,
            };
            files.push(file_change(name, kind, None, None));
        }
        let risks = risk::screening(&fields);
        Ok(Some(ItemDiff {
            id: folder.to_owned(),
            change,
            fields,
            files,
            risks,
        }))
    }
}

fn file_change(name: &str, change: ChangeKind, old_size: Option<u64>, new_size: Option<u64>) -> FileChange {
    FileChange {
        file: name.to_owned(),
        change,
        old_size,
        new_size,
    }
}

fn knowledge_changes(
    old: &[(String, crate::git::Oid, Vec<u8>)],
    new: &[(String, crate::git::Oid, Vec<u8>)],
) -> Vec<FileChange> {
    let names: BTreeSet<&str> = old.iter().chain(new).map(|(n, _, _)| n.as_str()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let a = old.iter().find(|(n, _, _)| n == name);
            let b = new.iter().find(|(n, _, _)| n == name);
            let size = |f: Option<&(String, crate::git::Oid, Vec<u8>)>| f.map(|(_, _, b)| b.len() as u64);
            let change = match (a, b) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(x), Some(y)) if x.1 != y.1 => ChangeKind::Changed,
                _ => return None,
            };
            Some(file_change(name, change, size(a), size(b)))
        })
        .collect()
}

fn models(old: &Value, new: &Value) -> Vec<ItemDiff> {
    let index = |v: &Value| -> BTreeMap<String, Value> {
        v.get("models")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|m| Some((m.get("id")?.as_str()?.to_owned(), m.clone())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (index(old), index(new));
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let empty = Value::Object(serde_json::Map::new());
    ids.into_iter()
        .filter_map(|id| {
            let (x, y) = (a.get(id), b.get(id));
            let change = match (x, y) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (Some(x), Some(y)) if x != y => ChangeKind::Changed,
                _ => return None,
            };
            let fields: Vec<FieldChange> = if change == ChangeKind::Changed {
                fields::compare(x.unwrap_or(&empty), y.unwrap_or(&empty), &[])
            } else {
                Vec::new()
            };
            let risks = risk::model(&fields);
            Some(ItemDiff {
                id: id.clone(),
                change,
                fields,
                files: Vec::new(),
                risks,
            })
        })
        .collect()
}
