//! Integration tests: one binary that drives the built `aispec` against temporary workspaces.

mod support;

mod eval;
mod init;
mod journey;
mod screen;
mod screen_pty;
mod stub_llm;
mod validate;
mod validate_corpus;
