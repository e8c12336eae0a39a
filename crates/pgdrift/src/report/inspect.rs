//! The human summary of an inspection: where, what server, how big, and how many objects of
//! each kind in each schema; as text for a terminal, or as Markdown (with the tables, their
//! column counts and comments) for a pull request or a wiki page.

use crate::model::{Kind, Snapshot, KINDS};
use comfy_table::{presets, Cell, CellAlignment, Table};
use std::fmt::Write as _;

/// What the summary shows besides the catalog itself.
#[derive(Debug, Clone)]
pub struct SummaryContext {
    /// The masked source.
    pub source: String,
    /// How the catalog was obtained, when it was not read from a live database.
    pub origin: Option<String>,
    pub size_bytes: Option<i64>,
    pub elapsed: std::time::Duration,
    /// Styles allowed (a terminal that is not `NO_COLOR`).
    pub color: bool,
}

/// Schemas shown before the rest are folded into one line.
const MAX_SCHEMA_ROWS: usize = 40;

/// Renders the summary as text.
pub fn render_text(snapshot: &Snapshot, ctx: &SummaryContext) -> String {
    let catalog = &snapshot.catalog;
    let mut out = String::new();
    let bold = |s: &str| {
        if ctx.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    match &ctx.origin {
        Some(origin) => {
            let _ = writeln!(out, "{} ({origin})", bold(&ctx.source));
        }
        None => {
            let _ = writeln!(out, "{}", bold(&ctx.source));
        }
    }
    let mut facts = vec![format!("PostgreSQL {}", snapshot.source.server_version)];
    // A replayed file is named by its source already; a live database gets its name.
    if snapshot.source.database != ctx.source {
        facts.push(format!("database {}", snapshot.source.database));
    }
    if let Some(size) = ctx.size_bytes {
        facts.push(human_bytes(size));
    }
    facts.push(format!("read in {:.2} s", ctx.elapsed.as_secs_f64()));
    let _ = writeln!(out, "{}\n", facts.join(" · "));

    let kinds = present_kinds(snapshot);
    if catalog.schemas.is_empty() {
        out.push_str("No schemas (other than the system's) in this database.\n");
    } else if kinds.is_empty() {
        let _ = writeln!(out, "{} schema(s), all empty.", catalog.schemas.len());
    } else {
        out.push_str(&counts_table(snapshot, &kinds, ctx.color));
        out.push('\n');
    }
    if !catalog.extensions.is_empty() {
        let list: Vec<String> = catalog
            .extensions
            .values()
            .map(|e| format!("{} {} ({})", e.name, e.version, e.schema))
            .collect();
        let _ = writeln!(out, "\nExtensions: {}", list.join(", "));
    }
    out
}

/// The rows of the counts table: each schema (past [`MAX_SCHEMA_ROWS`], the rest folded into
/// one row), then the total when there are several schemas; one count per kind.
fn count_rows(snapshot: &Snapshot, kinds: &[Kind]) -> Vec<(String, Vec<usize>)> {
    let catalog = &snapshot.catalog;
    let counts = |schema: Option<&str>| -> Vec<usize> {
        kinds.iter().map(|k| catalog.count(*k, schema)).collect()
    };
    let schemas: Vec<&String> = catalog.schemas.keys().collect();
    let mut rows: Vec<(String, Vec<usize>)> = schemas
        .iter()
        .take(MAX_SCHEMA_ROWS)
        .map(|s| (s.to_string(), counts(Some(s))))
        .collect();
    if schemas.len() > MAX_SCHEMA_ROWS {
        let rest = &schemas[MAX_SCHEMA_ROWS..];
        let sums = kinds
            .iter()
            .map(|k| rest.iter().map(|s| catalog.count(*k, Some(s))).sum())
            .collect();
        rows.push((format!("({} more)", rest.len()), sums));
    }
    // Objects of the whole database (its settings, defaults outside a schema) are in none.
    let database = counts(Some(""));
    let database_wide = database.iter().any(|n| *n > 0);
    if database_wide {
        rows.push(("(database)".to_string(), database));
    }
    if schemas.len() > 1 || database_wide {
        rows.push(("total".to_string(), counts(None)));
    }
    rows
}

fn counts_table(snapshot: &Snapshot, kinds: &[Kind], color: bool) -> String {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    if !color {
        table.force_no_tty();
    }
    let mut header = vec![Cell::new("schema")];
    header.extend(
        kinds
            .iter()
            .map(|k| Cell::new(k.info().plural).set_alignment(CellAlignment::Right)),
    );
    table.set_header(header);
    for (name, counts) in count_rows(snapshot, kinds) {
        let mut row = vec![Cell::new(name)];
        row.extend(counts.into_iter().map(number_cell));
        table.add_row(row);
    }
    table.to_string()
}

/// The kinds that have objects, in summary order (schemas and extensions are listed apart).
fn present_kinds(snapshot: &Snapshot) -> Vec<Kind> {
    KINDS
        .iter()
        .map(|k| k.kind)
        .filter(|k| {
            *k != Kind::Schema && *k != Kind::Extension && snapshot.catalog.count(*k, None) > 0
        })
        .collect()
}

/// Tables listed by name in the Markdown summary before the rest are counted.
const MAX_TABLE_ROWS: usize = 200;

/// The summary as Markdown, for a pull request or a wiki page: the facts, the counts per
/// schema and kind, and the tables with their column counts and comments.
pub fn render_markdown(snapshot: &Snapshot, ctx: &SummaryContext) -> String {
    let catalog = &snapshot.catalog;
    let mut out = format!("### Schema of `{}`\n\n", md(&ctx.source));
    let mut facts = vec![format!("PostgreSQL {}", snapshot.source.server_version)];
    if snapshot.source.database != ctx.source {
        facts.push(format!("database `{}`", md(&snapshot.source.database)));
    }
    if let Some(origin) = &ctx.origin {
        facts.push(md(origin));
    }
    if let Some(size) = ctx.size_bytes {
        facts.push(human_bytes(size));
    }
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    let kinds = present_kinds(snapshot);
    if kinds.is_empty() {
        let _ = writeln!(out, "{} schema(s), no objects.", catalog.schemas.len());
    } else {
        let names: Vec<&str> = kinds.iter().map(|k| k.info().plural).collect();
        let _ = writeln!(out, "| schema | {} |", names.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(kinds.len()));
        for (name, counts) in count_rows(snapshot, &kinds) {
            let cells: Vec<String> = counts.iter().map(usize::to_string).collect();
            let _ = writeln!(out, "| {} | {} |", md(&name), cells.join(" | "));
        }
    }
    if !catalog.tables.is_empty() {
        out.push_str("\n| table | columns | comment |\n|---|---:|---|\n");
        for t in catalog.tables.values().take(MAX_TABLE_ROWS) {
            let comment = t.comment.as_deref().and_then(|c| c.lines().next());
            let _ = writeln!(
                out,
                "| `{}.{}` | {} | {} |",
                md(&t.schema),
                md(&t.name),
                t.columns.len(),
                md(comment.unwrap_or(""))
            );
        }
        if catalog.tables.len() > MAX_TABLE_ROWS {
            let _ = writeln!(
                out,
                "| … and {} more | | |",
                catalog.tables.len() - MAX_TABLE_ROWS
            );
        }
    }
    if !catalog.extensions.is_empty() {
        let list: Vec<String> = catalog
            .extensions
            .values()
            .map(|e| format!("`{}` {}", md(&e.name), md(&e.version)))
            .collect();
        let _ = writeln!(out, "\nExtensions: {}", list.join(", "));
    }
    out
}

/// Text for a Markdown table cell or code span: one line, no pipes or backticks.
fn md(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
        .replace('|', "\\|")
        .replace('`', "'")
}

fn number_cell(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

/// `1536` -> `1.5 kB`.
pub fn human_bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Catalog, Schema, SourceInfo, Table, TableKind};

    #[test]
    fn summary_counts_per_schema() {
        let mut catalog = Catalog::default();
        for s in ["app", "audit"] {
            catalog.schemas.insert(
                s.into(),
                Schema {
                    schema: s.into(),
                    name: s.into(),
                    owner: "o".into(),
                    comment: None,
                    privileges: Default::default(),
                },
            );
        }
        let table = Table {
            schema: "app".into(),
            name: "t".into(),
            kind: TableKind::Table,
            unlogged: false,
            partition_key: None,
            partition_of: None,
            partition_bound: None,
            of_type: None,
            inherits: vec![],
            rls_enabled: false,
            rls_forced: false,
            replica_identity: Default::default(),
            access_method: None,
            options: vec![],
            foreign_server: None,
            foreign_options: vec![],
            owner: "o".into(),
            comment: None,
            privileges: Default::default(),
            columns: vec![],
        };
        catalog
            .tables
            .insert(crate::model::QualName::new("app", "t"), table);
        let snap = Snapshot::new(
            SourceInfo {
                database: "d".into(),
                server_version: "16.4".into(),
                server_version_num: 160004,
            },
            catalog,
        );
        let text = render_text(
            &snap,
            &SummaryContext {
                source: "postgresql://x".into(),
                origin: None,
                size_bytes: Some(8 << 20),
                elapsed: Default::default(),
                color: false,
            },
        );
        assert!(
            text.contains("PostgreSQL 16.4 · database d · 8.0 MB"),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["app", "1"]),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["total", "1"]),
            "{text}"
        );
        assert_eq!(human_bytes(1536), "1.5 kB");
        let md = render_markdown(
            &snap,
            &SummaryContext {
                source: "postgresql://x".into(),
                origin: None,
                size_bytes: None,
                elapsed: Default::default(),
                color: false,
            },
        );
        assert!(md.starts_with("### Schema of `postgresql://x`\n"), "{md}");
        assert!(
            md.contains(
                "| schema | tables |\n|---|---:|\n| app | 1 |\n| audit | 0 |\n| total | 1 |\n"
            ),
            "{md}"
        );
        assert!(md.contains("| `app.t` | 0 |  |\n"), "{md}");
    }

    #[test]
    fn database_wide_objects_have_a_row_of_their_own() {
        let mut catalog = Catalog::default();
        let setting = crate::model::DatabaseSetting {
            role: None,
            name: "work_mem".into(),
            value: "8MB".into(),
            masked_digest: None,
        };
        catalog
            .database_settings
            .insert(crate::model::Object::key(&setting), setting);
        catalog.schemas.insert(
            "app".into(),
            Schema {
                schema: "app".into(),
                name: "app".into(),
                owner: "o".into(),
                comment: None,
                privileges: Default::default(),
            },
        );
        let snap = Snapshot::new(SourceInfo::default(), catalog);
        let rows = count_rows(&snap, &[Kind::DatabaseSetting]);
        let rows: Vec<(&str, &[usize])> = rows.iter().map(|(n, c)| (n.as_str(), &c[..])).collect();
        assert_eq!(
            rows,
            [
                ("app", &[0][..]),
                ("(database)", &[1][..]),
                ("total", &[1][..])
            ]
        );
    }
}
