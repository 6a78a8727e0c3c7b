//! One module per subcommand: parse-level `Args`, then load, call the library, render.

pub mod eval;
pub mod init;
pub mod journey;
pub mod models;
pub mod schemas;
pub mod screen;
pub mod validate;
