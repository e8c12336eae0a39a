//! Running a plan's SQL script as it is written: its statements split the way psql splits
//! them, those between `BEGIN` and `COMMIT` in one transaction, the others on their own.
//! A step that times out waiting for a lock (`lock_timeout`, SQLSTATE 55P03) is tried again
//! after a pause that doubles each time: a transaction is rolled back whole first, so that
//! nothing it locked stays locked while it waits; a `CREATE INDEX CONCURRENTLY` that left an
//! INVALID index behind has it dropped before the next try.

use crate::sql::created_index::created_index;
use crate::sql::split::{line_of, split, Piece};
use crate::sql::{Ident, QualIdent};
use std::time::{Duration, Instant};
use tokio_postgres::Client;

/// One statement of the script.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    /// 1-based line where it starts.
    pub line: usize,
    /// What it does for people: the script's comment above it, else its first line.
    pub label: String,
}

/// What runs as one: a transaction of statements, or one statement on its own.
#[derive(Debug, Clone)]
pub enum Unit {
    Transaction(Vec<Statement>),
    Single(Statement),
}

impl Unit {
    pub fn statements(&self) -> &[Statement] {
        match self {
            Unit::Transaction(s) => s,
            Unit::Single(s) => std::slice::from_ref(s),
        }
    }
}

/// A script the runner refuses to run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ScriptError {
    #[error("line {line}: {message}")]
    Split { line: usize, message: String },
    #[error("line {line}: {what} inside the transaction that starts on line {begin}: a plan's transactions do not nest")]
    Nested {
        line: usize,
        begin: usize,
        what: String,
    },
    #[error("line {line}: COMMIT without a BEGIN before it")]
    Unopened { line: usize },
    #[error("line {begin}: the transaction that starts here is never committed")]
    Unclosed { begin: usize },
    #[error("line {line}: psql meta-commands (`{text}`) cannot run here")]
    Meta { line: usize, text: String },
}

/// The units of `script`, in order.
pub fn units(script: &str) -> Result<Vec<Unit>, ScriptError> {
    let pieces = split(script).map_err(|e| ScriptError::Split {
        line: e.line,
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    let mut open: Option<(usize, Vec<Statement>)> = None;
    for piece in pieces {
        let (text, start) = match piece {
            Piece::Statement { text, start } => (text, start),
            Piece::Meta { text, start } => {
                return Err(ScriptError::Meta {
                    line: line_of(script, start),
                    text: text.to_string(),
                })
            }
        };
        let statement = statement(script, text, start);
        match (control(&statement.sql), &mut open) {
            (Control::Begin, Some((begin, _))) => {
                return Err(ScriptError::Nested {
                    line: statement.line,
                    begin: *begin,
                    what: "BEGIN".into(),
                })
            }
            (Control::Begin, None) => open = Some((statement.line, Vec::new())),
            (Control::Commit, None) => {
                return Err(ScriptError::Unopened {
                    line: statement.line,
                })
            }
            (Control::Commit, Some(_)) => {
                if let Some((_, list)) = open.take() {
                    out.push(Unit::Transaction(list));
                }
            }
            (Control::Other, Some((_, list))) => list.push(statement),
            (Control::Other, None) => out.push(Unit::Single(statement)),
        }
    }
    match open {
        Some((begin, _)) => Err(ScriptError::Unclosed { begin }),
        None => Ok(out),
    }
}

fn statement(script: &str, text: &str, start: usize) -> Statement {
    let sql = text.trim().to_string();
    let first = sql.lines().next().unwrap_or("").trim().to_string();
    Statement {
        line: line_of(script, start + (text.len() - text.trim_start().len())),
        label: label_above(&script[..start.min(script.len())])
            .unwrap_or_else(|| crate::report::script::one_line(&first)),
        sql,
    }
}

/// The step's comment in the block of comment lines right above a statement (`-- create
/// table public.t`), skipping the notes about hazards and transactions.
fn label_above(before: &str) -> Option<String> {
    let mut label = None;
    for line in before.lines().rev() {
        let line = line.trim();
        let Some(comment) = line.strip_prefix("--").map(str::trim) else {
            break;
        };
        let note = ["hazard ", "destructive", "runs outside", "pgdrift"]
            .iter()
            .any(|p| comment.starts_with(p));
        if !note && !comment.is_empty() {
            label = Some(comment.to_string());
        }
        if comment.is_empty() {
            break;
        }
    }
    label
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Begin,
    Commit,
    Other,
}

fn control(sql: &str) -> Control {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(2)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    match (
        words.first().map(String::as_str),
        words.get(1).map(String::as_str),
    ) {
        (Some("BEGIN"), Some("ATOMIC")) => Control::Other,
        (Some("BEGIN"), _) | (Some("START"), Some("TRANSACTION")) => Control::Begin,
        (Some("COMMIT" | "END"), None | Some("WORK" | "TRANSACTION")) => Control::Commit,
        _ => Control::Other,
    }
}

/// How the script runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How many times a unit that timed out waiting for a lock is tried again.
    pub lock_retries: u32,
    /// The first pause before trying again; it doubles each time, up to 30 s.
    pub first_pause: Duration,
    /// `lock_timeout` set after the script's own settings, overriding them.
    pub lock_timeout: Option<Duration>,
    /// `statement_timeout` set likewise.
    pub statement_timeout: Option<Duration>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            lock_retries: 5,
            first_pause: Duration::from_secs(1),
            lock_timeout: None,
            statement_timeout: None,
        }
    }
}

/// What happens while the script runs, for progress displays.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// Statement `number` of `total` starts.
    Running {
        number: usize,
        total: usize,
        statement: &'a Statement,
    },
    /// It finished after so long.
    Done {
        number: usize,
        total: usize,
        statement: &'a Statement,
        elapsed: Duration,
    },
    /// A unit timed out waiting for a lock and runs again after `pause`.
    Retrying {
        statement: &'a Statement,
        attempt: u32,
        pause: Duration,
    },
}

/// One statement that ran.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ran {
    pub line: usize,
    pub label: String,
    pub ms: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunReport {
    /// Statements that ran, committed, in order.
    pub ran: Vec<Ran>,
    /// Times a unit was tried again after a lock timeout.
    pub retries: u32,
}

/// A statement that failed; the transaction it was in was rolled back.
#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line} ({label}) failed: {message}")]
pub struct RunError {
    pub line: usize,
    pub label: String,
    pub sql: String,
    pub message: String,
    /// SQLSTATE, when the server sent one.
    pub code: Option<String>,
    /// What ran and was committed before it.
    pub report: RunReport,
}

/// Runs `units` on `client`.
pub async fn run(
    client: &Client,
    units: &[Unit],
    options: &RunOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<RunReport, RunError> {
    let total = units.iter().map(|u| u.statements().len()).sum();
    let mut report = RunReport::default();
    let mut overridden = false;
    for unit in units {
        let setting = matches!(unit, Unit::Single(s) if is_setting(&s.sql));
        if !setting && !overridden {
            overridden = true;
            set_overrides(client, options, unit, &report).await?;
        }
        let mut attempt = 0;
        loop {
            let base = report.ran.len();
            match run_unit(client, unit, (base, total), &mut report, on_event).await {
                Ok(()) => break,
                Err((statement, e)) => {
                    let code = e.code().map(|c| c.code().to_string());
                    let lock = code.as_deref() == Some("55P03");
                    if lock && attempt < options.lock_retries {
                        attempt += 1;
                        report.retries += 1;
                        let pause = pause(options.first_pause, attempt);
                        on_event(Event::Retrying {
                            statement,
                            attempt,
                            pause,
                        });
                        drop_invalid_leftover(client, statement).await;
                        tokio::time::sleep(pause).await;
                        continue;
                    }
                    return Err(RunError {
                        line: statement.line,
                        label: statement.label.clone(),
                        sql: statement.sql.clone(),
                        message: crate::pg::connect::db_message(&e),
                        code,
                        report,
                    });
                }
            }
        }
    }
    Ok(report)
}

fn is_setting(sql: &str) -> bool {
    sql.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("SET "))
}

async fn set_overrides(
    client: &Client,
    options: &RunOptions,
    unit: &Unit,
    report: &RunReport,
) -> Result<(), RunError> {
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let mut sql = String::new();
    if let Some(d) = options.lock_timeout {
        sql.push_str(&format!("SET lock_timeout = {};", ms(d)));
    }
    if let Some(d) = options.statement_timeout {
        sql.push_str(&format!("SET statement_timeout = {};", ms(d)));
    }
    if sql.is_empty() {
        return Ok(());
    }
    client.batch_execute(&sql).await.map_err(|e| {
        let first = &unit.statements()[0];
        RunError {
            line: first.line,
            label: "session settings".into(),
            sql: sql.clone(),
            message: crate::pg::connect::db_message(&e),
            code: e.code().map(|c| c.code().to_string()),
            report: report.clone(),
        }
    })
}

/// The pause before try `attempt` (1-based): `first`, doubling, at most 30 s.
fn pause(first: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    first.saturating_mul(factor).min(Duration::from_secs(30))
}

type Failure<'u> = (&'u Statement, tokio_postgres::Error);

/// Runs one unit; a transaction is rolled back on failure. Statements that ran are added
/// to `report` only once committed.
async fn run_unit<'u>(
    client: &Client,
    unit: &'u Unit,
    (base, total): (usize, usize),
    report: &mut RunReport,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), Failure<'u>> {
    let statements = unit.statements();
    let transaction = matches!(unit, Unit::Transaction(_));
    if transaction {
        client
            .batch_execute("BEGIN")
            .await
            .map_err(|e| (&statements[0], e))?;
    }
    let mut ran = Vec::new();
    for (i, statement) in statements.iter().enumerate() {
        let number = base + i + 1;
        on_event(Event::Running {
            number,
            total,
            statement,
        });
        let started = Instant::now();
        if let Err(e) = client.batch_execute(&statement.sql).await {
            if transaction {
                let _ = client.batch_execute("ROLLBACK").await;
            }
            return Err((statement, e));
        }
        let elapsed = started.elapsed();
        on_event(Event::Done {
            number,
            total,
            statement,
            elapsed,
        });
        ran.push(Ran {
            line: statement.line,
            label: statement.label.clone(),
            ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        });
    }
    if transaction {
        let last = &statements[statements.len().saturating_sub(1)];
        client
            .batch_execute("COMMIT")
            .await
            .map_err(|e| (last, e))?;
    }
    report.ran.extend(ran);
    Ok(())
}

/// After a `CREATE INDEX CONCURRENTLY` that timed out: the INVALID index it may have left
/// is dropped, or the next try would fail on its name (or skip it, with IF NOT EXISTS).
async fn drop_invalid_leftover(client: &Client, statement: &Statement) {
    let Some(index) = created_index(&statement.sql).filter(|i| i.concurrently) else {
        return;
    };
    let name = match &index.schema {
        Some(schema) => QualIdent(schema, &index.name).to_string(),
        None => Ident(&index.name).to_string(),
    };
    let invalid = client
        .query_one(
            "SELECT coalesce((SELECT NOT indisvalid FROM pg_catalog.pg_index \
             WHERE indexrelid = to_regclass($1)), false)",
            &[&name],
        )
        .await
        .is_ok_and(|row| row.get::<_, bool>(0));
    if invalid {
        let _ = client
            .batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_splits_into_transactions_and_single_statements_with_labels() {
        let script = "-- pgdrift 0.1.0: plan\n-- pgdrift:from-state x\n\nSET lock_timeout = '5000ms';\n\n\
            BEGIN;\n\n-- create table public.t\nCREATE TABLE public.t (id int);\n\n-- alter column public.t.id\n\
            -- hazard PD102 rewrites\nALTER TABLE public.t ALTER COLUMN id TYPE bigint;\n\nCOMMIT;\n\n\
            -- runs outside a transaction (after the commit)\n-- create index public.i\n\
            CREATE INDEX CONCURRENTLY i ON public.t (id);\n\n-- pgdrift:states\n-- pgdrift:from a b\n";
        let units = units(script).unwrap();
        assert_eq!(units.len(), 3, "{units:?}");
        let Unit::Transaction(list) = &units[1] else {
            panic!("{units:?}")
        };
        assert_eq!(list[0].label, "create table public.t");
        assert_eq!(list[0].line, 9);
        assert_eq!(list[1].label, "alter column public.t.id");
        assert_eq!(
            list[1].sql,
            "ALTER TABLE public.t ALTER COLUMN id TYPE bigint"
        );
        let Unit::Single(index) = &units[2] else {
            panic!("{units:?}")
        };
        assert_eq!(index.label, "create index public.i");
        assert!(matches!(&units[0], Unit::Single(s) if s.label == "SET lock_timeout = '5000ms'"));
    }

    #[test]
    fn transactions_must_close_and_not_nest() {
        assert!(matches!(
            units("BEGIN;\nSELECT 1;\n"),
            Err(ScriptError::Unclosed { begin: 1 })
        ));
        assert!(matches!(
            units("BEGIN;\nBEGIN;\nCOMMIT;\n"),
            Err(ScriptError::Nested { line: 2, .. })
        ));
        assert!(matches!(
            units("SELECT 1;\nCOMMIT;\n"),
            Err(ScriptError::Unopened { line: 2 })
        ));
        assert!(units("CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END;").is_ok());
    }

    #[test]
    fn pauses_double_up_to_thirty_seconds() {
        let first = Duration::from_secs(1);
        assert_eq!(pause(first, 1), Duration::from_secs(1));
        assert_eq!(pause(first, 3), Duration::from_secs(4));
        assert_eq!(pause(first, 40), Duration::from_secs(30));
    }
}
