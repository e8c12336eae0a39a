//! Finding tracking tables: one catalog query lists every table, in every non-system schema,
//! whose name some tracker uses (tracking tables and their companions) or reads like a
//! migration log, with its columns and their types; each is then matched against the
//! trackers of its name, then against the shape of a homegrown log. The same matching
//! serves candidates built from a catalog (`recognize`), so that what `history` reads and
//! what comparisons leave out are one list.

use super::homegrown::{self, Layout, NAME_PATTERNS};
use super::{HistoryError, Tracker, UnknownTable, TRACKERS};
use crate::pg::Connection;

/// Tables named like a tracking table or a companion, or (ordinary and partitioned tables)
/// like a migration log, with their columns.
const CANDIDATES: &str = "\
SELECT n.nspname::text, c.relname::text,
       has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'),
       array_agg(a.attname::text ORDER BY a.attnum),
       array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum),
       c.relkind IN ('r', 'p')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'f')
  AND (c.relname = ANY ($1::text[]::name[])
       OR (c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND lower(c.relname::text) LIKE ANY ($2::text[])))
  AND n.nspname NOT IN ('information_schema', 'pgdrift_backup', 'pgdrift_quarantine')
  AND n.nspname NOT LIKE 'pg\\_%'
GROUP BY n.oid, n.nspname, c.oid, c.relname, c.relkind
ORDER BY 1, 2";

/// A table with a tracking table's name, as the catalog describes it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub schema: String,
    pub table: String,
    /// Whether the current role can read it.
    pub readable: bool,
    /// An ordinary or partitioned table (not a view or a foreign table): only those can be
    /// homegrown trackers.
    pub plain_table: bool,
    /// `(name, type)` of each column, types as `format_type` prints them
    /// (`character varying(128)`, `bigint`).
    pub columns: Vec<(String, String)>,
    /// Other candidate tables in the same schema (companions such as `ar_internal_metadata`).
    pub siblings: Vec<String>,
}

impl Candidate {
    /// The type of column `name`.
    pub fn type_of(&self, name: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }

    /// True when every column of `names` exists.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.type_of(n).is_some())
    }

    /// True when column `name` exists with a type starting with `type_prefix`.
    pub fn has(&self, name: &str, type_prefix: &str) -> bool {
        self.type_of(name)
            .is_some_and(|t| t.starts_with(type_prefix))
    }

    /// True when the columns are exactly `names`, in any order.
    pub fn only(&self, names: &[&str]) -> bool {
        self.columns.len() == names.len() && self.has_all(names)
    }

    /// True when table `name` is in the same schema; `name` is one of [`COMPANIONS`].
    pub fn beside(&self, name: &str) -> bool {
        debug_assert!(COMPANIONS.contains(&name), "{name} is not a companion");
        self.siblings.iter().any(|s| s == name)
    }

    /// `schema.table`.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.table)
    }
}

/// The tables a tool keeps beside its tracking table, which recognition asks about
/// ([`Candidate::beside`]): the only siblings worth listing, so that a schema of thousands
/// of tables does not give each of them a list of thousands.
pub const COMPANIONS: &[&str] = &["ar_internal_metadata"];

/// What detection found: tables some tracker recognises, and tables that only share a name.
#[derive(Debug)]
pub(super) struct Detected {
    pub known: Vec<Found>,
    pub unknown: Vec<UnknownTable>,
}

/// A recognised tracking table: the tracker whose rules it follows, and for a homegrown
/// log, how its columns are read.
#[derive(Debug)]
pub(super) struct Found {
    pub tracker: &'static Tracker,
    pub candidate: Candidate,
    pub layout: Option<Layout>,
}

/// What a candidate table is.
#[derive(Debug, Clone)]
pub enum Recognized {
    /// A known tool's tracking table.
    Tool(&'static Tracker),
    /// A homegrown migration log.
    Homegrown(Layout),
    /// A table with a tracking table's name whose layout no tool has.
    Unknown,
    /// Not a tracking table (a companion, or a table that only reads like a log).
    No,
}

/// What `c` is: a known tool's tracking table when a tracker of its name recognises its
/// layout, else a homegrown log when its shape is one, else an unknown layout when it bears
/// a (not generic) tracker's name.
pub fn recognize(c: &Candidate) -> Recognized {
    let mut named = TRACKERS.iter().filter(|t| t.table == c.table).peekable();
    let has_name = named.peek().is_some();
    if let Some(t) = named.find(|t| (t.recognize)(c)) {
        return Recognized::Tool(t);
    }
    if let Some(layout) = homegrown::recognize(c) {
        return Recognized::Homegrown(layout);
    }
    let generic = TRACKERS
        .iter()
        .any(|t| t.table == c.table && t.generic_name);
    if has_name && !generic {
        Recognized::Unknown
    } else {
        Recognized::No
    }
}

/// Every table name the catalog query looks for.
fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = TRACKERS
        .iter()
        .flat_map(|t| std::iter::once(t.table).chain(t.companions.iter().copied()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Runs the catalog query (inside the caller's read-only transaction) and sorts out what
/// each table is.
pub(super) async fn detect(conn: &Connection) -> Result<Detected, HistoryError> {
    let rows = conn
        .client
        .query(CANDIDATES, &[&names(), &NAME_PATTERNS])
        .await
        .map_err(|e| HistoryError::Detect {
            target: conn.target.clone(),
            reason: crate::pg::mask_urls(&e.to_string()),
        })?;
    let mut candidates: Vec<Candidate> = rows
        .iter()
        .map(|r| {
            let names: Vec<String> = r.get(3);
            let types: Vec<String> = r.get(4);
            Candidate {
                schema: r.get(0),
                table: r.get(1),
                readable: r.get(2),
                plain_table: r.get(5),
                columns: names.into_iter().zip(types).collect(),
                siblings: Vec::new(),
            }
        })
        .collect();
    let all: Vec<(String, String)> = candidates
        .iter()
        .map(|c| (c.schema.clone(), c.table.clone()))
        .collect();
    for c in &mut candidates {
        c.siblings = all
            .iter()
            .filter(|(s, t)| *s == c.schema && *t != c.table)
            .map(|(_, t)| t.clone())
            .collect();
    }
    Ok(classify(candidates))
}

/// Sorts out what each candidate is (see [`recognize`]).
pub(super) fn classify(candidates: Vec<Candidate>) -> Detected {
    let mut detected = Detected {
        known: Vec::new(),
        unknown: Vec::new(),
    };
    for c in candidates {
        match recognize(&c) {
            Recognized::Tool(tracker) => detected.known.push(Found {
                tracker,
                candidate: c,
                layout: None,
            }),
            Recognized::Homegrown(layout) => detected.known.push(Found {
                tracker: layout.tracker(),
                candidate: c,
                layout: Some(layout),
            }),
            Recognized::Unknown => detected.unknown.push(UnknownTable {
                table: c.qualified(),
                note: format!("unknown {} layout", c.table),
                columns: c.columns.iter().map(|(n, t)| format!("{n} {t}")).collect(),
            }),
            Recognized::No => {}
        }
    }
    detected
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A readable plain table with these columns (name, type) and tables beside it.
    pub(in crate::migrate::history) fn candidate(
        schema: &str,
        table: &str,
        columns: &[(&str, &str)],
        siblings: &[&str],
    ) -> Candidate {
        Candidate {
            schema: schema.into(),
            table: table.into(),
            readable: true,
            plain_table: true,
            columns: columns
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            siblings: siblings.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn schema_migrations_layouts_are_told_apart() {
        let varchar = [("version", "character varying")];
        let found = classify(vec![
            candidate(
                "a",
                "schema_migrations",
                &[("version", "bigint"), ("dirty", "boolean")],
                &[],
            ),
            candidate(
                "b",
                "schema_migrations",
                &[("version", "character varying(128)")],
                &[],
            ),
            candidate(
                "c",
                "schema_migrations",
                &varchar,
                &["ar_internal_metadata"],
            ),
            candidate("d", "schema_migrations", &varchar, &[]),
            candidate(
                "e",
                "schema_migrations",
                &[("version", "character varying(255)")],
                &["ar_internal_metadata"],
            ),
            candidate(
                "f",
                "schema_migrations",
                &[
                    ("version", "bigint"),
                    ("inserted_at", "timestamp(0) without time zone"),
                ],
                &[],
            ),
            candidate(
                "i",
                "schema_migrations",
                &[("version", "bigint"), ("owner_note", "text")],
                &[],
            ),
            candidate(
                "g",
                "ar_internal_metadata",
                &[("key", "character varying")],
                &[],
            ),
            candidate(
                "h",
                "migrations",
                &[("id", "integer"), ("file", "text")],
                &[],
            ),
        ]);
        let known: Vec<(&str, &str)> = found
            .known
            .iter()
            .map(|f| (f.candidate.schema.as_str(), f.tracker.id))
            .collect();
        assert_eq!(
            known,
            [
                ("a", "golang-migrate"),
                ("b", "dbmate"),
                ("c", "rails"),
                // dbmate 2's unbounded varchar, with no Rails metadata beside it.
                ("d", "dbmate"),
                ("e", "rails"),
                // Ecto's layout: a log of versions with the time each was inserted.
                ("f", "homegrown"),
                // A log of the files a team's own runner applied.
                ("h", "homegrown"),
            ]
        );
        assert_eq!(found.unknown.len(), 1);
        assert_eq!(found.unknown[0].table, "i.schema_migrations");
        assert_eq!(found.unknown[0].note, "unknown schema_migrations layout");
    }

    #[test]
    fn every_table_name_has_a_tracker_that_can_match() {
        for t in TRACKERS {
            assert!(!t.select.is_empty() && !t.order.is_empty(), "{}", t.id);
            assert!(
                TRACKERS.iter().filter(|o| o.id == t.id).count() == 1,
                "{} twice",
                t.id
            );
        }
        assert!(names().contains(&"knex_migrations_lock"));
    }
}
