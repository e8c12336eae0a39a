//! The lint benchmark: on the synthetic database of 10,000 tables in 10 schemas, times
//! `pgdrift lint` (every schema rule and the statistics rules, catalog read included)
//! against `pgdrift inspect` of the same database in the same run. The target: at most
//! 1.5 s in all.
//!
//! Run: `cargo bench -p pgdrift-cli --bench lint`
//! (`PGDRIFT_BENCH_TABLES` changes the size, `PGDRIFT_BENCH_RUNS` the number of timed runs).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{env_number, median, time_runs_ok, BigDatabase, SCHEMAS};
use std::process::Command;

const TARGET_SECONDS: f64 = 1.5;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("lint: bench");
        return;
    }
    let per_schema = env_number("PGDRIFT_BENCH_TABLES", 10_000) / SCHEMAS;
    let runs = env_number("PGDRIFT_BENCH_RUNS", 5).max(1);
    let big = BigDatabase::build(per_schema, &[]);
    let url = big.info.to_string();
    let out_dir = tempfile::tempdir().unwrap();
    let out = |name: &str| out_dir.path().join(name).display().to_string();
    let run = |args: Vec<String>| {
        move || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
            c.args(&args);
            c
        }
    };
    let inspect = run(vec![
        "inspect".into(),
        url.clone(),
        "-f".into(),
        "json".into(),
        "-o".into(),
        out("catalog.json"),
    ]);
    let lint = run(vec![
        "lint".into(),
        url.clone(),
        "-f".into(),
        "json".into(),
        "-o".into(),
        out("lint.json"),
    ]);
    time_runs_ok(1, &[0], inspect.clone());
    time_runs_ok(1, &[0, 1], lint.clone());
    let base = median(time_runs_ok(runs, &[0], inspect)).as_secs_f64();
    let t = median(time_runs_ok(runs, &[0, 1], lint)).as_secs_f64();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out("lint.json")).unwrap()).unwrap();
    let findings = report["findings"].as_array().map_or(0, Vec::len);
    println!("pgdrift inspect -f json: median {base:.3} s over {runs} runs");
    println!(
        "pgdrift lint: median {t:.3} s ({:.2}x inspect, {findings} findings; target <= {TARGET_SECONDS:.1} s)",
        t / base
    );
    println!(
        "target {}",
        if t <= TARGET_SECONDS {
            "met"
        } else {
            "NOT met"
        }
    );
}
