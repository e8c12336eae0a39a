//! Statements of procedural languages.

use super::qn;
use crate::model::{Language, QualName};
use crate::sql::Ident;

/// `LANGUAGE name`: what `COMMENT ON`, `GRANT` and `DROP` name.
pub fn language_target(l: &Language) -> String {
    format!("LANGUAGE {}", Ident(&l.name))
}

fn function(f: &QualName) -> String {
    qn(&f.schema, &f.name).to_string()
}

/// The definition after `CREATE [OR REPLACE]`: trust, name and functions.
fn language_definition(l: &Language) -> String {
    let mut sql = format!(
        "{}{} HANDLER {}",
        if l.trusted { "TRUSTED " } else { "" },
        language_target(l),
        function(&l.handler)
    );
    if let Some(f) = &l.inline {
        sql.push_str(&format!(" INLINE {}", function(f)));
    }
    if let Some(f) = &l.validator {
        sql.push_str(&format!(" VALIDATOR {}", function(f)));
    }
    sql
}

pub fn create_language(l: &Language) -> String {
    format!("CREATE {}", language_definition(l))
}

/// `CREATE OR REPLACE LANGUAGE`: new trust and functions, the owner and privileges kept.
pub fn replace_language(l: &Language) -> String {
    format!("CREATE OR REPLACE {}", language_definition(l))
}

pub fn drop_language(l: &Language) -> String {
    format!("DROP {}", language_target(l))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Privileges;

    #[test]
    fn language_statements() {
        let mut l = Language {
            name: "My Lang".into(),
            trusted: true,
            handler: QualName::new("app", "call"),
            inline: Some(QualName::new("app", "inline")),
            validator: Some(QualName::new("app", "Check")),
            owner: "o".into(),
            comment: None,
            privileges: Privileges::default(),
        };
        assert_eq!(
            create_language(&l),
            "CREATE TRUSTED LANGUAGE \"My Lang\" HANDLER app.call INLINE app.inline \
             VALIDATOR app.\"Check\""
        );
        (l.trusted, l.inline, l.validator) = (false, None, None);
        assert_eq!(
            replace_language(&l),
            "CREATE OR REPLACE LANGUAGE \"My Lang\" HANDLER app.call"
        );
        assert_eq!(drop_language(&l), "DROP LANGUAGE \"My Lang\"");
    }
}
