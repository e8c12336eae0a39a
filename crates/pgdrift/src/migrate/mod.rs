//! Migrations: directories as each tool lays them out (`dir`), read into ordered lists of
//! migrations, running a plan on a database (`apply`), and checking a plan on a shadow
//! copy of its source (`verify`).

pub mod apply;
pub mod dir;
pub mod evidence;
pub mod history;
pub mod verify;

pub use apply::{apply_plan, ApplyError};
pub use dir::{read_dir, DirError, DirFormat, Migration, MigrationDir, MigrationKind};
