//! Migrations: directories as each tool lays them out (`dir`), read into ordered lists of
//! migrations. (Tracking tables and the runner build on this.)

pub mod dir;

pub use dir::{read_dir, DirError, DirFormat, Migration, MigrationDir, MigrationKind};
