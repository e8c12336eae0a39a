//! Tests of the audit renderers on the sample report: order, escaping, caps, colours, and an
//! HTML page that fetches nothing.

use super::sample::{sample_report, PIPE_OBJECT, SCRIPT_OBJECT};
use super::*;
use crate::fleet::audit::{MatrixColumn, MatrixRow};

/// The database lines of the text summary, as `server/name`.
fn text_database_order(text: &str) -> Vec<String> {
    text.split("Databases, worst first\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn text_lists_databases_worst_first_even_from_unsorted_input() {
    let mut report = sample_report();
    let expected = [
        "prod/tenant_2",
        "prod/tenant_1",
        "prod/tenant_3",
        "prod/master",
    ];
    assert_eq!(text_database_order(&render_text(&report, false)), expected);
    report.databases.reverse();
    assert_eq!(text_database_order(&render_text(&report, false)), expected);
    let md = render_markdown(&report);
    let at = |s: &str| md.find(&format!("| prod/{s} |")).unwrap();
    assert!(at("tenant_2") < at("tenant_1") && at("tenant_3") < at("master"));
}

#[test]
fn text_has_servers_sizes_tools_and_totals() {
    let text = render_text(&sample_report(), false);
    assert!(
        text.contains("✓ prod     production  PostgreSQL 16.4 · 4 databases"),
        "{text}"
    );
    assert!(text.contains("✗ staging  staging     connecting to postgres://audit:***@staging"));
    assert!(
        text.contains("✗ prod/tenant_2  tenant  3.0 GB  –"),
        "{text}"
    );
    assert!(text.contains("48 MB  pgdrift"), "{text}");
    assert!(text.contains("not read: permission denied for database tenant_3"));
    assert!(text.contains("  ✗ PA023 table public.plans belongs to role master"));
    assert!(text.contains("      fix: pgdrift diff 'postgres://audit:***@prod.internal/tenant_2'"));
    assert!(text.contains(&format!(
        "  ! PA021 {SCRIPT_OBJECT}: a table no desired schema has"
    )));
    assert!(text.ends_with(
        "2 servers (1 unreachable) · 4 databases · 12 findings: 5 errors, 6 warnings, 1 info\n"
    ));
    assert!(!text.contains("more, see"));
}

#[test]
fn colours_only_when_asked() {
    let report = sample_report();
    let plain = render_text(&report, false);
    assert!(!plain.contains('\x1b'));
    let coloured = render_text(&report, true);
    assert!(coloured.contains("\x1b[31m✗\x1b[0m"));
    assert!(coloured.contains("\x1b[33m!\x1b[0m"));
    assert!(coloured.contains("\x1b[2mfix: "));
    assert!(!render_markdown(&report).contains('\x1b'));
    assert!(!render_html(&report).contains('\x1b'));
}

#[test]
fn text_caps_finding_lines_for_huge_fleets() {
    let mut report = sample_report();
    let leak = report
        .findings
        .iter()
        .find(|f| f.code == "PA023")
        .unwrap()
        .clone();
    report.findings.extend(std::iter::repeat_n(leak, 100));
    let text = render_text(&report, false);
    let lines = text
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(" PA0"))
        .count();
    assert_eq!(lines, text::MAX_FINDINGS);
    assert!(text.contains(&format!(
        "… {} more, see --format json or --html\n",
        112 - 50
    )));
}

#[test]
fn text_caps_database_lines() {
    let mut report = sample_report();
    let clean = report.databases[3].clone();
    for i in 0..150 {
        let mut d = clean.clone();
        d.name = format!("extra_{i:03}");
        (d.errors, d.warnings, d.infos) = (0, 0, 0);
        report.databases.push(d);
    }
    let text = render_text(&report, false);
    let listed = text_database_order(&text);
    assert_eq!(listed.len(), text::MAX_DATABASES + 1);
    assert_eq!(
        listed.last().unwrap(),
        "54",
        "the last line counts the rest: {text}"
    );
    assert!(text.contains(
        "  … 54 more databases (0 with errors, 0 with warnings), see --format json or --html\n"
    ));
}

#[test]
fn html_escapes_everything_from_the_data() {
    let html = render_html(&sample_report());
    assert!(!html.contains("<script"));
    assert!(html.contains("table public.&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("view public.`a|b`"));
    assert_eq!(
        escape("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
}

#[test]
fn html_fetches_nothing() {
    let html = render_html(&sample_report());
    for bad in [
        "http://", "https://", "src=", "url(", "@import", "<link", "<img", "<iframe",
    ] {
        assert!(!html.contains(bad), "the page holds {bad}");
    }
    for (i, _) in html.match_indices("href=\"") {
        assert!(html[i + 6..].starts_with('#'), "{}", &html[i..i + 40]);
    }
}

#[test]
fn html_matrix_has_every_cell_kind() {
    let report = sample_report();
    let html = render_html(&report);
    let table = html.split("id=\"drift-matrix\"").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    assert_eq!(table.matches("<td data-cell=").count(), 8 * 6);
    assert_eq!(table.matches("<th class=\"col ").count(), 6);
    for (_, name, _, _) in CELLS {
        assert!(
            table.contains(&format!("<td data-cell=\"{name}\"")),
            "no {name} cell"
        );
    }
    assert!(table.contains("<a href=\"#db-1\">prod/tenant_1</a>"));
    assert!(html.contains("<details class=\"db\" id=\"db-2\" open>"));
}

/// A report whose matrix has `n` database columns and one row.
fn wide(n: usize) -> AuditReport {
    let mut report = sample_report();
    let column = |i: usize| MatrixColumn {
        label: format!("prod/t{i}"),
        kind: "database",
        role: None,
    };
    report.matrix.columns = (0..n).map(column).collect();
    report.matrix.rows = vec![MatrixRow {
        object: "table public.x".into(),
        cells: vec![Cell::Missing; n],
    }];
    report
}

#[test]
fn wide_matrices_are_cut() {
    let html = render_html(&wide(250));
    assert_eq!(
        html.matches("<td data-cell=").count(),
        html_matrix::MAX_DB_COLUMNS
    );
    assert!(html.contains("Showing the first 200 database columns; 50 databases left out"));
    assert!(!render_html(&wide(200)).contains("left out"));
    assert!(render_markdown(&wide(12)).contains("| table public.x | − |"));
    assert!(render_markdown(&wide(13)).contains("too wide for a table here"));
}

/// The `|` of a Markdown line that end or start cells.
fn unescaped_pipes(line: &str) -> usize {
    line.match_indices('|')
        .filter(|(i, _)| !line[..*i].ends_with('\\'))
        .count()
}

#[test]
fn markdown_escapes_markup_pipes_and_backticks() {
    let md = render_markdown(&sample_report());
    assert!(!md.contains("<script"));
    assert!(md.contains("table public.&lt;script&gt;alert('x')&lt;/script&gt;"));
    let pipe = md.lines().find(|l| l.contains("\\|b")).unwrap();
    assert!(pipe.contains("view public.\\`a\\|b\\`"), "{pipe}");
    let header = md.lines().find(|l| l.starts_with("| | code |")).unwrap();
    let rows = md
        .lines()
        .skip_while(|l| *l != header)
        .take_while(|l| l.starts_with('|'));
    for row in rows {
        assert_eq!(unescaped_pipes(row), 7, "{row}");
    }
    assert!(md.contains(&format!("| {} | ", markdown::md_text(PIPE_OBJECT))));
    assert!(
        md.contains("| table public.plans | ✓ | · | ↯ | · | ? | ✓ |"),
        "{md}"
    );
    assert_eq!(markdown::md_code("a`b"), "``a`b``");
    assert_eq!(markdown::md_code("`x|y"), "`` `x\\|y ``");
    assert_eq!(markdown::md_text("_x_ a_b"), "\\_x\\_ a_b");
}

#[test]
fn json_is_the_report() {
    let json = render_json(&sample_report());
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["databases"].as_array().unwrap().len(), 4);
    assert_eq!(json["matrix"]["rows"][5]["cells"][2], "leaked");
    assert_eq!(json["findings"][0]["severity"], "error");
}

#[test]
fn sizes_read_like_pg_size_pretty() {
    assert_eq!(human_size(None), "–");
    assert_eq!(human_size(Some(512)), "512 B");
    assert_eq!(human_size(Some(8300)), "8.1 kB");
    assert_eq!(human_size(Some(48 << 20)), "48 MB");
    assert_eq!(human_size(Some(3 << 30)), "3.0 GB");
}

#[test]
fn a_fleet_of_a_thousand_databases_stays_readable() {
    let mut report = wide(1000);
    let template = report.databases[0].clone();
    let finding = report.findings[1].clone();
    for i in 0..1000 {
        let mut d = template.clone();
        d.name = format!("t{i}");
        report.databases.push(d);
        let mut f = finding.clone();
        f.database = Some(format!("t{i}"));
        report.findings.push(f);
    }
    let text = render_text(&report, false);
    assert!(text.lines().count() < 3 * text::MAX_FINDINGS + text::MAX_DATABASES + 20);
    let html = render_html(&report);
    assert_eq!(
        html.matches("<td data-cell=").count(),
        html_matrix::MAX_DB_COLUMNS
    );
    assert!(html.contains("800 databases left out"));
    assert_eq!(html.matches("<details class=\"db\"").count(), 1004);
    assert!(!html.contains("<details class=\"db\" id=\"db-9\" open>"));
}

#[test]
fn docs_links_are_shown_escaped_and_only_when_set() {
    let plain = sample_report();
    assert!(!render_html(&plain).contains("class=\"docs\""));
    assert!(!render_markdown(&plain).contains("docs"));
    assert!(render_json(&plain)["databases"][0].get("docs").is_none());
    let mut report = sample_report();
    report.databases[0].docs = Some("docs/a b\"<x>/README.md".into());
    report.databases[1].docs = Some("javascript:alert(1)".into());
    report.databases[2].docs = Some("https://wiki.example/db?name=x|y".into());
    let name = report.databases[0].name.clone();
    let html = render_html(&report);
    let link = "<a class=\"docs\" href=\"docs/a b&quot;&lt;x&gt;/README.md\">Docs</a>";
    assert_eq!(html.matches(link).count(), 2, "inventory and section");
    assert!(html.contains("<th>docs</th>"));
    assert!(!html.contains("javascript:"));
    let summary = html
        .lines()
        .find(|l| l.contains("<summary>") && l.contains(&name));
    assert!(summary.is_some_and(|l| l.contains(link)), "{summary:?}");
    let md = render_markdown(&report);
    assert!(
        md.contains("| [docs](docs/a%20b%22%3Cx%3E/README.md) |"),
        "{md}"
    );
    assert!(md.contains("[docs](https://wiki.example/db?name=x%7Cy)"));
    assert!(!md.contains("javascript"));
    let header = md
        .lines()
        .find(|l| l.starts_with("| | database |"))
        .unwrap();
    let rows = md
        .lines()
        .skip_while(|l| *l != header)
        .take_while(|l| l.starts_with('|'));
    for row in rows {
        assert_eq!(unescaped_pipes(row), 11, "{row}");
    }
    assert_eq!(
        render_json(&report)["databases"][2]["docs"],
        "https://wiki.example/db?name=x|y"
    );
}
