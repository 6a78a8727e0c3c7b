//! One module per subcommand: parse-level `Args`, then load, call the library, render.

pub mod diff;
pub mod init;
pub mod schemas;
pub mod validate;
