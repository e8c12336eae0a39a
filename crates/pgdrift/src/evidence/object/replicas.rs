//! Statistics per server instance: PostgreSQL counts scans and writes on each instance
//! separately, so a table read only on a replica looks unused on the primary. Each replica
//! is asked for the `pg_stat_user_tables` counters of the investigated relations, matched by
//! schema and name; an instance that cannot be read is kept with its error (masked), as
//! missing evidence, never as a failure of the whole investigation.

use super::read::read_activity;
use super::{Activity, Investigation};
use crate::pg::{connect, mask_urls, ConnInfo};
use crate::source::catalog::expand_query;
use rustc_hash::FxHashMap;
use serde::Serialize;

const INSTANCE_ACTIVITY: &str = include_str!("queries/instance_activity.sql");

/// The statistics of one relation on one server instance.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceActivity {
    /// The instance: its connection string, masked.
    pub instance: String,
    /// `primary` (the database investigated) or `replica`.
    pub role: &'static str,
    /// `None` when the instance could not be read, or keeps no statistics for the relation.
    pub activity: Option<Activity>,
    /// Why the instance could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What one replica answered: the statistics by `schema.name`, or why it could not answer.
struct Answer {
    instance: String,
    result: Result<FxHashMap<String, Activity>, String>,
}

/// Reads every replica's statistics for the relations of `inv` and lists them per object
/// after the primary's, then judges each object again. Replicas are read one after another;
/// one that fails is reported in the objects' evidence.
pub async fn add_replicas(inv: &mut Investigation, replicas: &[ConnInfo]) {
    if replicas.is_empty() {
        return;
    }
    let relations = (inv.objects.iter()).filter(|o| !super::other::is_other(o.kind));
    let (schemas, names): (Vec<String>, Vec<String>) = relations
        .filter_map(|o| o.object.split_once('.'))
        .map(|(s, n)| (s.to_string(), n.to_string()))
        .unzip();
    let mut answers = Vec::with_capacity(replicas.len());
    for info in replicas {
        answers.push(Answer {
            instance: mask_urls(&info.to_string()),
            result: read_replica(info, &schemas, &names).await,
        });
    }
    let primary = inv.database.clone();
    // Functions and types keep no statistics per table on any instance.
    for o in (inv.objects.iter_mut()).filter(|o| !super::other::is_other(o.kind)) {
        o.activity_by_instance = vec![InstanceActivity {
            instance: primary.clone(),
            role: "primary",
            activity: o.activity.clone(),
            error: None,
        }];
        for a in &answers {
            let (activity, error) = match &a.result {
                Ok(found) => (found.get(&o.object).cloned(), None),
                Err(e) => (None, Some(e.clone())),
            };
            o.activity_by_instance.push(InstanceActivity {
                instance: a.instance.clone(),
                role: "replica",
                activity,
                error,
            });
        }
        o.judge();
    }
}

/// The statistics of the named relations on one instance, by `schema.name`.
async fn read_replica(
    info: &ConnInfo,
    schemas: &[String],
    names: &[String],
) -> Result<FxHashMap<String, Activity>, String> {
    let conn = connect::connect(info)
        .await
        .map_err(|e| mask_urls(&e.to_string()))?;
    let sql = expand_query(INSTANCE_ACTIVITY, conn.version.major(), false);
    let rows = conn
        .client
        .query(sql.as_str(), &[&schemas, &names])
        .await
        .map_err(|e| {
            mask_urls(&format!(
                "reading table statistics of {}: {}",
                conn.target,
                connect::db_message(&e)
            ))
        })?;
    Ok(rows
        .iter()
        .map(|r| {
            let key = format!(
                "{}.{}",
                r.get::<_, String>("schema"),
                r.get::<_, String>("name")
            );
            (key, read_activity(r))
        })
        .collect())
}
