//! `pgdrift log DATABASE | --config pgdrift.toml [--since DATE] [-f text|markdown|json]`:
//! everything pgdrift did to a database (or to each database of a fleet), oldest first.
//! Exit 0, or 2 when a database could not be read.

use crate::cli::{LogArgs, LogFormat};
use crate::output::write_to;
use crate::Outcome;
use pgdrift::fleet::{self, Target};
use pgdrift::report::log::{json, markdown, text, DatabaseLog};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub async fn run(args: LogArgs) -> anyhow::Result<Outcome> {
    let targets = match (&args.database, &args.config) {
        (Some(url), _) => vec![Target::named(super::migrate::database(url)?, url)],
        (None, Some(path)) => fleet_targets(path).await?,
        (None, None) => anyhow::bail!("give a DATABASE or --config pgdrift.toml"),
    };
    let mut logs = Vec::new();
    for target in &targets {
        let read = async {
            let conn = pgdrift::pg::connect(&target.info).await?;
            Ok::<_, anyhow::Error>(
                pgdrift::migrate::log::read(&conn.client, args.since.as_deref()).await?,
            )
        };
        let (entries, error) = match read.await {
            Ok(entries) => (entries, None),
            Err(e) => (Vec::new(), Some(pgdrift::pg::mask_urls(&format!("{e:#}")))),
        };
        logs.push(DatabaseLog {
            database: target.label.clone(),
            entries,
            error,
        });
    }
    let out = match args.format {
        LogFormat::Text => text(&logs),
        LogFormat::Markdown => markdown(&logs),
        LogFormat::Json => format!("{}\n", serde_json::to_string_pretty(&json(&logs))?),
    };
    write_to(args.output.as_deref(), |w| w.write_all(out.as_bytes()))?;
    if let Some(failed) = logs.iter().find(|l| l.error.is_some()) {
        anyhow::bail!(
            "could not read the log of {}: {}",
            failed.database,
            failed.error.as_deref().unwrap_or_default()
        );
    }
    Ok(Outcome::Clean)
}

/// Every database of every server of the fleet (those its `databases` globs name, minus its
/// `exclude` ones).
async fn fleet_targets(path: &std::path::Path) -> anyhow::Result<Vec<Target>> {
    let config = pgdrift::fleet::config::load(path, &env)?;
    let mut out = Vec::new();
    for server in &config.servers {
        let target = Target::named(server.url.clone(), &server.name);
        let patterns = if server.databases.is_empty() {
            vec!["*".to_string()]
        } else {
            server.databases.clone()
        };
        for t in fleet::databases(&target, &patterns).await? {
            if !server
                .exclude
                .iter()
                .any(|p| pgdrift::diff::glob_match(p, t.database()))
            {
                out.push(t);
            }
        }
    }
    Ok(out)
}
