//! `pgdrift lint SOURCE`: the schema rules over any source, the statistics rules over a live
//! database; `--migrations` hands over to `lint_migrations`. The report goes out as text,
//! JSON, Markdown, SARIF or GitHub annotations (their summary to `GITHUB_STEP_SUMMARY`), and
//! `--also` writes more formats from the same run. Exit 1 when a finding reaches `--fail-on`.

use crate::cli::{ColorChoice, LintArgs, LintFormat};
use crate::output::{note, use_color, write_to};
use crate::Outcome;
use clap::ValueEnum as _;
use pgdrift::fleet::config;
use pgdrift::lint::locate::Locations;
use pgdrift::lint::stats::Statistics;
use pgdrift::lint::{lint_schema, rules, rules_on, Input, Inputs, LintConfig, LintReport};
use pgdrift::report::finding::Severity;
use pgdrift::source::{Loader, SourceSpec};
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub async fn run(args: LintArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    if args.rules {
        let text = pgdrift::report::lint::render_rules();
        write_to(None, |out| out.write_all(text.as_bytes()))?;
        return Ok(Outcome::Clean);
    }
    if let Some(code) = &args.explain {
        let rule = rules::find(code).ok_or_else(|| {
            anyhow::anyhow!("no rule is called {code}: `pgdrift lint --rules` lists them")
        })?;
        let text = pgdrift::report::lint::render_explain(rule);
        write_to(None, |out| out.write_all(text.as_bytes()))?;
        return Ok(Outcome::Clean);
    }
    let config = lint_config(&args)?;
    let also = also(&args)?;
    let report = match (&args.migrations, &args.source) {
        (Some(_), _) => super::lint_migrations::run(&args, &config).await?,
        (None, Some(source)) => schema(&args, source, &config).await?,
        (None, None) => anyhow::bail!("give a SOURCE to lint, or --migrations DIR"),
    };
    let fail_on = match &args.fail_on {
        Some(level) => Severity::from_name(level).unwrap_or(Severity::Warning),
        None => config.fail_on.unwrap_or(Severity::Warning),
    };
    render(&args, &report, color, &also)?;
    Ok(match report.fails(fail_on) {
        true => Outcome::Findings,
        false => Outcome::Clean,
    })
}

/// The `[lint]` table of the configuration, with `--rule` on top.
fn lint_config(args: &LintArgs) -> anyhow::Result<LintConfig> {
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config::find(&std::env::current_dir()?),
    };
    let mut config = match &path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
            LintConfig::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        None => LintConfig::default(),
    };
    for setting in &args.rule_levels {
        let (name, level) = setting.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--rule {setting}: write CODE=LEVEL, e.g. --rule PL303=off")
        })?;
        let rule = rules::find(name.trim()).ok_or_else(|| {
            anyhow::anyhow!(
                "--rule {setting}: no rule is called {name}: `pgdrift lint --rules` lists them"
            )
        })?;
        let severity = match level.trim() {
            "off" => None,
            l => Some(Severity::from_name(l).ok_or_else(|| {
                anyhow::anyhow!("--rule {setting}: use off, info, warning or error")
            })?),
        };
        config.set_level(rule.id, severity);
    }
    Ok(config)
}

/// Lints one source's schema (and statistics, for a live database).
async fn schema(args: &LintArgs, source: &str, config: &LintConfig) -> anyhow::Result<LintReport> {
    let spec = args.load.spec(source)?;
    let mut loader = Loader::new(args.load.options(false)?);
    let live = match &spec {
        SourceSpec::Database(info) => Some(info),
        _ => None,
    };
    // The statistics are read on a session of their own while the catalog is read.
    let (loaded, statistics) = tokio::join!(loader.load(&spec), async {
        match live {
            Some(info) => statistics(info).await.map(Some),
            None => Ok(None),
        }
    });
    let (loaded, statistics) = (loaded?, statistics?);
    let snapshot = &loaded.inspected.snapshot;
    let locations = loaded.units.as_ref().map(|units| {
        Locations::from_files(units.iter().map(|u| (u.name.as_str(), u.sql.as_str())))
    });
    let inputs = Inputs {
        catalog: &snapshot.catalog,
        statistics: statistics.as_ref(),
        locations: locations.as_ref(),
        database: live.map(|_| snapshot.source.database.as_str()),
    };
    let (findings, skipped) = lint_schema(&inputs, config)?;
    if !skipped.is_empty() && args.format == LintFormat::Text {
        note("statistics rules skipped: they read a live database's statistics");
    }
    let inputs = match live {
        Some(_) => &[Input::Catalog, Input::Statistics][..],
        None => &[Input::Catalog][..],
    };
    Ok(LintReport {
        format_version: pgdrift::lint::FORMAT_VERSION,
        source: pgdrift::pg::mask_value(source),
        server_version: live.map(|_| snapshot.source.server_version.clone()),
        findings,
        skipped,
        rules_run: rules_on(config, inputs),
        new_files: None,
    })
}

async fn statistics(info: &pgdrift::pg::ConnInfo) -> anyhow::Result<Statistics> {
    let conn = pgdrift::pg::connect::connect(info).await?;
    pgdrift::lint::stats::read(&conn)
        .await
        .map_err(|e| anyhow::anyhow!("reading the statistics of {}: {e}", conn.target))
}

/// The `--also FORMAT=FILE` outputs, checked before the lint runs.
fn also(args: &LintArgs) -> anyhow::Result<Vec<(LintFormat, PathBuf)>> {
    let mut out = Vec::new();
    for value in &args.also {
        let (format, file) = value
            .split_once('=')
            .filter(|(f, p)| !f.is_empty() && !p.is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!("--also {value}: write FORMAT=FILE, e.g. --also sarif=lint.sarif")
            })?;
        let format = LintFormat::from_str(format.trim(), true).map_err(|_| {
            anyhow::anyhow!("--also {value}: use text, json, markdown, sarif or github")
        })?;
        out.push((format, PathBuf::from(file)));
    }
    Ok(out)
}

fn render(
    args: &LintArgs,
    report: &LintReport,
    color: ColorChoice,
    also: &[(LintFormat, PathBuf)],
) -> anyhow::Result<()> {
    let color = use_color(color, args.output.is_some());
    emit(args.format, report, color, args.output.as_deref(), true)?;
    for (format, path) in also {
        emit(*format, report, false, Some(path), false)?;
    }
    Ok(())
}

/// Writes `report` as `format` to `path` (standard output when `None`). GitHub annotations
/// put their summary in the file `GITHUB_STEP_SUMMARY` names, when `step_summary` and it is
/// set, and after the annotations otherwise.
fn emit(
    format: LintFormat,
    report: &LintReport,
    color: bool,
    path: Option<&Path>,
    step_summary: bool,
) -> anyhow::Result<()> {
    use pgdrift::report::lint as render;
    let text = match format {
        LintFormat::Json => return write_to(path, |out| pgdrift::report::json::write(report, out)),
        LintFormat::Text => render::render_text(report, color),
        LintFormat::Markdown => render::render_markdown(report),
        LintFormat::Sarif => {
            let sarif = render::render_sarif(report);
            serde_json::to_string_pretty(&sarif)? + "\n"
        }
        LintFormat::Github => {
            let (annotations, summary) = render::render_github(report);
            let file = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty());
            match file.filter(|_| step_summary) {
                Some(file) => {
                    append(Path::new(&file), &summary)?;
                    annotations
                }
                None => format!("{annotations}{summary}"),
            }
        }
    };
    write_to(path, |out| out.write_all(text.as_bytes()))
}

/// Adds `text` at the end of the file at `path`, creating it.
fn append(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot open the step summary {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("writing the step summary {}: {e}", path.display()))
}
