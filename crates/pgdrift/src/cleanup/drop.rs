//! Planning `drop`: the objects (by original name when quarantined, or current name), the
//! refusals (something depends on them without `--cascade`; not quarantined long enough),
//! and two plans made by pgdrift's own planner from the live catalog: forward, from the
//! catalog to the same without the objects (and, with `--cascade`, without what depends on
//! them), backing up what it drops; and the rollback, back to the catalog as it is, putting
//! the rows back. Running it is `backup`'s.

use super::history::{self, Quarantined};
use super::resolve::{quoted, resolve, Resolved, OWN_SCHEMAS};
use super::{Action, CleanupError, Planned, Prepared, Request, Status, QUARANTINE_SCHEMA};
use crate::diff::{diff, retain, DiffOptions};
use crate::evidence::object::Tie;
use crate::model::{Catalog, Kind};
use crate::pg::{ConnInfo, Connection};
use crate::plan::{plan, Backup, Plan, PlanOptions};
use crate::source::{inspect, InspectOptions};

/// What running a drop needs beyond its statements.
#[derive(Debug, Clone)]
pub(crate) struct DropWork {
    pub tag: String,
    pub forward: Plan,
    /// Restores from the backup schema (default) or creates the objects empty (file mode).
    pub rollback: Plan,
    /// For each object: the quarantine row it has, if any.
    pub quarantined: Vec<Option<Quarantined>>,
}

/// Plans dropping what `request` names.
pub async fn prepare(
    conn: &Connection,
    info: &ConnInfo,
    request: &Request,
) -> Result<Prepared, CleanupError> {
    let mut p = Prepared::new(&conn.target, Action::Drop);
    let all = history::quarantined(conn).await?;
    let in_quarantine = history::matching(&all, &request.patterns);
    let mut patterns = request.patterns.clone();
    patterns.extend(
        in_quarantine
            .iter()
            .map(|q| format!("{QUARANTINE_SCHEMA}.{}", q.name)),
    );
    let (mut found, mut not_found) = resolve(conn, &patterns, true).await?;
    if request.cascade {
        for r in &mut found {
            add_indirect_views(conn, r).await?;
        }
    }
    not_found.retain(|n| {
        request.patterns.contains(&n.pattern)
            && history::matching(&all, std::slice::from_ref(&n.pattern)).is_empty()
    });
    p.not_found = not_found;
    let found: Vec<Resolved> = found
        .into_iter()
        .filter(|r| r.schema == QUARANTINE_SCHEMA || !OWN_SCHEMAS.contains(&r.schema.as_str()))
        .collect();
    if found.is_empty() {
        p.status = Status::Skipped("no object matches".into());
        return Ok(p);
    }
    let quarantined: Vec<Option<Quarantined>> = found
        .iter()
        .map(|r| {
            (r.schema == QUARANTINE_SCHEMA)
                .then(|| all.iter().find(|q| q.name == r.name).cloned())
                .flatten()
        })
        .collect();
    if let Some(why) = refusal(&found, &quarantined, request) {
        p.status = Status::Refused(why);
    }
    let work = plans(info, &found, request).await?;
    for (r, q) in found.iter().zip(&quarantined) {
        p.objects
            .push(planned(r, q.as_ref(), &work.forward, request));
    }
    p.statements = work.forward.steps.iter().map(|s| s.sql.clone()).collect();
    p.drop = Some(DropWork {
        quarantined,
        ..work
    });
    Ok(p)
}

/// Views that read `r` through other views (a view on a view on it): `--cascade` drops
/// them too, so they are listed with the views it reads directly.
const INDIRECT_VIEWS: &str = "
WITH RECURSIVE reads(oid, via, depth) AS (
  SELECT r.ev_class, d.refobjid, 1
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
  WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
    AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
    AND d.refobjid = $1 AND r.ev_class <> d.refobjid
  UNION
  SELECT r.ev_class, reads.oid, reads.depth + 1
  FROM reads
  JOIN pg_catalog.pg_depend d ON d.refobjid = reads.oid
   AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
   AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
  JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
  WHERE r.ev_class <> d.refobjid AND reads.depth < 100
)
SELECT DISTINCT n.nspname::text, c.relname::text, vn.nspname::text, v.relname::text,
       c.relkind = 'm'
FROM reads
JOIN pg_catalog.pg_class c ON c.oid = reads.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class v ON v.oid = reads.via
JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
WHERE reads.depth > 1";

async fn add_indirect_views(conn: &Connection, r: &mut Resolved) -> Result<(), CleanupError> {
    let rows = (conn.client.query(INDIRECT_VIEWS, &[&r.oid]).await).map_err(super::db_error(
        conn,
        format!("reading the views on views of {}", r.qualified()),
    ))?;
    for row in rows {
        let other = quoted(&row.get::<_, String>(0), &row.get::<_, String>(1));
        let via = quoted(&row.get::<_, String>(2), &row.get::<_, String>(3));
        if r.ties.iter().any(|t| t.kind == "view" && t.other == other) {
            continue;
        }
        let word = if row.get::<_, bool>(4) {
            "materialized view"
        } else {
            "view"
        };
        r.ties.push(Tie {
            kind: "view".into(),
            other,
            detail: format!("{word}, reading it through {via}"),
        });
    }
    Ok(())
}

/// The dependents that make a drop refused, and what `--cascade` takes with it.
fn dependents<'a>(r: &'a Resolved, found: &[Resolved]) -> Vec<&'a Tie> {
    let names: Vec<String> = found.iter().map(|f| quoted(&f.schema, &f.name)).collect();
    (r.ties.iter())
        .filter(|t| t.depends_on_it() && !names.contains(&t.other))
        .collect()
}

fn describe(t: &Tie) -> String {
    match t.kind.as_str() {
        "fk_in" => format!("foreign key {} of {}", t.detail, t.other),
        "view" => match t.detail.split_once(", reading it through ") {
            Some((word, via)) => format!("{word} {} (it reads {via})", t.other),
            None => format!("{} {}", t.detail, t.other),
        },
        "publication" => format!("publication {} (the table leaves it)", t.other),
        "function" => format!(
            "function {} names it in its body ({}): it stays, and fails when it runs",
            t.other, t.detail
        ),
        _ => format!("{} {}", t.kind, t.other),
    }
}

/// Why the drop is refused, if it is.
fn refusal(
    found: &[Resolved],
    quarantined: &[Option<Quarantined>],
    request: &Request,
) -> Option<String> {
    for (r, q) in found.iter().zip(quarantined) {
        let deps = dependents(r, found);
        if !request.cascade && !deps.is_empty() {
            let list: Vec<String> = deps.iter().map(|t| describe(t)).collect();
            return Some(format!(
                "{} is needed by: {}; remove those first, or pass --cascade to drop them with it",
                r.qualified(),
                list.join("; ")
            ));
        }
        let Some(min) = request.quarantined_for else {
            continue;
        };
        let days = super::duration::describe(min);
        match q {
            None => {
                return Some(format!(
                    "{} is not in quarantine, and --quarantined-for {days} asks that it has been; \
                     `pgdrift quarantine` it first",
                    r.qualified()
                ))
            }
            Some(q) if q.seconds < min.as_secs_f64() => {
                return Some(format!(
                    "{} has been in quarantine only since {} (less than {days}); wait, or \
                     drop it without --quarantined-for",
                    r.qualified(),
                    q.since
                ))
            }
            Some(_) => {}
        }
    }
    None
}

fn planned(r: &Resolved, q: Option<&Quarantined>, forward: &Plan, request: &Request) -> Planned {
    let object = r.qualified();
    let backup = match &request.backup_file {
        Some(file) => Some(file.display().to_string()),
        None => (forward.steps.iter())
            .find(|s| s.object == object && s.backup.is_some())
            .and_then(|s| s.backup.as_ref())
            .map(|b| format!("{}.{}", crate::plan::BACKUP_SCHEMA, crate::sql::Ident(b))),
    };
    let cascades = match request.cascade {
        true => dependents(r, &[]).into_iter().map(describe).collect(),
        false => Vec::new(),
    };
    Planned {
        kind: r.kind.clone(),
        object,
        original: q.map(|q| format!("{}.{}", q.original_schema, q.original_name)),
        to: None,
        cascades,
        quarantined_at: q.map(|q| q.since.clone()),
        privileges: None,
        rows: None,
        checksum: None,
        backup,
        notes: Vec::new(),
    }
}

/// The forward plan and its rollback, from the live catalog.
async fn plans(
    info: &ConnInfo,
    found: &[Resolved],
    request: &Request,
) -> Result<DropWork, CleanupError> {
    let opts = InspectOptions {
        jobs: 1,
        ..InspectOptions::default()
    };
    let from = inspect(info, &opts).await?.snapshot;
    let mut to = from.catalog.clone();
    remove(&mut to, found, request.cascade);
    let tag = crate::clock::utc_stamp();
    let in_schema = request.backup_file.is_none().then(|| Backup::new(&tag));
    let version = from.source.server_version_num;
    let forward = plan(
        &diff(&from.catalog, &to, &DiffOptions::default()),
        &PlanOptions {
            backup: in_schema.clone(),
            server_version_num: version,
            ..PlanOptions::default()
        },
    );
    let rollback = plan(
        &diff(&to, &from.catalog, &DiffOptions::default()),
        &PlanOptions {
            restore: in_schema,
            server_version_num: version,
            ..PlanOptions::default()
        },
    );
    Ok(DropWork {
        tag,
        forward,
        rollback,
        quarantined: Vec::new(),
    })
}

/// Takes the objects out of `catalog` (with what lives on them and the sequences they
/// own), and with `cascade` what depends on them: other tables' foreign keys to them,
/// views reading them, their places in publications.
fn remove(catalog: &mut Catalog, found: &[Resolved], cascade: bool) {
    let gone: Vec<(String, String)> = (found.iter())
        .map(|r| (r.schema.clone(), r.name.clone()))
        .collect();
    let mut views: Vec<String> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    for t in found.iter().flat_map(|r| &r.ties).filter(|_| cascade) {
        match t.kind.as_str() {
            "view" => views.push(t.other.clone()),
            "fk_in" => keys.push((t.other.clone(), t.detail.clone())),
            _ => {}
        }
    }
    without(catalog, &gone, &views, &keys);
}

/// Takes the tables `gone` (schema, name) out of `catalog`, with what lives on them and the
/// sequences they own, and the views (quoted names) and foreign keys (table, constraint)
/// named; a plan from the result back to the catalog recreates them.
pub(crate) fn without(
    catalog: &mut Catalog,
    gone: &[(String, String)],
    views: &[String],
    keys: &[(String, String)],
) {
    let is_gone = |s: &str, n: &str| gone.iter().any(|(gs, gn)| gs == s && gn == n);
    let owned: Vec<(String, String)> = (catalog.sequences.values())
        .filter(|s| (s.owned_by.as_ref()).is_some_and(|c| is_gone(&c.schema, &c.table)))
        .map(|s| (s.schema.clone(), s.name.clone()))
        .collect();
    retain(catalog, |p| {
        let on_gone = p.table.is_some_and(|(s, t)| is_gone(s, t));
        let relation = matches!(p.kind, Kind::Table | Kind::View | Kind::Sequence);
        let named = relation
            && (is_gone(p.schema, p.name)
                || owned.iter().any(|(s, n)| s == p.schema && n == p.name));
        let view = p.kind == Kind::View && views.contains(&quoted(p.schema, p.name));
        let key = p.kind == Kind::Constraint
            && (p.table).is_some_and(|(s, t)| keys.contains(&(quoted(s, t), p.name.to_string())));
        !(on_gone || named || view || key)
    });
    for publication in catalog.publications.values_mut() {
        publication
            .tables
            .retain(|t| !is_gone(&t.table.schema, &t.table.name));
    }
}
