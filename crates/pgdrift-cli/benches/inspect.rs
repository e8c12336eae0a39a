//! The inspector benchmark: builds a synthetic database of 10,000 tables in 10 schemas on the
//! embedded server, then times `pgdrift inspect --format json` against
//! `pg_dump --schema-only` on it, in the same run, and reports pgdrift's peak memory.
//!
//! Run: `cargo bench -p pgdrift-cli --bench inspect`
//! (`PGDRIFT_BENCH_TABLES` changes the size, `PGDRIFT_BENCH_RUNS` the number of timed runs).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{env_number, median, time_runs, BigDatabase, SCHEMAS};
use nix::sys::resource::{getrusage, UsageWho};
use pgdrift::pg::Host;
use std::path::{Path, PathBuf};
use std::process::Command;
const TARGET_SECONDS: f64 = 1.0;
const TARGET_RATIO: f64 = 4.5;
const TARGET_RSS_MB: f64 = 300.0;

/// `pg_dump` next to the server binaries, else on PATH; with its major version.
fn find_pg_dump(bindir: &Path) -> Option<(PathBuf, u32)> {
    let candidates = [bindir.join("pg_dump"), PathBuf::from("pg_dump")];
    candidates.into_iter().find_map(|exe| {
        let out = Command::new(&exe).arg("--version").output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let major = text
            .split_whitespace()
            .find_map(|w| w.split('.').next()?.parse::<u32>().ok())?;
        Some((exe, major))
    })
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("inspect: bench");
        return;
    }
    let per_schema = env_number("PGDRIFT_BENCH_TABLES", 10_000) / SCHEMAS;
    let runs = env_number("PGDRIFT_BENCH_RUNS", 5).max(1);
    let big = BigDatabase::build(per_schema, &[]);
    let (server, info) = (&big.server, &big.info);
    let bins = server.binaries().clone();
    let url = info.to_string();
    let Host::Unix(socket_dir) = &info.hosts[0] else {
        unreachable!("the embedded server listens on a socket")
    };
    let out_dir = tempfile::tempdir().unwrap();
    let json = out_dir.path().join("catalog.json");
    let pgdrift = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
        c.args(["inspect", &url, "--format", "json", "-o"])
            .arg(&json);
        c
    };
    // Warm up (file cache, template), then time.
    time_runs(1, pgdrift);
    let before = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss();
    let ours = time_runs(runs, pgdrift);
    let rss_mb = getrusage(UsageWho::RUSAGE_CHILDREN)
        .unwrap()
        .max_rss()
        .max(before) as f64
        / 1024.0;
    let json_mb = std::fs::metadata(&json).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let ours_median = median(ours.clone()).as_secs_f64();
    println!(
        "pgdrift inspect --format json: median {:.3} s, best {:.3} s over {runs} runs ({json_mb:.1} MB of JSON); peak RSS {rss_mb:.0} MB",
        ours_median,
        ours.iter().min().unwrap().as_secs_f64()
    );
    let mut ok = ours_median <= TARGET_SECONDS && rss_mb <= TARGET_RSS_MB;
    match find_pg_dump(&bins.bindir) {
        Some((exe, major)) if major >= bins.major() => {
            let dump = out_dir.path().join("schema.sql");
            let pg_dump = || {
                let mut c = Command::new(&exe);
                c.args(["--schema-only", "-U", "postgres", "-d", "bench", "-f"])
                    .arg(&dump)
                    .arg("-h")
                    .arg(socket_dir);
                c
            };
            time_runs(1, pg_dump);
            let theirs = time_runs(runs, pg_dump);
            let theirs_median = median(theirs.clone()).as_secs_f64();
            let ratio = theirs_median / ours_median;
            println!(
                "pg_dump --schema-only ({}): median {:.3} s, best {:.3} s",
                exe.display(),
                theirs_median,
                theirs.iter().min().unwrap().as_secs_f64()
            );
            println!(
                "ratio: pgdrift is {ratio:.1}x faster than pg_dump (target >= {TARGET_RATIO}x)"
            );
            ok &= ratio >= TARGET_RATIO;
        }
        Some((exe, major)) => {
            println!(
                "pg_dump: {} is version {major}, older than the server; no comparison",
                exe.display()
            );
        }
        None => println!("pg_dump: not found next to the server or on PATH; no comparison"),
    }
    println!(
        "targets (<= {TARGET_SECONDS} s, >= {TARGET_RATIO}x pg_dump, <= {TARGET_RSS_MB} MB): {}",
        if ok { "met" } else { "NOT met" }
    );
}
