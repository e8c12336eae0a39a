//! pgdrift: find and fix PostgreSQL schema drift.
//!
//! The data flow is `source -> model -> diff -> plan -> migrate/report`; see the project's
//! DESIGN notes. The flows that chain several stages — converge, rebuild, verify — are
//! written once, in `pipeline`. Layers: `model`, `sql` and `pg` (connections, servers,
//! running a plan's statements) name no module above them; `source` (live catalogs, replay,
//! migrations directories) names neither `migrate` nor `pipeline` (`tests/layering.rs`).
//! Object kinds are one list (`model::kind`), from which every place that must know all
//! kinds is generated; `scripts/check-registry` proves a new kind builds only with its own
//! module. This crate holds every decision. The `pgdrift` binary parses arguments, runs one
//! path through this crate per subcommand, chooses renderers and maps results to exit codes;
//! the `migrate` subcommands still lay out their per-database lines and status tables
//! themselves.

pub mod cleanup;
pub mod clock;
pub mod diff;
pub mod docs;
pub mod evidence;
pub mod fleet;
pub mod limits;
pub mod lint;
pub mod migrate;
pub mod model;
pub mod pg;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod source;
pub mod sql;
pub mod testing;

/// The version of this library, recorded in reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
