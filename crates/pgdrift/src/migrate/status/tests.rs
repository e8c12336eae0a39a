use super::*;
use crate::source::dir::Migration;

fn file(name: &str, text: &str, kind: MigrationKind) -> MigrationFile {
    MigrationFile {
        version: name.to_string(),
        description: name.to_string(),
        checksum: crate::migrate::files::sha256_hex(text.as_bytes()),
        script: text.to_string(),
        migration: Migration {
            version: name.to_string(),
            description: name.to_string(),
            path: name.into(),
            sql: text.to_string(),
            kind,
            no_transaction: false,
        },
    }
}

fn row(f: &MigrationFile) -> AppliedMigration {
    AppliedMigration {
        version: f.version.clone(),
        description: f.description.clone(),
        checksum: f.checksum.clone(),
        kind: "versioned".into(),
        applied_at: "2026-01-01 00:00:00+00".into(),
        applied_by: "me".into(),
        execution_ms: 1,
        pgdrift_version: "0".into(),
        no_transaction: false,
        baseline: false,
        script: None,
    }
}

#[test]
fn every_state() {
    let v = MigrationKind::Versioned;
    let files = vec![
        file("001_a.sql", "a", v),
        file("002_b.sql", "b", v),
        file("003_c.sql", "c", v),
        file("004_d.sql", "d", v),
        file("R__view.sql", "r", MigrationKind::Repeatable),
    ];
    let mut edited = row(&files[2]);
    edited.checksum = "old".into();
    let mut gone = row(&files[0]);
    gone.version = "000_gone.sql".into();
    let mut repeat = row(&files[4]);
    repeat.checksum = "old".into();
    let applied = vec![row(&files[0]), edited, gone, repeat];
    let status = Status::compute(&files, &applied);
    let states: Vec<(&str, State)> = status
        .entries
        .iter()
        .map(|e| (e.version.as_str(), e.state))
        .collect();
    assert_eq!(
        states,
        vec![
            ("001_a.sql", State::Applied),
            ("002_b.sql", State::OutOfOrder),
            ("003_c.sql", State::Modified),
            ("004_d.sql", State::Pending),
            ("R__view.sql", State::RepeatableChanged),
            ("000_gone.sql", State::MissingFile),
        ]
    );
    assert!(status.needs_attention());
    let clean = Status::compute(&files[..1], &[row(&files[0])]);
    assert!(!clean.needs_attention());
}
