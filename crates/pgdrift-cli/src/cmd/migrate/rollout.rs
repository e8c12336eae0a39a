//! `migrate apply` over many databases as a staged rollout, on the command line: the waves
//! (refused when they would ask and no one can answer), the confirmation between them,
//! Ctrl-C, the live view (progress bar with the wave and per-server counts, a line per
//! database, or a JSON line per database with `-f jsonl`) and the state `--only-failed` reads.

use super::apply::counts;
use super::{db_line, Paint};
use crate::cli::{ApplyFormat, MigrateApplyArgs};
use crate::output::note;
use pgdrift::fleet::rollout::{self, state, DbOutcome, Event, Hooks, Rollout, Settings};
use pgdrift::fleet::rollout::{Status, Wave, WaveSummary};
use pgdrift::fleet::Target;
use pgdrift::migrate::runner::ApplyReport;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io::IsTerminal;

/// The waves over `targets`; waves that would ask between them need a terminal or `--yes`.
pub fn waves(args: &MigrateApplyArgs, targets: &[Target]) -> anyhow::Result<Vec<Wave>> {
    let r = &args.rollout;
    let waves =
        rollout::plan(targets, r.canary.as_ref(), r.wave_size).map_err(anyhow::Error::msg)?;
    if waves.len() > 1 && !r.yes && !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the rollout runs in {} waves and asks before starting each after the first, but \
             standard input is not a terminal: pass --yes to run through the waves",
            waves.len()
        );
    }
    Ok(waves)
}

/// The migrations directory as the state file names it.
fn dir_key(args: &MigrateApplyArgs) -> String {
    let dir = &args.dir.dir;
    std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.clone())
        .display()
        .to_string()
}

fn state_file(args: &MigrateApplyArgs) -> std::path::PathBuf {
    (args.rollout.state_file.clone()).unwrap_or_else(state::default_path)
}

/// With `--only-failed`: the targets whose last run of this rollout failed.
pub fn only_failed(args: &MigrateApplyArgs, targets: Vec<Target>) -> anyhow::Result<Vec<Target>> {
    let failed = state::failed(&state_file(args), &dir_key(args))?;
    Ok(targets
        .into_iter()
        .filter(|t| failed.contains(&t.label))
        .collect())
}

/// Records the run's statuses for `--only-failed` (not for a dry run). A file that cannot be
/// written is a warning: the databases are migrated all the same.
pub fn save(args: &MigrateApplyArgs, targets: &[Target], done: &Rollout) {
    if args.dry_run {
        return;
    }
    if let Err(e) = state::record(&state_file(args), &dir_key(args), targets, done) {
        note(&format!(
            "warning: {e}; --only-failed will not know of this run"
        ));
    }
}

/// Runs the waves, showing them through `view`.
pub async fn drive<'a, F, Fut>(
    args: &MigrateApplyArgs,
    targets: &'a [Target],
    waves: &[Wave],
    per_server: HashMap<String, usize>,
    task: F,
    view: &mut View<'_>,
) -> Rollout
where
    F: Fn(&'a Target) -> Fut,
    Fut: Future<Output = Result<ApplyReport, String>>,
{
    pgdrift::pg::embedded::defer_first_interrupt();
    let settings = Settings {
        jobs: usize::from(args.fleet.jobs),
        per_server,
        max_failures: args.rollout.max_failures,
        lock_retries: args.rollout.lock_retries,
        fail_fast: args.fleet.fail_fast,
    };
    let (bar, yes, total) = (view.bar.clone(), args.rollout.yes, waves.len());
    let stop = pgdrift::pg::embedded::stop_requested;
    let confirm = |done: WaveSummary, next: &Wave| {
        let question = question(&done, next, total);
        let bar = bar.clone();
        async move { yes || ask(&bar, &question).await }
    };
    let mut on_event = |e: Event<'_>| view.event(e);
    let hooks = Hooks {
        on_event: &mut on_event,
        stop: &stop,
        confirm,
    };
    rollout::run(targets, waves, &settings, task, hooks).await
}

fn question(done: &WaveSummary, next: &Wave, total: usize) -> String {
    let what = if done.canary { " (canary)" } else { "" };
    format!(
        "wave {}{what} done: {} ok, {} failed, {} not attempted. Next: wave {} of {total}, {} database(s). Continue?",
        done.wave,
        done.ok,
        done.failed,
        done.not_attempted,
        next.number,
        next.targets.len()
    )
}

/// Asks on the terminal; anything but y or yes (or no answer) is no.
#[allow(clippy::print_stderr)]
async fn ask(bar: &indicatif::ProgressBar, question: &str) -> bool {
    bar.suspend(|| eprint!("{question} [y/N] "));
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await;
    matches!(answer, Ok(Ok(line)) if matches!(line.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// The live view of a rollout.
pub struct View<'v> {
    pub args: &'v MigrateApplyArgs,
    pub targets: &'v [Target],
    pub names: &'v [String],
    pub waves: usize,
    pub bar: &'v indicatif::ProgressBar,
    pub paint: Paint,
    /// One database: the bar counts its migrations, and no line is printed per database.
    pub single: bool,
    /// Per server: databases done, and in all.
    pub servers: BTreeMap<String, (usize, usize)>,
    pub wave: String,
}

impl View<'_> {
    #[allow(clippy::print_stdout)]
    fn event(&mut self, event: Event<'_>) {
        let jsonl = self.args.format == ApplyFormat::Jsonl;
        match event {
            Event::Wave(w) => {
                let canary = if w.canary { " (canary)" } else { "" };
                self.wave = format!("wave {}/{}{canary}", w.number, self.waves);
                if self.waves > 1 && self.args.format == ApplyFormat::Text {
                    let n = w.targets.len();
                    self.bar.suspend(|| println!("{}: {n} database(s)", self.wave));
                }
            }
            Event::Started(_) => {}
            Event::Finished(i, o) => {
                if let Some(s) = self.servers.get_mut(&self.targets[i].server()) {
                    s.0 += 1;
                }
                if jsonl {
                    self.bar.suspend(|| println!("{}", o.json_line(&self.targets[i])));
                } else if self.args.format == ApplyFormat::Text && !self.single {
                    let line = self.line(i, o);
                    self.bar.suspend(|| println!("{line}"));
                }
                if !self.single {
                    self.bar.inc(1);
                }
            }
            Event::NotAttempted(i, o) if jsonl => println!("{}", o.json_line(&self.targets[i])),
            Event::NotAttempted(..) => {}
            Event::Interrupted => note(
                "interrupted: the databases in flight finish, no new one starts (Ctrl-C again stops at once)",
            ),
        }
        if !self.single {
            self.bar.set_message(self.message());
        }
    }

    /// `wave 2/4  db1:5432 3/10  db2:5432 0/10`.
    fn message(&self) -> String {
        let mut out = self.wave.clone();
        for (server, (done, all)) in self.servers.iter().take(4) {
            out.push_str(&format!("  {server} {done}/{all}"));
        }
        if self.servers.len() > 4 {
            out.push_str(&format!("  (+{} servers)", self.servers.len() - 4));
        }
        out
    }

    /// A database's line: as before, with its wave and lock retries.
    fn line(&self, i: usize, o: &DbOutcome) -> String {
        let mut notes = Vec::new();
        if self.waves > 1 {
            notes.push(format!("wave {}", o.wave));
        }
        match o.retries {
            0 => {}
            1 => notes.push("after 1 lock retry".into()),
            n => notes.push(format!("after {n} lock retries")),
        }
        let text = match (&o.report, &o.error) {
            (Some(r), _) => counts(r, self.args.dry_run),
            (None, e) => e.clone().unwrap_or_default(),
        };
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let mut text = first.to_string();
        if !notes.is_empty() {
            text.push_str(&format!(" ({})", notes.join(", ")));
        }
        if !rest.is_empty() {
            text.push('\n');
            text.push_str(rest);
        }
        let mark = match o.status {
            Status::Failed => self.paint.red("✗"),
            _ => self.paint.green("✓"),
        };
        db_line(&mark, &self.names[i], &text)
    }
}
