//! Documentation: tables, and with `comment_columns` their columns, without a COMMENT
//! (PL107, off by default). The numbers are `docs::coverage`'s, over the objects `ignore`
//! leaves in; with `comment_coverage` the rule reports only while the commented share is
//! below it, and says what the share is.

use super::{column_ref, table_ref};
use crate::docs::coverage::{coverage, Share};
use crate::lint::{Checker, RuleId, Subject};
use crate::model::QualName;
use crate::sql::{Ident, QualIdent};

pub(super) fn run(c: &mut Checker<'_>) {
    if !c.on(RuleId::RequireComment) {
        return;
    }
    let config = c.config;
    let cov = coverage(c.cat, |name| config.ignored(&name.to_string()));
    let wanted = c.options.comment_coverage;
    if let Some(why) = short(wanted, &cov.tables, "tables") {
        for name in &cov.uncommented_tables {
            table(c, name, &why);
        }
    }
    if !c.options.comment_columns {
        return;
    }
    if let Some(why) = short(wanted, &cov.columns, "columns") {
        for (name, column_name) in &cov.uncommented_columns {
            column(c, name, column_name, &why);
        }
    }
}

/// `None` when `share` reaches the `wanted` share; otherwise what to add to each message
/// (nothing when no share is wanted: every uncommented object is reported).
fn short(wanted: Option<f64>, share: &Share, what: &str) -> Option<String> {
    let wanted = match wanted {
        None => return Some(String::new()),
        Some(w) if share.ratio() >= w => return None,
        Some(w) => (w * 1000.0).round() / 10.0,
    };
    Some(format!(
        " ({} of {} {what} commented, {}; comment_coverage wants {wanted}%)",
        share.commented,
        share.total,
        share.percent()
    ))
}

fn table(c: &mut Checker<'_>, name: &QualName, why: &str) {
    let Some(t) = c.cat.tables.get(name) else {
        return;
    };
    c.report(
        RuleId::RequireComment,
        Subject {
            object: table_ref(t),
            comments: vec![t.comment.as_deref()],
            anchor: Some(name),
        },
        format!("table {name} has no comment{why}"),
        Some(format!(
            "COMMENT ON TABLE {} IS '...';",
            QualIdent(&t.schema, &t.name)
        )),
    );
}

fn column(c: &mut Checker<'_>, name: &QualName, column_name: &str, why: &str) {
    let Some(t) = c.cat.tables.get(name) else {
        return;
    };
    let comment = t.column(column_name).and_then(|col| col.comment.as_deref());
    c.report(
        RuleId::RequireComment,
        Subject {
            object: column_ref(t, column_name),
            comments: vec![comment, t.comment.as_deref()],
            anchor: Some(name),
        },
        format!("column {name}.{column_name} has no comment{why}"),
        Some(format!(
            "COMMENT ON COLUMN {}.{} IS '...';",
            QualIdent(&t.schema, &t.name),
            Ident(column_name)
        )),
    );
}
