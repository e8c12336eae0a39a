//! The fleet audit benchmark: on the embedded server, a template database holding a tenant
//! schema of 31 tables (keys, indexes, foreign keys, enums, functions, triggers, views) and a
//! dbmate tracking table, then N tenant databases copied from it (a few with a hand-made
//! index: drift to find). Times the real `pgdrift audit --config FILE -f json -o /dev/null`
//! over them as a whole process, with its peak RSS, against a shell loop that runs `psql`
//! once per database with the same catalog queries pgdrift runs, in the same run.
//!
//! The floor, timed in the same run: every database connected and `SELECT 1` run, with the
//! audit's concurrency (`--jobs`), from this process over tokio-postgres; the target is the
//! audit within `TARGET_FLOOR_RATIO` times the floor.
//!
//! Run: `cargo bench -p pgdrift-cli --bench audit` (needs `psql`; skipped without it).
//! `PGDRIFT_BENCH_TENANTS` lists the fleet sizes (default `100,1000`), `PGDRIFT_BENCH_RUNS`
//! the timed runs at sizes up to 100 (default 3; larger fleets are run once),
//! `PGDRIFT_BENCH_JOBS` the audit's `--jobs` and the floor's concurrency (default 4).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::{measured, measured_wrapper_main, median, Measured};
use pgdrift::pg::embedded::{EmbeddedOptions, EmbeddedServer, PgBinaries};
use pgdrift::pg::{connect, Host};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TARGET_RATIO: f64 = 20.0;
/// The audit's wall time at most this many times the connect-only floor's (issue 23).
const TARGET_FLOOR_RATIO: f64 = 3.0;
/// "Memory flat": peak RSS on the largest fleet at most this many times that on the smallest.
const MAX_RSS_GROWTH: f64 = 1.25;
/// Databases created at a time (CREATE DATABASE copies files: mostly I/O).
const CREATE_CONNECTIONS: usize = 2;

fn main() {
    measured_wrapper_main();
    if std::env::args().any(|a| a == "--list") {
        println!("audit: bench");
        return;
    }
    let Some(psql) = find_psql() else {
        println!(
            "audit: psql not found (install the PostgreSQL client, or put psql on PATH); skipped"
        );
        return;
    };
    let mut sizes: Vec<usize> = std::env::var("PGDRIFT_BENCH_TENANTS")
        .unwrap_or_else(|_| "100,1000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|&n| n > 0)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let runs = common::env_number("PGDRIFT_BENCH_RUNS", 3).max(1);
    let jobs = common::env_number("PGDRIFT_BENCH_JOBS", 4).max(1);
    println!("load average at the start: {}", load_average());
    let fleet = Fleet::start();
    let work = tempfile::tempdir().unwrap();
    let files = Files::write(work.path(), &fleet, jobs);
    let rows = files.check_psql(&psql, &fleet, "tmpl");
    println!(
        "psql: {}; its script returns {rows} rows per database",
        psql.display()
    );
    let mut results = Vec::new();
    let mut created = 0;
    for &n in &sizes {
        let started = Instant::now();
        fleet.create_tenants(created, n);
        created = n;
        println!(
            "{n} tenant databases ready in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let runs = if n <= 100 { runs } else { 1 };
        results.push(measure_size(&fleet, &files, &psql, n, runs));
    }
    print_table(&results);
    println!("load average at the end: {}", load_average());
    drop(fleet);
}

/// The 1, 5 and 15 minute load averages: other work on the machine skews the figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `psql` beside the server binaries (the client of the server's version, started directly),
/// else on PATH (on Debian that is `pg_wrapper`, a Perl script that costs about 30 ms more
/// per start).
fn find_psql() -> Option<PathBuf> {
    let bindir = PgBinaries::locate().ok().map(|b| b.bindir.join("psql"));
    [bindir, Some(PathBuf::from("psql"))]
        .into_iter()
        .flatten()
        .find(|exe| {
            Command::new(exe)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// The embedded server with the template database `tmpl`.
struct Fleet {
    server: EmbeddedServer,
    socket: PathBuf,
    major: u32,
    rt: tokio::runtime::Runtime,
}

impl Fleet {
    fn start() -> Fleet {
        pgdrift::pg::embedded::install_interrupt_cleanup();
        // No autovacuum: it would wake up on 1,000 fresh databases in the middle of a run. The
        // default max_connections (100) is plenty: the audit holds one session per database
        // being read, --jobs (8) at a time.
        let options = EmbeddedOptions {
            settings: vec!["autovacuum=off".into()],
            ..EmbeddedOptions::default()
        };
        let binaries = PgBinaries::locate().expect("PostgreSQL server binaries");
        let server = EmbeddedServer::start_with_options(binaries, &options)
            .expect("start the embedded server");
        let bins = server.binaries().clone();
        println!("server: {} ({})", bins.version_text, bins.bindir.display());
        let Host::Unix(socket) = &server.conninfo("postgres").hosts[0] else {
            unreachable!("the embedded server listens on a socket")
        };
        let fleet = Fleet {
            socket: socket.clone(),
            major: bins.major(),
            server,
            rt: tokio::runtime::Runtime::new().unwrap(),
        };
        fleet.rt.block_on(async {
            let admin = connect(&fleet.server.conninfo("postgres")).await.unwrap();
            admin
                .client
                .batch_execute("CREATE DATABASE tmpl")
                .await
                .unwrap();
            let tmpl = connect(&fleet.server.conninfo("tmpl")).await.unwrap();
            tmpl.client.batch_execute(TENANT_SQL).await.unwrap();
            // dbmate's tracking table, with the 24 migrations that built the schema.
            tmpl.client
                .batch_execute(
                    "CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY);\n\
                     INSERT INTO public.schema_migrations \
                     SELECT to_char(timestamp '2023-01-01' + i * interval '9 days', 'YYYYMMDDHH24MISS') \
                     FROM generate_series(1, 24) AS i;",
                )
                .await
                .unwrap();
            // Settle the catalogs as a database in use has them (hint bits, statistics).
            tmpl.client.batch_execute("VACUUM ANALYZE").await.unwrap();
        });
        fleet
    }

    /// Creates `tenant_NNNN` for NNNN in `from + 1 ..= to`, from the template; every 50th
    /// gets a hand-made index (an extra object for the audit to report).
    fn create_tenants(&self, from: usize, to: usize) {
        let strategy = if self.major >= 15 {
            " STRATEGY = FILE_COPY"
        } else {
            ""
        };
        let admin_info = self.server.conninfo("postgres");
        self.rt.block_on(async {
            let mut workers = tokio::task::JoinSet::new();
            for w in 0..CREATE_CONNECTIONS {
                let info = admin_info.clone();
                workers.spawn(async move {
                    let admin = connect(&info).await.unwrap();
                    let mut i = from + 1 + w;
                    while i <= to {
                        admin
                            .client
                            .batch_execute(&format!(
                                "CREATE DATABASE {} TEMPLATE tmpl{strategy}",
                                tenant(i)
                            ))
                            .await
                            .unwrap();
                        if i % 50 == 7 {
                            let db = connect(&info.with_dbname(&tenant(i))).await.unwrap();
                            db.client
                                .batch_execute(
                                    "CREATE INDEX tasks_title_idx ON public.tasks (title)",
                                )
                                .await
                                .unwrap();
                        }
                        if i % 100 == 0 || i == to {
                            eprint!("\rcreating tenant databases: {i}/{to}");
                        }
                        i += CREATE_CONNECTIONS;
                    }
                });
            }
            while let Some(done) = workers.join_next().await {
                done.unwrap();
            }
        });
        eprintln!();
    }

    /// The floor: every tenant up to `n` connected and `SELECT 1` run on it, `jobs` at a
    /// time, over tokio-postgres from this process (no TLS, the socket, as the audit
    /// connects). Returns the wall time.
    fn floor(&self, n: usize, jobs: usize) -> Duration {
        use futures_util::StreamExt as _;
        let port = self.server.conninfo("postgres").ports[0];
        let started = Instant::now();
        let connected = self.rt.block_on(
            futures_util::stream::iter(1..=n)
                .map(|i| {
                    let mut config = tokio_postgres::Config::new();
                    config
                        .host_path(&self.socket)
                        .port(port)
                        .user("postgres")
                        .dbname(tenant(i));
                    async move {
                        let (client, conn) = config.connect(tokio_postgres::NoTls).await?;
                        let task = tokio::spawn(conn);
                        client.simple_query("SELECT 1").await?;
                        drop(client);
                        let _ = task.await;
                        Ok::<_, tokio_postgres::Error>(())
                    }
                })
                .buffer_unordered(jobs)
                .collect::<Vec<_>>(),
        );
        let elapsed = started.elapsed();
        let failed: Vec<_> = connected.into_iter().filter_map(Result::err).collect();
        assert!(failed.is_empty(), "the floor failed: {failed:?}");
        elapsed
    }

    fn url(&self) -> String {
        self.server.conninfo("postgres").to_string()
    }

    /// libpq's variables for psql: the socket directory, its port, the superuser.
    fn psql_env(&self, cmd: &mut Command) {
        let port = self.server.conninfo("postgres").ports[0];
        cmd.env("PGHOST", &self.socket)
            .env("PGPORT", port.to_string())
            .env("PGUSER", "postgres");
    }
}

fn tenant(i: usize) -> String {
    format!("tenant_{i:04}")
}

/// The files both tools run from: pgdrift.toml with the tenant schema, and psql's scripts.
struct Files {
    config: PathBuf,
    /// The per-database script: the same queries pgdrift runs on each database.
    per_database: PathBuf,
    /// The server-wide inventory (run once, as pgdrift does).
    inventory: PathBuf,
    /// The shell loop.
    loop_script: PathBuf,
    /// pgdrift's cache directory for the runs (the desired schema is replayed once).
    cache: PathBuf,
    /// The audit's `--jobs`.
    jobs: usize,
}

impl Files {
    fn write(dir: &Path, fleet: &Fleet, jobs: usize) -> Files {
        std::fs::write(dir.join("tenant.sql"), TENANT_SQL).unwrap();
        let config = dir.join("pgdrift.toml");
        std::fs::write(
            &config,
            format!(
                "[[server]]\n\
                 name = \"bench\"\n\
                 url = \"{}\"\n\
                 stage = \"test\"\n\
                 databases = [\"tenant_*\"]\n\n\
                 [role.tenant]\n\
                 databases = [\"tenant_*\"]\n\
                 desired = \"tenant.sql\"\n",
                fleet.url()
            ),
        )
        .unwrap();
        let queries = Path::new(env!("CARGO_MANIFEST_DIR")).join("../pgdrift/src");
        let per_database = dir.join("per_database.sql");
        std::fs::write(&per_database, psql_script(&queries, fleet.major)).unwrap();
        let inventory = queries.join("fleet/queries/server_inventory.sql");
        let loop_script = dir.join("loop.sh");
        std::fs::write(
            &loop_script,
            "set -e\n\
             psql -X -q -A -t -v ON_ERROR_STOP=1 -d postgres -f \"$1\" | cut -d'|' -f1 | grep '^tenant_' > \"$3\"\n\
             for db in $(cat \"$3\"); do\n\
             \x20 psql -X -q -A -t -o /dev/null -v ON_ERROR_STOP=1 -d \"$db\" -f \"$2\"\n\
             done\n",
        )
        .unwrap();
        Files {
            config,
            per_database,
            inventory,
            loop_script,
            cache: dir.join("cache"),
            jobs,
        }
    }

    fn pgdrift(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
        c.args(["audit", "--config"])
            .arg(&self.config)
            .args(["-f", "json", "--jobs", &self.jobs.to_string()])
            .env("PGDRIFT_CACHE_DIR", &self.cache);
        c
    }

    /// The timed command: `pgdrift audit --config FILE -f json -o /dev/null`.
    fn pgdrift_timed(&self) -> Command {
        let mut c = self.pgdrift();
        c.args(["-o", "/dev/null"]);
        c
    }

    /// Runs the audit once with its JSON report kept, and checks it: `n` databases, every
    /// one read and compared, and the hand-made indexes found. Returns a summary.
    fn check_pgdrift(&self, n: usize) -> Checked {
        let report = self.config.with_file_name("report.json");
        let mut cmd = self.pgdrift();
        cmd.args(["-o"]).arg(&report);
        let run = measured(&cmd, &[0, 1]);
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let databases = json["databases"].as_array().map_or(0, Vec::len);
        assert_eq!(databases, n, "the audit listed {databases} databases");
        let mut codes = std::collections::BTreeMap::<String, usize>::new();
        for f in json["findings"].as_array().unwrap() {
            *codes
                .entry(f["code"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        let failures: Vec<&serde_json::Value> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| ["PA001", "PA002", "PA003"].contains(&f["code"].as_str().unwrap_or("")))
            .take(5)
            .collect();
        assert!(
            failures.is_empty(),
            "the audit failed to read: {failures:?}"
        );
        let drifted = (1..=n).filter(|i| i % 50 == 7).count();
        assert_eq!(
            codes.get("PA021").copied().unwrap_or(0),
            drifted,
            "{codes:?}"
        );
        Checked {
            run,
            databases,
            codes,
        }
    }

    fn psql_loop(&self, psql: &Path, fleet: &Fleet) -> Command {
        let mut c = Command::new("sh");
        c.arg(&self.loop_script)
            .arg(&self.inventory)
            .arg(&self.per_database)
            .arg(self.loop_script.with_extension("databases"))
            .env("PATH", path_with(psql));
        fleet.psql_env(&mut c);
        c
    }

    /// Runs the per-database script once on `db` with its output kept: it must succeed,
    /// print nothing on stderr and return catalog rows. Returns how many lines it printed.
    fn check_psql(&self, psql: &Path, fleet: &Fleet, db: &str) -> usize {
        let mut cmd = Command::new(psql);
        cmd.args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            db,
            "-f",
        ])
        .arg(&self.per_database);
        fleet.psql_env(&mut cmd);
        let out = cmd.output().expect("run psql");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "psql failed on the per-database script ({}): {stderr}",
            out.status
        );
        let lines = String::from_utf8_lossy(&out.stdout).lines().count();
        assert!(lines > 100, "the psql script read only {lines} rows");
        lines
    }
}

/// PATH with `psql`'s directory first.
fn path_with(psql: &Path) -> std::ffi::OsString {
    let mut dirs: Vec<PathBuf> = psql
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .into_iter()
        .collect();
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap()
}

/// The per-database psql script: in one read-only transaction with the settings pgdrift's
/// sessions use, the facts queries, the tracking table, then the catalog read as pgdrift runs
/// it on one connection — the scope and the extension members first, kept in psql variables
/// (`\gset`) where pgdrift passes them as parameters, then every other catalog query.
fn psql_script(src: &Path, major: u32) -> String {
    let read = |p: &str| std::fs::read_to_string(src.join(p)).unwrap();
    let catalog = src.join("source/catalog/queries");
    let mut names: Vec<String> = std::fs::read_dir(&catalog)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    let mut sql = String::from(
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n\
         SET LOCAL search_path = pg_catalog;\n\
         SET LOCAL TimeZone = 'UTC';\n\
         SET LOCAL DateStyle = 'ISO, MDY';\n\
         SET LOCAL IntervalStyle = 'postgres';\n\
         SET LOCAL extra_float_digits = 3;\n\
         SET LOCAL max_parallel_workers_per_gather = 0;\n\
         SET LOCAL jit = off;\n\
         SET LOCAL statement_timeout = 60000;\n\
         SET LOCAL lock_timeout = 10000;\n",
    );
    for facts in [
        "fleet/queries/database_facts.sql",
        "fleet/queries/extensions.sql",
    ] {
        let _ = writeln!(sql, "{};", read(facts).trim_end());
    }
    // The migration tracker: the tables named like one, then its rows.
    sql.push_str(
        "SELECT n.nspname, c.relname, array_agg(a.attname ORDER BY a.attnum), \
         array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         WHERE c.relkind IN ('r', 'p', 'v', 'f') \
         AND c.relname IN ('schema_migrations', 'migrations', 'ar_internal_metadata', \
         'goose_db_version', 'flyway_schema_history', '__drizzle_migrations') \
         AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' \
         GROUP BY n.nspname, c.relname;\n\
         SELECT version, NULL, NULL, NULL, NULL, 'applied', false \
         FROM public.schema_migrations ORDER BY length(version), version;\n",
    );
    // The scope (no schema filters: $1 NULL, $2 empty; one slice: $3 empty), into
    // :scope_namespaces.
    let scope = read("source/catalog/queries/scope.sql")
        .replace("$1::text[]", "NULL::text[]")
        .replace("$2::text[]", "'{}'::text[]")
        .replace("$3::float8[]", "'{}'::float8[]");
    let _ = writeln!(sql, "{} \\gset scope_", scope.trim_end());
    // The extension members, one variable per catalog the queries filter.
    let mut catalogs: Vec<String> = names
        .iter()
        .filter_map(|n| members_catalog(&std::fs::read_to_string(catalog.join(n)).unwrap()))
        .collect();
    catalogs.sort();
    catalogs.dedup();
    let members = read("source/catalog/queries/members.sql");
    let _ = write!(sql, "WITH m AS (\n{}\n)\nSELECT ", members.trim_end());
    for (i, c) in catalogs.iter().enumerate() {
        let sep = if i == 0 { "" } else { ",\n       " };
        let _ = write!(
            sql,
            "{sep}coalesce((SELECT members FROM m WHERE catalog = '{c}'), '{{}}') AS {c}"
        );
    }
    sql.push_str(" \\gset members_\n");
    for name in &names {
        // scope and members ran above; the relation slices only serve several connections;
        // server_*.sql deparse on the server what pgdrift could not (none here).
        if ["scope.sql", "members.sql", "shards.sql"].contains(&name.as_str())
            || name.starts_with("server_")
        {
            continue;
        }
        let text = std::fs::read_to_string(catalog.join(name)).unwrap();
        let _ = writeln!(sql, "{};", expand(&text, major).trim_end());
    }
    sql.push_str("COMMIT;\n");
    sql
}

/// The catalog a query's `{{not_in_extension CATALOG oid}}` tag names.
fn members_catalog(text: &str) -> Option<String> {
    let tag = "{{not_in_extension ";
    let at = text.find(tag)? + tag.len();
    text[at..].split_whitespace().next().map(str::to_string)
}

/// Expands the catalog queries' template tags for server version `major`, with psql
/// variables where pgdrift binds parameters: `$1` the namespaces in scope, `$2` the extension
/// members of the query's catalog; a single connection reads every relation (`$3`..`$4`).
fn expand(text: &str, major: u32) -> String {
    let members = members_catalog(text).map_or("'{}'".to_string(), |c| format!(":'members_{c}'"));
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").unwrap() + start;
        let words: Vec<&str> = rest[start + 2..end].split_whitespace().collect();
        rest = &rest[end + 2..];
        match words.as_slice() {
            ["schema_filter", n] => {
                let _ = write!(out, "{n}.oid = ANY ($1::oid[])");
            }
            ["not_in_extension", _, oid] => {
                let _ = write!(out, "{oid} <> ALL ($2::oid[])");
            }
            ["shard", oid] => {
                let _ = write!(out, "{oid} BETWEEN 0::oid AND 4294967295::oid");
            }
            // The audit deparses stored expressions itself: it reads the raw node trees.
            ["tree", column, ..] => {
                let _ = write!(out, "{}::text", column.trim_end_matches(','));
            }
            ["since", v] => {
                let v: u32 = v.parse().unwrap();
                let close = rest.find("{{end}}").unwrap();
                let body = &rest[..close];
                let (new, old) = body.split_once("{{else}}").unwrap_or((body, ""));
                out.push_str(if major >= v { new } else { old });
                rest = &rest[close + "{{end}}".len()..];
            }
            _ => panic!("unknown template tag {words:?}"),
        }
    }
    out.push_str(rest);
    out.replace("$1::oid[]", ":'scope_namespaces'::oid[]")
        .replace("$2::oid[]", &format!("{members}::oid[]"))
}

/// What a checked run found.
struct Checked {
    run: Measured,
    databases: usize,
    codes: std::collections::BTreeMap<String, usize>,
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} databases, findings", self.databases)?;
        for (code, count) in &self.codes {
            write!(f, " {code}x{count}")?;
        }
        Ok(())
    }
}

/// One fleet size's figures.
struct SizeResult {
    tenants: usize,
    pgdrift: Duration,
    pgdrift_runs: usize,
    rss_kib: i64,
    psql: Duration,
    psql_runs: usize,
    floor: Duration,
}

fn measure_size(fleet: &Fleet, files: &Files, psql: &Path, n: usize, runs: usize) -> SizeResult {
    // An untimed run first, its report checked: it also warms up (the desired schema is
    // replayed once and cached; the new databases' files are in the page cache).
    let check = files.check_pgdrift(n);
    println!(
        "N={n}: checked run {:.2} s: {check}",
        check.run.wall.as_secs_f64()
    );
    let ours: Vec<Measured> = (0..runs)
        .map(|_| measured(&files.pgdrift_timed(), &[0, 1]))
        .collect();
    let pgdrift = median(ours.iter().map(|m| m.wall).collect());
    let floors: Vec<Duration> = (0..runs).map(|_| fleet.floor(n, files.jobs)).collect();
    let floor = median(floors.clone());
    println!(
        "N={n}: floor (connect + SELECT 1, {} at a time) {:.2} s (median of {runs}: {})",
        files.jobs,
        floor.as_secs_f64(),
        seconds(floors.into_iter())
    );
    let rss_kib = ours.iter().map(|m| m.max_rss_kib).max().unwrap();
    println!(
        "N={n}: pgdrift audit {:.2} s (median of {runs}: {}), peak RSS {:.0} MB",
        pgdrift.as_secs_f64(),
        seconds(ours.iter().map(|m| m.wall)),
        rss_kib as f64 / 1024.0
    );
    let theirs: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let out = files.psql_loop(psql, fleet).output().expect("run sh");
            let elapsed = started.elapsed();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && stderr.trim().is_empty(),
                "the psql loop failed ({}): {stderr}",
                out.status
            );
            elapsed
        })
        .collect();
    let listed = std::fs::read_to_string(files.loop_script.with_extension("databases"))
        .map(|t| t.lines().count())
        .unwrap_or(0);
    assert_eq!(listed, n, "the psql loop listed {listed} databases");
    let psql_time = median(theirs.clone());
    println!(
        "N={n}: psql loop {:.2} s (median of {runs}: {})",
        psql_time.as_secs_f64(),
        seconds(theirs.into_iter())
    );
    SizeResult {
        tenants: n,
        pgdrift,
        pgdrift_runs: runs,
        rss_kib,
        psql: psql_time,
        psql_runs: runs,
        floor,
    }
}

fn seconds(times: impl Iterator<Item = Duration>) -> String {
    times
        .map(|d| format!("{:.2}", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_table(results: &[SizeResult]) {
    println!();
    println!(
        "{:>6}  {:>10}  {:>10}  {:>12}  {:>10}  {:>12}  {:>11}",
        "N", "pgdrift", "floor", "audit/floor", "psql loop", "psql/pgdrift", "pgdrift RSS"
    );
    let (mut fast, mut near_floor) = (true, true);
    for r in results {
        let ratio = r.psql.as_secs_f64() / r.pgdrift.as_secs_f64();
        let over_floor = r.pgdrift.as_secs_f64() / r.floor.as_secs_f64();
        fast &= ratio >= TARGET_RATIO;
        near_floor &= over_floor <= TARGET_FLOOR_RATIO;
        println!(
            "{:>6}  {:>8.2} s  {:>8.2} s  {:>11.2}x  {:>8.2} s  {:>11.1}x  {:>8.0} MB   (runs: {})",
            r.tenants,
            r.pgdrift.as_secs_f64(),
            r.floor.as_secs_f64(),
            over_floor,
            r.psql.as_secs_f64(),
            ratio,
            r.rss_kib as f64 / 1024.0,
            r.pgdrift_runs.max(r.psql_runs)
        );
    }
    println!(
        "target audit <= {TARGET_FLOOR_RATIO}x the connect-only floor: {}",
        if near_floor { "met" } else { "NOT met" }
    );
    println!(
        "(older target >= {TARGET_RATIO}x faster than the psql loop: {})",
        if fast { "met" } else { "NOT met" }
    );
    let (Some(small), Some(big)) = (results.first(), results.last()) else {
        return;
    };
    if big.tenants == small.tenants {
        println!("memory flat: needs two fleet sizes (PGDRIFT_BENCH_TENANTS=100,1000)");
        return;
    }
    let growth = big.rss_kib as f64 / small.rss_kib as f64;
    println!(
        "memory flat (RSS at {} within {MAX_RSS_GROWTH}x of RSS at {}): {:.0} MB vs {:.0} MB ({growth:.2}x): {}",
        big.tenants,
        small.tenants,
        big.rss_kib as f64 / 1024.0,
        small.rss_kib as f64 / 1024.0,
        if growth <= MAX_RSS_GROWTH { "met" } else { "NOT met" }
    );
}

/// The tenant schema: the template's content and the role's desired schema. 31 tables of a
/// project-management product with billing, as one database per customer holds it.
const TENANT_SQL: &str = r#"
CREATE TYPE user_role AS ENUM ('owner', 'admin', 'member', 'guest');
CREATE TYPE task_status AS ENUM ('todo', 'doing', 'review', 'done', 'archived');
CREATE TYPE invoice_status AS ENUM ('draft', 'open', 'paid', 'void', 'uncollectible');
CREATE TYPE priority AS ENUM ('low', 'normal', 'high', 'urgent');

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN NEW.updated_at := now(); RETURN NEW; END$$;
CREATE FUNCTION slugify(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS
$$SELECT trim(both '-' from regexp_replace(lower(t), '[^a-z0-9]+', '-', 'g'))$$;

CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug text NOT NULL UNIQUE,
    plan text NOT NULL DEFAULT 'free',
    settings jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    email text NOT NULL,
    full_name text,
    role user_role NOT NULL DEFAULT 'member',
    password_hash text,
    last_seen_at timestamptz,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX users_account_idx ON users (account_id);
CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    user_agent text,
    ip inet,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE TABLE api_keys (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    name text NOT NULL,
    prefix char(8) NOT NULL UNIQUE,
    key_hash bytea NOT NULL,
    scopes text[] NOT NULL DEFAULT '{}',
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE teams (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);
CREATE TABLE team_members (
    team_id bigint NOT NULL REFERENCES teams ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    is_lead boolean NOT NULL DEFAULT false,
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);
CREATE TABLE folders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    parent_id bigint REFERENCES folders ON DELETE CASCADE,
    name text NOT NULL,
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX folders_parent_idx ON folders (parent_id);
CREATE TABLE projects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    team_id bigint REFERENCES teams ON DELETE SET NULL,
    folder_id bigint REFERENCES folders ON DELETE SET NULL,
    name text NOT NULL,
    slug text GENERATED ALWAYS AS (slugify(name)) STORED,
    description text,
    starts_on date,
    ends_on date,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX projects_account_idx ON projects (account_id) WHERE NOT archived;
CREATE UNIQUE INDEX projects_slug_key ON projects (account_id, slug);
CREATE TABLE milestones (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    title text NOT NULL,
    due_on date
);
CREATE INDEX milestones_project_idx ON milestones (project_id, due_on);
CREATE TABLE tasks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    milestone_id bigint REFERENCES milestones ON DELETE SET NULL,
    parent_id bigint REFERENCES tasks ON DELETE CASCADE,
    assignee_id bigint REFERENCES users ON DELETE SET NULL,
    title text NOT NULL CHECK (title <> ''),
    body text,
    status task_status NOT NULL DEFAULT 'todo',
    priority priority NOT NULL DEFAULT 'normal',
    estimate_hours numeric(6,2) CHECK (estimate_hours >= 0),
    due_at timestamptz,
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_project_status_idx ON tasks (project_id, status);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id) WHERE status <> 'done';
CREATE INDEX tasks_due_idx ON tasks (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX tasks_parent_idx ON tasks (parent_id);
CREATE TABLE task_comments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    author_id bigint REFERENCES users ON DELETE SET NULL,
    body text NOT NULL,
    edited boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_comments_task_idx ON task_comments (task_id, created_at);
CREATE TABLE tags (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name text NOT NULL,
    color char(7) NOT NULL DEFAULT '#888888' CHECK (color ~ '^#[0-9a-f]{6}$'),
    UNIQUE (account_id, name)
);
CREATE TABLE task_tags (
    task_id bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    tag_id bigint NOT NULL REFERENCES tags ON DELETE CASCADE,
    PRIMARY KEY (task_id, tag_id)
);
CREATE INDEX task_tags_tag_idx ON task_tags (tag_id);
CREATE TABLE time_entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users,
    started_at timestamptz NOT NULL,
    minutes integer NOT NULL CHECK (minutes > 0),
    billable boolean NOT NULL DEFAULT true,
    note text
);
CREATE INDEX time_entries_task_idx ON time_entries (task_id);
CREATE INDEX time_entries_user_day_idx ON time_entries (user_id, ((started_at AT TIME ZONE 'UTC')::date));
CREATE TABLE files (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    folder_id bigint REFERENCES folders ON DELETE SET NULL,
    name text NOT NULL,
    content_type text NOT NULL DEFAULT 'application/octet-stream',
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    sha256 bytea NOT NULL,
    uploaded_by bigint REFERENCES users ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX files_folder_idx ON files (folder_id);
CREATE TABLE attachments (
    task_id bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    file_id uuid NOT NULL REFERENCES files ON DELETE CASCADE,
    PRIMARY KEY (task_id, file_id)
);
CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    name text NOT NULL,
    email text,
    tax_id text,
    currency char(3) NOT NULL DEFAULT 'EUR',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_account_idx ON customers (account_id);
CREATE TABLE addresses (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('billing', 'shipping')),
    line1 text NOT NULL,
    line2 text,
    city text NOT NULL,
    postal_code text,
    country char(2) NOT NULL
);
CREATE INDEX addresses_customer_idx ON addresses (customer_id);
CREATE TABLE products (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE prices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    currency char(3) NOT NULL,
    unit_amount numeric(12,2) NOT NULL CHECK (unit_amount >= 0),
    valid_from date NOT NULL DEFAULT current_date,
    valid_to date,
    UNIQUE (product_id, currency, valid_from)
);
CREATE TABLE subscriptions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    price_id bigint NOT NULL REFERENCES prices,
    quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    started_at timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz
);
CREATE INDEX subscriptions_customer_idx ON subscriptions (customer_id) WHERE cancelled_at IS NULL;
CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    number text NOT NULL UNIQUE,
    status invoice_status NOT NULL DEFAULT 'draft',
    currency char(3) NOT NULL,
    issued_on date,
    due_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, issued_on DESC);
CREATE INDEX invoices_open_idx ON invoices (due_on) WHERE status = 'open';
CREATE TABLE invoice_lines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id bigint NOT NULL REFERENCES invoices ON DELETE CASCADE,
    product_id bigint REFERENCES products,
    description text NOT NULL,
    quantity numeric(10,3) NOT NULL DEFAULT 1,
    unit_amount numeric(12,2) NOT NULL,
    tax_rate numeric(5,4) NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 1)
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id);
CREATE TABLE payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id bigint NOT NULL REFERENCES invoices,
    amount numeric(12,2) NOT NULL CHECK (amount <> 0),
    method text NOT NULL,
    external_ref text UNIQUE,
    paid_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
CREATE TABLE webhooks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    url text NOT NULL CHECK (url ~ '^https://'),
    events text[] NOT NULL,
    secret text NOT NULL,
    active boolean NOT NULL DEFAULT true
);
CREATE TABLE webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id bigint NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    event text NOT NULL,
    payload jsonb NOT NULL,
    response_status smallint,
    attempts smallint NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (next_attempt_at)
    WHERE response_status IS NULL;
CREATE TABLE notifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    kind text NOT NULL,
    data jsonb NOT NULL DEFAULT '{}',
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at DESC) WHERE read_at IS NULL;
CREATE TABLE settings (
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    key text NOT NULL,
    value jsonb NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL,
    actor_id bigint,
    action text NOT NULL,
    subject_type text NOT NULL,
    subject_id text NOT NULL,
    changes jsonb,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_at_idx ON audit_log USING brin (at);
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    user_id bigint REFERENCES users ON DELETE SET NULL,
    properties jsonb NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_name_at_idx ON events (name, at);
CREATE INDEX events_properties_idx ON events USING gin (properties);
CREATE TABLE invitations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
    email text NOT NULL,
    role user_role NOT NULL DEFAULT 'member',
    token text NOT NULL UNIQUE,
    invited_by bigint REFERENCES users ON DELETE SET NULL,
    accepted_at timestamptz,
    expires_at timestamptz NOT NULL DEFAULT now() + interval '7 days'
);
CREATE SEQUENCE invoice_number_seq START 1000;

CREATE TRIGGER accounts_updated BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER users_updated BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER projects_updated BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER tasks_updated BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER invoices_updated BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE FUNCTION invoice_total(invoice bigint) RETURNS numeric LANGUAGE sql STABLE AS
$$SELECT coalesce(sum(quantity * unit_amount * (1 + tax_rate)), 0)::numeric(14,2)
  FROM invoice_lines WHERE invoice_id = invoice$$;

CREATE VIEW open_tasks AS
    SELECT t.id, t.title, t.status, t.priority, t.due_at, p.name AS project, u.email AS assignee
    FROM tasks t JOIN projects p ON p.id = t.project_id LEFT JOIN users u ON u.id = t.assignee_id
    WHERE t.status NOT IN ('done', 'archived');
CREATE VIEW overdue_invoices AS
    SELECT i.id, i.number, c.name AS customer, i.due_on, invoice_total(i.id) AS total
    FROM invoices i JOIN customers c ON c.id = i.customer_id
    WHERE i.status = 'open' AND i.due_on < current_date;
CREATE VIEW active_users AS
    SELECT id, account_id, email, role FROM users
    WHERE deleted_at IS NULL AND last_seen_at > now() - interval '30 days';
CREATE VIEW project_stats AS
    SELECT p.id, p.name, count(t.id) AS tasks,
           count(t.id) FILTER (WHERE t.status = 'done') AS done,
           coalesce(sum(te.minutes), 0) AS minutes
    FROM projects p LEFT JOIN tasks t ON t.project_id = p.id
    LEFT JOIN time_entries te ON te.task_id = t.id
    GROUP BY p.id, p.name;
COMMENT ON TABLE tasks IS 'Work items of a project';
COMMENT ON COLUMN tasks.position IS 'Order within its status column';
"#;
