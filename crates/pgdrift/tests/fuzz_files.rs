//! Property-based fuzzing of the two file formats users hand pgdrift: the fleet
//! configuration (`pgdrift.toml`, `fleet::config::parse`) and the JSON snapshot
//! (`source::load::read_snapshot`). Each draws arbitrary text or bytes and structure-aware
//! input (TOML built from the configuration's tables, keys and hostile values; a real
//! snapshot with its strings, numbers and keys mutated) and checks that nothing panics or
//! hangs (inputs are bounded, each call timed), that a refused configuration names its line
//! and never a value from the environment, and that a snapshot that reads, written again,
//! reads back equal. `PGDRIFT_FUZZ_CASES` sets the cases per property (1000 by default).

use pgdrift::fleet::config::parse;
use pgdrift::source::load::read_snapshot;
mod common;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const SLOW: Duration = Duration::from_secs(2);

/// What the environment holds: a URL with a password, and a bare secret.
const SECRET: &str = "Zq9-secret-pw";

fn env(name: &str) -> Option<String> {
    match name {
        "URL" => Some(format!("postgres://app:{SECRET}@db.internal/postgres")),
        "PW" => Some(SECRET.to_string()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

const TABLES: &[&str] = &[
    "[[server]]",
    "[role.app]",
    "[role.\"a b\"]",
    "[audit]",
    "[x]",
    "[[role]]",
];

const KEYS: &[&str] = &[
    "name",
    "url",
    "stage",
    "databases",
    "exclude",
    "max_connections",
    "desired",
    "migrations",
    "ignore",
    "jobs",
    "statement_timeout_secs",
    "fail_on",
    "bogus",
];

const VALUES: &[&str] = &[
    "\"a\"",
    "\"\"",
    "\" \"",
    "\"${URL}\"",
    "\"${PW}\"",
    "\"${EMPTY:-x}\"",
    "\"${NOPE}\"",
    "\"${\"",
    "\"$$\"",
    "\"$x\"",
    "\"${A-b}\"",
    "\"postgres://u:p@h/db\"",
    "\"production\"",
    "\"test\"",
    "\"warning\"",
    "\"fatal\"",
    "'lit${PW}'",
    "\"\\u00e9\\t\"",
    "[\"t_*\", \"?\"]",
    "[\"[ab]\"]",
    "[]",
    "[\"\"]",
    "[1, \"a\"]",
    "0",
    "1",
    "-1",
    "256",
    "257",
    "9223372036854775807",
    "18446744073709551615",
    "inf",
    "nan",
    "-inf",
    "1e19",
    "0.5",
    "0.0001",
    "true",
    "{ a = 1 }",
    "1979-05-27",
    "\"\"\"multi\nline\"\"\"",
    "\"cmd:echo ${PW}\"",
];

/// A pgdrift.toml from its grammar: tables, keys and values, some of them hostile.
fn fleet_file() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        proptest::sample::select(TABLES).prop_map(|t| format!("{t}\n")),
        (
            proptest::sample::select(KEYS),
            proptest::sample::select(VALUES)
        )
            .prop_map(|(k, v)| format!("{k} = {v}\n")),
    ];
    proptest::collection::vec(line, 0..24).prop_map(|lines| lines.concat())
}

fn check_fleet_file(text: &str) -> Result<(), TestCaseError> {
    let path = Path::new("fleet/pgdrift.toml");
    let started = Instant::now();
    let result = parse(path, text, &env);
    prop_assert!(
        started.elapsed() < SLOW,
        "parse took {:?}",
        started.elapsed()
    );
    match result {
        Ok(config) => {
            for s in &config.servers {
                prop_assert!(s.max_connections.is_none_or(|n| (1..=256).contains(&n)));
            }
            prop_assert!(config.settings.jobs.is_none_or(|n| (1..=256).contains(&n)));
        }
        Err(e) => {
            let message = e.to_string();
            prop_assert!(!message.contains(SECRET), "a secret in {message:?}");
            let at = e
                .location()
                .ok_or_else(|| TestCaseError::fail("no location"))?;
            prop_assert!(message.starts_with("fleet/pgdrift.toml:"), "{message}");
            prop_assert!(at.line <= text.lines().count() + 1, "{message}");
        }
    }
    Ok(())
}

/// The snapshot every structure-aware case starts from: a real one (`pgdrift inspect -f
/// json` of a schema with every common kind).
fn base_snapshot() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/snapshot.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// One change to a snapshot: at the `pick`-th leaf (modulo their number), a new string, a
/// hostile number, a removed key, or a doubled list entry.
#[derive(Debug, Clone)]
enum Mutation {
    Text(usize, String),
    Number(usize, Value),
    Remove(usize),
    Double(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let number = proptest::sample::select(vec![
        serde_json::json!(-1),
        serde_json::json!(0),
        serde_json::json!(u64::MAX),
        serde_json::json!(i64::MIN),
        serde_json::json!(1e300),
        serde_json::json!(0.5),
        serde_json::json!(4294967296u64),
    ]);
    let text = proptest::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter);
    prop_oneof![
        (any::<usize>(), text).prop_map(|(p, t)| Mutation::Text(p, t)),
        (any::<usize>(), number).prop_map(|(p, n)| Mutation::Number(p, n)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Double),
    ]
}

/// JSON pointers to every value below the root.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let pointer = format!("{at}/{key}");
        out.push(pointer.clone());
        pointers(child, pointer, out);
    }
}

fn apply(value: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    pointers(value, String::new(), &mut all);
    let (Mutation::Text(pick, _)
    | Mutation::Number(pick, _)
    | Mutation::Remove(pick)
    | Mutation::Double(pick)) = m;
    let Some(pointer) = all.get(pick % all.len().max(1)).cloned() else {
        return;
    };
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", ""));
    let key = key.replace("~1", "/").replace("~0", "~");
    match m {
        Mutation::Text(_, t) => *value.pointer_mut(&pointer).unwrap() = Value::String(t.clone()),
        Mutation::Number(_, n) => *value.pointer_mut(&pointer).unwrap() = n.clone(),
        Mutation::Remove(_) | Mutation::Double(_) => match value.pointer_mut(parent) {
            Some(Value::Object(map)) if matches!(m, Mutation::Remove(_)) => {
                map.remove(&key);
            }
            Some(Value::Array(items)) => {
                let i: usize = key.parse().unwrap();
                match m {
                    Mutation::Remove(_) => {
                        items.remove(i);
                    }
                    _ => items.insert(i, items[i].clone()),
                }
            }
            _ => {}
        },
    }
}

fn check_snapshot(bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snapshot.json");
    std::fs::write(&path, bytes).unwrap();
    let started = Instant::now();
    let read = read_snapshot(&path);
    prop_assert!(
        started.elapsed() < SLOW,
        "read took {:?}",
        started.elapsed()
    );
    let Ok(snapshot) = read else {
        return Ok(());
    };
    let mut written = Vec::new();
    pgdrift::report::json::write_snapshot(&snapshot, &mut written).unwrap();
    std::fs::write(&path, &written).unwrap();
    let again = read_snapshot(&path).map_err(|e| {
        TestCaseError::fail(format!(
            "a snapshot that read, written again, does not read: {e}\n{}",
            String::from_utf8_lossy(&written)
        ))
    })?;
    prop_assert!(again == snapshot, "written and read again, it differs");
    Ok(())
}

proptest! {
    #![proptest_config(common::fuzz_config())]

    #[test]
    fn the_fleet_file_parser_takes_any_text(text in proptest::collection::vec(any::<char>(), 0..400)) {
        check_fleet_file(&String::from_iter(text))?;
    }

    #[test]
    fn the_fleet_file_parser_takes_any_fleet_file(text in fleet_file()) {
        check_fleet_file(&text)?;
    }

    #[test]
    fn the_snapshot_reader_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_snapshot(&bytes)?;
    }

    #[test]
    fn mutated_snapshots_read_back_equal_once_written(changes in proptest::collection::vec(mutation(), 0..6)) {
        let mut value = base_snapshot();
        for change in &changes {
            apply(&mut value, change);
        }
        check_snapshot(&serde_json::to_vec_pretty(&value).unwrap())?;
    }
}

/// The fixture itself reads, and round-trips, unchanged.
#[test]
fn the_base_snapshot_round_trips() {
    let text = serde_json::to_vec_pretty(&base_snapshot()).unwrap();
    check_snapshot(&text).unwrap();
}
