//! Where a catalog comes from: a live database's system catalogs (`catalog/`), or SQL files
//! replayed into a shadow database (`replay`), named by the source grammar in `spec` and
//! loaded by `load`.

pub mod catalog;
pub mod load;
pub mod replay;
pub mod spec;

pub use catalog::{inspect, InspectError, InspectOptions, Inspected, QueryTiming};
pub use load::{LoadError, Loader};
pub use spec::{SourceError, SourceSpec};
