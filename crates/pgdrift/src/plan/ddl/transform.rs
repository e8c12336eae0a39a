//! Statements of transforms.

use super::qn;
use crate::model::Transform;
use crate::sql::{Ident, Verbatim};

/// `TRANSFORM FOR type LANGUAGE lang`: what `COMMENT ON` and `DROP` name.
pub fn transform_target(t: &Transform) -> String {
    format!(
        "TRANSFORM FOR {} LANGUAGE {}",
        Verbatim(&t.type_name),
        Ident(&t.language)
    )
}

/// The definition after `CREATE [OR REPLACE]`: target and functions.
fn transform_definition(t: &Transform) -> String {
    let mut parts = Vec::new();
    if let Some(f) = &t.from_sql {
        let f = qn(&f.schema, &f.name);
        parts.push(format!("FROM SQL WITH FUNCTION {f}(internal)"));
    }
    if let Some(f) = &t.to_sql {
        let f = qn(&f.schema, &f.name);
        parts.push(format!("TO SQL WITH FUNCTION {f}(internal)"));
    }
    format!("{} ({})", transform_target(t), parts.join(", "))
}

pub fn create_transform(t: &Transform) -> String {
    format!("CREATE {}", transform_definition(t))
}

/// `CREATE OR REPLACE TRANSFORM`: both functions set anew (a part left out is removed).
pub fn replace_transform(t: &Transform) -> String {
    format!("CREATE OR REPLACE {}", transform_definition(t))
}

pub fn drop_transform(t: &Transform) -> String {
    format!("DROP {}", transform_target(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    #[test]
    fn transform_statements() {
        let mut t = Transform {
            type_name: "app.\"Pair\"".into(),
            language: "plmine".into(),
            from_sql: Some(QualName::new("app", "from sql")),
            to_sql: Some(QualName::new("app", "to_sql")),
            comment: None,
        };
        assert_eq!(
            create_transform(&t),
            "CREATE TRANSFORM FOR app.\"Pair\" LANGUAGE plmine (FROM SQL WITH FUNCTION \
             app.\"from sql\"(internal), TO SQL WITH FUNCTION app.to_sql(internal))"
        );
        t.from_sql = None;
        assert_eq!(
            replace_transform(&t),
            "CREATE OR REPLACE TRANSFORM FOR app.\"Pair\" LANGUAGE plmine (TO SQL WITH \
             FUNCTION app.to_sql(internal))"
        );
        assert_eq!(
            drop_transform(&t),
            "DROP TRANSFORM FOR app.\"Pair\" LANGUAGE plmine"
        );
    }
}
