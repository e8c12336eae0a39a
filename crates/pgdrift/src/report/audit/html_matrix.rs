//! The drift matrix of the HTML report: a legend, then `<table id="drift-matrix">` with one
//! row per object and one column per desired schema and database; each cell carries
//! `data-cell="<kind>"` and a coloured square with the kind's symbol. The header row and the
//! object column stick while the container scrolls both ways. Past [`MAX_DB_COLUMNS`]
//! database columns, the rest are left out and counted.

use super::html::{escape, Anchors};
use super::{cell_info, plural, CELLS};
use crate::fleet::audit::{AuditReport, Cell, DriftMatrix, MatrixColumn};
use std::fmt::Write as _;

/// Database columns drawn at most; desired-schema columns are always drawn.
pub(crate) const MAX_DB_COLUMNS: usize = 200;

/// The indexes of the columns to draw: every desired schema, then the first databases.
fn shown_columns(columns: &[MatrixColumn]) -> (Vec<usize>, usize) {
    let mut shown = Vec::new();
    let mut databases = 0;
    let mut left_out = 0;
    for (i, c) in columns.iter().enumerate() {
        if c.kind != "database" {
            shown.push(i);
        } else if databases < MAX_DB_COLUMNS {
            databases += 1;
            shown.push(i);
        } else {
            left_out += 1;
        }
    }
    (shown, left_out)
}

/// The matrix section.
pub(super) fn matrix(out: &mut String, report: &AuditReport, anchors: &Anchors<'_>) {
    let m = &report.matrix;
    out.push_str("<section id=\"drift\">\n<h2>Drift matrix</h2>\n");
    legend(out);
    let (shown, left_out) = shown_columns(&m.columns);
    notes(out, m, left_out);
    if m.rows.is_empty() {
        out.push_str("<p class=\"muted\">No objects to show.</p>\n</section>\n");
        return;
    }
    out.push_str("<div class=\"matrix-wrap\">\n<table id=\"drift-matrix\">\n<thead><tr><th class=\"object\">object</th>");
    for &i in &shown {
        column_header(out, &m.columns[i], anchors);
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &m.rows {
        let _ = write!(out, "<tr><th class=\"object\">{}</th>", escape(&row.object));
        for &i in &shown {
            let cell = row.cells.get(i).copied().unwrap_or(Cell::Unknown);
            let desired = m.columns[i].kind != "database";
            cell_html(out, cell, desired, &m.columns[i].label, &row.object);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// What the matrix leaves out: database columns past the cap, objects in agreement.
fn notes(out: &mut String, m: &DriftMatrix, left_out: usize) {
    let mut list = Vec::new();
    if left_out > 0 {
        list.push(format!(
            "Showing the first {MAX_DB_COLUMNS} database columns; {} left out (the JSON report has them all).",
            plural(left_out, "database")
        ));
    }
    if m.rows_in_agreement > 0 {
        list.push(format!(
            "{} left out: every database has them as desired.",
            plural(m.rows_in_agreement, "object")
        ));
    }
    for note in list {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&note));
    }
}

fn legend(out: &mut String) {
    out.push_str("<ul class=\"legend\">");
    for (_, name, symbol, meaning) in CELLS {
        let _ = write!(
            out,
            "<li data-cell=\"{name}\"><span class=\"sq\">{}</span> <b>{name}</b> {}</li>",
            escape(symbol),
            escape(meaning)
        );
    }
    out.push_str("</ul>\n");
}

fn column_header(out: &mut String, c: &MatrixColumn, anchors: &Anchors<'_>) {
    let label = escape(&c.label);
    let role = c
        .role
        .as_deref()
        .map(|r| format!(" (role {r})"))
        .unwrap_or_default();
    let inner = match c.label.split_once('/') {
        Some((server, name)) if c.kind == "database" => match anchors.of(server, name) {
            Some(id) => format!("<a href=\"#{id}\">{label}</a>"),
            None => label.clone(),
        },
        _ => label.clone(),
    };
    let _ = write!(
        out,
        "<th class=\"col {}\" data-kind=\"{}\" title=\"{}\"><span>{inner}</span></th>",
        if c.kind == "database" {
            "database"
        } else {
            "desired"
        },
        escape(c.kind),
        escape(&format!("{}{role}", c.label))
    );
}

/// One cell; deviations get a tooltip naming the column and object.
fn cell_html(out: &mut String, cell: Cell, desired: bool, column: &str, object: &str) {
    let (name, symbol) = cell_info(cell);
    let class = if desired { " class=\"desired\"" } else { "" };
    let title = match cell {
        Cell::Missing | Cell::Differs | Cell::Extra | Cell::Leaked => {
            format!(
                " title=\"{}\"",
                escape(&format!("{column} · {object}: {name}"))
            )
        }
        _ => String::new(),
    };
    let _ = write!(
        out,
        "<td data-cell=\"{name}\"{class}{title}><span class=\"sq\">{symbol}</span></td>"
    );
}
