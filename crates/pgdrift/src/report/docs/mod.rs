//! Documentation rendered: the comment coverage of a schema.

pub mod coverage;
