//! Integration tests: one binary that drives the built `aispec` against temporary workspaces.

mod support;

mod approve;
mod concurrency;
mod diff;
mod eval;
mod eval_judge;
mod eval_parity;
mod eval_platform;
mod eval_promptfoo;
mod eval_repo;
mod eval_stream;
mod generation;
mod git_edges;
mod init;
mod journey;
mod knowledge;
mod log;
mod new;
mod release;
mod screen;
mod screen_pty;
mod screen_scenarios;
mod status;
mod stub_llm;
mod validate;
mod validate_corpus;

mod adopt;
mod deploy;
mod deploy_faults;
mod deploy_repo;
mod deploy_scale;
mod fault_proxy;
mod import_export;
mod import_files;
mod openwebui;
mod secrets;
mod source_server;
