//! A fleet audit split over machines: `pgdrift audit --shard K/N` on each, then
//! `pgdrift report merge`. The N shards together hold every database exactly once, and the
//! merged report is the report of the unsharded audit; a missing, doubled or foreign shard
//! report is refused.

mod common;

use common::text;
use pgdrift::fleet::demo;
use pgdrift::fleet::shard::Shard;
use pgdrift::sql::Ident;
use pgdrift::testing::admin_conninfo;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

fn pgdrift_in(dir: &Path, args: &[&str]) -> Output {
    common::pgdrift_in(Some(dir), args)
}

/// The demo fleet with eight more tenants cloned from one of its own, statistics counters
/// off (so reading a database twice finds the same evidence) and a server that is down.
async fn fleet(dir: &Path, tag: &str) -> String {
    let admin = admin_conninfo();
    let prefix = format!("shard{}{tag}_", std::process::id());
    demo::build(&admin, dir, &prefix).await.unwrap();
    let conn = pgdrift::pg::connect(&admin).await.unwrap();
    let mut names: Vec<String> = demo::DATABASES
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect();
    for i in 1..=8 {
        let name = format!("{prefix}tenant_clone{i}");
        let template = format!("{prefix}tenant_globex");
        for sql in [
            format!("DROP DATABASE IF EXISTS {}", Ident(&name)),
            format!(
                "CREATE DATABASE {} TEMPLATE {}",
                Ident(&name),
                Ident(&template)
            ),
        ] {
            conn.client.batch_execute(&sql).await.unwrap();
        }
        names.push(name);
    }
    for name in &names {
        let sql = format!("ALTER DATABASE {} SET track_counts = off", Ident(name));
        conn.client.batch_execute(&sql).await.unwrap();
    }
    let config = dir.join("pgdrift.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[[server]]\nname = \"down\"\nurl = \"postgres://audit:hunter2@127.0.0.1:1/postgres?connect_timeout=2\"\nstage = \"production\"\n",
    );
    std::fs::write(&config, text).unwrap();
    prefix
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn names(report: &Value) -> Vec<String> {
    report["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}/{}",
                d["server"].as_str().unwrap(),
                d["name"].as_str().unwrap()
            )
        })
        .collect()
}

/// What changes between two reads of the same database: the server's activity counters,
/// sizes and maintenance times.
fn steady(mut report: Value) -> Value {
    for d in report["databases"].as_array_mut().unwrap() {
        let d = d.as_object_mut().unwrap();
        d.remove("activity");
        d.remove("size_bytes");
        if let Some(facts) = d.get_mut("facts").and_then(Value::as_object_mut) {
            facts.remove("tables");
        }
    }
    report
}

#[tokio::test]
async fn four_shards_cover_the_fleet_once_and_merge_into_the_unsharded_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fleet(d, "m").await;
    let all = pgdrift_in(d, &["audit", "--lint", "-f", "json", "-o", "all.json"]);
    assert_eq!(all.status.code(), Some(1), "{}", text(&all));
    let all_report = json(&d.join("all.json"));
    assert!(
        all_report.get("shard").is_none(),
        "an unsharded report has no part"
    );
    let every: Vec<String> = names(&all_report);
    assert_eq!(every.len(), 13, "{every:?}");

    let mut seen = BTreeSet::new();
    let mut nonempty = 0;
    for k in 1..=4 {
        let file = format!("shard-{k}.json");
        let shard = format!("{k}/4");
        let out = pgdrift_in(
            d,
            &[
                "audit", "--lint", "--shard", &shard, "-f", "json", "-o", &file,
            ],
        );
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
        let report = json(&d.join(&file));
        assert_eq!(report["shard"]["shard"], shard.as_str());
        let held = names(&report);
        nonempty += usize::from(!held.is_empty());
        if k == 1 {
            let out = pgdrift_in(d, &["audit", "--shard", &shard]);
            assert!(text(&out).contains(", shard 1/4"), "{}", text(&out));
        }
        for name in held {
            assert!(seen.insert(name.clone()), "{name} is in two shards");
        }
    }
    assert_eq!(
        seen,
        every.iter().cloned().collect(),
        "the shards cover the fleet"
    );
    assert!(
        nonempty >= 2,
        "13 databases spread over more than one shard"
    );

    let merged = pgdrift_in(
        d,
        &[
            "report",
            "merge",
            "shard-3.json",
            "shard-1.json",
            "shard-4.json",
            "shard-2.json",
            "-f",
            "json",
            "-o",
            "merged.json",
            "--html",
            "fleet.html",
        ],
    );
    assert_eq!(merged.status.code(), Some(1), "{}", text(&merged));
    let merged_report = json(&d.join("merged.json"));
    assert_eq!(steady(merged_report), steady(all_report));
    let html = std::fs::read_to_string(d.join("fleet.html")).unwrap();
    assert!(html.contains("id=\"drift-matrix\""));
    assert!(!html.contains("hunter2") && !text(&merged).contains("hunter2"));

    let shown = pgdrift_in(
        d,
        &[
            "report",
            "merge",
            "shard-1.json",
            "shard-2.json",
            "shard-3.json",
            "shard-4.json",
        ],
    );
    assert_eq!(shown.status.code(), Some(1), "{}", text(&shown));
    let t = text(&shown);
    assert!(t.contains("tenant_clone1"), "{t}");
    // As the shipped GitHub Actions workflow runs it.
    let md = pgdrift_in(
        d,
        &[
            "report",
            "merge",
            "shard-2.json",
            "shard-4.json",
            "shard-1.json",
            "shard-3.json",
            "--html",
            "fleet.html",
            "-f",
            "markdown",
            "-o",
            "fleet.md",
        ],
    );
    assert_eq!(md.status.code(), Some(1), "{}", text(&md));
    let markdown = std::fs::read_to_string(d.join("fleet.md")).unwrap();
    assert!(markdown.contains("tenant_clone8"), "{markdown}");
    assert!(t.contains("PA001"), "the server that is down: {t}");
}

#[tokio::test]
async fn shard_reports_that_do_not_make_one_audit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fleet(d, "r").await;
    for (k, n) in [(1, 2), (2, 2), (1, 3)] {
        let file = format!("s{k}of{n}.json");
        let shard = format!("{k}/{n}");
        let out = pgdrift_in(d, &["audit", "--shard", &shard, "-f", "json", "-o", &file]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    }
    let plain = pgdrift_in(d, &["audit", "-f", "json", "-o", "plain.json"]);
    assert!(
        matches!(plain.status.code(), Some(0 | 1)),
        "{}",
        text(&plain)
    );
    std::fs::write(d.join("junk.json"), "{\"format_version\": 1").unwrap();
    for (files, expected) in [
        (vec!["s1of2.json"], "shard(s) 2 of 2 missing"),
        (
            vec!["s1of2.json", "s2of2.json", "s1of2.json"],
            "shard 1/2 is given twice",
        ),
        (
            vec!["s1of2.json", "s1of3.json"],
            "is shard 1/3 but s1of2.json is shard 1/2",
        ),
        (
            vec!["s1of2.json", "plain.json"],
            "plain.json is not a shard's report",
        ),
        (vec!["junk.json"], "junk.json: not an audit report in JSON"),
        (vec!["nowhere.json"], "nowhere.json: "),
    ] {
        let mut args = vec!["report", "merge"];
        args.extend(files.iter().copied());
        args.extend(["-o", "out.json"]);
        let out = pgdrift_in(d, &args);
        assert_eq!(out.status.code(), Some(2), "{files:?}: {}", text(&out));
        assert!(
            text(&out).contains(expected),
            "{files:?}: {expected:?} not in {}",
            text(&out)
        );
        assert!(!d.join("out.json").exists(), "nothing is written");
    }
    for bad in ["3/2", "0/4", "1/0", "x/4", "2"] {
        let out = pgdrift_in(d, &["audit", "--shard", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
        assert!(
            text(&out).contains("K/N") || text(&out).contains("shard"),
            "{bad}: {}",
            text(&out)
        );
    }
}

#[tokio::test]
async fn migrate_apply_on_two_shards_migrates_each_database_once() {
    let admin = admin_conninfo();
    let conn = pgdrift::pg::connect(&admin).await.unwrap();
    let prefix = format!("shardmig{}_", std::process::id());
    let names: Vec<String> = (0..10).map(|i| format!("{prefix}{i}")).collect();
    for name in &names {
        for sql in [
            format!("DROP DATABASE IF EXISTS {}", Ident(name)),
            format!("CREATE DATABASE {} TEMPLATE template0", Ident(name)),
        ] {
            conn.client.batch_execute(&sql).await.unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    std::fs::write(
        migrations.join("001_notes.sql"),
        "CREATE TABLE notes (id int);\n",
    )
    .unwrap();
    let server = pgdrift::pg::ConnInfo {
        password: None,
        ..admin.clone()
    }
    .to_string();
    let pattern = format!("{prefix}*");
    let server_key = pgdrift::fleet::Target::new(admin.clone()).server();
    let migrated = |conn: pgdrift::pg::Connection| async move {
        let sql = "SELECT to_regclass('public.notes') IS NOT NULL";
        conn.client
            .query_one(sql, &[])
            .await
            .unwrap()
            .get::<_, bool>(0)
    };
    for k in 1..=2u32 {
        let shard = format!("{k}/2");
        let args = [
            "migrate",
            "apply",
            "--dir",
            migrations.to_str().unwrap(),
            "--server",
            &server,
            "--databases",
            &pattern,
            "--shard",
            &shard,
        ];
        let out = pgdrift_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let t = text(&out);
        for (i, name) in names.iter().enumerate() {
            let ours = Shard::of(&server_key, name, 2);
            let c = pgdrift::pg::connect(&admin.with_dbname(name))
                .await
                .unwrap();
            let done = migrated(c).await;
            assert_eq!(
                done,
                ours <= k,
                "{name} (shard {ours}) after shard {k}/2: {t}"
            );
            if ours == k {
                assert!(t.contains(&format!("{prefix}{i}")), "{name} not in\n{t}");
            }
        }
    }
}

/// The shipped Kubernetes Job and GitHub Actions workflow agree with themselves on N and use
/// the commands and flags as pgdrift takes them.
#[test]
fn the_shipped_examples_use_one_shard_count_and_real_flags() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sharded-audit");
    let k8s = std::fs::read_to_string(root.join("kubernetes-job.yaml")).unwrap();
    assert!(k8s.contains("completions: 4") && k8s.contains("parallelism: 4"));
    assert!(k8s.contains("--shard \"$k/4\"") && k8s.contains("completionMode: Indexed"));
    assert!(k8s.contains("pgdrift report merge /reports/shard-*.json"));
    let gha = std::fs::read_to_string(root.join("github-actions.yml")).unwrap();
    assert!(gha.contains("shard: [1, 2, 3, 4]"));
    assert!(gha.contains("--shard ${{ matrix.shard }}/4"));
    assert!(
        gha.contains("pgdrift report merge shard-*.json --html fleet.html -f markdown -o fleet.md")
    );
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["audit", "--shard", "4/4", "--help"][..],
        &["report", "merge", "--help"][..],
    ] {
        let out = pgdrift_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
    }
}
