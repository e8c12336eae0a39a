//! Report data and renderers: input is data, output is bytes (text or JSON). No databases,
//! no exit codes.

pub mod audit;
pub mod diff;
pub mod docs;
pub mod evidence;
pub mod finding;
pub mod history;
pub mod inspect;
pub mod investigate;
pub mod investigate_fleet;
pub mod investigate_more;
pub mod json;
pub mod lint;
pub mod log;
pub mod orphans;
pub mod rollout;
pub mod script;
pub mod shell;
pub mod usage;
