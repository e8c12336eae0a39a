//! Statements of encoding conversions.

use super::qn;
use crate::model::Conversion;
use crate::sql::Literal;

/// `CONVERSION s.c`: what `COMMENT ON` and `DROP` name.
pub fn conversion_target(c: &Conversion) -> String {
    format!("CONVERSION {}", qn(&c.schema, &c.name))
}

pub fn create_conversion(c: &Conversion) -> String {
    format!(
        "CREATE {}{} FOR {} TO {} FROM {}",
        if c.default { "DEFAULT " } else { "" },
        conversion_target(c),
        Literal(&c.source),
        Literal(&c.destination),
        qn(&c.function.schema, &c.function.name)
    )
}

pub fn drop_conversion(c: &Conversion) -> String {
    format!("DROP {}", conversion_target(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualName;

    #[test]
    fn conversion_statements() {
        let mut c = Conversion {
            schema: "app".into(),
            name: "Latin".into(),
            source: "LATIN1".into(),
            destination: "UTF8".into(),
            function: QualName::new("pg_catalog", "iso8859_1_to_utf8"),
            default: true,
            owner: "o".into(),
            comment: None,
        };
        assert_eq!(
            create_conversion(&c),
            "CREATE DEFAULT CONVERSION app.\"Latin\" FOR 'LATIN1' TO 'UTF8' \
             FROM pg_catalog.iso8859_1_to_utf8"
        );
        c.default = false;
        assert!(create_conversion(&c).starts_with("CREATE CONVERSION app.\"Latin\" FOR"));
        assert_eq!(drop_conversion(&c), "DROP CONVERSION app.\"Latin\"");
    }
}
