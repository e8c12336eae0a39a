//! `pgdrift audit`: the fleet in pgdrift.toml, audited; a summary, JSON or markdown, and
//! optionally the HTML report. Exit 1 when a finding reaches --fail-on.

use crate::cli::{AuditArgs, AuditFormat, ColorChoice};
use crate::output::{masked, use_color, write_to};
use crate::Outcome;
use pgdrift::fleet::audit::{audit, AuditOptions, AuditReport, Progress, Severity};
use pgdrift::fleet::config::{self, FleetConfig};
use pgdrift::report::audit as render;
use pgdrift::source::{LoadOptions, SourceSpec};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub async fn run(args: AuditArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    if args.init {
        return init(args.config.as_deref());
    }
    let config = load_config(args.config.as_deref())?;
    let options = AuditOptions {
        jobs: args
            .jobs
            .map(usize::from)
            .or(config.settings.jobs)
            .unwrap_or(8),
        statement_timeout: args
            .statement_timeout
            .map(|s| s.0)
            .or(config.settings.statement_timeout)
            .unwrap_or(Duration::from_secs(60)),
        load: LoadOptions {
            dev_url: dev_url(args.dev_url.as_deref())?,
            notes: Some(crate::output::note),
            ..LoadOptions::default()
        },
        lint: args.lint.then(|| config.lint.clone()),
        shard: args.shard,
    };
    let report = run_audit(&config, &options).await;
    let level = args
        .fail_on
        .as_deref()
        .or(config.settings.fail_on.as_deref())
        .and_then(Severity::from_name)
        .unwrap_or(Severity::Warning);
    let shown = Shown {
        format: args.format,
        output: args.output.as_deref(),
        html: args.html.as_deref(),
        color: use_color(color, args.output.is_some()),
    };
    show_outcome(&report, &shown, level)
}

/// The fleet configuration: `arg`, else `pgdrift.toml` found from the current directory.
pub(super) fn load_config(arg: Option<&Path>) -> anyhow::Result<FleetConfig> {
    let path = match arg {
        Some(p) => p.to_path_buf(),
        None => {
            let cwd = std::env::current_dir()?;
            config::find(&cwd).ok_or_else(|| {
                anyhow::anyhow!(
                    "no {} in {}: pass --config FILE, or write an example with `pgdrift audit --init`",
                    config::FILE_NAME,
                    cwd.display()
                )
            })?
        }
    };
    Ok(config::load(&path, &env)?)
}

fn dev_url(arg: Option<&str>) -> anyhow::Result<Option<pgdrift::pg::ConnInfo>> {
    Ok(match arg {
        Some(url) => match SourceSpec::parse(url, &env)? {
            SourceSpec::Database(info) => Some(*info),
            _ => anyhow::bail!("--dev-url must name a PostgreSQL server (postgres://...)"),
        },
        None => None,
    })
}

/// Writes the example configuration, never over an existing file.
fn init(path: Option<&Path>) -> anyhow::Result<Outcome> {
    let path = path.map_or_else(|| PathBuf::from(config::FILE_NAME), Path::to_path_buf);
    if path.exists() {
        anyhow::bail!("{} exists already; nothing was written", path.display());
    }
    std::fs::write(&path, config::EXAMPLE)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    write_to(None, |w| {
        writeln!(
            w,
            "wrote {}: list your servers and roles in it, then run `pgdrift audit`",
            path.display()
        )
    })?;
    Ok(Outcome::Clean)
}

/// Runs the audit with a progress bar on a terminal.
pub async fn run_audit(config: &FleetConfig, options: &AuditOptions) -> AuditReport {
    let bar = super::migrate::progress(0, "databases");
    let report = audit(config, options, &env, &mut |p| match p {
        Progress::Databases(n) => bar.set_length(n as u64),
        Progress::Done(db) => {
            bar.set_message(db);
            bar.inc(1);
        }
    })
    .await;
    bar.finish_and_clear();
    report
}

/// Shows the report as asked; findings at `level` or above make the outcome.
pub fn show_outcome(
    report: &AuditReport,
    shown: &Shown<'_>,
    level: Severity,
) -> anyhow::Result<Outcome> {
    show(report, shown)?;
    Ok(if report.fails_at(level) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// How the report is shown.
pub struct Shown<'a> {
    pub format: AuditFormat,
    pub output: Option<&'a Path>,
    pub html: Option<&'a Path>,
    pub color: bool,
}

/// Writes the report as asked, and the HTML file if one is wanted.
#[allow(clippy::print_stderr)]
pub fn show(report: &AuditReport, shown: &Shown<'_>) -> anyhow::Result<()> {
    match shown.format {
        // The report's fields are masked already; the rendered text is, once more.
        AuditFormat::Text => {
            let text = masked(&render::render_text(report, shown.color));
            write_to(shown.output, |w| w.write_all(text.as_bytes()))?;
        }
        AuditFormat::Markdown => {
            let text = masked(&render::render_markdown(report));
            write_to(shown.output, |w| w.write_all(text.as_bytes()))?;
        }
        // Streamed: a report on thousands of databases is never held twice in memory.
        AuditFormat::Json => write_to(shown.output, |w| pgdrift::report::json::write(report, w))?,
    }
    if let Some(path) = shown.html {
        std::fs::write(path, masked(&render::render_html(report)))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        let shown_path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        eprintln!("HTML report: {}", shown_path.display());
    }
    Ok(())
}
