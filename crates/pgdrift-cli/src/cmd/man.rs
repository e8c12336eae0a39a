//! `pgdrift man --out DIR` (hidden: parsed apart from the other subcommands, so that neither
//! `--help`, the completion scripts nor the pages list it): the manual pages, generated from
//! the same argument table the binary parses with — `pgdrift.1`, one page per subcommand
//! (`pgdrift-lint.1`) and per nested subcommand (`pgdrift-migrate-apply.1`), each ending with
//! a SEE ALSO section that ties the pages together. `scripts/build-deb` packages them; the
//! paths written are printed one a line.

use crate::cli::{Cli, ManArgs};
use crate::output::{fail, usage_error, write_to};
use anyhow::Context;
use clap::{Command, CommandFactory, Parser};
use clap_mangen::roff::{bold, roman, Inline, Roff};
use clap_mangen::Man;
use std::path::Path;
use std::process::ExitCode;

/// The manual every page belongs to, and the section of all of them.
const MANUAL: &str = "pgdrift manual";
const SECTION: &str = "1";

/// One manual page: its file name (`pgdrift-lint.1`) and its roff source.
#[derive(Debug)]
struct Page {
    file: String,
    roff: Vec<u8>,
}

/// Whether the command line asks for the pages: `pgdrift man ...`.
pub fn asked() -> bool {
    std::env::args_os().nth(1).is_some_and(|arg| arg == "man")
}

/// Parses `man --out DIR`, writes the pages; exit code 0, or 2 on an error.
pub fn main() -> ExitCode {
    let args = match ManArgs::try_parse_from(std::env::args_os().skip(1)) {
        Ok(args) => args,
        Err(e) => return usage_error(&e),
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn run(args: &ManArgs) -> anyhow::Result<()> {
    let pages = pages().context("cannot render the manual pages")?;
    write_pages(&args.out, &pages)?;
    write_to(None, |out| {
        for page in &pages {
            writeln!(out, "{}", args.out.join(&page.file).display())?;
        }
        Ok(())
    })
}

/// Every page: the top-level command's, then each visible subcommand's, depth first.
fn pages() -> std::io::Result<Vec<Page>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(&command, None, &mut pages)?;
    Ok(pages)
}

fn collect(command: &Command, parent: Option<&str>, pages: &mut Vec<Page>) -> std::io::Result<()> {
    let name = page_name(command);
    let mut roff = Vec::new();
    Man::new(command.clone())
        .section(SECTION)
        .source(format!("pgdrift {}", env!("CARGO_PKG_VERSION")))
        .manual(MANUAL)
        .render(&mut roff)?;
    roff.extend_from_slice(see_also(command, parent).as_bytes());
    pages.push(Page {
        file: format!("{name}.{SECTION}"),
        roff,
    });
    for sub in visible_subcommands(command) {
        collect(sub, Some(name), pages)?;
    }
    Ok(())
}

/// `pgdrift`, `pgdrift-lint`, `pgdrift-migrate-up`: clap names a built subcommand so.
fn page_name(command: &Command) -> &str {
    command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
}

fn visible_subcommands(command: &Command) -> impl Iterator<Item = &Command> {
    command.get_subcommands().filter(|sub| !sub.is_hide_set())
}

/// SEE ALSO: the parent's page, then the subcommands' pages.
fn see_also(command: &Command, parent: Option<&str>) -> String {
    let mut names: Vec<&str> = parent.into_iter().collect();
    names.extend(visible_subcommands(command).map(page_name));
    if names.is_empty() {
        return String::new();
    }
    let mut inlines: Vec<Inline> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            inlines.push(roman(", "));
        }
        inlines.push(bold(*name));
        inlines.push(roman(format!("({SECTION})")));
    }
    Roff::new()
        .control("SH", ["SEE ALSO"])
        .text(inlines)
        .to_roff()
}

fn write_pages(dir: &Path, pages: &[Page]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create {} for the manual pages: give --out a directory you can write",
            dir.display()
        )
    })?;
    for page in pages {
        let path = dir.join(&page.file);
        std::fs::write(&path, &page.roff)
            .with_context(|| format!("cannot write the manual page {}", path.display()))?;
    }
    Ok(())
}
