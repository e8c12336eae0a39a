//! The docs benchmark: on the synthetic database of 10,000 tables in 10 schemas, times
//! `pgdrift docs URL -o DIR` (Markdown pages) and `pgdrift docs URL --format html -o FILE`
//! (one page), catalog read included, each into a fresh output. Targets: Markdown at most
//! 3 s, HTML at most 5 s. For reference, `tbls doc` on the same database in the same run when
//! a `tbls` binary is on PATH (or `PGDRIFT_TBLS` names one); otherwise the run says why not.
//!
//! Run: `cargo bench -p pgdrift-cli --bench docs`
//! (`PGDRIFT_BENCH_TABLES` changes the size, `PGDRIFT_BENCH_RUNS` the number of timed runs).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{env_number, median, time_runs_ok, BigDatabase, SCHEMAS};
use pgdrift::pg::{ConnInfo, Host};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const MARKDOWN_TARGET: f64 = 3.0;
const HTML_TARGET: f64 = 5.0;

/// Files and bytes under `path` (a file counts as one).
fn written(path: &Path) -> (usize, u64) {
    if path.is_file() {
        return (1, path.metadata().map_or(0, |m| m.len()));
    }
    let mut total = (0, 0);
    for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
        let (files, bytes) = written(&entry.path());
        total = (total.0 + files, total.1 + bytes);
    }
    total
}

/// The median of `runs` runs of `pgdrift docs URL [extra] -o <fresh path>`, and the last
/// path written.
fn time_docs(url: &str, extra: &[&str], out: &Path, name: &str, runs: usize) -> (f64, PathBuf) {
    let n = AtomicUsize::new(0);
    let path = |i: usize| out.join(format!("{name}-{i}"));
    let cmd = || {
        let i = n.fetch_add(1, Ordering::Relaxed);
        let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
        c.arg("docs").arg(url).args(extra).arg("-o").arg(path(i));
        c
    };
    time_runs_ok(1, &[0], cmd);
    let t = median(time_runs_ok(runs, &[0], cmd)).as_secs_f64();
    (t, path(n.load(Ordering::Relaxed) - 1))
}

fn report(what: &str, t: f64, target: f64, runs: usize, path: &Path) {
    let (files, bytes) = written(path);
    println!(
        "{what}: median {t:.3} s over {runs} runs ({:.2}x the {target:.0} s target, {}; \
         {files} files, {:.1} MB)",
        t / target,
        if t <= target { "met" } else { "NOT met" },
        bytes as f64 / 1e6
    );
}

/// The `tbls` to compare with: `PGDRIFT_TBLS`, or `tbls` on PATH.
fn find_tbls() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGDRIFT_TBLS") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("tbls"))
        .find(|p| p.is_file())
}

/// The Go toolchain on PATH, for the note on tbls: `go version go1.19.8 linux/amd64`, or
/// `no Go toolchain on PATH`.
fn go_version() -> String {
    match Command::new("go").arg("version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => "no Go toolchain on PATH".to_string(),
    }
}

/// The database as tbls takes it (a URL; a socket directory goes in `host=`).
fn tbls_dsn(info: &ConnInfo) -> String {
    let user = info.user.as_deref().unwrap_or("postgres");
    let db = info.dbname.as_deref().unwrap_or("bench");
    let port = info.ports.first().copied().unwrap_or(5432);
    match info.hosts.first() {
        Some(Host::Unix(dir)) => format!(
            "postgres://{user}@/{db}?host={}&port={port}&sslmode=disable",
            dir.display()
        ),
        Some(Host::Tcp(host)) => format!("postgres://{user}@{host}:{port}/{db}?sslmode=disable"),
        None => format!("postgres://{user}@localhost:{port}/{db}?sslmode=disable"),
    }
}

/// `tbls doc` on the same database, compared with the Markdown run.
fn compare_tbls(info: &ConnInfo, out: &Path, runs: usize, markdown: f64) {
    let Some(tbls) = find_tbls() else {
        println!(
            "tbls: not compared: no `tbls` on PATH and PGDRIFT_TBLS unset ({}). tbls is a Go \
             program: put a release binary on PATH, or `go install \
             github.com/k1LoW/tbls@latest` with a current Go and the module proxy reachable",
            go_version()
        );
        return;
    };
    let dsn = tbls_dsn(info);
    let n = AtomicUsize::new(0);
    let cmd = || {
        let i = n.fetch_add(1, Ordering::Relaxed);
        let mut c = Command::new(&tbls);
        c.args(["doc", "--force", &dsn])
            .arg(out.join(format!("tbls-{i}")));
        c
    };
    time_runs_ok(1, &[0], cmd);
    let t = median(time_runs_ok(runs, &[0], cmd)).as_secs_f64();
    let last = out.join(format!("tbls-{}", n.load(Ordering::Relaxed) - 1));
    let (files, bytes) = written(&last);
    println!(
        "tbls doc ({}): median {t:.3} s over {runs} runs ({files} files, {:.1} MB); \
         pgdrift docs (Markdown) takes {:.2}x its time",
        tbls.display(),
        bytes as f64 / 1e6,
        markdown / t
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("docs: bench");
        return;
    }
    let per_schema = env_number("PGDRIFT_BENCH_TABLES", 10_000) / SCHEMAS;
    let runs = env_number("PGDRIFT_BENCH_RUNS", 5).max(1);
    let big = BigDatabase::build(per_schema, &[]);
    let url = big.info.to_string();
    let out = tempfile::tempdir().unwrap();
    let inspect = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
        c.args(["inspect", &url, "-f", "json", "-o"])
            .arg(out.path().join("catalog.json"));
        c
    };
    time_runs_ok(1, &[0], inspect);
    let base = median(time_runs_ok(runs, &[0], inspect)).as_secs_f64();
    println!(
        "pgdrift inspect -f json (the catalog read alone): median {base:.3} s over {runs} runs"
    );
    let (md, md_path) = time_docs(&url, &[], out.path(), "markdown", runs);
    report(
        "pgdrift docs (Markdown)",
        md,
        MARKDOWN_TARGET,
        runs,
        &md_path,
    );
    let html_args = ["--format", "html"];
    let html = match html_refused(&url, &html_args, out.path()) {
        Some(why) => {
            println!("pgdrift docs --format html: not measured: {why}");
            None
        }
        None => {
            let (html, path) = time_docs(&url, &html_args, out.path(), "docs.html", runs);
            report("pgdrift docs --format html", html, HTML_TARGET, runs, &path);
            Some(html)
        }
    };
    compare_tbls(&big.info, out.path(), runs, md);
    let met = md <= MARKDOWN_TARGET && html.is_none_or(|h| h <= HTML_TARGET);
    println!("targets {}", if met { "met" } else { "NOT met" });
}

/// Why `pgdrift docs` refuses `extra` (its error), when it does: a build whose HTML renderer
/// is missing says so instead of stopping the benchmark.
fn html_refused(url: &str, extra: &[&str], out: &Path) -> Option<String> {
    let probe = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .arg("docs")
        .arg(url)
        .args(extra)
        .arg("-o")
        .arg(out.join("probe.html"))
        .output()
        .expect("run pgdrift docs");
    let stderr = String::from_utf8_lossy(&probe.stderr);
    (!probe.status.success()).then(|| stderr.trim().to_string())
}
