//! `pgdrift lint --migrations DIR [--base REF] [--against URL|FILE]`: the new migration files
//! linted, by their statements and by what they do to the schema.

use crate::cli::LintArgs;
use pgdrift::lint::{LintConfig, LintReport};

pub async fn run(args: &LintArgs, config: &LintConfig) -> anyhow::Result<LintReport> {
    let _ = (args, config);
    anyhow::bail!("--migrations is not available in this build")
}
