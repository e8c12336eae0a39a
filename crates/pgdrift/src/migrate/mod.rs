//! Migrations: directories as each tool lays them out (`dir`), read into ordered lists of
//! migrations, and running a plan on a database (`apply`).

pub mod apply;
pub mod dir;

pub use apply::{apply_plan, ApplyError};
pub use dir::{read_dir, DirError, DirFormat, Migration, MigrationDir, MigrationKind};
