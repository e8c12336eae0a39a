//! Foreign-data objects whose change a plan leaves to a manual step: a server that moves to
//! another wrapper while foreign tables use it, and options that hold secrets, whose values
//! no output ever shows (JSON, text, plan, script).

mod common;

use pgdrift::diff::{diff, DiffOptions};
use pgdrift::model::Kind;
use pgdrift::pipeline::{self, Target};
use pgdrift::plan::{Plan, PlanOptions};
use pgdrift::report::diff::{render_text, DiffReport};
use pgdrift::report::script::{render_sql, ScriptContext};
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;

/// Plans `from` -> `to`, applies the plan, and gives it with every text shown of it (the
/// diff's JSON and text report, the script) and what still differs afterwards.
async fn planned(from_sql: &str, to_sql: &str) -> (Plan, String, Vec<String>) {
    let (a, b) = (
        TestDb::with_sql(from_sql).await,
        TestDb::with_sql(to_sql).await,
    );
    let opts = InspectOptions::default();
    let (from, to) = (common::read(&a, &opts).await, common::read(&b, &opts).await);
    let diff_options = DiffOptions::default();
    let d = diff(&from.catalog, &to.catalog, &diff_options);
    let p = pipeline::converge::plan(
        &from.catalog,
        &to.catalog,
        &diff_options,
        &PlanOptions::default(),
    );
    let report = DiffReport::new("a".into(), "b".into(), &d, &p, None, true);
    let shown = [
        serde_json::to_string(&from).unwrap(),
        serde_json::to_string(&to).unwrap(),
        serde_json::to_string(&report).unwrap(),
        render_text(&report, false),
        render_sql(&p, &ScriptContext::default()),
    ];
    let conn = a.connect().await;
    let target = Target::new(&conn, a.conninfo(), &opts, &diff_options);
    target.apply(&p).await.unwrap_or_else(|e| panic!("{e}"));
    let after = target.read().await.unwrap_or_else(|e| panic!("{e}"));
    let left = diff(&after, &to.catalog, &diff_options);
    let left = left.changes.iter().map(|c| c.name.clone()).collect();
    (p, shown.join("\n"), left)
}

#[tokio::test]
async fn a_server_that_foreign_tables_use_changes_wrapper_by_hand_only() {
    let schema = |wrapper: &str| {
        format!(
            "CREATE FOREIGN DATA WRAPPER first_fdw;\n\
             CREATE FOREIGN DATA WRAPPER second_fdw;\n\
             CREATE SERVER s FOREIGN DATA WRAPPER {wrapper} OPTIONS (host 'a');\n\
             CREATE FOREIGN TABLE items (id int) SERVER s;"
        )
    };
    let (p, _, left) = planned(&schema("first_fdw"), &schema("second_fdw")).await;
    assert!(
        p.steps.iter().all(|s| !s.sql.contains("SERVER")),
        "{:#?}",
        p.steps
    );
    assert_eq!(p.manual.len(), 1, "{:#?}", p.manual);
    let m = &p.manual[0];
    assert_eq!((m.kind, m.object.as_str()), (Kind::ForeignServer, "s"));
    assert!(
        m.reason.contains("foreign table public.items"),
        "{}",
        m.reason
    );
    assert_eq!(left, ["s"]);
}

#[tokio::test]
async fn secret_options_are_never_shown_nor_written_but_left_to_manual_steps() {
    let from = "CREATE FOREIGN DATA WRAPPER plain_fdw;\n\
                CREATE SERVER s FOREIGN DATA WRAPPER plain_fdw OPTIONS (host 'a');";
    let to = "CREATE FOREIGN DATA WRAPPER plain_fdw;\n\
              CREATE SERVER s FOREIGN DATA WRAPPER plain_fdw \
                OPTIONS (host 'a', sslkey 'key-v4lue-7');\n\
              CREATE SERVER t FOREIGN DATA WRAPPER plain_fdw OPTIONS (passfile 'pf-v4lue-8');\n\
              CREATE USER MAPPING FOR PUBLIC SERVER s \
                OPTIONS (user 'reader', password 'pw-v4lue-9');";
    for (a, b) in [(from, to), (to, from)] {
        let (p, shown, left) = planned(a, b).await;
        for secret in ["key-v4lue-7", "pf-v4lue-8", "pw-v4lue-9"] {
            assert!(!shown.contains(secret), "{secret} shown:\n{shown}");
        }
        if a == to {
            // Dropping writes no value: the plan does it all.
            assert!(p.manual.is_empty(), "{:#?}", p.manual);
            assert!(left.is_empty(), "{left:?}");
            continue;
        }
        let mut manual: Vec<(Kind, &str)> = p
            .manual
            .iter()
            .map(|m| (m.kind, m.object.as_str()))
            .collect();
        manual.sort();
        assert_eq!(
            manual,
            [
                (Kind::ForeignServer, "s"),
                (Kind::ForeignServer, "t"),
                (Kind::UserMapping, "public on s")
            ]
        );
        let mapping = &p
            .manual
            .iter()
            .find(|m| m.kind == Kind::UserMapping)
            .unwrap();
        assert!(
            mapping
                .reason
                .contains("ALTER USER MAPPING FOR PUBLIC SERVER s OPTIONS (ADD password '...')"),
            "{}",
            mapping.reason
        );
        // The rest is planned: the server, the mapping with its user, without the secrets.
        let sql: Vec<&str> = p.steps.iter().map(|s| s.sql.as_str()).collect();
        assert!(
            sql.contains(&"CREATE USER MAPPING FOR PUBLIC SERVER s OPTIONS (\"user\" 'reader')"),
            "{sql:#?}"
        );
        let mut left = left;
        left.sort();
        assert_eq!(left, ["public on s", "s", "t"]);
    }
}
