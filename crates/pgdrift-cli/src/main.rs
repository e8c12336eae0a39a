//! The `pgdrift` binary: parses arguments, runs one subcommand, maps the outcome to an exit
//! code (0 clean, 1 drift or findings, 2 error). Every decision lives in the library.

mod cli;
mod cmd;
mod load;
mod output;

use clap::Parser;
use std::process::ExitCode;

/// Reading a big catalog allocates millions of small strings; mimalloc does that faster.
/// Built without transparent huge pages (`no_thp`): a 2 MiB page is zeroed whole however
/// little of it is used, which cost a sixth of the client's time and 20 MB on a 10,000-table
/// catalog.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a command found, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Success, nothing to report.
    Clean,
    /// Drift, findings or pending work.
    Findings,
}

fn main() -> ExitCode {
    output::remember_arguments(std::env::args_os().skip(1));
    if cmd::man::asked() {
        return cmd::man::main();
    }
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return output::usage_error(&e),
    };
    pgdrift::pg::embedded::install_interrupt_cleanup();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return output::fail(&anyhow::anyhow!("cannot start the async runtime: {e}")),
    };
    let result = runtime.block_on(cmd::run(cli));
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    pgdrift::pg::embedded::stop_all();
    if pgdrift::pg::embedded::interrupted() {
        // The interrupt handler is stopping the private servers and exits with 130.
        std::thread::sleep(std::time::Duration::from_secs(60));
        return ExitCode::from(130);
    }
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => output::fail(&e),
    }
}
