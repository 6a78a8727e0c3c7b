//! What this binary is: its version and the commit it was built from (recorded by `build.rs`).

/// The crate version, for example `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit: `1a2b3c4d5e6f 2026-11-29` (hash and commit date), `-dirty` after the hash when the build had
/// uncommitted changes, only the hash when built from a published crate, or `commit unknown`.
pub const COMMIT: &str = env!("AISPEC_BUILD_COMMIT");

/// What `aispec --version` prints after the name: `0.1.0 (1a2b3c4d5e6f 2026-11-29)`.
pub const LONG_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("AISPEC_BUILD_COMMIT"), ")");

/// The repository that publishes the releases (`repository` in Cargo.toml).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

#[cfg(test)]
mod tests {
    #[test]
    fn long_version_starts_with_the_crate_version() {
        assert!(super::LONG_VERSION.starts_with(&format!("{} (", super::VERSION)));
        assert!(!super::COMMIT.is_empty());
    }
}
