//! The advisory lock that serialises pgdrift's runners on a database, taken either for a
//! transaction (a migration and its record) or for the session (a file run outside a
//! transaction). Waiting for it never holds a snapshot: `CREATE INDEX CONCURRENTLY` waits for
//! every transaction of the database with an older snapshot, so a runner blocked in
//! `pg_advisory_lock` while another builds an index would wait for it forever, and it for
//! them. Runners try the lock, and between tries hold neither a transaction nor a snapshot.

use super::tracking::db_error;
use super::MigrateError;
use std::time::{Duration, Instant};
use tokio_postgres::Client;

/// The advisory lock key every pgdrift runner takes on a database ("pgdrift1" in ASCII).
/// Advisory locks are per database, so runners on different databases never wait for
/// each other.
pub const LOCK_KEY: i64 = 0x7067_6472_6966_7431;

/// Takes the runners' advisory lock for the transaction the caller has just begun (this must
/// be its first statement), waiting at most `wait_ms`. Transaction-scoped, so it holds behind
/// PgBouncer in transaction mode and is released by COMMIT, ROLLBACK or a lost connection.
///
/// Waiting holds no snapshot: a runner blocked inside `pg_advisory_xact_lock` would, and the
/// `CREATE INDEX CONCURRENTLY` of the runner holding the lock waits for every older snapshot
/// of the database — each would wait for the other. So it tries, and while another runner
/// holds the lock it ends the transaction, sleeps, and begins a new one. The transaction it
/// returns in reads committed data statement by statement, so the history read next shows
/// what the previous holder recorded.
pub async fn lock(client: &Client, wait_ms: u64) -> Result<(), MigrateError> {
    let try_lock = format!(
        "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = {wait_ms}; \
         SELECT pg_try_advisory_xact_lock({LOCK_KEY})"
    );
    let mut waiting = Waiting::new(wait_ms);
    loop {
        if acquired(client, &try_lock).await? {
            return Ok(());
        }
        client
            .batch_execute("ROLLBACK")
            .await
            .map_err(|e| db_error("waiting for the migration lock", e))?;
        waiting.pause().await?;
        client
            .batch_execute("BEGIN")
            .await
            .map_err(|e| db_error("waiting for the migration lock", e))?;
    }
}

/// Takes the runners' advisory lock for the session (for migrations that run outside a
/// transaction), waiting at most `wait_ms`, outside any transaction and without holding a
/// snapshot while it waits (see [`lock`]).
pub async fn lock_session(client: &Client, wait_ms: u64) -> Result<(), MigrateError> {
    let try_lock = format!("SELECT pg_try_advisory_lock({LOCK_KEY})");
    let mut waiting = Waiting::new(wait_ms);
    while !acquired(client, &try_lock).await? {
        waiting.pause().await?;
    }
    Ok(())
}

/// Runs `sql`, whose last statement answers whether the lock was taken.
async fn acquired(client: &Client, sql: &str) -> Result<bool, MigrateError> {
    let messages = client
        .simple_query(sql)
        .await
        .map_err(|e| db_error("taking the migration lock", e))?;
    Ok(messages
        .iter()
        .any(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(r) if r.get(0) == Some("t"))))
}

/// Pauses between two tries of the lock: short at first, then up to a quarter second.
struct Waiting {
    started: Instant,
    limit: Duration,
    pause: Duration,
}

impl Waiting {
    fn new(wait_ms: u64) -> Waiting {
        Waiting {
            started: Instant::now(),
            limit: Duration::from_millis(wait_ms),
            pause: Duration::from_millis(10),
        }
    }

    /// Sleeps before the next try, or fails once the wait is over.
    async fn pause(&mut self) -> Result<(), MigrateError> {
        let left = self.limit.saturating_sub(self.started.elapsed());
        if left.is_zero() {
            return Err(MigrateError::LockTimeout {
                waited_ms: u64::try_from(self.limit.as_millis()).unwrap_or(u64::MAX),
            });
        }
        tokio::time::sleep(self.pause.min(left)).await;
        self.pause = (self.pause * 2).min(Duration::from_millis(250));
        Ok(())
    }
}

/// Releases the session lock.
pub async fn unlock_session(client: &Client) {
    let _ = client
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_wait_ends_when_its_time_is_over() {
        let started = Instant::now();
        let mut waiting = Waiting::new(60);
        let mut pauses = 0;
        while waiting.pause().await.is_ok() {
            pauses += 1;
        }
        assert!(started.elapsed() >= Duration::from_millis(60));
        assert!((2..10).contains(&pauses), "{pauses}");
        let err = waiting.pause().await.unwrap_err().to_string();
        assert!(err.contains("held the migration lock for 60 ms"), "{err}");
    }
}
