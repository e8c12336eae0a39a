//! Restores in rollbacks. The rollback plan, made with the forward plan's tag, creates a
//! dropped table, column or sequence again and copies back what the forward plan's
//! backups hold: rows, values matched by the same key, sequence positions (`setval` with
//! `is_called`). Values stored as text go back through a cast to their type. What cannot
//! be matched to its rows is not restored half-way: the rollback stops with an error.

use super::super::ddl;
use super::super::graph::Node;
use super::super::planner::Pass;
use super::super::{Backup, Step};
use super::backup::{backup_table_name, holds_rows, identity_part, row_key, stored_as_text};
use crate::diff::Op;
use crate::model::{Column, IdentityGeneration, Kind, QualName, Sequence, Table};
use crate::sql::{DollarQuoted, Ident, Literal, QualIdent, Verbatim};

/// A backup column as it goes back: `b.m::app.mood` for a value stored as text.
fn restored(c: &Column, alias: &str) -> String {
    let col = Ident(&c.name);
    if stored_as_text(c) {
        format!("{alias}{col}::{}", Verbatim(&c.type_name))
    } else {
        format!("{alias}{col}")
    }
}

impl Pass<'_, '_, '_> {
    pub fn restore_source(&self, parts: &[&str]) -> Option<String> {
        let b: &Backup = self.opts.restore.as_ref()?;
        Some(QualIdent(&b.schema, &backup_table_name(parts, &b.tag)).to_string())
    }

    /// The key a restored column's values are matched by: the same one the forward plan
    /// chose (`column_key`), seen from the rollback's side.
    fn restore_key(&self, t: &Table, column: &str) -> Option<Vec<String>> {
        let now = self
            .diff
            .from
            .tables
            .get(&QualName::new(&t.schema, &t.name));
        row_key(&self.to, t, |c| {
            c != column && now.is_some_and(|x| x.column(c).is_some())
        })
    }

    /// The rows of a table the forward plan dropped, copied back from its backup, and its
    /// sequences put where they were.
    pub fn restore_table(&self, t: &Table, change: &str) -> Vec<Step> {
        let Some(source) = self
            .restore_source(&[&t.schema, &t.name])
            .filter(|_| holds_rows(t))
        else {
            return Vec::new();
        };
        let table = ddl::qn(&t.schema, &t.name).to_string();
        let columns: Vec<&Column> = t.columns.iter().filter(|c| c.generated.is_none()).collect();
        let names: Vec<String> = columns.iter().map(|c| Ident(&c.name).to_string()).collect();
        let values: Vec<String> = columns.iter().map(|c| restored(c, "")).collect();
        let overriding = if t.columns.iter().any(|c| {
            c.identity
                .as_ref()
                .is_some_and(|i| i.generation == IdentityGeneration::Always)
        }) {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let mut steps = vec![Step::new(
            format!(
                "INSERT INTO {table} ({}){overriding} SELECT {} FROM {source}",
                names.join(", "),
                values.join(", ")
            ),
            Kind::Table,
            Op::Alter,
            change,
        )];
        for c in &t.columns {
            steps.extend(self.sequence_after_restore(t, c, change));
        }
        steps
    }

    /// True when a rollback restores column `column` of `t` (so it is added nullable, then
    /// filled, then made NOT NULL).
    pub fn restores_column(&self, t: &Table, column: &str) -> bool {
        self.opts.restore.is_some() && holds_rows(t) && self.restore_key(t, column).is_some()
    }

    /// Before a dropped column is added back (or a replaced one's values would be put
    /// back): when its backup holds values that no key can match to their rows, a step
    /// that stops the rollback and says why.
    pub fn restore_guard(&mut self, t: &Table, c: &Column, change: &str) -> Option<Step> {
        let source = self.restore_source(&[&t.schema, &t.name, &c.name])?;
        if !holds_rows(t) || self.restore_key(t, &c.name).is_some() {
            return None;
        }
        self.manual(
            Kind::Column,
            change,
            format!(
                "{change} cannot be restored by row: its table has no primary key or unique \
                 not-null key; the backup {source} holds the whole table, copy the values \
                 back by hand"
            ),
        );
        let message = format!(
            "cannot restore column {change}: the table has no key to match the backup's rows \
             with; copy the values back by hand from {source}"
        );
        let body = format!(
            "\nBEGIN\n    IF EXISTS (SELECT FROM {source} WHERE {} IS NOT NULL) THEN\n        RAISE EXCEPTION '%', {};\n    END IF;\nEND\n",
            Ident(&c.name),
            Literal(&message)
        );
        Some(Step::new(
            format!("DO {}", DollarQuoted(&body)),
            Kind::Column,
            Op::Alter,
            change,
        ))
    }

    /// A dropped column's values put back from its backup, by key.
    pub fn restore_column(&self, t: &Table, c: &Column, change: &str) -> Vec<Step> {
        let mut steps = self.restore_values(t, c, change);
        if steps.is_empty() {
            return steps;
        }
        if c.not_null {
            let table = ddl::qn(&t.schema, &t.name);
            steps.push(Step::new(
                format!(
                    "ALTER TABLE {table} ALTER COLUMN {} SET NOT NULL",
                    Ident(&c.name)
                ),
                Kind::Column,
                Op::Alter,
                change,
            ));
        }
        steps.extend(self.sequence_after_restore(t, c, change));
        steps
    }

    /// `UPDATE ... FROM` the backup, matching rows by the key (nothing without one).
    pub fn restore_values(&self, t: &Table, c: &Column, change: &str) -> Vec<Step> {
        let Some(source) = self.restore_source(&[&t.schema, &t.name, &c.name]) else {
            return Vec::new();
        };
        let Some(key) = self.restore_key(t, &c.name).filter(|_| holds_rows(t)) else {
            return Vec::new();
        };
        let matching: Vec<String> = key
            .iter()
            .filter_map(|k| t.column(k))
            .map(|k| format!("t.{} = {}", Ident(&k.name), restored(k, "b.")))
            .collect();
        vec![Step::new(
            format!(
                "UPDATE {} AS t SET {} = {} FROM {source} AS b WHERE {}",
                ddl::qn(&t.schema, &t.name),
                Ident(&c.name),
                restored(c, "b."),
                matching.join(" AND ")
            ),
            Kind::Column,
            Op::Alter,
            change,
        )]
    }

    /// After restored values: an identity's sequence back where the backup found it; a
    /// serial's sequence, when it already exists, moved past the values (one the rollback
    /// creates is restored from its own backup).
    fn sequence_after_restore(&self, t: &Table, c: &Column, change: &str) -> Option<Step> {
        let table = ddl::qn(&t.schema, &t.name).to_string();
        let col = Ident(&c.name);
        if c.identity.is_some() {
            let part = identity_part(&c.name);
            let source = self.restore_source(&[&t.schema, &t.name, &part])?;
            return Some(Step::new(
                format!(
                    "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence({}, {}), b.last_value, b.is_called) FROM {source} AS b",
                    Literal(&table),
                    Literal(&c.name)
                ),
                Kind::Table,
                Op::Alter,
                change,
            ));
        }
        let default = c.default.as_deref()?;
        let mut refs = Vec::new();
        self.to.refs(default, &mut refs);
        let seq = refs.into_iter().find_map(|n| match n {
            Node::Sequence(s) => Some(s),
            _ => None,
        })?;
        if !self.diff.from.sequences.contains_key(&seq) {
            return None;
        }
        let qn = ddl::qn(&seq.schema, &seq.name).to_string();
        Some(Step::new(
            format!(
                "SELECT pg_catalog.setval({}, max({col})) FROM {table} HAVING max({col}) > (SELECT last_value FROM {qn})",
                Literal(&qn)
            ),
            Kind::Table,
            Op::Alter,
            change,
        ))
    }

    /// A sequence the forward plan dropped, put back where its backup found it.
    pub fn restore_sequence(&self, s: &Sequence, change: &str) -> Option<Step> {
        let source = self.restore_source(&[&s.schema, &s.name])?;
        Some(Step::new(
            format!(
                "SELECT pg_catalog.setval({}, b.last_value, b.is_called) FROM {source} AS b",
                Literal(&ddl::qn(&s.schema, &s.name).to_string())
            ),
            Kind::Sequence,
            Op::Alter,
            change,
        ))
    }
}
