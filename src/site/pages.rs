//! The values each site template gets, with every Danish word the site shows for an enum value, and the
//! minijinja environment (HTML auto-escaping on: a name with `<script>` in it is printed as text).

use std::collections::BTreeMap;

use serde::Serialize;

use super::chart::{self, Point};
use super::words::{ai_act_da, dpia_da, kind_da, record_rows, state_da, track_da};
use super::{Audience, SiteError};
use crate::model::screening::{ActionKind, Track};
use crate::register::public::Publisher;
use crate::register::{Context, Portfolio, Record, UseCase};
use crate::workspace::Workspace;

/// The minijinja environment over the given templates.
pub fn environment(sources: &[(String, String)]) -> Result<minijinja::Environment<'_>, SiteError> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    for (name, text) in sources {
        env.add_template(name, text).map_err(|e| SiteError::Template {
            template: name.clone(),
            message: format!("{e:#}"),
        })?;
    }
    Ok(env)
}

/// Renders one template with a serialisable context.
pub fn render<T: Serialize>(env: &minijinja::Environment<'_>, name: &str, ctx: &T) -> Result<String, SiteError> {
    env.get_template(name)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(ctx))))
        .map_err(|e| SiteError::Template {
            template: name.to_owned(),
            message: format!("{e:#}"),
        })
}

/// Shared by every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    /// The organisation's name.
    pub organisation: String,
    /// True on the intranet site.
    pub internal: bool,
}

/// A use case that the site shows, with its record.
pub struct Shown<'a> {
    /// The use case.
    pub uc: &'a UseCase,
    /// Its public register record.
    pub record: Record,
}

/// What the site is made from.
pub struct Model<'a> {
    site: SiteInfo,
    /// The use cases shown, in portfolio order.
    pub shown: Vec<Shown<'a>>,
    /// How many were left out.
    pub withheld: usize,
    ws: &'a Workspace,
    show_names: bool,
    publisher: &'a crate::register::public::Publisher,
}

impl<'a> Model<'a> {
    /// Picks the use cases for the audience and builds their records.
    pub fn new(ws: &'a Workspace, cx: &'a Context<'_>, portfolio: &'a Portfolio, audience: Audience) -> Self {
        let internal = audience == Audience::Internal;
        let shown: Vec<Shown<'a>> = portfolio
            .use_cases
            .iter()
            .filter(|uc| internal || uc.is_public())
            .map(|uc| Shown {
                uc,
                record: crate::register::build::record(cx, uc),
            })
            .collect();
        Model {
            site: site_info(ws, internal),
            withheld: portfolio.use_cases.len() - shown.len(),
            shown,
            ws,
            show_names: internal || ws.config.register.as_ref().is_some_and(|r| r.show_names),
            publisher: &cx.publisher,
        }
    }

    /// The portfolio page's values.
    pub fn portfolio_page(&self) -> PortfolioPage {
        let points: Vec<Point> = self
            .shown
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let sc = s.uc.screening.as_ref()?;
                let score = |name: &str| {
                    sc.result
                        .scores
                        .iter()
                        .find(|d| d.dimension == name)
                        .map_or((0, 0), |d| (d.score, d.max))
                };
                Some(Point {
                    number: i + 1,
                    label: s.record.name.clone(),
                    complexity: score("complexity"),
                    uncertainty: score("uncertainty"),
                    outcome: sc.result.outcome,
                })
            })
            .collect();
        let targets: Vec<String> = self
            .shown
            .iter()
            .flat_map(|s| s.uc.deployed.iter().map(|(t, _)| t.clone()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let rows = self
            .shown
            .iter()
            .enumerate()
            .map(|(i, s)| ListRow {
                number: i + 1,
                id: s.record.id.clone(),
                name: s.record.name.clone(),
                state: state_da(s.uc),
                outcome: s.uc.row.outcome.map(chart::outcome_da),
                ai_act: s.uc.row.ai_act_category.map(ai_act_da),
                dpia: s.uc.screening.as_ref().map(|sc| dpia_da(sc.result.dpia)),
                deployed: targets
                    .iter()
                    .map(|t| {
                        s.uc.deployed
                            .iter()
                            .find(|(name, _)| name == t)
                            .map(|(_, m)| version_text(m))
                    })
                    .collect(),
                pass_rate: s.uc.latest_pass_rate().map(crate::register::build::percent),
            })
            .collect();
        PortfolioPage {
            site: self.site.clone(),
            chart: chart::portfolio(&points),
            points: points
                .iter()
                .map(|p| PointRow {
                    number: p.number,
                    name: p.label.clone(),
                    complexity: format!("{} af {}", p.complexity.0, p.complexity.1),
                    uncertainty: format!("{} af {}", p.uncertainty.0, p.uncertainty.1),
                    outcome: chart::outcome_da(p.outcome),
                })
                .collect(),
            targets,
            rows,
            withheld: self.withheld,
        }
    }

    /// One page per use case shown.
    pub fn use_case_pages(&self) -> Vec<UseCasePage> {
        let repo = crate::git::open(&self.ws.root).ok();
        self.shown
            .iter()
            .map(|s| self.use_case_page(s, repo.as_ref()))
            .collect()
    }

    fn use_case_page(&self, s: &Shown<'_>, repo: Option<&crate::git::Repo>) -> UseCasePage {
        let uc = s.uc;
        let p = self.publisher;
        let internal = self.site.internal;
        let sc = uc.screening.as_ref();
        let commits = match (repo, uc.is_specialist()) {
            (Some(r), true) => signoff_commits(self.ws, r, &uc.row.id),
            _ => BTreeMap::new(),
        };
        let signoffs = self.signoff_rows(uc, &commits);
        let evals: Vec<(String, f64)> = uc.evals.iter().map(|e| (e.run.clone(), e.pass_rate)).collect();
        UseCasePage {
            site: self.site.clone(),
            id: s.record.id.clone(),
            name: s.record.name.clone(),
            description: uc.spec.as_ref().map(|sp| p.text(&sp.description)),
            outcome: sc.map(|x| chart::outcome_da(x.result.outcome)),
            why: sc.map(|x| why(p, x)).unwrap_or_default(),
            action_counts: sc.map(|x| {
                let n = |k: ActionKind| x.result.actions.iter().filter(|a| a.kind == k).count();
                ActionCounts {
                    tasks: n(ActionKind::Task),
                    rules: n(ActionKind::Rule),
                    considerations: n(ActionKind::Consideration),
                }
            }),
            actions: if internal {
                sc.map(|x| actions(p, x)).unwrap_or_default()
            } else {
                Vec::new()
            },
            journey: if internal {
                uc.journey.as_ref().map(|j| journey(p, j))
            } else {
                None
            },
            signoffs,
            state: state_da(uc),
            deployed: deploy_rows(uc),
            eval_chart: (!evals.is_empty()).then(|| chart::pass_rates(&evals)),
            evals: uc
                .evals
                .iter()
                .map(|e| EvalRow {
                    run: e.run.clone(),
                    date: e.started_at.get(..10).unwrap_or(&e.started_at).to_owned(),
                    rate: crate::register::build::percent(e.pass_rate),
                })
                .collect(),
            last_change: uc.row.last_change.as_ref().map(|c| LastChange {
                commit: c.short.clone(),
                date: c.date.get(..10).unwrap_or(&c.date).to_owned(),
                author: internal.then(|| c.author.clone()),
            }),
            feedback: if internal { Some(feedback(uc)) } else { None },
            record: record_rows(&s.record),
            gaps: s.record.gaps.iter().map(|g| (*g).to_owned()).collect(),
        }
    }
}

impl Model<'_> {
    /// The valid sign-offs of the current content, with the commit that recorded each.
    fn signoff_rows(&self, uc: &UseCase, commits: &BTreeMap<(String, String), String>) -> Vec<SignoffRow> {
        uc.signoff
            .as_ref()
            .map(|st| {
                st.valid
                    .iter()
                    .map(|so| SignoffRow {
                        role: so.role.clone(),
                        date: so.at.get(..10).unwrap_or(&so.at).to_owned(),
                        content_hash: short_hash(&so.content_hash),
                        commit: commits.get(&(so.role.clone(), so.at.clone())).cloned(),
                        name: self.show_names.then(|| so.by.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn deploy_rows(uc: &UseCase) -> Vec<DeployRow> {
    uc.deployed
        .iter()
        .map(|(t, m)| DeployRow {
            target: t.clone(),
            version: m.version.clone(),
            drift: m.drift,
            active: m.is_active,
            commit: m.git_commit.as_deref().map(|c| c.chars().take(7).collect()),
        })
        .collect()
}

fn site_info(ws: &Workspace, internal: bool) -> SiteInfo {
    SiteInfo {
        organisation: ws
            .config
            .register
            .as_ref()
            .and_then(|r| r.organisation.clone())
            .unwrap_or_else(|| ws.config.workspace.name.clone()),
        internal,
    }
}

/// Users' use and ratings per target, from the saved snapshots (`status --target T --save` with an admin's
/// key reads them); shown on the internal site only.
fn feedback(uc: &UseCase) -> Vec<String> {
    uc.usage
        .iter()
        .map(|(target, u)| {
            let known = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |n| n.to_string());
            let share = u
                .negative_share
                .map(|s| format!(", {} tommel ned", crate::register::build::percent(s)))
                .unwrap_or_default();
            let flag = if u.flagged {
                " – over grænsen for utilfredshed"
            } else {
                ""
            };
            format!(
                "{target}, seneste {}: {} svar i {} samtaler; {} tommel op, {} tommel ned{share}{flag}",
                u.since,
                known(u.messages),
                known(u.chats),
                u.up,
                u.down
            )
        })
        .collect()
}

fn version_text(m: &crate::platform::DeployedModel) -> String {
    let mut v = m.version.clone();
    if m.drift {
        v.push_str(" (ændret uden om git)");
    }
    if !m.is_active {
        v.push_str(" (slået fra)");
    }
    v
}

fn short_hash(hash: &str) -> String {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    format!("sha256:{}", hex.chars().take(12).collect::<String>())
}

/// The commit each sign-off (role, time) was first recorded in.
fn signoff_commits(ws: &Workspace, repo: &crate::git::Repo, id: &str) -> BTreeMap<(String, String), String> {
    let Ok(history) = crate::history::history(ws, repo, id) else {
        return BTreeMap::new();
    };
    history
        .entries
        .iter()
        .flat_map(|e| {
            e.signed
                .iter()
                .map(move |s| ((s.role.clone(), s.at.clone()), e.commit.short.clone()))
        })
        .collect()
}

fn why(p: &Publisher, sc: &crate::model::screening::Screening) -> Vec<WhyRow> {
    Track::ALL
        .iter()
        .map(|t| WhyRow {
            track: track_da(*t),
            outcome: chart::outcome_da(sc.result.tracks.get(*t)),
            reasons: sc
                .result
                .why
                .get(t)
                .map(|rs| {
                    rs.iter()
                        .map(|r| Reason {
                            text: p.text(&r.text),
                            change: p.text(&r.change),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

fn actions(p: &Publisher, sc: &crate::model::screening::Screening) -> Vec<ActionRow> {
    sc.result
        .actions
        .iter()
        .map(|a| ActionRow {
            kind: kind_da(a.kind),
            text: p.text(&a.text),
            source: a.source.as_deref().map(|src| p.text(src)),
        })
        .collect()
}

fn journey(p: &Publisher, j: &crate::model::journey::Journey) -> JourneyView {
    let all = |v: &[String]| v.iter().map(|t| p.text(t)).collect();
    JourneyView {
        trigger: p.text(&j.trigger),
        personas: j
            .personas
            .iter()
            .map(|x| p.text(&format!("{}: {}", x.role, x.need)))
            .collect(),
        steps_today: all(&j.steps_today),
        steps_with_specialist: all(&j.steps_with_specialist),
        pain_points: all(&j.pain_points),
        success: j
            .success_criteria
            .iter()
            .map(|c| p.text(&format!("{}: {}", c.criterion, c.measure)))
            .collect(),
    }
}

/// The portfolio page.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioPage {
    site: SiteInfo,
    chart: String,
    points: Vec<PointRow>,
    targets: Vec<String>,
    rows: Vec<ListRow>,
    withheld: usize,
}

#[derive(Debug, Clone, Serialize)]
struct PointRow {
    number: usize,
    name: String,
    complexity: String,
    uncertainty: String,
    outcome: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct ListRow {
    number: usize,
    id: String,
    name: String,
    state: &'static str,
    outcome: Option<&'static str>,
    ai_act: Option<&'static str>,
    dpia: Option<&'static str>,
    deployed: Vec<Option<String>>,
    pass_rate: Option<String>,
}

/// One use case's page.
#[derive(Debug, Clone, Serialize)]
pub struct UseCasePage {
    site: SiteInfo,
    /// The use case id (the page is `<id>.html`).
    pub id: String,
    name: String,
    description: Option<String>,
    outcome: Option<&'static str>,
    why: Vec<WhyRow>,
    action_counts: Option<ActionCounts>,
    actions: Vec<ActionRow>,
    journey: Option<JourneyView>,
    signoffs: Vec<SignoffRow>,
    state: &'static str,
    deployed: Vec<DeployRow>,
    eval_chart: Option<String>,
    evals: Vec<EvalRow>,
    last_change: Option<LastChange>,
    feedback: Option<Vec<String>>,
    record: Vec<(String, String)>,
    gaps: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
struct WhyRow {
    track: &'static str,
    outcome: &'static str,
    reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize)]
struct Reason {
    text: String,
    change: String,
}

#[derive(Debug, Clone, Serialize)]
struct ActionCounts {
    tasks: usize,
    rules: usize,
    considerations: usize,
}

#[derive(Debug, Clone, Serialize)]
struct ActionRow {
    kind: &'static str,
    text: String,
    source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct JourneyView {
    trigger: String,
    personas: Vec<String>,
    steps_today: Vec<String>,
    steps_with_specialist: Vec<String>,
    pain_points: Vec<String>,
    success: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
struct SignoffRow {
    role: String,
    date: String,
    content_hash: String,
    commit: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct DeployRow {
    target: String,
    version: String,
    drift: bool,
    active: bool,
    commit: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct EvalRow {
    run: String,
    date: String,
    rate: String,
}

#[derive(Debug, Clone, Serialize)]
struct LastChange {
    commit: String,
    date: String,
    author: Option<String>,
}

/// `aispec register --format html`.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterPage {
    site: SiteInfo,
    records: Vec<RegisterEntry>,
}

#[derive(Debug, Clone, Serialize)]
struct RegisterEntry {
    id: String,
    name: String,
    rows: Vec<(String, String)>,
    gaps: Vec<String>,
}

impl RegisterPage {
    /// The page for these records (public: it is what `register` prints).
    pub fn new(ws: &Workspace, records: &[Record]) -> Self {
        RegisterPage {
            site: site_info(ws, false),
            records: records
                .iter()
                .map(|r| RegisterEntry {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    rows: record_rows(r),
                    gaps: r.gaps.iter().map(|g| (*g).to_owned()).collect(),
                })
                .collect(),
        }
    }
}
