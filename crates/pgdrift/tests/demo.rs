//! The demo fleet, audited: its findings are exactly the drift it was built with.

use pgdrift::fleet::audit::{audit, AuditOptions, Cell};
use pgdrift::fleet::demo;
use pgdrift::source::LoadOptions;
use std::time::Duration;

#[tokio::test]
async fn the_demo_fleet_tells_its_story() {
    let admin = pgdrift::testing::admin_conninfo();
    let dir = tempfile::tempdir().unwrap();
    let prefix = format!("demo{}_", std::process::id());
    let config = demo::build(&admin, dir.path(), &prefix).await.unwrap();
    // PostgreSQL 14's statistics collector reports the building sessions' commits late.
    let conn = pgdrift::pg::connect(&admin).await.unwrap();
    let acme = format!("{prefix}tenant_acme");
    for _ in 0..100 {
        conn.client
            .batch_execute("SELECT pg_stat_clear_snapshot()")
            .await
            .unwrap();
        let commits: i64 = (conn.client)
            .query_one(
                "SELECT COALESCE(sum(xact_commit), 0)::int8 FROM pg_stat_database WHERE datname = $1",
                &[&acme],
            )
            .await
            .unwrap()
            .get(0);
        if commits > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let options = AuditOptions {
        jobs: 4,
        statement_timeout: Duration::from_secs(60),
        load: LoadOptions::default(),
        lint: None,
        shard: None,
    };
    let report = audit(&config, &options, &|_| None, &mut |_| {}).await;
    let got: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.code,
                f.database
                    .as_deref()
                    .unwrap_or("-")
                    .trim_start_matches(&prefix),
                f.object.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "PA023 tenant_globex table public.subscriptions",
            "PA023 tenant_globex table public.tenants",
            "PA023 tenant_globex type public.plan",
            "PA020 tenant_initech index public.customers_email",
            "PA020 tenant_initech table public.audit_log",
            "PA020 tenant_initech view public.monthly_revenue",
            "PA022 master type public.plan",
            "PA030 tenant_initech -",
            "PA021 tenant_umbrella index public.customers_created_at",
            "PA021 tenant_umbrella table public.backup_test",
        ]
    );
    let pending = report.findings.iter().find(|f| f.code == "PA030").unwrap();
    assert!(
        pending.message.starts_with("3 migration(s)")
            && pending
                .message
                .contains("004_customer_email.sql, 005_revenue_view.sql, 006_audit_log.sql"),
        "{}",
        pending.message
    );
    assert!(
        pending.fix.starts_with("pgdrift migrate apply --url"),
        "{}",
        pending.fix
    );
    let plan = report.findings.iter().find(|f| f.code == "PA022").unwrap();
    assert_eq!(plan.message, "type public.plan differs: labels");

    // Worst first: Globex (3 errors), Initech (3 errors, 1 warning) ... Acme, clean, last.
    let order: Vec<&str> = report
        .databases
        .iter()
        .map(|d| d.name.trim_start_matches(&prefix))
        .collect();
    assert_eq!(
        order,
        [
            "tenant_initech",
            "tenant_globex",
            "tenant_umbrella",
            "master",
            "tenant_acme"
        ]
    );
    let master = report
        .databases
        .iter()
        .find(|d| d.name.ends_with("master"))
        .unwrap();
    assert_eq!(master.role.as_deref(), Some("master"));
    assert_eq!(master.trackers.len(), 1);
    assert_eq!(master.trackers[0].table, "public.schema_migrations");
    assert_eq!(master.trackers[0].applied, Some(4));
    let acme = report
        .databases
        .iter()
        .find(|d| d.name.ends_with("acme"))
        .unwrap();
    assert_eq!(acme.managed_by.as_deref(), Some("pgdrift"));
    assert_eq!(acme.facts.as_ref().unwrap().objects.tables, 6);
    assert!(
        acme.activity.as_ref().unwrap().commits > 0,
        "{:?}",
        acme.activity
    );

    // The matrix: the desired schemas, then the databases; a cell per object.
    let col = |label: &str| {
        report
            .matrix
            .columns
            .iter()
            .position(|c| c.label == label)
            .unwrap_or_else(|| panic!("no column {label}"))
    };
    let row = |object: &str| {
        report
            .matrix
            .rows
            .iter()
            .find(|r| r.object == object)
            .unwrap_or_else(|| panic!("no row {object}"))
    };
    let db = |name: &str| col(&format!("demo/{prefix}{name}"));
    assert_eq!(
        row("table public.tenants").cells[col("desired: master")],
        Cell::Present
    );
    assert_eq!(
        row("table public.tenants").cells[col("desired: tenant")],
        Cell::Absent
    );
    assert_eq!(
        row("table public.tenants").cells[db("tenant_globex")],
        Cell::Leaked
    );
    assert_eq!(
        row("table public.tenants").cells[db("tenant_acme")],
        Cell::Absent
    );
    assert_eq!(
        row("table public.audit_log").cells[db("tenant_initech")],
        Cell::Missing
    );
    assert_eq!(
        row("table public.customers").cells[db("tenant_initech")],
        Cell::Differs
    );
    assert_eq!(
        row("table public.customers").cells[db("tenant_acme")],
        Cell::Present
    );
    assert_eq!(
        row("table public.backup_test").cells[db("tenant_umbrella")],
        Cell::Extra
    );
    assert_eq!(row("type public.plan").cells[db("master")], Cell::Differs);
    assert!(report.fails_at(pgdrift::fleet::audit::Severity::Error));
}
