//! `pgdrift apply`.

use crate::Outcome;

pub async fn run(args: crate::cli::ApplyArgs) -> anyhow::Result<Outcome> {
    let _ = args;
    anyhow::bail!("not available yet")
}
