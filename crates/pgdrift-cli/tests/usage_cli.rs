//! `pgdrift usage`: the code usage inventory over a fixture tree with one file per ORM
//! and query style, against a schema replayed from SQL.

mod common;

use common::pgdrift_in;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/usage")
}

/// The fixture's code copied into a temporary directory, with what must be skipped: an
/// ignored dependency, a binary file and a symbolic link loop, each naming `backup_test`.
fn code_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture().join("code"), dir.path());
    let deps = dir.path().join("node_modules/lib");
    std::fs::create_dir_all(&deps).unwrap();
    std::fs::write(
        deps.join("index.js"),
        "db.query(\"SELECT * FROM backup_test\");\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("dump.bin"), b"\x00\x01FROM backup_test\x00").unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sql/loop")).unwrap();
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        match e.file_type().unwrap().is_dir() {
            true => copy(&e.path(), &target),
            false => drop(std::fs::copy(e.path(), &target).unwrap()),
        }
    }
}

fn usage(code: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["usage", "--code", code.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = pgdrift_in(None, &args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stdout, stderr)
}

fn table<'a>(inv: &'a Value, name: &str) -> &'a Value {
    let tables = inv["tables"].as_array().unwrap();
    (tables.iter().find(|t| t["table"] == name)).unwrap_or_else(|| panic!("{name} in {inv:#}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_orm_pattern_is_found_and_the_unreferenced_and_missing_tables_are_listed() {
    let code = code_tree();
    let schema = fixture().join("schema.sql");
    let (status, out, err) = usage(code.path(), &[schema.to_str().unwrap(), "-f", "json"]);
    assert_eq!(status, Some(1), "{err}");
    let inv: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(inv["format_version"], 1);
    assert_eq!(strings(&inv["unreferenced"]), ["public.backup_test"]);
    let missing: Vec<&str> = (inv["missing"].as_array().unwrap().iter())
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["sessions_archive", "shipments"]);
    assert_eq!(inv["skipped"]["binary"], 1, "{inv:#}");
    for (name, declared) in [
        ("public.users", vec!["drizzle", "prisma"]),
        ("public.Post", vec!["prisma"]),
        ("public.user_sessions", vec!["sqlalchemy"]),
        ("public.audit_log", vec!["sqlalchemy"]),
        ("public.legacy_orders", vec!["django"]),
        ("public.products", vec!["typeorm"]),
        ("public.categories", vec!["typeorm"]),
        ("public.tags", vec!["sequelize"]),
        ("public.accounts", vec!["activerecord"]),
        ("billing.invoices", vec!["drizzle"]),
    ] {
        assert_eq!(
            strings(&table(&inv, name)["declared_by"]),
            declared,
            "{name}"
        );
    }
    let orders = &table(&inv, "public.orders")["kinds"];
    assert_eq!(
        (
            orders["query_builder"].as_u64(),
            orders["sql_read"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        table(&inv, "public.active_users")["kinds"]["query_builder"],
        1
    );
    assert_eq!(table(&inv, "billing.invoices")["kinds"]["sql_write"], 1);
    // A qualified name in SQL means that schema's table only.
    assert_eq!(table(&inv, "public.users")["kinds"]["sql_read"], 1);
    let report = (inv["files"].as_array().unwrap().iter())
        .find(|f| f["file"] == "sql/report.sql")
        .unwrap();
    assert_eq!(report["tables"][0]["table"], "billing.invoices");
    assert_eq!(report["tables"][0]["lines"], serde_json::json!([7]));
    let ignored = (inv["files"].as_array().unwrap().iter())
        .any(|f| f["file"].as_str().unwrap().contains("node_modules"));
    assert!(!ignored, "{inv:#}");
}

#[test]
fn the_markdown_inventory_lists_each_file_and_the_text_names_what_to_look_at() {
    let code = code_tree();
    let schema = fixture().join("schema.sql");
    let (status, md, err) = usage(code.path(), &[schema.to_str().unwrap(), "-f", "markdown"]);
    assert_eq!(status, Some(1), "{err}");
    for part in [
        "# Database usage inventory",
        "## Tables referenced nowhere\n\n- `public.backup_test`",
        "- `shipments`: typeorm/entities.ts:13 (declaration)",
        "### `knex/orders.js`\n\n- `public.active_users`: query builder (line 3)\n- `public.orders`: query builder (line 2)",
    ] {
        assert!(md.contains(part), "{part}\n---\n{md}");
    }
    let (_, text, _) = usage(code.path(), &[schema.to_str().unwrap()]);
    assert!(
        text.contains("1 table(s) referenced nowhere:\n  public.backup_test"),
        "{text}"
    );
    assert!(text.contains("skipped 1 binary"), "{text}");
}

#[test]
fn columns_are_found_in_the_files_that_use_their_table_and_the_unnamed_ones_listed() {
    let code = code_tree();
    let schema = fixture().join("schema.sql");
    let (status, out, err) = usage(code.path(), &[schema.to_str().unwrap(), "-f", "json"]);
    assert_eq!(status, Some(1), "{err}");
    let inv: Value = serde_json::from_str(&out).unwrap();
    let column = |table_name: &str, name: &str| -> Value {
        let t = table(&inv, table_name);
        let all = t["columns"].as_array().cloned().unwrap_or_default();
        (all.into_iter().find(|c| c["column"] == name)).unwrap_or(Value::Null)
    };
    let email = column("public.users", "email");
    assert!(
        strings(&email["places"]).contains(&"drizzle/schema.ts:5".to_string()),
        "{email:#}"
    );
    let created = column("public.orders", "created_at");
    assert_eq!(
        strings(&created["places"]),
        ["knex/orders.js:2"],
        "{created:#}"
    );
    let unnamed = strings(&inv["unreferenced_columns"]);
    assert!(
        unnamed.contains(&"public.users.legacy_flag".to_string()),
        "{unnamed:?}"
    );
    assert!(
        !unnamed.contains(&"public.users.email".to_string()),
        "{unnamed:?}"
    );
    // Columns of a table no code uses are not listed one by one: the table is.
    assert!(
        !unnamed.iter().any(|c| c.starts_with("public.backup_test.")),
        "{unnamed:?}"
    );
    let (_, md, _) = usage(code.path(), &[schema.to_str().unwrap(), "-f", "markdown"]);
    assert!(md.contains("- `public.users.legacy_flag`"), "{md}");
    assert!(
        md.contains("| `public.orders.created_at` | 1 | knex/orders.js:2 |"),
        "{md}"
    );
}

#[test]
fn without_a_schema_the_inventory_is_what_the_code_declares_and_queries() {
    let code = code_tree();
    let (status, out, err) = usage(code.path(), &["-f", "json"]);
    assert_eq!(status, Some(0), "{err}");
    let inv: Value = serde_json::from_str(&out).unwrap();
    assert!(inv["schema"].is_null());
    let names: Vec<&str> = (inv["tables"].as_array().unwrap().iter())
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    for name in [
        "users",
        "Post",
        "shipments",
        "sessions_archive",
        "orders",
        "billing.invoices",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(!names.contains(&"backup_test"), "{names:?}");
}

#[test]
fn a_schema_whose_tables_code_all_uses_is_clean() {
    let code = tempfile::tempdir().unwrap();
    std::fs::write(
        code.path().join("q.py"),
        "cur.execute(\"SELECT id FROM users\")\n",
    )
    .unwrap();
    let schema = code.path().join("schema.sql");
    std::fs::write(&schema, "CREATE TABLE users (id int);\n").unwrap();
    let (status, out, err) = usage(code.path(), &[schema.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{out}{err}");
    assert!(out.contains("0 table(s) referenced nowhere."), "{out}");
}

#[test]
fn a_code_directory_that_does_not_exist_is_an_error_that_names_it() {
    let (status, _, err) = usage(Path::new("/nonexistent/app-src"), &[]);
    assert_eq!(status, Some(2));
    assert!(
        err.contains("/nonexistent/app-src") && err.contains("--code"),
        "{err}"
    );
}
