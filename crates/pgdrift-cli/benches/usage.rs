//! The usage benchmark: `pgdrift usage --code TREE SNAPSHOT` over a generated code tree
//! (50,000 files, about 500 MB, in six languages) holding references to 2,000 table names,
//! against ripgrep counting the same names as words (`rg -w -c -e name1 -e name2 …`) over
//! the same tree, in the same run, both with a warm page cache.
//!
//! Run: `cargo bench -p pgdrift-cli --bench usage` (ripgrep: Debian's `ripgrep` package;
//! `PGDRIFT_RG` names another executable). `PGDRIFT_BENCH_FILES`, `PGDRIFT_BENCH_NAMES` and
//! `PGDRIFT_BENCH_RUNS` change the size and the number of timed runs; `PGDRIFT_BENCH_KEEP=DIR`
//! writes the tree and the schema into DIR and keeps them.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{env_number, median, time_runs_ok};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

const TARGET_RATIO: f64 = 1.5;
const WORDS: &[&str] = &[
    "account", "order", "invoice", "line", "customer", "product", "stock", "event", "audit",
    "session", "payment", "refund", "ticket", "message", "thread", "tenant", "user", "role",
];
const EXTENSIONS: &[&str] = &["ts", "py", "js", "rb", "sql", "go"];

/// `n` table names made of the vocabulary code uses too (`order_line_12`).
fn table_names(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let (a, b) = (
                WORDS[i % WORDS.len()],
                WORDS[(i / WORDS.len()) % WORDS.len()],
            );
            format!("{a}_{b}_{i}")
        })
        .collect()
}

/// A source file of about `size` bytes: ordinary code, with a reference to a table in one
/// line of 40, written the way its language would.
fn source_file(i: usize, size: usize, names: &[String], ext: &str) -> String {
    let mut out = String::with_capacity(size + 200);
    let mut line = 0usize;
    while out.len() < size {
        line += 1;
        let w = |k: usize| WORDS[(i * 7 + line * 13 + k) % WORDS.len()];
        if line % 40 == 0 {
            let name = &names[(i * 31 + line) % names.len()];
            let _ = match ext {
                "ts" | "js" => {
                    writeln!(out, "  const rows = await knex('{name}').where('id', id);")
                }
                "py" => writeln!(
                    out,
                    "    cur.execute(\"SELECT * FROM {name} WHERE id = %s\", (id,))"
                ),
                "rb" => writeln!(out, "  self.table_name = \"{name}\""),
                "sql" => writeln!(out, "update {name} set updated_at = now() where id = 1;"),
                _ => writeln!(out, "\t// {name} holds the {} of each {}", w(1), w(2)),
            };
        } else {
            let _ = writeln!(
                out,
                "    let {}_{} = compute_{}({}Count, {}_id); // the {} of the {}",
                w(0),
                w(1),
                w(2),
                w(3),
                w(4),
                w(5),
                w(6)
            );
        }
    }
    out
}

fn write_tree(root: &Path, files: usize, names: &[String]) -> u64 {
    let mut bytes = 0u64;
    for i in 0..files {
        let dir = root.join(format!("pkg{}/mod{}", i % 50, (i / 50) % 20));
        std::fs::create_dir_all(&dir).unwrap();
        let ext = EXTENSIONS[i % EXTENSIONS.len()];
        let text = source_file(i, 6_000 + (i * 7919) % 8_000, names, ext);
        bytes += text.len() as u64;
        std::fs::write(dir.join(format!("file{i}.{ext}")), text).unwrap();
    }
    bytes
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("usage: bench");
        return;
    }
    let files = env_number("PGDRIFT_BENCH_FILES", 50_000).max(1);
    let count = env_number("PGDRIFT_BENCH_NAMES", 2_000).max(1);
    let runs = env_number("PGDRIFT_BENCH_RUNS", 3).max(1);
    let rg = std::env::var("PGDRIFT_RG").unwrap_or_else(|_| "rg".into());
    if Command::new(&rg).arg("--version").output().is_err() {
        panic!("ripgrep ({rg}) not found: install Debian's ripgrep package or set PGDRIFT_RG");
    }
    let dir = tempfile::tempdir().unwrap();
    // PGDRIFT_BENCH_KEEP=DIR writes the tree and the schema there and keeps them.
    let keep = std::env::var_os("PGDRIFT_BENCH_KEEP").map(std::path::PathBuf::from);
    let root = keep.as_deref().unwrap_or(dir.path());
    let (tree, names) = (root.join("code"), table_names(count));
    let bytes = write_tree(&tree, files, &names);
    println!(
        "code tree: {files} files, {:.0} MB, {count} table names",
        bytes as f64 / 1e6
    );
    // The schema: the names as tables, read once into a snapshot (not timed).
    let schema = root.join("schema.sql");
    let ddl: String = names
        .iter()
        .map(|n| format!("CREATE TABLE {n} (id int);\n"))
        .collect();
    std::fs::write(&schema, ddl).unwrap();
    let snapshot = root.join("schema.json");
    let status = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(["inspect", schema.to_str().unwrap(), "-f", "json", "-o"])
        .arg(&snapshot)
        .status()
        .expect("run pgdrift inspect");
    assert!(status.success(), "pgdrift inspect of the schema failed");
    let pgdrift = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
        c.args(["usage", "--code"]).arg(&tree).arg(&snapshot).args([
            "-f",
            "json",
            "-o",
            "/dev/null",
        ]);
        c
    };
    let ripgrep = || {
        let mut c = Command::new(&rg);
        c.args(["-w", "-c"]);
        for n in &names {
            c.args(["-e", n]);
        }
        c.arg(&tree).stdout(std::process::Stdio::null());
        c
    };
    // Warm the page cache and check both run.
    time_runs_ok(1, &[0, 1], pgdrift);
    time_runs_ok(1, &[0], ripgrep);
    let ours = median(time_runs_ok(runs, &[0, 1], pgdrift));
    let theirs = median(time_runs_ok(runs, &[0], ripgrep));
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
    println!(
        "pgdrift usage: {:.3} s   ripgrep: {:.3} s   ratio {ratio:.2}x (target <= {TARGET_RATIO}x) {}",
        ours.as_secs_f64(),
        theirs.as_secs_f64(),
        if ratio <= TARGET_RATIO { "met" } else { "NOT MET" }
    );
}
