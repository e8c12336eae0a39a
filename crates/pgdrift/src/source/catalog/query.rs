//! The catalog queries: one `.sql` file per object kind, and the small template language
//! they share, expanded once per server version:
//! `{{schema_filter n}}` keeps namespace alias `n` to the namespaces in scope (`$1`),
//! `{{not_in_extension pg_class c.oid}}` leaves out what extensions own (`$2`, the members
//! of that catalog), `{{shard c.oid}}` keeps one slice of relations (`$3`..`$4`),
//! `{{tree COLUMN, RELATION}}` reads a stored expression (its raw node tree when the client
//! deparses, else `pg_get_expr(COLUMN, RELATION)`), and
//! `{{since 15}}new{{else}}old{{end}}` picks by version. Every query takes the same four
//! parameters, used or not.

/// Every query the inspector runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum QueryId {
    Schemas,
    Extensions,
    Types,
    Sequences,
    Tables,
    Columns,
    Defaults,
    Constraints,
    Indexes,
    Views,
    Functions,
    Triggers,
    Policies,
    Operators,
    DefaultPrivileges,
    DatabaseSettings,
    Rules,
    Statistics,
    Collations,
    EventTriggers,
    ForeignDataWrappers,
    ForeignServers,
    UserMappings,
    Casts,
    TextSearchDictionaries,
    TextSearchConfigurations,
    TextSearchTemplates,
    TextSearchParsers,
    Publications,
    Subscriptions,
    Languages,
    Transforms,
    Conversions,
    AccessMethods,
    OperatorFamilies,
    OperatorClasses,
}

/// The queries of kinds most databases have few objects of, or none: they are sent
/// together, in one round trip, by whichever connection takes the first of them.
const PIPELINED: &[QueryId] = &[
    QueryId::DefaultPrivileges,
    QueryId::DatabaseSettings,
    QueryId::Rules,
    QueryId::Statistics,
    QueryId::Collations,
    QueryId::EventTriggers,
    QueryId::ForeignDataWrappers,
    QueryId::ForeignServers,
    QueryId::UserMappings,
    QueryId::Casts,
    QueryId::TextSearchDictionaries,
    QueryId::TextSearchConfigurations,
    QueryId::TextSearchTemplates,
    QueryId::TextSearchParsers,
    QueryId::Publications,
    QueryId::Subscriptions,
    QueryId::Languages,
    QueryId::Transforms,
    QueryId::Conversions,
    QueryId::AccessMethods,
    QueryId::OperatorFamilies,
    QueryId::OperatorClasses,
];

/// A query's name and text.
#[derive(Debug)]
pub(crate) struct QueryDef {
    pub id: QueryId,
    pub name: &'static str,
    pub text: &'static str,
}

/// The queries, heaviest first (so they start first when spread over connections).
pub(crate) const QUERIES: &[QueryDef] = &[
    QueryDef {
        id: QueryId::Columns,
        name: "columns",
        text: include_str!("queries/columns.sql"),
    },
    QueryDef {
        id: QueryId::Indexes,
        name: "indexes",
        text: include_str!("queries/indexes.sql"),
    },
    QueryDef {
        id: QueryId::Constraints,
        name: "constraints",
        text: include_str!("queries/constraints.sql"),
    },
    QueryDef {
        id: QueryId::Tables,
        name: "tables",
        text: include_str!("queries/tables.sql"),
    },
    QueryDef {
        id: QueryId::Defaults,
        name: "defaults",
        text: include_str!("queries/defaults.sql"),
    },
    QueryDef {
        id: QueryId::Triggers,
        name: "triggers",
        text: include_str!("queries/triggers.sql"),
    },
    QueryDef {
        id: QueryId::Views,
        name: "views",
        text: include_str!("queries/views.sql"),
    },
    QueryDef {
        id: QueryId::Functions,
        name: "functions",
        text: include_str!("queries/functions.sql"),
    },
    QueryDef {
        id: QueryId::Sequences,
        name: "sequences",
        text: include_str!("queries/sequences.sql"),
    },
    QueryDef {
        id: QueryId::Types,
        name: "types",
        text: include_str!("queries/types.sql"),
    },
    QueryDef {
        id: QueryId::Policies,
        name: "policies",
        text: include_str!("queries/policies.sql"),
    },
    QueryDef {
        id: QueryId::Operators,
        name: "operators",
        text: include_str!("queries/operators.sql"),
    },
    QueryDef {
        id: QueryId::Schemas,
        name: "schemas",
        text: include_str!("queries/schemas.sql"),
    },
    QueryDef {
        id: QueryId::Extensions,
        name: "extensions",
        text: include_str!("queries/extensions.sql"),
    },
    QueryDef {
        id: QueryId::DefaultPrivileges,
        name: "default_privileges",
        text: include_str!("queries/default_privileges.sql"),
    },
    QueryDef {
        id: QueryId::DatabaseSettings,
        name: "database_settings",
        text: include_str!("queries/database_settings.sql"),
    },
    QueryDef {
        id: QueryId::Rules,
        name: "rules",
        text: include_str!("queries/rules.sql"),
    },
    QueryDef {
        id: QueryId::Statistics,
        name: "statistics",
        text: include_str!("queries/statistics.sql"),
    },
    QueryDef {
        id: QueryId::Collations,
        name: "user_collations",
        text: include_str!("queries/user_collations.sql"),
    },
    QueryDef {
        id: QueryId::EventTriggers,
        name: "event_triggers",
        text: include_str!("queries/event_triggers.sql"),
    },
    QueryDef {
        id: QueryId::ForeignDataWrappers,
        name: "foreign_data_wrappers",
        text: include_str!("queries/foreign_data_wrappers.sql"),
    },
    QueryDef {
        id: QueryId::ForeignServers,
        name: "foreign_servers",
        text: include_str!("queries/foreign_servers.sql"),
    },
    QueryDef {
        id: QueryId::UserMappings,
        name: "user_mappings",
        text: include_str!("queries/user_mappings.sql"),
    },
    QueryDef {
        id: QueryId::Casts,
        name: "casts",
        text: include_str!("queries/casts.sql"),
    },
    QueryDef {
        id: QueryId::TextSearchDictionaries,
        name: "ts_dictionaries",
        text: include_str!("queries/ts_dictionaries.sql"),
    },
    QueryDef {
        id: QueryId::TextSearchConfigurations,
        name: "ts_configurations",
        text: include_str!("queries/ts_configurations.sql"),
    },
    QueryDef {
        id: QueryId::TextSearchTemplates,
        name: "ts_templates",
        text: include_str!("queries/ts_templates.sql"),
    },
    QueryDef {
        id: QueryId::TextSearchParsers,
        name: "ts_parsers",
        text: include_str!("queries/ts_parsers.sql"),
    },
    QueryDef {
        id: QueryId::Publications,
        name: "publications",
        text: include_str!("queries/publications.sql"),
    },
    QueryDef {
        id: QueryId::Subscriptions,
        name: "subscriptions",
        text: include_str!("queries/subscriptions.sql"),
    },
    QueryDef {
        id: QueryId::Languages,
        name: "languages",
        text: include_str!("queries/languages.sql"),
    },
    QueryDef {
        id: QueryId::Transforms,
        name: "transforms",
        text: include_str!("queries/transforms.sql"),
    },
    QueryDef {
        id: QueryId::Conversions,
        name: "conversions",
        text: include_str!("queries/conversions.sql"),
    },
    QueryDef {
        id: QueryId::AccessMethods,
        name: "access_methods",
        text: include_str!("queries/access_methods.sql"),
    },
    QueryDef {
        id: QueryId::OperatorFamilies,
        name: "operator_families",
        text: include_str!("queries/operator_families.sql"),
    },
    QueryDef {
        id: QueryId::OperatorClasses,
        name: "operator_classes",
        text: include_str!("queries/operator_classes.sql"),
    },
];

/// A query that runs before the others, on the first connection, to decide what they read
/// and to name what they refer to.
#[derive(Debug)]
pub(crate) struct PreQuery {
    pub name: &'static str,
    pub text: &'static str,
}

pub(crate) const SCOPE: PreQuery = PreQuery {
    name: "scope",
    text: include_str!("queries/scope.sql"),
};
pub(crate) const MEMBERS: PreQuery = PreQuery {
    name: "extension members",
    text: include_str!("queries/members.sql"),
};
pub(crate) const OPCLASSES: PreQuery = PreQuery {
    name: "operator classes",
    text: include_str!("queries/opclasses.sql"),
};
pub(crate) const COLLATIONS: PreQuery = PreQuery {
    name: "collations",
    text: include_str!("queries/collations.sql"),
};

/// A query ready to run on one server version.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub id: QueryId,
    pub name: &'static str,
    pub sql: String,
    /// Reads one slice of the relations (`$3`..`$4`); run once per connection.
    pub sharded: bool,
    /// Sent together with the other pipelined queries ([`PIPELINED`]).
    pub pipelined: bool,
    /// The catalog whose extension members `$2` must hold (`pg_class`, `pg_proc`, ...).
    pub members_of: Option<String>,
}

/// Expands every query for server major version `major`; stored expressions come as node
/// trees when `client_deparse`.
pub(crate) fn prepare_all(major: u32, client_deparse: bool) -> Vec<Prepared> {
    QUERIES
        .iter()
        .map(|q| {
            let sql = expand(q.text, major, client_deparse);
            Prepared {
                id: q.id,
                name: q.name,
                sharded: sql.contains("$3"),
                pipelined: PIPELINED.contains(&q.id),
                members_of: members_catalog(q.text),
                sql,
            }
        })
        .collect()
}

pub(crate) fn expand(text: &str, major: u32, client_deparse: bool) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .expect("unterminated {{ in a catalog query");
        let tag = after[..end].trim();
        rest = &after[end + 2..];
        if let Some(args) = tag.strip_prefix("tree ") {
            let (column, relation) = args
                .split_once(',')
                .expect("{{tree COLUMN, RELATION}} takes two arguments");
            match client_deparse {
                true => out.push_str(&format!("{}::text", column.trim())),
                false => out.push_str(&format!(
                    "pg_get_expr({}, {})",
                    column.trim(),
                    relation.trim()
                )),
            }
            continue;
        }
        let mut words = tag.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("schema_filter"), Some(alias), None) => out.push_str(&schema_filter(alias)),
            (Some("not_in_extension"), Some(_catalog), Some(oid)) => {
                out.push_str(&format!("{oid} <> ALL ($2::oid[])"))
            }
            (Some("shard"), Some(oid), None) => {
                out.push_str(&format!("{oid} BETWEEN $3::oid AND $4::oid"))
            }
            (Some("since"), Some(version), None) => {
                let version: u32 = version.parse().expect("{{since N}} takes a major version");
                let (new, old, tail) = split_since(rest);
                out.push_str(if major >= version { new } else { old });
                rest = tail;
            }
            _ => panic!("unknown template tag {{{{{tag}}}}} in a catalog query"),
        }
    }
    out.push_str(rest);
    out
}

/// Splits `new{{else}}old{{end}}tail`.
fn split_since(text: &str) -> (&str, &str, &str) {
    let end = text.find("{{end}}").expect("{{since}} without {{end}}");
    let body = &text[..end];
    let tail = &text[end + "{{end}}".len()..];
    match body.find("{{else}}") {
        Some(e) => (&body[..e], &body[e + "{{else}}".len()..], tail),
        None => (body, "", tail),
    }
}

/// The schema predicate on namespace alias `n`: one of the namespaces in scope.
fn schema_filter(n: &str) -> String {
    format!("{n}.oid = ANY ($1::oid[])")
}

/// The catalog named by the query's `{{not_in_extension CATALOG ...}}` tag, if any.
fn members_catalog(text: &str) -> Option<String> {
    let start = text.find("{{not_in_extension ")? + "{{not_in_extension ".len();
    text[start..].split_whitespace().next().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_expands_for_every_version() {
        for major in 14..=18 {
            for client in [false, true] {
                for q in prepare_all(major, client) {
                    assert!(!q.sql.contains("{{"), "{} left a tag for {major}", q.name);
                }
            }
        }
    }

    #[test]
    fn pipelined_queries_are_light_and_come_last() {
        let queries = prepare_all(16, false);
        let first = queries.iter().position(|q| q.pipelined).unwrap();
        assert!(queries[first..].iter().all(|q| q.pipelined && !q.sharded));
        assert_eq!(queries.len() - first, PIPELINED.len());
    }

    #[test]
    fn tags_expand_to_parameters() {
        let q = "SELECT 1 FROM pg_class c JOIN pg_namespace n ON true WHERE {{schema_filter n}} \
                 AND {{not_in_extension pg_class c.oid}} AND {{shard c.oid}}";
        assert_eq!(
            expand(q, 16, false),
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON true WHERE n.oid = ANY ($1::oid[]) \
             AND c.oid <> ALL ($2::oid[]) AND c.oid BETWEEN $3::oid AND $4::oid"
        );
        assert_eq!(members_catalog(q).as_deref(), Some("pg_class"));
    }

    #[test]
    fn since_picks_by_version() {
        let text = "a {{since 15}}new{{else}}old{{end}} b";
        assert_eq!(expand(text, 14, false), "a old b");
        assert_eq!(expand(text, 15, false), "a new b");
        assert_eq!(expand("{{since 18}}x{{end}}", 17, false), "");
    }

    #[test]
    fn trees_come_raw_or_deparsed() {
        let text = "SELECT {{tree con.conbin, con.conrelid}}";
        assert_eq!(expand(text, 16, true), "SELECT con.conbin::text");
        assert_eq!(
            expand(text, 16, false),
            "SELECT pg_get_expr(con.conbin, con.conrelid)"
        );
    }
}
