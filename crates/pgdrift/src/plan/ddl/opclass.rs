//! Statements of access methods, operator families and operator classes.

use super::qn;
use crate::model::{AccessMethod, OpFunction, OpOperator, OperatorClass, OperatorFamily};
use crate::sql::{Ident, OperatorName, Verbatim};

/// `CREATE ACCESS METHOD name TYPE INDEX|TABLE HANDLER f`.
pub fn create_access_method(a: &AccessMethod) -> String {
    let kind = if a.kind == "table" { "TABLE" } else { "INDEX" };
    format!(
        "CREATE ACCESS METHOD {} TYPE {kind} HANDLER {}",
        Ident(&a.name),
        Verbatim(&a.handler)
    )
}

pub fn drop_access_method(a: &AccessMethod) -> String {
    format!("DROP ACCESS METHOD {}", Ident(&a.name))
}

/// `OPERATOR FAMILY s.f USING am`: what `COMMENT ON`, `ALTER` and `DROP` name.
pub fn family_target(f: &OperatorFamily) -> String {
    format!(
        "OPERATOR FAMILY {} USING {}",
        qn(&f.schema, &f.name),
        Ident(&f.method)
    )
}

/// `OPERATOR CLASS s.c USING am`.
pub fn class_target(c: &OperatorClass) -> String {
    format!(
        "OPERATOR CLASS {} USING {}",
        qn(&c.schema, &c.name),
        Ident(&c.method)
    )
}

/// `OPERATOR n s.op (left, right) [FOR ORDER BY s.f]`: a member as a class or `ADD` lists it.
fn operator_item(o: &OpOperator) -> String {
    let purpose = match &o.sort_family {
        Some(f) if o.purpose == "order" => format!(" FOR ORDER BY {}", qn(&f.schema, &f.name)),
        _ => String::new(),
    };
    format!(
        "OPERATOR {} {} ({}, {}){purpose}",
        o.strategy,
        OperatorName(&o.schema, &o.name),
        Verbatim(&o.left),
        Verbatim(&o.right)
    )
}

/// `FUNCTION n (left, right) s.f(arguments)`.
fn function_item(f: &OpFunction) -> String {
    format!(
        "FUNCTION {} ({}, {}) {}({})",
        f.number,
        Verbatim(&f.left),
        Verbatim(&f.right),
        qn(&f.schema, &f.name),
        Verbatim(&f.arguments)
    )
}

pub fn create_family(f: &OperatorFamily) -> String {
    format!("CREATE {}", family_target(f))
}

pub fn drop_family(f: &OperatorFamily) -> String {
    format!("DROP {}", family_target(f))
}

/// `ALTER OPERATOR FAMILY ... ADD` of loose members (`None` when there are none).
pub fn add_family_members(
    f: &OperatorFamily,
    operators: &[&OpOperator],
    functions: &[&OpFunction],
) -> Option<String> {
    let items: Vec<String> = (operators.iter().map(|o| operator_item(o)))
        .chain(functions.iter().map(|x| function_item(x)))
        .collect();
    (!items.is_empty()).then(|| {
        format!(
            "ALTER {} ADD\n    {}",
            family_target(f),
            items.join(",\n    ")
        )
    })
}

/// `ALTER OPERATOR FAMILY ... DROP` of loose members, by number and operand types.
pub fn drop_family_members(
    f: &OperatorFamily,
    operators: &[&OpOperator],
    functions: &[&OpFunction],
) -> Option<String> {
    let items: Vec<String> = (operators.iter())
        .map(|o| {
            format!(
                "OPERATOR {} ({}, {})",
                o.strategy,
                Verbatim(&o.left),
                Verbatim(&o.right)
            )
        })
        .chain(functions.iter().map(|x| {
            format!(
                "FUNCTION {} ({}, {})",
                x.number,
                Verbatim(&x.left),
                Verbatim(&x.right)
            )
        }))
        .collect();
    (!items.is_empty()).then(|| {
        format!(
            "ALTER {} DROP\n    {}",
            family_target(f),
            items.join(",\n    ")
        )
    })
}

/// `CREATE OPERATOR CLASS`, always naming its family (which the plan creates first).
pub fn create_class(c: &OperatorClass) -> String {
    let mut items: Vec<String> = c.operators.iter().map(operator_item).collect();
    items.extend(c.functions.iter().map(function_item));
    // A class whose members are all its family's still needs an item: its own type as
    // STORAGE, which PostgreSQL leaves out.
    match &c.storage {
        Some(s) => items.push(format!("STORAGE {}", Verbatim(s))),
        None if items.is_empty() => items.push(format!("STORAGE {}", Verbatim(&c.for_type))),
        None => {}
    }
    format!(
        "CREATE OPERATOR CLASS {}{} FOR TYPE {} USING {} FAMILY {} AS\n    {}",
        qn(&c.schema, &c.name),
        if c.default { " DEFAULT" } else { "" },
        Verbatim(&c.for_type),
        Ident(&c.method),
        qn(&c.family.schema, &c.family.name),
        items.join(",\n    ")
    )
}

pub fn drop_class(c: &OperatorClass) -> String {
    format!("DROP {}", class_target(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    fn less() -> OpOperator {
        OpOperator {
            strategy: 1,
            left: "app.\"Money\"".into(),
            right: "app.\"Money\"".into(),
            schema: "app".into(),
            name: "<".into(),
            arguments: "app.\"Money\", app.\"Money\"".into(),
            purpose: "search".into(),
            sort_family: None,
        }
    }

    fn compare() -> OpFunction {
        OpFunction {
            number: 1,
            left: "app.\"Money\"".into(),
            right: "app.\"Money\"".into(),
            schema: "My App".into(),
            name: "cmp".into(),
            arguments: "app.\"Money\", app.\"Money\"".into(),
        }
    }

    #[test]
    fn class_statements() {
        let c = OperatorClass {
            schema: "app".into(),
            name: "money ops".into(),
            method: "btree".into(),
            for_type: "app.\"Money\"".into(),
            default: true,
            family: QualName::new("app", "money ops"),
            storage: None,
            operators: vec![less()],
            functions: vec![compare()],
            owner: "o".into(),
            comment: None,
        };
        assert_eq!(
            create_class(&c),
            "CREATE OPERATOR CLASS app.\"money ops\" DEFAULT FOR TYPE app.\"Money\" USING btree \
             FAMILY app.\"money ops\" AS\n    OPERATOR 1 app.< (app.\"Money\", app.\"Money\"),\n    \
             FUNCTION 1 (app.\"Money\", app.\"Money\") \"My App\".cmp(app.\"Money\", app.\"Money\")"
        );
        assert_eq!(
            drop_class(&c),
            "DROP OPERATOR CLASS app.\"money ops\" USING btree"
        );
    }

    #[test]
    fn family_statements() {
        let f = OperatorFamily {
            schema: "app".into(),
            name: "f".into(),
            method: "gist".into(),
            operators: Vec::new(),
            functions: Vec::new(),
            owner: "o".into(),
            comment: None,
        };
        assert_eq!(create_family(&f), "CREATE OPERATOR FAMILY app.f USING gist");
        let mut o = less();
        (o.purpose, o.sort_family) = ("order".into(), Some(QualName::new("app", "s")));
        let add = add_family_members(&f, &[&o], &[]).unwrap();
        assert!(add.ends_with(
            "ADD\n    OPERATOR 1 app.< (app.\"Money\", app.\"Money\") FOR ORDER BY app.s"
        ));
        let dropped = drop_family_members(&f, &[], &[&compare()]).unwrap();
        assert!(dropped.ends_with("DROP\n    FUNCTION 1 (app.\"Money\", app.\"Money\")"));
        assert_eq!(add_family_members(&f, &[], &[]), None);
    }
}
