//! Migrations: directories as each tool lays them out (`dir`), pgdrift's own runner (the
//! tracking table, status, apply, baseline, repair), other tools' tracking tables
//! (`history`), the objects those tools own (`owned`), noticing another tool that manages
//! a database (`other_tools`), writing other tools' rows (`record`), evidence for a
//! baseline, running a plan on a database (`apply`), and checking a plan on a shadow copy
//! of its source (`verify`).

pub mod apply;
pub mod dir;
mod error;
pub mod evidence;
pub mod files;
pub mod history;
mod lock;
pub mod other_tools;
pub mod owned;
pub mod record;
pub mod runner;
pub mod status;
pub mod tracking;
pub mod verify;

pub use apply::{apply_plan, ApplyError};
pub use dir::{read_dir, DirError, DirFormat, Migration, MigrationDir, MigrationKind};
pub use error::{HistoryProblem, MigrateError};
pub use files::MigrationFile;
pub use status::{State, Status};
