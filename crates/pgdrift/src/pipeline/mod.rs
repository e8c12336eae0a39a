//! The multi-stage flows, written once: each chains a source, a diff, a plan and the
//! statement runner (`pg::apply`) and has no SQL text of its own. `converge` brings a
//! database from one catalog to another and says what is left; `rebuild` builds a catalog in
//! an empty shadow database (how a live database or a snapshot becomes SQL to run a plan
//! on); `verify` checks a plan, and its rollback, on such a copy of its source; `bound`
//! applies a plan only to the state it was made for and proves the result.

pub mod bound;
pub mod converge;
pub mod rebuild;
pub mod verify;

pub use converge::{describe, ConvergeError, Converged, Convergence, Target};
pub use rebuild::{materialize, rebuild};
pub use verify::{verify, Verification, VerifyError, VerifyInput};
