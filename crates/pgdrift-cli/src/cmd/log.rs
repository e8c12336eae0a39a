//! `pgdrift log`.

use crate::Outcome;

pub async fn run(args: crate::cli::LogArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("not available yet")
}
