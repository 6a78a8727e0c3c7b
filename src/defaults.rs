//! Files embedded in the binary so aispec works in any folder; a workspace's own copy of the same path wins.

/// Every embedded default, by its path relative to a workspace root.
const EMBEDDED: &[(&str, &str)] = &[
    ("models.toml", include_str!("../models.toml")),
    ("suites/dansk.toml", include_str!("../suites/dansk.toml")),
    (
        "templates/eval-report.html.j2",
        include_str!("../templates/eval-report.html.j2"),
    ),
    (
        "templates/eval-judge.da.md.j2",
        include_str!("../templates/eval-judge.da.md.j2"),
    ),
    (
        "templates/eval-judge.en.md.j2",
        include_str!("../templates/eval-judge.en.md.j2"),
    ),
    (
        "questionnaires/screening.toml",
        include_str!("../questionnaires/screening.toml"),
    ),
    (
        "templates/screening-report.md.j2",
        include_str!("../templates/screening-report.md.j2"),
    ),
    ("templates/ui.toml", include_str!("../templates/ui.toml")),
    (
        "templates/site/base.html.j2",
        include_str!("../templates/site/base.html.j2"),
    ),
    (
        "templates/site/portfolio.html.j2",
        include_str!("../templates/site/portfolio.html.j2"),
    ),
    (
        "templates/site/specialist.html.j2",
        include_str!("../templates/site/specialist.html.j2"),
    ),
    (
        "templates/site/register.html.j2",
        include_str!("../templates/site/register.html.j2"),
    ),
    (
        "templates/specialist/da/specialist.toml.j2",
        include_str!("../templates/specialist/da/specialist.toml.j2"),
    ),
    (
        "templates/specialist/da/system-prompt.md.j2",
        include_str!("../templates/specialist/da/system-prompt.md.j2"),
    ),
    (
        "templates/specialist/da/tests.toml.j2",
        include_str!("../templates/specialist/da/tests.toml.j2"),
    ),
    (
        "templates/specialist/da/notice.j2",
        include_str!("../templates/specialist/da/notice.j2"),
    ),
    (
        "templates/specialist/da/description.j2",
        include_str!("../templates/specialist/da/description.j2"),
    ),
    (
        "templates/specialist/da/sentences.toml",
        include_str!("../templates/specialist/da/sentences.toml"),
    ),
    (
        "templates/specialist/en/specialist.toml.j2",
        include_str!("../templates/specialist/en/specialist.toml.j2"),
    ),
    (
        "templates/specialist/en/system-prompt.md.j2",
        include_str!("../templates/specialist/en/system-prompt.md.j2"),
    ),
    (
        "templates/specialist/en/tests.toml.j2",
        include_str!("../templates/specialist/en/tests.toml.j2"),
    ),
    (
        "templates/specialist/en/notice.j2",
        include_str!("../templates/specialist/en/notice.j2"),
    ),
    (
        "templates/specialist/en/description.j2",
        include_str!("../templates/specialist/en/description.j2"),
    ),
    (
        "templates/specialist/en/sentences.toml",
        include_str!("../templates/specialist/en/sentences.toml"),
    ),
];

/// The embedded text of a default file, by workspace-relative path.
pub fn embedded(rel: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(p, _)| *p == rel).map(|(_, text)| *text)
}

/// Paths of all embedded defaults.
pub fn paths() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(p, _)| *p)
}
