//! Integration tests: one binary that drives the built `aispec` against temporary workspaces.

mod support;

mod diff;
mod init;
mod stub_llm;
mod validate;
mod validate_corpus;
