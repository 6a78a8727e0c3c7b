//! Integration tests: one binary that drives the built `aispec` against temporary workspaces.

mod support;

mod init;
mod journey;
mod screen;
mod screen_pty;
mod stub_llm;
mod validate;
mod validate_corpus;

mod deploy;
mod deploy_faults;
mod deploy_repo;
mod deploy_scale;
mod fault_proxy;
mod import_export;
mod openwebui;
