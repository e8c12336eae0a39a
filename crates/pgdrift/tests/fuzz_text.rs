//! Property-based fuzzing of the two text parsers every input passes through: the SQL
//! statement splitter (`sql::split`) and the connection-string parser (`ConnInfo::parse`).
//! Each draws arbitrary Unicode text and structure-aware text (SQL token soup; URLs and
//! `key=value` strings built from their grammar) and checks that nothing panics or hangs
//! (inputs are bounded, each call timed) and that what round-trips does: split pieces plus
//! the separators left between them (whitespace, `;`, comments) are the whole input, and a
//! parsed connection string's printed form parses back to the same hosts, ports, user,
//! database and sslmode (its password masked).
//! `PGDRIFT_FUZZ_CASES` sets the cases per property (1000 by default); cases are random
//! unless `PROPTEST_RNG_SEED` is set, as `.ci/run` does.

use pgdrift::pg::ConnInfo;
use pgdrift::sql::split::{line_of, split, Construct, Piece};
mod common;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::time::{Duration, Instant};

/// Time a call may take on a bounded input before it counts as a hang.
const SLOW: Duration = Duration::from_secs(2);

/// Arbitrary Unicode text, at most `max` characters.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..max).prop_map(String::from_iter)
}

/// The pieces of SQL whose nesting the splitter tracks, and plain words between them.
const SQL_TOKENS: &[&str] = &[
    ";",
    "'",
    "''",
    "\"",
    "$$",
    "$a$",
    "$1",
    "/*",
    "*/",
    "--",
    "\n",
    " ",
    "(",
    ")",
    "E'\\''",
    "U&'x'",
    "BEGIN",
    "ATOMIC",
    "END",
    "CASE",
    "CREATE FUNCTION f() RETURNS int",
    "LANGUAGE sql",
    "AS",
    "SELECT 1",
    "x",
    "é",
    "\\restrict k\n",
    "\\",
    "\u{feff}",
    "\r\n",
    "\t",
    "begin atomic",
];

fn sql_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(SQL_TOKENS), 0..120).prop_map(|v| v.concat())
}

/// What may stand between two pieces: whitespace, semicolons, a byte order mark and
/// comments (block comments nest, as PostgreSQL's do).
fn separators_only(mut rest: &str) -> Result<(), TestCaseError> {
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ';' || c == '\u{feff}');
        if rest.is_empty() {
            return Ok(());
        }
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, next)| next);
        } else if rest.starts_with("/*") {
            let (mut depth, mut i) = (0usize, 0usize);
            let b = rest.as_bytes();
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            prop_assert_eq!(depth, 0, "an unclosed comment between pieces: {:?}", rest);
            rest = &rest[i..];
        } else {
            return Err(TestCaseError::fail(format!(
                "text left out of every piece: {rest:?}"
            )));
        }
    }
}

fn check_split(input: &str) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let result = split(input);
    prop_assert!(
        started.elapsed() < SLOW,
        "split took {:?}",
        started.elapsed()
    );
    match result {
        Ok(pieces) => {
            let mut end = 0;
            for piece in &pieces {
                let (Piece::Statement { text, start } | Piece::Meta { text, start }) = *piece;
                prop_assert!(start >= end, "pieces overlap: {:?}", pieces);
                prop_assert_eq!(input.get(start..start + text.len()), Some(text));
                prop_assert!(!text.trim().is_empty(), "an empty piece: {:?}", pieces);
                separators_only(&input[end..start])?;
                end = start + text.len();
            }
            separators_only(&input[end..])
        }
        Err(open) => {
            prop_assert!(open.start < input.len(), "{open:?}");
            prop_assert_eq!(open.line, line_of(input, open.start));
            let at = &input[open.start..];
            let opened = match &open.construct {
                Construct::BlockComment => at.starts_with("/*"),
                Construct::QuotedIdentifier => at.starts_with('"'),
                Construct::DollarQuote(tag) => at.starts_with(tag.as_str()),
                Construct::String => at
                    .trim_start_matches(|c: char| "eEuUbBxXnN&".contains(c))
                    .starts_with('\''),
            };
            prop_assert!(opened, "{open:?} does not start at {at:?}");
            Ok(())
        }
    }
}

/// URLs from their grammar: scheme, user and password (encoded or not), one or more hosts
/// with ports in and out of range, a database, parameters known and unknown.
fn url() -> impl Strategy<Value = String> {
    "postgres(ql)?://([a-z%@:0-9]{0,8}(:[^/]{0,10})?@)?(\\[?[a-z0-9.:%/]{0,12}\\]?(:[0-9]{0,21})?,?){0,3}(/[^?#]{0,10})?(\\?([a-z_]{1,16}=[^&#]{0,12}&?){0,4})?(#.{0,4})?"
}

/// `key=value` strings: known and unknown keys, quoted values with escapes, bare values.
fn key_values() -> impl Strategy<Value = String> {
    " {0,2}((host|hostaddr|port|user|password|dbname|sslmode|sslrootcert|connect_timeout|options|application_name|target_session_attrs|bogus) {0,2}= {0,2}('([^'\\\\]|\\\\.){0,12}'|[^ ']{0,12}) {0,2}){0,6}"
}

fn check_conninfo(input: &str) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let parsed = ConnInfo::parse(input);
    prop_assert!(
        started.elapsed() < SLOW,
        "parse took {:?}",
        started.elapsed()
    );
    let Ok(info) = parsed else {
        return Ok(());
    };
    let shown = info.to_string();
    let again = ConnInfo::parse(&shown)
        .map_err(|e| TestCaseError::fail(format!("{input:?} printed as {shown:?}: {e}")))?;
    prop_assert_eq!(again.password.is_some(), info.password.is_some());
    prop_assert_eq!(
        shown_parts(&again),
        shown_parts(&info),
        "{:?} printed as {:?}",
        input,
        shown
    );
    Ok(())
}

/// What the printed form carries (it is a label, not a full copy: options, timeouts and
/// certificates are left out): hosts with the port each one is reached on, user, database
/// and sslmode.
fn shown_parts(info: &ConnInfo) -> impl PartialEq + std::fmt::Debug {
    let ports: Vec<u16> = (0..info.hosts.len().max(1))
        .map(|i| *info.ports.get(i).or(info.ports.first()).unwrap_or(&5432))
        .collect();
    (
        format!("{:?}", info.hosts),
        ports,
        info.user.clone(),
        info.dbname.clone(),
        format!("{:?}", info.sslmode),
    )
}

proptest! {
    #![proptest_config(common::fuzz_config())]

    #[test]
    fn the_splitter_takes_any_text(input in text(600)) {
        check_split(&input)?;
    }

    #[test]
    fn the_splitter_takes_any_sql_soup(input in sql_soup()) {
        check_split(&input)?;
    }

    #[test]
    fn the_conninfo_parser_takes_any_text(input in text(200)) {
        check_conninfo(&input)?;
    }

    #[test]
    fn urls_round_trip_through_their_printed_form(input in url()) {
        check_conninfo(&input)?;
    }

    #[test]
    fn key_values_round_trip_through_their_printed_form(input in key_values()) {
        check_conninfo(&input)?;
    }
}

/// What the fuzzing found, kept as cases of their own.
#[test]
fn connection_strings_the_fuzzer_found() {
    // An empty value is no value, as libpq reads it; an empty host in a list is an error.
    let info = ConnInfo::parse("dbname='' options='' user=''").unwrap();
    assert_eq!((info.dbname, info.options, info.user), (None, None, None));
    assert!(ConnInfo::parse("host=a,,b").is_err());
    // Host names with characters no host has, or garbage after an IPv6 address's bracket,
    // are refused rather than read as a host nobody meant.
    for bad in [
        "postgres://:]:,",
        "postgres://]:1,#",
        "postgres://[::1]x/db",
        "postgres://h:1:2/db",
        "host=':/'",
        "host='a b'",
    ] {
        assert!(ConnInfo::parse(bad).is_err(), "{bad} was accepted");
    }
    let v6 = ConnInfo::parse("postgres://[::1]:5433/db").unwrap();
    assert_eq!(v6.to_string(), "postgresql://[::1]:5433/db");
    // A port without a host is printed (the default host, on that port).
    let info = ConnInfo::parse("postgres://:6432/db").unwrap();
    assert_eq!(info.to_string(), "postgresql://:6432/db");
    assert_eq!(ConnInfo::parse(&info.to_string()).unwrap().ports, [6432]);
}
