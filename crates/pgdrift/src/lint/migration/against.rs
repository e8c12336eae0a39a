//! The database the migrations will run on, as the migration lint needs it: each table's
//! estimated rows and size, the server's version, and which files of the directory its
//! tracking table records as applied. Read from a live database (the planner's estimates
//! and page counts: no table is locked or scanned), or from a statistics snapshot, the same
//! data as JSON (`pgdrift lint --migrations DIR --against URL --save-against FILE` writes
//! one), so CI can lint against production without reaching it.

use crate::migrate::history::{compare_dir_with, read_history};
use crate::model::QualName;
use crate::pg::Connection;
use crate::source::dir::Ignore;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// What the first line of a snapshot says it is.
pub const KIND: &str = "pgdrift-lint-against";
/// The version of the snapshot's layout.
pub const FORMAT_VERSION: u32 = 1;

const TABLE_SIZES: &str = include_str!("table_sizes.sql");

/// A statistics snapshot of the database migrations will run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Against {
    pub kind: String,
    pub format_version: u32,
    /// The database's name.
    pub database: String,
    pub server_version: String,
    pub server_version_num: u32,
    /// When it was read (UTC).
    pub taken_at: String,
    pub tables: Vec<TableStat>,
    /// What the database's tracking table records of the directory; `None` when it has no
    /// tracking table for it.
    pub applied: Option<Applied>,
}

/// One table's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableStat {
    pub schema: String,
    pub name: String,
    /// The planner's estimate; `None` when the table was never analyzed.
    pub rows: Option<f64>,
    /// Heap, TOAST and indexes, from page counts.
    pub bytes: Option<i64>,
}

/// The files of a directory a tracking table records as applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The tool whose table it is (`pgdrift`, `flyway`, ...) and the table.
    pub tool: String,
    pub table: String,
    /// Paths relative to the directory.
    pub files: Vec<String>,
}

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AgainstError {
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("reading {what} of {target}: {message}")]
    Database {
        target: String,
        what: &'static str,
        message: String,
    },
}

impl Against {
    /// Reads the statistics of the database `conn` is connected to; with `dir`, also which
    /// of its files the database's tracking tables record as applied.
    pub async fn read(
        conn: &Connection,
        dir: Option<(&Path, &Ignore)>,
    ) -> Result<Against, AgainstError> {
        let fail = |what, e: &dyn std::fmt::Display| AgainstError::Database {
            target: conn.target.clone(),
            what,
            message: crate::pg::mask_urls(&e.to_string()),
        };
        let rows =
            (conn.client.query(TABLE_SIZES, &[]).await).map_err(|e| fail("the table sizes", &e))?;
        let tables = rows
            .iter()
            .map(|r| TableStat {
                schema: r.get(0),
                name: r.get(1),
                rows: r.get::<_, Option<f64>>(2),
                bytes: r.get(3),
            })
            .collect();
        let applied = match dir {
            Some((dir, ignore)) => applied(conn, dir, ignore)
                .await
                .map_err(|e| fail("the tracking tables", &e))?,
            None => None,
        };
        Ok(Against {
            kind: KIND.to_string(),
            format_version: FORMAT_VERSION,
            database: conn.database.clone(),
            server_version: conn.version.text.clone(),
            server_version_num: conn.version.num,
            taken_at: crate::clock::utc_stamp(),
            tables,
            applied,
        })
    }

    /// Reads a snapshot file.
    pub fn load(path: &Path) -> Result<Against, AgainstError> {
        let bad = |reason: String| AgainstError::File {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not JSON ({e}); expected a statistics snapshot")))?;
        if value.get("kind").and_then(|k| k.as_str()) != Some(KIND) {
            return Err(bad(format!(
                "not a statistics snapshot (no \"kind\": \"{KIND}\"); write one with \
                 `pgdrift lint --migrations DIR --against URL --save-against FILE`"
            )));
        }
        let against: Against = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        if against.format_version > FORMAT_VERSION {
            return Err(bad(format!(
                "format_version {} is newer than this pgdrift reads ({FORMAT_VERSION})",
                against.format_version
            )));
        }
        Ok(against)
    }

    /// Writes the snapshot to `path`.
    pub fn save(&self, path: &Path) -> Result<(), AgainstError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| AgainstError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        std::fs::write(path, text + "\n").map_err(|e| AgainstError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Sizes by table.
    pub fn sizes(&self) -> Sizes {
        Sizes(
            (self.tables.iter())
                .map(|t| (QualName::new(&t.schema, &t.name), t.clone()))
                .collect(),
        )
    }
}

/// The files of `dir` the tracking table its files belong to records as applied; `None`
/// when the database has no tracking table with rows for it.
async fn applied(
    conn: &Connection,
    dir: &Path,
    ignore: &Ignore,
) -> Result<Option<Applied>, crate::migrate::history::HistoryError> {
    let history = read_history(conn).await?;
    let Some(tool) = history.tool_for_dir_with(dir, ignore) else {
        return Ok(None);
    };
    let c = compare_dir_with(tool, dir, ignore)?;
    let all = crate::source::dir::read_dir(dir, None, ignore).map_or_else(
        |_| Vec::new(),
        |d| {
            (d.migrations.iter())
                .filter_map(|m| relative(dir, &m.path))
                .collect::<Vec<_>>()
        },
    );
    let pending: Vec<&str> = (c.never_applied.iter())
        .chain(&c.changed_repeatables)
        .map(|f| f.file.as_str())
        .collect();
    Ok(Some(Applied {
        tool: tool.tool.to_string(),
        table: tool.table.clone(),
        files: all
            .into_iter()
            .filter(|f| !pending.contains(&f.as_str()))
            .collect(),
    }))
}

/// `path` relative to `dir`, with `/` separators.
pub fn relative(dir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

/// Table sizes by name.
#[derive(Debug, Clone, Default)]
pub struct Sizes(pub HashMap<QualName, TableStat>);

impl Sizes {
    pub fn get(&self, table: &QualName) -> Option<&TableStat> {
        self.0.get(table)
    }

    /// Estimated rows per table, for the planner's lock hazard.
    pub fn rows(&self) -> HashMap<QualName, f64> {
        (self.0.iter())
            .filter_map(|(k, t)| t.rows.map(|r| (k.clone(), r)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_round_trip_and_strangers_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Against {
            kind: KIND.into(),
            format_version: FORMAT_VERSION,
            database: "app".into(),
            server_version: "15.4".into(),
            server_version_num: 150004,
            taken_at: "2026-01-01 00:00:00".into(),
            tables: vec![TableStat {
                schema: "public".into(),
                name: "events".into(),
                rows: Some(1e7),
                bytes: Some(1 << 30),
            }],
            applied: Some(Applied {
                tool: "pgdrift".into(),
                table: "pgdrift.schema_migrations".into(),
                files: vec!["001_init.sql".into()],
            }),
        };
        let path = dir.path().join("prod.json");
        a.save(&path).unwrap();
        assert_eq!(Against::load(&path).unwrap(), a);
        let sizes = a.sizes();
        assert_eq!(sizes.rows()[&QualName::new("public", "events")], 1e7);
        std::fs::write(&path, "{\"format_version\": 1}").unwrap();
        let e = Against::load(&path).unwrap_err().to_string();
        assert!(e.contains("not a statistics snapshot"), "{e}");
        std::fs::write(&path, "nope").unwrap();
        assert!(Against::load(&path).is_err());
        assert!(Against::load(&dir.path().join("missing.json")).is_err());
    }
}
