//! The evidence of `investigate` beyond one database's catalog, as text lines and Markdown
//! checklist boxes: the statistics of each server instance (primary and replicas) and the
//! statements pg_stat_statements recorded.

use crate::evidence::object::{ObjectEvidence, StatementUse};
use std::fmt::Write as _;

/// The lines after an object's `activity` line, indented to its columns.
pub fn text_lines(o: &ObjectEvidence) -> Vec<String> {
    let mut out = Vec::new();
    for (k, i) in o.activity_by_instance.iter().enumerate() {
        let head = if k == 0 {
            "  instances "
        } else {
            "            "
        };
        out.push(format!("{head}{} {}: {}", i.role, i.instance, instance(i)));
    }
    let Some(s) = &o.statements else { return out };
    match &s.unavailable {
        Some(why) => out.push(format!("  statements unknown: {why}")),
        None => {
            out.push(format!("  statements {}", summary(s)));
            for st in &s.top {
                out.push(format!(
                    "            {} call(s), {:.1} ms, {} row(s): {}",
                    st.calls, st.total_ms, st.rows, st.query
                ));
            }
        }
    }
    out
}

fn instance(i: &crate::evidence::object::InstanceActivity) -> String {
    match (&i.activity, &i.error) {
        (_, Some(e)) => format!("could not be read ({e})"),
        (None, None) => "no statistics for it".to_string(),
        (Some(a), None) => format!(
            "{} sequential and {} index scan(s), {} inserted, {} updated, {} deleted in {} day(s) of statistics",
            a.seq_scan,
            a.idx_scan,
            a.inserted,
            a.updated,
            a.deleted,
            a.window_seconds / 86_400
        ),
    }
}

fn summary(s: &StatementUse) -> String {
    let mut text = match s.statements {
        0 => "none names it in pg_stat_statements".to_string(),
        n => format!(
            "{n} statement(s) in pg_stat_statements name it, {} call(s) in all",
            s.calls
        ),
    };
    if s.hidden > 0 {
        let _ = write!(text, " ({} statement(s) hidden from this role)", s.hidden);
    }
    text
}

/// Checklist boxes: one per replica, one for pg_stat_statements.
pub fn markdown_boxes(o: &ObjectEvidence) -> Vec<(bool, String)> {
    let mut boxes = Vec::new();
    for i in o
        .activity_by_instance
        .iter()
        .filter(|i| i.role == "replica")
    {
        let quiet = i.error.is_none()
            && (i.activity.as_ref()).is_none_or(|a| a.reads() == 0 && a.writes() == 0);
        boxes.push((
            quiet,
            format!(
                "No reads or writes on replica `{}`: {}",
                i.instance,
                instance(i)
            ),
        ));
    }
    match &o.statements {
        None => {}
        Some(s) => match &s.unavailable {
            Some(why) => boxes.push((false, format!("Statements unknown: {why}"))),
            None => boxes.push((
                s.calls == 0,
                format!("No statement calls it: {}", summary(s)),
            )),
        },
    }
    boxes
}

/// The statements that name it, as a table (empty when there are none).
pub fn markdown_statements(o: &ObjectEvidence) -> String {
    let Some(s) = o.statements.as_ref().filter(|s| !s.top.is_empty()) else {
        return String::new();
    };
    let mut out = String::from("\n| calls | total ms | rows | statement |\n|---:|---:|---:|---|\n");
    for st in &s.top {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {} | `` {} `` |",
            st.calls,
            st.total_ms,
            st.rows,
            st.query.replace('|', "\\|")
        );
    }
    out
}
