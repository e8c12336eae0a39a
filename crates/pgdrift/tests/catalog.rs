//! Reading catalogs: one fixture per object kind loaded into a fresh database, read back,
//! checked field by field and against a JSON snapshot per server major version.

mod common;

use common::{load, read};
use pgdrift::model::*;
use pgdrift::source::InspectOptions;

fn qn(schema: &str, name: &str) -> QualName {
    QualName::new(schema, name)
}

fn sub(schema: &str, table: &str, name: &str) -> SubName {
    SubName {
        schema: schema.into(),
        table: table.into(),
        name: name.into(),
    }
}

fn grant(grantee: &str, privilege: &str, grantable: bool) -> Grant {
    Grant {
        grantee: grantee.into(),
        privilege: privilege.into(),
        grantable,
    }
}

fn column<'a>(table: &'a Table, name: &str) -> &'a Column {
    table
        .column(name)
        .unwrap_or_else(|| panic!("no column {name} in {}", table.name))
}

#[tokio::test]
async fn schemas() {
    let l = load("schemas").await;
    let c = l.catalog();
    assert_eq!(
        c.schemas.keys().collect::<Vec<_>>(),
        ["app", "audit", "empty_one", "public"]
    );
    let app = &c.schemas["app"];
    assert_eq!(
        (app.schema.as_str(), app.comment.as_deref()),
        ("app", Some("application tables"))
    );
    assert_eq!(
        app.privileges.granted,
        vec![grant("pgdrift_reader", "USAGE", false)]
    );
    let audit = &c.schemas["audit"];
    assert_eq!(audit.owner, "pgdrift_writer");
    assert_eq!(
        audit.privileges.granted,
        vec![
            grant("pgdrift_reader", "CREATE", true),
            grant("pgdrift_reader", "USAGE", true)
        ]
    );
    assert!(c.schemas["public"]
        .privileges
        .granted
        .iter()
        .all(|g| g.grantee != "PUBLIC"));
    assert_catalog_snapshot!("schemas", l);
}

#[tokio::test]
async fn extension_objects_are_left_out() {
    let l = load("extensions").await;
    let c = l.catalog();
    let names: Vec<(&str, &str)> = c
        .extensions
        .values()
        .map(|e| (e.name.as_str(), e.schema.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("citext", "public"),
            ("pg_trgm", "ext"),
            ("uuid-ossp", "public")
        ]
    );
    // pg_trgm, citext and uuid-ossp create dozens of functions, operators, types and classes.
    assert!(
        c.functions.is_empty(),
        "{:?}",
        c.functions.keys().collect::<Vec<_>>()
    );
    assert!(c.operators.is_empty());
    assert!(c.types.is_empty());
    let users = &c.tables[&qn("public", "users")];
    assert_eq!(column(users, "email").type_name, "public.citext");
    assert_eq!(
        column(users, "id").default.as_deref(),
        Some("public.uuid_generate_v4()")
    );
    let idx = &c.indexes[&qn("public", "users_email_trgm")];
    assert_eq!(idx.keys[0].opclass.as_deref(), Some("ext.gin_trgm_ops"));
    assert_eq!(idx.keys[0].expression.as_deref(), Some("(email)::text"));
    assert_catalog_snapshot!("extensions", l);
}

#[tokio::test]
async fn types() {
    let l = load("types").await;
    let c = l.catalog();
    let TypeKind::Enum { labels } = &c.types[&qn("app", "mood")].kind else {
        panic!("mood is an enum")
    };
    assert_eq!(labels, &["sad", "meh", "ok", "happy"]);
    assert_eq!(
        c.types[&qn("app", "mood")].privileges.granted,
        vec![grant("pgdrift_reader", "USAGE", false)]
    );
    let TypeKind::Domain {
        base_type,
        default,
        not_null,
        checks,
        collation,
    } = &c.types[&qn("app", "positive_int")].kind
    else {
        panic!("positive_int is a domain")
    };
    assert_eq!(
        (base_type.as_str(), default.as_deref(), *not_null, collation),
        ("integer", Some("1"), true, &None)
    );
    assert_eq!(
        checks.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["positive", "small"]
    );
    let TypeKind::Domain {
        collation, checks, ..
    } = &c.types[&qn("app", "code")].kind
    else {
        panic!()
    };
    assert_eq!(collation.as_deref(), Some("\"C\""));
    assert!(
        !checks
            .iter()
            .find(|c| c.name == "not_empty")
            .unwrap()
            .validated
    );
    let TypeKind::Composite { attributes } = &c.types[&qn("app", "address")].kind else {
        panic!()
    };
    assert_eq!(attributes.len(), 4);
    assert_eq!(attributes[1].collation.as_deref(), Some("\"C\""));
    assert_eq!(attributes[2].type_name, "app.code");
    assert_eq!(
        c.types[&qn("app", "address")].privileges.revoked,
        vec![grant("PUBLIC", "USAGE", false)]
    );
    let TypeKind::Range {
        subtype,
        subtype_diff,
        multirange,
        ..
    } = &c.types[&qn("app", "float_range")].kind
    else {
        panic!()
    };
    assert_eq!(subtype, "double precision");
    assert_eq!(
        subtype_diff.as_deref(),
        Some("float8mi(double precision,double precision)")
    );
    assert_eq!(multirange.as_deref(), Some("app.float_multirange"));
    // The constructors PostgreSQL makes for range types are not the user's functions.
    assert!(
        c.functions.is_empty(),
        "{:?}",
        c.functions.keys().collect::<Vec<_>>()
    );
    assert_catalog_snapshot!("types", l);
}

#[tokio::test]
async fn sequences() {
    let l = load("sequences").await;
    let c = l.catalog();
    let tuned = &c.sequences[&qn("app", "tuned")];
    assert_eq!(
        tuned.options,
        SequenceOptions {
            data_type: "integer".into(),
            start: 100,
            increment: 5,
            min: 50,
            max: 100000,
            cache: 10,
            cycle: true
        }
    );
    assert_eq!(tuned.comment.as_deref(), Some("invoice numbers"));
    assert_eq!(
        tuned.privileges.granted,
        vec![grant("pgdrift_writer", "UPDATE", true)]
    );
    assert_eq!(c.sequences[&qn("app", "down")].options.increment, -1);
    let owned = c.sequences[&qn("app", "items_id_seq")]
        .owned_by
        .as_ref()
        .unwrap();
    assert_eq!(
        (owned.table.as_str(), owned.column.as_str()),
        ("items", "id")
    );
    assert_eq!(
        c.sequences[&qn("app", "owned")]
            .owned_by
            .as_ref()
            .unwrap()
            .column,
        "id"
    );
    // An identity column's sequence is not a sequence of its own: it is on the column.
    assert!(!c.sequences.keys().any(|k| k.name.contains("ident")));
    let ident = column(&c.tables[&qn("app", "items")], "ident")
        .identity
        .clone()
        .unwrap();
    assert_eq!(ident.generation, IdentityGeneration::Always);
    assert_eq!((ident.sequence.start, ident.sequence.increment), (7, 3));
    assert_eq!(
        c.sequences.contains_key(&qn("app", "scratch")),
        l.major >= 15
    );
    if l.major >= 15 {
        assert!(c.sequences[&qn("app", "scratch")].unlogged);
    }
    assert_catalog_snapshot!("sequences", l);
}

#[tokio::test]
async fn tables() {
    let l = load("tables").await;
    let c = l.catalog();
    let orders = &c.tables[&qn("app", "orders")];
    let names: Vec<&str> = orders.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "code",
            "amount",
            "ratio",
            "status",
            "placed_at",
            "window_start",
            "duration",
            "tags",
            "payload",
            "flags",
            "total",
            "big_note"
        ]
    );
    // A dropped column leaves no gap.
    assert_eq!(
        orders
            .columns
            .iter()
            .map(|c| c.position)
            .collect::<Vec<_>>(),
        (1..=13).collect::<Vec<_>>()
    );
    let id = column(orders, "id").identity.as_ref().unwrap();
    assert_eq!(
        (id.generation, id.sequence.start, id.sequence.cache),
        (IdentityGeneration::ByDefault, 1000, 20)
    );
    let code = column(orders, "code");
    assert_eq!(
        (
            code.type_name.as_str(),
            code.collation.as_deref(),
            code.statistics
        ),
        ("character varying(12)", Some("\"C\""), Some(500))
    );
    assert!(code.not_null);
    assert_eq!(column(orders, "amount").type_name, "numeric(12,2)");
    assert_eq!(
        column(orders, "amount").comment.as_deref(),
        Some("in cents")
    );
    assert_eq!(column(orders, "amount").default.as_deref(), Some("0"));
    assert_eq!(
        column(orders, "status").default.as_deref(),
        Some("'new'::app.status")
    );
    assert_eq!(
        column(orders, "placed_at").type_name,
        "timestamp(3) with time zone"
    );
    assert_eq!(
        column(orders, "duration").type_name,
        "interval day to second"
    );
    assert_eq!(
        column(orders, "payload").default.as_deref(),
        Some("'{\"v\": 1}'::jsonb")
    );
    // Default collations are not recorded.
    assert_eq!(column(orders, "big_note").collation, None);
    let total = column(orders, "total");
    assert_eq!(
        total.generated,
        Some(Generated {
            expression: "(amount * (2)::numeric)".into(),
            stored: true
        })
    );
    assert_eq!(total.default, None);
    let big = column(orders, "big_note");
    assert_eq!(
        (big.storage, big.compression),
        (Some(Storage::External), Some(Compression::Pglz))
    );
    assert_eq!(column(orders, "ratio").options, ["n_distinct=100"]);
    assert_eq!(
        orders.options,
        ["autovacuum_enabled=false", "fillfactor=70"]
    );
    assert_eq!(orders.replica_identity, ReplicaIdentity::Full);
    assert!(orders.rls_enabled && orders.rls_forced);
    assert_eq!(orders.comment.as_deref(), Some("customer orders"));
    assert_eq!(
        orders.privileges.granted,
        vec![
            grant("pgdrift_reader", "INSERT", false),
            grant("pgdrift_reader", "SELECT", false)
        ]
    );
    assert_eq!(
        orders.privileges.revoked,
        vec![grant("postgres", "TRUNCATE", false)]
    );
    assert_eq!(
        column(orders, "status").privileges,
        vec![grant("pgdrift_writer", "UPDATE", false)]
    );
    assert_eq!(
        c.tables[&qn("app", "always_id")].replica_identity,
        ReplicaIdentity::Index("always_id_key".into())
    );
    assert!(c.tables[&qn("app", "scratch")].unlogged);
    let events = &c.tables[&qn("app", "events")];
    assert_eq!(
        (events.kind, events.partition_key.as_deref()),
        (TableKind::Partitioned, Some("RANGE (at)"))
    );
    let p = &c.tables[&qn("app", "events_2024")];
    assert_eq!(p.partition_of, Some(qn("app", "events")));
    assert_eq!(
        p.partition_bound.as_deref(),
        Some("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
    );
    assert!(p.columns.iter().all(|c| c.inherited));
    assert_eq!(
        c.tables[&qn("app", "events_other")]
            .partition_bound
            .as_deref(),
        Some("DEFAULT")
    );
    assert_eq!(
        c.tables[&qn("app", "by_hash")].partition_key.as_deref(),
        Some("HASH (id)")
    );
    let child = &c.tables[&qn("app", "child")];
    assert_eq!(child.inherits, vec![qn("app", "base"), qn("app", "mixin")]);
    assert_eq!(child.partition_of, None);
    assert!(!column(child, "extra").inherited && column(child, "id").inherited);
    let imported = &c.tables[&qn("app", "imported")];
    assert_eq!(
        (imported.kind, imported.foreign_server.as_deref()),
        (TableKind::Foreign, Some("files"))
    );
    let options = |o: &[pgdrift::model::GenericOption]| -> Vec<String> {
        o.iter()
            .map(|o| format!("{}={}", o.name, o.value))
            .collect()
    };
    assert_eq!(
        options(&imported.foreign_options),
        ["filename=/dev/null", "format=text"]
    );
    assert_eq!(
        options(&column(imported, "line").foreign_options),
        ["force_not_null=true"]
    );
    assert_eq!(imported.replica_identity, ReplicaIdentity::Default);
    if l.major >= 18 {
        let b = column(&c.tables[&qn("app", "virtual_cols")], "b");
        assert_eq!(
            b.generated,
            Some(Generated {
                expression: "(a + 1)".into(),
                stored: false
            })
        );
    }
    assert_catalog_snapshot!("tables", l);
}

#[tokio::test]
async fn constraints() {
    let l = load("constraints").await;
    let c = l.catalog();
    let pk = &c.constraints[&sub("app", "customers", "customers_pkey")];
    let ConstraintKind::PrimaryKey { columns, index } = &pk.kind else {
        panic!("{pk:?}")
    };
    assert_eq!(
        (
            columns.as_slice(),
            index.include.as_slice(),
            index.index_options.as_slice()
        ),
        (
            &["id".to_string()][..],
            &["email".to_string()][..],
            &["fillfactor=80".to_string()][..]
        )
    );
    let uq = &c.constraints[&sub("app", "customers", "customers_email_key")];
    assert!(
        matches!(&uq.kind, ConstraintKind::Unique { columns, .. } if columns == &["email", "region"])
    );
    assert!(uq.deferrable && uq.initially_deferred);
    let check = &c.constraints[&sub("app", "orders", "positive_amount")];
    assert_eq!(
        check.kind,
        ConstraintKind::Check {
            expression: "(amount > (0)::numeric)".into(),
            no_inherit: false
        }
    );
    assert_eq!(check.comment.as_deref(), Some("no free lunch"));
    assert!(matches!(
        c.constraints[&sub("app", "orders", "orders_check")].kind,
        ConstraintKind::Check {
            no_inherit: true,
            ..
        }
    ));
    assert!(!c.constraints[&sub("app", "orders", "later_check")].validated);
    let fk = &c.constraints[&sub("app", "orders", "orders_customer_fk")];
    let ConstraintKind::ForeignKey {
        columns,
        references,
        referenced_columns,
        on_update,
        on_delete,
        match_type,
        ..
    } = &fk.kind
    else {
        panic!()
    };
    assert_eq!(
        (
            columns.as_slice(),
            references,
            referenced_columns.as_slice()
        ),
        (
            &["customer_id".to_string()][..],
            &qn("app", "customers"),
            &["id".to_string()][..]
        )
    );
    assert_eq!(
        (*on_update, *on_delete, *match_type),
        (FkAction::Restrict, FkAction::Cascade, FkMatch::Simple)
    );
    assert!(fk.deferrable && !fk.initially_deferred);
    let ConstraintKind::ForeignKey {
        match_type,
        referenced_columns,
        ..
    } = &c.constraints[&sub("app", "orders", "orders_pair_fk")].kind
    else {
        panic!()
    };
    assert_eq!(
        (*match_type, referenced_columns.as_slice()),
        (FkMatch::Full, &["id".to_string(), "email".to_string()][..])
    );
    let self_fk = &c.constraints[&sub("app", "orders", "self_fk")];
    assert!(!self_fk.validated);
    assert!(matches!(
        self_fk.kind,
        ConstraintKind::ForeignKey {
            on_delete: FkAction::SetNull,
            ..
        }
    ));
    let ConstraintKind::Exclusion { definition, .. } =
        &c.constraints[&sub("app", "rooms", "rooms_room_during_excl")].kind
    else {
        panic!()
    };
    assert_eq!(
        definition,
        "EXCLUDE USING gist (room WITH =, during WITH &&) WHERE ((room > 0))"
    );
    // What partitions and child tables get from their parent is not listed again.
    assert!(c
        .constraints
        .contains_key(&sub("app", "parted", "parted_pkey")));
    assert!(
        !c.constraints
            .keys()
            .any(|k| k.table == "parted_2024" || k.table == "parted_refs_2024" || k.table == "kid"),
        "{:?}",
        c.constraints.keys().collect::<Vec<_>>()
    );
    // Indexes behind constraints are described by the constraint only.
    assert!(!c.indexes.contains_key(&qn("app", "customers_pkey")));
    assert!(
        c.indexes.is_empty(),
        "{:?}",
        c.indexes.keys().collect::<Vec<_>>()
    );
    // A reference to a table outside the schemas read still names it.
    let only_app = read(
        &l.db,
        &InspectOptions {
            schemas: vec!["app".into()],
            ..Default::default()
        },
    )
    .await;
    let ConstraintKind::ForeignKey {
        references,
        referenced_columns,
        ..
    } = &only_app.catalog.constraints[&sub("app", "refers_out", "refers_out_code_fkey")].kind
    else {
        panic!()
    };
    assert_eq!(
        (references, referenced_columns.as_slice()),
        (&qn("other", "target"), &["code".to_string()][..])
    );
    if l.major >= 15 {
        assert!(matches!(
            c.constraints[&sub("app", "nnd", "nnd_key")].kind,
            ConstraintKind::Unique {
                nulls_not_distinct: true,
                ..
            }
        ));
        let ConstraintKind::ForeignKey {
            on_delete_columns, ..
        } = &c.constraints[&sub("app", "setnull", "setnull_customer_id_region_fkey")].kind
        else {
            panic!()
        };
        assert_eq!(on_delete_columns, &["region"]);
    }
    if l.major >= 18 {
        assert!(!c.constraints[&sub("app", "unenforced", "x_small")].enforced);
        assert!(matches!(
            c.constraints[&sub("app", "booking", "booking_pk")].kind,
            ConstraintKind::PrimaryKey {
                index: KeyIndex {
                    without_overlaps: true,
                    ..
                },
                ..
            }
        ));
    }
    // NOT NULL is on the column, never a constraint of its own (PostgreSQL 18 keeps rows for it).
    assert!(!c
        .constraints
        .keys()
        .any(|k| k.name.ends_with("_not_null") || k.name == "a_is_set"));
    assert_catalog_snapshot!("constraints", l);
}

#[tokio::test]
async fn indexes() {
    let l = load("indexes").await;
    // An index left invalid by a failed CREATE INDEX CONCURRENTLY.
    let conn = l.db.connect().await;
    assert!(conn
        .client
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY dupes_v ON app.dupes (v)")
        .await
        .is_err());
    let snapshot = read(&l.db, &InspectOptions::default()).await;
    let c = &snapshot.catalog;
    assert!(!c.indexes[&qn("app", "dupes_v")].valid);
    let multi = &c.indexes[&qn("app", "docs_multi")];
    assert_eq!(
        multi
            .keys
            .iter()
            .map(|k| (k.column.as_deref().unwrap(), k.descending, k.nulls_first))
            .collect::<Vec<_>>(),
        [
            ("score", true, false),
            ("at", false, true),
            ("id", false, false)
        ]
    );
    assert!(multi.clustered);
    assert_eq!(multi.comment.as_deref(), Some("the usual sort"));
    let title = &c.indexes[&qn("app", "docs_title_key")];
    assert!(title.unique);
    assert_eq!(title.include, ["score", "at"]);
    let lower = &c.indexes[&qn("app", "docs_lower")];
    assert_eq!(
        lower
            .keys
            .iter()
            .map(|k| k.expression.clone().or(k.column.clone()).unwrap())
            .collect::<Vec<_>>(),
        ["lower(body)", "(score + 1)", "id"]
    );
    assert_eq!(
        c.indexes[&qn("app", "docs_partial")].predicate.as_deref(),
        Some("((score > 10) AND (body IS NOT NULL))")
    );
    assert_eq!(c.indexes[&qn("app", "docs_hash")].method, "hash");
    assert_eq!(
        c.indexes[&qn("app", "docs_gin")].keys[0].opclass.as_deref(),
        Some("jsonb_path_ops")
    );
    assert_eq!(c.indexes[&qn("app", "docs_tags")].keys[0].opclass, None);
    assert_eq!(
        c.indexes[&qn("app", "docs_brin")].options,
        ["pages_per_range=32"]
    );
    assert_eq!(
        c.indexes[&qn("app", "docs_pattern")].keys[0]
            .opclass
            .as_deref(),
        Some("text_pattern_ops")
    );
    let collated = &c.indexes[&qn("app", "docs_collated")];
    assert_eq!(collated.keys[0].collation.as_deref(), Some("\"C\""));
    assert_eq!(collated.keys[1].collation.as_deref(), Some("\"POSIX\""));
    assert_eq!(
        c.indexes[&qn("app", "docs_filled")].options,
        ["fillfactor=50"]
    );
    // The partitioned index is listed once, not once per partition.
    assert!(c.indexes.contains_key(&qn("app", "parted_at")));
    assert!(!c.indexes.values().any(|i| i.table == "parted_a"));
    assert_eq!(c.indexes[&qn("app", "doc_scores_id")].table, "doc_scores");
    assert_catalog_snapshot!("indexes", l);
}

#[tokio::test]
async fn views() {
    let l = load("views").await;
    let c = l.catalog();
    let adults = &c.views[&qn("app", "adults")];
    assert!(!adults.materialized);
    assert!(
        adults.definition.contains("FROM app.people") && adults.definition.contains(">= 18"),
        "{}",
        adults.definition
    );
    assert_eq!(
        adults
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "name"]
    );
    assert_eq!(adults.columns[1].comment.as_deref(), Some("full name"));
    assert_eq!(
        adults.columns[1].default.as_deref(),
        Some("'anonymous'::text")
    );
    assert_eq!(adults.comment.as_deref(), Some("grown-ups"));
    assert_eq!(
        adults.privileges.granted,
        vec![grant("pgdrift_reader", "SELECT", false)]
    );
    assert_eq!(
        c.views[&qn("app", "checked")].options,
        ["check_option=cascaded"]
    );
    assert_eq!(
        c.views[&qn("app", "barrier")].options,
        ["security_barrier=true"]
    );
    let counts = &c.views[&qn("app", "name_counts")];
    assert!(counts.materialized);
    assert_eq!(counts.options, ["fillfactor=90"]);
    assert_eq!(counts.columns[1].type_name, "bigint");
    assert!(c.views[&qn("app", "numbers")]
        .definition
        .contains("WITH RECURSIVE"));
    if l.major >= 15 {
        assert_eq!(
            c.views[&qn("app", "invoker")].options,
            ["security_invoker=true"]
        );
    }
    assert_catalog_snapshot!("views", l);
}

#[tokio::test]
async fn functions() {
    let l = load("functions").await;
    let c = l.catalog();
    let f = |name: &str, args: &str| {
        c.functions
            .get(&Signature {
                schema: "app".into(),
                name: name.into(),
                arguments: args.into(),
            })
            .unwrap_or_else(|| {
                panic!(
                    "no app.{name}({args}) in {:?}",
                    c.functions.keys().collect::<Vec<_>>()
                )
            })
    };
    let add = f("add", "integer, integer");
    assert_eq!(
        (add.signature.as_str(), add.returns.as_deref()),
        ("a integer, b integer DEFAULT 1", Some("integer"))
    );
    assert_eq!(
        (add.volatility, add.strict, add.parallel),
        (Volatility::Immutable, true, Parallel::Safe)
    );
    assert_eq!(add.comment.as_deref(), Some("adds"));
    assert_eq!(add.body, "SELECT a + b");
    assert_eq!(
        f("add", "numeric, numeric").returns.as_deref(),
        Some("numeric")
    );
    let touch = f("touch", "");
    assert_eq!(
        touch.config,
        ["search_path=pg_catalog, app", "work_mem=64MB"]
    );
    assert_eq!(
        (touch.language.as_str(), touch.returns.as_deref()),
        ("plpgsql", Some("trigger"))
    );
    assert!(touch.body.contains("NEW.updated_at := now();"));
    let secret = c
        .functions
        .values()
        .find(|f| f.name == "secret_count")
        .unwrap();
    assert!(secret.security_definer);
    assert_eq!(
        (secret.volatility, secret.cost),
        (Volatility::Stable, 500.0)
    );
    assert_eq!(
        secret.privileges.granted,
        vec![grant("pgdrift_reader", "EXECUTE", false)]
    );
    assert_eq!(
        secret.privileges.revoked,
        vec![grant("PUBLIC", "EXECUTE", false)]
    );
    assert_eq!(
        (
            f("series", "integer").returns.as_deref(),
            f("series", "integer").rows
        ),
        (Some("SETOF integer"), 50.0)
    );
    assert_eq!(
        f("pairs", "integer").returns.as_deref(),
        Some("TABLE(i integer, sq integer)")
    );
    assert_eq!(f("standard", "integer").body, "RETURN (x * 2)");
    assert!(f("atomic", "integer").body.starts_with("BEGIN ATOMIC"));
    assert!(f("leaky", "integer").leakproof);
    let archive = c.functions.values().find(|f| f.name == "archive").unwrap();
    assert_eq!(
        (archive.kind, archive.returns.clone()),
        (FunctionKind::Procedure, None)
    );
    assert_eq!(
        archive.privileges.granted,
        vec![grant("pgdrift_writer", "EXECUTE", true)]
    );
    let agg = f("concat_all", "text");
    assert_eq!(agg.kind, FunctionKind::Aggregate);
    let a = agg.aggregate.as_ref().unwrap();
    assert_eq!(a.transition_function, "app.concat_step(text,text)");
    assert_eq!(
        (
            a.state_type.as_str(),
            a.final_function.as_deref(),
            a.initial_value.as_deref()
        ),
        ("text", Some("app.concat_final(text)"), Some(""))
    );
    assert_catalog_snapshot!("functions", l);
}

#[tokio::test]
async fn rules() {
    let l = load("rules").await;
    let c = l.catalog();
    // Views and materialized views have a _RETURN rule each: it is their definition.
    let names: Vec<String> = c
        .rules
        .keys()
        .map(|k| format!("{}.{}", k.table, k.name))
        .collect();
    assert_eq!(
        names,
        [
            "Archive.archive_insert",
            "Archive.replica_note",
            "open_orders.open_orders_insert",
            "orders.log_status",
            "orders.no delete"
        ]
    );
    let r = |table: &str, name: &str| &c.rules[&sub("app", table, name)];
    let log = r("orders", "log_status");
    assert_eq!((log.event.as_str(), log.instead), ("update", false));
    assert!(log.definition.starts_with("CREATE RULE log_status AS"));
    assert!(log.definition.contains("INSERT INTO app.orders_log"));
    assert!(!log.definition.ends_with(';'));
    let no_delete = r("orders", "no delete");
    assert_eq!(
        (no_delete.event.as_str(), no_delete.instead),
        ("delete", true)
    );
    assert_eq!(
        no_delete.comment.as_deref(),
        Some("orders are never deleted")
    );
    assert_eq!(r("Archive", "archive_insert").enabled, "disabled");
    assert_eq!(r("Archive", "replica_note").enabled, "replica");
    assert_eq!(r("open_orders", "open_orders_insert").enabled, "origin");
    assert_catalog_snapshot!("rules", l);
}

#[tokio::test]
async fn extended_statistics() {
    let l = load("statistics").await;
    let c = l.catalog();
    let s = |schema: &str, name: &str| &c.extended_statistics[&qn(schema, name)];
    let all = ["ndistinct", "dependencies", "mcv"];
    let city_zip = s("app", "city_zip");
    assert_eq!(city_zip.table, qn("app", "addresses"));
    assert_eq!(
        (city_zip.columns.as_str(), city_zip.target),
        ("city, zip", None)
    );
    assert_eq!(city_zip.kinds, all);
    let zip = s("stats", "Zip Country");
    assert_eq!(zip.table, qn("app", "addresses"));
    assert_eq!(zip.kinds, ["ndistinct", "mcv"]);
    assert_eq!(zip.target, Some(500));
    assert_eq!(
        zip.comment.as_deref(),
        Some("zip codes repeat across countries")
    );
    let lower = s("app", "city_lower");
    assert_eq!(lower.kinds, ["dependencies"]);
    // Columns come first, then expressions, whatever order the statement gave.
    assert_eq!(lower.columns, "country, lower(city)");
    // One expression alone builds the expression's statistics only.
    let day = s("app", "created_day");
    assert!(day.kinds.is_empty());
    assert_eq!(day.columns, "date_trunc('day'::text, created)");
    assert_eq!(s("app", "counts_pair").table, qn("app", "city_counts"));
    assert_catalog_snapshot!("statistics", l);
}

#[tokio::test]
async fn collations() {
    let l = load("collations").await;
    let c = l.catalog();
    let co = |name: &str| &c.collations[&qn("app", name)];
    // Only the user's own: none of pg_catalog's.
    assert!(c.collations.keys().all(|k| k.schema == "app"));
    let bytes = co("c_bytes");
    assert_eq!(
        (
            bytes.provider.as_str(),
            bytes.lc_collate.as_deref(),
            bytes.lc_ctype.as_deref()
        ),
        ("libc", Some("C"), Some("C"))
    );
    assert_eq!((bytes.locale.as_deref(), bytes.deterministic), (None, true));
    assert_eq!(bytes.comment.as_deref(), Some("byte order"));
    let mixed = co("Posix Mixed");
    assert_eq!(
        (mixed.lc_collate.as_deref(), mixed.lc_ctype.as_deref()),
        (Some("C"), Some("POSIX"))
    );
    let ci = co("ci");
    assert_eq!(
        (ci.provider.as_str(), ci.locale.as_deref(), ci.deterministic),
        ("icu", Some("und-u-ks-level2"), false)
    );
    assert_eq!(
        (ci.lc_collate.as_deref(), ci.rules.as_deref()),
        (None, None)
    );
    if l.major >= 16 {
        assert_eq!(co("tailored").rules.as_deref(), Some("&V << w <<< W"));
    }
    if l.major >= 17 {
        let builtin = co("builtin_c");
        assert_eq!(
            (builtin.provider.as_str(), builtin.locale.as_deref()),
            ("builtin", Some("C"))
        );
    }
    let users = &c.tables[&qn("app", "users")];
    assert_eq!(column(users, "email").collation.as_deref(), Some("app.ci"));
    assert_catalog_snapshot!("collations", l);
}

#[tokio::test]
async fn event_triggers() {
    let l = load("event_triggers").await;
    let c = l.catalog();
    let e = |name: &str| &c.event_triggers[name];
    let ddl = e("Note DDL");
    assert_eq!(
        (ddl.event.as_str(), ddl.tags.as_slice()),
        (
            "ddl_command_end",
            &["ALTER TABLE".to_string(), "CREATE TABLE".to_string()][..]
        )
    );
    assert_eq!(ddl.function, qn("app", "note_ddl"));
    assert_eq!(
        (ddl.enabled.as_str(), ddl.comment.as_deref()),
        ("origin", Some("logs table changes"))
    );
    assert!(e("note_start").tags.is_empty());
    assert_eq!(e("note_start").enabled, "disabled");
    assert_eq!(e("note_drop").enabled, "always");
    assert_eq!(
        (
            e("note_rewrite").event.as_str(),
            e("note_rewrite").enabled.as_str()
        ),
        ("table_rewrite", "replica")
    );
    if l.major >= 17 {
        assert_eq!(e("on_login").event, "login");
    }
    assert_catalog_snapshot!("event_triggers", l);
}

#[tokio::test]
async fn publications() {
    let l = load("publications").await;
    let c = l.catalog();
    let p = |name: &str| &c.publications[name];
    let all = p("everything");
    assert!(all.all_tables && all.tables.is_empty());
    assert_eq!(all.comment.as_deref(), Some("feeds the warehouse"));
    assert_eq!(all.publish, ["insert", "update", "delete", "truncate"]);
    let orders = p("Orders Feed");
    let names: Vec<String> = orders.tables.iter().map(|t| t.table.to_string()).collect();
    assert_eq!(names, ["app.Line Items", "app.orders"]);
    assert_eq!(orders.publish, ["insert", "update"]);
    assert!(p("via_root").via_root && !orders.via_root);
    assert!(p("empty_one").tables.is_empty() && !p("empty_one").all_tables);
    if l.major >= 15 {
        let f = p("filtered");
        assert_eq!(f.tables[0].columns, ["id", "total"]);
        assert_eq!(
            f.tables[0].row_filter.as_deref(),
            Some("(total > (100)::numeric)")
        );
        assert_eq!(f.publish, ["insert"]);
        let s = p("by_schema");
        assert_eq!(s.schemas, ["sales"]);
        assert_eq!(s.tables[0].row_filter.as_deref(), Some("(order_id > 0)"));
    }
    if l.major >= 18 {
        assert_eq!(
            p("with_generated").generated_columns.as_deref(),
            Some("stored")
        );
    }
    assert_catalog_snapshot!("publications", l);
}

#[tokio::test]
async fn subscriptions() {
    let l = load("subscriptions").await;
    let c = l.catalog();
    let s = |name: &str| &c.subscriptions[name];
    let orders = s("orders_sub");
    assert_eq!(orders.publications, ["Orders Feed", "audit"]);
    assert_eq!(
        orders.connection.as_deref(),
        Some("host=127.0.0.1 port=1 dbname=x user=u password=***")
    );
    assert_eq!((orders.enabled, orders.slot_name.as_deref()), (false, None));
    assert_eq!(orders.comment.as_deref(), Some("orders from the shop"));
    let tuned = s("tuned");
    assert_eq!(tuned.slot_name.as_deref(), Some("tuned_slot"));
    assert_eq!(
        (
            tuned.binary,
            tuned.streaming.as_str(),
            tuned.synchronous_commit.as_str()
        ),
        (true, "on", "local")
    );
    if l.major >= 15 {
        let careful = s("careful");
        assert!(careful.two_phase && careful.disable_on_error);
    }
    if l.major >= 16 {
        let careful = s("careful");
        assert_eq!(careful.origin.as_deref(), Some("none"));
        assert_eq!(
            (careful.run_as_owner, careful.password_required),
            (Some(true), Some(false))
        );
        assert_eq!(careful.streaming, "parallel");
    }
    if l.major >= 17 {
        assert_eq!(s("standby_ready").failover, Some(true));
        assert_eq!(tuned.failover, Some(false));
    }
    // The password is masked as it is read: it is in no output.
    let json = serde_json::to_string(&l.snapshot).unwrap();
    assert!(!json.contains("hunter2secret"), "{json}");
    let text = pgdrift::report::inspect::render_text(
        &l.snapshot,
        &pgdrift::report::inspect::SummaryContext {
            source: "db".into(),
            origin: None,
            size_bytes: None,
            elapsed: std::time::Duration::ZERO,
            color: false,
        },
    );
    assert!(text.contains("subscription"), "{text}");
    assert!(!text.contains("hunter2secret"), "{text}");
    assert_catalog_snapshot!("subscriptions", l);
}

#[tokio::test]
async fn triggers() {
    let l = load("triggers").await;
    let c = l.catalog();
    let t = |table: &str, name: &str| &c.triggers[&sub("app", table, name)];
    let stamp = t("accounts", "stamp");
    assert_eq!(
        (stamp.timing, stamp.level.as_str(), stamp.events.as_slice()),
        (
            TriggerTiming::Before,
            "row",
            &["insert".to_string(), "update".to_string()][..]
        )
    );
    assert_eq!(stamp.function, qn("app", "stamp"));
    assert_eq!(stamp.comment.as_deref(), Some("keeps updated_at"));
    let changed = t("accounts", "balance_changed");
    assert_eq!(changed.update_columns, ["balance", "owner"]);
    assert_eq!(changed.arguments, ["balance", "it's"]);
    assert_eq!(
        changed.condition.as_deref(),
        Some("((old.balance IS DISTINCT FROM new.balance) AND (new.owner <> 'system)'::text))")
    );
    let bulk = t("accounts", "bulk");
    assert_eq!(
        (bulk.level.as_str(), bulk.events.as_slice()),
        (
            "statement",
            &["delete".to_string(), "truncate".to_string()][..]
        )
    );
    assert_eq!(
        t("accounts", "with_tables").new_table.as_deref(),
        Some("fresh")
    );
    let deferred = t("accounts", "deferred_check");
    assert!(deferred.constraint && deferred.deferrable && deferred.initially_deferred);
    assert_eq!(t("accounts", "off_for_now").enabled, "disabled");
    assert_eq!(t("accounts", "replica_only").enabled, "replica");
    assert_eq!(
        t("account_view", "through_view").timing,
        TriggerTiming::InsteadOf
    );
    // A trigger on a partitioned table is listed once, not on every partition.
    assert!(c.triggers.contains_key(&sub("app", "log", "log_audit")));
    assert!(!c.triggers.keys().any(|k| k.table == "log_2024"));
    // The internal triggers behind foreign keys are not listed.
    assert_eq!(
        c.triggers.len(),
        9,
        "{:?}",
        c.triggers.keys().collect::<Vec<_>>()
    );
    assert_catalog_snapshot!("triggers", l);
}

#[tokio::test]
async fn policies() {
    let l = load("policies").await;
    let c = l.catalog();
    let p = |name: &str| &c.policies[&sub("app", "notes", name)];
    let own = p("own_rows");
    assert_eq!(
        (own.command.as_str(), own.permissive, own.roles.as_slice()),
        ("all", true, &["PUBLIC".to_string()][..])
    );
    assert_eq!(
        (own.using.as_deref(), own.with_check.as_deref()),
        (
            Some("(owner = CURRENT_USER)"),
            Some("(owner = CURRENT_USER)")
        )
    );
    assert_eq!(own.comment.as_deref(), Some("the default"));
    assert_eq!(
        p("read_published").roles,
        ["Mixed Case Role", "pgdrift_reader"]
    );
    assert_eq!(p("read_published").command, "select");
    assert!(!p("no_deletes").permissive);
    assert_eq!(
        (
            p("insert_any").using.as_deref(),
            p("insert_any").with_check.as_deref()
        ),
        (None, Some("(body IS NOT NULL)"))
    );
    assert!(c.tables[&qn("app", "notes")].rls_enabled);
    assert_catalog_snapshot!("policies", l);
}

#[tokio::test]
async fn operators() {
    let l = load("operators").await;
    let c = l.catalog();
    let eq = c.operators.values().find(|o| o.name == "~=").unwrap();
    assert_eq!(eq.arguments, "double precision, double precision");
    assert_eq!(
        eq.function,
        "app.approx_eq(double precision,double precision)"
    );
    assert_eq!(
        eq.negator.as_deref(),
        Some("app.~<>(double precision,double precision)")
    );
    assert_eq!(
        eq.commutator.as_deref(),
        Some("app.~=(double precision,double precision)")
    );
    assert_eq!(eq.comment.as_deref(), Some("close enough"));
    assert_eq!(
        c.operators
            .values()
            .find(|o| o.name == "!-")
            .unwrap()
            .arguments,
        "NONE, double precision"
    );
    assert_catalog_snapshot!("operators", l);
}

#[tokio::test]
async fn hostile_identifiers() {
    let l = load("hostile").await;
    let c = l.catalog();
    let schema = "My \"Schema\".v2";
    assert!(c.schemas.contains_key(schema) && c.schemas.contains_key("select"));
    let items = &c.tables[&qn(schema, "Order Items")];
    assert_eq!(
        items
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        [
            "ID",
            "from",
            "naïve column",
            "a.b",
            "column_name_that_is_exactly_sixty_three_bytes_long_xxxxxxxxxxxx"
        ]
    );
    assert_eq!(
        column(items, "naïve column").type_name,
        "\"My \"\"Schema\"\".v2\".\"Ünïcødé Type\""
    );
    assert_eq!(
        column(items, "from").default.as_deref(),
        Some("'x''y'::text")
    );
    let TypeKind::Enum { labels } = &c.types[&qn(schema, "Ünïcødé Type")].kind else {
        panic!()
    };
    assert_eq!(labels, &["it's", "two words", "Ünï", ""]);
    assert!(c.indexes.contains_key(&qn(
        "select",
        "index_name_that_is_exactly_sixty_three_bytes_long_xxxxxxxxxxxxx"
    )));
    let fk = &c.constraints[&sub("select", "table", "fk \"quoted\"")];
    assert!(
        matches!(&fk.kind, ConstraintKind::ForeignKey { references, .. } if *references == qn(schema, "Order Items"))
    );
    assert!(c
        .functions
        .keys()
        .any(|k| k.name == "Weird Fn" && k.arguments == "integer, text"));
    let trig = &c.triggers[&sub("select", "table", "Trigger \"One\"")];
    assert_eq!(trig.function, qn("select", "trig()"));
    assert_eq!(
        trig.condition.as_deref(),
        Some("(new.\"user\" <> 'WHEN (x)'::text)")
    );
    assert!(c.views.contains_key(&qn("select", "view \"v\"")));
    assert_eq!(
        c.policies[&sub("select", "table", "Policy: all")].roles,
        ["Mixed Case Role"]
    );
    assert_eq!(
        c.tables[&qn("select", "table")].privileges.granted,
        vec![grant("Mixed Case Role", "SELECT", false)]
    );
    assert_eq!(
        c.tables[&qn("select", "table")].comment.as_deref(),
        Some("it's a \"table\"")
    );
    assert_catalog_snapshot!("hostile", l);
}

#[tokio::test]
async fn default_privileges() {
    let l = load("default_privileges").await;
    let c = l.catalog();
    let key = |role: Option<&str>, schema: Option<&str>, objects| DefaultPrivilegeKey {
        role: role.map(str::to_string),
        schema: schema.map(str::to_string),
        objects,
    };
    let d = |role, schema, objects| &c.default_privileges[&key(role, schema, objects)].privileges;
    // The connecting role's defaults carry no role name.
    assert_eq!(
        d(None, None, DefaultObjects::Tables).granted,
        [grant("PUBLIC", "SELECT", false)]
    );
    let functions = d(None, None, DefaultObjects::Functions);
    assert_eq!(
        (functions.granted.as_slice(), functions.revoked.as_slice()),
        (&[][..], &[grant("PUBLIC", "EXECUTE", false)][..])
    );
    assert_eq!(
        d(None, None, DefaultObjects::Types).revoked,
        [grant("PUBLIC", "USAGE", false)]
    );
    assert_eq!(
        d(None, None, DefaultObjects::Schemas).granted,
        [grant("pgdrift_reader", "USAGE", false)]
    );
    assert_eq!(
        d(Some("pgdrift_writer"), None, DefaultObjects::Sequences).granted,
        [
            grant("pgdrift_reader", "SELECT", true),
            grant("pgdrift_reader", "USAGE", true)
        ]
    );
    // In a schema, every privilege is a grant: nothing there is built in.
    let app = d(None, Some("app"), DefaultObjects::Tables);
    assert_eq!(
        (app.granted.as_slice(), app.revoked.is_empty()),
        (
            &[
                grant("pgdrift_writer", "INSERT", false),
                grant("pgdrift_writer", "SELECT", false)
            ][..],
            true
        )
    );
    assert_eq!(
        d(
            Some("pgdrift_writer"),
            Some("app"),
            DefaultObjects::Functions
        )
        .granted,
        [grant("Mixed Case Role", "EXECUTE", false)]
    );
    // Schemas out of scope take their defaults with them.
    assert_eq!(c.default_privileges.len(), 7);
    assert_catalog_snapshot!("default_privileges", l);
}

#[tokio::test]
async fn database_settings() {
    let l = load("database_settings").await;
    let c = l.catalog();
    let value = |role: Option<&str>, name: &str| {
        let key = SettingKey {
            role: role.map(str::to_string),
            name: name.into(),
        };
        c.database_settings[&key].value.clone()
    };
    // As PostgreSQL stores them.
    assert_eq!(value(None, "work_mem"), "8MB");
    assert_eq!(value(None, "search_path"), "app, \"$user\", public");
    assert_eq!(value(None, "app.note"), "it's 100%");
    assert_eq!(value(Some("pgdrift_reader"), "statement_timeout"), "5s");
    assert_eq!(c.database_settings.len(), 5);
    // Compared as they are, written masked.
    assert_eq!(value(None, "app.jwt_secret"), "hunter2");
    let json = common::stable_json(&l.snapshot);
    assert!(!json.contains("hunter2"), "{json}");
    assert_catalog_snapshot!("database_settings", l);
}

#[tokio::test]
async fn foreign_data() {
    let l = load("foreign_data").await;
    let c = l.catalog();
    // The extension's own wrapper (postgres_fdw) is not read; the user's are.
    let wrappers: Vec<&str> = c.foreign_data_wrappers.keys().map(|k| k.as_str()).collect();
    assert_eq!(wrappers, ["Checked FDW", "handled", "plain_fdw"]);
    let checked = &c.foreign_data_wrappers["Checked FDW"];
    assert_eq!(checked.validator, Some(qn("app", "check_options")));
    assert_eq!(
        (checked.handler.as_ref(), checked.comment.as_deref()),
        (None, Some("validated"))
    );
    let handled = &c.foreign_data_wrappers["handled"];
    assert_eq!(handled.handler, Some(qn("public", "postgres_fdw_handler")));
    assert!(!c.foreign_data_wrappers["plain_fdw"].privileges.is_default());
    let remote = &c.foreign_servers["remote"];
    assert_eq!(
        (
            remote.wrapper.as_str(),
            remote.server_type.as_deref(),
            remote.version.as_deref()
        ),
        ("postgres_fdw", Some("pg"), Some("16"))
    );
    let names: Vec<&str> = remote.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["dbname", "host", "port"]);
    assert_eq!(
        c.foreign_servers["Plain Server"].options[0].plain_value(),
        None
    );
    let mappings: Vec<String> = c.user_mappings.keys().map(|k| k.to_string()).collect();
    assert_eq!(
        mappings,
        [
            "postgres on Plain Server",
            "postgres on remote",
            "public on remote"
        ]
    );
    let json = serde_json::to_string(&l.snapshot).unwrap();
    for secret in ["tok-0f9e8d", "srv-s3cret", "map-s3cret"] {
        assert!(!json.contains(secret), "{secret} shown");
    }
    assert_catalog_snapshot!("foreign_data", l);
}

#[tokio::test]
async fn casts() {
    let l = load("casts").await;
    let c = l.catalog();
    // Only the user's own: none of the built-in casts.
    let keys: Vec<String> = c.casts.keys().map(|k| k.to_string()).collect();
    assert_eq!(
        keys,
        [
            "(app.\"Pair\" AS text)",
            "(app.mood AS integer)",
            "(cid AS integer)"
        ]
    );
    let pair = c.casts.values().next().unwrap();
    let f = pair.function.as_ref().unwrap();
    assert_eq!(
        (f.schema.as_str(), f.name.as_str(), f.arguments.as_str()),
        ("app", "pair_text", "app.\"Pair\"")
    );
    assert_eq!(
        (
            pair.method.as_str(),
            pair.context.as_str(),
            pair.comment.as_deref()
        ),
        ("function", "assignment", Some("a,b"))
    );
    let methods: Vec<(&str, &str)> = c
        .casts
        .values()
        .map(|x| (x.method.as_str(), x.context.as_str()))
        .collect();
    assert_eq!(
        methods,
        [
            ("function", "assignment"),
            ("inout", "implicit"),
            ("binary", "explicit")
        ]
    );
    assert_catalog_snapshot!("casts", l);
}

#[tokio::test]
async fn text_search() {
    let l = load("text_search").await;
    let c = l.catalog();
    // Only the user's own: none of pg_catalog's.
    assert!(c.text_search_dictionaries.keys().all(|k| k.schema == "app"));
    let dict = |name: &str| &c.text_search_dictionaries[&qn("app", name)];
    let options = |name: &str| -> Vec<(String, String)> {
        dict(name)
            .options
            .iter()
            .map(|o| (o.name.clone(), o.value.clone()))
            .collect()
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    let stem = dict("english_stem");
    assert_eq!(stem.template, qn("pg_catalog", "snowball"));
    assert_eq!(stem.comment.as_deref(), Some("stems English words"));
    assert_eq!(
        options("english_stem"),
        [pair("language", "english"), pair("stopwords", "english")]
    );
    // Sorted by name, whatever order they were written in.
    assert_eq!(
        options("Plain Words"),
        [pair("accept", "false"), pair("stopwords", "english")]
    );
    assert!(dict("bare").options.is_empty());
    assert!(c
        .text_search_configurations
        .keys()
        .all(|k| k.schema == "app"));
    let docs = &c.text_search_configurations[&qn("app", "docs")];
    assert_eq!(docs.parser, qn("pg_catalog", "default"));
    assert_eq!(docs.comment.as_deref(), Some("documents"));
    assert_eq!(
        docs.mappings["asciiword"],
        [qn("app", "english_stem"), qn("pg_catalog", "simple")]
    );
    assert_eq!(docs.mappings["email"], [qn("pg_catalog", "simple")]);
    assert_eq!(docs.mappings.len(), 3);
    assert!(c.text_search_configurations[&qn("app", "Empty One")]
        .mappings
        .is_empty());
    let plain = &c.text_search_templates[&qn("app", "plain")];
    assert_eq!(
        (plain.init.as_ref(), &plain.lexize),
        (
            Some(&qn("pg_catalog", "dsimple_init")),
            &qn("pg_catalog", "dsimple_lexize")
        )
    );
    assert_eq!(plain.comment.as_deref(), Some("simple, again"));
    assert_eq!(
        c.text_search_templates[&qn("app", "lexize_only")].init,
        None
    );
    assert_eq!(dict("plain_words").template, qn("app", "plain"));
    let words = &c.text_search_parsers[&qn("app", "words")];
    assert_eq!(
        (&words.start, &words.gettoken, &words.end, &words.lextypes),
        (
            &qn("pg_catalog", "prsd_start"),
            &qn("pg_catalog", "prsd_nexttoken"),
            &qn("pg_catalog", "prsd_end"),
            &qn("pg_catalog", "prsd_lextype")
        )
    );
    assert_eq!(words.headline, Some(qn("pg_catalog", "prsd_headline")));
    assert_eq!(
        c.text_search_parsers[&qn("app", "no_headline")].headline,
        None
    );
    let own = &c.text_search_configurations[&qn("app", "own_parser")];
    assert_eq!(own.parser, qn("app", "words"));
    assert_eq!(own.mappings["asciiword"], [qn("app", "plain_words")]);
    assert_catalog_snapshot!("text_search", l);
}

#[tokio::test]
async fn languages() {
    let l = load("languages").await;
    let c = l.catalog();
    // Only the user's own: not internal, c, sql, nor plpgsql (an extension's).
    assert_eq!(c.languages.keys().collect::<Vec<_>>(), ["plbare", "plmine"]);
    let mine = &c.languages["plmine"];
    assert!(mine.trusted);
    assert_eq!(mine.handler, qn("app", "pl_call"));
    assert_eq!(mine.inline, Some(qn("app", "pl_inline")));
    assert_eq!(mine.validator, Some(qn("app", "pl_check")));
    assert_eq!(mine.comment.as_deref(), Some("plpgsql by another name"));
    assert_eq!(
        mine.privileges.granted,
        vec![grant("pgdrift_reader", "USAGE", true)]
    );
    assert_eq!(
        mine.privileges.revoked,
        vec![grant("PUBLIC", "USAGE", false)]
    );
    let bare = &c.languages["plbare"];
    assert!(!bare.trusted && bare.inline.is_none() && bare.validator.is_none());
    assert!(bare.privileges.is_default());
    let hello = c.functions.values().find(|f| f.name == "hello").unwrap();
    assert_eq!(hello.language, "plmine");
    assert_catalog_snapshot!("languages", l);
}

#[tokio::test]
async fn transforms() {
    let l = load("transforms").await;
    let c = l.catalog();
    let keys: Vec<String> = c.transforms.keys().map(|k| k.to_string()).collect();
    assert_eq!(
        keys,
        [
            "FOR app.\"Pair\" LANGUAGE pltrf",
            "FOR integer LANGUAGE pltrf"
        ]
    );
    let pair = c.transforms.values().next().unwrap();
    assert_eq!(pair.from_sql, Some(qn("app", "pair_from")));
    assert_eq!(pair.to_sql, Some(qn("app", "pair_to")));
    assert_eq!(pair.comment.as_deref(), Some("pairs in and out"));
    let int = c.transforms.values().nth(1).unwrap();
    assert_eq!(int.to_sql, None);
    let uses = c.functions.values().find(|f| f.name == "uses").unwrap();
    assert_eq!(uses.transforms, ["app.\"Pair\"", "integer"]);
    assert_catalog_snapshot!("transforms", l);
}

#[tokio::test]
async fn conversions() {
    let l = load("conversions").await;
    let c = l.catalog();
    // Only the user's own: none of pg_catalog's.
    assert_eq!(
        c.conversions.keys().collect::<Vec<_>>(),
        [&qn("app", "Latin Out"), &qn("app", "latin_in")]
    );
    let latin_in = &c.conversions[&qn("app", "latin_in")];
    assert_eq!(
        (latin_in.source.as_str(), latin_in.destination.as_str()),
        ("LATIN1", "UTF8")
    );
    assert_eq!(latin_in.function, qn("app", "latin1_to_utf8"));
    assert!(latin_in.default);
    assert_eq!(latin_in.comment.as_deref(), Some("latin1 in"));
    let out = &c.conversions[&qn("app", "Latin Out")];
    assert_eq!(out.function, qn("pg_catalog", "utf8_to_iso8859_1"));
    assert!(!out.default);
    assert_catalog_snapshot!("conversions", l);
}

fn using(schema: &str, name: &str, method: &str) -> UsingName {
    UsingName {
        schema: schema.into(),
        name: name.into(),
        method: method.into(),
    }
}

#[tokio::test]
async fn operator_classes() {
    let l = load("opclasses").await;
    let c = l.catalog();
    // Only the user's own access methods, families and classes.
    let methods: Vec<(&str, &str, &str)> = c
        .access_methods
        .values()
        .map(|a| (a.name.as_str(), a.kind.as_str(), a.handler.as_str()))
        .collect();
    assert_eq!(
        methods,
        [
            ("gist2", "index", "gisthandler"),
            ("heap2", "table", "heap_tableam_handler")
        ]
    );
    assert_eq!(
        c.access_methods["gist2"].comment.as_deref(),
        Some("a second gist")
    );
    let families: Vec<String> = c.operator_families.keys().map(|k| k.to_string()).collect();
    assert_eq!(
        families,
        [
            "app.Shared USING btree",
            "app.Shared USING hash",
            "app.box_ops USING gist2",
            "app.code_ops USING hash",
            "app.empty USING gist",
            "app.loose USING btree",
            "app.near USING gist"
        ]
    );
    let loose = &c.operator_families[&using("app", "loose", "btree")];
    let op = &loose.operators[0];
    assert_eq!(
        (
            op.strategy,
            op.left.as_str(),
            op.right.as_str(),
            op.name.as_str()
        ),
        (1, "integer", "bigint", "<")
    );
    let f = &loose.functions[0];
    assert_eq!(
        (f.number, f.name.as_str(), f.arguments.as_str()),
        (1, "btint48cmp", "integer, bigint")
    );
    let code = &c.operator_classes[&using("app", "code_ops", "hash")];
    assert!(code.default);
    assert_eq!(code.for_type, "app.code");
    assert_eq!(code.comment.as_deref(), Some("hash of lower()"));
    assert_eq!(
        c.operator_families[&using("app", "code_ops", "hash")]
            .comment
            .as_deref(),
        Some("case-blind codes")
    );
    let (op, f) = (&code.operators[0], &code.functions[0]);
    assert_eq!(
        (op.schema.as_str(), op.name.as_str(), op.arguments.as_str()),
        ("app", "=", "app.code, app.code")
    );
    assert_eq!(
        (f.schema.as_str(), f.name.as_str(), f.arguments.as_str()),
        ("app", "code_hash", "app.code")
    );
    let boxes = &c.operator_classes[&using("app", "box_ops", "gist2")];
    assert_eq!(
        (boxes.default, &boxes.family, boxes.functions.len()),
        (true, &qn("app", "box_ops"), 5)
    );
    let near = &c.operator_classes[&using("app", "near", "gist")];
    assert_eq!(near.storage.as_deref(), Some("box"));
    // GiST keeps operators and optional support functions in the family.
    assert!(near.operators.is_empty() && near.functions.is_empty());
    let family = &c.operator_families[&using("app", "near", "gist")];
    assert_eq!(
        (
            family.operators[0].purpose.as_str(),
            family.operators[0].sort_family.clone(),
            family.functions[0].number
        ),
        ("order", Some(qn("pg_catalog", "float_ops")), 8)
    );
    assert!(c
        .operator_classes
        .contains_key(&using("app", "Shared", "btree")));
    assert_eq!(
        c.tables[&qn("app", "stored")].access_method.as_deref(),
        Some("heap2")
    );
    assert_eq!(c.indexes[&qn("app", "stored_b")].method, "gist2");
    assert_catalog_snapshot!("operator_classes", l);
}
