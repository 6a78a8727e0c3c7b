//! One module per subcommand: parse-level `Args`, then load, call the library, render.

pub mod deploy;
pub mod export;
pub mod import;
pub mod init;
pub mod journey;
pub mod plan;
pub mod schemas;
pub mod screen;
pub mod validate;
