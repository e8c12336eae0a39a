//! Where a tool's table is, and what it holds: one catalog query finds every table of the
//! tool's name (pgdrift's own only in its schema), each layout is checked against the tool's,
//! and the tool's state query reads what it records.

use super::{RecordError, Recorder};
use crate::sql::QualIdent;
use tokio_postgres::Client;

/// The table a recording goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub schema: String,
    pub table: String,
    /// False when it is to be created.
    pub exists: bool,
}

impl Located {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.table)
    }
}

/// What the tool records for one migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub key: String,
    pub checksum: Option<String>,
    /// False for failed or dirty rows.
    pub ok: bool,
}

const TABLES: &str = "SELECT n.nspname::text,
       array_agg(a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND ($2::text IS NULL OR n.nspname = $2)
GROUP BY n.nspname
ORDER BY n.nspname";

/// Why `columns` are not the tool's layout, if they are not.
fn misfit(recorder: &Recorder, columns: &[String]) -> Option<String> {
    let typed: Vec<(&str, &str)> = columns
        .iter()
        .map(|c| c.split_once(' ').unwrap_or((c.as_str(), "")))
        .collect();
    for (name, ty) in recorder.layout {
        match typed.iter().find(|(n, _)| n == name) {
            None => return Some(format!("it has no column {name}")),
            Some((_, t)) if !t.starts_with(ty) => {
                return Some(format!("its column {name} is {t}, not {ty}"))
            }
            _ => {}
        }
    }
    let extra: Vec<&str> = typed
        .iter()
        .filter(|(n, _)| !recorder.layout.iter().any(|(name, _)| name == n))
        .map(|(n, _)| *n)
        .collect();
    (!recorder.own && !extra.is_empty())
        .then(|| format!("it has other columns ({})", extra.join(", ")))
}

/// Finds the tool's table: the one table of its name and layout in any schema (the default
/// schema's when there are several), or the default schema when there is none. A table of the
/// name in the default schema with another layout is refused.
pub async fn locate(client: &Client, recorder: &Recorder) -> Result<Located, RecordError> {
    let only = recorder.own.then_some(recorder.default_schema);
    let rows = client
        .query(TABLES, &[&recorder.table, &only])
        .await
        .map_err(RecordError::db(format!(
            "looking for {}'s table",
            recorder.name
        )))?;
    let found: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|r| {
            let columns: Vec<String> = r.get(1);
            (r.get(0), misfit(recorder, &columns))
        })
        .collect();
    let fitting: Vec<&str> = found
        .iter()
        .filter(|(_, m)| m.is_none())
        .map(|(s, _)| s.as_str())
        .collect();
    let at = |schema: &str, exists| Located {
        schema: schema.to_string(),
        table: recorder.table.to_string(),
        exists,
    };
    match fitting.as_slice() {
        [one] => return Ok(at(one, true)),
        many if many.contains(&recorder.default_schema) => {
            return Ok(at(recorder.default_schema, true))
        }
        [] => {}
        many => {
            return Err(RecordError::Layout {
                tool: recorder.name,
                table: recorder.table.to_string(),
                reason: format!(
                    "several schemas hold one ({}); leave one, or move the others out of the way",
                    many.join(", ")
                ),
            })
        }
    }
    if let Some((_, Some(reason))) = found.iter().find(|(s, _)| s == recorder.default_schema) {
        return Err(RecordError::Layout {
            tool: recorder.name,
            table: format!("{}.{}", recorder.default_schema, recorder.table),
            reason: reason.clone(),
        });
    }
    Ok(at(recorder.default_schema, false))
}

/// What the tool records in the table at `at` (nothing when it does not exist yet).
pub async fn read_state(
    client: &Client,
    recorder: &Recorder,
    at: &Located,
) -> Result<Vec<Recorded>, RecordError> {
    if !at.exists {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {} FROM {} WHERE {}",
        recorder.state,
        QualIdent(&at.schema, &at.table),
        recorder.state_filter
    );
    let rows = client
        .query(&sql, &[])
        .await
        .map_err(RecordError::db(format!("reading {}", at.qualified())))?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let key: Option<String> = r.get(0);
            Some(Recorded {
                key: (recorder.normalize)(&key?),
                checksum: r.get(1),
                ok: r.get::<_, Option<bool>>(2).unwrap_or(false),
            })
        })
        .collect())
}
