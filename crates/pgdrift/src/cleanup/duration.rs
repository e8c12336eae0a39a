//! Durations as `--quarantined-for` takes them: a whole number and a unit, `d` (days),
//! `h` (hours), `m` (minutes) or `s` (seconds): `14d`, `36h`, `90m`.

use std::time::Duration;

const UNITS: &[(char, u64, &str)] = &[
    ('d', 86_400, "days"),
    ('h', 3_600, "hours"),
    ('m', 60, "minutes"),
    ('s', 1, "seconds"),
];

/// Parses `14d`, `36h`, `90m`, `30s`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let bad = || {
        format!("{text:?} is not a duration: write a whole number and d, h, m or s (14d, 36h, 90m)")
    };
    let unit = text.chars().last().ok_or_else(bad)?;
    let (_, seconds, _) = UNITS.iter().find(|(u, _, _)| *u == unit).ok_or_else(bad)?;
    let number: u64 = text[..text.len() - 1].parse().map_err(|_| bad())?;
    number
        .checked_mul(*seconds)
        .map(Duration::from_secs)
        .ok_or_else(bad)
}

/// `14d`-style text for `d`, in the largest unit that divides it.
pub fn describe(d: Duration) -> String {
    let secs = d.as_secs();
    for (unit, size, _) in UNITS {
        if secs >= *size && secs % size == 0 {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_back() {
        assert_eq!(parse("14d"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse("36h"), Ok(Duration::from_secs(36 * 3_600)));
        assert_eq!(describe(parse("90m").unwrap()), "90m");
        assert_eq!(describe(Duration::from_secs(7_200)), "2h");
        assert!(parse("14").is_err());
        assert!(parse("d").is_err());
        assert!(parse("-1d").is_err());
        assert!(parse("99999999999999999d").is_err());
    }
}
