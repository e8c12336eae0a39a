//! The diff benchmark: on the embedded server, the 10,000-table database of the inspector
//! benchmark and an empty database; times `pgdrift diff` from the empty one to the big one
//! and back against `migra` on the same pair, in the same run, and the in-memory time of
//! diff + plan of two 10,000-table catalogs (the big one and a changed copy), and of the
//! empty catalog and the big one.
//!
//! Run: `cargo bench -p pgdrift-cli --bench diff` (migra from PyPI:
//! `pip install migra psycopg2-binary`; `PGDRIFT_MIGRA` names another executable).
//! `PGDRIFT_BENCH_TABLES` changes the size, `PGDRIFT_BENCH_RUNS` the number of pgdrift
//! runs, `PGDRIFT_BENCH_MIGRA_RUNS` migra's (default 1: it takes about a minute a run).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{env_number, median, time_runs_ok, BigDatabase, SCHEMAS};
use pgdrift::diff::{diff, DiffOptions};
use pgdrift::pg::Host;
use pgdrift::plan::{plan, PlanOptions};
use pgdrift::source::{inspect, InspectOptions};
use std::process::Command;
use std::time::{Duration, Instant};

/// The allocator the `pgdrift` binary uses, so the in-memory figure is the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_RATIO: f64 = 7.0;
const TARGET_IN_MEMORY_MS: f64 = 150.0;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The migra executable, if it runs.
fn find_migra() -> Option<String> {
    let exe = std::env::var("PGDRIFT_MIGRA").unwrap_or_else(|_| "migra".to_string());
    Command::new(&exe)
        .arg("--help")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| exe)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("diff: bench");
        return;
    }
    let per_schema = env_number("PGDRIFT_BENCH_TABLES", 10_000) / SCHEMAS;
    let runs = env_number("PGDRIFT_BENCH_RUNS", 5).max(1);
    let migra_runs = env_number("PGDRIFT_BENCH_MIGRA_RUNS", 1).max(1);
    let big = BigDatabase::build(per_schema, &["empty"]);
    let bench_url = big.info.to_string();
    let empty_info = big.server.conninfo("empty");
    let empty_url = empty_info.to_string();
    let Host::Unix(socket) = &big.info.hosts[0] else {
        unreachable!("the embedded server listens on a socket")
    };
    let out = tempfile::tempdir().unwrap();

    // In memory: both catalogs read once, then diff + plan timed.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (empty, full) = rt.block_on(async {
        let opts = InspectOptions::default();
        (
            inspect(&empty_info, &opts).await.unwrap().snapshot.catalog,
            inspect(&big.info, &opts).await.unwrap().snapshot.catalog,
        )
    });
    let in_memory = |from, to| {
        let times: Vec<Duration> = (0..11)
            .map(|_| {
                let started = Instant::now();
                let d = diff(from, to, &DiffOptions::default());
                let p = plan(&d, &PlanOptions::default());
                let elapsed = started.elapsed();
                assert!(!p.steps.is_empty());
                elapsed
            })
            .collect();
        median(times)
    };
    // Two 10k catalogs: the big one, and the same with 1 table in 100 given a new column
    // and 1 in 100 a column retyped (which makes the planner build the dependency graph).
    let mut changed = full.clone();
    let mut edits = 0;
    for (i, t) in changed.tables.values_mut().enumerate() {
        if i % 100 == 0 {
            let mut c = t.columns[t.columns.len() - 1].clone();
            c.name = "added_note".into();
            c.position += 1;
            t.columns.push(c);
            edits += 1;
        } else if i % 100 == 1 {
            if let Some(c) = t.columns.iter_mut().find(|c| c.name == "price") {
                c.type_name = "numeric(14,2)".into();
                edits += 1;
            }
        }
    }
    let two = in_memory(&full, &changed);
    let two_back = in_memory(&changed, &full);
    println!(
        "diff + plan in memory, two {}-table catalogs ({edits} columns added or retyped): {:.1} ms, back {:.1} ms (median of 11)",
        big.tables,
        ms(two),
        ms(two_back)
    );
    let create = in_memory(&empty, &full);
    let drop = in_memory(&full, &empty);
    println!(
        "diff + plan in memory: empty -> {} tables {:.1} ms, back {:.1} ms (median of 11)",
        big.tables,
        ms(create),
        ms(drop)
    );
    let mut ok = ms(two) <= TARGET_IN_MEMORY_MS && ms(two_back) <= TARGET_IN_MEMORY_MS;

    // End to end, against migra on the same pair.
    let script = out.path().join("plan.sql");
    let pgdrift = |from: &str, to: &str| {
        let (from, to, script) = (from.to_string(), to.to_string(), script.clone());
        move || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
            c.args(["diff", &from, &to, "--allow-destructive", "-f", "sql", "-o"])
                .arg(&script);
            c
        }
    };
    // Warm up, then time; exit 1 means "they differ".
    time_runs_ok(1, &[1], pgdrift(&empty_url, &bench_url));
    let ours_create = median(time_runs_ok(runs, &[1], pgdrift(&empty_url, &bench_url)));
    let ours_drop = median(time_runs_ok(runs, &[1], pgdrift(&bench_url, &empty_url)));
    println!(
        "pgdrift diff: empty -> big {:.3} s, big -> empty {:.3} s (median of {runs})",
        ours_create.as_secs_f64(),
        ours_drop.as_secs_f64()
    );
    match find_migra() {
        Some(migra) => {
            let url = |db: &str| {
                format!(
                    "postgresql+psycopg2://postgres@/{db}?host={}",
                    socket.display()
                )
            };
            let run = |from: String, to: String| {
                let (migra, file) = (migra.clone(), out.path().join("migra.sql"));
                move || {
                    let mut c = Command::new(&migra);
                    c.args(["--unsafe", &from, &to])
                        .stdout(std::fs::File::create(&file).unwrap());
                    c
                }
            };
            // migra exits 2 when there are differences.
            let theirs_create = median(time_runs_ok(
                migra_runs,
                &[0, 2],
                run(url("empty"), url("bench")),
            ));
            let theirs_drop = median(time_runs_ok(
                migra_runs,
                &[0, 2],
                run(url("bench"), url("empty")),
            ));
            let (r1, r2) = (
                theirs_create.as_secs_f64() / ours_create.as_secs_f64(),
                theirs_drop.as_secs_f64() / ours_drop.as_secs_f64(),
            );
            println!(
                "migra ({migra}): empty -> big {:.3} s, big -> empty {:.3} s (median of {migra_runs})",
                theirs_create.as_secs_f64(),
                theirs_drop.as_secs_f64()
            );
            println!(
                "ratio: pgdrift is {r1:.1}x faster than migra creating and {r2:.1}x dropping (target >= {TARGET_RATIO}x)"
            );
            ok &= r1 >= TARGET_RATIO && r2 >= TARGET_RATIO;
        }
        None => {
            println!(
                "migra: not found (pip install migra psycopg2-binary, or set PGDRIFT_MIGRA); no comparison"
            );
            ok = false;
        }
    }
    println!(
        "targets (>= {TARGET_RATIO}x migra both ways, diff + plan of two 10k catalogs <= {TARGET_IN_MEMORY_MS} ms): {}",
        if ok { "met" } else { "NOT met" }
    );
}
