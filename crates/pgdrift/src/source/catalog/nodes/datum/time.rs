//! Dates and times: `date_out`, `time_out`, `timestamp_out` / `timestamptz_out`
//! (ISO style, `TimeZone = 'UTC'`) and `interval_out` (`IntervalStyle = 'postgres'`).

use std::fmt::Write as _;

use super::{i32_at, i64_at};

const USECS_PER_SEC: i64 = 1_000_000;
const USECS_PER_DAY: i64 = 86_400 * USECS_PER_SEC;
const POSTGRES_EPOCH_JDATE: i64 = 2_451_545;
const UNIX_EPOCH_JDATE: i64 = 2_440_588;
/// First Julian day past the supported `date` range.
const DATE_END_JULIAN: i64 = 2_147_483_494;
/// Supported `timestamp` range: 4714-11-24 BC up to (not including) 294277-01-01.
const MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

/// `date_out` (days since 2000-01-01).
pub(super) fn date_out(days: i32) -> Option<String> {
    match days {
        i32::MIN => return Some("-infinity".to_owned()),
        i32::MAX => return Some("infinity".to_owned()),
        _ => {}
    }
    let jd = i64::from(days) + POSTGRES_EPOCH_JDATE;
    if !(0..DATE_END_JULIAN).contains(&jd) {
        return None;
    }
    let (text, bc) = ymd_text(jd);
    Some(if bc { text + " BC" } else { text })
}

/// `time_out` (microseconds since midnight, 24:00:00 included).
pub(super) fn time_out(usecs: i64) -> Option<String> {
    (0..=USECS_PER_DAY)
        .contains(&usecs)
        .then(|| hms_text(usecs.unsigned_abs()))
}

/// `timestamp_out` / `timestamptz_out` in ISO style; with `TimeZone = 'UTC'`
/// the zone is always printed as `+00`.
pub(super) fn timestamp_out(usecs: i64, with_zone: bool) -> Option<String> {
    match usecs {
        i64::MIN => return Some("-infinity".to_owned()),
        i64::MAX => return Some("infinity".to_owned()),
        _ => {}
    }
    if !(MIN_TIMESTAMP..END_TIMESTAMP).contains(&usecs) {
        return None;
    }
    let jd = usecs.div_euclid(USECS_PER_DAY) + POSTGRES_EPOCH_JDATE;
    let (mut text, bc) = ymd_text(jd);
    text.push(' ');
    text.push_str(&hms_text(usecs.rem_euclid(USECS_PER_DAY).unsigned_abs()));
    if with_zone {
        text.push_str("+00");
    }
    if bc {
        text.push_str(" BC");
    }
    Some(text)
}

/// `YYYY-MM-DD` of a Julian day, with the year made positive for BC dates
/// (the caller appends ` BC` at the very end when the flag says so).
fn ymd_text(jd: i64) -> (String, bool) {
    let (year, month, day) = crate::clock::civil_from_days(jd - UNIX_EPOCH_JDATE);
    let bc = year <= 0;
    let shown = if bc { 1 - year } else { year };
    (format!("{shown:04}-{month:02}-{day:02}"), bc)
}

/// `HH:MM:SS[.ffffff]` of a microsecond count (hours are not wrapped at 24).
fn hms_text(usecs: u64) -> String {
    let secs = usecs / 1_000_000;
    let mut out = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    push_fraction(&mut out, usecs % 1_000_000);
    out
}

/// `AppendSeconds`' fraction: `.` and up to six digits, trailing zeros dropped.
fn push_fraction(out: &mut String, usecs: u64) {
    if usecs != 0 {
        let digits = format!("{usecs:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// `interval_out` with `IntervalStyle = 'postgres'`.
pub(super) fn interval_out(b: &[u8]) -> Option<String> {
    let (time, day, month) = (i64_at(b, 0)?, i32_at(b, 8)?, i32_at(b, 12)?);
    // PostgreSQL 17 spells these `infinity` / `-infinity`; older servers don't.
    if (time, day, month) == (i64::MIN, i32::MIN, i32::MIN)
        || (time, day, month) == (i64::MAX, i32::MAX, i32::MAX)
    {
        return None;
    }
    let mut out = String::new();
    let (mut is_zero, mut is_before) = (true, false);
    for (value, unit) in [(month / 12, "year"), (month % 12, "mon"), (day, "day")] {
        if value != 0 {
            let sep = if is_zero { "" } else { " " };
            let plus = if is_before && value > 0 { "+" } else { "" };
            let plural = if value == 1 { "" } else { "s" };
            let _ = write!(out, "{sep}{plus}{value} {unit}{plural}");
            (is_zero, is_before) = (false, value < 0);
        }
    }
    if is_zero || time != 0 {
        let sep = if is_zero { "" } else { " " };
        let sign = match (time < 0, is_before) {
            (true, _) => "-",
            (false, true) => "+",
            (false, false) => "",
        };
        let _ = write!(out, "{sep}{sign}{}", hms_text(time.unsigned_abs()));
    }
    Some(out)
}
