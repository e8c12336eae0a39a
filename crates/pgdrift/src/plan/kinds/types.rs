//! Enums, domains, composite and range types. New enum labels are added in place (before
//! the transaction, since a label added inside one cannot be used until it commits);
//! removing or reordering labels recreates the type and converts its columns through
//! text. Domains change in place; composite types change in place when PostgreSQL can
//! (drop, append, retype attributes); anything else recreates the type.

use super::super::ddl::{self, AclTarget};
use super::super::graph::{Names, Node};
use super::super::guard;
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::{HazardKind, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{label_changes, Change, LabelPlacement, Op, Pair};
use crate::model::{Attribute, DomainCheck, Kind, Object, Privileges, QualName, TypeDef, TypeKind};
use crate::sql::{Ident, Literal, Verbatim};

/// True when composite attributes `from` can become `to` with `ALTER TYPE ... DROP`,
/// `ADD` (which appends) and `ALTER ATTRIBUTE ... TYPE`.
pub fn attributes_in_place(from: &[Attribute], to: &[Attribute]) -> bool {
    let kept: Vec<&str> = from
        .iter()
        .filter(|a| to.iter().any(|b| b.name == a.name))
        .map(|a| a.name.as_str())
        .collect();
    let added: Vec<&str> = to
        .iter()
        .filter(|b| !from.iter().any(|a| a.name == b.name))
        .map(|b| b.name.as_str())
        .collect();
    let expected: Vec<&str> = kept.iter().chain(&added).copied().collect();
    expected == to.iter().map(|b| b.name.as_str()).collect::<Vec<_>>()
}

/// True when two domains differ in base type or collation: the domain is replaced by a new
/// one and its columns converted.
pub fn domain_rebased(from: &TypeDef, to: &TypeDef) -> bool {
    match (&from.kind, &to.kind) {
        (
            TypeKind::Domain {
                base_type: b1,
                collation: c1,
                ..
            },
            TypeKind::Domain {
                base_type: b2,
                collation: c2,
                ..
            },
        ) => b1 != b2 || c1 != c2,
        _ => false,
    }
}

/// True when a type change needs the type dropped and created again.
pub fn type_needs_recreate(from: &TypeDef, to: &TypeDef) -> bool {
    match (&from.kind, &to.kind) {
        (TypeKind::Enum { .. }, TypeKind::Enum { .. }) => false,
        (TypeKind::Domain { .. }, TypeKind::Domain { .. }) => domain_rebased(from, to),
        (TypeKind::Composite { attributes: a }, TypeKind::Composite { attributes: b }) => {
            !attributes_in_place(a, b)
        }
        (TypeKind::Range { .. }, TypeKind::Range { .. }) => from.kind != to.kind,
        _ => true,
    }
}

/// The name an enum is renamed to while its replacement is built: short enough for
/// PostgreSQL's 63-byte names.
pub fn old_type_name(name: &str) -> String {
    const SUFFIX: &str = "__pgdrift_old";
    let mut cut = name.len().min(63 - SUFFIX.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{SUFFIX}", &name[..cut])
}

/// True when a column type (as printed) is `ty` or an array of it.
pub fn is_type_or_array(column_type: &str, ty: &QualName) -> bool {
    let base = column_type.trim_end_matches("[]");
    base == ddl::qn(&ty.schema, &ty.name).to_string()
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn type_change(&mut self, c: &Change<'a>, p: Pair<'a, TypeDef>) {
        let t = p.current();
        let key = t.key();
        let node = Node::Type(key.clone());
        match p {
            Pair::Created(_) => self.create_planned(t, None),
            Pair::Dropped(_) => {
                let phase = if self.decided.early.contains(&node) {
                    Phase::EarlyDrop
                } else {
                    Phase::LateDrop
                };
                self.drop_planned(t, phase, None);
            }
            Pair::Altered { from, to } => {
                if self.decided.replaced_types.contains(&key) {
                    return self.replace_type(from, to, &c.name);
                }
                if let Some(reason) = self.decided.recreate.get(&node).cloned() {
                    return self.recreate_node(&node, &reason);
                }
                if self
                    .out
                    .manual
                    .iter()
                    .any(|m| m.kind == Kind::Type && m.object == c.name)
                {
                    return;
                }
                let mut steps = Vec::new();
                match (&from.kind, &to.kind) {
                    (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                        let changes = label_changes(a, b);
                        let name = ddl::qn(&to.schema, &to.name);
                        let adds: Vec<Step> = changes
                            .added
                            .iter()
                            .map(|(label, at)| {
                                let place = match at {
                                    LabelPlacement::Last => String::new(),
                                    LabelPlacement::After(l) => format!(" AFTER {}", Literal(l)),
                                    LabelPlacement::Before(l) => format!(" BEFORE {}", Literal(l)),
                                };
                                Step::new(
                                    format!(
                                        "ALTER TYPE {name} ADD VALUE {}{place}",
                                        Literal(label)
                                    ),
                                    Kind::Type,
                                    Op::Alter,
                                    c.name.clone(),
                                )
                                .guarded(guard::Guard::When(
                                    guard::not(&guard::exists::enum_label(&to.key(), label)),
                                ))
                            })
                            .collect();
                        self.push(Phase::Before, node.clone(), Vec::new(), adds);
                    }
                    (TypeKind::Domain { .. }, TypeKind::Domain { .. }) => {
                        steps.extend(self.domain_alters(from, to, &c.name));
                    }
                    (
                        TypeKind::Composite { attributes: a },
                        TypeKind::Composite { attributes: b },
                    ) => {
                        steps.extend(self.attribute_alters(to, a, b, &c.name));
                    }
                    _ => {}
                }
                steps.extend(self.comment_and_grants(Some(from), to, &c.name));
                let deps = self.to.type_deps(to);
                self.push(Phase::Main, node, deps, steps);
            }
        }
    }

    /// Removing or reordering enum labels, or changing a domain's base type: rename the
    /// old type away, create the new one, convert the columns that use it through text,
    /// and drop the old one at the end.
    fn replace_type(&mut self, from: &TypeDef, to: &TypeDef, name: &str) {
        let key = to.key();
        let qn = ddl::qn(&to.schema, &to.name).to_string();
        let old = old_type_name(&to.name);
        let old_qn = ddl::qn(&to.schema, &old).to_string();
        let keyword = ddl::type_keyword(from);
        let rename = Step::new(
            format!("ALTER {keyword} {qn} RENAME TO {}", Ident(&old)),
            Kind::Type,
            Op::Alter,
            name,
        );
        let rename = match (&from.kind, &to.kind) {
            (TypeKind::Enum { labels: a }, TypeKind::Enum { labels: b }) => {
                let changes = label_changes(a, b);
                let mut detail = Vec::new();
                if !changes.removed.is_empty() {
                    detail.push(format!("removes {}", changes.removed.join(", ")));
                }
                if changes.reordered {
                    detail.push("reorders labels".to_string());
                }
                rename.hazard(
                    HazardKind::EnumRecreated,
                    format!("{name}: {}", detail.join(", ")),
                )
            }
            _ => rename.hazard(
                HazardKind::RecreatesDependents,
                format!("{name} is replaced by a new type and its columns converted"),
            ),
        };
        let mut steps = vec![
            rename,
            Step::new(ddl::create_type(to), Kind::Type, Op::Create, name),
        ];
        // The columns that keep the type, converted through text.
        for (tk, t) in &self.diff.to.tables {
            let Some(ft) = self.diff.from.tables.get(tk) else {
                continue;
            };
            for col in &t.columns {
                let Some(fc) = ft.column(&col.name) else {
                    continue;
                };
                if col.inherited
                    || !is_type_or_array(&col.type_name, &key)
                    || !is_type_or_array(&fc.type_name, &key)
                {
                    continue;
                }
                let array = if col.type_name.ends_with("[]") {
                    "[]"
                } else {
                    ""
                };
                let sql = format!(
                    "ALTER TABLE {} ALTER COLUMN {} TYPE {qn}{array} USING {}::text{array}::{qn}{array}",
                    ddl::qn(&t.schema, &t.name),
                    Ident(&col.name),
                    Ident(&col.name)
                );
                let step = Step::new(sql, Kind::Column, Op::Alter, format!("{tk}.{}", col.name))
                    .hazard(
                        HazardKind::RewritesTable,
                        format!("{tk} is rewritten to convert {}", col.name),
                    )
                    .hazard(
                        HazardKind::MayFailOnData,
                        format!(
                            "values of {tk}.{} that {name} no longer accepts fail the conversion",
                            col.name
                        ),
                    );
                steps.push(step);
            }
        }
        steps.extend(self.comment_and_grants(None, to, name));
        let deps = self.to.type_deps(to);
        self.push(Phase::Main, Node::Type(key.clone()), deps, steps);
        let drop = Step::new(
            format!("DROP {keyword} {old_qn}"),
            Kind::Type,
            Op::Drop,
            name,
        );
        self.push(Phase::LateDrop, Node::Type(key), Vec::new(), vec![drop]);
    }

    fn domain_alters(&self, from: &TypeDef, to: &TypeDef, name: &str) -> Vec<Step> {
        let (
            TypeKind::Domain {
                default: d1,
                not_null: n1,
                checks: c1,
                ..
            },
            TypeKind::Domain {
                default: d2,
                not_null: n2,
                checks: c2,
                ..
            },
        ) = (&from.kind, &to.kind)
        else {
            return Vec::new();
        };
        let qn = ddl::qn(&to.schema, &to.name);
        let mut steps = Vec::new();
        let step = |sql: String| Step::new(sql, Kind::Type, Op::Alter, name);
        for old in c1 {
            let new = c2.iter().find(|c| c.name == old.name);
            if new.is_none_or(|n| n.expression != old.expression) {
                steps.push(step(format!(
                    "ALTER DOMAIN {qn} DROP CONSTRAINT {}",
                    Ident(&old.name)
                )));
            }
        }
        if d1 != d2 {
            steps.push(step(match d2 {
                Some(d) => format!("ALTER DOMAIN {qn} SET DEFAULT {}", Verbatim(d)),
                None => format!("ALTER DOMAIN {qn} DROP DEFAULT"),
            }));
        }
        if n1 != n2 {
            let s = step(format!(
                "ALTER DOMAIN {qn} {} NOT NULL",
                if *n2 { "SET" } else { "DROP" }
            ));
            steps.push(if *n2 {
                s.hazard(
                    HazardKind::MayFailOnData,
                    format!("columns of {name} may hold nulls"),
                )
            } else {
                s
            });
        }
        for new in c2 {
            let old = c1.iter().find(|c| c.name == new.name);
            let added = old.is_none_or(|o| o.expression != new.expression);
            if added {
                steps.push(step(add_domain_check(to, new, true)));
            }
            if new.validated && (added || old.is_some_and(|o| !o.validated)) {
                steps.push(
                    step(format!(
                        "ALTER DOMAIN {qn} VALIDATE CONSTRAINT {}",
                        Ident(&new.name)
                    ))
                    .hazard(
                        HazardKind::MayFailOnData,
                        format!("values of {name} may break {}", new.name),
                    ),
                );
            }
        }
        steps
    }

    fn attribute_alters(
        &self,
        to: &TypeDef,
        from: &[Attribute],
        into: &[Attribute],
        name: &str,
    ) -> Vec<Step> {
        let qn = ddl::qn(&to.schema, &to.name);
        let mut steps = Vec::new();
        let step = |sql: String| Step::new(sql, Kind::Type, Op::Alter, name);
        for a in from {
            match into.iter().find(|b| b.name == a.name) {
                None => steps.push(step(format!(
                    "ALTER TYPE {qn} DROP ATTRIBUTE {}",
                    Ident(&a.name)
                ))),
                Some(b) if b.type_name != a.type_name || b.collation != a.collation => {
                    let mut sql = format!(
                        "ALTER TYPE {qn} ALTER ATTRIBUTE {} TYPE {}",
                        Ident(&b.name),
                        Verbatim(&b.type_name)
                    );
                    if let Some(c) = &b.collation {
                        sql.push_str(&format!(" COLLATE {}", Verbatim(c)));
                    }
                    steps.push(step(sql));
                }
                Some(_) => {}
            }
        }
        for b in into
            .iter()
            .filter(|b| !from.iter().any(|a| a.name == b.name))
        {
            let mut sql = format!(
                "ALTER TYPE {qn} ADD ATTRIBUTE {} {}",
                Ident(&b.name),
                Verbatim(&b.type_name)
            );
            if let Some(c) = &b.collation {
                sql.push_str(&format!(" COLLATE {}", Verbatim(c)));
            }
            steps.push(step(sql));
        }
        steps
    }
}

fn add_domain_check(t: &TypeDef, check: &DomainCheck, not_valid: bool) -> String {
    format!(
        "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK {}{}",
        ddl::qn(&t.schema, &t.name),
        Ident(&check.name),
        ddl::parenthesized(&check.expression),
        if not_valid { " NOT VALID" } else { "" }
    )
}

impl Planned for TypeDef {
    planned_basics!(Type, type_deps);

    fn comment_target(&self) -> String {
        let name = ddl::qn(&self.schema, &self.name);
        format!("{} {name}", ddl::type_keyword(self))
    }

    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        let target = AclTarget::object(self.comment_target()).public_default("USAGE");
        Some((target, &self.privileges))
    }

    /// Types are altered by `type_change` (labels added before the transaction, domains and
    /// composites in place), never through the shared alter.
    fn alter(_: &Change<'_>, _: &Self, _: &Self) -> Vec<Step> {
        Vec::new()
    }
}

impl PlainCreate for TypeDef {
    fn create_sql(&self) -> String {
        ddl::create_type(self)
    }

    /// A domain's checks that are NOT VALID in `to` are added after it, as such.
    fn after_create(&self) -> Vec<String> {
        let TypeKind::Domain { checks, .. } = &self.kind else {
            return Vec::new();
        };
        checks
            .iter()
            .filter(|c| !c.validated)
            .map(|check| add_domain_check(self, check, true))
            .collect()
    }
}

impl PlainDrop for TypeDef {
    fn drop_sql(&self) -> String {
        ddl::drop_type(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(names: &[&str]) -> Vec<Attribute> {
        names
            .iter()
            .map(|n| Attribute {
                name: n.to_string(),
                type_name: "text".into(),
                collation: None,
            })
            .collect()
    }

    #[test]
    fn composite_changes_in_place_only_when_appending() {
        assert!(attributes_in_place(
            &attrs(&["a", "b"]),
            &attrs(&["a", "b", "c"])
        ));
        assert!(attributes_in_place(
            &attrs(&["a", "b"]),
            &attrs(&["b", "c"])
        ));
        assert!(!attributes_in_place(
            &attrs(&["a", "b"]),
            &attrs(&["c", "a", "b"])
        ));
        assert!(!attributes_in_place(
            &attrs(&["a", "b"]),
            &attrs(&["b", "a"])
        ));
    }

    #[test]
    fn old_names_fit() {
        assert_eq!(old_type_name("mood"), "mood__pgdrift_old");
        assert!(old_type_name(&"x".repeat(63)).len() <= 63);
    }
}
