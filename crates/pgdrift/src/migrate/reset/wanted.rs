//! What a reset drops. `Wanted` is what the migrations create, read from the catalog of
//! their replay: its schemas, its extensions (not `plpgsql`, which every database has) and
//! whether they use `public` (which exists before any migration). `Dropping` is what of that
//! — or, with `--all-schemas`, of every schema — the database holds now.

use super::{db_error, ResetError};
use crate::model::{Catalog, KINDS};
use crate::pg::Connection;
use serde::Serialize;

/// Schemas a reset never drops: the system's and pgdrift's own (its history, change log and
/// backups of dropped data).
pub const KEPT_SCHEMAS: &[&str] = &[
    "pg_catalog",
    "information_schema",
    "pgdrift",
    "pgdrift_backup",
];

/// True when a reset may drop schema `name` (not the system's, not pgdrift's).
pub fn droppable(name: &str) -> bool {
    !KEPT_SCHEMAS.contains(&name) && !name.starts_with("pg_toast") && !name.starts_with("pg_temp")
}

/// What the migrations create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Wanted {
    /// Schemas, `public` aside.
    pub schemas: Vec<String>,
    pub extensions: Vec<String>,
    /// They create objects (or extensions) in `public`, or drop it.
    pub uses_public: bool,
}

impl Wanted {
    /// Reads what a replay of the migrations created from its catalog.
    pub fn of(catalog: &Catalog) -> Wanted {
        let in_public = KINDS
            .iter()
            .filter(|k| k.kind != crate::model::Kind::Schema)
            .any(|k| catalog.count(k.kind, Some("public")) > 0);
        Wanted {
            schemas: (catalog.schemas.keys())
                .filter(|s| *s != "public" && droppable(s))
                .cloned()
                .collect(),
            extensions: (catalog.extensions.keys())
                .filter(|e| *e != "plpgsql")
                .cloned()
                .collect(),
            uses_public: in_public || !catalog.schemas.contains_key("public"),
        }
    }
}

/// What the reset drops on the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dropping {
    /// Schemas dropped with everything in them (`public` aside).
    pub schemas: Vec<String>,
    pub extensions: Vec<String>,
    /// `public` is dropped with everything in it and made again as it was.
    pub public: bool,
    /// Rows of `pgdrift.migrations` deleted (their versions).
    pub history: Vec<String>,
}

impl Dropping {
    /// What of `wanted` (everything, with `all_schemas`) the database holds.
    pub async fn read(
        conn: &Connection,
        wanted: &Wanted,
        all_schemas: bool,
    ) -> Result<Dropping, ResetError> {
        let schemas = strings(conn, SCHEMAS, "listing the schemas").await?;
        let extensions = strings(conn, EXTENSIONS, "listing the extensions").await?;
        let history = match super::super::tracking::exists(&conn.client).await? {
            true => strings(conn, HISTORY, "reading pgdrift.migrations").await?,
            false => Vec::new(),
        };
        let has_public = schemas.iter().any(|s| s == "public");
        Ok(Dropping {
            schemas: (schemas.iter())
                .filter(|s| *s != "public" && droppable(s))
                .filter(|s| all_schemas || wanted.schemas.contains(s))
                .cloned()
                .collect(),
            extensions: (extensions.iter())
                .filter(|e| all_schemas || wanted.extensions.contains(e))
                .cloned()
                .collect(),
            public: has_public && (all_schemas || wanted.uses_public),
            history,
        })
    }

    /// True when nothing is dropped.
    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty()
            && self.extensions.is_empty()
            && !self.public
            && self.history.is_empty()
    }
}

/// Schemas that no extension owns (an extension's schema goes with it).
const SCHEMAS: &str = "SELECT n.nspname::text FROM pg_namespace n
    WHERE NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass
                      AND d.objid = n.oid AND d.deptype = 'e')
    ORDER BY 1";

const EXTENSIONS: &str =
    "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1";

const HISTORY: &str = "SELECT version FROM pgdrift.migrations ORDER BY applied_at, version";

async fn strings(conn: &Connection, sql: &str, what: &str) -> Result<Vec<String>, ResetError> {
    let rows = (conn.client.query(sql, &[]).await).map_err(db_error(&conn.database, what))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_and_pgdrift_schemas_are_kept() {
        for name in [
            "pg_catalog",
            "information_schema",
            "pg_toast",
            "pg_temp_3",
            "pg_toast_temp_3",
            "pgdrift",
            "pgdrift_backup",
        ] {
            assert!(!droppable(name), "{name}");
        }
        for name in ["public", "app", "pgdrift_app", "pgx"] {
            assert!(droppable(name), "{name}");
        }
    }

    #[test]
    fn an_empty_replay_wants_nothing_but_leaves_public_alone() {
        let mut catalog = Catalog::default();
        catalog.schemas.insert(
            "public".into(),
            crate::model::Schema {
                schema: "public".into(),
                name: "public".into(),
                owner: "pg_database_owner".into(),
                comment: None,
                privileges: Default::default(),
            },
        );
        assert_eq!(Wanted::of(&catalog), Wanted::default());
        catalog.schemas.remove("public");
        assert!(
            Wanted::of(&catalog).uses_public,
            "a replay that drops public uses it"
        );
    }
}
