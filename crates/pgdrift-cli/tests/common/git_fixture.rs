//! A fixture repository for the CI tests: a migrations directory building a small, clean
//! schema, committed in a temporary git repository.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// A git repository whose `migrations/` build a small, clean schema.
pub fn fixture_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).expect("mkdir");
    std::fs::write(
        migrations.join("0001_accounts.sql"),
        "CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);\n",
    )
    .expect("write");
    std::fs::write(
        migrations.join("0002_orders.sql"),
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  \
         account_id bigint NOT NULL REFERENCES accounts (id));\n\
         CREATE INDEX orders_account_id ON orders (account_id);\n",
    )
    .expect("write");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "schema"]);
    dir
}

pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
