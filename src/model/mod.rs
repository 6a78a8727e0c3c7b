//! The data aispec reads and writes: serde types for every file kind.

pub mod answers;
pub mod cases;
pub mod catalog;
pub mod config;
pub mod journey;
pub mod knowledge_lock;
pub mod questionnaire;
pub mod screening;
pub mod specialist;
