//! `pgdrift completions SHELL`: the shell's completion script for every subcommand and
//! flag, generated from the same argument table the binary parses with.

use crate::cli::{Cli, CompletionsArgs};
use crate::output::write_to;
use crate::Outcome;
use clap::CommandFactory;

pub fn run(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "pgdrift", &mut script);
    write_to(None, |out| out.write_all(&script))?;
    Ok(Outcome::Clean)
}
