//! Where a catalog comes from: a live database's system catalogs (`catalog/`), named by the
//! source grammar in `spec`.

pub mod catalog;
pub mod spec;

pub use catalog::{inspect, InspectError, InspectOptions, Inspected, QueryTiming};
pub use spec::{SourceError, SourceSpec};
