//! The one table of code patterns that name a table: ORM declarations, query builders and
//! SQL in strings. Each pattern captures the name it mentions (group `name`) and says what
//! kind of reference it is; patterns apply to the files whose extension they list.

use regex::bytes::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// How code refers to a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// An ORM model or schema declares it (`pgTable("x")`, `__tablename__ = "x"`).
    Declaration,
    /// A query builder names it (`knex("x")`, `.from("x")`).
    QueryBuilder,
    /// SQL reads it (`FROM x`, `JOIN x`).
    SqlRead,
    /// SQL writes it (`INSERT INTO x`, `UPDATE x`, `DELETE FROM x`).
    SqlWrite,
    /// SQL changes its definition (`ALTER TABLE x`, `TRUNCATE TABLE x`).
    SqlDdl,
    /// The name stands as a word, in no pattern above.
    Mention,
}

impl RefKind {
    pub fn label(self) -> &'static str {
        match self {
            RefKind::Declaration => "declaration",
            RefKind::QueryBuilder => "query builder",
            RefKind::SqlRead => "SQL read",
            RefKind::SqlWrite => "SQL write",
            RefKind::SqlDdl => "SQL DDL",
            RefKind::Mention => "mention",
        }
    }
}

/// One pattern of the table.
#[derive(Debug)]
pub struct Pattern {
    /// What names the table this way (`drizzle`, `prisma`, `sql` ...).
    pub via: &'static str,
    pub kind: RefKind,
    /// File extensions it applies to (empty: every file).
    pub extensions: &'static [&'static str],
    pub source: &'static str,
}

const JS: &[&str] = &["js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts"];
const PY: &[&str] = &["py"];
const RB: &[&str] = &["rb"];
const PRISMA: &[&str] = &["prisma"];
/// A quoted name: `"x"`, `'x'` or `` `x` ``.
macro_rules! quoted {
    () => {
        r#"["'`](?P<name>[A-Za-z_][\w$.]*)["'`]"#
    };
}

/// Every pattern. The SQL ones are matched apart (see [`sql_pattern`]).
pub const PATTERNS: &[Pattern] = &[
    Pattern {
        via: "drizzle",
        kind: RefKind::Declaration,
        extensions: JS,
        source: concat!(
            r"\b(?:pgTable|pgView|pgMaterializedView)\s*\(\s*",
            quoted!()
        ),
    },
    Pattern {
        via: "drizzle",
        kind: RefKind::Declaration,
        extensions: JS,
        source: concat!(r"\.(?:table|view)\s*\(\s*", quoted!(), r"\s*,\s*\{"),
    },
    Pattern {
        via: "typeorm",
        kind: RefKind::Declaration,
        extensions: JS,
        source: concat!(r"@Entity\s*\(\s*(?:\{[^}]*?\bname\s*:\s*)?", quoted!()),
    },
    Pattern {
        via: "sequelize",
        kind: RefKind::Declaration,
        extensions: JS,
        source: concat!(r"\btableName\s*:\s*", quoted!()),
    },
    Pattern {
        via: "knex",
        kind: RefKind::QueryBuilder,
        extensions: JS,
        source: concat!(r"\bknex\s*\(\s*", quoted!()),
    },
    Pattern {
        via: "query builder",
        kind: RefKind::QueryBuilder,
        extensions: &[],
        source: concat!(
            r"\.(?:from|into|table|join|leftJoin|rightJoin|innerJoin|fullJoin|update|",
            r"insertInto|selectFrom|deleteFrom|updateTable)\s*\(\s*",
            quoted!(),
            r"\s*[,)]"
        ),
    },
    Pattern {
        via: "sqlalchemy",
        kind: RefKind::Declaration,
        extensions: PY,
        source: concat!(r"\b__tablename__\s*=\s*", quoted!()),
    },
    Pattern {
        via: "sqlalchemy",
        kind: RefKind::Declaration,
        extensions: PY,
        source: concat!(r"\bTable\s*\(\s*", quoted!()),
    },
    Pattern {
        via: "django",
        kind: RefKind::Declaration,
        extensions: PY,
        source: concat!(r"\bdb_table\s*=\s*", quoted!()),
    },
    Pattern {
        via: "activerecord",
        kind: RefKind::Declaration,
        extensions: RB,
        source: concat!(r"\bself\.table_name\s*=\s*", quoted!()),
    },
    Pattern {
        via: "prisma",
        kind: RefKind::Declaration,
        extensions: PRISMA,
        source: r#"@@map\s*\(\s*(?:name\s*:\s*)?"(?P<name>[^"]+)"\s*\)"#,
    },
];

/// The compiled patterns, in the order of [`PATTERNS`].
pub fn compiled() -> &'static [Regex] {
    static COMPILED: OnceLock<Vec<Regex>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        PATTERNS
            .iter()
            .map(|p| Regex::new(p.source).expect("a pattern of the table"))
            .collect()
    })
}

/// SQL that names a table after `FROM`, `JOIN`, `INTO`, `UPDATE` or `TABLE`, qualified
/// or quoted or not. In `.sql` files in any case; elsewhere in capitals only, as SQL is
/// written in strings (lower-case prose says "from the" too often).
pub fn sql_pattern(any_case: bool) -> &'static Regex {
    static ANY: OnceLock<Regex> = OnceLock::new();
    static UPPER: OnceLock<Regex> = OnceLock::new();
    let source = concat!(
        r#"\b(?P<kw>FROM|JOIN|INTO|UPDATE|TABLE)\s+(?:ONLY\s+)?(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"#,
        r#"(?P<name>(?:"[^"\n]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"\n]+"|[A-Za-z_][\w$]*))?)"#,
        r#"(?P<call>\s*\()?"#
    );
    let (cell, prefix) = match any_case {
        true => (&ANY, "(?i)"),
        false => (&UPPER, ""),
    };
    cell.get_or_init(|| Regex::new(&format!("{prefix}{source}")).expect("the SQL pattern"))
}

/// The kind of SQL reference after keyword `kw`, `DELETE` before it making `FROM` a write.
pub fn sql_kind(kw: &str, before: &str) -> RefKind {
    match kw.to_ascii_uppercase().as_str() {
        "INTO" | "UPDATE" => RefKind::SqlWrite,
        "TABLE" => RefKind::SqlDdl,
        "FROM" if before.trim_end().to_ascii_uppercase().ends_with("DELETE") => RefKind::SqlWrite,
        _ => RefKind::SqlRead,
    }
}

/// Words that follow `FROM`/`JOIN`/`INTO` in SQL without being a table.
pub fn not_a_table(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "select", "lateral", "only", "values", "unnest", "the", "a", "an", "this", "that", "each",
        "all", "any", "some", "here", "there", "where", "using", "table", "strict", "to", "is",
        "as", "and", "or", "not", "in", "on", "of", "set", "default", "current", "it", "them",
        "which", "what", "your", "our", "my", "its", "their", "one", "now",
    ];
    WORDS.contains(&name.to_ascii_lowercase().as_str())
}

/// Prisma models with no `@@map`: the model's name is its table's (offset and name).
pub fn prisma_models(text: &[u8]) -> Vec<(usize, &[u8])> {
    static MODEL: OnceLock<Regex> = OnceLock::new();
    let model = MODEL.get_or_init(|| {
        Regex::new(r"(?m)^\s*model\s+(?P<name>[A-Za-z_]\w*)\s*\{").expect("the model pattern")
    });
    let mut out = Vec::new();
    for c in model.captures_iter(text) {
        let (Some(all), Some(name)) = (c.get(0), c.name("name")) else {
            continue;
        };
        let body = &text[all.end()..];
        let end = memchr::memmem::find(body, b"\n}").unwrap_or(body.len());
        if memchr::memmem::find(&body[..end], b"@@map").is_none() {
            out.push((name.start(), name.as_bytes()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_captures_a_name() {
        let samples = [
            r#"export const users = pgTable("users", {"#,
            r#"const t = app.table("users", { id: serial() })"#,
            r#"@Entity({ schema: "app", name: "users" })"#,
            r#"tableName: 'users',"#,
            r#"await knex('users').where(...)"#,
            r#"supabase.from("users").select()"#,
            r#"__tablename__ = "users""#,
            r#"users = Table("users", metadata)"#,
            r#"db_table = "users""#,
            r#"self.table_name = "users""#,
            r#"@@map("users")"#,
        ];
        for ((p, re), sample) in PATTERNS.iter().zip(compiled()).zip(samples) {
            let c =
                (re.captures(sample.as_bytes())).unwrap_or_else(|| panic!("{}: {sample}", p.via));
            assert_eq!(&c["name"], b"users", "{}", p.via);
        }
        let sql = sql_pattern(false);
        let c = sql.captures(br#"DELETE FROM "app"."users" WHERE"#).unwrap();
        assert_eq!(
            (&c["kw"], &c["name"]),
            (&b"FROM"[..], &br#""app"."users""#[..])
        );
        assert_eq!(sql_kind("FROM", "DELETE "), RefKind::SqlWrite);
        assert!(sql.captures(b"read from the docs").is_none());
        let c = sql.captures(br#"execute("SELECT id FROM users")"#).unwrap();
        assert_eq!(&c["name"], b"users");
        assert!(sql_pattern(true).captures(b"select * from users").is_some());
    }

    #[test]
    fn prisma_models_without_a_map_are_their_tables() {
        let text =
            "model User {\n  id Int @id\n}\n\nmodel Post {\n  id Int\n  @@map(\"posts\")\n}\n";
        let names: Vec<&[u8]> = (prisma_models(text.as_bytes()).into_iter())
            .map(|(_, n)| n)
            .collect();
        assert_eq!(names, [b"User"]);
    }
}
