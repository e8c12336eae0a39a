//! Evidence about objects: facts that say who uses a table and whether it is safe to
//! remove. [`code`] finds where a code tree references tables.

pub mod claims;
pub mod code;
pub mod object;
pub mod orphans;
pub mod orphans_fleet;
