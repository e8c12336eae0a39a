//! Suppressions: `pgdrift:ignore PL103 reason` in an object's COMMENT, or in a `--` comment
//! of a migration file (where it covers the statement that follows, or the one it ends).
//! Several rules may be named, separated by commas or spaces (`pgdrift:ignore PL103,PL203`);
//! the first word that is not a rule code starts the reason. A code that names no rule, or a
//! marker naming none, is an error: a mistyped suppression must not hide the next finding.

use super::rules::{self, RuleId};

/// The words that start a marker.
pub const MARKER: &str = "pgdrift:ignore";

/// One marker: the rules it silences and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub rules: Vec<RuleId>,
    pub reason: String,
}

/// A marker that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MarkerError {
    pub message: String,
}

fn looks_like_code(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 4
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// The markers in `text`, in order.
pub fn markers(text: &str) -> Result<Vec<Marker>, MarkerError> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARKER) {
        let after = &rest[at + MARKER.len()..];
        let line_end = after.find('\n').unwrap_or(after.len());
        let line = &after[..line_end];
        out.push(marker(line)?);
        rest = &after[line_end..];
    }
    Ok(out)
}

/// The marker whose text after `pgdrift:ignore` is `line`.
fn marker(line: &str) -> Result<Marker, MarkerError> {
    let mut rules = Vec::new();
    let mut reason_at = line.len();
    let mut pos = 0;
    for word in line.split(|c: char| c.is_whitespace() || c == ',') {
        let start = pos;
        pos += word.len() + 1;
        if word.is_empty() {
            continue;
        }
        if looks_like_code(word) || rules::find(word).is_some() {
            let rule = rules::find(word).ok_or_else(|| MarkerError {
                message: format!(
                    "{MARKER} {word}: no rule has that code (`pgdrift lint --rules` lists them)"
                ),
            })?;
            rules.push(rule.id);
        } else {
            reason_at = start;
            break;
        }
    }
    if rules.is_empty() {
        return Err(MarkerError {
            message: format!("{MARKER} names no rule: write the codes it silences, {MARKER} PL101"),
        });
    }
    let reason = line.get(reason_at..).unwrap_or("").trim();
    let reason = reason.trim_start_matches("--").trim();
    Ok(Marker {
        rules,
        reason: reason.trim_end_matches("*/").trim().to_string(),
    })
}

/// True when one of `markers` silences `rule`.
pub fn silences(markers: &[Marker], rule: RuleId) -> bool {
    markers.iter().any(|m| m.rules.contains(&rule))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_rules_then_a_reason() {
        let m =
            markers("kept for the importer pgdrift:ignore PL101, PL203 legacy import\n").unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].rules,
            vec![RuleId::NoPrimaryKey, RuleId::RedundantIndex]
        );
        assert_eq!(m[0].reason, "legacy import");
        let m = markers("pgdrift:ignore foreign-key-without-index").unwrap();
        assert_eq!(m[0].rules, vec![RuleId::ForeignKeyWithoutIndex]);
        assert!(m[0].reason.is_empty());
        assert_eq!(markers("no marker here").unwrap(), vec![]);
        let two = markers("pgdrift:ignore PL101 a\npgdrift:ignore PL303 b").unwrap();
        assert_eq!(two.len(), 2);
        assert!(silences(&two, RuleId::TimestampWithoutTimeZone));
    }

    #[test]
    fn unknown_codes_and_empty_markers_are_errors() {
        let e = markers("pgdrift:ignore PL999 because").unwrap_err();
        assert!(e.message.contains("PL999"), "{e}");
        assert!(markers("pgdrift:ignore because I said so").is_err());
        assert!(markers("pgdrift:ignore").is_err());
        // Odd input: no panic.
        for text in [
            "pgdrift:ignore ,,,",
            "pgdrift:ignore\u{0}PL101",
            "pgdrift:ignorepgdrift:ignore",
        ] {
            let _ = markers(text);
        }
    }
}
