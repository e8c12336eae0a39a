//! Wave planning: which databases go first (the canary, alone) and how the rest are cut into
//! waves, and the flags that shape it (`--canary`, `--wave-size`, `--max-failures`), parsed
//! here with errors that say what to give instead.

use crate::diff::filter::glob_match;
use crate::fleet::Target;

/// The databases that run first, alone: the first N, or those named (names or globs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Canary {
    Count(usize),
    Names(Vec<String>),
}

impl Canary {
    /// `N` (at least 1) or `NAME[,NAME...]`.
    pub fn parse(s: &str) -> Result<Canary, String> {
        let s = s.trim();
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return match s.parse::<usize>() {
                Ok(0) | Err(_) => Err(format!(
                    "--canary {s}: give a number of databases of at least 1, or their names"
                )),
                Ok(n) => Ok(Canary::Count(n)),
            };
        }
        let names: Vec<String> = (s.split(','))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        if names.is_empty() {
            return Err("--canary: give a number of databases or their names (a,b,c)".into());
        }
        Ok(Canary::Names(names))
    }
}

/// A number of databases, or a percentage of a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    Count(usize),
    Percent(u8),
}

impl Share {
    fn parse(s: &str, flag: &str, zero_ok: bool) -> Result<Share, String> {
        let s = s.trim();
        let least = if zero_ok { 0 } else { 1 };
        let bad = || {
            format!("{flag} {s}: give a number of databases (N ≥ {least}) or a percentage ({least}% to 100%)")
        };
        let share = match s.strip_suffix('%') {
            Some(p) => match p.trim().parse::<u8>() {
                Ok(p) if p <= 100 => Share::Percent(p),
                _ => return Err(bad()),
            },
            None => Share::Count(s.parse::<usize>().map_err(|_| bad())?),
        };
        if !zero_ok && matches!(share, Share::Count(0) | Share::Percent(0)) {
            return Err(bad());
        }
        Ok(share)
    }

    /// `--wave-size`: `N` or `P%`, never zero.
    pub fn parse_wave_size(s: &str) -> Result<Share, String> {
        Share::parse(s, "--wave-size", false)
    }

    /// `--max-failures`: `N` or `P%`, zero allowed (the default: any failure stops).
    pub fn parse_max_failures(s: &str) -> Result<Share, String> {
        Share::parse(s, "--max-failures", true)
    }

    /// How many databases of `total` this share is, rounded down.
    pub fn of(self, total: usize) -> usize {
        match self {
            Share::Count(n) => n,
            Share::Percent(p) => total * usize::from(p) / 100,
        }
    }

    /// As given on the command line.
    pub fn label(self) -> String {
        match self {
            Share::Count(n) => n.to_string(),
            Share::Percent(p) => format!("{p}%"),
        }
    }
}

/// One wave: its number (1 for the first) and its targets (indexes into the target list).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Wave {
    pub number: usize,
    pub canary: bool,
    pub targets: Vec<usize>,
}

/// The waves over `targets`: the canary first, alone, then waves of `size` of the remaining
/// databases (a percentage of the remaining, rounded up), in the targets' order. Without a
/// canary and a size: one wave of every database.
pub fn plan(
    targets: &[Target],
    canary: Option<&Canary>,
    size: Option<Share>,
) -> Result<Vec<Wave>, String> {
    let first: Vec<usize> = match canary {
        None => Vec::new(),
        Some(Canary::Count(n)) => (0..targets.len().min(*n)).collect(),
        Some(Canary::Names(names)) => named(targets, names)?,
    };
    let rest: Vec<usize> = (0..targets.len()).filter(|i| !first.contains(i)).collect();
    let step = match size {
        None => rest.len().max(1),
        Some(Share::Count(n)) => n.max(1),
        Some(Share::Percent(p)) => (rest.len() * usize::from(p)).div_ceil(100).max(1),
    };
    let mut waves = Vec::new();
    if !first.is_empty() {
        waves.push(Wave {
            number: 1,
            canary: true,
            targets: first,
        });
    }
    for chunk in rest.chunks(step) {
        waves.push(Wave {
            number: waves.len() + 1,
            canary: false,
            targets: chunk.to_vec(),
        });
    }
    Ok(waves)
}

/// The targets whose database names match one of `names` (globs); each name must match one.
fn named(targets: &[Target], names: &[String]) -> Result<Vec<usize>, String> {
    for name in names {
        if !targets.iter().any(|t| glob_match(name, t.database())) {
            return Err(format!(
                "--canary {name}: no database of the {} given is named so; name one of them or give a number",
                targets.len()
            ));
        }
    }
    Ok((0..targets.len())
        .filter(|&i| names.iter().any(|n| glob_match(n, targets[i].database())))
        .collect())
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
