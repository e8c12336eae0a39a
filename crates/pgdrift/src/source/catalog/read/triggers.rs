//! Triggers, with their event, timing and level decoded from `tgtype`.

use super::super::rows::get;
use super::super::InspectError;
use super::columns::RelColumns;
use crate::model::{QualName, Trigger, TriggerTiming};
use tokio_postgres::Row;

pub(super) const QUERY: &str = "triggers";
pub(super) const COLS: &[&str] = &[
    "relid",
    "schema",
    "table_name",
    "name",
    "type_bits",
    "enabled",
    "function_schema",
    "function_name",
    "nargs",
    "args",
    "update_columns",
    "old_table",
    "new_table",
    "is_constraint",
    "deferrable",
    "deferred",
    "definition",
    "comment",
];

// `tgtype` bits (trigger.h).
const ROW: i32 = 1 << 0;
const BEFORE: i32 = 1 << 1;
const INSERT: i32 = 1 << 2;
const DELETE: i32 = 1 << 3;
const UPDATE: i32 = 1 << 4;
const TRUNCATE: i32 = 1 << 5;
const INSTEAD: i32 = 1 << 6;

/// A trigger as read: `UPDATE OF` columns by number, until the columns are known.
#[derive(Debug)]
pub(crate) struct Raw {
    rel: u32,
    update_columns: Vec<i16>,
    trigger: Trigger,
}

/// Names the `UPDATE OF` columns.
pub(super) fn resolve(
    raws: impl IntoIterator<Item = Raw>,
    columns: &RelColumns,
) -> Result<Vec<Trigger>, InspectError> {
    raws.into_iter()
        .map(|mut r| {
            r.trigger.update_columns = columns.names(r.rel, &r.update_columns)?;
            Ok(r.trigger)
        })
        .collect()
}

pub(super) fn decode(row: &Row) -> Result<Raw, InspectError> {
    {
        let rel: u32 = get!(row, "relid");
        let bits: i32 = get!(row, "type_bits");
        let events = [
            (INSERT, "insert"),
            (UPDATE, "update"),
            (DELETE, "delete"),
            (TRUNCATE, "truncate"),
        ]
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| name.to_string())
        .collect();
        let nargs: i32 = get!(row, "nargs");
        let raw: Vec<u8> = get!(row, "args");
        let arguments = raw
            .split(|b| *b == 0)
            .take(nargs.max(0) as usize)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let definition: String = get!(row, "definition");
        let trigger = Trigger {
            schema: get!(row, "schema"),
            table: get!(row, "table_name"),
            name: get!(row, "name"),
            timing: if bits & INSTEAD != 0 {
                TriggerTiming::InsteadOf
            } else if bits & BEFORE != 0 {
                TriggerTiming::Before
            } else {
                TriggerTiming::After
            },
            events,
            update_columns: Vec::new(),
            level: if bits & ROW != 0 { "row" } else { "statement" }.to_string(),
            function: QualName::new(
                get!(row, "function_schema", String),
                get!(row, "function_name", String),
            ),
            arguments,
            condition: when_condition(&definition),
            old_table: get!(row, "old_table"),
            new_table: get!(row, "new_table"),
            constraint: get!(row, "is_constraint"),
            deferrable: get!(row, "deferrable"),
            initially_deferred: get!(row, "deferred"),
            enabled: match get!(row, "enabled", String).as_str() {
                "D" => "disabled",
                "R" => "replica",
                "A" => "always",
                _ => "origin",
            }
            .to_string(),
            definition,
            comment: get!(row, "comment"),
        };
        Ok(Raw {
            rel,
            update_columns: get!(row, "update_columns", Option<Vec<i16>>).unwrap_or_default(),
            trigger,
        })
    }
}

/// The `WHEN (...)` condition in a trigger definition as `pg_get_triggerdef` prints it: the
/// text inside the parentheses after `FOR EACH ROW|STATEMENT WHEN`. Quoted identifiers and
/// string literals are skipped, so names and strings cannot confuse it.
pub(crate) fn when_condition(def: &str) -> Option<String> {
    let b = def.as_bytes();
    let mut i = 0;
    let mut after_for_each = false;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => i = skip_quoted(b, i),
            _ if b[i..].starts_with(b"FOR EACH ROW ")
                || b[i..].starts_with(b"FOR EACH STATEMENT ") =>
            {
                after_for_each = true;
                i += 1;
            }
            _ if after_for_each && b[i..].starts_with(b"WHEN (") => {
                let open = i + "WHEN ".len();
                let close = matching_paren(b, open)?;
                return Some(def[open + 1..close].to_string());
            }
            _ if after_for_each && b[i..].starts_with(b"EXECUTE ") => return None,
            _ => i += 1,
        }
    }
    None
}

/// Index just past the quoted run starting at `start` (`""` and `''` are escapes).
fn skip_quoted(b: &[u8], start: usize) -> usize {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

fn matching_paren(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                i = skip_quoted(b, i);
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::when_condition;

    #[test]
    fn when_is_found_outside_quotes() {
        let def = "CREATE TRIGGER \"FOR EACH ROW WHEN (x)\" BEFORE UPDATE ON public.t FOR EACH ROW \
                   WHEN ((old.a IS DISTINCT FROM new.a) AND (new.b <> ')'::text)) EXECUTE FUNCTION public.f()";
        assert_eq!(
            when_condition(def).as_deref(),
            Some("(old.a IS DISTINCT FROM new.a) AND (new.b <> ')'::text)")
        );
        let plain = "CREATE TRIGGER t AFTER INSERT ON public.t FOR EACH STATEMENT EXECUTE FUNCTION public.f('WHEN (')";
        assert_eq!(when_condition(plain), None);
    }
}
