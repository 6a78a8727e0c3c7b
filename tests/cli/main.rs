//! Integration tests: one binary that drives the built `aispec` against temporary workspaces.

mod support;

mod eval;
mod init;
mod stub_llm;
mod validate;
