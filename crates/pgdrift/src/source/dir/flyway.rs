//! Flyway: versioned `V<version>__<description>.sql` applied in version order (`1.10` after
//! `1.9`; `_` and `.` both separate parts; `1.0` is `1`), then repeatable `R__<description>.sql` in
//! description order. Undo migrations (`U...`) are not applied; `<script>.sql.conf` files may
//! say `executeInTransaction=false`.

use super::plain::describe;
use super::{
    first_line_says_no_transaction, without_bom, DirError, DirFormat, Listing, Migration,
    MigrationKind,
};

pub(super) fn detect(l: &Listing) -> bool {
    l.files.iter().any(|f| parse_name(f).is_some())
}

enum Name<'a> {
    Versioned {
        version: Vec<u64>,
        text: &'a str,
        description: &'a str,
    },
    Repeatable {
        description: &'a str,
    },
    Undo,
}

fn parse_name(name: &str) -> Option<Name<'_>> {
    let stem = name.strip_suffix(".sql")?;
    let (head, description) = stem.split_once("__")?;
    let mut chars = head.chars();
    match chars.next()? {
        'R' if head.len() == 1 => Some(Name::Repeatable { description }),
        'U' if head.len() > 1 => Some(Name::Undo),
        'V' if head.len() > 1 => {
            let text = &head[1..];
            let mut version = text
                .split(['.', '_'])
                .map(|p| p.parse::<u64>().ok())
                .collect::<Option<Vec<_>>>()?;
            // Flyway reads 1, 1.0 and 01 as the same version.
            while version.len() > 1 && version.last() == Some(&0) {
                version.pop();
            }
            Some(Name::Versioned {
                version,
                text,
                description,
            })
        }
        _ => None,
    }
}

pub(super) fn read(l: &Listing) -> Result<Vec<Migration>, DirError> {
    if let Some(dir) = l.dirs.first() {
        return Err(l.unexpected(dir, DirFormat::Flyway));
    }
    let mut versioned: Vec<(Vec<u64>, Migration)> = Vec::new();
    let mut repeatable: Vec<Migration> = Vec::new();
    for name in &l.files {
        if let Some(script) = name.strip_suffix(".conf") {
            if l.files.iter().any(|f| f == script) {
                continue;
            }
            return Err(DirError::invalid(
                &l.path(name),
                format!("configures {script}, which is not in the directory"),
            ));
        }
        let parsed = parse_name(name).ok_or_else(|| l.unexpected(name, DirFormat::Flyway))?;
        let (kind, version, description) = match parsed {
            Name::Undo => continue,
            Name::Versioned {
                version,
                text,
                description,
            } => {
                let shown = version
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                if let Some((_, other)) = versioned.iter().find(|(v, _)| *v == version) {
                    return Err(DirError::invalid(
                        &l.path(name),
                        format!(
                            "version {text} is also the version of {}",
                            other.path.display()
                        ),
                    ));
                }
                (
                    MigrationKind::Versioned,
                    Some((version, shown)),
                    description,
                )
            }
            Name::Repeatable { description } => (MigrationKind::Repeatable, None, description),
        };
        let sql = l.read_file(name)?;
        let conf = l.files.iter().any(|f| *f == format!("{name}.conf"));
        let no_transaction = first_line_says_no_transaction(&sql)
            || (conf
                && l.read_file(&format!("{name}.conf"))?.lines().any(|line| {
                    without_bom(line)
                        .replace(' ', "")
                        .eq_ignore_ascii_case("executeInTransaction=false")
                }));
        let migration = Migration {
            version: version
                .as_ref()
                .map_or_else(String::new, |(_, shown)| shown.clone()),
            description: describe(description),
            path: l.path(name),
            sql,
            kind,
            no_transaction,
        };
        match version {
            Some((v, _)) => versioned.push((v, migration)),
            None => repeatable.push(migration),
        }
    }
    versioned.sort_by(|a, b| a.0.cmp(&b.0));
    repeatable.sort_by(|a, b| a.description.cmp(&b.description));
    Ok(versioned
        .into_iter()
        .map(|(_, m)| m)
        .chain(repeatable)
        .collect())
}
