//! The two revisions a diff compares, from what the user typed (`A..B`, `A...B`, `--base`, or the main branch).

use crate::git::{self, GitError, Oid, Repo, Rev};

/// The two revisions compared.
#[derive(Debug, Clone)]
pub struct Range {
    /// The old side (always a commit).
    pub base: Oid,
    /// The new side.
    pub head: Rev,
    /// How the user named the base.
    pub base_name: String,
    /// How the user named the head.
    pub head_name: String,
}

/// Why a revision range could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    /// A git problem (unknown revision, broken repository).
    #[error(transparent)]
    Git(#[from] GitError),
    /// Neither the main branch nor `origin/<main>` exists.
    #[error("cannot find the main branch `{branch}` (nor origin/{branch}) to compare against")]
    NoMainBranch {
        /// The configured branch.
        branch: String,
    },
    /// The repository has no commits yet.
    #[error("the repository has no commits yet, so there is nothing to compare against")]
    NoCommits,
}

impl Range {
    /// Resolves `A..B` (A to B), `A...B` (merge-base of A and B to B), `A` (A to the work tree), `--base REV`
    /// (merge-base of REV and HEAD to the work tree) or nothing (merge-base of the main branch and HEAD to the
    /// work tree).
    pub fn resolve(repo: &Repo, spec: Option<&str>, base: Option<&str>, main: &str) -> Result<Range, RangeError> {
        let head = git::head(repo).ok_or(RangeError::NoCommits)?;
        let rev = |name: &str| -> Result<Oid, GitError> {
            if name.is_empty() {
                Ok(head)
            } else {
                git::resolve(repo, name)
            }
        };
        if let Some(spec) = spec {
            if let Some((a, b)) = spec.split_once("...") {
                let (a_id, b_id) = (rev(a)?, rev(b)?);
                return Ok(Range {
                    base: git::merge_base(repo, a_id, b_id)?,
                    head: Rev::Commit(b_id),
                    base_name: format!("merge-base of {} and {}", or_head(a), or_head(b)),
                    head_name: or_head(b),
                });
            }
            if let Some((a, b)) = spec.split_once("..") {
                return Ok(Range {
                    base: rev(a)?,
                    head: Rev::Commit(rev(b)?),
                    base_name: or_head(a),
                    head_name: or_head(b),
                });
            }
            return Ok(Range {
                base: rev(spec)?,
                head: Rev::WorkTree,
                base_name: spec.to_owned(),
                head_name: "working tree".to_owned(),
            });
        }
        let (name, id) = match base {
            Some(b) => (b.to_owned(), git::resolve(repo, b)?),
            None => {
                let remote = format!("origin/{main}");
                match git::resolve(repo, main).or_else(|_| git::resolve(repo, &remote)) {
                    Ok(id) => (main.to_owned(), id),
                    Err(_) => {
                        return Err(RangeError::NoMainBranch {
                            branch: main.to_owned(),
                        });
                    }
                }
            }
        };
        let base_id = git::merge_base(repo, id, head)?;
        let base_name = if base_id == head && base.is_none() {
            "HEAD".to_owned()
        } else {
            format!("merge-base of {name} and HEAD")
        };
        Ok(Range {
            base: base_id,
            head: Rev::WorkTree,
            base_name,
            head_name: "working tree".to_owned(),
        })
    }
}

fn or_head(s: &str) -> String {
    if s.is_empty() { "HEAD".to_owned() } else { s.to_owned() }
}
