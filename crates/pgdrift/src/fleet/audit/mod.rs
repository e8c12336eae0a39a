//! `pgdrift audit`: every server and database of a fleet, each compared with its role's
//! desired schema — facts, trackers, findings, the drift matrix.

mod assemble;
pub mod classify;
mod evidence;
pub mod findings;
mod fixes;
mod lint;
mod matrix;
pub mod merge;
mod read;
pub mod report;
pub mod run;

pub use findings::{Finding, FindingKind, Severity, FINDINGS};
pub use merge::{merge, read_shard, MergeError, ShardFile};
pub use report::{AuditReport, Cell, DatabaseEntry, DriftMatrix, MatrixColumn, MatrixRow};
pub use run::{audit, AuditOptions, Progress};
