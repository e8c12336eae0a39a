//! `pgdrift demo`: builds a small drifted fleet (a master and four tenants) on pgdrift's
//! private server, audits it, prints the summary and writes the HTML report.

use super::audit::{run_audit, show, Shown};
use crate::cli::{AuditFormat, ColorChoice, DemoArgs};
use crate::output::use_color;
use crate::Outcome;
use pgdrift::fleet::audit::AuditOptions;
use pgdrift::pg::embedded::EmbeddedServer;
use pgdrift::source::LoadOptions;
use std::time::Duration;

#[allow(clippy::print_stderr)]
pub async fn run(args: DemoArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    eprintln!(
        "building the demo fleet on a private PostgreSQL server: a master and four tenants ..."
    );
    let server = tokio::task::spawn_blocking(EmbeddedServer::start).await??;
    let admin = server.conninfo("postgres");
    let dir = tempfile::tempdir()?;
    let config = pgdrift::fleet::demo::build(&admin, dir.path(), "").await?;
    let options = AuditOptions {
        jobs: 4,
        statement_timeout: Duration::from_secs(60),
        load: LoadOptions::default(),
        lint: None,
        shard: None,
    };
    let report = run_audit(&config, &options).await;
    let shown = Shown {
        format: AuditFormat::Text,
        output: None,
        html: Some(&args.html),
        color: use_color(color, false),
    };
    show(&report, &shown)?;
    eprintln!(
        "the fleet was built from the example migrations (examples/fleet in pgdrift's sources); \
         audit your own with `pgdrift audit --init`, then `pgdrift audit --html report.html`"
    );
    drop(server);
    Ok(Outcome::Clean)
}
