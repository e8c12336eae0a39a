//! Keys and integrity: tables without a primary key (PL101) or with a unique NOT NULL key
//! standing in for one (PL102), foreign keys without a covering index (PL103) or whose
//! column types differ from the referenced ones (PL104), constraints left NOT VALID (PL105),
//! nullable foreign key columns named as required (PL106).

use super::{column_ref, table_ref, tables};
use crate::lint::config::name_matches;
use crate::lint::{Checker, RuleId, Subject};
use crate::model::{Constraint, ConstraintKind, FkAction, QualName, Table};
use crate::report::finding::ObjectRef;
use crate::sql::{Ident, QualIdent};

pub(super) fn run(c: &mut Checker<'_>) {
    primary_keys(c);
    let cat = c.cat;
    for k in cat.constraints.values() {
        let table = QualName::new(&k.schema, &k.table);
        let Some(t) = cat.tables.get(&table) else {
            continue;
        };
        if !k.validated {
            not_valid(c, t, k);
        }
        if let ConstraintKind::ForeignKey {
            columns,
            references,
            referenced_columns,
            on_delete,
            ..
        } = &k.kind
        {
            if t.partition_of.is_none() {
                unindexed(c, t, k, columns);
            }
            types_differ(c, t, k, columns, references, referenced_columns);
            if *on_delete != FkAction::SetNull {
                nullable(c, t, k, columns);
            }
        }
    }
}

fn constraint_ref(k: &Constraint) -> ObjectRef {
    ObjectRef {
        kind: "constraint",
        name: format!("{}.{}.{}", k.schema, k.table, k.name),
    }
}

/// PL101 and PL102: every table (partitions follow their parent) has a primary key.
fn primary_keys(c: &mut Checker<'_>) {
    let cat = c.cat;
    for t in tables(cat) {
        let name = QualName::new(&t.schema, &t.name);
        let keys = c.by.keys(&name);
        if keys.iter().any(|k| k.primary) {
            continue;
        }
        let not_null = |cols: &[String]| {
            cols.iter()
                .all(|col| t.column(col).is_some_and(|c| c.not_null))
        };
        let stand_in = keys
            .iter()
            .find(|k| k.unique && !k.partial && k.plain && not_null(&k.columns));
        let subject = Subject {
            object: table_ref(t),
            comments: vec![t.comment.as_deref()],
            anchor: Some(&name),
        };
        match stand_in {
            Some(k) => c.report(
                RuleId::UniqueInsteadOfPrimaryKey,
                subject,
                format!(
                    "table {name} has no primary key, but {} is unique on NOT NULL ({})",
                    k.name,
                    k.columns.join(", ")
                ),
                k.index.then(|| {
                    format!(
                        "ALTER TABLE {} ADD PRIMARY KEY USING INDEX {};",
                        QualIdent(&t.schema, &t.name),
                        Ident(&k.name)
                    )
                }),
            ),
            None => c.report(
                RuleId::NoPrimaryKey,
                subject,
                format!("table {name} has no primary key"),
                Some(format!(
                    "ALTER TABLE {} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY; -- or a key of its own columns",
                    QualIdent(&t.schema, &t.name)
                )),
            ),
        }
    }
}

/// PL105.
fn not_valid(c: &mut Checker<'_>, t: &Table, k: &Constraint) {
    let name = QualName::new(&t.schema, &t.name);
    c.report(
        RuleId::NotValidConstraint,
        Subject {
            object: constraint_ref(k),
            comments: vec![k.comment.as_deref(), t.comment.as_deref()],
            anchor: Some(&name),
        },
        format!(
            "constraint {} on {name} was added NOT VALID and never validated",
            k.name
        ),
        Some(format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {};",
            QualIdent(&t.schema, &t.name),
            Ident(&k.name)
        )),
    );
}

/// PL103: some index's leading columns are the key's columns, in any order.
fn unindexed(c: &mut Checker<'_>, t: &Table, k: &Constraint, columns: &[String]) {
    let name = QualName::new(&t.schema, &t.name);
    let covered = c.by.keys(&name).iter().any(|i| {
        !i.partial
            && i.leading_ok
            && i.columns.len() >= columns.len()
            && columns
                .iter()
                .all(|col| i.columns[..columns.len()].contains(col))
    });
    if covered {
        return;
    }
    let cols: Vec<String> = columns.iter().map(|c| Ident(c).to_string()).collect();
    c.report(
        RuleId::ForeignKeyWithoutIndex,
        Subject {
            object: constraint_ref(k),
            comments: vec![k.comment.as_deref(), t.comment.as_deref()],
            anchor: Some(&name),
        },
        format!(
            "foreign key {} on {name} ({}) has no index whose leading columns cover it",
            k.name,
            columns.join(", ")
        ),
        Some(format!(
            "CREATE INDEX CONCURRENTLY ON {} ({});",
            QualIdent(&t.schema, &t.name),
            cols.join(", ")
        )),
    );
}

/// A type without its modifiers: `character varying(20)` is `character varying`.
fn base_type(type_name: &str) -> &str {
    type_name.split('(').next().unwrap_or(type_name).trim()
}

/// PL104.
fn types_differ(
    c: &mut Checker<'_>,
    t: &Table,
    k: &Constraint,
    columns: &[String],
    references: &QualName,
    referenced: &[String],
) {
    let cat = c.cat;
    let Some(target) = cat.tables.get(references) else {
        return;
    };
    let name = QualName::new(&t.schema, &t.name);
    for (col, rcol) in columns.iter().zip(referenced) {
        let (Some(a), Some(b)) = (t.column(col), target.column(rcol)) else {
            continue;
        };
        if base_type(&a.type_name) == base_type(&b.type_name) {
            continue;
        }
        c.report(
            RuleId::ForeignKeyTypeMismatch,
            Subject {
                object: column_ref(t, col),
                comments: vec![a.comment.as_deref(), k.comment.as_deref(), t.comment.as_deref()],
                anchor: Some(&name),
            },
            format!(
                "{name}.{col} is {} but references {references}.{rcol}, which is {} (foreign key {})",
                a.type_name, b.type_name, k.name
            ),
            Some(format!(
                "ALTER TABLE {} ALTER COLUMN {} TYPE {}; -- rewrites the table",
                QualIdent(&t.schema, &t.name),
                Ident(col),
                b.type_name
            )),
        );
    }
}

/// PL106: a one-column key named as a required reference that allows NULL.
fn nullable(c: &mut Checker<'_>, t: &Table, k: &Constraint, columns: &[String]) {
    let [col] = columns else { return };
    let Some(column) = t.column(col) else { return };
    if column.not_null || !name_matches(&c.options.required_reference, col) {
        return;
    }
    let name = QualName::new(&t.schema, &t.name);
    c.report(
        RuleId::NullableForeignKey,
        Subject {
            object: column_ref(t, col),
            comments: vec![column.comment.as_deref(), t.comment.as_deref()],
            anchor: Some(&name),
        },
        format!(
            "{name}.{col} references through foreign key {} but allows NULL",
            k.name
        ),
        Some(format!(
            "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL; -- after checking no row is NULL",
            QualIdent(&t.schema, &t.name),
            Ident(col)
        )),
    );
}
