//! Subscriptions. A plan never writes `CREATE SUBSCRIPTION`: it would need the
//! connection's password, which pgdrift never reads into a script, and it connects to the
//! publisher (and creates a replication slot there). Creating one, dropping one (`DROP
//! SUBSCRIPTION` drops its slot on the publisher), and changing its connection,
//! publications, slot, two-phase or failover setting (which connect to the publisher or
//! need the subscription disabled first), and enabling or disabling it (which starts or
//! stops replication) are manual steps that say what to run. Options the subscriber alone
//! keeps (`binary`, `streaming`, `synchronous_commit`, `disable_on_error`, `origin`,
//! `password_required`, `run_as_owner`) and the comment are set in place.

use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::Pass;
use super::super::Step;
use super::objects::only;
use crate::diff::{field, Change, Op, Pair};
use crate::model::{Kind, Subscription};
use crate::sql::{Ident, Literal};

/// Fields whose change is planned in place.
const SUBSCRIPTION_IN_PLACE: &[&str] = &[
    field!(Subscription, synchronous_commit),
    field!(Subscription, binary),
    field!(Subscription, streaming),
    field!(Subscription, disable_on_error),
    field!(Subscription, origin),
    field!(Subscription, password_required),
    field!(Subscription, run_as_owner),
    field!(Subscription, comment),
    field!(Subscription, owner),
];

impl Names<'_> {
    /// What a subscription needs in this database: nothing (its publications are on
    /// another server).
    pub fn subscription_deps(&self, _: &Subscription) -> Vec<Node> {
        Vec::new()
    }
}

/// How the subscription would be created, its connection masked: for a manual step.
pub fn create_subscription_text(s: &Subscription) -> String {
    let publications: Vec<String> = s
        .publications
        .iter()
        .map(|p| Ident(p).to_string())
        .collect();
    let connection = s.connection.as_deref().unwrap_or("<connection string>");
    let mut options = vec![format!("enabled = {}", s.enabled)];
    match &s.slot_name {
        Some(slot) if *slot != s.name => options.push(format!("slot_name = {}", Literal(slot))),
        Some(_) => {}
        None => options.push("slot_name = NONE".to_string()),
    }
    options.extend(set_options(None, s));
    format!(
        "CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {} WITH ({})",
        Ident(&s.name),
        Literal(connection),
        publications.join(", "),
        options.join(", ")
    )
}

/// The `name = value` options of `to` that differ from `from` (from PostgreSQL's defaults
/// when `from` is `None`), among those set in place.
fn set_options(from: Option<&Subscription>, to: &Subscription) -> Vec<String> {
    let mut out = Vec::new();
    let mut option = |name: &str, before: Option<String>, after: Option<String>, default: &str| {
        let changed = match from {
            Some(_) => before != after,
            None => after.as_deref().is_some_and(|a| a != default),
        };
        if let (true, Some(a)) = (changed, after) {
            out.push(format!("{name} = {a}"));
        }
    };
    let get = |f: fn(&Subscription) -> Option<String>| (from.and_then(f), f(to));
    let (b, a) = get(|s| Some(Literal(&s.synchronous_commit).to_string()));
    option("synchronous_commit", b, a, "'off'");
    let (b, a) = get(|s| Some(s.binary.to_string()));
    option("binary", b, a, "false");
    let (b, a) = get(|s| Some(s.streaming.clone()));
    // Its default differs by version (`parallel` from 18 on): always written.
    option("streaming", b, a, "");
    let (b, a) = get(|s| Some(s.disable_on_error.to_string()));
    option("disable_on_error", b, a, "false");
    let (b, a) = get(|s| s.origin.as_deref().map(|o| Literal(o).to_string()));
    option("origin", b, a, "'any'");
    let (b, a) = get(|s| s.password_required.map(|v| v.to_string()));
    option("password_required", b, a, "true");
    let (b, a) = get(|s| s.run_as_owner.map(|v| v.to_string()));
    option("run_as_owner", b, a, "false");
    out
}

/// `ALTER SUBSCRIPTION s SET (...)` for the options set in place that change.
pub fn alter_subscription_options(from: &Subscription, to: &Subscription) -> Option<String> {
    let options = set_options(Some(from), to);
    (!options.is_empty()).then(|| {
        format!(
            "ALTER SUBSCRIPTION {} SET ({})",
            Ident(&to.name),
            options.join(", ")
        )
    })
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn subscription(&mut self, c: &Change<'a>, p: Pair<'a, Subscription>) {
        let reason = match p {
            Pair::Created(s) => format!(
                "pgdrift never writes CREATE SUBSCRIPTION: it needs the connection's password \
                 and connects to the publisher, creating a replication slot there; create it \
                 by hand, with the password: {}",
                create_subscription_text(s)
            ),
            Pair::Dropped(s) => format!(
                "DROP SUBSCRIPTION connects to the publisher and drops the replication slot \
                 {} there; drop it by hand when replication from publications {} should \
                 stop (to keep the slot: ALTER SUBSCRIPTION {n} DISABLE; ALTER SUBSCRIPTION \
                 {n} SET (slot_name = NONE); DROP SUBSCRIPTION {n})",
                s.slot_name.as_deref().unwrap_or("(none)"),
                s.publications.join(", "),
                n = Ident(&s.name)
            ),
            Pair::Altered { from, to } => return self.alter_subscription(c, from, to),
        };
        self.manual(Kind::Subscription, c.name.clone(), reason);
    }

    fn alter_subscription(&mut self, c: &Change<'a>, from: &'a Subscription, to: &'a Subscription) {
        if !only(c, SUBSCRIPTION_IN_PLACE) {
            let fields: Vec<&str> = (c.fields.iter())
                .map(|f| f.field.as_str())
                .filter(|f| !SUBSCRIPTION_IN_PLACE.contains(f))
                .collect();
            let reason = format!(
                "its {} changed, which a plan does not change: that needs the connection's \
                 password, a connection to the publisher, or starts or stops replication; \
                 change it by hand (ALTER SUBSCRIPTION {} ...), to match: {}",
                fields.join(", "),
                Ident(&to.name),
                create_subscription_text(to)
            );
            self.manual(Kind::Subscription, c.name.clone(), reason);
        }
        let mut steps = Vec::new();
        if let Some(sql) = alter_subscription_options(from, to) {
            steps.push(Step::new(sql, Kind::Subscription, Op::Alter, &c.name));
        }
        if from.comment != to.comment {
            let target = format!("SUBSCRIPTION {}", Ident(&to.name));
            let comment = to.comment.as_deref();
            steps.push(self.comment_step(Kind::Subscription, &c.name, &target, comment));
        }
        let node = Node::Subscription(to.name.clone());
        self.push(Phase::Main, node, Vec::new(), steps);
    }
}
