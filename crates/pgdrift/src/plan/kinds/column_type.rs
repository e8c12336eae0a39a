//! A column's type and identity: a type change with what it costs (a `USING` cast where
//! PostgreSQL has no assignment cast, a rewrite, values that may not fit, values rounded
//! away — which deletes data, so the values are backed up and a rollback restores them),
//! and an identity added, changed or continued from where a backup found it.

use super::super::ddl;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::backup::identity_part;
use super::coerce::{conversion, rounds, type_change, Conversion, TypeChange};
use crate::diff::Op;
use crate::model::{Column, IdentityGeneration, Kind, Object, QualName, Table};
use crate::sql::{Ident, Literal, Verbatim};

impl Pass<'_, '_, '_> {
    fn retype(&self, qn: &str, key: &QualName, from: &Column, to: &Column, name: &str) -> Step {
        let col = Ident(&to.name);
        let TypeChange {
            needs_using,
            rewrites,
            may_fail,
        } = if from.type_name == to.type_name {
            // Only the collation changes: indexes on the column are rebuilt, rows stay.
            TypeChange {
                needs_using: false,
                rewrites: false,
                may_fail: false,
            }
        } else if self.domain_over(&to.type_name, &from.type_name) {
            // Into a domain over the same type: rows stay, the domain's checks run.
            TypeChange {
                needs_using: false,
                rewrites: false,
                may_fail: true,
            }
        } else {
            type_change(&from.type_name, &to.type_name)
        };
        let mut sql = format!(
            "ALTER TABLE {qn} ALTER COLUMN {col} TYPE {}",
            Verbatim(&to.type_name)
        );
        if let Some(c) = &to.collation {
            sql.push_str(&format!(" COLLATE {}", Verbatim(c)));
        } else if from.collation.is_some() && from.type_name == to.type_name {
            sql.push_str(" COLLATE pg_catalog.\"default\"");
        }
        if self.is_enum(&from.type_name) && from.type_name != to.type_name {
            // No cast between enums: their labels go through text.
            let through = conversion(&from.type_name, &to.type_name, true);
            if through == Conversion::ThroughText {
                sql.push_str(&format!(" USING {col}::text::{}", Verbatim(&to.type_name)));
            }
        } else if needs_using && from.type_name != to.type_name {
            sql.push_str(&format!(" USING {col}::{}", Verbatim(&to.type_name)));
        }
        let mut s = Step::new(sql, Kind::Column, Op::Alter, name);
        if from.type_name != to.type_name {
            let done = crate::plan::guard::column::type_is(key, &to.name, &to.type_name);
            s = s.guarded(crate::plan::guard::Guard::When(crate::plan::guard::not(
                &done,
            )));
        }
        if rewrites && from.type_name != to.type_name {
            s = s.hazard(
                HazardKind::RewritesTable,
                format!(
                    "{key} is rewritten to change {} from {} to {}",
                    to.name, from.type_name, to.type_name
                ),
            );
        }
        if may_fail {
            s = s.hazard(
                HazardKind::MayFailOnData,
                format!("values of {name} may not fit {}", to.type_name),
            );
        }
        self.lock_hazard(s, key)
    }

    /// A type change, with what it costs. One that rounds values away deletes data: the
    /// values are backed up first (with the key that finds their rows), the step is
    /// destructive, and the rollback — whose own change widens the type again — puts the
    /// backed-up values back after it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn retype_steps(
        &mut self,
        qn: &str,
        from_table: &Table,
        to_table: &Table,
        from: &Column,
        to: &Column,
        name: &str,
        steps: &mut Vec<Step>,
    ) {
        let key = to_table.key();
        let differs = from.type_name != to.type_name;
        let lossy = differs && rounds(&from.type_name, &to.type_name);
        let mut step = self.retype(qn, &key, from, to, name);
        if lossy {
            steps.extend(self.backup_column(from_table, &to.name, name));
            step = step.hazard(
                HazardKind::DeletesData,
                format!(
                    "values of {name} are rounded to fit {}: the digits they lose are gone",
                    to.type_name
                ),
            );
            step = self.unmatched_hazard(step, from_table, &to.name);
        }
        steps.push(step);
        if differs && rounds(&to.type_name, &from.type_name) {
            // A rollback of a change that rounded: the backup holds the values as they were.
            steps.extend(self.restore_guard(to_table, to, name));
            steps.extend(self.restore_values(to_table, to, name));
        }
    }

    /// True when `ty` names an enum of the `from` catalog.
    pub(super) fn is_enum(&self, ty: &str) -> bool {
        self.diff.from.types.values().any(|t| {
            matches!(t.kind, crate::model::TypeKind::Enum { .. })
                && ddl::qn(&t.schema, &t.name).to_string() == ty
        })
    }

    /// The reason a column cannot change from `from`'s type to `to`'s by any statement
    /// pgdrift can write: PostgreSQL has no cast between them, and text is no bridge.
    pub(super) fn no_conversion(&self, from: &Column, to: &Column) -> Option<String> {
        let enum_from = self.is_enum(&from.type_name);
        (conversion(&from.type_name, &to.type_name, enum_from) == Conversion::None).then(|| {
            format!(
                "PostgreSQL has no cast from {} to {}: convert the column by hand with \
                 ALTER TABLE ... ALTER COLUMN ... TYPE {} USING <an expression of the old \
                 value>, then run the plan again",
                from.type_name, to.type_name, to.type_name
            )
        })
    }

    /// True when `ty` is a domain of the `to` catalog whose base type is `base`.
    fn domain_over(&self, ty: &str, base: &str) -> bool {
        self.diff.to.types.values().any(|t| {
            matches!(&t.kind, crate::model::TypeKind::Domain { base_type, .. } if base_type == base)
                && ddl::qn(&t.schema, &t.name).to_string() == ty
        })
    }

    pub(super) fn identity_steps(
        &self,
        qn: &str,
        key: &QualName,
        from: &Column,
        to: &Column,
        name: &str,
        steps: &mut Vec<Step>,
    ) {
        let col = Ident(&to.name);
        match (&from.identity, &to.identity) {
            (None, Some(id)) => {
                let generation = match id.generation {
                    IdentityGeneration::Always => "ALWAYS",
                    IdentityGeneration::ByDefault => "BY DEFAULT",
                };
                let options = ddl::identity_options(&key.schema, id, &to.type_name);
                let mut sql = format!(
                    "ALTER TABLE {qn} ALTER COLUMN {col} ADD GENERATED {generation} AS IDENTITY"
                );
                if !options.is_empty() {
                    sql.push_str(&format!(" ({})", options.join(" ")));
                }
                let serial = format!(
                    "pg_catalog.pg_get_serial_sequence({}, {})",
                    Literal(qn),
                    Literal(&to.name)
                );
                // A rollback puts back the position the forward plan backed up; otherwise
                // the identity continues after the values the column already holds.
                let part = identity_part(&to.name);
                let (restore, continues) =
                    match self.restore_source(&[&key.schema, &key.name, &part]) {
                        Some(source) => (
                            format!(
                                "SELECT pg_catalog.setval({serial}, b.last_value, b.is_called) FROM {source} AS b"
                            ),
                            format!("the identity of {name} continues where its backup says it was"),
                        ),
                        None => (
                            format!(
                                "SELECT pg_catalog.setval({serial}, max({col})) FROM {qn} HAVING max({col}) IS NOT NULL"
                            ),
                            format!("the identity of {name} continues after the column's highest value"),
                        ),
                    };
                steps.push(
                    Step::new(sql, Kind::Column, Op::Alter, name)
                        .hazard(HazardKind::SequenceReset, continues),
                );
                steps.push(Step::new(restore, Kind::Column, Op::Alter, name));
            }
            (Some(a), Some(b)) if a != b => {
                let mut parts = Vec::new();
                if a.generation != b.generation {
                    parts.push(match b.generation {
                        IdentityGeneration::Always => "SET GENERATED ALWAYS".to_string(),
                        IdentityGeneration::ByDefault => "SET GENERATED BY DEFAULT".to_string(),
                    });
                }
                let mut from_seq = a.sequence.clone();
                // The identity's sequence follows the column's type.
                from_seq.data_type = b.sequence.data_type.clone();
                parts.extend(ddl::identity_option_changes(&from_seq, &b.sequence));
                let (old, new) = (
                    a.sequence_name_on(&key.name, &to.name),
                    b.sequence_name_on(&key.name, &to.name),
                );
                if old != new {
                    steps.push(Step::new(
                        format!(
                            "ALTER SEQUENCE {} RENAME TO {}",
                            ddl::qn(&key.schema, &old),
                            Ident(&new)
                        ),
                        Kind::Column,
                        Op::Alter,
                        name,
                    ));
                }
                if !parts.is_empty() {
                    let alter = format!("ALTER TABLE {qn} ALTER COLUMN {col} {}", parts.join(" "));
                    let (o, n) = (&a.sequence, &b.sequence);
                    let step = if n.min > o.min || n.max < o.max {
                        // Narrower bounds: a position outside them moves to the nearest.
                        let sequence_name = a.sequence_name_on(&key.name, &from.name);
                        let sequence = ddl::qn(&key.schema, &sequence_name);
                        let sql = super::schema::clamped_alter(
                            &sequence.to_string(),
                            &alter,
                            n.min,
                            n.max,
                        );
                        Step::new(sql, Kind::Column, Op::Alter, name).hazard(
                            HazardKind::SequenceReset,
                            format!(
                                "the identity of {name} restarts at the nearest of its new \
                                 bounds [{}, {}] if its current value is outside them",
                                n.min, n.max
                            ),
                        )
                    } else {
                        Step::new(alter, Kind::Column, Op::Alter, name)
                    };
                    steps.push(step);
                }
            }
            _ => {}
        }
    }
}
