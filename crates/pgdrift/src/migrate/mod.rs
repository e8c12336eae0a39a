//! Migrations: pgdrift's own runner (the tracking table, status, apply, baseline, repair),
//! other tools' tracking tables (`history`), the objects those tools own (`owned`), noticing
//! another tool that manages a database (`other_tools`), writing other tools' rows
//! (`record`), evidence for a baseline, and rebuilding a development database from its
//! migrations (`reset`), and around `apply`, a backup of what pending migrations change
//! and the verification of the schema they leave (`safeguards`). Directories as each tool lays them out are a
//! source (`crate::source::dir`), re-exported here as `dir`; running a plan on a database
//! is `crate::pg::apply`, and checking a plan on a shadow copy of its source is
//! `crate::pipeline::verify`.

pub use crate::source::dir;
pub mod backup_command;
pub mod backup_dir;
mod backup_file;
pub mod backup_scope;
pub mod backup_targets;
pub mod changelog;
mod error;
pub mod evidence;
pub mod files;
pub mod history;
mod lock;
pub mod log;
pub mod other_tools;
pub mod owned;
pub mod record;
pub mod reset;
pub mod runner;
pub mod safeguards;
pub mod status;
pub mod tracking;
pub mod verify;

pub use dir::{read_dir, DirError, DirFormat, Migration, MigrationDir, MigrationKind};
pub use error::{HistoryProblem, MigrateError};
pub use files::MigrationFile;
pub use status::{State, Status};
