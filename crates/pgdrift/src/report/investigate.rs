//! Evidence about objects as text (one block per object) and as Markdown: the checklist
//! teams keep by hand before dropping a table, each box ticked or not with its evidence.
//! The JSON form is the investigation itself.

use crate::evidence::claims::{MigrationClaim, MigrationRef};
use crate::evidence::code::patterns::RefKind;
use crate::evidence::object::{Investigation, ObjectEvidence, Tie};
use std::fmt::Write as _;

/// At most this many ties or code references are named per line; the rest are counted.
const NAMED: usize = 5;

pub fn render_text(inv: &Investigation) -> String {
    let mut out = format!("{} (PostgreSQL {})\n", inv.database, inv.server_version);
    for o in &inv.objects {
        let _ = writeln!(out, "\n{}  ({}, owner {})", o.object, o.kind, o.owner);
        let _ = writeln!(out, "  holds     {}", holds(o));
        for t in &o.holds.timestamps {
            let _ = writeln!(
                out,
                "            {}: oldest {}, newest {}",
                t.column,
                t.oldest.as_deref().unwrap_or("-"),
                t.newest.as_deref().unwrap_or("-")
            );
        }
        let ties: Vec<String> = o.ties.iter().map(tie).collect();
        let _ = writeln!(out, "  ties      {}", or_none(&cut(&ties)));
        let _ = writeln!(out, "  activity  {}", activity(o));
        for line in super::investigate_more::text_lines(o) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "  code      {}", code(o));
        for line in claims_lines(o) {
            let _ = writeln!(out, "  claims    {line}");
        }
        let v = &o.verdict;
        let _ = writeln!(
            out,
            "  verdict   {}: {}",
            v.state.label(),
            v.reasons.join("; ")
        );
        for m in &v.missing {
            let _ = writeln!(out, "  missing   {m}");
        }
    }
    for n in &inv.not_found {
        let _ = writeln!(
            out,
            "\nno relation matches {}{}",
            n.pattern,
            match n.closest.is_empty() {
                true => String::new(),
                false => format!(" (closest: {})", n.closest.join(", ")),
            }
        );
    }
    out
}

/// The checklist, one section per object.
pub fn render_markdown(inv: &Investigation) -> String {
    let mut out = format!(
        "# Evidence\n\n{} (PostgreSQL {})\n",
        inv.database, inv.server_version
    );
    for o in &inv.objects {
        let _ = writeln!(
            out,
            "\n## `{}` ({}): {}\n",
            o.object,
            o.kind,
            o.verdict.state.label()
        );
        for (ok, text) in checklist(o) {
            let _ = writeln!(out, "- [{}] {text}", if ok { "x" } else { " " });
        }
        let _ = writeln!(out, "\nHolds {}. Activity: {}.", holds(o), activity(o));
        out.push_str(&super::investigate_more::markdown_statements(o));
        for m in &o.verdict.missing {
            let _ = writeln!(out, "\n> Missing evidence: {m}.");
        }
    }
    for n in &inv.not_found {
        let _ = writeln!(
            out,
            "\nNo relation matches `{}`{}.",
            n.pattern,
            match n.closest.is_empty() {
                true => String::new(),
                false => format!("; closest: {}", n.closest.join(", ")),
            }
        );
    }
    out
}

/// Each box of the checklist: ticked or not, with its evidence.
fn checklist(o: &ObjectEvidence) -> Vec<(bool, String)> {
    let of = |kinds: &[&str]| -> Vec<String> {
        (o.ties.iter())
            .filter(|t| kinds.contains(&t.kind.as_str()))
            .map(tie)
            .collect()
    };
    let mut boxes = Vec::new();
    let fks = of(&["fk_in"]);
    boxes.push(item(fks.is_empty(), "No foreign key points at it", &fks));
    let deps = of(&["view", "function", "trigger", "policy", "dependent"]);
    boxes.push(item(
        deps.is_empty(),
        "No view, function, trigger, policy, column or other object depends on it",
        &deps,
    ));
    let pubs = of(&["publication"]);
    boxes.push(item(pubs.is_empty(), "In no publication", &pubs));
    claim_boxes(o, &mut boxes);
    match &o.code {
        None => boxes.push((
            false,
            "Code references not checked (give --code DIR)".to_string(),
        )),
        Some(refs) => {
            let places: Vec<String> = refs
                .iter()
                .map(|r| format!("{}:{} ({})", r.file, r.line, r.kind.label()))
                .collect();
            let declared: Vec<String> = (refs.iter())
                .filter(|r| r.kind == RefKind::Declaration)
                .map(|r| format!("{} in {}:{}", r.via, r.file, r.line))
                .collect();
            boxes.push(item(
                declared.is_empty(),
                "Not declared by an ORM model in the code",
                &declared,
            ));
            boxes.push(item(places.is_empty(), "No code references it", &places));
        }
    }
    if let Some(c) = &o.calls {
        boxes.push(match c.calls {
            Some(n) => (
                n == 0,
                format!(
                    "Not called since the statistics were reset ({} day(s) ago): {n} call(s)",
                    c.window_seconds / 86_400
                ),
            ),
            None => (
                false,
                "Calls unknown: track_functions is none (set it to pl or all)".to_string(),
            ),
        });
        return boxes_tail(o, boxes);
    }
    if crate::evidence::object::other::is_other(o.kind) {
        return boxes_tail(o, boxes);
    }
    match &o.activity {
        Some(a) => {
            let days = a.window_seconds / 86_400;
            let quiet = a.reads() == 0 && a.writes() == 0;
            boxes.push((
                quiet,
                format!(
                    "No reads or writes since the statistics were reset ({days} day(s) ago): {} scan(s), {} row(s) written",
                    a.reads(),
                    a.writes()
                ),
            ));
        }
        None => boxes.push((
            false,
            "Activity unknown: no table statistics for it".to_string(),
        )),
    }
    boxes.extend(super::investigate_more::markdown_boxes(o));
    boxes.push((
        o.holds.rows == Some(0),
        format!("Holds no rows ({})", rows(o)),
    ));
    boxes_tail(o, boxes)
}

/// The last boxes: the backup and the rollback.
fn boxes_tail(o: &ObjectEvidence, mut boxes: Vec<(bool, String)>) -> Vec<(bool, String)> {
    if crate::evidence::object::other::is_other(o.kind) {
        boxes.push((
            false,
            format!(
                "Definition saved (`pg_dump --schema-only` keeps {})",
                o.object
            ),
        ));
        return boxes;
    }
    let name = &o.object;
    boxes.push((
        false,
        format!("Backup taken (`pg_dump --table={name} --format=custom -f {name}.dump`)"),
    ));
    boxes.push((
        false,
        format!("Rollback ready (`pg_restore -d DATABASE {name}.dump`)"),
    ));
    boxes
}

/// Who claims the object, one line per fact.
fn claims_lines(o: &ObjectEvidence) -> Vec<String> {
    let Some(c) = &o.claims else {
        return vec!["not checked (give --desired SOURCE or --migrations DIR)".to_string()];
    };
    let mut lines = Vec::new();
    for d in &c.declared_by {
        lines.push(match d.differs_from_live.is_empty() {
            true => format!("declared by {} as it is", d.source),
            false => format!(
                "declared by {}, differently: {}",
                d.source,
                cut(&d.differs_from_live)
            ),
        });
    }
    if !c.not_declared_by.is_empty() {
        lines.push(format!("not declared by {}", c.not_declared_by.join(", ")));
    }
    for k in &c.conflicts {
        lines.push(format!(
            "conflict: {} and {} define it differently: {}",
            k.first,
            k.second,
            cut(&k.differences)
        ));
    }
    if let Some(m) = &c.migrations {
        lines.push(migrations_line(m));
    }
    lines
}

fn migrations_line(m: &MigrationClaim) -> String {
    let file = |r: &MigrationRef| match r.path.contains(&r.version) {
        true => r.path.clone(),
        false => format!("{} ({})", r.version, r.path),
    };
    let mut s = match &m.created_by {
        Some(r) => format!("created by migration {}", file(r)),
        None => format!("no migration in {} creates it", m.directory),
    };
    if let Some(r) = m
        .last_altered_by
        .as_ref()
        .filter(|r| Some(*r) != m.created_by.as_ref())
    {
        let _ = write!(s, ", last altered by {}", file(r));
    }
    if let Some(by) = &m.dropped_by {
        let _ = write!(s, ", dropped by {by}");
    }
    s
}

/// The checklist's boxes about desired schemas and migrations.
fn claim_boxes(o: &ObjectEvidence, boxes: &mut Vec<(bool, String)>) {
    let Some(c) = &o.claims else {
        boxes.push((
            false,
            "Desired schemas not checked (give --desired SOURCE or --migrations DIR)".to_string(),
        ));
        return;
    };
    if c.checked() {
        let declared: Vec<String> = c.declared_by.iter().map(|d| d.source.clone()).collect();
        let checked = [declared.clone(), c.not_declared_by.clone()].concat();
        boxes.push(item(
            declared.is_empty(),
            &format!("Not in a desired schema ({} checked)", checked.join(", ")),
            &declared,
        ));
    }
    if c.declared_by.len() > 1 {
        let conflicts: Vec<String> = (c.conflicts.iter())
            .map(|k| {
                format!(
                    "{} and {} differ: {}",
                    k.first,
                    k.second,
                    cut(&k.differences)
                )
            })
            .collect();
        boxes.push(item(
            conflicts.is_empty(),
            "The desired schemas that declare it agree",
            &conflicts,
        ));
    }
    if let Some(m) = &c.migrations {
        let claimed = m.created_by.is_some() && m.dropped_by.is_none();
        boxes.push((
            !claimed,
            format!("Not created by a live migration: {}", migrations_line(m)),
        ));
    }
}

fn item(ok: bool, text: &str, evidence: &[String]) -> (bool, String) {
    match evidence.is_empty() {
        true => (ok, text.to_string()),
        false => (ok, format!("{text}: {}", cut(evidence))),
    }
}

fn tie(t: &Tie) -> String {
    let kind = match t.kind.as_str() {
        "fk_in" => "referenced by",
        "fk_out" => "references",
        k => k,
    };
    match t.detail.is_empty() {
        true => format!("{kind} {}", t.other),
        false => format!("{kind} {} ({})", t.other, t.detail),
    }
}

fn rows(o: &ObjectEvidence) -> String {
    match (o.holds.rows, o.holds.rows_exact) {
        (Some(n), true) => format!("{n} rows, counted"),
        (Some(n), false) => format!("about {n} rows, estimated"),
        (None, _) => "rows unknown".to_string(),
    }
}

fn holds(o: &ObjectEvidence) -> String {
    if crate::evidence::object::other::is_other(o.kind) {
        return "no rows (not a relation)".to_string();
    }
    let h = &o.holds;
    let about = match h.sizes_exact {
        true => "",
        false => "about ",
    };
    format!(
        "{}; {about}{} in all (table {}, indexes {}, TOAST {})",
        rows(o),
        bytes(h.total_bytes),
        bytes(h.table_bytes),
        bytes(h.index_bytes),
        bytes(h.toast_bytes)
    )
}

fn activity(o: &ObjectEvidence) -> String {
    if let Some(c) = &o.calls {
        return match (c.calls, c.total_ms) {
            (Some(n), Some(ms)) => format!(
                "{n} call(s), {ms:.1} ms in all, in {} day(s) of statistics",
                c.window_seconds / 86_400
            ),
            _ => "calls not counted (track_functions is none)".to_string(),
        };
    }
    let Some(a) = &o.activity else {
        return "no table statistics".to_string();
    };
    let mut s = format!(
        "{} sequential and {} index scan(s), {} inserted, {} updated, {} deleted in {} day(s) of statistics",
        a.seq_scan,
        a.idx_scan,
        a.inserted,
        a.updated,
        a.deleted,
        a.window_seconds / 86_400
    );
    for (what, when) in [
        ("last sequential scan", &a.last_seq_scan),
        ("last index scan", &a.last_idx_scan),
        ("last autovacuum", &a.last_autovacuum),
        ("last analyze", &a.last_analyze),
    ] {
        if let Some(when) = when {
            let _ = write!(s, "; {what} {when}");
        }
    }
    s
}

fn code(o: &ObjectEvidence) -> String {
    match &o.code {
        None => "not checked (give --code DIR)".to_string(),
        Some(refs) if refs.is_empty() => "no references".to_string(),
        Some(refs) => {
            let places: Vec<String> = refs
                .iter()
                .map(|r| format!("{}:{} ({})", r.file, r.line, r.kind.label()))
                .collect();
            format!("{} reference(s): {}", refs.len(), cut(&places))
        }
    }
}

fn or_none(s: &str) -> String {
    match s.is_empty() {
        true => "none".to_string(),
        false => s.to_string(),
    }
}

fn cut(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        let _ = write!(s, " and {} more", items.len() - NAMED);
    }
    s
}

/// A size for people: `12 KiB`, `3.4 MiB`.
pub(crate) fn bytes(n: i64) -> String {
    let n = n.max(0) as f64;
    match n {
        n if n >= 1073741824.0 => format!("{:.1} GiB", n / 1073741824.0),
        n if n >= 1048576.0 => format!("{:.1} MiB", n / 1048576.0),
        n if n >= 1024.0 => format!("{:.0} KiB", n / 1024.0),
        n => format!("{n} B"),
    }
}
