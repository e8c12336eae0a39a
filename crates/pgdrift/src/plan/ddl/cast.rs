//! Statements of casts.

use super::qn;
use crate::model::Cast;
use crate::sql::Verbatim;

/// `CAST (source AS target)`: what `COMMENT ON` and `DROP` name.
pub fn cast_target(c: &Cast) -> String {
    format!("CAST ({} AS {})", Verbatim(&c.source), Verbatim(&c.target))
}

/// `CREATE CAST` with its method and context.
pub fn create_cast(c: &Cast) -> String {
    let method = match (&c.function, c.method.as_str()) {
        (Some(f), _) => format!(
            "WITH FUNCTION {}({})",
            qn(&f.schema, &f.name),
            Verbatim(&f.arguments)
        ),
        (None, "inout") => "WITH INOUT".to_string(),
        (None, _) => "WITHOUT FUNCTION".to_string(),
    };
    let context = match c.context.as_str() {
        "assignment" => " AS ASSIGNMENT",
        "implicit" => " AS IMPLICIT",
        _ => "",
    };
    format!("CREATE {} {method}{context}", cast_target(c))
}

pub fn drop_cast(c: &Cast) -> String {
    format!("DROP {}", cast_target(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CastFunction;

    #[test]
    fn cast_statements() {
        let mut c = Cast {
            source: "app.\"Celsius\"".into(),
            target: "numeric".into(),
            method: "function".into(),
            function: Some(CastFunction {
                schema: "app".into(),
                name: "To Numeric".into(),
                arguments: "app.\"Celsius\"".into(),
            }),
            context: "assignment".into(),
            comment: None,
        };
        assert_eq!(
            create_cast(&c),
            "CREATE CAST (app.\"Celsius\" AS numeric) WITH FUNCTION app.\"To Numeric\"(app.\"Celsius\") AS ASSIGNMENT"
        );
        (c.function, c.method, c.context) = (None, "inout".into(), "implicit".into());
        assert!(create_cast(&c).ends_with("numeric) WITH INOUT AS IMPLICIT"));
        (c.method, c.context) = ("binary".into(), "explicit".into());
        assert!(create_cast(&c).ends_with("numeric) WITHOUT FUNCTION"));
        assert_eq!(drop_cast(&c), "DROP CAST (app.\"Celsius\" AS numeric)");
    }
}
