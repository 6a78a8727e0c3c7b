//! `aispec status`: one row per use case and specialist.

/// Output format of the read commands `status`, `log`, `bump` and `approve`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table or lines for people.
    #[default]
    Human,
    /// JSON for machines.
    Json,
}
