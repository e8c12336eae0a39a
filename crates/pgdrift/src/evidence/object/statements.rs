//! The statements `pg_stat_statements` recorded that touch each relation. Each normalized
//! query text is lexed as function bodies are (comments skipped, unquoted names folded,
//! quoted ones exact) and a relation is touched when it is named as `schema.name` or as a
//! bare `name`: never a substring match. pgdrift's own counting statements carry
//! [`OWN_MARK`] and are left out, and so are schema changes and maintenance (`CREATE`,
//! `ALTER`, `VACUUM`...), which are not the application using the rows. When the extension
//! is absent or its view unreadable, every object says so as missing evidence.

use super::bodies::{mentions, Lexed};
use super::Investigation;
use crate::pg::{connect::db_message, mask_urls, Connection};
use crate::sql::QualIdent;
use serde::Serialize;
use tokio_postgres::Row;

const STATEMENTS: &str = include_str!("queries/statements.sql");
const EXTENSION: &str = include_str!("queries/statements_extension.sql");

/// A comment inside the statements pgdrift runs on user tables (exact counts, timestamp
/// ranges), so that they are not taken for the application's use.
pub const OWN_MARK: &str = "/* pgdrift investigate */";

/// Commands that change or maintain a relation's definition rather than use its rows: a
/// migration creating a table, or a vacuum, is not the application using it.
const NOT_USE: &[&str] = &[
    "create", "alter", "drop", "comment", "grant", "revoke", "vacuum", "analyze", "analyse",
    "cluster", "reindex", "security",
];

/// At most this many statements are listed per relation, most called first.
pub const TOP: usize = 10;

/// Query texts are shown cut to this many characters.
const TEXT_CHARS: usize = 200;

/// One recorded statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// The normalized text, whitespace collapsed, cut to 200 characters.
    pub query: String,
    pub calls: i64,
    /// Total execution time, in milliseconds.
    pub total_ms: f64,
    pub rows: i64,
}

/// What pg_stat_statements says about one relation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatementUse {
    /// Why the statements could not be read (the extension absent, its view unreadable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
    /// How many recorded statements name it, and their calls in all.
    pub statements: usize,
    pub calls: i64,
    /// The statements that name it, most called first (at most [`TOP`]).
    pub top: Vec<Statement>,
    /// Statements whose text the role may not see (other users' without pg_read_all_stats).
    #[serde(skip_serializing_if = "is_zero")]
    pub hidden: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Reads pg_stat_statements on `conn` (outside any transaction of its own) and records,
/// for each object of `inv`, the statements that name it; then judges each again.
pub async fn add_statements(conn: &Connection, inv: &mut Investigation) {
    let read = read_statements(conn).await;
    for o in &mut inv.objects {
        o.statements = Some(match &read {
            Err(why) => StatementUse {
                unavailable: Some(why.clone()),
                ..StatementUse::default()
            },
            Ok(rows) => match o.object.split_once('.') {
                Some((schema, name)) => touching(rows, schema, name),
                None => StatementUse::default(),
            },
        });
        o.judge();
    }
}

/// Every statement recorded in this database, or why there are none to read.
async fn read_statements(conn: &Connection) -> Result<Vec<Statement>, String> {
    let installed = conn
        .client
        .query_opt(EXTENSION, &[])
        .await
        .map_err(|e| mask_urls(&db_message(&e)))?;
    let Some(row) = installed else {
        return Err(format!(
            "pg_stat_statements is not installed in database {} (CREATE EXTENSION \
             pg_stat_statements, with it in shared_preload_libraries): the statements that use \
             it are unknown",
            conn.database
        ));
    };
    let schema: String = row.get("schema");
    let view = QualIdent(&schema, "pg_stat_statements").to_string();
    let sql = STATEMENTS.replace("{{view}}", &view);
    let rows = conn.client.query(sql.as_str(), &[]).await.map_err(|e| {
        format!(
            "pg_stat_statements is installed in database {} but {view} cannot be read ({}): the statements that use it are unknown",
            conn.database,
            mask_urls(&db_message(&e))
        )
    })?;
    Ok(rows.iter().map(statement).collect())
}

fn statement(r: &Row) -> Statement {
    Statement {
        query: r.get("query"),
        calls: r.get("calls"),
        total_ms: r.get("total_ms"),
        rows: r.get("rows"),
    }
}

/// The statements of `all` that name `schema.name`, most called first, texts shortened.
pub fn touching(all: &[Statement], schema: &str, name: &str) -> StatementUse {
    let mut out = StatementUse::default();
    let mut matched: Vec<&Statement> = Vec::new();
    for s in all {
        if s.query == "<insufficient privilege>" {
            out.hidden += 1;
            continue;
        }
        if s.query.contains(OWN_MARK) {
            continue;
        }
        let lexed = Lexed::new(&s.query);
        if lexed.first().is_some_and(|w| NOT_USE.contains(&w)) {
            continue;
        }
        if lexed.has(name) && !mentions(&lexed, schema, name).is_empty() {
            matched.push(s);
        }
    }
    matched.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.query.cmp(&b.query)));
    out.statements = matched.len();
    out.calls = matched.iter().map(|s| s.calls).sum();
    out.top = (matched.iter().take(TOP))
        .map(|s| Statement {
            query: shorten(&s.query),
            ..(*s).clone()
        })
        .collect();
    out
}

/// `text` on one line (whitespace runs collapsed), cut to [`TEXT_CHARS`] characters.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(query: &str, calls: i64) -> Statement {
        Statement {
            query: query.into(),
            calls,
            total_ms: 1.5,
            rows: 2,
        }
    }

    #[test]
    fn statements_are_matched_by_name_not_by_substring() {
        let all = [
            s("SELECT * FROM app.orders WHERE id = $1", 7),
            s("select count(*) from ORDERS", 3),
            s("SELECT * FROM app.orders_archive", 100),
            s("SELECT orders_id FROM t -- orders", 50),
            s("SELECT * FROM other.orders", 9),
            s("CREATE INDEX ON app.orders (id)", 1),
            s("/* migration */ alter table app.orders add column x int", 1),
            s(
                "SELECT /* pgdrift investigate */ count(*) FROM app.orders",
                1,
            ),
            s("<insufficient privilege>", 4),
        ];
        let found = touching(&all, "app", "orders");
        let texts: Vec<&str> = found.top.iter().map(|s| s.query.as_str()).collect();
        assert_eq!(
            texts,
            [
                "SELECT * FROM app.orders WHERE id = $1",
                "select count(*) from ORDERS",
            ]
        );
        assert_eq!((found.statements, found.calls, found.hidden), (2, 10, 1));
        let long = format!("SELECT\n\n  {} FROM app.orders", "x, ".repeat(100));
        let cut = touching(&[s(&long, 1)], "app", "orders");
        assert!(cut.top[0].query.ends_with('…') && !cut.top[0].query.contains('\n'));
        assert_eq!(cut.top[0].query.chars().count(), TEXT_CHARS + 1);
    }
}
