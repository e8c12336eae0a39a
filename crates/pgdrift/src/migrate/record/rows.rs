//! Per tool: the key a file has in the tool's table, the checksum the tool records for it,
//! and the values of its row, derived from the file as the tool derives them (Flyway's
//! version and description from the file name, sqlx's description, golang-migrate's and
//! dbmate's version prefix, Drizzle's journal time, Alembic's revision).

use super::{Mode, RecordError, Value};
use crate::migrate::files::MigrationFile;
use crate::migrate::history::{flyway_crc32 as crc32, sha256_hex};
use crate::migrate::MigrationKind;
use sha2::{Digest, Sha384};

/// A file as a row builder sees it.
#[derive(Debug)]
pub struct ToolFile<'a> {
    pub file: &'a MigrationFile,
    /// The file's exact bytes.
    pub bytes: Vec<u8>,
    /// Drizzle: the journal's `when` for the file's tag.
    pub when: Option<i64>,
    /// Alembic: the revision that stands for the file.
    pub revision: Option<&'a str>,
}

/// What a row depends on besides its file.
#[derive(Debug, Clone, Copy)]
pub struct RowContext {
    pub mode: Mode,
    /// Flyway: the row's installed_rank.
    pub rank: i32,
}

impl ToolFile<'_> {
    fn name(&self) -> &str {
        self.file
            .version
            .rsplit('/')
            .next()
            .unwrap_or(&self.file.version)
    }

    fn invalid(&self, reason: impl Into<String>) -> RecordError {
        RecordError::File {
            path: self.file.migration.path.clone(),
            reason: reason.into(),
        }
    }

    /// The leading number of the file name, as the tool reads it.
    fn number(&self) -> Result<i64, RecordError> {
        let digits: String = self
            .name()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<i64>().map_err(|_| {
            self.invalid("the name must start with the migration's version, a number below 2^63")
        })
    }
}

fn execution_ms(ctx: &RowContext) -> i64 {
    match ctx.mode {
        Mode::Baseline => 0,
        Mode::Applied { execution_ms } => execution_ms,
    }
}

// ---- keys ----

pub fn key_version(f: &ToolFile<'_>) -> Result<String, RecordError> {
    Ok(f.file.migration.version.clone())
}

pub fn key_rel_path(f: &ToolFile<'_>) -> Result<String, RecordError> {
    Ok(f.file.version.clone())
}

pub fn key_journal_when(f: &ToolFile<'_>) -> Result<String, RecordError> {
    f.when
        .map(|w| w.to_string())
        .ok_or_else(|| f.invalid("meta/_journal.json has no `when` for this file"))
}

pub fn key_flyway(f: &ToolFile<'_>) -> Result<String, RecordError> {
    Ok(match f.file.kind() {
        MigrationKind::Versioned => flyway_version(&f.file.migration.version),
        MigrationKind::Repeatable => f.name().to_string(),
    })
}

pub fn key_number(f: &ToolFile<'_>) -> Result<String, RecordError> {
    Ok(f.number()?.to_string())
}

/// sqlx reads `<VERSION>_<DESCRIPTION>.sql` and skips any other name.
pub fn key_sqlx(f: &ToolFile<'_>) -> Result<String, RecordError> {
    let shaped = f
        .name()
        .split_once('_')
        .is_some_and(|(v, rest)| !v.is_empty() && rest.ends_with(".sql"));
    if !shaped {
        return Err(f.invalid("sqlx only reads files named <VERSION>_<DESCRIPTION>.sql"));
    }
    key_number(f)
}

pub fn key_revision(f: &ToolFile<'_>) -> Result<String, RecordError> {
    f.revision
        .map(str::to_string)
        .ok_or_else(|| f.invalid("no Alembic revision stands for this file"))
}

pub fn as_is(s: &str) -> String {
    s.to_string()
}

/// A number without leading zeros; other text unchanged.
pub fn number(s: &str) -> String {
    s.parse::<u128>()
        .map_or_else(|_| s.to_string(), |n| n.to_string())
}

/// Flyway's version as it compares: `_` read as `.`, leading zeros and trailing `.0` parts
/// dropped (`01.0` is `1`). Text that is not a version stays as it is.
pub fn flyway_version(s: &str) -> String {
    let parts: Option<Vec<u64>> = s.split(['.', '_']).map(|p| p.parse().ok()).collect();
    match parts {
        Some(mut parts) if !parts.is_empty() => {
            while parts.len() > 1 && parts.last() == Some(&0) {
                parts.pop();
            }
            parts
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".")
        }
        _ => s.to_string(),
    }
}

// ---- checksums, as the state queries read them ----

pub fn sha256(f: &ToolFile<'_>) -> Option<String> {
    Some(sha256_hex(&f.bytes))
}

pub fn sha384(f: &ToolFile<'_>) -> Option<String> {
    Some(super::hex(&Sha384::digest(&f.bytes)))
}

pub fn flyway_crc32(f: &ToolFile<'_>) -> Option<String> {
    Some(crc32(&f.bytes).to_string())
}

// ---- rows ----

pub fn pgdrift(f: &ToolFile<'_>, _: &RowContext) -> Result<Vec<Value>, RecordError> {
    Ok(vec![
        Value::Text(f.file.version.clone()),
        Value::Text(f.file.description.clone()),
        Value::Text(f.file.checksum.clone()),
        Value::Bool(true),
    ])
}

/// What Drizzle's migrator inserts: the file's SHA-256 and the journal's `when`.
pub fn drizzle(f: &ToolFile<'_>, _: &RowContext) -> Result<Vec<Value>, RecordError> {
    key_journal_when(f)?;
    Ok(vec![
        Value::Text(sha256_hex(&f.bytes)),
        Value::BigInt(f.when.unwrap_or_default()),
    ])
}

/// A baseline writes what `prisma migrate resolve --applied` does (empty logs, no steps);
/// a run writes what `prisma migrate deploy` does (one step applied).
pub fn prisma(f: &ToolFile<'_>, ctx: &RowContext) -> Result<Vec<Value>, RecordError> {
    let (logs, steps) = match ctx.mode {
        Mode::Baseline => (Value::Text(String::new()), 0),
        Mode::Applied { .. } => (Value::Null, 1),
    };
    Ok(vec![
        Value::NewUuid,
        Value::Text(sha256_hex(&f.bytes)),
        Value::Now,
        Value::Text(f.file.migration.version.clone()),
        logs,
        Value::Now,
        Value::Int(steps),
    ])
}

/// Flyway's version and description come from the file name: `V1_1__add_users.sql` is
/// version `1.1`, description `add users`; a repeatable `R__...` file has no version.
pub fn flyway(f: &ToolFile<'_>, ctx: &RowContext) -> Result<Vec<Value>, RecordError> {
    let stem = f.name().strip_suffix(".sql").unwrap_or(f.name());
    let (head, description) = stem
        .split_once("__")
        .ok_or_else(|| f.invalid("not a Flyway file name (V<version>__<description>.sql)"))?;
    let version = match f.file.kind() {
        MigrationKind::Versioned => Value::Text(head[1..].replace('_', ".")),
        MigrationKind::Repeatable => Value::Null,
    };
    Ok(vec![
        Value::Int(ctx.rank),
        version,
        Value::Text(description.replace('_', " ")),
        Value::Text("SQL".into()),
        Value::Text(f.file.version.clone()),
        Value::Int(crc32(&f.bytes)),
        Value::CurrentUser,
        Value::Int(i32::try_from(execution_ms(ctx)).unwrap_or(i32::MAX)),
        Value::Bool(true),
    ])
}

pub fn golang_migrate(f: &ToolFile<'_>, _: &RowContext) -> Result<Vec<Value>, RecordError> {
    Ok(vec![Value::BigInt(f.number()?), Value::Bool(false)])
}

/// dbmate records the digits leading the file name, as written.
pub fn dbmate(f: &ToolFile<'_>, _: &RowContext) -> Result<Vec<Value>, RecordError> {
    f.number()?;
    Ok(vec![Value::Text(f.file.migration.version.clone())])
}

/// sqlx: the description is the name after the first `_`, without `.up.sql` or `.sql`,
/// `_` read as a space; the checksum is the SHA-384 of the file; times in nanoseconds.
pub fn sqlx(f: &ToolFile<'_>, ctx: &RowContext) -> Result<Vec<Value>, RecordError> {
    let rest = f.name().split_once('_').map_or("", |(_, rest)| rest);
    let description = [".up.sql", ".down.sql", ".sql"]
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix))
        .unwrap_or(rest)
        .replace('_', " ");
    Ok(vec![
        Value::BigInt(f.number()?),
        Value::Text(description),
        Value::Bool(true),
        Value::Bytes(Sha384::digest(&f.bytes).to_vec()),
        Value::BigInt(execution_ms(ctx).saturating_mul(1_000_000)),
    ])
}

pub fn alembic(f: &ToolFile<'_>, _: &RowContext) -> Result<Vec<Value>, RecordError> {
    Ok(vec![Value::Text(key_revision(f)?)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::dir::Migration;

    fn file(name: &str, version: &str, kind: MigrationKind, text: &str) -> MigrationFile {
        MigrationFile {
            version: name.into(),
            description: String::new(),
            checksum: sha256_hex(text.as_bytes()),
            script: text.into(),
            migration: Migration {
                version: version.into(),
                description: String::new(),
                path: format!("m/{name}").into(),
                sql: text.into(),
                kind,
                no_transaction: false,
            },
        }
    }

    fn tool_file(f: &MigrationFile) -> ToolFile<'_> {
        ToolFile {
            file: f,
            bytes: f.script.as_bytes().to_vec(),
            when: None,
            revision: None,
        }
    }

    const RAN: RowContext = RowContext {
        mode: Mode::Applied { execution_ms: 7 },
        rank: 4,
    };

    #[test]
    fn flyway_takes_version_and_description_from_the_name() {
        let f = file(
            "V1_1__add_users.sql",
            "1.1",
            MigrationKind::Versioned,
            "SELECT 1;\n",
        );
        let values = flyway(&tool_file(&f), &RAN).unwrap();
        assert_eq!(values[0], Value::Int(4));
        assert_eq!(values[1], Value::Text("1.1".into()));
        assert_eq!(values[2], Value::Text("add users".into()));
        assert_eq!(values[5], Value::Int(crc32(b"SELECT 1;")));
        assert_eq!(values[7], Value::Int(7));
        let r = file(
            "R__refresh_views.sql",
            "",
            MigrationKind::Repeatable,
            "SELECT 1;\n",
        );
        let values = flyway(&tool_file(&r), &RAN).unwrap();
        assert_eq!(
            (&values[1], &values[2]),
            (&Value::Null, &Value::Text("refresh views".into()))
        );
        assert_eq!(key_flyway(&tool_file(&r)).unwrap(), "R__refresh_views.sql");
        assert_eq!(flyway_version("01.0"), "1");
        assert_eq!(flyway_version("1_10"), "1.10");
    }

    #[test]
    fn sqlx_derives_its_description_and_refuses_names_it_skips() {
        let f = file(
            "0002_add_user_email.up.sql",
            "0002",
            MigrationKind::Versioned,
            "x",
        );
        let values = sqlx(&tool_file(&f), &RAN).unwrap();
        assert_eq!(values[0], Value::BigInt(2));
        assert_eq!(values[1], Value::Text("add user email".into()));
        assert_eq!(values[4], Value::BigInt(7_000_000));
        assert_eq!(key_sqlx(&tool_file(&f)).unwrap(), "2");
        let odd = file(
            "0003-add.sql",
            "0003-add.sql",
            MigrationKind::Versioned,
            "x",
        );
        let err = key_sqlx(&tool_file(&odd)).unwrap_err().to_string();
        assert!(err.contains("m/0003-add.sql: sqlx only reads"), "{err}");
    }

    #[test]
    fn prisma_writes_what_resolve_or_deploy_would() {
        let f = file(
            "20240101000000_init/migration.sql",
            "20240101000000_init",
            MigrationKind::Versioned,
            "x",
        );
        let ctx = RowContext {
            mode: Mode::Baseline,
            rank: 0,
        };
        let baseline = prisma(&tool_file(&f), &ctx).unwrap();
        assert_eq!(
            (&baseline[4], &baseline[6]),
            (&Value::Text(String::new()), &Value::Int(0))
        );
        let deployed = prisma(&tool_file(&f), &RAN).unwrap();
        assert_eq!((&deployed[4], &deployed[6]), (&Value::Null, &Value::Int(1)));
        assert_eq!(deployed[0], Value::NewUuid);
    }
}
