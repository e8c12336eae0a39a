//! A migration file made ready to run: psql meta-commands pg_dump writes blanked, a file's
//! own `BEGIN; ... COMMIT;` wrapper dropped (the runner provides the transaction), and any
//! other transaction control refused — a COMMIT inside a file would commit the migration
//! without its record and release the runners' lock. The indexes it creates are noted, for
//! the runner's check of INVALID ones.

use super::super::files::MigrationFile;
use super::super::MigrateError;
use crate::source::replay::{prepare as split_unit, ReplayUnit};
use crate::sql::created_index::{created_index, CreatedIndex};
use crate::sql::split::line_of;

/// The statements of a migration, each with its byte offset in the (blanked) text.
#[derive(Debug)]
pub struct Script {
    pub unit: ReplayUnit,
    /// The text with blanked parts, same length and lines as the file.
    pub sql: String,
    pub statements: Vec<(usize, String)>,
    /// The indexes its `CREATE INDEX` statements name.
    pub indexes: Vec<CreatedIndex>,
}

/// What a statement does to the transaction, by its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Begin,
    End,
    Other,
    None,
}

fn control(statement: &str) -> Control {
    let words: Vec<String> = statement
        .split_whitespace()
        .take(2)
        .map(|w| w.trim_end_matches(';').to_ascii_uppercase())
        .collect();
    let first = words.first().map(String::as_str).unwrap_or("");
    let second = words.get(1).map(String::as_str).unwrap_or("");
    match first {
        "BEGIN" if second != "ATOMIC" => Control::Begin,
        "START" if second == "TRANSACTION" => Control::Begin,
        "COMMIT" | "END" if second != "PREPARED" => Control::End,
        // Savepoints stay inside the migration's transaction: `SAVEPOINT`, `RELEASE` and
        // `ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name` are the file's own business.
        "ROLLBACK" if rolls_back_to_savepoint(statement) => Control::None,
        "COMMIT" | "ROLLBACK" | "ABORT" => Control::Other,
        "PREPARE" if second == "TRANSACTION" => Control::Other,
        _ => Control::None,
    }
}

/// `ROLLBACK [WORK | TRANSACTION] TO ...`: a rollback to a savepoint.
fn rolls_back_to_savepoint(statement: &str) -> bool {
    let mut words = statement
        .split_whitespace()
        .skip(1)
        .map(str::to_ascii_uppercase);
    match words.next().as_deref() {
        Some("TO") => true,
        Some("WORK" | "TRANSACTION") => words.next().as_deref() == Some("TO"),
        _ => false,
    }
}

/// Prepares `file` to run. `in_transaction`: whether the runner wraps it in a transaction.
pub fn prepare(file: &MigrationFile, in_transaction: bool) -> Result<Script, MigrateError> {
    let unit = ReplayUnit {
        name: file.migration.path.display().to_string(),
        sql: file.migration.sql.clone(),
        no_transaction: !in_transaction,
    };
    // The replay's preparation: the same blanking and the same splitter, refusing alike.
    let prepared = split_unit(&unit).map_err(|e| MigrateError::Script {
        version: file.version.clone(),
        message: e.to_string(),
    })?;
    let (mut sql, mut statements) = (prepared.sql, prepared.statements);
    if in_transaction {
        strip_wrapper(&mut sql, &mut statements);
        if let Some((at, text)) = statements.iter().find(|(_, s)| control(s) != Control::None) {
            return Err(MigrateError::Script {
                version: file.version.clone(),
                message: format!(
                    "{}:{}: `{}` controls the transaction the migration runs in; pgdrift runs \
                     each file in its own transaction and records it there. Remove it, or make \
                     `-- pgdrift:no-transaction` the file's first line to run it outside a transaction",
                    unit.name,
                    line_of(&sql, *at),
                    text.lines().next().unwrap_or("")
                ),
            });
        }
    }
    let indexes = statements
        .iter()
        .filter_map(|(_, s)| created_index(s))
        .collect();
    Ok(Script {
        unit,
        sql,
        statements,
        indexes,
    })
}

/// Drops a leading `BEGIN` with a trailing `COMMIT` (the file's own transaction).
fn strip_wrapper(sql: &mut String, statements: &mut Vec<(usize, String)>) {
    let wrapped = statements.len() >= 2
        && control(&statements[0].1) == Control::Begin
        && control(&statements[statements.len() - 1].1) == Control::End;
    if !wrapped {
        return;
    }
    for (at, text) in [statements.remove(0), statements.pop().expect("two or more")] {
        sql.replace_range(at..at + text.len(), &" ".repeat(text.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::dir::{Migration, MigrationKind};

    fn file(sql: &str) -> MigrationFile {
        MigrationFile {
            version: "001_x.sql".into(),
            description: "x".into(),
            checksum: String::new(),
            script: sql.into(),
            migration: Migration {
                version: "001_x.sql".into(),
                description: "x".into(),
                path: "m/001_x.sql".into(),
                sql: sql.into(),
                kind: MigrationKind::Versioned,
                no_transaction: false,
            },
        }
    }

    #[test]
    fn own_wrapper_is_dropped() {
        let s = prepare(&file("BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n"), true).unwrap();
        let texts: Vec<&str> = s.statements.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, vec!["CREATE TABLE t (id int)"]);
        assert_eq!(
            s.sql.len(),
            "BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n".len()
        );
    }

    #[test]
    fn commit_in_the_middle_is_refused() {
        let err = prepare(
            &file("CREATE TABLE t (id int);\nCOMMIT;\nCREATE TABLE u (id int);\n"),
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("m/001_x.sql:2: `COMMIT`"), "{err}");
        assert!(prepare(&file("CREATE TABLE t (id int);\nCOMMIT;\n"), false).is_ok());
    }

    #[test]
    fn savepoints_are_not_transaction_control() {
        let sql = "SAVEPOINT a;\nCREATE TABLE t (id int);\nROLLBACK TO SAVEPOINT a;\n\
                   SAVEPOINT b;\nRELEASE SAVEPOINT b;\nrollback work to a;\nROLLBACK TO a;\n";
        assert_eq!(prepare(&file(sql), true).unwrap().statements.len(), 7);
        for refused in ["ROLLBACK;\n", "ROLLBACK AND CHAIN;\n", "ROLLBACK WORK;\n"] {
            let sql = format!("CREATE TABLE t (id int);\n{refused}");
            assert!(prepare(&file(&sql), true).is_err(), "{refused}");
        }
    }

    #[test]
    fn begin_atomic_and_do_blocks_are_not_transaction_control() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n\
                   DO $$ BEGIN PERFORM 1; END $$;\n";
        assert_eq!(prepare(&file(sql), true).unwrap().statements.len(), 2);
    }
}
