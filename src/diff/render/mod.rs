//! Rendering a `DiffReport` for people: terminal text and Markdown for pull-request comments. The terminal
//! renderings of a field change and of a prompt diff are also what `aispec plan` shows.

pub mod human;
pub mod markdown;
mod shared;
