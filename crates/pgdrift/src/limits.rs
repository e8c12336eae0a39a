//! The bounds of every number a user gives pgdrift — seconds and counts on the command line
//! and in `pgdrift.toml` — checked in one place, so that no value panics later (a `Duration`
//! built from infinity, a semaphore asked for more permits than it holds) or silently means
//! something else (`NaN` seconds read as "no timeout", a fraction of a millisecond that
//! PostgreSQL reads as 0, "no limit").

use std::time::Duration;

/// The longest timeout in seconds: PostgreSQL's `statement_timeout` and `lock_timeout` are
/// whole milliseconds in an `int4`, so 2,147,483.647 s (about 24.8 days) is their largest.
pub const MAX_SECONDS: f64 = 2_147_483.0;

/// The most connections or parallel jobs any option or setting may ask for.
pub const MAX_JOBS: u64 = 256;

/// `value` as seconds, or why it is not a usable number of seconds: a finite number from 0
/// to [`MAX_SECONDS`], never between 0 and a millisecond (which would round to 0, "none").
pub fn seconds(value: f64) -> Result<Duration, String> {
    if value.is_nan() {
        return Err("not a number: give seconds, e.g. 30 or 0.5".to_string());
    }
    if value.is_infinite() || value > MAX_SECONDS {
        return Err(format!(
            "too large: at most {MAX_SECONDS} seconds (about 24 days, PostgreSQL's largest timeout)"
        ));
    }
    if value < 0.0 {
        return Err("negative: give 0 or more seconds".to_string());
    }
    if value > 0.0 && value < 0.001 {
        return Err(
            "less than a millisecond, which PostgreSQL would read as 0 (no limit): give 0 or at least 0.001"
                .to_string(),
        );
    }
    Ok(Duration::from_secs_f64(value))
}

/// `text` (as written on a command line) as seconds; see [`seconds`].
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| "not a number of seconds (e.g. 30 or 0.5)".to_string())?;
    seconds(value)
}

/// `value` as a count of connections or jobs: from 1 to [`MAX_JOBS`].
pub fn jobs(value: u64) -> Result<usize, String> {
    match value {
        0 => Err("use 1 or more".to_string()),
        n if n > MAX_JOBS => Err(format!("use at most {MAX_JOBS}")),
        n => Ok(n as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_refuse_what_would_panic_or_mean_something_else() {
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            -0.0001,
            1e19,
            18446744073709551615.0,
            MAX_SECONDS + 1.0,
            0.0004,
        ] {
            assert!(seconds(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(seconds(0.0), Ok(Duration::ZERO));
        assert_eq!(seconds(0.5), Ok(Duration::from_millis(500)));
        assert_eq!(seconds(MAX_SECONDS), Ok(Duration::from_secs(2_147_483)));
    }

    #[test]
    fn seconds_are_parsed_from_text() {
        for bad in [
            "inf",
            "NaN",
            "-1",
            "1e19",
            "18446744073709551615",
            "",
            "ten",
        ] {
            assert!(parse_seconds(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(parse_seconds("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
    }

    #[test]
    fn jobs_are_bounded() {
        assert!(jobs(0).is_err());
        assert!(jobs(MAX_JOBS + 1).is_err());
        assert!(jobs(u64::MAX).is_err());
        assert_eq!(jobs(1), Ok(1));
        assert_eq!(jobs(MAX_JOBS), Ok(256));
    }
}
