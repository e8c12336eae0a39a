//! Verification after a migration run: the desired schema (a migrations directory replayed
//! once on the scratch server, or any catalog a caller has, such as a role's desired schema)
//! compared with what a database holds once all its migrations are recorded as applied.
//! A difference there is "applied but different": the tracking table says the migrations
//! ran, the catalog says otherwise. Migration tools' tracking tables are left out of both
//! sides, as the audit leaves them out.

use super::owned::ToolOwned;
use super::status::Status;
use super::{tracking, MigrationFile};
use crate::diff::{diff, DiffOptions, Op};
use crate::model::{Catalog, Kind};
use crate::pg::{ConnInfo, Connection};
use crate::source::dir::Ignore;
use crate::source::{inspect, Deparse, InspectOptions, LoadError, LoadOptions, Loader, SourceSpec};
use std::path::Path;

/// How many differences a verification lists.
pub const MAX_DIFFERENCES: usize = 10;

/// A database compared with the desired schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// False when it differs (or when not every migration is recorded as applied).
    pub verified: bool,
    /// The first differences, `table app.orders is missing`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
    /// How many differences there are in all.
    pub count: usize,
    /// Why nothing was compared, when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The catalog the migrations of `dir` build, replayed once on the scratch server (or the
/// development server `options` names), tracking tables left out.
pub async fn desired_from_dir(
    dir: &Path,
    format: Option<crate::source::dir::DirFormat>,
    ignore: &Ignore,
    options: LoadOptions,
) -> Result<Catalog, LoadError> {
    let spec = SourceSpec::Directory {
        path: dir.to_path_buf(),
        format,
        ignore: ignore.clone(),
    };
    desired_from(&spec, options).await
}

/// The catalog any desired source describes (a role's `desired` in `pgdrift.toml`: a
/// directory, `.sql` files, a snapshot, a database, `cmd:`), tracking tables left out.
pub async fn desired_from(spec: &SourceSpec, options: LoadOptions) -> Result<Catalog, LoadError> {
    let mut catalog = Loader::new(options)
        .load(spec)
        .await?
        .inspected
        .snapshot
        .catalog;
    ToolOwned::of(&catalog).remove_from(&mut catalog);
    Ok(catalog)
}

/// The differences between `live` and `desired`, described from the desired side. The
/// database's own settings (`ALTER DATABASE ... SET`) are the server's configuration, not
/// what migrations build (a scratch replay has none): they are left out.
pub fn differences(live: &Catalog, desired: &Catalog) -> Vec<String> {
    let owned = ToolOwned::of(live);
    let d = diff(live, desired, &DiffOptions::default());
    (d.changes.iter())
        .filter(|c| owned.owner_of(c).is_none() && c.kind != Kind::DatabaseSetting)
        .map(|c| {
            let what = format!("{} {}", c.kind.info().singular, c.name);
            match c.op {
                Op::Create => format!("{what} is missing"),
                Op::Drop => format!("{what} is there but no migration creates it"),
                Op::Alter => {
                    let fields: Vec<&str> = c.fields.iter().map(|f| f.field.as_str()).collect();
                    format!("{what} differs: {}", fields.join(", "))
                }
            }
        })
        .collect()
}

/// Compares the database `info` names with `desired`, once every file of `files` is recorded
/// as applied on it (`conn`); otherwise says why it compared nothing.
pub async fn verify_database(
    conn: &Connection,
    info: &ConnInfo,
    files: &[MigrationFile],
    desired: &Catalog,
) -> Result<Verification, String> {
    let applied = (tracking::read(&conn.client).await).map_err(|e| e.to_string())?;
    let status = Status::compute(files, &applied);
    let open = (status.entries.iter())
        .filter(|e| e.state.is_pending() || e.state.is_problem())
        .count();
    if open > 0 {
        return Ok(Verification {
            skipped: Some(format!(
                "{open} migration(s) not recorded as applied: the schema is not the directory's yet"
            )),
            ..Verification::default()
        });
    }
    let read = InspectOptions {
        jobs: 1,
        deparse: Deparse::Client,
        ..InspectOptions::default()
    };
    let live = (inspect(info, &read).await).map_err(|e| crate::pg::mask_urls(&e.to_string()))?;
    let all = differences(&live.snapshot.catalog, desired);
    Ok(Verification {
        verified: all.is_empty(),
        count: all.len(),
        differences: all.into_iter().take(MAX_DIFFERENCES).collect(),
        skipped: None,
    })
}

impl Verification {
    /// The failure a differing database is: "applied but different", the first differences.
    pub fn failure(&self) -> Option<String> {
        if self.verified || self.skipped.is_some() {
            return None;
        }
        let more = match self.count > self.differences.len() {
            true => format!(" (and {} more)", self.count - self.differences.len()),
            false => String::new(),
        };
        Some(format!(
            "applied but different: every migration is recorded as applied, but {}{more}",
            self.differences.join("; ")
        ))
    }
}
