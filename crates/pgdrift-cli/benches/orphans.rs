//! The orphans benchmark: on the synthetic database of 10,000 tables in 10 schemas, times
//! `pgdrift orphans` (every table an orphan: no desired schema; and with a desired snapshot
//! that declares half of them) against `pgdrift inspect` in the same run. The target: at
//! most 2 s beyond `inspect`.
//!
//! Run: `cargo bench -p pgdrift-cli --bench orphans`
//! (`PGDRIFT_BENCH_TABLES` changes the size, `PGDRIFT_BENCH_RUNS` the number of timed runs).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{env_number, median, time_runs_ok, BigDatabase, SCHEMAS};
use std::process::Command;

const TARGET_EXTRA_SECONDS: f64 = 2.0;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("orphans: bench");
        return;
    }
    let per_schema = env_number("PGDRIFT_BENCH_TABLES", 10_000) / SCHEMAS;
    let runs = env_number("PGDRIFT_BENCH_RUNS", 5).max(1);
    let big = BigDatabase::build(per_schema, &[]);
    let url = big.info.to_string();
    let out_dir = tempfile::tempdir().unwrap();
    let json = out_dir.path().join("catalog.json");
    let run = |args: Vec<String>| {
        move || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
            c.args(&args);
            c
        }
    };
    let out = |name: &str| out_dir.path().join(name).display().to_string();
    let inspect = run(vec![
        "inspect".into(),
        url.clone(),
        "-f".into(),
        "json".into(),
        "-o".into(),
        json.display().to_string(),
    ]);
    time_runs_ok(1, &[0], inspect.clone());
    let desired = half_declared(&json, &out("desired.json"));
    let every = run(vec![
        "orphans".into(),
        url.clone(),
        "-f".into(),
        "json".into(),
        "-o".into(),
        out("every.json"),
    ]);
    let half = run(vec![
        "orphans".into(),
        url.clone(),
        "--desired".into(),
        format!("half={desired}"),
        "-f".into(),
        "json".into(),
        "-o".into(),
        out("half.json"),
    ]);
    time_runs_ok(1, &[1], every.clone());
    let base = median(time_runs_ok(runs, &[0], inspect)).as_secs_f64();
    println!("pgdrift inspect: median {base:.3} s over {runs} runs");
    let mut ok = true;
    for (label, cmd) in [
        ("orphans, every table (no desired schema)", every),
        ("orphans, half declared by a snapshot", half),
    ] {
        let t = median(time_runs_ok(runs, &[1], cmd)).as_secs_f64();
        let extra = t - base;
        println!(
            "pgdrift {label}: median {t:.3} s, {extra:+.3} s beyond inspect (target <= {TARGET_EXTRA_SECONDS:.1} s)"
        );
        ok &= extra <= TARGET_EXTRA_SECONDS;
    }
    println!("target {}", if ok { "met" } else { "NOT met" });
}

/// Writes a snapshot that keeps every other table of `catalog` (a JSON snapshot) to `to`.
fn half_declared(catalog: &std::path::Path, to: &str) -> String {
    let text = std::fs::read_to_string(catalog).expect("the inspect output");
    let mut snap: serde_json::Value = serde_json::from_str(&text).expect("a snapshot");
    let tables = snap["tables"].as_array_mut().expect("a list of tables");
    let kept: Vec<serde_json::Value> = tables.iter().step_by(2).cloned().collect();
    *tables = kept;
    std::fs::write(to, serde_json::to_string(&snap).unwrap()).unwrap();
    to.to_string()
}
