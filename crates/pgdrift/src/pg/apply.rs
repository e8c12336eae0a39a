//! Running a plan on a database: the session settings, then the steps in order — those
//! that may run in a transaction together in one transaction, the others on their own.
//! A failing step stops the run; the transaction it was in rolls back, and the error names
//! the step.

use crate::plan::{Plan, Step};
use tokio_postgres::Client;

/// A step that failed.
#[derive(Debug, thiserror::Error)]
#[error("step {number} of the plan failed: {message}\n  statement: {sql}")]
pub struct ApplyError {
    /// 1-based position of the step among the steps run.
    pub number: usize,
    pub sql: String,
    pub message: String,
}

/// Runs `plan` on `client`. Steps that delete data run only with `allow_destructive`.
/// Returns how many steps ran.
pub async fn apply_plan(
    client: &Client,
    plan: &Plan,
    allow_destructive: bool,
) -> Result<usize, ApplyError> {
    let fail = |number: usize, sql: &str, e: tokio_postgres::Error| ApplyError {
        number,
        sql: sql.to_string(),
        // With the server's DETAIL and HINT: they name the objects in the way.
        message: crate::pg::connect::db_message(&e),
    };
    for s in &plan.settings {
        client.batch_execute(s).await.map_err(|e| fail(0, s, e))?;
    }
    let steps: Vec<&Step> = plan.runnable(allow_destructive).collect();
    let mut in_transaction = false;
    for (i, step) in steps.iter().enumerate() {
        if step.transactional && !in_transaction {
            client
                .batch_execute("BEGIN")
                .await
                .map_err(|e| fail(i + 1, "BEGIN", e))?;
            in_transaction = true;
        } else if !step.transactional && in_transaction {
            client
                .batch_execute("COMMIT")
                .await
                .map_err(|e| fail(i + 1, "COMMIT", e))?;
            in_transaction = false;
        }
        if let Err(e) = client.batch_execute(&step.sql).await {
            if in_transaction {
                let _ = client.batch_execute("ROLLBACK").await;
            }
            return Err(fail(i + 1, &step.sql, e));
        }
    }
    if in_transaction {
        client
            .batch_execute("COMMIT")
            .await
            .map_err(|e| fail(steps.len(), "COMMIT", e))?;
    }
    Ok(steps.len())
}
