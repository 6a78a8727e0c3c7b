//! Integration tests: one binary that drives the built `aispec` against temporary workspaces.

mod support;

mod init;
mod screen;
mod screen_pty;
mod validate;
