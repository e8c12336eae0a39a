//! The sources benchmark: `pgdrift inspect` on a migrations directory of 200 files, to JSON,
//! on the embedded default: cold (no template cluster, no cache), warm (template present, the
//! replay cache skipped) and a cache hit; and how long a warm embedded server takes to be
//! ready.
//!
//! Run: `cargo bench -p pgdrift-cli --bench sources` (`PGDRIFT_BENCH_FILES` changes the
//! number of migrations, `PGDRIFT_BENCH_RUNS` the number of timed runs).

#![allow(clippy::print_stdout)]

use pgdrift::pg::embedded::EmbeddedServer;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A plain migrations directory: tables, indexes, constraints, a function and views, spread
/// over `files` numbered files.
fn write_migrations(dir: &Path, files: usize) {
    std::fs::write(
        dir.join("0000_schema.sql"),
        "CREATE SCHEMA app;\nCREATE TYPE app.state AS ENUM ('new', 'done');\n",
    )
    .unwrap();
    for i in 1..files {
        let sql = match i % 4 {
            0 => format!("ALTER TABLE app.t{} ADD COLUMN extra_{i} text NOT NULL DEFAULT '';\nCREATE INDEX t{}_extra_{i} ON app.t{} (extra_{i});\n", i - 2, i - 2, i - 2),
            3 => format!("CREATE VIEW app.v{i} AS SELECT id, name FROM app.t{} WHERE state = 'new';\n", i - 1),
            _ => format!(
                "CREATE TABLE app.t{i} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL CHECK (name <> ''),\n  state app.state NOT NULL DEFAULT 'new',\n  created_at timestamptz NOT NULL DEFAULT now(),\n  parent_id bigint REFERENCES app.t{i} (id)\n);\nCREATE INDEX t{i}_state ON app.t{i} (state) WHERE state = 'new';\nCOMMENT ON TABLE app.t{i} IS 'table {i}';\n"
            ),
        };
        std::fs::write(dir.join(format!("{i:04}_step.sql")), sql).unwrap();
    }
}

fn inspect(dir: &Path, cache: &Path, extra: &[&str]) -> Duration {
    let out = cache.join("out.json");
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args([
            "inspect",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .env("PGDRIFT_CACHE_DIR", cache)
        .status()
        .expect("run pgdrift");
    let elapsed = started.elapsed();
    assert!(status.success());
    elapsed
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("sources: bench");
        return;
    }
    let files = env_number("PGDRIFT_BENCH_FILES", 200).max(2);
    let runs = env_number("PGDRIFT_BENCH_RUNS", 5).max(1);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    write_migrations(&dir, files);
    println!("{files} migration files in {}", dir.display());

    // Cold: a cache directory that holds nothing, so initdb runs first.
    let cold: Vec<Duration> = (0..runs)
        .map(|i| inspect(&dir, &work.path().join(format!("cold{i}")), &[]))
        .collect();
    let cache = work.path().join("warm");
    inspect(&dir, &cache, &[]);
    let warm: Vec<Duration> = (0..runs)
        .map(|_| inspect(&dir, &cache, &["--no-cache"]))
        .collect();
    let hit: Vec<Duration> = (0..runs).map(|_| inspect(&dir, &cache, &[])).collect();

    // What hashing the files costs on its own, and a warm server's start, in this process.
    let hashing = median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                let mut h = Sha256::new();
                let mut names: Vec<_> = std::fs::read_dir(&dir)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .collect();
                names.sort();
                for p in names {
                    h.update(std::fs::read(p).unwrap());
                }
                std::hint::black_box(h.finalize());
                started.elapsed()
            })
            .collect(),
    );
    std::env::set_var("PGDRIFT_CACHE_DIR", &cache);
    let starts: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let server = EmbeddedServer::start().expect("start the embedded server");
            let ready = started.elapsed();
            drop(server);
            ready
        })
        .collect();

    let (cold, warm, hit, start) = (median(cold), median(warm), median(hit), median(starts));
    println!("cold (initdb, replay, read):        {:8.1} ms", ms(cold));
    println!("warm (template, replay, read):      {:8.1} ms", ms(warm));
    println!(
        "cache hit:                          {:8.1} ms (hashing the files alone: {:.1} ms)",
        ms(hit),
        ms(hashing)
    );
    println!("warm embedded server ready:         {:8.1} ms", ms(start));
    let beyond = ms(hit) - ms(hashing);
    println!(
        "targets (warm server ready <= 1000 ms, cache hit <= 100 ms beyond hashing): {} ({:.1} ms ready, {:.1} ms beyond hashing)",
        if ms(start) <= 1000.0 && beyond <= 100.0 { "met" } else { "NOT met" },
        ms(start),
        beyond
    );
}
