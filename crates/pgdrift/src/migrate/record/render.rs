//! A [`Recording`] as people read it: the table (and the statements that create it, when it
//! is new), what is replaced, then one line per row under the column names.

use super::Recording;
use comfy_table::{presets, Cell, Table};
use std::fmt::Write as _;

/// Long values (checksums) are cut to this many characters, with `…`.
const WIDTH: usize = 20;

fn short(s: &str) -> String {
    if s.chars().count() <= WIDTH {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(WIDTH - 1).collect::<String>())
    }
}

/// The rows of `recording` as a text table, indented by two spaces.
pub fn render_text(recording: &Recording) -> String {
    let mut out = String::new();
    let tool = recording.tool_name;
    match &recording.create {
        Some(create) => {
            let _ = writeln!(out, "{tool}: {} is created:", recording.table);
            for line in create.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        None => {
            let _ = writeln!(out, "{tool}: {}", recording.table);
        }
    }
    if !recording.replaces.is_empty() {
        let _ = writeln!(out, "  replacing: {}", recording.replaces.join(", "));
    }
    if !recording.already.is_empty() {
        let _ = writeln!(
            out,
            "  recorded already: {} file(s), up to {}",
            recording.already.len(),
            recording.already.last().map_or("", String::as_str)
        );
    }
    if recording.rows.is_empty() {
        let _ = writeln!(out, "  no rows to write");
        return out;
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.force_no_tty();
    let mut header = vec![Cell::new("file")];
    header.extend(recording.columns.iter().map(Cell::new));
    table.set_header(header);
    for row in &recording.rows {
        let mut cells = vec![Cell::new(&row.file)];
        cells.extend(row.values.iter().map(|v| Cell::new(short(&v.display()))));
        table.add_row(cells);
    }
    for line in table.to_string().lines() {
        let _ = writeln!(out, "  {}", line.trim_end());
    }
    out
}
