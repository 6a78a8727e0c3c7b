//! One module per subcommand: parse-level `Args`, then load, call the library, render.

pub mod approve;
pub mod bump;
pub mod deploy;
pub mod diff;
pub mod eval;
pub mod export;
pub mod import;
pub mod init;
pub mod journey;
pub mod log;
pub mod models;
pub mod new;
pub mod plan;
pub mod schemas;
pub mod screen;
pub mod status;
pub mod validate;
