//! Gathering the evidence: the live database is read once; the migrations are replayed in
//! shadow databases, read after each one. A long directory is split into consecutive runs,
//! each on a shadow database of its own (at most `InspectOptions::jobs` at once): a run
//! replays the migrations before it without reading, then reads after each of its own, so
//! the reads — most of the time spent — go on in parallel. Every shadow database is dropped
//! afterwards, also on failure.

use super::ledger::{Ledger, Step};
use super::{Evidence, EvidenceError, MigrationEvidence};
use crate::diff::{diff, DiffOptions};
use crate::migrate::{tracking, Migration};
use crate::model::Catalog;
use crate::pg::shadow::{ShadowDb, ShadowError};
use crate::pg::{connect, ConnInfo, Connection};
use crate::source::load::{create_roles, shadow_server};
use crate::source::replay::{replay, ReplayError, ReplayUnit};
use crate::source::{inspect, InspectOptions, LoadError, LoadOptions};
use std::ops::Range;

/// The fewest migrations worth a shadow database of their own.
const RUN: usize = 16;

/// Replays `migrations` (in order) in shadow databases and compares what they leave with the
/// live database `live`, as `pgdrift diff` compares by default (owners ignored). `options`
/// chooses the shadow server (`dev_url`, else the embedded one), what is read (`inspect`)
/// and how many shadow databases work at once (`inspect.jobs`).
pub async fn gather(
    migrations: &[Migration],
    live: &ConnInfo,
    options: &LoadOptions,
) -> Result<Evidence, EvidenceError> {
    gather_with(migrations, live, options, &DiffOptions::default()).await
}

/// [`gather`], comparing as `diff_options` says.
pub async fn gather_with(
    migrations: &[Migration],
    live: &ConnInfo,
    options: &LoadOptions,
    diff_options: &DiffOptions,
) -> Result<Evidence, EvidenceError> {
    let mut read = options.inspect.clone();
    // pgdrift's own tracking table is never part of the evidence.
    read.exclude_schemas.push(tracking::SCHEMA.to_string());
    read.database_size = false;
    read.table_rows = false;
    let live = inspect(live, &read)
        .await
        .map_err(EvidenceError::Live)?
        .snapshot
        .catalog;
    if migrations.is_empty() {
        return Ok(Evidence {
            migrations: Vec::new(),
        });
    }
    let replayer = Replayer {
        migrations,
        live: &live,
        private: options.dev_url.is_none(),
        // A shadow catalog is small: one connection reads it fastest.
        read: InspectOptions { jobs: 1, ..read },
        diff: diff_options,
    };
    let (steps, last) = replayer.on_shadows(options).await?;
    let mut ledger = Ledger::default();
    for (i, step) in steps.into_iter().enumerate() {
        ledger.step(i, step);
    }
    let objects = ledger.finish(&diff(&last, &live, diff_options), migrations.len(), |i| {
        migrations[i].version.clone()
    });
    Ok(Evidence {
        migrations: migrations
            .iter()
            .zip(objects)
            .map(|(m, objects)| MigrationEvidence::new(m, objects))
            .collect(),
    })
}

/// `count` migrations in consecutive runs: one per `jobs`, each of at least [`RUN`].
fn runs(count: usize, jobs: usize) -> Vec<Range<usize>> {
    let n = jobs.min(count.div_ceil(RUN)).max(1);
    (0..n).map(|w| w * count / n..(w + 1) * count / n).collect()
}

/// A failure, and the migration it happened at (to report the earliest of several runs').
struct Failure {
    at: usize,
    error: EvidenceError,
}

/// Replays and reads the migrations.
struct Replayer<'a> {
    migrations: &'a [Migration],
    live: &'a Catalog,
    /// On pgdrift's private server, where roles may be created at will.
    private: bool,
    read: InspectOptions,
    diff: &'a DiffOptions,
}

impl Replayer<'_> {
    /// Makes the shadow databases, runs the migrations on them, and drops them.
    async fn on_shadows(
        &self,
        options: &LoadOptions,
    ) -> Result<(Vec<Step>, Catalog), EvidenceError> {
        let runs = runs(self.migrations.len(), options.inspect.jobs);
        let server = shadow_server(options).await?;
        let mut dbs = Vec::with_capacity(runs.len());
        let mut created = Ok(());
        for _ in &runs {
            match server.create().await {
                Ok(db) => dbs.push(db),
                Err(e) => {
                    created = Err(e);
                    break;
                }
            }
        }
        let result = match created {
            Ok(()) => self.all(&dbs, runs).await,
            Err(e) => Err(e.into()),
        };
        for db in dbs {
            db.drop_now().await;
        }
        result
    }

    /// Every run (`runs` is not empty), one shadow database each: the step of every
    /// migration, in order, and the catalog after the last.
    async fn all(
        &self,
        dbs: &[ShadowDb],
        runs: Vec<Range<usize>>,
    ) -> Result<(Vec<Step>, Catalog), EvidenceError> {
        if self.private {
            // Roles belong to the server: made once, before the runs start, so that the
            // migrations' grants to the roles the live database has replay.
            let conn = connect(dbs[0].conninfo())
                .await
                .map_err(ShadowError::from)?;
            create_roles(&conn.client, &[self.live])
                .await
                .map_err(|e| EvidenceError::Roles {
                    message: match e {
                        LoadError::Rebuild { reason } => reason,
                        other => other.to_string(),
                    },
                })?;
        }
        let results =
            futures_util::future::join_all(dbs.iter().zip(runs).map(|(db, run)| self.run(db, run)))
                .await;
        let mut steps = Vec::with_capacity(self.migrations.len());
        let mut last = None;
        let mut first: Option<Failure> = None;
        for result in results {
            match result {
                Ok((run, catalog)) => {
                    steps.extend(run);
                    last = Some(catalog);
                }
                Err(f) if first.as_ref().is_none_or(|e| f.at < e.at) => first = Some(f),
                Err(_) => {}
            }
        }
        match (first, last) {
            (Some(f), _) => Err(f.error),
            (None, Some(last)) => Ok((steps, last)),
            (None, None) => unreachable!("there is at least one run"),
        }
    }

    /// One run: replays the migrations before it, then each of its own and reads after it;
    /// their steps, and the catalog after the last.
    async fn run(&self, db: &ShadowDb, run: Range<usize>) -> Result<(Vec<Step>, Catalog), Failure> {
        let at = |error: EvidenceError| Failure {
            at: run.start,
            error,
        };
        let conn = connect(db.conninfo())
            .await
            .map_err(|e| at(ShadowError::from(e).into()))?;
        db.ensure_empty(&conn).await.map_err(|e| at(e.into()))?;
        for i in 0..run.start {
            self.replay(&conn, i).await?;
        }
        let mut before = self.read(db, run.start.checked_sub(1)).await?;
        let mut steps = Vec::with_capacity(run.len());
        for i in run.clone() {
            self.replay(&conn, i).await?;
            let after = self.read(db, Some(i)).await?;
            steps.push(Step::of(&diff(&before, &after, self.diff)));
            before = after;
        }
        Ok((steps, before))
    }

    /// Replays migration `i`; a failure names the migrations before it.
    async fn replay(&self, conn: &Connection, i: usize) -> Result<(), Failure> {
        let m = &self.migrations[i];
        let unit = ReplayUnit {
            name: m.path.display().to_string(),
            sql: m.sql.clone(),
            no_transaction: m.no_transaction,
        };
        let roles = crate::source::roles::MissingRoles::private(self.private);
        let source = match replay(conn, std::slice::from_ref(&unit), roles).await {
            Ok(()) => return Ok(()),
            Err(ReplayError::Statement(mut statement)) => {
                statement.applied_before = self.migrations[..i]
                    .iter()
                    .map(|m| m.path.display().to_string())
                    .collect();
                ReplayError::Statement(statement)
            }
            Err(other) => other,
        };
        Err(Failure {
            at: i,
            error: EvidenceError::Replay {
                version: m.version.clone(),
                path: m.path.clone(),
                source,
            },
        })
    }

    /// The shadow's catalog after migration `after` (or before the first).
    async fn read(&self, db: &ShadowDb, after: Option<usize>) -> Result<Catalog, Failure> {
        match inspect(db.conninfo(), &self.read).await {
            Ok(inspected) => Ok(inspected.snapshot.catalog),
            Err(source) => Err(Failure {
                at: after.map_or(0, |i| i + 1),
                error: EvidenceError::ShadowRead {
                    after: after.map(|i| self.migrations[i].version.clone()),
                    source,
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_directories_are_split_into_consecutive_runs() {
        let one = |r: Range<usize>| vec![r];
        assert_eq!(runs(6, 4), one(0..6));
        assert_eq!(runs(40, 1), one(0..40));
        assert_eq!(runs(40, 4), [0..13, 13..26, 26..40]);
        assert_eq!(runs(200, 4), [0..50, 50..100, 100..150, 150..200]);
        assert_eq!(runs(3, 0), one(0..3));
    }
}
