//! Convergence: for every case in `tests/fixtures/diff/<case>/{from,to}.sql`, load both
//! schemas into fresh databases, plan from one to the other, apply the plan, read the
//! result back and require no difference left — in both directions. The forward plans of
//! all cases are one insta snapshot per server major version.
//!
//! `PGDRIFT_DIFF_CASES=glob` runs only the matching cases.

mod common;

use futures_util::stream::{self, StreamExt};
use pgdrift::diff::{diff, Diff, DiffOptions};
use pgdrift::model::Snapshot;
use pgdrift::pipeline::{self, Target};
use pgdrift::plan::PlanOptions;
use pgdrift::report::script::{render_sql, ScriptContext};
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;

/// What is left after a plan ran, indented under the message.
fn indented(remaining: &[String]) -> String {
    let lines: Vec<String> = remaining.iter().map(|l| format!("  {l}")).collect();
    lines.join("\n")
}

/// What is left of a diff, one line per change, in the words the assertions below look for.
fn describe(d: &Diff<'_>) -> String {
    d.changes
        .iter()
        .map(|c| {
            let fields: Vec<String> = c
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} -> {}",
                        f.field,
                        f.from.as_ref().map_or("-".into(), |v| v.to_string()),
                        f.to.as_ref().map_or("-".into(), |v| v.to_string())
                    )
                })
                .collect();
            format!(
                "  {} {} {} {}",
                c.op.as_str(),
                c.kind.info().singular,
                c.name,
                fields.join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn load(sql: &str) -> Result<TestDb, String> {
    let db = TestDb::new().await;
    let conn = db.connect().await;
    conn.client.batch_execute(sql).await.map_err(|e| {
        e.as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string())
    })?;
    Ok(db)
}

/// The forward and reversed plans of one case: their scripts, or what went wrong.
struct Outcome {
    case: String,
    forward: Result<String, String>,
    reverse: Result<String, String>,
}

/// Loads both sides, then plans and applies `from` -> `to` on the first database and
/// `to` -> `from` on the second.
async fn run_case(case: String, from_sql: &str, to_sql: &str) -> Outcome {
    let failed = |e: String| Outcome {
        case: case.clone(),
        forward: Err(e.clone()),
        reverse: Err(e),
    };
    let a = match load(from_sql).await {
        Ok(db) => db,
        Err(e) => return failed(format!("{case}: loading from.sql: {e}")),
    };
    let b = match load(to_sql).await {
        Ok(db) => db,
        Err(e) => return failed(format!("{case}: loading to.sql: {e}")),
    };
    let opts = InspectOptions::default();
    let (ca, cb) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let same_files = from_sql.trim() == to_sql.trim();
    let forward = converge(&case, &a, &ca, &cb, same_files).await;
    let reverse = converge(&format!("{case} (reversed)"), &b, &cb, &ca, same_files).await;
    Outcome {
        case,
        forward,
        reverse,
    }
}

/// Plans `from` -> `to`, applies the plan to `db` (which holds `from`), and checks that
/// nothing differs afterwards. Returns the plan's script.
async fn converge(
    case: &str,
    db: &TestDb,
    from: &Snapshot,
    to: &Snapshot,
    same_files: bool,
) -> Result<String, String> {
    let d = diff(&from.catalog, &to.catalog, &DiffOptions::default());
    if d.is_empty() && !same_files {
        return Err(format!(
            "{case}: from.sql and to.sql differ, but pgdrift finds no difference"
        ));
    }
    let options = PlanOptions {
        server_version_num: from.source.server_version_num,
        ..PlanOptions::default()
    };
    let conn = db.connect().await;
    let (inspect, diff_options) = (InspectOptions::default(), DiffOptions::default());
    let target = Target::new(&conn, db.conninfo(), &inspect, &diff_options);
    let c = target.converge(&from.catalog, &to.catalog, &options).await;
    let script = render_sql(
        &c.plan,
        &ScriptContext {
            allow_destructive: true,
            ..Default::default()
        },
    );
    let done = c.outcome.map_err(|e| format!("{case}: {e}\n{script}"))?;
    if !done.remaining.is_empty() {
        return Err(format!(
            "{case}: differences left after applying the plan:\n{}\n{script}",
            indented(&done.remaining)
        ));
    }
    Ok(script)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_case_converges_both_ways() {
    let cases = common::diff_cases();
    assert!(!cases.is_empty(), "no diff fixtures found");
    let dir = common::diff_case_dir();
    let major = common::server_major(&TestDb::new().await).await;
    let mut results: Vec<Outcome> = stream::iter(cases.into_iter().map(|case| {
        let dir = dir.clone();
        async move {
            if let Some(needs) = common::case_needs_major(&case).filter(|&n| n > major) {
                let skipped = format!("-- needs PostgreSQL {needs}\n");
                return Outcome {
                    case,
                    forward: Ok(skipped.clone()),
                    reverse: Ok(skipped),
                };
            }
            let read = |f: &str| {
                std::fs::read_to_string(dir.join(&case).join(f))
                    .unwrap_or_else(|e| panic!("{case}/{f}: {e}"))
            };
            let (from, to) = (read("from.sql"), read("to.sql"));
            run_case(case, &from, &to).await
        }
    }))
    .buffer_unordered(6)
    .collect()
    .await;
    results.sort_by(|a, b| a.case.cmp(&b.case));
    let failures: Vec<&String> = results
        .iter()
        .flat_map(|o| [&o.forward, &o.reverse])
        .filter_map(|r| r.as_ref().err())
        .collect();
    if !failures.is_empty() {
        let names: Vec<&str> = failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or(""))
            .collect();
        panic!(
            "{} of {} plans did not converge: {}\n\n{}",
            failures.len(),
            results.len() * 2,
            names.join(", "),
            failures
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
    if std::env::var("PGDRIFT_DIFF_CASES").is_err() {
        let all: String = results
            .iter()
            .map(|o| {
                format!(
                    "==== {}\n{}\n",
                    o.case,
                    o.forward.as_ref().expect("converged")
                )
            })
            .collect();
        insta::with_settings!({
            snapshot_suffix => format!("pg{major}"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("plans", all);
        });
    }
}

/// The plan of `from` -> `to`, applied, and what differs afterwards.
async fn planned(from_sql: &str, to_sql: &str) -> (pgdrift::plan::Plan, String) {
    let (a, b) = (
        TestDb::with_sql(from_sql).await,
        TestDb::with_sql(to_sql).await,
    );
    let opts = InspectOptions::default();
    let (from, to) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let conn = a.connect().await;
    let diff_options = DiffOptions::default();
    let target = Target::new(&conn, a.conninfo(), &opts, &diff_options);
    let p = pipeline::converge::plan(
        &from.catalog,
        &to.catalog,
        &diff_options,
        &PlanOptions::default(),
    );
    target.apply(&p).await.unwrap_or_else(|e| panic!("{e}"));
    let after = target.read().await.unwrap_or_else(|e| panic!("{e}"));
    (p, describe(&diff(&after, &to.catalog, &diff_options)))
}

#[tokio::test]
async fn keys_and_indexes_that_differ_only_by_name_are_renamed() {
    for case in ["constraint_rename_unique_and_fk", "index_rename"] {
        let read =
            |f: &str| std::fs::read_to_string(common::diff_case_dir().join(case).join(f)).unwrap();
        let (from, to) = (read("from.sql"), read("to.sql"));
        for (a, b) in [(&from, &to), (&to, &from)] {
            let (p, left) = planned(a, b).await;
            assert_eq!(left, "", "{case}");
            let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
            assert!(
                sql.iter()
                    .all(|s| s.contains(" RENAME ") || s.starts_with("COMMENT ON")),
                "{case}: only renames (and comments): {sql:#?}"
            );
            assert_eq!(
                sql.iter().filter(|s| s.contains(" RENAME ")).count(),
                2,
                "{sql:#?}"
            );
        }
    }
}

#[tokio::test]
async fn invalid_indexes_and_dropped_logic_carry_hazards_of_their_own() {
    use pgdrift::plan::HazardKind;
    let base = "
        CREATE TABLE t (id int PRIMARY KEY, a int, b int);
        CREATE INDEX t_a ON t (a);
        CREATE INDEX t_b ON t (b);";
    let from = format!(
        "{base}
        UPDATE pg_index SET indisvalid = false WHERE indexrelid IN ('t_a'::regclass, 't_b'::regclass);
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
        CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
        ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY t_mine ON t USING (a > 0);"
    );
    let to = "
        CREATE TABLE t (id int PRIMARY KEY, a int, b int);
        CREATE INDEX t_a ON t (a);
        ALTER TABLE t ENABLE ROW LEVEL SECURITY;";
    let (p, left) = planned(&from, to).await;
    assert_eq!(left, "");
    let hazard = |sql: &str, kind: HazardKind| {
        let step = p.steps.iter().find(|s| s.sql == sql);
        let step = step.unwrap_or_else(|| panic!("no step {sql}: {:#?}", p.steps));
        step.hazards
            .iter()
            .find(|h| h.kind == kind)
            .map(|h| h.detail.clone())
            .unwrap_or_else(|| panic!("{sql}: no {kind:?} in {:?}", step.hazards))
    };
    let rebuilt = hazard("DROP INDEX public.t_a", HazardKind::InvalidIndex);
    assert!(
        rebuilt.contains("INVALID") && rebuilt.contains("built again"),
        "{rebuilt}"
    );
    let dropped = hazard("DROP INDEX public.t_b", HazardKind::InvalidIndex);
    assert!(
        dropped.contains("INVALID") && !dropped.contains("again"),
        "{dropped}"
    );
    hazard(
        "DROP TRIGGER t_touch ON public.t",
        HazardKind::DropsBehavior,
    );
    hazard("DROP POLICY t_mine ON public.t", HazardKind::DropsBehavior);
    let f = hazard("DROP FUNCTION public.touch()", HazardKind::DropsBehavior);
    assert!(f.contains("t_touch"), "{f}");
    // The other way, an index INVALID in TO is not rebuilt (it cannot be made invalid):
    // a manual step says why, and that difference stays.
    let invalid = "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 't_a'::regclass;";
    let (back, left) = planned(to, &format!("{base}\n{invalid}")).await;
    assert!(
        back.steps.iter().all(|s| !s.sql.contains("t_a")),
        "{:#?}",
        back.steps
    );
    assert!(back
        .manual
        .iter()
        .any(|m| m.reason.contains("INVALID in TO")));
    assert!(left.contains("alter index public.t_a valid"), "{left}");
}

#[tokio::test]
async fn a_type_change_postgres_cannot_cast_is_a_manual_step_not_a_failing_script() {
    let from = "CREATE TABLE public.e (id int PRIMARY KEY, at bigint, n int);";
    let to = "CREATE TABLE public.e (id int PRIMARY KEY, at timestamp, n bigint);";
    let (plan, left) = planned(from, to).await;
    // The column that can change does; the one that cannot is left to a manual step.
    assert!(
        plan.steps
            .iter()
            .any(|s| s.sql.contains("COLUMN n TYPE bigint")),
        "{:#?}",
        plan.steps
    );
    assert!(
        plan.steps.iter().all(|s| !s.sql.contains("COLUMN at")),
        "{:#?}",
        plan.steps
    );
    let manual: Vec<&str> = plan.manual.iter().map(|m| m.reason.as_str()).collect();
    assert!(
        manual
            .iter()
            .any(|r| r.contains("no cast from bigint to timestamp without time zone")),
        "{manual:?}"
    );
    assert!(left.contains("public.e.at"), "{left}");
    assert!(!left.contains("public.e.n"), "{left}");
}

#[tokio::test]
async fn a_collation_that_columns_use_is_recreated_by_hand_only() {
    let schema = |locale: &str| {
        format!(
            "CREATE SCHEMA app;\n\
             CREATE COLLATION app.sorting (provider = libc, locale = '{locale}');\n\
             CREATE TABLE app.users (id int PRIMARY KEY, sku text COLLATE app.sorting);\n\
             CREATE INDEX users_sku ON app.users (sku);"
        )
    };
    let (p, left) = planned(&schema("C"), &schema("POSIX")).await;
    // The plan runs (nothing half-way), leaves the collation as it was and says why.
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("COLLATION")),
        "{:#?}",
        p.steps
    );
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    let m = &p.manual[0];
    assert_eq!(
        (m.kind, m.object.as_str()),
        (pgdrift::model::Kind::Collation, "app.sorting")
    );
    assert!(m.reason.contains("table app.users use it"), "{}", m.reason);
    assert!(left.contains("alter collation app.sorting"), "{left}");
}

#[tokio::test]
async fn a_setting_named_like_a_secret_is_set_by_hand_never_by_the_script() {
    let setting = |value: &str| {
        format!(
            "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET app.api_token = %L', \
             current_database(), '{value}'); END$$;"
        )
    };
    let (p, left) = planned(&setting("old-s3cret"), &setting("new-s3cret")).await;
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("s3cret")),
        "{:#?}",
        p.steps
    );
    assert!(
        p.manual
            .iter()
            .any(|m| m.reason.contains("looks like a secret's")),
        "{:#?}",
        p.manual
    );
    assert!(left.contains("app.api_token"), "{left}");
}

#[tokio::test]
async fn a_table_whose_partitioning_changes_holds_back_its_partitions_steps() {
    let plain = "CREATE TABLE public.ev (id int NOT NULL, d date NOT NULL, v text);\n\
                 CREATE VIEW public.ev_v AS SELECT id, v FROM public.ev;";
    let by_range = "CREATE TABLE public.ev (id int NOT NULL, d date NOT NULL, v text) PARTITION BY RANGE (d);\n\
                    CREATE TABLE public.ev_2026 PARTITION OF public.ev FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n\
                    CREATE INDEX ev_2026_v ON public.ev_2026 (v);\n\
                    CREATE VIEW public.ev_v AS SELECT id, v FROM public.ev;";
    let by_list = "CREATE TABLE public.ev (id int NOT NULL, d date NOT NULL, v text) PARTITION BY LIST (d);\n\
                   CREATE TABLE public.ev_2026 PARTITION OF public.ev FOR VALUES IN ('2026-01-01');\n\
                   CREATE INDEX ev_2026_v ON public.ev_2026 (v);\n\
                   CREATE VIEW public.ev_v AS SELECT id, v FROM public.ev;";
    for (from, to) in [(plain, by_range), (by_range, plain), (by_range, by_list)] {
        // The plan runs to the end (planned applies it), touches no partition, and says why.
        let (plan, left) = planned(from, to).await;
        assert!(
            plan.steps.iter().all(|s| !s.sql.contains("ev_2026")),
            "{:#?}",
            plan.steps
        );
        let reasons: Vec<&str> = plan.manual.iter().map(|m| m.reason.as_str()).collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("cannot change a table's kind or partition key")),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("held back until public.ev is rebuilt")
                    && r.contains("public.ev_2026")),
            "{reasons:?}"
        );
        assert!(left.contains("public.ev"), "{left}");
    }
}

#[tokio::test]
async fn a_parent_column_dropped_stays_in_the_children_that_keep_it() {
    let from = "CREATE TABLE public.parent (id int, a text DEFAULT 'p', b int);\n\
                CREATE TABLE public.child (a text DEFAULT 'c', c int) INHERITS (public.parent);\n\
                CREATE TABLE public.child2 (x int) INHERITS (public.parent);\n\
                INSERT INTO public.child (id, b) VALUES (1, 42);";
    let to = "CREATE TABLE public.parent (id int, a text DEFAULT 'p');\n\
              CREATE TABLE public.child (a text DEFAULT 'c', c int, b int) INHERITS (public.parent);\n\
              CREATE TABLE public.child2 (x int) INHERITS (public.parent);";
    // child.b is only inherited in FROM and its own in TO: ONLY keeps it there, with its
    // values, and child2 drops its copy itself.
    let (plan, left) = planned(from, to).await;
    let sql: Vec<&str> = plan.steps.iter().map(|s| s.sql.as_str()).collect();
    assert!(
        sql.contains(&"ALTER TABLE ONLY public.parent DROP COLUMN b"),
        "{sql:#?}"
    );
    assert!(
        sql.contains(&"ALTER TABLE public.child2 DROP COLUMN b"),
        "{sql:#?}"
    );
    assert!(left.is_empty(), "{left}");
    // The other way the column would become inherited-only, which PostgreSQL cannot do
    // without dropping its values: a manual step says so, and the script still runs.
    let (back, left) = planned(to, from).await;
    assert!(
        back.manual
            .iter()
            .any(|m| m.object == "public.child.b" && m.reason.contains("inherited-only")),
        "{:#?}",
        back.manual
    );
    assert!(left.contains("public.child.b"), "{left}");
}

#[tokio::test]
async fn an_on_only_index_dropped_is_not_called_a_failed_build() {
    let dir = common::diff_case_dir().join("partition_index_on_only");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let (plan, left) = planned(&read("to.sql"), &read("from.sql")).await;
    assert!(left.is_empty(), "{left}");
    let drop = plan
        .steps
        .iter()
        .find(|s| s.sql.starts_with("DROP INDEX"))
        .unwrap_or_else(|| panic!("{:#?}", plan.steps));
    assert!(
        drop.hazards
            .iter()
            .all(|h| h.kind != pgdrift::plan::HazardKind::InvalidIndex),
        "{:#?}",
        drop.hazards
    );
}

#[tokio::test]
async fn an_exclusion_constraints_index_comment_and_clustering_are_read_and_planned() {
    let dir = common::diff_case_dir().join("exclusion_index_comment_cluster");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let (plan, left) = planned(&read("from.sql"), &read("to.sql")).await;
    assert!(left.is_empty(), "{left}");
    let sql: Vec<&str> = plan.steps.iter().map(|s| s.sql.as_str()).collect();
    assert!(
        sql.iter()
            .any(|s| s.starts_with("COMMENT ON INDEX public.booking_no_overlap")),
        "{sql:#?}"
    );
    assert!(
        sql.iter()
            .any(|s| s.contains("CLUSTER ON booking_no_overlap")),
        "{sql:#?}"
    );
}

#[tokio::test]
async fn a_plan_naming_a_missing_role_stops_before_changing_anything() {
    let role = format!("ghost_{}", std::process::id());
    let from = "CREATE TYPE public.mood AS ENUM ('a');\nCREATE TABLE public.t (m public.mood);";
    let to = format!(
        "CREATE ROLE {role};\nCREATE TYPE public.mood AS ENUM ('a', 'b');\n\
         CREATE TABLE public.t (m public.mood);\nGRANT SELECT ON public.t TO {role};"
    );
    let (a, b) = (TestDb::with_sql(from).await, TestDb::with_sql(&to).await);
    let opts = InspectOptions::default();
    let (from_snap, to_snap) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    // The role is gone from the server the plan runs on.
    b.execute(&format!(
        "REVOKE ALL ON public.t FROM {role}; DROP ROLE {role};"
    ))
    .await;
    let diff_options = DiffOptions::default();
    let p = pipeline::converge::plan(
        &from_snap.catalog,
        &to_snap.catalog,
        &diff_options,
        &PlanOptions::default(),
    );
    assert!(p.steps[0].sql.starts_with("DO "), "{:#?}", p.steps);
    let conn = a.connect().await;
    let target = Target::new(&conn, a.conninfo(), &opts, &diff_options);
    let err = target
        .apply(&p)
        .await
        .expect_err("the check stops the plan");
    assert!(
        err.to_string()
            .contains(&format!("role {role} does not exist")),
        "{err}"
    );
    // Not even the label, which is added outside the transaction, went in.
    let after = target.read().await.unwrap();
    assert_eq!(
        diff(&after, &from_snap.catalog, &diff_options)
            .changes
            .len(),
        0
    );
}

#[tokio::test]
async fn a_text_search_object_that_columns_use_is_recreated_by_hand_only() {
    let schema = |template: &str| {
        format!(
            "CREATE SCHEMA app;\n\
             CREATE TEXT SEARCH DICTIONARY app.words (TEMPLATE = {template});\n\
             CREATE TEXT SEARCH CONFIGURATION app.docs (PARSER = default);\n\
             ALTER TEXT SEARCH CONFIGURATION app.docs ADD MAPPING FOR asciiword WITH app.words;\n\
             CREATE TABLE app.pages (id int PRIMARY KEY, body text, tsv tsvector \
             GENERATED ALWAYS AS (to_tsvector('app.docs'::regconfig, body)) STORED);"
        )
    };
    let (p, left) = planned(&schema("simple"), &schema("snowball, language = english")).await;
    // The plan runs (nothing half-way), leaves the dictionary as it was and says why.
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("TEXT SEARCH")),
        "{:#?}",
        p.steps
    );
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    let m = &p.manual[0];
    assert_eq!(
        (m.kind, m.object.as_str()),
        (pgdrift::model::Kind::TextSearchDictionary, "app.words")
    );
    assert!(m.reason.contains("table app.pages use it"), "{}", m.reason);
    assert!(left.contains("app.words"), "{left}");
}

#[tokio::test]
async fn a_configuration_whose_parser_changes_under_a_generated_column_is_a_manual_step() {
    let schema = |parser: &str| {
        format!(
            "CREATE SCHEMA app;\n\
             CREATE TEXT SEARCH PARSER app.words (START = prsd_start, GETTOKEN = prsd_nexttoken, \
             END = prsd_end, LEXTYPES = prsd_lextype);\n\
             CREATE TEXT SEARCH CONFIGURATION app.docs (PARSER = {parser});\n\
             ALTER TEXT SEARCH CONFIGURATION app.docs ADD MAPPING FOR asciiword WITH simple;\n\
             CREATE TABLE app.pages (id int PRIMARY KEY, body text);\n\
             CREATE INDEX pages_fts ON app.pages USING gin (to_tsvector('app.docs', body));\n\
             CREATE TABLE app.notes (id int PRIMARY KEY, body text, tsv tsvector \
             GENERATED ALWAYS AS (to_tsvector('app.docs'::regconfig, body)) STORED);"
        )
    };
    // A generated column uses the configuration: a manual step, and nothing half-way.
    let (p, left) = planned(&schema("default"), &schema("app.words")).await;
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("TEXT SEARCH")),
        "{:#?}",
        p.steps
    );
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    assert_eq!(
        (p.manual[0].kind, p.manual[0].object.as_str()),
        (pgdrift::model::Kind::TextSearchConfiguration, "app.docs")
    );
    assert!(
        p.manual[0].reason.contains("table app.notes"),
        "{}",
        p.manual[0].reason
    );
    assert!(left.contains("app.docs"), "{left}");
}

/// A subscription whose password the plan must never show.
fn subscription(publications: &str, options: &str) -> String {
    format!(
        "CREATE SUBSCRIPTION orders_sub \
         CONNECTION 'host=127.0.0.1 port=1 dbname=x user=u password=hunter2secret' \
         PUBLICATION {publications} WITH (connect = false, enabled = false, \
         create_slot = false, slot_name = NONE{options});"
    )
}

/// Every output of a plan: its script, its JSON and the diff's summary.
fn plan_outputs(from: &str, to: &str, p: &pgdrift::plan::Plan) -> String {
    use pgdrift::report::diff::{render_text, DiffReport};
    let (a, b): (pgdrift::model::Catalog, pgdrift::model::Catalog) = (
        serde_json::from_str(from).unwrap(),
        serde_json::from_str(to).unwrap(),
    );
    let d = diff(&a, &b, &DiffOptions::default());
    let report = DiffReport::new("from".into(), "to".into(), &d, p, None, true);
    let script = render_sql(p, &ScriptContext::default());
    let json = serde_json::to_string(&report).unwrap();
    format!("{script}\n{json}\n{}", render_text(&report, false))
}

#[tokio::test]
async fn subscriptions_are_created_dropped_and_redefined_by_hand_never_with_their_password() {
    let sub = subscription("\"Orders Feed\", audit", "");
    let (a, b) = (TestDb::with_sql("").await, TestDb::with_sql(&sub).await);
    let opts = InspectOptions::default();
    let (empty, with) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let json = |s: &Snapshot| serde_json::to_string(&s.catalog).unwrap();
    // Created: a manual step that says how, its connection masked; no script.
    let (p, left) = planned("", &sub).await;
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("SUBSCRIPTION")),
        "{:#?}",
        p.steps
    );
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    let m = &p.manual[0];
    assert_eq!(
        (m.kind, m.object.as_str()),
        (pgdrift::model::Kind::Subscription, "orders_sub")
    );
    assert!(
        m.reason.contains(
            "CREATE SUBSCRIPTION orders_sub CONNECTION 'host=127.0.0.1 port=1 dbname=x user=u \
             password=***' PUBLICATION \"Orders Feed\", audit WITH (enabled = false, \
             slot_name = NONE, streaming = "
        ),
        "{}",
        m.reason
    );
    assert!(
        m.reason.contains("needs the connection's password"),
        "{}",
        m.reason
    );
    assert!(left.contains("create subscription orders_sub"), "{left}");
    let out = plan_outputs(&json(&empty), &json(&with), &p);
    assert!(
        !out.contains("hunter2secret") && out.contains("password=***"),
        "{out}"
    );
    // Dropped: a manual step too (DROP SUBSCRIPTION drops a slot on the publisher).
    let (p, left) = planned(&sub, "").await;
    assert!(p.steps.is_empty(), "{:#?}", p.steps);
    assert!(
        p.manual.iter().any(|m| m.object == "orders_sub"
            && m.reason.contains("drops the replication slot")
            && m.reason.contains("publications Orders Feed, audit")),
        "{:#?}",
        p.manual
    );
    assert!(left.contains("drop subscription orders_sub"), "{left}");
    let out = plan_outputs(&json(&with), &json(&empty), &p);
    assert!(!out.contains("hunter2secret"), "{out}");
    // Redefined: what needs the publisher is by hand, what the subscriber keeps is planned.
    let changed = subscription("audit", ", binary = true");
    let (p, left) = planned(&sub, &changed).await;
    let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sql, ["ALTER SUBSCRIPTION orders_sub SET (binary = true)"]);
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    assert!(
        p.manual[0].reason.contains("its publications changed")
            && p.manual[0].reason.contains("PUBLICATION audit WITH"),
        "{}",
        p.manual[0].reason
    );
    assert!(
        left.contains("publications") && !left.contains("binary"),
        "{left}"
    );
    let c = TestDb::with_sql(&changed).await;
    let changed_json = json(&common::read(&c, &opts).await);
    let out = plan_outputs(&json(&with), &changed_json, &p);
    assert!(!out.contains("hunter2secret"), "{out}");
}

/// A foreign table whose own options and whose column's options hold a secret.
fn foreign_table_with(secret: &str) -> String {
    format!(
        "CREATE FOREIGN DATA WRAPPER plain_fdw;\n\
         CREATE SERVER s FOREIGN DATA WRAPPER plain_fdw;\n\
         CREATE FOREIGN TABLE ft (id int OPTIONS (column_name 'id', api_token '{secret}'))\n\
         SERVER s OPTIONS (table_name 'items', password '{secret}');"
    )
}

#[tokio::test]
async fn secret_options_of_foreign_tables_and_their_columns_are_set_by_hand_never_shown() {
    let base = "CREATE FOREIGN DATA WRAPPER plain_fdw;\n\
                CREATE SERVER s FOREIGN DATA WRAPPER plain_fdw;";
    let (old, new) = (
        foreign_table_with("hunter2secret"),
        foreign_table_with("correct-horse-staple"),
    );
    let hidden = |out: &str| !out.contains("hunter2secret") && !out.contains("correct-horse");
    // Created: the table and its plain options are planned, the secrets left to a manual step.
    let (p, left) = planned(base, &old).await;
    let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
    assert!(
        sql.iter()
            .any(|s| s.contains("OPTIONS (table_name 'items')"))
            && sql
                .iter()
                .any(|s| s.contains("ALTER COLUMN id OPTIONS (ADD column_name 'id')")),
        "{sql:#?}"
    );
    let manual: Vec<&str> = p.manual.iter().map(|m| m.reason.as_str()).collect();
    assert_eq!(manual.len(), 2, "{manual:#?}");
    assert!(
        manual
            .iter()
            .any(|m| m.contains("FOREIGN TABLE public.ft OPTIONS (ADD password '...')"))
            && manual.iter().any(|m| {
                m.contains("FOREIGN TABLE public.ft ALTER COLUMN id OPTIONS (ADD api_token '...')")
            }),
        "{manual:#?}"
    );
    assert!(
        left.contains("api_token") && left.contains("password"),
        "{left}"
    );
    assert!(hidden(&format!("{sql:?}{manual:?}{left}")));
    // Changed: nothing to run, both secrets by hand, and no output shows either value.
    let (p, left) = planned(&old, &new).await;
    assert!(p.steps.is_empty(), "{:#?}", p.steps);
    assert_eq!(p.manual.len(), 2, "{:#?}", p.manual);
    let (a, b) = (TestDb::with_sql(&old).await, TestDb::with_sql(&new).await);
    let opts = InspectOptions::default();
    let (from, to) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let json = |s: &Snapshot| serde_json::to_string(&s.catalog).unwrap();
    let out = plan_outputs(&json(&from), &json(&to), &p);
    assert!(hidden(&out) && hidden(&left), "{out}\n{left}");
    assert!(out.contains("\"value_digest\""), "{out}");
}

#[tokio::test]
async fn a_subscription_whose_password_alone_changed_differs_without_showing_either_password() {
    let old = subscription("audit", "");
    let new = old.replace("hunter2secret", "correct-horse-staple");
    let (a, b) = (TestDb::with_sql(&old).await, TestDb::with_sql(&new).await);
    let opts = InspectOptions::default();
    let (from, to) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let d = diff(&from.catalog, &to.catalog, &DiffOptions::default());
    assert!(!d.is_empty(), "a changed password was reported as no drift");
    let (p, left) = planned(&old, &new).await;
    assert!(p.steps.is_empty(), "{:#?}", p.steps);
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    assert!(
        p.manual[0].reason.contains("its password_digest changed"),
        "{}",
        p.manual[0].reason
    );
    assert!(left.contains("orders_sub"), "{left}");
    let json = |s: &Snapshot| serde_json::to_string(&s.catalog).unwrap();
    let out = plan_outputs(&json(&from), &json(&to), &p);
    assert!(
        !out.contains("hunter2secret") && !out.contains("correct-horse-staple"),
        "{out}"
    );
}

#[tokio::test]
async fn an_operator_class_that_indexes_use_is_recreated_by_hand_only() {
    // One index names the class; the other uses it as its type's default.
    let schema = |hash: &str, default: &str| {
        format!(
            "CREATE SCHEMA app;\n\
             CREATE FUNCTION app.blind_hash(text) RETURNS integer LANGUAGE sql IMMUTABLE \
             AS $$SELECT hashtext(lower($1))$$;\n\
             CREATE ACCESS METHOD hash2 TYPE INDEX HANDLER hashhandler;\n\
             CREATE OPERATOR CLASS app.text_ops DEFAULT FOR TYPE text USING hash2 AS \
             OPERATOR 1 =, FUNCTION 1 {default}(text);\n\
             CREATE OPERATOR CLASS app.named_ops FOR TYPE text USING hash AS \
             OPERATOR 1 =, FUNCTION 1 {hash}(text);\n\
             CREATE TABLE app.words (id int PRIMARY KEY, w text);\n\
             CREATE INDEX words_named ON app.words USING hash (w app.named_ops);\n\
             CREATE INDEX words_default ON app.words USING hash2 (w);"
        )
    };
    let (p, left) = planned(
        &schema("hashtext", "hashtext"),
        &schema("app.blind_hash", "app.blind_hash"),
    )
    .await;
    // The plan runs (nothing half-way), leaves both classes as they were and says why.
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("OPERATOR CLASS")),
        "{:#?}",
        p.steps
    );
    let mut manual: Vec<(pgdrift::model::Kind, &str, &str)> = p
        .manual
        .iter()
        .map(|m| (m.kind, m.object.as_str(), m.reason.as_str()))
        .collect();
    manual.sort();
    assert_eq!(manual.len(), 2, "{:#?}", p.manual);
    assert_eq!(manual[0].1, "app.named_ops USING hash");
    assert!(
        manual[0].2.contains("index app.words_named use it"),
        "{}",
        manual[0].2
    );
    assert_eq!(manual[1].1, "app.text_ops USING hash2");
    assert!(
        manual[1].2.contains("index app.words_default use it"),
        "{}",
        manual[1].2
    );
    assert!(left.contains("app.named_ops USING hash"), "{left}");
    assert!(left.contains("app.text_ops USING hash2"), "{left}");
}

#[tokio::test]
async fn an_access_method_that_a_table_uses_is_recreated_by_hand_only() {
    let schema = |handler: &str| {
        format!(
            "CREATE SCHEMA app;\n\
             CREATE FUNCTION app.other_handler(internal) RETURNS table_am_handler \
             LANGUAGE internal AS 'heap_tableam_handler';\n\
             CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER {handler};\n\
             CREATE TABLE app.notes (id int PRIMARY KEY) USING heap2;"
        )
    };
    let (p, left) = planned(
        &schema("heap_tableam_handler"),
        &schema("app.other_handler"),
    )
    .await;
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("ACCESS METHOD")),
        "{:#?}",
        p.steps
    );
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    let m = &p.manual[0];
    assert_eq!(
        (m.kind, m.object.as_str()),
        (pgdrift::model::Kind::AccessMethod, "heap2")
    );
    assert!(m.reason.contains("table app.notes use it"), "{}", m.reason);
    assert!(left.contains("heap2"), "{left}");
}

#[tokio::test]
async fn an_operator_class_that_an_exclusion_constraint_names_is_recreated_by_hand_only() {
    // The class moves to another family.
    let schema = |family: &str| {
        format!(
            "CREATE SCHEMA app;\n\
             CREATE OPERATOR FAMILY app.other USING gist;\n\
             CREATE OPERATOR CLASS app.box_overlap FOR TYPE box USING gist {family} AS \
             OPERATOR 3 &&, \
             FUNCTION 1 gist_box_consistent(internal, box, smallint, oid, internal), \
             FUNCTION 2 gist_box_union(internal, internal), \
             FUNCTION 5 gist_box_penalty(internal, internal, internal), \
             FUNCTION 6 gist_box_picksplit(internal, internal), \
             FUNCTION 7 gist_box_same(box, box, internal);\n\
             CREATE TABLE app.slots (id int PRIMARY KEY, area box, CONSTRAINT slots_no_overlap \
             EXCLUDE USING gist (area app.box_overlap WITH &&));"
        )
    };
    let (p, left) = planned(&schema(""), &schema("FAMILY app.other")).await;
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("OPERATOR CLASS")),
        "{:#?}",
        p.steps
    );
    // The class stays as it was, and so does the family it leaves (dropping it would drop
    // the class).
    assert_eq!(p.manual.len(), 2, "{:#?}", p.manual);
    let m = &p.manual[0];
    assert_eq!(
        (m.kind, m.object.as_str()),
        (
            pgdrift::model::Kind::OperatorClass,
            "app.box_overlap USING gist"
        )
    );
    let family = &p.manual[1];
    assert_eq!(
        (family.kind, family.object.as_str()),
        (
            pgdrift::model::Kind::OperatorFamily,
            "app.box_overlap USING gist"
        )
    );
    assert!(
        m.reason
            .contains("constraint app.slots_no_overlap on app.slots use it"),
        "{}",
        m.reason
    );
    assert!(left.contains("app.box_overlap USING gist"), "{left}");
}
