//! Column rules: creation timestamps without a default (PL301), update timestamps nothing
//! maintains (PL302), timestamps without time zone (PL303), and types with better
//! replacements: char(n) (PL501), money (PL502), serial (PL503), json (PL504).

use super::{column_ref, tables};
use crate::lint::config::name_matches;
use crate::lint::{Checker, RuleId, Subject};
use crate::model::{Column, QualName, Table, TriggerTiming};
use crate::sql::{Ident, QualIdent};

pub(super) fn run(c: &mut Checker<'_>) {
    let cat = c.cat;
    for t in tables(cat) {
        for col in t.columns.iter().filter(|col| !col.inherited) {
            timestamps(c, t, col);
            types(c, t, col);
        }
    }
}

fn report(
    c: &mut Checker<'_>,
    rule: RuleId,
    t: &Table,
    col: &Column,
    msg: String,
    fix: Option<String>,
) {
    let name = QualName::new(&t.schema, &t.name);
    c.report(
        rule,
        Subject {
            object: column_ref(t, &col.name),
            comments: vec![col.comment.as_deref(), t.comment.as_deref()],
            anchor: Some(&name),
        },
        msg,
        fix,
    );
}

fn alter(t: &Table, col: &Column, what: &str) -> String {
    format!(
        "ALTER TABLE {} ALTER COLUMN {} {what};",
        QualIdent(&t.schema, &t.name),
        Ident(&col.name)
    )
}

fn is_time(type_name: &str) -> bool {
    type_name.starts_with("timestamp") || type_name == "date"
}

fn timestamps(c: &mut Checker<'_>, t: &Table, col: &Column) {
    let q = format!("{}.{}.{}", t.schema, t.name, col.name);
    if col.type_name.starts_with("timestamp without time zone") {
        report(
            c,
            RuleId::TimestampWithoutTimeZone,
            t,
            col,
            format!("{q} is timestamp without time zone"),
            Some(alter(
                t,
                col,
                "TYPE timestamptz USING ... AT TIME ZONE 'UTC' -- rewrites the table",
            )),
        );
    }
    if !is_time(&col.type_name) || col.generated.is_some() {
        return;
    }
    let options = c.options;
    if name_matches(&options.created_at, &col.name) && col.default.is_none() {
        report(
            c,
            RuleId::CreatedAtWithoutDefault,
            t,
            col,
            format!("{q} records creation but has no default: inserts must set it"),
            Some(alter(t, col, "SET DEFAULT now()")),
        );
    }
    if name_matches(&options.updated_at, &col.name) {
        let trigger = sets_column(c, t, &col.name);
        let missing = match (col.default.is_some(), trigger) {
            (true, true) => return,
            (false, true) => "no default",
            (true, false) => "no BEFORE UPDATE trigger that sets it",
            (false, false) => "neither a default nor a BEFORE UPDATE trigger that sets it",
        };
        let fix = match col.default {
            None => Some(alter(t, col, "SET DEFAULT now()")),
            Some(_) => Some(format!(
                "CREATE TRIGGER {} BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION <a function setting NEW.{}>;",
                Ident(&format!("{}_set_{}", t.name, col.name)),
                QualIdent(&t.schema, &t.name),
                Ident(&col.name)
            )),
        };
        report(
            c,
            RuleId::UpdatedAtWithoutTrigger,
            t,
            col,
            format!("{q} records updates but has {missing}"),
            fix,
        );
    }
}

/// True when a BEFORE UPDATE row trigger on `t` sets `column`: its function assigns
/// `NEW.column`, or the column's name is one of the trigger's arguments (a shared function
/// told which column to set, as `moddatetime(updated_at)`).
fn sets_column(c: &Checker<'_>, t: &Table, column: &str) -> bool {
    let table = QualName::new(&t.schema, &t.name);
    (c.by.triggers(&table).iter())
        .filter(|g| g.timing == TriggerTiming::Before && g.level == "row")
        .filter(|g| g.events.iter().any(|e| e.eq_ignore_ascii_case("update")))
        .any(|g| {
            g.arguments.iter().any(|a| a == column)
                || (c.by.functions(&g.function).iter()).any(|f| assigns_new(&f.body, column))
        })
}

/// True when `body` mentions `NEW.column` (folded as PostgreSQL folds it, or quoted exactly).
fn assigns_new(body: &str, column: &str) -> bool {
    let lower = body.to_lowercase();
    let quoted = format!("new.\"{column}\"");
    let plain = format!("new.{}", column.to_lowercase());
    let mentions_plain = lower.match_indices(&plain).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + plain.len()..].chars().next();
        !before.is_some_and(|ch| ch.is_alphanumeric() || ch == '_')
            && !after.is_some_and(|ch| ch.is_alphanumeric() || ch == '_')
    });
    mentions_plain || body.contains(&quoted) || body.contains(&format!("NEW.\"{column}\""))
}

fn types(c: &mut Checker<'_>, t: &Table, col: &Column) {
    let q = format!("{}.{}.{}", t.schema, t.name, col.name);
    let ty = col.type_name.as_str();
    if ty == "character" || ty.starts_with("character(") {
        report(
            c,
            RuleId::CharColumn,
            t,
            col,
            format!("{q} is {ty}"),
            Some(alter(t, col, "TYPE text")),
        );
    }
    if ty == "money" || ty == "money[]" {
        report(
            c,
            RuleId::MoneyColumn,
            t,
            col,
            format!("{q} is money"),
            Some(alter(t, col, "TYPE numeric(19,4)")),
        );
    }
    if ty == "json" || ty == "json[]" {
        report(
            c,
            RuleId::JsonColumn,
            t,
            col,
            format!("{q} is {ty}"),
            Some(
                alter(
                    t,
                    col,
                    "TYPE jsonb USING {col}::jsonb -- rewrites the table",
                )
                .replace("{col}", &Ident(&col.name).to_string()),
            ),
        );
    }
    serial(c, t, col);
}

/// PL503: a column whose default takes the next value of a sequence the column owns.
fn serial(c: &mut Checker<'_>, t: &Table, col: &Column) {
    if col.identity.is_some()
        || !col
            .default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("))
    {
        return;
    }
    let owned = c.by.owns_sequence(&t.schema, &t.name, &col.name);
    if owned {
        report(
            c,
            RuleId::SerialColumn,
            t,
            col,
            format!(
                "{}.{}.{} is a serial ({} with a default from an owned sequence)",
                t.schema, t.name, col.name, col.type_name
            ),
            Some(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT, ALTER COLUMN {} ADD GENERATED BY DEFAULT AS IDENTITY; -- then drop the old sequence and set the identity's START past its last value",
                QualIdent(&t.schema, &t.name),
                Ident(&col.name),
                Ident(&col.name)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::assigns_new;

    #[test]
    fn assignments_to_new_are_found_whole_words_only() {
        assert!(assigns_new(
            "begin NEW.updated_at := now(); return NEW; end",
            "updated_at"
        ));
        assert!(assigns_new(
            "begin new.\"UpdatedAt\" = now(); end",
            "UpdatedAt"
        ));
        assert!(!assigns_new(
            "begin NEW.updated_at_utc := now(); end",
            "updated_at"
        ));
        assert!(!assigns_new(
            "begin renew.updated_at := 1; end",
            "updated_at"
        ));
    }
}
