//! Rename hints written in SQL sources, where the schema is declared:
//!
//! ```sql
//! CREATE TABLE app.customers (   -- pgdrift:renamed from=users
//!     id bigint PRIMARY KEY,
//!     full_name text             -- pgdrift:renamed from=name
//! );
//! ```
//!
//! On the line of a `CREATE TABLE`, the comment names the table's old name (in the same
//! schema); on a column's line inside one, the column's old name. Unqualified table names
//! are in `public`. A comment anywhere else is an error naming its file and line, so that a
//! hint never silently does nothing.

use super::{names, HintError, Rename};

const DIRECTIVE: &str = "-- pgdrift:renamed from=";

/// The code of a line without its `--` comment, skipping quoted text.
fn code(line: &str) -> &str {
    let mut quote = None;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'-' && bytes.get(i + 1) == Some(&b'-') => return &line[..i],
            None => {}
        }
    }
    line
}

/// How much the parentheses of `code` open (negative: close).
fn depth_change(code: &str) -> i32 {
    let mut quote = None;
    let mut d = 0;
    for b in code.bytes() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'(' => d += 1,
            None if b == b')' => d -= 1,
            None => {}
        }
    }
    d
}

/// The table a `CREATE TABLE` line creates, as (schema, name).
fn created_table(code: &str) -> Option<(String, String)> {
    let lower = code.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let create = words.iter().position(|w| *w == "create")?;
    let table = create + words[create..].iter().position(|w| *w == "table")?;
    let skip = ["if", "not", "exists"];
    let mut rest = words[table + 1..].iter().skip_while(|w| skip.contains(w));
    rest.next()?;
    // The name as written (quotes and case kept), up to a space or a parenthesis.
    let offset = code.to_ascii_lowercase().find(" table ")? + " table ".len();
    let mut tail = code[offset..].trim_start();
    for w in skip {
        if tail.len() >= w.len() && tail[..w.len()].eq_ignore_ascii_case(w) {
            tail = tail[w.len()..].trim_start();
        }
    }
    let end = tail
        .find(|c: char| c == '(' || c.is_whitespace())
        .unwrap_or(tail.len());
    match names(&tail[..end])?.as_slice() {
        [t] => Some(("public".into(), t.clone())),
        [s, t] => Some((s.clone(), t.clone())),
        _ => None,
    }
}

/// The first name on a line of code (a column definition's column).
fn first_name(code: &str) -> Option<Vec<String>> {
    let code = code.trim_start();
    let end = if let Some(quoted) = code.strip_prefix('"') {
        let mut i = 0;
        let b = quoted.as_bytes();
        loop {
            match *b.get(i)? {
                b'"' if b.get(i + 1) == Some(&b'"') => i += 2,
                b'"' => break i + 2,
                _ => i += 1,
            }
        }
    } else {
        code.find(|c: char| c.is_whitespace() || c == ',' || c == '(')
            .unwrap_or(code.len())
    };
    names(&code[..end])
}

/// The rename hints in `sql`, the text of the source `file`.
pub fn in_sql(file: &str, sql: &str) -> Result<Vec<Rename>, HintError> {
    let mut out = Vec::new();
    let mut table: Option<(String, String)> = None;
    let mut depth = 0;
    for (n, line) in sql.lines().enumerate() {
        let code = code(line);
        let header = created_table(code);
        if header.is_some() {
            table = header.clone();
            depth = 0;
        }
        let at = line.find(DIRECTIVE);
        if let Some(at) = at {
            let here = format!("{file}:{}", n + 1);
            let bad = |reason: &str| HintError {
                hint: format!("at {here}"),
                reason: reason.to_string(),
            };
            let old = line[at + DIRECTIVE.len()..].trim();
            let old = names(old).ok_or_else(|| bad("from= must name the old name"))?;
            let column = first_name(code);
            match (&header, &table, column) {
                (Some((schema, name)), _, _) => {
                    let from =
                        match old.as_slice() {
                            [t] => t.clone(),
                            [s, t] if s == schema => t.clone(),
                            _ => return Err(bad(
                                "a table is renamed within its schema: from= names the old table",
                            )),
                        };
                    out.push(Rename::Table {
                        schema: schema.clone(),
                        from,
                        to: name.clone(),
                    });
                }
                (None, Some((schema, name)), Some(col)) if depth == 1 && col.len() == 1 => {
                    let [from] = old.as_slice() else {
                        return Err(bad("from= names the column's old name, unqualified"));
                    };
                    let keyword = [
                        "constraint",
                        "primary",
                        "unique",
                        "check",
                        "foreign",
                        "exclude",
                        "like",
                    ];
                    if keyword.contains(&col[0].as_str()) {
                        return Err(bad(
                            "the comment belongs on a column's line, not a constraint's",
                        ));
                    }
                    out.push(Rename::Column {
                        schema: schema.clone(),
                        table: name.clone(),
                        from: from.clone(),
                        to: col[0].clone(),
                    });
                }
                _ => {
                    return Err(bad(
                        "`-- pgdrift:renamed from=` belongs on a CREATE TABLE line or on a \
                         column's line inside one",
                    ))
                }
            }
        }
        if table.is_some() {
            depth += depth_change(code);
            if depth <= 0 && header.is_none() && code.contains(')') {
                table = None;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_columns_are_read_with_their_names() {
        let sql = "CREATE TABLE app.customers ( -- pgdrift:renamed from=users\n  id int,\n  \
                   \"Full Name\" text, -- pgdrift:renamed from=name\n  note text DEFAULT '(' \
                   -- pgdrift:renamed from=remark\n);\n";
        let hints = in_sql("schema.sql", sql).unwrap();
        let shown: Vec<String> = hints.iter().map(|h| h.to_string()).collect();
        assert_eq!(
            shown,
            [
                "app.users=customers",
                "app.customers.name=\"Full Name\"",
                "app.customers.remark=note"
            ]
        );
    }

    #[test]
    fn a_comment_elsewhere_names_its_file_and_line() {
        let sql = "CREATE TABLE t (a int);\nCREATE INDEX ON t (a); -- pgdrift:renamed from=x\n";
        let e = in_sql("db/schema.sql", sql).unwrap_err();
        assert!(e.to_string().contains("db/schema.sql:2"), "{e}");
        let sql = "CREATE TABLE t (\n  a int,\n  PRIMARY KEY (a) -- pgdrift:renamed from=x\n);";
        assert!(in_sql("s.sql", sql).is_err());
    }

    #[test]
    fn odd_text_never_panics() {
        for sql in [
            "-- pgdrift:renamed from=",
            "CREATE TABLE",
            "create table \"",
            "(((",
            "é -- pgdrift:renamed from=é",
        ] {
            let _ = in_sql("f", sql);
        }
    }
}
