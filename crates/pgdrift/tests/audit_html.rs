//! The HTML audit report in a real browser: the sample report is written to a file, opened in
//! headless Chromium, and the DOM Chromium built is checked (the drift matrix's rows, columns
//! and `data-cell` values; the hostile object name stayed text), then a screenshot is taken.
//! Without Chromium the test is skipped, except in CI (`CI` set), where it fails.

#![allow(clippy::print_stderr)]

use pgdrift::report::audit::{render_html, sample_report};
use std::path::Path;
use std::time::Instant;

#[path = "common/browser.rs"]
mod browser;

use browser::{find_browser, BROWSERS};

/// The part of `text` from `start` up to the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the DOM"))
        + start.len();
    let len = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end} after {start}"));
    &text[from..from + len]
}

/// The `data-cell` values of one serialized table row, in order.
fn data_cells(row: &str) -> Vec<&str> {
    row.split("data-cell=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').expect("a closing quote")])
        .collect()
}

#[test]
fn the_html_report_renders_in_chromium() {
    let Some(browser) = find_browser() else {
        if std::env::var_os("CI").is_some() {
            panic!("no Chromium found ({BROWSERS:?}): install Debian's chromium package (apt-get install -y chromium)");
        }
        eprintln!("skipping: no Chromium found ({BROWSERS:?}); apt-get install -y chromium");
        return;
    };
    let report = sample_report();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let page = dir.path().join("audit.html");
    std::fs::write(&page, render_html(&report)).expect("writing the page");
    let started = Instant::now();
    let target = format!("file://{}", page.display());
    let dom = browser::run(&browser, dir.path(), &["--dump-dom"], &target);
    check_dom(&dom, &report);
    let shot = dir.path().join("audit.png");
    let arg = format!("--screenshot={}", shot.display());
    browser::run(
        &browser,
        dir.path(),
        &[&arg, "--window-size=1400,1000"],
        &target,
    );
    check_png(&shot);
    eprintln!("Chromium: DOM and screenshot in {:?}", started.elapsed());
}

fn check_dom(dom: &str, report: &pgdrift::fleet::audit::AuditReport) {
    let matrix = &report.matrix;
    assert!(
        !dom.contains("<script"),
        "a script element made it into the DOM"
    );
    let table = between(dom, "<table id=\"drift-matrix\">", "</table>");
    let head = between(table, "<thead>", "</thead>");
    assert_eq!(
        head.matches("<th").count(),
        matrix.columns.len() + 1,
        "{head}"
    );
    let body = between(table, "<tbody>", "</tbody>");
    check_rows(body, matrix);
    assert_eq!(
        data_cells(body).iter().filter(|c| **c == "missing").count(),
        1
    );
    assert_eq!(
        data_cells(body).iter().filter(|c| **c == "leaked").count(),
        2
    );
    assert!(body.contains("table public.&lt;script&gt;alert('x')&lt;/script&gt;</th>"));
    for id in ["inventory", "drift", "databases", "findings"] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\">")),
            "no section {id}"
        );
    }
}

/// Each body row of the matrix holds the cells of the report's row, in column order.
fn check_rows(body: &str, matrix: &pgdrift::fleet::audit::DriftMatrix) {
    let rows: Vec<&str> = body.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), matrix.rows.len(), "{body}");
    for (html_row, row) in rows.iter().zip(&matrix.rows) {
        let expected: Vec<String> = row
            .cells
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(data_cells(html_row), expected, "row {}", row.object);
    }
}

fn check_png(path: &Path) {
    let bytes = std::fs::read(path).expect("the screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "a {}-byte screenshot is blank",
        bytes.len()
    );
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1400, 1000));
}
