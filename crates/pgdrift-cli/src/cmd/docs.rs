//! `pgdrift docs SOURCE`: the schema as Markdown pages (notes kept), one HTML file, or the
//! pages as JSON; `--check DIR` compares committed docs with the schema (exit 1 when stale);
//! `--comment-coverage` reports the share of commented tables and columns.

use crate::cli::{DocsArgs, DocsFormat};
use crate::output::{note, write_to};
use crate::Outcome;
use pgdrift::docs::notes::{self, Notes};
use pgdrift::docs::{check, DocsConfig, Inputs, Site, TableSize, TableStats};
use pgdrift::fleet::config;
use pgdrift::lint::locate::Locations;
use pgdrift::lint::migration::Against;
use pgdrift::migrate::owned::ToolOwned;
use pgdrift::model::QualName;
use pgdrift::report::docs::markdown;
use pgdrift::source::{Loader, SourceSpec};
use std::io::Write as _;
use std::path::Path;

pub async fn run(args: DocsArgs) -> anyhow::Result<Outcome> {
    let config = docs_config(&args)?;
    if let Some(dir) = &args.check {
        // Read the directory first: a broken notes region is an error before any loading.
        notes::read_dir(dir)?;
    }
    let (site, catalog) = site(&args, &config).await?;
    if let Some(dir) = &args.check {
        return check_dir(&args, dir, &site);
    }
    if args.comment_coverage {
        return coverage(&args, &catalog);
    }
    match args.format.unwrap_or(DocsFormat::Markdown) {
        DocsFormat::Markdown => write_markdown(&args, &site),
        DocsFormat::Html => write_html(&args, &site),
        DocsFormat::Json => {
            let doc = serde_json::json!({"format_version": 1, "site": site});
            write_to(args.output.as_deref(), |out| pgdrift::report::json::write(&doc, out))?;
            Ok(Outcome::Clean)
        }
        DocsFormat::Text => anyhow::bail!("--format text goes with --check or --comment-coverage; the docs themselves are markdown, html or json"),
    }
}

fn docs_config(args: &DocsArgs) -> anyhow::Result<DocsConfig> {
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config::find(&std::env::current_dir()?),
    };
    let Some(path) = path else {
        return Ok(DocsConfig::default());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    DocsConfig::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Loads the source (with a live database's sizes, read on a session of their own) and
/// builds the site.
async fn site(
    args: &DocsArgs,
    config: &DocsConfig,
) -> anyhow::Result<(Site, pgdrift::model::Catalog)> {
    let spec = args.load.spec(&args.source)?;
    let mut loader = Loader::new(args.load.options(false)?);
    let live = match &spec {
        SourceSpec::Database(info) => Some(info),
        _ => None,
    };
    let (loaded, sizes) = tokio::join!(loader.load(&spec), async {
        match live {
            Some(info) => sizes(info).await.map(Some),
            None => Ok(None),
        }
    });
    let (loaded, sizes) = (loaded?, sizes?);
    let snapshot = loaded.inspected.snapshot;
    let mut catalog = snapshot.catalog;
    let owned = ToolOwned::of(&catalog);
    let tool_owned: Vec<String> = owned
        .tables()
        .iter()
        .map(|t| format!("{} ({})", t.table, t.tool_name))
        .collect();
    owned.remove_from(&mut catalog);
    let locations = loaded.units.as_ref().map(|units| {
        Locations::from_files(units.iter().map(|u| (u.name.as_str(), u.sql.as_str())))
    });
    let title = match (&spec, live) {
        (_, Some(_)) => snapshot.source.database.clone(),
        (SourceSpec::Directory { path, .. }, _) => dir_name(path),
        (SourceSpec::Snapshot(path), _) => snapshot_title(&snapshot.source.database, path),
        (SourceSpec::SqlFiles(files), _) => files
            .first()
            .map(|f| dir_name(f))
            .map(|n| n.trim_end_matches(".sql").to_string())
            .unwrap_or_default(),
        _ => "schema".to_string(),
    };
    let inputs = Inputs {
        catalog: &catalog,
        title: &title,
        stats: sizes.as_ref(),
        locations: locations.as_ref(),
        config,
        tool_owned: &tool_owned,
    };
    let site = pgdrift::docs::build(&inputs);
    Ok((site, catalog))
}

fn dir_name(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    abs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn snapshot_title(database: &str, path: &Path) -> String {
    match database.is_empty() {
        false => database.to_string(),
        true => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

async fn sizes(info: &pgdrift::pg::ConnInfo) -> anyhow::Result<TableStats> {
    let conn = pgdrift::pg::connect::connect(info).await?;
    let against = Against::read(&conn, None).await?;
    Ok(against
        .tables
        .into_iter()
        .map(|t| {
            (
                QualName::new(t.schema, t.name),
                TableSize {
                    rows: t.rows,
                    bytes: t.bytes,
                },
            )
        })
        .collect())
}

fn write_markdown(args: &DocsArgs, site: &Site) -> anyhow::Result<Outcome> {
    let dir = args
        .output
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("give -o DIR: the directory the pages go to"))?;
    let kept = notes::read_dir(dir)?;
    let files = markdown::render_site(site, &kept);
    let written = pgdrift::docs::write::write_dir(dir, &files)?;
    let orphaned = orphans(site, &kept);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{} pages in {} ({} written, {} unchanged{}); {} notes kept",
        files.len(),
        dir.display(),
        written.pages,
        written.unchanged,
        match written.removed.len() {
            0 => String::new(),
            n => format!(", {n} removed"),
        },
        kept.len() - orphaned.len()
    );
    for key in &orphaned {
        let _ = writeln!(
            err,
            "warning: the notes on {key} lost their object; they are kept in {}",
            dir.join(notes::ORPHANS).display()
        );
    }
    Ok(Outcome::Clean)
}

/// Keys of notes that no page of `site` places.
fn orphans(site: &Site, notes: &Notes) -> Vec<String> {
    let placed: std::collections::HashSet<&str> = site
        .pages
        .iter()
        .flat_map(|p| &p.blocks)
        .filter_map(|b| match b {
            pgdrift::docs::Block::Notes { key } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    notes
        .keys()
        .filter(|k| !placed.contains(k.as_str()))
        .cloned()
        .collect()
}

fn write_html(args: &DocsArgs, site: &Site) -> anyhow::Result<Outcome> {
    let file = args
        .output
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("give -o FILE: the HTML file to write"))?;
    if file.is_dir() {
        anyhow::bail!(
            "{} is a directory: with --format html, -o names the HTML file (e.g. -o schema.html)",
            file.display()
        );
    }
    let kept = match &args.notes {
        Some(dir) => notes::read_dir(dir)?,
        None => Notes::new(),
    };
    let notes: std::collections::BTreeMap<String, String> =
        kept.into_iter().map(|(k, n)| (k, n.text)).collect();
    let html = pgdrift::report::docs::html::render_html(site, &notes);
    std::fs::write(file, html)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    note(&format!("{} pages in {}", site.pages.len(), file.display()));
    Ok(Outcome::Clean)
}

fn check_dir(args: &DocsArgs, dir: &Path, site: &Site) -> anyhow::Result<Outcome> {
    if !dir.is_dir() {
        anyhow::bail!(
            "{} is not a directory: --check takes the directory `pgdrift docs -o` wrote",
            dir.display()
        );
    }
    let existing = notes::markdown_files(dir)?;
    let kept = notes::read_dir(dir)?;
    let generated = markdown::render_site(site, &kept);
    let (stale, pages) = check::compare(&existing, &generated);
    let report = check::CheckReport {
        format_version: check::FORMAT_VERSION,
        dir: dir.display().to_string(),
        source: pgdrift::pg::mask_value(&args.source),
        pages,
        stale,
        orphaned_notes: orphans(site, &kept),
    };
    match args.format {
        Some(DocsFormat::Json) => write_to(None, |out| pgdrift::report::json::write(&report, out))?,
        None | Some(DocsFormat::Text) => {
            let text = pgdrift::report::docs::check_text(&report);
            write_to(None, |out| out.write_all(text.as_bytes()))?;
        }
        Some(_) => anyhow::bail!("--check reports as text or json"),
    }
    Ok(match report.stale.is_empty() {
        true => Outcome::Clean,
        false => Outcome::Findings,
    })
}

fn coverage(args: &DocsArgs, catalog: &pgdrift::model::Catalog) -> anyhow::Result<Outcome> {
    use pgdrift::report::docs::coverage as render;
    // Tool-owned tables are already out of the catalog the docs were built from.
    let coverage = pgdrift::docs::coverage::coverage(catalog, |_| false);
    let source = pgdrift::pg::mask_value(&args.source);
    match args.format {
        Some(DocsFormat::Json) => {
            let report = render::CoverageReport::new(&source, &coverage);
            write_to(None, |out| pgdrift::report::json::write(&report, out))?;
        }
        None | Some(DocsFormat::Text) => {
            let text = render::render_text(&source, &coverage);
            write_to(None, |out| out.write_all(text.as_bytes()))?;
        }
        Some(_) => anyhow::bail!("--comment-coverage reports as text or json"),
    }
    Ok(Outcome::Clean)
}
