//! Weighing a finding about a table by the table's real size on the database the
//! migrations will run on: at least `big_table_rows` rows is an error, at most
//! `small_table_rows` a note (info), between a warning; an unknown size leaves the rule's
//! level and says so. The sentence about the size goes into the message.

use super::against::Sizes;
use crate::lint::LintOptions;
use crate::model::QualName;
use crate::report::finding::Severity;

/// The severity of a finding about `table` whose rule reports at `level`, and what is known
/// of the table's size.
pub(crate) fn weigh(
    level: Severity,
    table: &QualName,
    sizes: Option<&Sizes>,
    options: &LintOptions,
) -> (Severity, String) {
    let Some(sizes) = sizes else {
        return (
            level,
            format!("the size of {table} is unknown (give --against to weigh it)"),
        );
    };
    let Some(stat) = sizes.get(table) else {
        return (
            level,
            format!("{table} is not in the --against database, its size is unknown"),
        );
    };
    let Some(rows) = stat.rows else {
        return (
            level,
            format!("the size of {table} is unknown (never analyzed on the --against database)"),
        );
    };
    let severity = if rows >= options.big_table_rows {
        Severity::Error
    } else if rows <= options.small_table_rows {
        Severity::Info
    } else {
        Severity::Warning
    };
    let size = match stat.bytes {
        Some(b) => format!(", {}", bytes(b)),
        None => String::new(),
    };
    (
        severity,
        format!("{table} has about {} rows{size}", thousands(rows)),
    )
}

/// `1234567.0` as `1,234,567`.
pub(crate) fn thousands(n: f64) -> String {
    let digits = (n.max(0.0).round() as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count in the largest unit that keeps it at least 1 (`1.2 GB`).
pub(crate) fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["bytes", "kB", "MB", "GB", "TB"];
    let mut v = n.max(0) as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{} bytes", n.max(0)),
        _ => format!("{v:.1} {}", UNITS[unit]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::migration::against::TableStat;

    fn sizes(rows: Option<f64>) -> Sizes {
        let t = QualName::new("public", "events");
        Sizes(
            [(
                t,
                TableStat {
                    schema: "public".into(),
                    name: "events".into(),
                    rows,
                    bytes: Some(1_288_490_189),
                },
            )]
            .into(),
        )
    }

    #[test]
    fn size_decides_the_severity() {
        let t = QualName::new("public", "events");
        let o = LintOptions::default();
        let w = |rows| weigh(Severity::Warning, &t, Some(&sizes(rows)), &o);
        let (s, m) = w(Some(1e7));
        assert_eq!(s, Severity::Error);
        assert_eq!(m, "public.events has about 10,000,000 rows, 1.2 GB");
        assert_eq!(w(Some(10.0)).0, Severity::Info);
        assert_eq!(w(Some(10_000.0)).0, Severity::Info);
        assert_eq!(w(Some(50_000.0)).0, Severity::Warning);
        assert_eq!(w(Some(1_000_000.0)).0, Severity::Error);
        let (s, m) = w(None);
        assert_eq!(s, Severity::Warning);
        assert!(m.contains("unknown"), "{m}");
        let (s, m) = weigh(Severity::Error, &t, None, &o);
        assert_eq!(s, Severity::Error);
        assert!(m.contains("--against"), "{m}");
        let other = QualName::new("public", "other");
        assert!(weigh(Severity::Info, &other, Some(&sizes(None)), &o)
            .1
            .contains("not in"));
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(8192), "8.0 kB");
    }
}
