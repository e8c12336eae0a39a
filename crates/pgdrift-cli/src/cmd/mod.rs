//! One module per subcommand.

mod apply;
mod audit;
mod claims;
mod cleanup;
mod completions;
mod demo;
mod diff;
mod docs;
mod inspect;
mod investigate;
mod investigate_fleet;
mod lint;
mod lint_migrations;
mod log;
pub mod man;
mod migrate;
mod orphans;
mod report;
pub mod reset;
mod usage;

use crate::cli::{Cli, Command};
use crate::Outcome;

pub async fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Inspect(args) => inspect::run(args, cli.color).await,
        Command::Diff(args) => diff::run(args, cli.color).await,
        Command::Apply(args) => apply::run(args).await,
        Command::Log(args) => log::run(args).await,
        Command::Reset(args) => reset::run(args).await,
        Command::Migrate(command) => migrate::run(command, cli.color).await,
        Command::Audit(args) => audit::run(args, cli.color).await,
        Command::Demo(args) => demo::run(args, cli.color).await,
        Command::Report(command) => report::run(command, cli.color),
        Command::Usage(args) => usage::run(args).await,
        Command::Investigate(args) => investigate::run(args).await,
        Command::Orphans(args) => orphans::run(args).await,
        Command::Lint(args) => lint::run(args, cli.color).await,
        Command::Docs(args) => docs::run(args).await,
        Command::Quarantine(args) => cleanup::quarantine(args).await,
        Command::Restore(args) => cleanup::restore(args).await,
        Command::Drop(args) => cleanup::drop(args).await,
        Command::Completions(args) => completions::run(args),
    }
}
