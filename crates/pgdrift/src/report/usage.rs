//! The code usage inventory as text (a summary for a terminal) and as Markdown (the
//! per-file inventory teams keep by hand). The JSON form is the inventory itself.

use crate::evidence::code::{FileUsage, Inventory, Missing, TableUsage};
use std::fmt::Write as _;

/// At most this many files or lines are named per entry; the rest are counted.
const NAMED: usize = 5;

/// A summary: what was searched, tables referenced nowhere, names the schema lacks, then
/// each table's references.
pub fn render_text(inv: &Inventory) -> String {
    let mut out = header(inv);
    if inv.schema.is_some() {
        let _ = writeln!(
            out,
            "\n{} table(s) referenced nowhere{}",
            inv.unreferenced.len(),
            if inv.unreferenced.is_empty() {
                "."
            } else {
                ":"
            }
        );
        for t in &inv.unreferenced {
            let _ = writeln!(out, "  {t}");
        }
        let _ = writeln!(
            out,
            "\n{} name(s) used in code as tables that the schema lacks{}",
            inv.missing.len(),
            if inv.missing.is_empty() { "." } else { ":" }
        );
        for m in &inv.missing {
            let _ = writeln!(out, "  {}  {}", m.name, missing_places(m));
        }
        if !inv.unreferenced_columns.is_empty() {
            let _ = writeln!(
                out,
                "\n{} column(s) of tables code uses that no file using the table names:",
                inv.unreferenced_columns.len()
            );
            for c in &inv.unreferenced_columns {
                let _ = writeln!(out, "  {c}");
            }
        }
    }
    let used: Vec<&TableUsage> = inv.tables.iter().filter(|u| u.references > 0).collect();
    let _ = writeln!(out, "\nReferences ({} table(s)):", used.len());
    for u in used {
        let _ = writeln!(out, "  {:<40} {}", u.table, kinds_text(u));
        let _ = writeln!(out, "      {}", cut(&u.files));
    }
    out
}

/// The inventory in Markdown: the summary, then one section per file.
pub fn render_markdown(inv: &Inventory) -> String {
    let mut out = String::from("# Database usage inventory\n\n");
    for line in header(inv).lines() {
        let _ = writeln!(out, "{line}  ");
    }
    if inv.schema.is_some() {
        out.push_str("\n## Tables referenced nowhere\n\n");
        list(&mut out, inv.unreferenced.iter().map(|t| format!("`{t}`")));
        out.push_str("\n## Used in code, missing in the schema\n\n");
        list(
            &mut out,
            (inv.missing.iter()).map(|m| format!("`{}`: {}", m.name, missing_places(m))),
        );
        out.push_str("\n## Columns no file using their table names\n\n");
        list(
            &mut out,
            inv.unreferenced_columns.iter().map(|c| format!("`{c}`")),
        );
    }
    out.push_str("\n## Tables\n\n| table | references | kinds | declared by | files |\n|---|---|---|---|---|\n");
    for u in &inv.tables {
        let declared: Vec<&str> = u.declared_by.iter().copied().collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            u.table,
            u.references,
            kinds_text(u),
            declared.join(", "),
            u.files.len()
        );
    }
    columns_section(&mut out, inv);
    out.push_str("\n## Files\n");
    for f in &inv.files {
        file_section(&mut out, f);
    }
    out
}

/// Each referenced table's columns: in how many of its files each is named, and where first.
fn columns_section(out: &mut String, inv: &Inventory) {
    let with: Vec<&TableUsage> = inv
        .tables
        .iter()
        .filter(|u| !u.columns.is_empty())
        .collect();
    if with.is_empty() {
        return;
    }
    out.push_str("\n## Columns\n\n| column | files | first places |\n|---|---|---|\n");
    for u in with {
        for c in &u.columns {
            let _ = writeln!(
                out,
                "| `{}.{}` | {} | {} |",
                u.table,
                c.column,
                c.files,
                cut(&c.places)
            );
        }
    }
}

fn header(inv: &Inventory) -> String {
    let mut out = format!(
        "Searched {} file(s), {} in {}",
        inv.files_searched,
        bytes(inv.bytes_searched),
        inv.roots.join(", ")
    );
    let s = &inv.skipped;
    if s.binary + s.unreadable + s.too_large > 0 {
        let _ = write!(
            out,
            "; skipped {} binary, {} unreadable, {} too large",
            s.binary, s.unreadable, s.too_large
        );
    }
    match &inv.schema {
        Some(schema) => {
            let _ = write!(out, "\nfor the {} table(s) of {schema}", inv.tables.len());
        }
        None => out.push_str(
            "\nwith no schema given: the tables are the names the code declares or queries",
        ),
    }
    out.push('\n');
    out
}

fn file_section(out: &mut String, f: &FileUsage) {
    let _ = writeln!(out, "\n### `{}`\n", f.file);
    for t in &f.tables {
        let kinds: Vec<&str> = t.kinds.iter().map(|k| k.label()).collect();
        let lines: Vec<String> = t.lines.iter().map(|l| l.to_string()).collect();
        let _ = writeln!(
            out,
            "- `{}`: {} (line {})",
            t.table,
            kinds.join(", "),
            cut(&lines)
        );
    }
}

fn list(out: &mut String, items: impl Iterator<Item = String>) {
    let mut any = false;
    for item in items {
        let _ = writeln!(out, "- {item}");
        any = true;
    }
    if !any {
        out.push_str("None.\n");
    }
}

fn kinds_text(u: &TableUsage) -> String {
    let parts: Vec<String> = (u.kinds.iter())
        .map(|(k, n)| format!("{n} {}", k.label()))
        .collect();
    match parts.is_empty() {
        true => "no reference".to_string(),
        false => parts.join(", "),
    }
}

fn missing_places(m: &Missing) -> String {
    let places: Vec<String> = (m.references.iter())
        .map(|r| format!("{}:{} ({})", r.file, r.line, r.kind.label()))
        .collect();
    cut(&places)
}

/// The first few items, and how many more.
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

fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}
