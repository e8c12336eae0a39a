//! The table-target analysis: what each kind of statement touches, creates or hides, and
//! how `backup_scope::resolve` turns that into the tables of a database.

use super::*;
use crate::migrate::backup_scope::resolve;
use crate::model::QualName;
use std::collections::BTreeSet;

fn touched(sql: &str) -> Vec<String> {
    let effects = effects(sql).unwrap();
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Touches(n) => Some(match &n.schema {
                Some(s) => format!("{s}.{}", n.name),
                None => n.name.clone(),
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn statements_that_change_a_table_name_it() {
    let sql = "ALTER TABLE IF EXISTS ONLY app.orders ADD COLUMN x int;
               DROP TABLE IF EXISTS a, app.\"B\" CASCADE;
               TRUNCATE TABLE ONLY t1, public.t2 RESTART IDENTITY;
               DELETE FROM ONLY app.d WHERE true;
               UPDATE u SET x = 1;
               ALTER TABLE app.r RENAME TO r2;
               INSERT INTO app.up VALUES (1) ON CONFLICT (id) DO UPDATE SET x = 2;
               INSERT INTO app.plain VALUES (1);
               MERGE INTO app.m USING s ON true WHEN MATCHED THEN DELETE;
               WITH gone AS (DELETE FROM app.w RETURNING *) UPDATE app.w2 SET x = 1;
               SELECT * FROM app.locked FOR UPDATE;
               CREATE INDEX i ON app.idx (x);
               COMMENT ON TABLE app.c IS 'x';";
    assert_eq!(
        touched(sql),
        [
            "app.orders",
            "a",
            "app.B",
            "t1",
            "public.t2",
            "app.d",
            "u",
            "app.r",
            "app.up",
            "app.m",
            "app.w",
            "app.w2"
        ]
    );
}

#[test]
fn created_tables_and_hidden_targets_are_told_apart() {
    let e = effects(
        "CREATE UNLOGGED TABLE IF NOT EXISTS app.n (id int);
         DO $$ BEGIN EXECUTE 'DELETE FROM billing.x'; END $$;
         SELECT app.backfill();
         SELECT pg_catalog.set_config('search_path', '', false), count(*) FROM t;
         CALL cleanup();
         DROP SCHEMA old CASCADE;",
    )
    .unwrap();
    assert_eq!(
        e[0],
        Effect::Creates(Named {
            schema: Some("app".into()),
            name: "n".into()
        })
    );
    let opaque: Vec<(Vec<String>, String)> = e[1..]
        .iter()
        .map(|x| match x {
            Effect::Opaque { schemas, why } => (schemas.clone(), why.clone()),
            other => panic!("not opaque: {other:?}"),
        })
        .collect();
    assert_eq!(
        opaque.len(),
        4,
        "set_config and count are not opaque: {opaque:?}"
    );
    assert_eq!(opaque[0].0, ["billing"]);
    assert!(opaque[0].1.contains("DO"));
    assert_eq!(opaque[1].0, ["app"]);
    assert!(opaque[2].0.is_empty());
    assert_eq!(opaque[3].0, ["old"]);
}

#[test]
fn an_unterminated_file_is_an_error() {
    assert!(effects("DROP TABLE a; SELECT 'open").is_err());
}

fn names(list: &[&str]) -> BTreeSet<QualName> {
    list.iter()
        .map(|n| {
            let (s, t) = n.split_once('.').unwrap();
            QualName::new(s, t)
        })
        .collect()
}

fn scope_of(files: &[&str], path: &[&str], existing: &[&str]) -> super::super::backup_scope::Scope {
    let all: Vec<(String, Vec<Effect>)> = files
        .iter()
        .enumerate()
        .map(|(i, sql)| (format!("{i}.sql"), effects(sql).unwrap()))
        .collect();
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    resolve(&all, &path, &names(existing))
}

#[test]
fn unqualified_names_resolve_through_the_search_path() {
    let s = scope_of(
        &["ALTER TABLE orders ADD x int; DROP TABLE nowhere; TRUNCATE public.logs"],
        &["app", "public"],
        &["app.orders", "public.orders", "public.logs", "app.other"],
    );
    assert_eq!(s.tables, names(&["app.orders", "public.logs"]));
    assert!(s.opaque.is_empty() && s.widened_to.is_none());
}

#[test]
fn a_table_the_run_creates_is_not_backed_up() {
    // `items` is created in the first schema of the path; the later ALTER means that one,
    // not the existing table of the same name further along the path.
    let s = scope_of(
        &["CREATE TABLE items (id int)", "ALTER TABLE items ADD x int"],
        &["app", "public"],
        &["public.items"],
    );
    assert!(s.tables.is_empty(), "{:?}", s.tables);
}

#[test]
fn hidden_targets_widen_the_backup() {
    let s = scope_of(
        &[
            "ALTER TABLE app.a ADD x int",
            "DO $$ BEGIN PERFORM 1 FROM billing.t; END $$",
        ],
        &["public"],
        &["app.a", "app.b", "billing.t", "billing.u", "other.v"],
    );
    assert_eq!(s.tables, names(&["app.a", "billing.t", "billing.u"]));
    assert_eq!(s.opaque.len(), 1);
    let all = scope_of(
        &["SELECT fix_everything()"],
        &["public"],
        &["app.a", "other.v"],
    );
    assert_eq!(all.tables, names(&["app.a", "other.v"]));
    assert_eq!(all.widened_to, Some(None));
}
