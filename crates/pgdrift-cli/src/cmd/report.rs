//! `pgdrift report merge`: the JSON reports of an audit's shards, read and checked (every
//! shard once, one version, one configuration), merged into the whole fleet's report and
//! shown as `pgdrift audit` shows its own.

use super::audit::{show_outcome, Shown};
use crate::cli::{ColorChoice, ReportCommand, ReportMergeArgs};
use crate::output::use_color;
use crate::Outcome;
use pgdrift::fleet::audit::{merge, read_shard, Severity};

pub fn run(command: ReportCommand, color: ColorChoice) -> anyhow::Result<Outcome> {
    match command {
        ReportCommand::Merge(args) => run_merge(args, color),
    }
}

fn run_merge(args: ReportMergeArgs, color: ColorChoice) -> anyhow::Result<Outcome> {
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        files.push((path.clone(), read_shard(path)?));
    }
    let report = merge(files)?;
    let level = args
        .fail_on
        .as_deref()
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
