//! The fleet form of `investigate` as text (a block per relation, a line per database) and
//! as Markdown (one checklist per relation, its per-database evidence below). The JSON form
//! is the [`FleetInvestigation`] itself.

use crate::evidence::claims::Claims;
use crate::evidence::object::fleet::{DatabaseLine, FleetInvestigation, FleetObject};
use crate::evidence::object::VerdictState;
use std::fmt::Write as _;

pub fn render_fleet_text(f: &FleetInvestigation) -> String {
    let mut out = header(f);
    for o in &f.objects {
        let _ = writeln!(
            out,
            "\n{}  ({}): {}",
            o.object,
            o.kind,
            o.verdict.state.label()
        );
        let _ = writeln!(out, "  present   {}", presence(o));
        let _ = writeln!(out, "  holds     {}", rows(o));
        let _ = writeln!(out, "  activity  {}", activity(o));
        if let Some(c) = &o.claims {
            let _ = writeln!(out, "  roles     {}", roles(c));
        }
        for r in &o.verdict.reasons {
            let _ = writeln!(out, "  reason    {r}");
        }
        for m in &o.verdict.missing {
            let _ = writeln!(out, "  missing   {m}");
        }
        for l in &o.per_database {
            let _ = writeln!(out, "  {:<9} {}", l.database, line(l));
        }
    }
    for p in &f.not_found {
        let _ = writeln!(out, "\nno relation matches {p} in any database read");
    }
    out
}

pub fn render_fleet_markdown(f: &FleetInvestigation) -> String {
    let mut out = format!("# Evidence across the fleet\n\n{}", header(f));
    for o in &f.objects {
        let _ = writeln!(
            out,
            "\n## `{}` ({}): {}\n",
            o.object,
            o.kind,
            o.verdict.state.label()
        );
        let _ = writeln!(out, "Present in {}.\n", presence(o));
        for (ok, text) in checklist(f, o) {
            let _ = writeln!(out, "- [{}] {text}", if ok { "x" } else { " " });
        }
        let _ = writeln!(out, "\n### Per database\n");
        for l in &o.per_database {
            let quiet = l.verdict != VerdictState::InUse;
            let _ = writeln!(
                out,
                "- [{}] `{}`: {}",
                if quiet { "x" } else { " " },
                l.database,
                line(l)
            );
        }
        for m in &o.verdict.missing {
            let _ = writeln!(out, "\n> Missing evidence: {m}.");
        }
    }
    for p in &f.not_found {
        let _ = writeln!(out, "\nNo relation matches `{p}` in any database read.");
    }
    out
}

/// Which databases were read, and which could not be.
fn header(f: &FleetInvestigation) -> String {
    let read = f.databases.iter().filter(|d| d.error.is_none()).count();
    let mut out = format!("{read} of {} database(s) read\n", f.databases.len());
    for d in f.databases.iter().filter(|d| d.error.is_some()) {
        let _ = writeln!(
            out,
            "could not read {} ({}): {}",
            d.name,
            d.target,
            d.error.as_deref().unwrap_or("")
        );
    }
    for s in &f.unreachable_servers {
        let _ = writeln!(
            out,
            "could not list the databases of server {}: {}",
            s.server, s.error
        );
    }
    out
}

fn checklist(f: &FleetInvestigation, o: &FleetObject) -> Vec<(bool, String)> {
    let in_use: Vec<&str> = (o.per_database.iter())
        .filter(|l| l.verdict == VerdictState::InUse)
        .map(|l| l.database.as_str())
        .collect();
    let unread: Vec<&str> = (f.databases.iter())
        .filter(|d| d.error.is_some())
        .map(|d| d.name.as_str())
        .chain(f.unreachable_servers.iter().map(|s| s.server.as_str()))
        .collect();
    let a = &o.activity;
    let reads = a.seq_scan + a.idx_scan;
    let writes = a.inserted + a.updated + a.deleted;
    let calls = o.statement_calls;
    vec![
        item("In use in no database: in use in", &in_use),
        item("Every database read: could not read", &unread),
        (
            o.rows == 0 && o.rows_unknown_in.is_empty(),
            format!("Holds no rows ({})", rows(o)),
        ),
        (
            reads == 0 && writes == 0,
            format!("No reads or writes in any database: {reads} scan(s), {writes} row(s) written"),
        ),
        (
            calls == 0,
            format!("No statement calls it: {calls} call(s) in pg_stat_statements"),
        ),
        (false, "Backup taken in every database that has it".into()),
    ]
    .into_iter()
    .chain(o.claims.as_ref().map(|c| {
        (
            c.declared_by.is_empty(),
            format!("Declared by no role: {}", roles(c)),
        )
    }))
    .collect()
}

/// Which roles declare the object, which do not, and where they disagree.
fn roles(c: &Claims) -> String {
    let declared: Vec<&str> = c.declared_by.iter().map(|d| d.source.as_str()).collect();
    let mut s = match declared.is_empty() {
        true => "declared by no role".to_string(),
        false => format!("declared by role {}", declared.join(", ")),
    };
    if !c.not_declared_by.is_empty() {
        let _ = write!(s, "; not by {}", c.not_declared_by.join(", "));
    }
    for k in &c.conflicts {
        let _ = write!(
            s,
            "; roles {} and {} define it differently ({})",
            k.first,
            k.second,
            k.differences.join(", ")
        );
    }
    s
}

/// A box ticked when `against` is empty; else unticked, naming them after the colon.
fn item(text: &str, against: &[&str]) -> (bool, String) {
    match against.is_empty() {
        true => (true, text.split(':').next().unwrap_or(text).to_string()),
        false => (false, format!("{text} {}", against.join(", "))),
    }
}

fn presence(o: &FleetObject) -> String {
    let mut s = format!(
        "{} database(s): {}",
        o.present_in.len(),
        o.present_in.join(", ")
    );
    if !o.absent_in.is_empty() {
        let _ = write!(s, "; absent in {}", o.absent_in.join(", "));
    }
    s
}

fn rows(o: &FleetObject) -> String {
    let mut s = match o.rows_exact {
        true => format!("{} row(s) in all, counted", o.rows),
        false => format!("about {} row(s) in all, partly estimated", o.rows),
    };
    if !o.rows_unknown_in.is_empty() {
        let _ = write!(s, "; unknown in {}", o.rows_unknown_in.join(", "));
    }
    s
}

fn activity(o: &FleetObject) -> String {
    let a = &o.activity;
    format!(
        "{} sequential and {} index scan(s), {} inserted, {} updated, {} deleted; {} statement call(s)",
        a.seq_scan, a.idx_scan, a.inserted, a.updated, a.deleted, o.statement_calls
    )
}

fn line(l: &DatabaseLine) -> String {
    let rows = match (l.rows, l.rows_exact) {
        (Some(n), true) => format!("{n} row(s)"),
        (Some(n), false) => format!("about {n} row(s)"),
        (None, _) => "rows unknown".to_string(),
    };
    format!(
        "{}: {rows}, {} scan(s), {} row(s) written; {}",
        l.verdict.label(),
        l.reads,
        l.writes,
        l.reasons.join("; ")
    )
}
