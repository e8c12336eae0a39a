//! Work to undo if pgdrift is interrupted: things outside the process that must not outlive
//! it (a shadow database on someone else's server). The interrupt handler runs them before
//! stopping the embedded servers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

type Action = Box<dyn Fn() + Send>;

static ACTIONS: Mutex<Vec<(u64, Action)>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(1);

/// Registers `action` to run on interrupt; keep the returned id to [`forget`] it once the
/// thing it undoes is gone.
pub fn register(action: impl Fn() + Send + 'static) -> u64 {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    ACTIONS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((id, Box::new(action)));
    id
}

/// Drops the action registered as `id`.
pub fn forget(id: u64) {
    ACTIONS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .retain(|(i, _)| *i != id);
}

/// Runs and drops every registered action.
pub fn run_all() {
    let actions = std::mem::take(&mut *ACTIONS.lock().unwrap_or_else(|p| p.into_inner()));
    for (_, action) in actions {
        action();
    }
}
