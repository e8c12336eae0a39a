//! The HTML audit report in a real browser: the sample report is written to a file, opened in
//! headless Chromium, and the DOM Chromium built is checked (the drift matrix's rows, columns
//! and `data-cell` values; the hostile object name stayed text), then a screenshot is taken.
//! Without Chromium the test is skipped, except in CI (`CI` set), where it fails.

#![allow(clippy::print_stderr)]

use pgdrift::report::audit::{render_html, sample_report};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome"];

/// How long one Chromium run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(60);

fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    BROWSERS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs the browser headless on `page` with `args` (its profile and log in `dir`); its
/// standard output. A failure shows the end of the browser's log.
fn run_browser(browser: &Path, dir: &Path, page: &Path, args: &[&str]) -> String {
    let log = dir.join("chromium.log");
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("the browser's log"))
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", browser.display()));
    wait_for(child).unwrap_or_else(|e| {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!("{} {args:?}: {e}\n{}", browser.display(), tail.join("\n"))
    })
}

/// The standard output of `child` once it exits successfully; killed after [`TIMEOUT`].
fn wait_for(mut child: Child) -> Result<String, String> {
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).map(|_| out)
    });
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) if status.success() => break,
            Some(status) => return Err(format!("failed: {status}")),
            None if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("took more than {TIMEOUT:?}, killed"));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let out = reader
        .join()
        .map_err(|_| "the reader panicked".to_string())?;
    out.map_err(|e| format!("reading its output: {e}"))
}

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
    let dom = run_browser(&browser, dir.path(), &page, &["--dump-dom"]);
    check_dom(&dom, &report);
    let shot = dir.path().join("audit.png");
    let arg = format!("--screenshot={}", shot.display());
    run_browser(
        &browser,
        dir.path(),
        &page,
        &[&arg, "--window-size=1400,1000"],
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
