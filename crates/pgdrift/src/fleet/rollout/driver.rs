//! The rollout driver: runs the waves in order, each database at most once, at most `jobs`
//! at a time overall and at most the per-server limit on each server; retries lock timeouts
//! ([`super::retry`]); stops starting databases when asked to stop (Ctrl-C) and stops
//! starting waves when failures pass `--max-failures` or the confirmation says no. The
//! databases in flight always finish; those left are "not attempted".

use super::outcome::{summarize, DbOutcome, Rollout, Status, Stop, WaveSummary};
use super::plan::{Share, Wave};
use super::retry::{backoff, lock_retryable};
use crate::fleet::Target;
use crate::migrate::runner::ApplyReport;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::time::{Duration, Instant};

/// How the driver runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// At most this many databases at a time, overall.
    pub jobs: usize,
    /// At most this many at a time on a server (by [`Target::server`]); a server not in the
    /// map is bounded by `jobs` only.
    pub per_server: HashMap<String, usize>,
    /// Stop starting waves once more databases failed than this share of them all.
    pub max_failures: Share,
    /// Times a lock timeout is retried per database.
    pub lock_retries: u32,
    /// Stop starting databases, in the wave too, once one fails.
    pub fail_fast: bool,
}

/// What happens, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// A wave starts.
    Wave(&'a Wave),
    /// A database (by index into the targets) starts.
    Started(usize),
    /// A database finished.
    Finished(usize, &'a DbOutcome),
    /// A database the rollout will not start, once it stopped.
    NotAttempted(usize, &'a DbOutcome),
    /// The stop request was seen: no database starts from now on.
    Interrupted,
}

/// The callbacks of a run: events, whether to stop (polled), and the confirmation between
/// waves (given the wave just done and the next one; false stops the rollout).
#[allow(missing_debug_implementations)]
pub struct Hooks<'h, C> {
    pub on_event: &'h mut dyn FnMut(Event<'_>),
    pub stop: &'h dyn Fn() -> bool,
    pub confirm: C,
}

/// Runs `task` on the targets wave by wave; outcomes come back in the targets' order.
pub async fn run<'a, F, Fut, C, CF>(
    targets: &'a [Target],
    waves: &[Wave],
    settings: &Settings,
    task: F,
    mut hooks: Hooks<'_, C>,
) -> Rollout
where
    F: Fn(&'a Target) -> Fut,
    Fut: Future<Output = Result<ApplyReport, String>>,
    C: FnMut(WaveSummary, &Wave) -> CF,
    CF: Future<Output = bool>,
{
    let started = Instant::now();
    let mut outcomes = not_yet(targets.len(), waves);
    let allowed = settings.max_failures.of(targets.len());
    let mut stopped = None;
    let wave_run = WaveRun {
        targets,
        servers: targets.iter().map(Target::server).collect(),
        settings,
        task: &task,
    };
    let mut interrupted = false;
    for (k, wave) in waves.iter().enumerate() {
        (hooks.on_event)(Event::Wave(wave));
        wave_run
            .run(wave, &mut outcomes, &mut hooks, &mut interrupted)
            .await;
        if interrupted {
            stopped = Some(Stop::Interrupted);
            break;
        }
        let Some(next) = waves.get(k + 1) else { break };
        let failed = outcomes
            .iter()
            .filter(|o| o.status == Status::Failed)
            .count();
        if failed > allowed {
            stopped = Some(Stop::Failures { failed, allowed });
            break;
        }
        let done = summarize(std::slice::from_ref(wave), &outcomes).remove(0);
        if !(hooks.confirm)(done, next).await {
            stopped = Some(Stop::Declined);
            break;
        }
    }
    left_out(&mut outcomes, stopped.as_ref(), hooks.on_event);
    Rollout {
        waves: summarize(waves, &outcomes),
        outcomes,
        stopped,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Every database not attempted yet, in its wave.
fn not_yet(count: usize, waves: &[Wave]) -> Vec<DbOutcome> {
    let mut outcomes: Vec<DbOutcome> = (0..count).map(|_| DbOutcome::not_attempted(0)).collect();
    for wave in waves {
        for &i in &wave.targets {
            outcomes[i].wave = wave.number;
        }
    }
    outcomes
}

/// Says why each database never started, and reports it.
fn left_out(
    outcomes: &mut [DbOutcome],
    stopped: Option<&Stop>,
    on_event: &mut dyn FnMut(Event<'_>),
) {
    let reason = match stopped {
        Some(stop) => stop.reason(),
        None => "not started: an earlier database failed (--fail-fast)".to_string(),
    };
    for (i, o) in outcomes.iter_mut().enumerate() {
        if o.status == Status::NotAttempted {
            o.error = Some(reason.clone());
            on_event(Event::NotAttempted(i, o));
        }
    }
}

/// What every wave shares.
struct WaveRun<'r, 'a, F> {
    targets: &'a [Target],
    /// Each target's server, as the per-server limits name it.
    servers: Vec<String>,
    settings: &'r Settings,
    task: &'r F,
}

impl<'a, F, Fut> WaveRun<'_, 'a, F>
where
    F: Fn(&'a Target) -> Fut,
    Fut: Future<Output = Result<ApplyReport, String>>,
{
    /// Runs one wave: starts databases while there is room overall and on their server.
    async fn run<C>(
        &self,
        wave: &Wave,
        outcomes: &mut [DbOutcome],
        hooks: &mut Hooks<'_, C>,
        interrupted: &mut bool,
    ) {
        let mut queue: VecDeque<usize> = wave.targets.iter().copied().collect();
        let mut busy: HashMap<String, usize> = HashMap::new();
        let mut running = FuturesUnordered::new();
        let mut halted = false;
        loop {
            if !*interrupted && (hooks.stop)() {
                *interrupted = true;
                (hooks.on_event)(Event::Interrupted);
            }
            halted |= *interrupted;
            while !halted && running.len() < self.settings.jobs.max(1) {
                let Some(pos) = queue.iter().position(|&i| self.has_room(i, &busy)) else {
                    break;
                };
                let Some(i) = queue.remove(pos) else { break };
                *busy.entry(self.servers[i].clone()).or_default() += 1;
                (hooks.on_event)(Event::Started(i));
                running.push(self.attempt(i, hooks.stop));
            }
            if running.is_empty() {
                break;
            }
            tokio::select! {
                Some((i, result, retries, took)) = running.next() => {
                    if let Some(n) = busy.get_mut(&self.servers[i]) {
                        *n = n.saturating_sub(1);
                    }
                    let o = &mut outcomes[i];
                    *o = finished(o.wave, result, retries, took);
                    halted |= self.settings.fail_fast && o.status == Status::Failed;
                    (hooks.on_event)(Event::Finished(i, o));
                }
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
        }
    }

    fn has_room(&self, i: usize, busy: &HashMap<String, usize>) -> bool {
        let server = &self.servers[i];
        let limit = self
            .settings
            .per_server
            .get(server)
            .copied()
            .unwrap_or(usize::MAX);
        busy.get(server).copied().unwrap_or(0) < limit.max(1)
    }

    /// Runs database `i`, again after a backoff while it fails on a lock timeout.
    async fn attempt(
        &self,
        i: usize,
        stop: &dyn Fn() -> bool,
    ) -> (usize, Result<ApplyReport, String>, u32, Duration) {
        let started = Instant::now();
        let mut retries = 0;
        loop {
            let result = (self.task)(&self.targets[i]).await;
            match &result {
                Err(e) if retries < self.settings.lock_retries && lock_retryable(e) && !stop() => {
                    tokio::time::sleep(backoff(retries)).await;
                    retries += 1;
                }
                _ => return (i, result, retries, started.elapsed()),
            }
        }
    }
}

/// A database's outcome from its result.
fn finished(
    wave: usize,
    result: Result<ApplyReport, String>,
    retries: u32,
    took: Duration,
) -> DbOutcome {
    let (status, report, error) = match result {
        Ok(r) if r.ran.is_empty() && r.would_run.is_empty() => (Status::UpToDate, Some(r), None),
        Ok(r) => (Status::Applied, Some(r), None),
        Err(e) => (Status::Failed, None, Some(e)),
    };
    DbOutcome {
        wave,
        status,
        report,
        error,
        retries,
        seconds: took.as_secs_f64(),
    }
}

#[cfg(test)]
#[path = "driver_tests.rs"]
mod tests;
