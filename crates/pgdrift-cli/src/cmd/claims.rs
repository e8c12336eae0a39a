//! Who claims the investigated objects: `--desired [LABEL=]SOURCE` (each loaded once) and
//! `--migrations DIR` (replayed migration by migration, as `migrate baseline` does), for
//! `pgdrift investigate` and `pgdrift orphans`.

use crate::cli::LoadArgs;
use pgdrift::evidence::claims::{claims, migration_claim, Claims, Desired};
use pgdrift::migrate::{files, read_dir, MigrationKind};
use pgdrift::model::{Catalog, QualName};
use pgdrift::pg::ConnInfo;
use pgdrift::source::dir::Ignore;
use pgdrift::source::{Loader, SourceSpec};
use std::path::Path;

/// libpq's connection keywords: `host=x` is a connection string, never a label.
const CONNINFO_KEYWORDS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "connect_timeout",
    "client_encoding",
    "options",
    "application_name",
    "fallback_application_name",
    "keepalives",
    "service",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslpassword",
    "target_session_attrs",
    "gssencmode",
    "channel_binding",
    "require_auth",
    "load_balance_hosts",
];

/// A `--desired` argument: its label (`orm` in `orm=prisma/schema.sql`; else the source as
/// given, passwords masked) and the source.
pub fn split_label(arg: &str) -> (String, &str) {
    if let Some((label, source)) = arg.split_once('=') {
        let word = !label.is_empty()
            && label.len() <= 40
            && label.starts_with(|c: char| c.is_ascii_alphabetic())
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if word && !source.is_empty() && !CONNINFO_KEYWORDS.contains(&label) {
            return (label.to_string(), source);
        }
    }
    (pgdrift::pg::mask_value(arg), arg)
}

/// The desired schemas, loaded, with their labels.
pub async fn load_desired(
    args: &[String],
    load: &LoadArgs,
) -> anyhow::Result<Vec<(String, Catalog)>> {
    let mut loader = Loader::new(load.options(false)?);
    let mut out = Vec::new();
    for arg in args {
        let (label, source) = split_label(arg);
        if out.iter().any(|(l, _): &(String, Catalog)| *l == label) {
            anyhow::bail!("--desired {label}: the label is given twice; give each source its own label (LABEL=SOURCE)");
        }
        let spec = load.spec(source)?;
        let loaded = loader
            .load(&spec)
            .await
            .map_err(|e| anyhow::anyhow!("--desired {label}: {e}"))?;
        out.push((label, loaded.inspected.snapshot.catalog));
    }
    Ok(out)
}

/// The claims on `objects` of the database `live`: its definition is read to say whether
/// each desired schema's differs from it.
pub async fn gather(
    objects: &[QualName],
    live: &ConnInfo,
    desired: &[(String, Catalog)],
    migrations: Option<&Path>,
    load: &LoadArgs,
) -> anyhow::Result<Vec<Claims>> {
    let mut loader = Loader::new(load.options(false)?);
    let live_catalog = match desired.is_empty() {
        true => None,
        false => {
            let spec = SourceSpec::Database(Box::new(live.clone()));
            Some(loader.load(&spec).await?.inspected.snapshot.catalog)
        }
    };
    let views: Vec<Desired<'_>> = desired
        .iter()
        .map(|(label, catalog)| Desired { label, catalog })
        .collect();
    let mut out = claims(objects, live_catalog.as_ref(), &views);
    if let Some(dir) = migrations {
        let ignore = Ignore::new(&load.ignore)?;
        let format = load
            .format_dir
            .as_deref()
            .and_then(pgdrift::migrate::DirFormat::from_name);
        let read = read_dir(dir, format, &ignore)?;
        let versioned: Vec<_> = files::files(&read)?
            .into_iter()
            .filter(|f| f.kind() == MigrationKind::Versioned)
            .map(|f| f.migration)
            .collect();
        let evidence =
            pgdrift::migrate::evidence::gather(&versioned, live, &load.options(false)?).await?;
        let shown = dir.display().to_string();
        for (c, q) in out.iter_mut().zip(objects) {
            c.migrations = Some(migration_claim(&evidence, &shown, q));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::split_label;

    #[test]
    fn a_label_is_a_word_before_the_first_equals_sign_and_never_a_connection_keyword() {
        assert_eq!(split_label("orm=db/schema.sql").0, "orm");
        assert_eq!(split_label("orm=db/schema.sql").1, "db/schema.sql");
        assert_eq!(split_label("db/schema.sql").0, "db/schema.sql");
        let conn = "host=db dbname=app";
        assert_eq!(split_label(conn).1, conn);
        let url = "postgres://u:secret@h/db?sslmode=require";
        assert_eq!(split_label(url).1, url);
        assert!(!split_label(url).0.contains("secret"));
        assert_eq!(split_label("cms=postgres://h/cms").0, "cms");
    }
}
