//! The plan: git's approved specialists against the live models, one action per model and the reason for it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use super::client::RequestCounts;
use super::diff;
use super::groups::{GroupProblem, GroupResolver};
use super::local::Candidates;
use super::mapping::{self, AdoptionOnly, Desired, KnowledgeRef, Marker};
use super::types::{Grant, LiveModel};
use crate::diff::fields::FieldChange;
use crate::diff::words::TextDiff;

/// What happens to one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// New on the platform.
    Create,
    /// Settings, prompt or knowledge changed in git.
    Update,
    /// Only who may use it changed.
    Grants,
    /// Someone changed the live model by hand since aispec deployed it.
    Drift,
    /// Managed by this workspace but gone from git (`--prune`).
    Delete,
    /// Matches git.
    Unchanged,
    /// Managed by this workspace but gone from git; kept because `--prune` is not set.
    Orphan,
    /// The id is taken by a model aispec does not manage (or may not change).
    Conflict,
    /// Not deployable: invalid or not approved.
    Skipped,
    /// Not deployable: its screening is missing, not approved or not signed.
    Blocked,
}

impl Action {
    /// The word shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Grants => "grants",
            Action::Drift => "drift",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
            Action::Orphan => "orphan",
            Action::Conflict => "conflict",
            Action::Skipped => "skipped",
            Action::Blocked => "blocked",
        }
    }
}

/// Options that change the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Delete managed models that are gone from git.
    pub prune: bool,
    /// Overwrite models edited by hand.
    pub force: bool,
    /// Take over models with a specialist's id that aispec did not create.
    pub adopt: bool,
}

/// Who may use the model: grants added and removed, as group names (other grants as `type:id (permission)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GrantsChange {
    /// Added.
    pub add: Vec<String>,
    /// Removed.
    pub remove: Vec<String>,
}

/// Knowledge files to upload, replace or remove (paths under `knowledge/`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KnowledgeChange {
    /// New files.
    pub add: Vec<String>,
    /// Changed files.
    pub change: Vec<String>,
    /// Files gone from git.
    pub remove: Vec<String>,
}

impl KnowledgeChange {
    fn is_empty(&self) -> bool {
        self.add.is_empty() && self.change.is_empty() && self.remove.is_empty()
    }
}

/// One model in the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    /// Model id.
    pub id: String,
    /// What happens.
    pub action: Action,
    /// For drift: whether `--force` lets deploy overwrite it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub overwrite: bool,
    /// For conflicts taken over with `--adopt`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub adopt: bool,
    /// For an adoption without screening or sign-off: the specialist is exactly what `aispec import` wrote
    /// and the live model stays as it is but for the ownership marker.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unchanged_adoption: bool,
    /// Version in git.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Version on the platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployed_version: Option<String>,
    /// The specialist's folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_path: Option<String>,
    /// Why (skipped, conflict, drift, orphan).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Field-level differences, live → git (the system prompt apart, in `prompt`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// The system prompt, live → git, word by word (as `aispec diff` shows it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<TextDiff>,
    /// Access changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<GrantsChange>,
    /// Knowledge changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<KnowledgeChange>,
    /// What apply needs.
    #[serde(skip)]
    pub work: Work,
}

impl PlanItem {
    /// True when deploy would write something for this item.
    pub fn writes(&self) -> bool {
        match self.action {
            Action::Create | Action::Update | Action::Grants | Action::Delete => true,
            Action::Drift => self.overwrite,
            Action::Unchanged | Action::Orphan | Action::Conflict | Action::Skipped | Action::Blocked => false,
        }
    }

    /// True when the platform differs from git here (what `--detailed-exitcode` reports).
    pub fn pending(&self) -> bool {
        matches!(
            self.action,
            Action::Create | Action::Update | Action::Grants | Action::Drift | Action::Delete
        )
    }

    /// True when this item stops a deploy (hand edits without `--force`, foreign models).
    pub fn blocks(&self) -> bool {
        (self.action == Action::Drift && !self.overwrite) || self.action == Action::Conflict
    }

    /// True when a field or the system prompt differs.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty() || self.prompt.is_some()
    }

    fn new(id: &str, action: Action) -> Self {
        PlanItem {
            id: id.to_owned(),
            action,
            overwrite: false,
            adopt: false,
            unchanged_adoption: false,
            version: None,
            deployed_version: None,
            source_path: None,
            reason: None,
            changes: Vec::new(),
            prompt: None,
            grants: None,
            knowledge: None,
            work: Work::default(),
        }
    }
}

/// The inputs apply needs for one item.
#[derive(Debug, Clone, Default)]
pub struct Work {
    /// The specialist from git.
    pub desired: Option<Desired>,
    /// The live model.
    pub live: Option<LiveModel>,
    /// Its marker.
    pub marker: Option<Marker>,
    /// The grants git wants.
    pub grants: Vec<Grant>,
}

/// Counts per action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Per action, only those that occur.
    #[serde(flatten)]
    pub counts: BTreeMap<Action, usize>,
}

impl Summary {
    /// How many items have this action.
    pub fn count(&self, a: Action) -> usize {
        self.counts.get(&a).copied().unwrap_or(0)
    }
}

/// The whole plan for one target.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Target name.
    pub target: String,
    /// Its URL.
    pub url: String,
    /// The workspace that owns the models.
    pub workspace: String,
    /// True when the platform differs from git.
    pub changes_pending: bool,
    /// Counts per action.
    pub summary: Summary,
    /// One entry per model, sorted by id.
    pub items: Vec<PlanItem>,
    /// Requests sent to read the live state.
    pub requests: RequestCounts,
}

impl Plan {
    /// Assembles a plan from its items.
    pub fn new(target: &str, url: &str, workspace: &str, mut items: Vec<PlanItem>, requests: RequestCounts) -> Self {
        items.sort_by(|a, b| a.id.cmp(&b.id).then(a.action.cmp(&b.action)));
        let mut summary = Summary::default();
        for i in &items {
            *summary.counts.entry(i.action).or_default() += 1;
        }
        Plan {
            target: target.to_owned(),
            url: url.to_owned(),
            workspace: workspace.to_owned(),
            changes_pending: items.iter().any(PlanItem::pending),
            summary,
            items,
            requests,
        }
    }

    /// Items that stop a deploy.
    pub fn blockers(&self) -> Vec<&PlanItem> {
        self.items.iter().filter(|i| i.blocks()).collect()
    }
}

/// Everything the plan is computed from.
pub struct PlanInput<'a> {
    /// `workspace.name`.
    pub workspace: &'a str,
    /// The specialists in git.
    pub candidates: &'a Candidates,
    /// The live models.
    pub live: &'a [LiveModel],
    /// Group names → ids.
    pub resolver: &'a GroupResolver<'a>,
    /// Flags.
    pub options: PlanOptions,
    /// When set, only these ids are planned and nothing is pruned.
    pub partial: bool,
}

/// Computes the plan items; unresolvable group names fail the whole plan.
pub fn compute(input: &PlanInput<'_>) -> Result<Vec<PlanItem>, Vec<GroupProblem>> {
    let by_id: HashMap<&str, &LiveModel> = input.live.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for d in &input.candidates.ready {
        let mut resolve = |entries: &[String]| -> Vec<String> {
            let mut ids = Vec::new();
            for entry in entries {
                match input.resolver.resolve(&d.id, entry) {
                    Ok(g) => ids.push(g.id.clone()),
                    Err(p) => problems.push(p),
                }
            }
            ids
        };
        let access = &d.spec.access;
        let read = resolve(&access.groups);
        let write = resolve(&access.write_groups);
        let grants = mapping::access_grants(&read, &write, access.public);
        let item = plan_one(input, d, by_id.get(d.id.as_str()).copied(), grants);
        items.push(match &d.adoption_only {
            Some(only) => adoption_only(item, only),
            None => item,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for r in &input.candidates.refused {
        let mut item = PlanItem::new(&r.id, if r.blocked { Action::Blocked } else { Action::Skipped });
        item.reason = Some(r.reason.clone());
        item.source_path = Some(r.source_path.clone());
        item.deployed_version = by_id
            .get(r.id.as_str())
            .and_then(|m| Marker::of(m))
            .filter(|m| m.workspace == input.workspace)
            .map(|m| m.spec_version);
        items.push(item);
    }
    if !input.partial {
        let in_git = input.candidates.all_ids();
        for m in input.live {
            let Some(marker) = Marker::of(m).filter(|mk| mk.workspace == input.workspace) else {
                continue;
            };
            if in_git.contains(m.id.as_str()) {
                continue;
            }
            let action = if input.options.prune {
                Action::Delete
            } else {
                Action::Orphan
            };
            let mut item = PlanItem::new(&m.id, action);
            item.deployed_version = Some(marker.spec_version.clone());
            item.source_path = Some(marker.source_path.clone());
            if action == Action::Orphan {
                item.reason = Some(format!(
                    "{} is gone from git; `--prune` deletes the model",
                    marker.source_path
                ));
            }
            item.work.live = Some(m.clone());
            item.work.marker = Some(marker);
            items.push(item);
        }
    }
    Ok(items)
}

fn plan_one(input: &PlanInput<'_>, d: &Desired, live: Option<&LiveModel>, grants: Vec<Grant>) -> PlanItem {
    let mut item = PlanItem::new(&d.id, Action::Create);
    item.version = Some(d.spec.version.clone());
    item.source_path = Some(d.source_path.clone());
    item.work.desired = Some(d.clone());
    item.work.grants = grants.clone();
    let Some(live) = live else {
        if !d.knowledge.is_empty() {
            item.knowledge = Some(KnowledgeChange {
                add: d.knowledge.iter().map(|f| f.name.clone()).collect(),
                ..KnowledgeChange::default()
            });
        }
        return item;
    };
    item.work.live = Some(live.clone());
    let marker = Marker::of(live);
    item.deployed_version = marker.as_ref().map(|m| m.spec_version.clone());
    let conflict = match &marker {
        _ if live.write_access == Some(false) => Some("the model exists but the API key may not change it".to_owned()),
        Some(m) if m.workspace != input.workspace => Some(format!(
            "the model is managed by another aispec workspace ({})",
            m.workspace
        )),
        None if !input.options.adopt && d.spec.adopted.is_some() => Some(
            "a model with this id exists on the platform but aispec did not create it; the specialist was \
             imported from it, so take it over with `aispec deploy --adopt`"
                .to_owned(),
        ),
        None if !input.options.adopt => Some(
            "a model with this id exists on the platform but aispec did not create it; \
             adopt it with `aispec import --from-target` and deploy with `--adopt`"
                .to_owned(),
        ),
        _ => None,
    };
    if let Some(reason) = conflict {
        item.action = Action::Conflict;
        item.reason = Some(reason);
        return item;
    }
    item.adopt = marker.is_none();
    let kb = match (&marker, d.knowledge.is_empty()) {
        (Some(m), false) => m.knowledge_id.as_ref().map(|id| KnowledgeRef {
            id: id.clone(),
            name: d.spec.name.clone(),
        }),
        _ => None,
    };
    let before = mapping::live_payload(live);
    let after = mapping::payload(d, kb.as_ref());
    let changes = diff::payload_changes(&before, &after);
    (item.changes, item.prompt) = (changes.fields, changes.prompt);
    if let Some(c) = image_change(live, marker.as_ref(), d) {
        item.changes.push(c);
    }
    if let Some(m) = &marker {
        spec_only_changes(&mut item.changes, m, d);
    }
    item.knowledge = Some(knowledge_change(marker.as_ref(), d)).filter(|k| !k.is_empty());
    item.grants = Some(grants_change(input.resolver, &mapping::live_grants(live), &grants))
        .filter(|g| !g.add.is_empty() || !g.remove.is_empty());
    let content_changed = marker.as_ref().is_none_or(|m| m.content_hash != d.content_hash);
    let drifted = marker
        .as_ref()
        .is_some_and(|m| mapping::payload_hash(&before) != m.deployed_hash);
    item.action = if drifted {
        item.overwrite = input.options.force;
        item.reason = Some("the live model was changed by hand since aispec deployed it".to_owned());
        Action::Drift
    } else if item.has_changes() || content_changed || item.knowledge.is_some() || item.adopt {
        Action::Update
    } else if item.grants.is_some() {
        Action::Grants
    } else {
        Action::Unchanged
    };
    item.work.marker = marker;
    item
}

/// The profile image, when the specialist has one and the platform's differs. A managed model is compared
/// through the marker (the model list leaves images out); a model being adopted was read in full.
fn image_change(live: &LiveModel, marker: Option<&Marker>, d: &Desired) -> Option<FieldChange> {
    let want = d.profile_image.as_deref()?;
    let have = match marker {
        Some(m) => m.profile_image.clone(),
        None => live
            .meta
            .get(mapping::PROFILE_IMAGE_KEY)
            .and_then(Value::as_str)
            .map(mapping::image_hash),
    };
    let want_hash = mapping::image_hash(want);
    (have.as_deref() != Some(want_hash.as_str())).then(|| {
        let show = |h: &str| Value::String(format!("image sha256:{}", h.get(..12).unwrap_or(h)));
        FieldChange::new(
            format!("meta.{}", mapping::PROFILE_IMAGE_KEY),
            have.as_deref().map(show),
            Some(show(&want_hash)),
        )
    })
}

/// An unchanged adopted specialist may only take over its live model as it is, or stay as deployed. Anything
/// else would change the platform without screening or sign-off, so it is refused with the reason.
fn adoption_only(mut item: PlanItem, only: &AdoptionOnly) -> PlanItem {
    let no_change = !item.has_changes() && item.grants.is_none() && item.knowledge.is_none();
    let why = match item.action {
        Action::Update if item.adopt && no_change => {
            item.unchanged_adoption = true;
            item.reason = Some(format!(
                "imported from {} and unchanged: taken over as it is (only the ownership marker is added), \
                 without screening or sign-off",
                only.from
            ));
            return item;
        }
        Action::Unchanged | Action::Conflict => return item,
        Action::Create => "the model is not on this target, and creating it is a change".to_owned(),
        Action::Drift => "the live model was changed by hand since, and overwriting it is a change".to_owned(),
        _ => {
            let mut what: Vec<&str> = item.changes.iter().map(|c| c.field.as_str()).collect();
            if item.prompt.is_some() {
                what.push("params.system");
            }
            if item.grants.is_some() {
                what.push("access");
            }
            if item.knowledge.is_some() {
                what.push("knowledge");
            }
            format!(
                "deploying it would change the live model ({}); re-import it if the platform changed since",
                what.join(", ")
            )
        }
    };
    let mut refused = PlanItem::new(&item.id, if only.blocked { Action::Blocked } else { Action::Skipped });
    refused.version = item.version;
    refused.deployed_version = item.deployed_version;
    refused.source_path = item.source_path;
    refused.reason = Some(format!(
        "{}; it was imported from {} unchanged, but {why}: only taking over the live model as it is goes \
         without screening and sign-off",
        only.reason, only.from
    ));
    refused
}

/// Settings that do not reach the model itself but are part of the approved content.
const SPEC_ONLY: &[&str] = &[
    "version",
    "kind",
    "owner",
    "screening",
    "privacy",
    "knowledge",
    "profile_image",
];

fn spec_only_changes(out: &mut Vec<FieldChange>, m: &Marker, d: &Desired) {
    let Ok(now) = serde_json::to_value(&d.spec) else {
        return;
    };
    let pick = |v: Option<&Value>| -> Value {
        let mut o = serde_json::Map::new();
        for k in SPEC_ONLY {
            if let Some(x) = v.and_then(|v| v.get(*k)) {
                o.insert((*k).to_owned(), x.clone());
            }
        }
        Value::Object(o)
    };
    diff::object_changes(out, "spec", Some(&pick(m.spec.as_ref())), Some(&pick(Some(&now))));
}

fn knowledge_change(marker: Option<&Marker>, d: &Desired) -> KnowledgeChange {
    let empty = BTreeMap::new();
    let known = match marker {
        Some(m) if m.knowledge_id.is_some() => &m.knowledge_files,
        _ => &empty,
    };
    let mut change = KnowledgeChange::default();
    let local: BTreeSet<&str> = d.knowledge.iter().map(|f| f.name.as_str()).collect();
    for f in &d.knowledge {
        match known.get(&f.name) {
            None => change.add.push(f.name.clone()),
            Some(h) if *h != f.sha256 => change.change.push(f.name.clone()),
            Some(_) => {}
        }
    }
    change.remove = known.keys().filter(|k| !local.contains(k.as_str())).cloned().collect();
    change
}

fn grants_change(resolver: &GroupResolver<'_>, live: &[Grant], want: &[Grant]) -> GrantsChange {
    let show = |g: &Grant| -> String {
        match (g.principal_type.as_str(), g.permission.as_str()) {
            ("group", "read") => resolver.name_of(&g.principal_id).unwrap_or(&g.principal_id).to_owned(),
            ("group", p) => format!("{} ({p})", resolver.name_of(&g.principal_id).unwrap_or(&g.principal_id)),
            ("user", p) if g.principal_id == "*" => format!("everyone ({p})"),
            (t, p) => format!("{t}:{} ({p})", g.principal_id),
        }
    };
    GrantsChange {
        add: want.iter().filter(|g| !live.contains(g)).map(show).collect(),
        remove: live.iter().filter(|g| !want.contains(g)).map(show).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::local::Refused;
    use crate::platform::mapping::{DeployContext, render};
    use crate::platform::types::Group;
    use serde_json::json;

    fn desired(id: &str) -> Desired {
        let mut d = crate::platform::mapping::tests::desired();
        d.id = id.to_owned();
        d.spec.id = id.to_owned();
        d.spec.access.groups = vec!["alle".to_owned()];
        d
    }

    fn deployed(d: &Desired, workspace: &str) -> LiveModel {
        let ctx = DeployContext {
            workspace: workspace.to_owned(),
            git_commit: None,
        };
        let mut m: LiveModel = serde_json::from_value(render(d, None, &ctx).form).expect("model");
        m.access_grants = vec![Grant::group_read("g1")];
        m
    }

    /// One platform group, `Alle` (id `g1`), with the workspace alias `alle`.
    struct Alle {
        groups: Vec<Group>,
        aliases: BTreeMap<String, String>,
        none: BTreeMap<String, String>,
    }

    impl Alle {
        fn new() -> Self {
            Alle {
                groups: vec![Group {
                    id: "g1".into(),
                    name: "Alle".into(),
                }],
                aliases: BTreeMap::from([("alle".to_owned(), "Alle".to_owned())]),
                none: BTreeMap::new(),
            }
        }

        fn resolver(&self) -> GroupResolver<'_> {
            GroupResolver {
                aliases: &self.aliases,
                target_names: &self.none,
                groups: &self.groups,
            }
        }
    }

    #[test]
    fn every_action_has_its_case() {
        let alle = Alle::new();
        let resolver = alle.resolver();
        let same = desired("same");
        let changed = desired("changed");
        let mut changed_now = changed.clone();
        changed_now.prompt = "Ny prompt.".into();
        changed_now.content_hash = "sha256:new".into();
        let drifted = desired("drifted");
        let mut drifted_live = deployed(&drifted, "ws");
        drifted_live.params.insert("system".into(), json!("håndrettet"));
        let regranted = desired("regranted");
        let mut regranted_live = deployed(&regranted, "ws");
        regranted_live.access_grants.clear();
        let taken = desired("taken");
        let foreign = desired("foreign");
        let gone = desired("gone");
        let candidates = Candidates {
            ready: vec![
                same.clone(),
                changed_now,
                drifted.clone(),
                regranted.clone(),
                taken.clone(),
                foreign.clone(),
                desired("new"),
            ],
            refused: vec![Refused {
                id: "draft".into(),
                source_path: "specialists/draft".into(),
                reason: "not approved (draft)".into(),
                blocked: false,
            }],
        };
        let mut unmanaged = deployed(&taken, "ws");
        unmanaged.meta.remove(mapping::MARKER_KEY);
        let live = vec![
            deployed(&same, "ws"),
            deployed(&changed, "ws"),
            drifted_live,
            regranted_live,
            unmanaged,
            deployed(&foreign, "other"),
            deployed(&gone, "ws"),
        ];
        let plan = |options: PlanOptions| -> BTreeMap<String, Action> {
            let input = PlanInput {
                workspace: "ws",
                candidates: &candidates,
                live: &live,
                resolver: &resolver,
                options,
                partial: false,
            };
            compute(&input)
                .expect("plan")
                .into_iter()
                .map(|i| (i.id, i.action))
                .collect()
        };
        let actions = plan(PlanOptions::default());
        let expect = [
            ("same", Action::Unchanged),
            ("changed", Action::Update),
            ("drifted", Action::Drift),
            ("regranted", Action::Grants),
            ("taken", Action::Conflict),
            ("foreign", Action::Conflict),
            ("new", Action::Create),
            ("draft", Action::Skipped),
            ("gone", Action::Orphan),
        ];
        for (id, action) in expect {
            assert_eq!(actions.get(id), Some(&action), "{id}");
        }
        let actions = plan(PlanOptions {
            prune: true,
            force: true,
            adopt: true,
        });
        assert_eq!(actions["gone"], Action::Delete);
        assert_eq!(actions["taken"], Action::Update, "adopted");
        assert_eq!(
            actions["foreign"],
            Action::Conflict,
            "another workspace's model is never adopted"
        );
    }

    #[test]
    fn an_unchanged_adoption_may_only_take_over_the_live_model_as_it_is() {
        let alle = Alle::new();
        let resolver = alle.resolver();
        let only = AdoptionOnly {
            from: "staging".into(),
            reason: "not approved (draft)".into(),
            blocked: false,
        };
        let adopted = |id: &str| {
            let mut d = desired(id);
            d.adoption_only = Some(only.clone());
            d.spec.adopted = Some(crate::model::specialist::Adopted {
                from: "staging".into(),
                content_hash: d.content_hash.clone(),
            });
            d
        };
        let unmanaged = |d: &Desired| {
            let mut m = deployed(d, "ws");
            m.meta.remove(mapping::MARKER_KEY);
            m
        };
        let (same, edited, missing) = (adopted("same"), adopted("edited"), adopted("missing"));
        let mut edited_live = unmanaged(&edited);
        edited_live
            .params
            .insert("system".into(), json!("Ændret på platformen efter import."));
        let candidates = Candidates {
            ready: vec![same.clone(), edited.clone(), missing],
            refused: vec![],
        };
        let live = vec![unmanaged(&same), edited_live];
        let plan = |adopt: bool| -> BTreeMap<String, PlanItem> {
            let input = PlanInput {
                workspace: "ws",
                candidates: &candidates,
                live: &live,
                resolver: &resolver,
                options: PlanOptions {
                    adopt,
                    ..PlanOptions::default()
                },
                partial: false,
            };
            compute(&input)
                .expect("plan")
                .into_iter()
                .map(|i| (i.id.clone(), i))
                .collect()
        };
        let without = plan(false);
        assert_eq!(without["same"].action, Action::Conflict);
        assert!(
            without["same"]
                .reason
                .as_deref()
                .unwrap_or_default()
                .contains("aispec deploy --adopt"),
            "already imported: the hint is the deploy"
        );
        let with = plan(true);
        assert_eq!(with["same"].action, Action::Update);
        assert!(with["same"].unchanged_adoption && with["same"].writes());
        let edited = &with["edited"];
        assert_eq!(
            edited.action,
            Action::Skipped,
            "a change to the platform needs sign-off"
        );
        assert!(
            edited
                .reason
                .as_deref()
                .unwrap_or_default()
                .contains("would change the live model (params.system)"),
            "{:?}",
            edited.reason
        );
        assert_eq!(with["missing"].action, Action::Skipped, "creating is a change");
        assert!(!with["missing"].writes());
    }

    #[test]
    fn unknown_groups_fail_the_plan() {
        let none = BTreeMap::new();
        let resolver = GroupResolver {
            aliases: &none,
            target_names: &none,
            groups: &[],
        };
        let candidates = Candidates {
            ready: vec![desired("a")],
            refused: vec![],
        };
        let input = PlanInput {
            workspace: "ws",
            candidates: &candidates,
            live: &[],
            resolver: &resolver,
            options: PlanOptions::default(),
            partial: false,
        };
        let problems = compute(&input).expect_err("missing group");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].name, "alle");
    }
}
