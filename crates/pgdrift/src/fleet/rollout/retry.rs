//! Lock retries (`--lock-retries`): a migration that failed because a statement waited past
//! `lock_timeout` (SQLSTATE 55P03) is run again after a backoff, only when it ran in a
//! transaction, so that nothing of it was applied. The runner's error says both: a file run
//! in a transaction "was rolled back" (`MigrateError::Failed` with `no_transaction` false),
//! and the statement's hint names SQLSTATE 55P03.

use std::time::Duration;

/// What the runner says of a failed migration that ran in a transaction.
const ROLLED_BACK: &str = "failed and was rolled back: nothing of it is applied";

/// What the statement's hint says of a lock timeout.
pub const LOCK_TIMEOUT: &str = "SQLSTATE 55P03";

/// Whether a database's error (as the runner writes it) is a lock timeout in a migration
/// that was rolled back whole: running it again is safe.
pub fn lock_retryable(error: &str) -> bool {
    error.contains(ROLLED_BACK) && error.contains(LOCK_TIMEOUT)
}

/// The pause before retry number `attempt` (0 for the first): 1 s, 2 s, 4 s, ... at most 30 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64.checked_shl(attempt).unwrap_or(u64::MAX).min(30))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::MigrateError;
    use crate::source::replay::StatementError;

    fn failed(no_transaction: bool, hint: Option<&str>) -> String {
        MigrateError::Failed {
            version: "002_b.sql".into(),
            no_transaction,
            error: Box::new(StatementError {
                file: "002_b.sql".into(),
                line: 1,
                column: 1,
                message: "canceling statement due to lock timeout".into(),
                detail: None,
                hint: hint.map(str::to_string),
                source_line: "ALTER TABLE t ADD c int;".into(),
                applied_before: Vec::new(),
            }),
            applied: vec!["001_a.sql".into()],
        }
        .to_string()
    }

    #[test]
    fn only_lock_timeouts_rolled_back_whole_are_retried() {
        let hint = crate::source::replay::LOCK_TIMEOUT_HINT;
        assert!(lock_retryable(&failed(false, Some(hint))));
        assert!(!lock_retryable(&failed(true, Some(hint))));
        assert!(!lock_retryable(&failed(false, None)));
        assert!(!lock_retryable("cannot connect to db"));
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let secs: Vec<u64> = (0..7).map(|a| backoff(a).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(backoff(200).as_secs(), 30);
    }
}
