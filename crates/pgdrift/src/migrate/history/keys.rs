//! Key rules: how a row and a file come to the same key, for each way tools record
//! migrations (a version number, a file name, a file stem, Flyway's dotted versions, a
//! path), and reading a time out of a timestamped version.

use super::tracker::{FileName, SqlFile};
use super::AppliedRow;
use std::cmp::Ordering;

/// A number with its leading zeros dropped (`0019` -> `19`); other text unchanged.
pub fn number(s: &str) -> String {
    match s.parse::<u128>() {
        Ok(n) => n.to_string(),
        Err(_) => s.to_string(),
    }
}

/// The leading digits of `name`, as a number without leading zeros.
pub fn leading_number(name: &str) -> Option<String> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<u128>().ok().map(|n| n.to_string())
}

/// Flyway's version: dotted numbers, `_` read as `.`, trailing `.0` parts dropped
/// (`1.0` is `1`, `01` is `1`). Text that is not a version stays as it is.
pub fn flyway_version(s: &str) -> String {
    let parts: Option<Vec<u64>> = s.split(['.', '_']).map(|p| p.parse().ok()).collect();
    match parts {
        Some(mut parts) if !parts.is_empty() => {
            while parts.len() > 1 && parts.last() == Some(&0) {
                parts.pop();
            }
            let text: Vec<String> = parts.iter().map(u64::to_string).collect();
            text.join(".")
        }
        _ => s.to_string(),
    }
}

/// Compares dotted numeric versions part by part (`1.10` after `1.9`), text otherwise.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| -> Option<Vec<u128>> { s.split('.').map(|p| p.parse().ok()).collect() };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// `YYYY-MM-DD HH:MM:SS` from a leading `YYYYMMDDHHMMSS` stamp (Rails, dbmate, EF Core,
/// Sequelize, golang-migrate versions), when the digits make a plausible date.
pub fn stamp_time(s: &str) -> Option<String> {
    let d = s.get(..14)?;
    if !d.bytes().all(|b| b.is_ascii_digit()) || s[14..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| d[r].parse::<u32>().ok();
    let (year, month, day) = (n(0..4)?, n(4..6)?, n(6..8)?);
    let (hour, minute, second) = (n(8..10)?, n(10..12)?, n(12..14)?);
    let plausible = (1990..=2200).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    plausible.then(|| {
        format!(
            "{}-{}-{} {}:{}:{}",
            &d[0..4],
            &d[4..6],
            &d[6..8],
            &d[8..10],
            &d[10..12],
            &d[12..14]
        )
    })
}

// ---- row keys ----

/// The row's version as it is.
pub fn row_version(r: &AppliedRow) -> Option<String> {
    Some(r.version.clone())
}

/// The row's version as a number.
pub fn row_number(r: &AppliedRow) -> Option<String> {
    Some(number(&r.version))
}

/// Flyway: versioned rows by version, repeatable rows (no version) by script name.
pub fn row_flyway(r: &AppliedRow) -> Option<String> {
    match &r.file {
        Some(script) if *script == r.version => Some(script.rsplit('/').next()?.to_string()),
        _ => Some(flyway_version(&r.version)),
    }
}

/// The last component of the file the row records (Liquibase's changelog).
pub fn row_file_name(r: &AppliedRow) -> Option<String> {
    let file = r.file.as_deref()?;
    Some(file.rsplit(['/', '\\']).next()?.to_string())
}

// ---- keys of SQL files ----

/// pgdrift: the path relative to the migrations directory.
pub fn sql_rel_path(f: &SqlFile<'_>) -> Option<String> {
    Some(f.rel.to_string())
}

/// The version the directory reader gave (Prisma's directory name).
pub fn sql_version(f: &SqlFile<'_>) -> Option<String> {
    Some(f.migration.version.clone())
}

/// The leading number of the file's name (sqlx, dbmate, golang-migrate).
pub fn sql_number(f: &SqlFile<'_>) -> Option<String> {
    leading_number(f.rel.rsplit('/').next()?)
}

/// Drizzle: the journal's `when`, which the tool records as `created_at`.
pub fn sql_journal_when(f: &SqlFile<'_>) -> Option<String> {
    f.journal_when.map(|w| w.to_string())
}

/// Flyway: the version of versioned files, the file name of repeatable ones.
pub fn sql_flyway(f: &SqlFile<'_>) -> Option<String> {
    if f.migration.version.is_empty() {
        f.rel.rsplit('/').next().map(str::to_string)
    } else {
        Some(flyway_version(&f.migration.version))
    }
}

// ---- keys of files by name ----

/// Knex and Sequelize: the full file name of a script directly in the directory.
pub fn name_js_file(f: &FileName<'_>) -> Option<String> {
    let script = f
        .stem_with(&["js", "cjs", "mjs", "ts", "cts", "mts"])
        .is_some_and(|stem| !stem.ends_with(".d"));
    (f.top_level() && script).then(|| f.name().to_string())
}

/// TypeORM: the millisecond stamp leading `1700000000000-CreateUsers.ts`.
pub fn name_typeorm(f: &FileName<'_>) -> Option<String> {
    let stem = f.stem_with(&["ts", "js"])?;
    f.top_level().then(|| leading_number(stem)).flatten()
}

/// Rails: the version leading `20240101120000_create_users.rb`.
pub fn name_rails(f: &FileName<'_>) -> Option<String> {
    f.top_level()
        .then(|| leading_number(f.stem_with(&["rb"])?))
        .flatten()
}

/// goose: the version leading `00001_create.sql` (annotated `-- +goose Up`) or
/// `20240101120000_seed.go` (registered with goose).
pub fn name_goose(f: &FileName<'_>) -> Option<String> {
    let version = leading_number(f.stem_with(&["sql", "go"])?)?;
    let text = crate::source::file::read_to_string(f.path).ok()?;
    let marked = text.contains("+goose") || text.contains("goose.");
    (f.top_level() && marked).then_some(version)
}

/// Atlas: the version leading `20240101120000_init.sql`, in a directory with `atlas.sum`.
pub fn name_atlas(f: &FileName<'_>) -> Option<String> {
    let version = leading_number(f.stem_with(&["sql"])?)?;
    let summed = f.path.parent()?.join("atlas.sum").is_file();
    (f.top_level() && summed).then_some(version)
}

/// refinery: the number after the `V` or `U` of `V1__init.sql` or `U2__seed.rs`.
pub fn name_refinery(f: &FileName<'_>) -> Option<String> {
    let stem = f.stem_with(&["sql", "rs"])?;
    let rest = stem.strip_prefix(['V', 'U', 'v', 'u'])?;
    stem.contains("__").then(|| leading_number(rest)).flatten()
}

/// EF Core: `20240101120000_InitialCreate.cs` is migration `20240101120000_InitialCreate`;
/// designer files and the model snapshot are not migrations.
pub fn name_ef(f: &FileName<'_>) -> Option<String> {
    let stem = f.stem_with(&["cs"])?;
    let is_migration = !stem.ends_with(".Designer") && leading_number(stem).is_some();
    is_migration.then(|| stem.to_string())
}

/// Django: `<app>/migrations/0001_initial.py` is `app.0001_initial`.
pub fn name_django(f: &FileName<'_>) -> Option<String> {
    let stem = f.stem_with(&["py"])?;
    leading_number(stem)?;
    let parent = f.path.parent()?;
    if parent.file_name()? != "migrations" {
        return None;
    }
    let app = parent.parent()?.file_name()?.to_str()?;
    Some(format!("{app}.{stem}"))
}

/// Liquibase: a changelog (a file that says it is one) by its file name.
pub fn name_liquibase(f: &FileName<'_>) -> Option<String> {
    f.stem_with(&["xml", "yaml", "yml", "json", "sql"])?;
    let text = crate::source::file::read_to_string(f.path).ok()?;
    let changelog = text.contains("databaseChangeLog") || text.contains("liquibase formatted sql");
    changelog.then(|| f.name().to_string())
}

/// Sqitch: `deploy/<change>.sql` is change `<change>`.
pub fn name_sqitch(f: &FileName<'_>) -> Option<String> {
    let rest = f.rel.strip_prefix("deploy/")?;
    rest.strip_suffix(".sql").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_versions() {
        assert_eq!(number("0019"), "19");
        assert_eq!(number("abc"), "abc");
        assert_eq!(leading_number("019_add.sql").as_deref(), Some("19"));
        assert_eq!(flyway_version("1_10"), "1.10");
        assert_eq!(flyway_version("1.0"), "1");
        assert_eq!(flyway_version("R__x.sql"), "R__x.sql");
        assert_eq!(compare_versions("1.10", "1.9"), Ordering::Greater);
    }

    #[test]
    fn stamps_read_as_times() {
        assert_eq!(
            stamp_time("20250829143000").as_deref(),
            Some("2025-08-29 14:30:00")
        );
        assert_eq!(
            stamp_time("20250829143000-create-user.js").as_deref(),
            Some("2025-08-29 14:30:00")
        );
        assert_eq!(stamp_time("1724943600000"), None);
        assert_eq!(stamp_time("202508291430001"), None);
        assert_eq!(stamp_time("00000000000001"), None);
    }
}
