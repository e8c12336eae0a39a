//! Staged rollouts of a migrations directory over many databases: a canary first, then
//! waves (`plan`), run with bounded concurrency overall and per server, lock timeouts
//! retried, stopping on failures, a refusal or Ctrl-C (`driver`, `retry`); what happened to
//! each database and wave (`outcome`); and what `--only-failed` reads back (`state`).

pub mod driver;
pub mod outcome;
pub mod plan;
pub mod retry;
pub mod state;

pub use driver::{run, Event, Hooks, Settings};
pub use outcome::{DbOutcome, Rollout, Status, Stop, WaveSummary};
pub use plan::{plan, Canary, Share, Wave};
