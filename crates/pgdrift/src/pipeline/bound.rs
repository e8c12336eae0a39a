//! Applying a plan bound to its states (`pgdrift apply`): the plan's binding is read and its
//! checksum checked; under pgdrift's advisory lock, the database is read the way the plan's
//! FROM was and must still match it; the script runs with lock retries
//! (`crate::pg::script`); the run is recorded in the change log; the database is read
//! again and compared with TO.

use crate::diff::Filter;
use crate::migrate::changelog::{self, Action, Ending, Start};
use crate::migrate::owned::ToolOwned;
use crate::pg::script::{self, Event, RunOptions, RunReport, Unit};
use crate::pg::{ConnInfo, Connection};
use crate::plan::binding::{parse, Parsed, State, StateChange};
use crate::source::catalog::{inspect, InspectOptions};

/// What to apply, where and how.
#[derive(Debug, Clone)]
pub struct BoundInput<'a> {
    /// The plan's text, and its name for the record (the file's name).
    pub script: &'a str,
    pub name: &'a str,
    pub database: &'a ConnInfo,
    pub allow_edited: bool,
    pub dry_run: bool,
    pub run: RunOptions,
    /// How long to wait for another pgdrift runner, in milliseconds.
    pub lock_wait_ms: u64,
    pub os_user: Option<String>,
}

/// What happened.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoundOutcome {
    /// The database already was what the plan leads to: nothing ran.
    pub already_applied: bool,
    pub from_fingerprint: String,
    pub to_fingerprint: String,
    /// The plan's text changed after pgdrift wrote it (allowed by `allow_edited`).
    pub edited: bool,
    /// With `dry_run`: the statements that would run (labels), in order.
    pub would_run: Vec<String>,
    /// What ran.
    pub run: Option<RunReport>,
    /// The database's fingerprint after the run.
    pub result_fingerprint: Option<String>,
    /// What differs from TO after the run (empty: the database is TO).
    pub differs_from_to: Vec<StateChange>,
    /// The change log's row.
    pub logged_as: Option<i64>,
}

/// Why nothing was applied, or what went wrong.
#[derive(Debug, thiserror::Error)]
pub enum BoundError {
    #[error("{0}")]
    Binding(#[from] crate::plan::binding::BindingError),
    #[error("{0}")]
    Script(#[from] script::ScriptError),
    #[error(
        "the plan was edited after pgdrift wrote it (its checksum is {recorded}, its text gives \
         {actual}): review the change, then apply with --allow-edited, or write the plan again"
    )]
    Edited { recorded: String, actual: String },
    #[error(
        "the plan's state digests were computed by pgdrift {plan}, this is pgdrift {this}: \
         digests compare only within one version; apply it with pgdrift {plan}, or write the \
         plan again with this one"
    )]
    Version { plan: String, this: String },
    #[error(
        "the database is no longer what the plan was made for ({} change(s) since, nothing \
         applied):\n  {}\nWrite the plan again against the database as it is now.",
        changes.len(),
        changes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  ")
    )]
    Changed { changes: Vec<StateChange> },
    #[error("reading the database: {0}")]
    Inspect(#[from] crate::source::catalog::InspectError),
    #[error("{0}")]
    Migrate(#[from] crate::migrate::MigrateError),
    #[error("{0}")]
    Connect(#[from] crate::pg::ConnectError),
    #[error(
        "{error}\n{} statement(s) before it ran and were committed; the rest did not run. \
         Recorded in pgdrift.changes (row {logged_as}).",
        error.report.ran.len()
    )]
    Failed {
        error: script::RunError,
        logged_as: i64,
    },
}

/// Applies the bound plan of `input`.
pub async fn apply_bound(
    input: &BoundInput<'_>,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<BoundOutcome, BoundError> {
    let parsed = parse(input.script)?;
    if parsed.edited() && !input.allow_edited {
        return Err(BoundError::Edited {
            recorded: parsed
                .recorded_checksum
                .clone()
                .unwrap_or_else(|| "missing".into()),
            actual: parsed.actual_checksum.clone(),
        });
    }
    if parsed.version != crate::VERSION {
        return Err(BoundError::Version {
            plan: parsed.version.clone(),
            this: crate::VERSION.to_string(),
        });
    }
    let units = script::units(input.script)?;
    let conn = crate::pg::connect(input.database).await?;
    crate::migrate::tracking::lock_session(&conn.client, input.lock_wait_ms).await?;
    let result = locked(input, &parsed, &units, &conn, on_event).await;
    let _ = crate::migrate::tracking::unlock_session(&conn.client).await;
    result
}

async fn locked(
    input: &BoundInput<'_>,
    parsed: &Parsed,
    units: &[Unit],
    conn: &Connection,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<BoundOutcome, BoundError> {
    let before = state(input.database, parsed).await?;
    let mut outcome = BoundOutcome {
        already_applied: false,
        from_fingerprint: parsed.from_fingerprint.clone(),
        to_fingerprint: parsed.to_fingerprint.clone(),
        edited: parsed.edited(),
        would_run: Vec::new(),
        run: None,
        result_fingerprint: None,
        differs_from_to: Vec::new(),
        logged_as: None,
    };
    let now = before.fingerprint();
    if now == parsed.to_fingerprint && now != parsed.from_fingerprint {
        // Applied before (or made so by other means): nothing to run, nothing to record.
        outcome.already_applied = true;
        outcome.result_fingerprint = Some(now);
        return Ok(outcome);
    }
    let changes = parsed.from.changes_to(&before);
    if now != parsed.from_fingerprint || !changes.is_empty() {
        return Err(BoundError::Changed { changes });
    }
    if input.dry_run {
        outcome.would_run = units
            .iter()
            .flat_map(|u| u.statements())
            .map(|s| format!("line {}: {}", s.line, s.label))
            .collect();
        return Ok(outcome);
    }
    let detail = serde_json::json!({
        "from_state": parsed.from_fingerprint,
        "to_state": parsed.to_fingerprint,
        "edited": parsed.edited(),
    });
    let id = changelog::start(
        &conn.client,
        &Start {
            action: Action::Plan,
            subject: input.name,
            os_user: input.os_user.as_deref(),
            script: Some(input.script),
            checksum: Some(&parsed.actual_checksum),
            detail: &detail,
        },
    )
    .await?;
    outcome.logged_as = Some(id);
    crate::migrate::runner::watch(&conn.client).await;
    let report = match script::run(&conn.client, units, &input.run, on_event).await {
        Ok(report) => report,
        Err(error) => {
            let detail = serde_json::json!({"statements_run": error.report.ran.len(),
                "retries": error.report.retries, "failed_at_line": error.line});
            let _ = changelog::finish(
                &conn.client,
                id,
                Ending::Failed,
                &detail,
                Some(&error.to_string()),
            )
            .await;
            return Err(BoundError::Failed {
                error,
                logged_as: id,
            });
        }
    };
    let after = state(input.database, parsed).await?;
    outcome.differs_from_to = parsed.to.changes_to(&after);
    outcome.result_fingerprint = Some(after.fingerprint());
    let ending = if outcome.differs_from_to.is_empty() {
        Ending::Applied
    } else {
        Ending::Differs
    };
    let detail = serde_json::json!({
        "statements_run": report.ran.len(),
        "retries": report.retries,
        "result_state": outcome.result_fingerprint,
        "differs_from_to": outcome.differs_from_to.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    changelog::finish(&conn.client, id, ending, &detail, None).await?;
    outcome.run = Some(report);
    Ok(outcome)
}

/// The database's state, read and prepared the way the plan's FROM was.
async fn state(database: &ConnInfo, parsed: &Parsed) -> Result<State, BoundError> {
    let options = InspectOptions {
        schemas: parsed.options.schemas.clone(),
        exclude_schemas: parsed.options.exclude_schemas.clone(),
        ..InspectOptions::default()
    };
    let inspected = inspect(database, &options).await?;
    let mut catalog = inspected.snapshot.catalog;
    let filter: Filter = parsed.options.filter();
    filter.apply(&mut catalog);
    if !parsed.options.include_trackers {
        ToolOwned::of(&catalog).remove_from(&mut catalog);
    }
    Ok(State::of(&catalog, parsed.options.compare_owners))
}
