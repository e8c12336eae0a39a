//! The Markdown, SARIF and GitHub renderings of hand-built lint reports: snapshots, escaping
//! of odd text (newlines, `%`, `:` and `,`, pipes, backticks, HTML), masking, and the caps.

use super::*;
use crate::lint::{LintReport, Skipped};
use crate::report::finding::{fingerprint, Finding, Location, ObjectRef, Severity};

const PASSWORD: &str = "s3cret";

fn finding(code: &'static str, severity: Severity, message: &str) -> Finding {
    let rule = crate::lint::rules::find(code).expect("a rule of the table");
    Finding {
        code: rule.code,
        slug: rule.slug,
        severity,
        object: None,
        message: message.to_string(),
        fix: None,
        location: Location::default(),
        fingerprint: fingerprint(&[code, message]),
    }
}

fn object(kind: &'static str, name: &str) -> Option<ObjectRef> {
    Some(ObjectRef {
        kind,
        name: name.to_string(),
    })
}

/// One finding of each kind of place: a migration's statement (file and line, no object), an
/// object created by a migration (both), a live database's object, an object alone.
pub(crate) fn sample() -> LintReport {
    let mut migration = finding(
        "PL201",
        Severity::Error,
        "ALTER TABLE | rewrites: 100% of\nrows, copy from postgres://app:s3cret@db.internal/app",
    );
    migration.location.file = Some("db/migrations/0002 add,col:x.sql".into());
    migration.location.line = Some(12);
    migration.fix = Some("SET lock_timeout = '5s'; -- `then` | retry".into());
    let mut created = finding("PL101", Severity::Warning, "table public.orders has no key");
    created.object = object("table", "public.orders");
    created.location.file = Some("./db/migrations/0001_init.sql".into());
    created.location.line = Some(3);
    created.fix = Some("ALTER TABLE public.orders ADD PRIMARY KEY (id);".into());
    let mut live = finding(
        "PL204",
        Severity::Info,
        "index <b>x_idx</b> is *unused*, 0 scans",
    );
    live.object = object("index", "public.x_idx");
    live.location.database = Some("app".into());
    live.fix = Some("DROP INDEX CONCURRENTLY public.x_idx;".into());
    let mut alone = finding(
        "PL505",
        Severity::Warning,
        "key public.t.id: integer, 70% used",
    );
    alone.object = object("column", "public.t.id");
    let mut findings = vec![live, alone, created, migration];
    Finding::sort(&mut findings);
    LintReport {
        format_version: crate::lint::FORMAT_VERSION,
        source: "db/migrations".into(),
        server_version: None,
        findings,
        skipped: vec![
            skipped("PL204", "statistics rules run only on a live database"),
            skipped("PL401", "statistics rules run only on a live database"),
        ],
        rules_run: 31,
        new_files: None,
    }
}

fn skipped(code: &'static str, reason: &str) -> Skipped {
    let rule = crate::lint::rules::find(code).expect("a rule of the table");
    Skipped {
        code: rule.code,
        slug: rule.slug,
        reason: reason.into(),
    }
}

/// A report of `n` findings of `severity` each, on files.
fn many(counts: &[(Severity, usize)], message_len: usize) -> LintReport {
    let mut report = sample();
    report.findings.clear();
    for (severity, n) in counts {
        for i in 0..*n {
            let mut f = finding(
                "PL101",
                *severity,
                &format!("{i} {}", "m".repeat(message_len)),
            );
            f.location.file = Some(format!("db/{}_{i:03}.sql", severity.as_str()));
            f.location.line = Some(i + 1);
            report.findings.push(f);
        }
    }
    Finding::sort(&mut report.findings);
    report
}

#[test]
fn markdown_is_a_comment_with_a_marker_a_headline_and_a_table() {
    let md = render_markdown(&sample());
    assert!(md.starts_with("<!-- pgdrift-lint -->\n**pgdrift lint** ✗ 1 error, 2 warnings, 1 info"));
    assert!(!md.contains(PASSWORD), "{md}");
    insta::assert_snapshot!(md.replace(crate::VERSION, "VERSION"));
}

#[test]
fn markdown_rows_keep_their_cells_whatever_the_text() {
    let md = render_markdown(&sample());
    for line in md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| severity"))
    {
        // Six cell borders: the pipes not escaped by a backslash.
        let borders = line
            .match_indices('|')
            .filter(|(i, _)| !line[..*i].ends_with('\\'));
        assert_eq!(borders.count(), 6, "{line}");
        assert!(!line.contains("<b>"), "HTML left raw: {line}");
    }
}

#[test]
fn markdown_is_capped_in_rows_and_in_characters() {
    let md = render_markdown(&many(&[(Severity::Warning, 150)], 10));
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| ! warning")).count(),
        MAX_ROWS
    );
    assert!(md.contains("… and 50 more findings"), "{md}");
    let md = render_markdown(&many(&[(Severity::Warning, 100)], 2_000));
    assert!(
        md.chars().count() < 65_536,
        "{} characters",
        md.chars().count()
    );
    let rows = md.lines().filter(|l| l.starts_with("| ! warning")).count();
    assert!((20..100).contains(&rows), "{rows} rows");
    assert!(md.contains(&format!("… and {} more findings", 100 - rows)));
}

#[test]
fn markdown_of_a_clean_report_says_so() {
    let mut report = sample();
    report.findings.clear();
    report.skipped.clear();
    let md = render_markdown(&report);
    assert!(
        md.contains("**pgdrift lint** ✓ no findings in `db/migrations` (31 rules)"),
        "{md}"
    );
    assert!(!md.contains("| severity"));
}

#[test]
fn sarif_results_place_every_kind_of_finding() {
    let sarif = render_sarif(&sample());
    let text = sarif.to_string();
    assert!(!text.contains(PASSWORD), "{text}");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["$schema"], SARIF_SCHEMA);
    insta::assert_json_snapshot!(sarif["runs"][0]["results"]);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    for r in results {
        let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(uri.as_str().is_some_and(|u| !u.is_empty()), "{r}");
    }
}

#[test]
fn sarif_lists_every_rule_and_points_results_at_theirs() {
    let sarif = render_sarif(&sample());
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "pgdrift");
    assert_eq!(driver["version"], crate::VERSION);
    assert_eq!(
        driver["informationUri"],
        "https://github.com/pgdrift/pgdrift"
    );
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), RULES.len());
    for (rule, info) in rules.iter().zip(RULES) {
        assert_eq!(rule["id"], info.code);
        assert_eq!(rule["name"], info.slug);
        assert_eq!(rule["shortDescription"]["text"], info.summary);
        assert_eq!(rule["help"]["text"], info.doc);
        assert_eq!(rule["defaultConfiguration"]["level"], level(info.severity));
        assert_eq!(rule["defaultConfiguration"]["enabled"], info.on_by_default);
    }
    for r in sarif["runs"][0]["results"].as_array().expect("results") {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_levels_and_uris() {
    assert_eq!(level(Severity::Info), "note");
    assert_eq!(level(Severity::Warning), "warning");
    assert_eq!(level(Severity::Error), "error");
    assert_eq!(uri("./db/a b,c:d%.sql"), "db/a%20b,c%3Ad%25.sql");
    assert_eq!(uri("/repo/db/x#1.sql"), "file:///repo/db/x%231.sql");
    assert_eq!(uri("db\\win.sql"), "db/win.sql");
    assert_eq!(uri("./"), ".");
}

#[test]
fn sarif_places_a_live_database_on_the_configuration() {
    let mut report = sample();
    report.source = "postgres://app:s3cret@db.internal/app".into();
    report.server_version = Some("16.4".into());
    let sarif = render_sarif(&report);
    assert!(!sarif.to_string().contains(PASSWORD));
    let md = render_markdown(&report);
    assert!(
        md.contains("in `postgres://app:***@db.internal/app` (31 rules, PostgreSQL 16.4)"),
        "{md}"
    );
    let (annotations, summary) = render_github(&report);
    assert!(!annotations.contains(PASSWORD) && !summary.contains(PASSWORD));
    assert!(!render_text(&report, false).contains(PASSWORD));
    let live = (sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter())
    .find(|r| r["ruleId"] == "PL204")
    .expect("the live finding");
    let loc = &live["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        DATABASE_ANCHOR
    );
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "public.x_idx"
    );
    assert_eq!(loc["logicalLocations"][0]["kind"], "index");
    assert_eq!(live["properties"]["database"], "app");
}

#[test]
fn github_annotations_escape_messages_and_properties() {
    let (annotations, summary) = render_github(&sample());
    assert!(!annotations.contains(PASSWORD) && !summary.contains(PASSWORD));
    assert_eq!(annotations.lines().count(), 4, "{annotations}");
    for line in annotations.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice ")
        );
    }
    insta::assert_snapshot!(annotations);
    assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
    assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
}

#[test]
fn github_annotates_up_to_the_limits_and_summarizes_the_rest() {
    let report = many(
        &[
            (Severity::Error, 25),
            (Severity::Warning, 3),
            (Severity::Info, 12),
        ],
        3,
    );
    let (annotations, summary) = render_github(&report);
    let count = |p: &str| annotations.lines().filter(|l| l.starts_with(p)).count();
    assert_eq!(count("::error "), PER_STEP_AND_LEVEL);
    assert_eq!(count("::warning "), 3);
    assert_eq!(count("::notice "), PER_STEP_AND_LEVEL);
    assert!(summary.starts_with("**pgdrift lint** ✗ 25 errors, 3 warnings, 12 info"));
    assert!(
        summary.contains("17 findings are not shown as annotations"),
        "{summary}"
    );
    assert_eq!(
        summary
            .lines()
            .filter(|l| l.starts_with("| ✗ error"))
            .count(),
        15
    );
    assert_eq!(
        summary
            .lines()
            .filter(|l| l.starts_with("| i info"))
            .count(),
        2
    );
    // The first errors are annotated, the later ones summarized.
    assert!(annotations.contains("file=db/error_000.sql,line=1,"));
    assert!(summary.contains("`db/error_024.sql:25`"));
}

#[test]
fn github_summary_of_a_report_under_the_limits_is_the_headline() {
    let (_, summary) = render_github(&sample());
    assert_eq!(summary, format!("{}\n\n", headline(&sample())));
}

#[test]
fn the_rule_list_shows_rules_off_by_default_as_off() {
    let list = super::render_rules();
    let line = |code: &str| {
        list.lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_default()
            .to_string()
    };
    let pl107 = line("PL107");
    assert!(
        pl107.contains("require-comment") && pl107.contains(" off "),
        "{pl107}"
    );
    assert!(line("PL101").contains(" warning "), "{list}");
    let help = super::render_explain(crate::lint::rules::find("PL107").expect("PL107"));
    assert!(
        help.starts_with("PL107 require-comment (off by default, info when on"),
        "{help}"
    );
}
