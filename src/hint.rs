//! The hint shown under an error (`hint: …`), found in whichever error of the chain carries one.
//!
//! It sits above every module whose error type has a hint, so that `error` stays at the bottom of the graph.

use crate::approve::ApproveError;
use crate::error::{ExitWith, UserError};
use crate::git::GitError;
use crate::lock::LockError;
use crate::workspace::WorkspaceError;
use crate::workspace::screenings::LoadError;

/// The hint attached anywhere in an error chain, if any.
pub fn of(err: &anyhow::Error) -> Option<String> {
    if let Some(inner) = err.downcast_ref::<ExitWith>() {
        return of(&inner.error);
    }
    err.chain().find_map(|e| {
        if let Some(u) = e.downcast_ref::<UserError>() {
            return u.hint.clone();
        }
        if let Some(w) = e.downcast_ref::<WorkspaceError>() {
            return Some(w.hint().to_owned());
        }
        if let Some(l) = e.downcast_ref::<LoadError>() {
            return Some(l.hint());
        }
        if let Some(g) = e.downcast_ref::<GitError>() {
            return g.hint();
        }
        if let Some(l) = e.downcast_ref::<LockError>() {
            return Some(l.hint());
        }
        if let Some(ApproveError::Git(g)) = e.downcast_ref::<ApproveError>() {
            return g.hint();
        }
        None
    })
}
