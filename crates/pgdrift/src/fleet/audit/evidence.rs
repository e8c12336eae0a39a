//! Evidence for the audit's findings about objects that should not be there — PA021 (no
//! desired schema has it) and PA023 (another role's): for each such table, view or
//! sequence, what it holds, who depends on it, its activity and a verdict, read in a
//! read-only transaction of the session that read the catalog, with estimated row counts
//! (no table is scanned).

use super::findings::{Finding, EXTRA_OBJECT, LEAKED_OBJECT};
use crate::evidence::object::{investigate_exact, Brief, InvestigateOptions};
use crate::fleet::audit::classify::object_key;
use crate::fleet::Target;
use crate::model::{Catalog, Kind, QualName};
use crate::pg::Connection;
use crate::report::shell::Command;
use std::collections::HashMap;
use std::time::Duration;

/// Attaches evidence to the PA021 and PA023 findings of `findings` that name a relation of
/// `live`. Evidence that cannot be read leaves the findings as they are: it is never a
/// reason for the audit to fail.
pub(super) async fn attach(
    findings: &mut [Finding],
    live: &Catalog,
    target: &Target,
    conn: &Connection,
) {
    let relations = relations(live);
    let wanted: Vec<(usize, QualName)> = (findings.iter().enumerate())
        .filter(|(_, f)| f.code == EXTRA_OBJECT.code || f.code == LEAKED_OBJECT.code)
        .filter_map(|(i, f)| {
            let q = relations.get(f.object.as_deref()?)?;
            Some((i, (*q).clone()))
        })
        .collect();
    if wanted.is_empty() {
        return;
    }
    let names: Vec<QualName> = wanted.iter().map(|(_, q)| q.clone()).collect();
    let opts = InvestigateOptions {
        count_timeout: Duration::ZERO,
        estimate_sizes: true,
        relations_only: true,
    };
    let Ok(inv) = investigate_exact(conn, &names, &opts).await else {
        return;
    };
    let by_name: HashMap<&str, _> = (inv.objects.iter())
        .map(|o| (o.object.as_str(), o))
        .collect();
    for (i, q) in wanted {
        if let Some(e) = by_name.get(q.to_string().as_str()) {
            let command = Command::pgdrift(["investigate", target.arg.as_str(), &e.object])
                .args(["-f", "markdown"]);
            findings[i].evidence = Some(Brief::of(e, command.to_string()));
        }
    }
}

/// The relations of `live` by the key findings name them with (`table public.x`).
fn relations(live: &Catalog) -> HashMap<String, &QualName> {
    let tables = live.tables.keys().map(|q| (Kind::Table, q));
    let views = live.views.keys().map(|q| (Kind::View, q));
    let sequences = live.sequences.keys().map(|q| (Kind::Sequence, q));
    (tables.chain(views).chain(sequences))
        .map(|(kind, q)| (object_key(kind, &q.to_string()), q))
        .collect()
}
