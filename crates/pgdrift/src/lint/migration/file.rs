//! One migration file through the statement rules: split into statements, each lexed and
//! checked in order with what the file did before it (its transaction, the tables it
//! created, the timeouts it set), then each hit silenced by a `pgdrift:ignore` marker on
//! the line before the statement or at the end of its last line, turned off or ignored by
//! the configuration, and weighed by its table's size.

use super::statement::{normalized, Stmt};
use super::weigh::weigh;
use super::{checks, Env};
use crate::lint::suppress::{self, MARKER};
use crate::lint::{LintError, RuleId};
use crate::model::QualName;
use crate::report::finding::{fingerprint, Finding, Location, ObjectRef};
use crate::sql::split::{line_of, split, Piece};
use std::collections::HashSet;

/// A migration file to check.
#[derive(Debug, Clone, Copy)]
pub struct FileInput<'a> {
    /// The path as findings show it.
    pub name: &'a str,
    pub sql: &'a str,
    /// Its tool runs it outside a transaction.
    pub no_transaction: bool,
}

/// What the file has done before the statement being checked.
#[derive(Debug, Default)]
pub(crate) struct FileState {
    /// The statement runs inside a transaction block.
    pub in_tx: bool,
    /// The line of the BEGIN that opens a `BEGIN; ... COMMIT;` wrapper around the whole
    /// file (the runner drops it; not nesting).
    pub wrapper: Option<usize>,
    /// The line of an explicit BEGIN not closed yet.
    pub open_begin: Option<usize>,
    /// Tables created by the file so far: empty, nothing to weigh.
    pub created: HashSet<QualName>,
    pub lock_timeout: bool,
    pub lock_timeout_reported: bool,
    pub statement_timeout: bool,
    pub statement_timeout_reported: bool,
    /// Constraints added NOT VALID in the current transaction.
    pub not_valid: HashSet<String>,
    /// How many statements the file has.
    pub statements: usize,
    pub server_version_num: Option<u32>,
}

impl FileState {
    /// True when `table` was not created by this file.
    pub fn existing(&self, table: &QualName) -> bool {
        !self.created.contains(table)
    }
}

/// A rule's finding on one statement, before the configuration and the sizes apply.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub rule: RuleId,
    pub message: String,
    pub object: Option<ObjectRef>,
    /// The table whose size decides the severity.
    pub weigh_by: Option<QualName>,
    pub fix: Option<String>,
}

impl Hit {
    pub fn new(rule: RuleId, message: impl Into<String>) -> Hit {
        Hit {
            rule,
            message: message.into(),
            object: None,
            weigh_by: None,
            fix: None,
        }
    }

    pub fn on(mut self, kind: &'static str, name: impl Into<String>) -> Hit {
        self.object = Some(ObjectRef {
            kind,
            name: name.into(),
        });
        self
    }

    /// About `table`, weighed by its size.
    pub fn sized(mut self, table: &QualName) -> Hit {
        self.weigh_by = Some(table.clone());
        self.on("table", table.to_string())
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Hit {
        self.fix = Some(fix.into());
        self
    }
}

/// A file's statements, lexed, each with the comments that may silence it.
pub(crate) struct Parsed<'a> {
    pub stmts: Vec<Stmt<'a>>,
    pub comments: Vec<String>,
}

/// Splits and lexes `file`; its markers checked.
pub(crate) fn parse<'a>(file: &FileInput<'a>) -> Result<Parsed<'a>, LintError> {
    check_markers(file)?;
    let pieces = split(file.sql).map_err(|e| LintError {
        place: format!("{}:{}", file.name, e.line),
        message: e.to_string(),
    })?;
    let statements: Vec<(&str, usize)> = (pieces.iter())
        .filter_map(|p| match p {
            Piece::Statement { text, start } => Some((*text, *start)),
            Piece::Meta { .. } => None,
        })
        .collect();
    let mut parsed = Parsed {
        stmts: Vec::with_capacity(statements.len()),
        comments: Vec::with_capacity(statements.len()),
    };
    for (k, (text, start)) in statements.iter().enumerate() {
        let prev_end = k
            .checked_sub(1)
            .map(|p| statements[p].1 + statements[p].0.len());
        let comments = comments_of(file.sql, prev_end, *start, start + text.len());
        parsed
            .stmts
            .push(Stmt::new(text, line_of(file.sql, *start)));
        parsed.comments.push(comments);
    }
    Ok(parsed)
}

/// Checks every statement of `file`.
pub(crate) fn check_file(file: &FileInput<'_>, env: &Env<'_>) -> Result<Vec<Finding>, LintError> {
    let Parsed { stmts, comments } = parse(file)?;
    let wrapper = match (stmts.first(), stmts.last()) {
        (Some(a), Some(z)) if checks::is_begin(a) && checks::is_end(z) => {
            Some(a.line).filter(|_| stmts.iter().filter(|s| checks::is_begin(s)).count() == 1)
        }
        _ => None,
    };
    let mut state = FileState {
        in_tx: !file.no_transaction,
        wrapper,
        statements: stmts.len(),
        server_version_num: env.server_version_num,
        ..FileState::default()
    };
    let mut out = Vec::new();
    for (stmt, comments) in stmts.iter().zip(&comments) {
        for hit in checks::check(stmt, &mut state) {
            out.extend(finding(file, env, stmt, comments, hit));
        }
    }
    if let Some(line) = state.open_begin {
        let stmt = Stmt::new("BEGIN", line);
        let hit = Hit::new(
            RuleId::UncommittedTransaction,
            "the transaction this BEGIN opens is never committed or rolled back in the file",
        )
        .fix("COMMIT;");
        out.extend(finding(file, env, &stmt, "", hit));
    }
    Ok(out)
}

/// Every marker of the file, checked: an unknown code is an error naming its line.
fn check_markers(file: &FileInput<'_>) -> Result<(), LintError> {
    for (n, line) in file.sql.lines().enumerate() {
        if line.contains(MARKER) {
            suppress::markers(line).map_err(|e| LintError {
                place: format!("{}:{}", file.name, n + 1),
                message: e.message,
            })?;
        }
    }
    Ok(())
}

/// The comments that may silence the statement at `start..end`: the lines between the
/// previous statement (which ended at `prev_end`, the rest of its line being its own) and
/// this one, and this one's last line to its end.
fn comments_of(sql: &str, prev_end: Option<usize>, start: usize, end: usize) -> String {
    let from = match prev_end {
        None => 0,
        Some(p) => sql[p..start].find('\n').map_or(start, |n| p + n + 1),
    };
    let last_line_start = sql[..end].rfind('\n').map_or(0, |n| n + 1).max(start);
    let line_end = sql[end..].find('\n').map_or(sql.len(), |n| end + n);
    format!("{}\n{}", &sql[from..start], &sql[last_line_start..line_end])
}

/// The finding `hit` becomes, unless silenced, off or ignored.
fn finding(
    file: &FileInput<'_>,
    env: &Env<'_>,
    stmt: &Stmt<'_>,
    comments: &str,
    hit: Hit,
) -> Option<Finding> {
    let level = env.config.level(hit.rule)?;
    let silenced = suppress::markers(comments).is_ok_and(|m| suppress::silences(&m, hit.rule));
    let ignored = |name: &str| env.config.ignored(name);
    if silenced || hit.object.as_ref().is_some_and(|o| ignored(&o.name)) {
        return None;
    }
    let (severity, message) = match &hit.weigh_by {
        Some(table) => {
            let (s, size) = weigh(level, table, env.sizes, &env.config.options);
            (s, format!("{}: {size}", hit.message))
        }
        None => (level, hit.message),
    };
    let info = hit.rule.info();
    Some(Finding {
        code: info.code,
        slug: info.slug,
        severity,
        fingerprint: fingerprint(&[info.code, file.name, &normalized(stmt.text)]),
        object: hit.object,
        message,
        fix: hit.fix,
        location: Location {
            file: Some(file.name.to_string()),
            line: Some(stmt.line),
            database: None,
        },
    })
}
