//! Tables, columns, constraints, indexes, views and sequences.

use super::{ident_list, qn, reloptions, strip_suffixes};
use crate::model::{
    Column, Constraint, ConstraintKind, FkAction, FkMatch, Generated, Identity, IdentityGeneration,
    Index, Sequence, SequenceOptions, Table, TableKind, View,
};
use crate::sql::{Ident, Verbatim};
use std::fmt::Write;

/// `CREATE TABLE` with its columns (defaults included when `with_default` says so), its
/// partitioning, inheritance, storage parameters and access method. Constraints, indexes,
/// column storage settings, comments and grants come as separate statements.
pub fn create_table(t: &Table, with_default: impl Fn(&Column) -> bool) -> String {
    let name = qn(&t.schema, &t.name);
    let mut sql = String::with_capacity(64 + 48 * t.columns.len());
    let foreign = t.kind == TableKind::Foreign;
    let unlogged = if t.unlogged { "UNLOGGED " } else { "" };
    let table = if foreign { "FOREIGN TABLE" } else { "TABLE" };
    let _ = write!(sql, "CREATE {unlogged}{table} {name}");
    let own: Vec<&Column> = t.columns.iter().filter(|c| !c.inherited).collect();
    if let (Some(parent), Some(bound)) = (&t.partition_of, &t.partition_bound) {
        // A partition's columns are its parent's.
        let _ = write!(sql, " PARTITION OF {}", qn(&parent.schema, &parent.name));
        let _ = write!(sql, " {}", Verbatim(bound));
    } else {
        sql.push_str(" (");
        for (i, c) in own.iter().enumerate() {
            sql.push_str(if i == 0 { "\n    " } else { ",\n    " });
            write_column_definition(&mut sql, &t.schema, c, with_default(c));
        }
        sql.push_str(if own.is_empty() { ")" } else { "\n)" });
    }
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t
            .inherits
            .iter()
            .map(|p| qn(&p.schema, &p.name).to_string())
            .collect();
        let _ = write!(sql, " INHERITS ({})", parents.join(", "));
    }
    if let Some(key) = &t.partition_key {
        let _ = write!(sql, " PARTITION BY {}", Verbatim(key));
    }
    if let Some(am) = &t.access_method {
        let _ = write!(sql, " USING {}", Ident(am));
    }
    if !t.options.is_empty() {
        let _ = write!(sql, " WITH ({})", reloptions(&t.options));
    }
    if foreign {
        if let Some(server) = &t.foreign_server {
            let _ = write!(sql, " SERVER {}", Ident(server));
        }
        sql.push_str(&super::foreign::options_clause(&t.foreign_options));
    }
    sql
}

/// A column of a table in schema `schema` as written in `CREATE TABLE` or `ADD COLUMN`.
pub fn column_definition(schema: &str, c: &Column, with_default: bool) -> String {
    let mut sql = String::new();
    write_column_definition(&mut sql, schema, c, with_default);
    sql
}

fn write_column_definition(sql: &mut String, schema: &str, c: &Column, with_default: bool) {
    let _ = write!(sql, "{} {}", Ident(&c.name), Verbatim(&c.type_name));
    if let Some(collation) = &c.collation {
        let _ = write!(sql, " COLLATE {}", Verbatim(collation));
    }
    if let Some(compression) = c.compression {
        let _ = write!(sql, " COMPRESSION {}", compression_name(compression));
    }
    if let Some(identity) = &c.identity {
        let _ = write!(sql, " {}", identity_clause(schema, identity, &c.type_name));
    }
    if let Some(g) = &c.generated {
        let _ = write!(sql, " {}", generated_clause(g));
    }
    if with_default {
        if let Some(default) = &c.default {
            let _ = write!(sql, " DEFAULT {}", Verbatim(default));
        }
    }
    if c.not_null {
        sql.push_str(" NOT NULL");
    }
}

pub fn compression_name(c: crate::model::Compression) -> &'static str {
    match c {
        crate::model::Compression::Pglz => "pglz",
        crate::model::Compression::Lz4 => "lz4",
    }
}

pub fn storage_name(s: crate::model::Storage) -> &'static str {
    match s {
        crate::model::Storage::Plain => "PLAIN",
        crate::model::Storage::External => "EXTERNAL",
        crate::model::Storage::Main => "MAIN",
        crate::model::Storage::Extended => "EXTENDED",
    }
}

/// `GENERATED ALWAYS AS (expr) STORED`.
pub fn generated_clause(g: &Generated) -> String {
    format!(
        "GENERATED ALWAYS AS ({}) {}",
        Verbatim(&g.expression),
        if g.stored { "STORED" } else { "VIRTUAL" }
    )
}

/// `GENERATED ... AS IDENTITY (options)` of a column of a table in `schema`, with the
/// sequence's name when it is not the default and the options that differ from the defaults.
pub fn identity_clause(schema: &str, identity: &Identity, column_type: &str) -> String {
    let generation = match identity.generation {
        IdentityGeneration::Always => "ALWAYS",
        IdentityGeneration::ByDefault => "BY DEFAULT",
    };
    let options = identity_options(schema, identity, column_type);
    if options.is_empty() {
        format!("GENERATED {generation} AS IDENTITY")
    } else {
        format!("GENERATED {generation} AS IDENTITY ({})", options.join(" "))
    }
}

/// The options of an identity's sequence: its name when it is not the default, then the
/// options that differ from the defaults.
pub fn identity_options(schema: &str, identity: &Identity, column_type: &str) -> Vec<String> {
    let mut options = Vec::new();
    if let Some(name) = &identity.sequence_name {
        options.push(format!("SEQUENCE NAME {}", qn(schema, name)));
    }
    options.extend(sequence_options(&identity.sequence, Some(column_type)));
    options
}

/// The range of a sequence's data type.
fn type_range(data_type: &str) -> (i64, i64) {
    match data_type {
        "smallint" => (i16::MIN.into(), i16::MAX.into()),
        "integer" => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Sequence options that differ from what PostgreSQL would pick (`AS` included unless the
/// sequence belongs to an identity column of that type).
pub fn sequence_options(o: &SequenceOptions, identity_of: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if identity_of.is_none_or(|t| t != o.data_type) && o.data_type != "bigint" {
        out.push(format!("AS {}", Verbatim(&o.data_type)));
    }
    let (lo, hi) = type_range(&o.data_type);
    let (default_min, default_max) = if o.increment > 0 { (1, hi) } else { (lo, -1) };
    if o.increment != 1 {
        out.push(format!("INCREMENT BY {}", o.increment));
    }
    if o.min != default_min {
        out.push(format!("MINVALUE {}", o.min));
    }
    if o.max != default_max {
        out.push(format!("MAXVALUE {}", o.max));
    }
    let default_start = if o.increment > 0 { o.min } else { o.max };
    if o.start != default_start {
        out.push(format!("START WITH {}", o.start));
    }
    if o.cache != 1 {
        out.push(format!("CACHE {}", o.cache));
    }
    if o.cycle {
        out.push("CYCLE".to_string());
    }
    out
}

/// The `ALTER SEQUENCE` clauses that turn `from` into `to` (every changed option, spelled
/// out: after `AS` the bounds are explicit, so PostgreSQL does not adjust them).
pub fn sequence_option_changes(from: &SequenceOptions, to: &SequenceOptions) -> Vec<String> {
    let mut out = Vec::new();
    if from.data_type != to.data_type {
        out.push(format!("AS {}", Verbatim(&to.data_type)));
    }
    let retyped = from.data_type != to.data_type;
    if from.increment != to.increment {
        out.push(format!("INCREMENT BY {}", to.increment));
    }
    if from.min != to.min || retyped {
        out.push(format!("MINVALUE {}", to.min));
    }
    if from.max != to.max || retyped {
        out.push(format!("MAXVALUE {}", to.max));
    }
    if from.start != to.start {
        out.push(format!("START WITH {}", to.start));
    }
    if from.cache != to.cache {
        out.push(format!("CACHE {}", to.cache));
    }
    if from.cycle != to.cycle {
        out.push(if to.cycle { "CYCLE" } else { "NO CYCLE" }.to_string());
    }
    out
}

/// The same changes for an identity column (`ALTER COLUMN ... SET ...`).
pub fn identity_option_changes(from: &SequenceOptions, to: &SequenceOptions) -> Vec<String> {
    sequence_option_changes(from, to)
        .into_iter()
        .filter(|c| !c.starts_with("AS "))
        .map(|c| match c.as_str() {
            "CYCLE" => "SET CYCLE".to_string(),
            "NO CYCLE" => "SET NO CYCLE".to_string(),
            _ => format!("SET {c}"),
        })
        .collect()
}

/// `CREATE SEQUENCE`.
pub fn create_sequence(s: &Sequence) -> String {
    let unlogged = if s.unlogged { "UNLOGGED " } else { "" };
    let mut sql = format!("CREATE {unlogged}SEQUENCE {}", qn(&s.schema, &s.name));
    for o in sequence_options(&s.options, None) {
        sql.push(' ');
        sql.push_str(&o);
    }
    sql
}

/// `ALTER TABLE name ADD CONSTRAINT ...`, `NOT VALID` when asked.
pub fn add_constraint(c: &Constraint, not_valid: bool) -> String {
    let mut sql = String::with_capacity(128);
    let _ = write!(
        sql,
        "ALTER TABLE {} ADD CONSTRAINT {} ",
        qn(&c.schema, &c.table),
        Ident(&c.name),
    );
    write_constraint_body(&mut sql, c);
    if c.deferrable {
        sql.push_str(" DEFERRABLE");
        if c.initially_deferred {
            sql.push_str(" INITIALLY DEFERRED");
        }
    }
    if !c.enforced {
        sql.push_str(" NOT ENFORCED");
    }
    if not_valid {
        sql.push_str(" NOT VALID");
    }
    sql
}

/// A constraint's definition without the `ALTER TABLE`: what `pg_get_constraintdef` prints.
pub fn constraint_definition(c: &Constraint) -> String {
    let prefix = format!(
        "ALTER TABLE {} ADD CONSTRAINT {} ",
        qn(&c.schema, &c.table),
        Ident(&c.name),
    );
    let sql = add_constraint(c, !c.validated);
    sql.strip_prefix(&prefix).unwrap_or(&sql).to_string()
}

/// An index's definition from `USING`: `USING btree (a, b) WHERE ...`.
pub fn index_definition(i: &Index) -> String {
    let prefix = format!(
        "CREATE {}INDEX {} ON {} ",
        if i.unique { "UNIQUE " } else { "" },
        Ident(&i.name),
        qn(&i.schema, &i.table),
    );
    let sql = create_index_sql(i, false, false);
    sql.strip_prefix(&prefix).unwrap_or(&sql).to_string()
}

/// The constraint itself: `PRIMARY KEY (...)`, `CHECK (...)`, `FOREIGN KEY ...`.
fn write_constraint_body(out: &mut String, c: &Constraint) {
    let body = match &c.kind {
        ConstraintKind::Check {
            expression,
            no_inherit,
        } => {
            let _ = write!(out, "CHECK ({})", Verbatim(expression));
            if *no_inherit {
                out.push_str(" NO INHERIT");
            }
            return;
        }
        ConstraintKind::PrimaryKey { columns, index } => format!(
            "PRIMARY KEY ({}){}",
            key_columns(columns, index.without_overlaps),
            key_index(index)
        ),
        ConstraintKind::Unique {
            columns,
            nulls_not_distinct,
            index,
        } => format!(
            "UNIQUE{} ({}){}",
            if *nulls_not_distinct {
                " NULLS NOT DISTINCT"
            } else {
                ""
            },
            key_columns(columns, index.without_overlaps),
            key_index(index)
        ),
        ConstraintKind::ForeignKey {
            columns,
            references,
            referenced_columns,
            on_update,
            on_delete,
            on_delete_columns,
            match_type,
            period,
        } => {
            let sql = out;
            let _ = write!(
                sql,
                "FOREIGN KEY ({}) REFERENCES {} ({})",
                period_columns(columns, *period),
                qn(&references.schema, &references.name),
                period_columns(referenced_columns, *period)
            );
            match match_type {
                FkMatch::Simple => {}
                FkMatch::Full => sql.push_str(" MATCH FULL"),
                FkMatch::Partial => sql.push_str(" MATCH PARTIAL"),
            }
            if !on_update.is_default() {
                let _ = write!(sql, " ON UPDATE {}", fk_action(*on_update));
            }
            if !on_delete.is_default() {
                let _ = write!(sql, " ON DELETE {}", fk_action(*on_delete));
                if !on_delete_columns.is_empty() {
                    let _ = write!(sql, " ({})", ident_list(on_delete_columns));
                }
            }
            return;
        }
        ConstraintKind::Exclusion { definition, .. } => {
            out.push_str(strip_suffixes(
                definition,
                &["NOT VALID", "INITIALLY DEFERRED", "DEFERRABLE"],
            ));
            return;
        }
    };
    out.push_str(&body);
}

fn key_columns(columns: &[String], without_overlaps: bool) -> String {
    let mut list = ident_list(columns);
    if without_overlaps {
        list.push_str(" WITHOUT OVERLAPS");
    }
    list
}

fn period_columns(columns: &[String], period: bool) -> String {
    if !period || columns.is_empty() {
        return ident_list(columns);
    }
    let (last, rest) = columns.split_last().expect("not empty");
    let mut parts: Vec<String> = rest.iter().map(|c| Ident(c).to_string()).collect();
    parts.push(format!("PERIOD {}", Ident(last)));
    parts.join(", ")
}

fn key_index(index: &crate::model::KeyIndex) -> String {
    let mut sql = String::new();
    if !index.include.is_empty() {
        let _ = write!(sql, " INCLUDE ({})", ident_list(&index.include));
    }
    if !index.index_options.is_empty() {
        let _ = write!(sql, " WITH ({})", reloptions(&index.index_options));
    }
    sql
}

fn fk_action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "NO ACTION",
        FkAction::Restrict => "RESTRICT",
        FkAction::Cascade => "CASCADE",
        FkAction::SetNull => "SET NULL",
        FkAction::SetDefault => "SET DEFAULT",
    }
}

/// `ALTER TABLE ... DROP CONSTRAINT ...`.
pub fn drop_constraint(c: &Constraint) -> String {
    format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        qn(&c.schema, &c.table),
        Ident(&c.name)
    )
}

/// `CREATE INDEX`; `concurrently` for `--online` (not on partitioned tables).
pub fn create_index(i: &Index, concurrently: bool) -> String {
    create_index_sql(i, concurrently, false)
}

/// `CREATE INDEX ... ON ONLY` a partitioned table: the index of the parent alone, INVALID
/// until an index of each partition is attached to it.
pub fn create_index_on_only(i: &Index) -> String {
    create_index_sql(i, false, true)
}

fn create_index_sql(i: &Index, concurrently: bool, only: bool) -> String {
    let mut sql = format!(
        "CREATE {}INDEX {}{} ON {}{} USING {} (",
        if i.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        Ident(&i.name),
        if only { "ONLY " } else { "" },
        qn(&i.schema, &i.table),
        Ident(&i.method)
    );
    for (n, k) in i.keys.iter().enumerate() {
        if n > 0 {
            sql.push_str(", ");
        }
        match (&k.column, &k.expression) {
            (Some(c), _) => sql.push_str(&Ident(c).to_string()),
            (None, Some(e)) => {
                let _ = write!(sql, "({})", Verbatim(e));
            }
            (None, None) => {}
        }
        if let Some(c) = &k.collation {
            let _ = write!(sql, " COLLATE {}", Verbatim(c));
        }
        if let Some(o) = &k.opclass {
            let _ = write!(sql, " {}", Verbatim(o));
        }
        if k.descending {
            sql.push_str(" DESC");
            if !k.nulls_first {
                sql.push_str(" NULLS LAST");
            }
        } else if k.nulls_first {
            sql.push_str(" NULLS FIRST");
        }
    }
    sql.push(')');
    if !i.include.is_empty() {
        let _ = write!(sql, " INCLUDE ({})", ident_list(&i.include));
    }
    if i.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if !i.options.is_empty() {
        let _ = write!(sql, " WITH ({})", reloptions(&i.options));
    }
    if let Some(p) = &i.predicate {
        let _ = write!(sql, " WHERE {}", Verbatim(p));
    }
    sql
}

/// `DROP INDEX`.
pub fn drop_index(i: &Index, concurrently: bool) -> String {
    format!(
        "DROP INDEX {}{}",
        if concurrently { "CONCURRENTLY " } else { "" },
        qn(&i.schema, &i.name)
    )
}

/// A view's query without the trailing semicolon `pg_get_viewdef` prints.
pub fn view_query(v: &View) -> &str {
    v.definition.trim().trim_end_matches(';').trim_end()
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
pub fn create_view(v: &View, or_replace: bool) -> String {
    let mut sql = String::from("CREATE ");
    if or_replace && !v.materialized {
        sql.push_str("OR REPLACE ");
    }
    if v.materialized {
        sql.push_str("MATERIALIZED ");
    }
    let _ = write!(sql, "VIEW {}", qn(&v.schema, &v.name));
    // View options (check_option included) go in WITH; a materialized view's are
    // storage parameters.
    if !v.options.is_empty() {
        let _ = write!(sql, " WITH ({})", reloptions(&v.options));
    }
    let _ = write!(sql, " AS\n{}", view_query(v));
    if v.materialized {
        sql.push_str("\nWITH DATA");
    }
    sql
}

/// `DROP [MATERIALIZED] VIEW`.
pub fn drop_view(v: &View) -> String {
    format!(
        "DROP {}VIEW {}",
        if v.materialized { "MATERIALIZED " } else { "" },
        qn(&v.schema, &v.name)
    )
}

/// `VIEW` or `MATERIALIZED VIEW`, for `COMMENT ON` and `ALTER`.
pub fn view_keyword(v: &View) -> &'static str {
    if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

/// `TABLE` or `FOREIGN TABLE`, for `COMMENT ON` and `ALTER`.
pub fn table_keyword(t: &Table) -> &'static str {
    if t.kind == TableKind::Foreign {
        "FOREIGN TABLE"
    } else {
        "TABLE"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(data_type: &str, start: i64, increment: i64, min: i64, max: i64) -> SequenceOptions {
        SequenceOptions {
            data_type: data_type.into(),
            start,
            increment,
            min,
            max,
            cache: 1,
            cycle: false,
        }
    }

    #[test]
    fn sequence_defaults_are_left_out() {
        assert!(sequence_options(&opts("bigint", 1, 1, 1, i64::MAX), None).is_empty());
        assert_eq!(
            sequence_options(&opts("integer", 1, 1, 1, i32::MAX.into()), None),
            ["AS integer"]
        );
        assert!(
            sequence_options(&opts("integer", 1, 1, 1, i32::MAX.into()), Some("integer"))
                .is_empty()
        );
        assert_eq!(
            sequence_options(&opts("bigint", -1, -1, i64::MIN, -1), None),
            ["INCREMENT BY -1"]
        );
        assert_eq!(
            sequence_options(&opts("bigint", 100, 5, 1, 1000), None),
            ["INCREMENT BY 5", "MAXVALUE 1000", "START WITH 100"]
        );
    }
}
