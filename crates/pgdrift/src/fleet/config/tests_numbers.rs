//! Numbers in `pgdrift.toml`: every count and every number of seconds is checked by the
//! rules of the command line's options, so that none panics later (a semaphore asked for
//! more permits than it has) or reaches PostgreSQL as a value it refuses.

use super::*;
use std::time::Duration;

const HEAD: &str = "[[server]]\nname = \"a\"\nurl = \"postgres://h/db\"\nstage = \"test\"\n";

fn env(_: &str) -> Option<String> {
    None
}

fn parsed(text: &str) -> Result<FleetConfig, String> {
    parse(Path::new("pgdrift.toml"), text, &env).map_err(|e| e.to_string())
}

/// The values the command line's options are tested with, as TOML writes them.
const HOSTILE: &[&str] = &[
    "inf",
    "nan",
    "-inf",
    "-1",
    "1e19",
    "18446744073709551615",
    "9223372036854775807",
    "0",
];

#[test]
fn every_hostile_count_is_an_error_at_its_line() {
    for value in HOSTILE {
        // A float is a type error (from TOML), an integer out of range a check of ours:
        // either way at the value's line.
        for (table, key, line) in [("", "max_connections", 5), ("[audit]\n", "jobs", 6)] {
            let text = format!("{HEAD}{table}{key} = {value}\n");
            let e = parsed(&text).expect_err(&text);
            let at = format!("pgdrift.toml:{line}:{}: ", key.len() + 4);
            assert!(e.starts_with(&at), "{text}: {e}");
        }
    }
    let e = parsed(&format!("{HEAD}max_connections = 9223372036854775807\n")).unwrap_err();
    assert_eq!(
        e,
        "pgdrift.toml:5:19: max_connections = 9223372036854775807: use at most 256"
    );
}

#[test]
fn every_hostile_timeout_is_an_error_at_its_line() {
    for value in HOSTILE.iter().filter(|v| **v != "0") {
        let text = format!("{HEAD}[audit]\nstatement_timeout_secs = {value}\n");
        let e = parsed(&text).expect_err(&text);
        assert!(e.starts_with("pgdrift.toml:6:26: "), "{text}: {e}");
    }
    let e = parsed(&format!("{HEAD}[audit]\nstatement_timeout_secs = nan\n")).unwrap_err();
    assert_eq!(
        e,
        "pgdrift.toml:6:26: statement_timeout_secs = NaN: not a number: give seconds, e.g. 30 or 0.5"
    );
}

#[test]
fn sane_numbers_are_kept() {
    let config = parsed(&format!(
        "{HEAD}max_connections = 256\n[audit]\njobs = 1\nstatement_timeout_secs = 0.5\n"
    ))
    .unwrap();
    assert_eq!(config.servers[0].max_connections, Some(256));
    assert_eq!(config.settings.jobs, Some(1));
    assert_eq!(
        config.settings.statement_timeout,
        Some(Duration::from_millis(500))
    );
    let config = parsed(&format!("{HEAD}[audit]\nstatement_timeout_secs = 0\n")).unwrap();
    assert_eq!(config.settings.statement_timeout, Some(Duration::ZERO));
}
