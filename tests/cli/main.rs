//! Integration tests: one binary that drives the built `aispec` against temporary workspaces.

mod support;

mod approve;
mod concurrency;
mod danish;
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
mod help;
mod init;
mod journey;
mod knowledge;
mod log;
mod new;
mod register;
mod release;
mod screen;
mod screen_pty;
mod screen_scenarios;
mod site;
mod status;
mod stub_llm;
mod tables;
mod validate;
mod validate_corpus;

mod adopt;
mod deploy;
mod deploy_faults;
mod deploy_repo;
mod deploy_scale;
mod fault_proxy;
mod feedback;
mod import_export;
mod import_files;
mod openwebui;
mod secrets;
mod source_server;
