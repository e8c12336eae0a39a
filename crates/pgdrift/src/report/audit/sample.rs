//! A small hand-built audit report for the renderers' tests: two servers (one unreachable), a
//! master and three tenant databases (one unreadable), findings of several codes (a leaked
//! master table among them), hostile object names (`<script>`, `|`, backticks) and a drift
//! matrix holding every kind of cell. Not part of the public API.

use crate::fleet::audit::findings::{self, FindingKind};
use crate::fleet::audit::report::{RoleEntry, ServerEntry, TrackerSummary};
use crate::fleet::audit::{AuditReport, Cell, DatabaseEntry, DriftMatrix, Finding, Severity};
use crate::fleet::audit::{MatrixColumn, MatrixRow};
use crate::fleet::facts::{DatabaseFacts, ExtensionInfo, ObjectCounts, TableActivity};
use std::cmp::Reverse;

/// The object whose name tries to inject a script.
pub const SCRIPT_OBJECT: &str = "table public.<script>alert('x')</script>";
/// The object whose name has a pipe and backticks.
pub const PIPE_OBJECT: &str = "view public.`a|b`";

const MASTER_DIR: &str = "examples/fleet/master/migrations";
const TENANT_DIR: &str = "examples/fleet/tenant/migrations";
const STAGING: &str = "postgres://audit:***@staging.internal:5432/postgres";

/// The sample report; its databases and findings are in the order an audit puts them.
#[doc(hidden)]
pub fn sample_report() -> AuditReport {
    let findings = sample_findings();
    let mut databases = vec![
        database("master", Some("master"), 48 << 20, &findings),
        database("tenant_1", Some("tenant"), 9 << 20, &findings),
        database("tenant_2", Some("tenant"), 3 << 30, &findings),
        database("tenant_3", Some("tenant"), 0, &findings),
    ];
    databases[0].trackers = vec![
        tracker("pgdrift", "pgdrift.migrations", 4),
        tracker("golang-migrate", "public.schema_migrations", 12),
    ];
    databases[0].managed_by = Some("pgdrift".into());
    databases[1].trackers = vec![tracker("Flyway", "public.flyway_schema_history", 5)];
    databases[1].managed_by = Some("Flyway".into());
    let t3 = &mut databases[3];
    t3.error = Some("permission denied for database tenant_3".into());
    (t3.facts, t3.size_bytes, t3.owner, t3.encoding) = (None, None, None, None);
    databases.sort_by_key(|d| (Reverse((d.errors, d.warnings, d.infos)), d.name.clone()));
    AuditReport {
        format_version: crate::fleet::audit::report::FORMAT_VERSION,
        pgdrift_version: crate::VERSION,
        config: Some("pgdrift.toml".into()),
        servers: vec![
            server("prod", "production", None),
            server(
                "staging",
                "staging",
                Some(format!("connecting to {STAGING}: connection refused")),
            ),
        ],
        roles: vec![
            role("master", MASTER_DIR, 3, 1),
            role("tenant", TENANT_DIR, 3, 3),
        ],
        databases,
        findings,
        matrix: sample_matrix(),
        shard: None,
    }
}

/// A fix that plans the way to the desired schema; `$DB` is the database, `$DIR` its role's
/// migrations.
const DIFF: &str = "pgdrift diff 'postgres://audit:***@prod.internal/$DB' $DIR -f sql";
/// A fix that drops what should not be there.
const DROP: &str = "pgdrift diff 'postgres://audit:***@prod.internal/$DB' $DIR -f sql \
    --allow-destructive --reverse undo.sql";

/// The findings about databases of server `prod`: kind, database, object, message, fix.
#[rustfmt::skip]
const DB_FINDINGS: &[(FindingKind, &str, &str, &str, &str)] = &[
    (findings::CHANGED_OBJECT, "master", "enum public.plan_tier",
        "enum public.plan_tier differs: labels", DIFF),
    (findings::EXTRA_OBJECT, "master", PIPE_OBJECT, "view public.`a|b` is in no desired schema", DROP),
    (findings::SEVERAL_TOOLS, "master", "", "pgdrift and golang-migrate have both recorded migrations",
        "pgdrift migrate history --url 'postgres://audit:***@prod.internal/$DB'"),
    (findings::MISSING_OBJECT, "tenant_1", "table public.audit_log",
        "table public.audit_log is missing (role tenant)", DIFF),
    (findings::PENDING_MIGRATIONS, "tenant_1", "", "1 migration not applied: 006_audit_log.sql",
        "pgdrift migrate apply $DIR --url 'postgres://audit:***@prod.internal/$DB'"),
    (findings::LEAKED_OBJECT, "tenant_2", "table public.plans",
        "table public.plans belongs to role master, not to tenant_2 (role tenant)", DROP),
    (findings::LEAKED_OBJECT, "tenant_2", "table public.tenants",
        "table public.tenants belongs to role master, not to tenant_2 (role tenant)", DROP),
    (findings::EXTRA_OBJECT, "tenant_2", SCRIPT_OBJECT,
        "a table no desired schema has: <script>alert('x')</script> & co", DROP),
    (findings::EXTRA_OBJECT, "tenant_2", "table public.backup_test",
        "table public.backup_test is in no desired schema", DROP),
    (findings::UNTRACKED, "tenant_2", "", "no migration tool has recorded anything",
        "pgdrift migrate baseline $DIR"),
    (findings::DATABASE_UNREACHABLE, "tenant_3", "", "permission denied for database tenant_3",
        "grant CONNECT on the database to the audit's role, or exclude it in pgdrift.toml"),
];

/// Every finding, in report order (worst first, then by server, database, code, object).
fn sample_findings() -> Vec<Finding> {
    let mut all = vec![Finding::new(findings::SERVER_UNREACHABLE, "staging", None)
        .message(format!("connecting to {STAGING}: connection refused"))
        .fix(format!(
            "check that {STAGING} is reachable and the credentials are right"
        ))];
    for (kind, db, object, message, fix) in DB_FINDINGS {
        let dir = if *db == "master" {
            MASTER_DIR
        } else {
            TENANT_DIR
        };
        let mut f = Finding::new(*kind, "prod", Some(db))
            .message(*message)
            .fix(fix.replace("$DB", db).replace("$DIR", dir));
        if !object.is_empty() {
            f = f.object(*object);
        }
        all.push(f);
    }
    all.sort_by_key(|f| {
        let key = (
            f.server.clone(),
            f.database.clone(),
            f.code,
            f.object.clone(),
        );
        (Reverse(f.severity), key)
    });
    all
}

fn sample_matrix() -> DriftMatrix {
    use Cell::{
        Absent as A, Differs as D, Extra as E, Leaked as L, Missing as M, Present as P,
        Unknown as U,
    };
    let columns = vec![
        column("desired: master", "desired", "master"),
        column("desired: tenant", "desired", "tenant"),
        column("prod/tenant_2", "database", "tenant"),
        column("prod/tenant_1", "database", "tenant"),
        column("prod/tenant_3", "database", "tenant"),
        column("prod/master", "database", "master"),
    ];
    let rows: [(&str, [Cell; 6]); 8] = [
        ("enum public.plan_tier", [P, A, A, A, U, D]),
        (SCRIPT_OBJECT, [A, A, E, A, U, A]),
        ("table public.audit_log", [A, P, P, M, U, A]),
        ("table public.backup_test", [A, A, E, A, U, A]),
        ("table public.customers", [A, P, P, P, U, A]),
        ("table public.plans", [P, A, L, A, U, P]),
        ("table public.tenants", [P, A, L, A, U, P]),
        (PIPE_OBJECT, [A, A, A, A, U, E]),
    ];
    DriftMatrix {
        columns,
        rows: rows
            .into_iter()
            .map(|(object, cells)| MatrixRow {
                object: object.into(),
                cells: cells.to_vec(),
            })
            .collect(),
        rows_in_agreement: 0,
    }
}

fn column(label: &str, kind: &'static str, role: &str) -> MatrixColumn {
    MatrixColumn {
        label: label.into(),
        kind,
        role: Some(role.into()),
    }
}

fn database(name: &str, role: Option<&str>, size: i64, findings: &[Finding]) -> DatabaseEntry {
    let count = |s: Severity| {
        findings
            .iter()
            .filter(|f| f.database.as_deref() == Some(name) && f.severity == s)
            .count()
    };
    DatabaseEntry {
        server: "prod".into(),
        name: name.into(),
        role: role.map(str::to_string),
        owner: Some("app".into()),
        encoding: Some("UTF8".into()),
        size_bytes: Some(size),
        facts: Some(facts(name)),
        activity: None,
        trackers: Vec::new(),
        managed_by: None,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        error: None,
        docs: None,
    }
}

fn facts(name: &str) -> DatabaseFacts {
    DatabaseFacts {
        database: name.into(),
        server_version: "16.4".into(),
        read_only: true,
        objects: ObjectCounts {
            schemas: 1,
            tables: 4,
            views: 1,
            indexes: 6,
            sequences: 2,
            enums: 1,
            ..Default::default()
        },
        extensions: vec![ExtensionInfo {
            name: "pgcrypto".into(),
            version: "1.3".into(),
            schema: "public".into(),
        }],
        tables: TableActivity {
            live_rows: 1200,
            dead_rows: 30,
            rows_written: 5400,
            last_autovacuum: Some("2024-05-01T03:00:00Z".into()),
            ..Default::default()
        },
    }
}

fn tracker(tool: &str, table: &str, applied: usize) -> TrackerSummary {
    TrackerSummary {
        tool: tool.into(),
        table: table.into(),
        applied: Some(applied),
        unreadable: None,
        latest: Some(format!("{applied:03}")),
        last_activity: Some("2024-04-30T12:00:00Z".into()),
    }
}

fn server(name: &str, stage: &str, error: Option<String>) -> ServerEntry {
    ServerEntry {
        name: name.into(),
        stage: stage.into(),
        target: format!("postgres://audit:***@{name}.internal:5432/postgres"),
        version: error.is_none().then(|| "16.4".to_string()),
        databases: if error.is_none() { 4 } else { 0 },
        error,
    }
}

fn role(name: &str, desired: &str, objects: usize, databases: usize) -> RoleEntry {
    RoleEntry {
        name: name.into(),
        desired: Some(desired.into()),
        objects,
        databases,
        error: None,
    }
}
