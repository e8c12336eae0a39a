//! Reading a plan's binding back from its script: the fingerprints, the read options, the
//! per-object digests of FROM and TO, and whether the text is still the one pgdrift wrote.

use super::binding::{checksum, ReadOptions, State, CHECKSUM_LINE, STATES_LINE};

/// The binding as read from a script.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The pgdrift version that computed the digests.
    pub version: String,
    pub options: ReadOptions,
    pub from_fingerprint: String,
    pub to_fingerprint: String,
    pub from: State,
    /// FROM with the objects the plan changes as TO has them.
    pub to: State,
    /// The checksum the script carries, and the one its text has now.
    pub recorded_checksum: Option<String>,
    pub actual_checksum: String,
}

impl Parsed {
    /// Whether the text changed after pgdrift wrote it.
    pub fn edited(&self) -> bool {
        self.recorded_checksum.as_deref() != Some(self.actual_checksum.as_str())
    }
}

/// A script whose binding cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    #[error("line {line}: {problem}")]
    Line { line: usize, problem: String },
    #[error(
        "the plan is not bound to a state: it has no `-- pgdrift:from-state` line. Write it \
         with `pgdrift diff FROM TO -f sql -o plan.sql` (this pgdrift writes the binding into \
         every script it saves)"
    )]
    Unbound,
    #[error(
        "the plan's state block does not add up: its objects give {computed}, its header says \
         {header}; the plan was edited by hand or cut short"
    )]
    Inconsistent { header: String, computed: String },
}

/// Reads the binding of `script`: the header is the leading block of comment lines, the
/// state block what follows the last `-- pgdrift:states` line. Nothing in between (where a
/// routine's body could hold any text) is read.
pub fn parse(script: &str) -> Result<Parsed, BindingError> {
    let lines: Vec<&str> = script
        .lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let header_end = lines
        .iter()
        .position(|l| !l.starts_with("--"))
        .unwrap_or(lines.len());
    let header = read_header(&lines[..header_end])?;
    let states_at = lines.iter().rposition(|l| *l == STATES_LINE);
    let [Some(from_fingerprint), to_fingerprint, read, version, recorded_checksum] = header else {
        return Err(BindingError::Unbound);
    };
    let Some(states_at) = states_at else {
        return Err(BindingError::Line {
            line: lines.len(),
            problem: format!(
                "the state block (`{STATES_LINE}`) is missing: the plan was cut short"
            ),
        });
    };
    let (from, to_changes) = read_states(&lines, states_at + 1)?;
    let options: ReadOptions = match read {
        Some(json) => serde_json::from_str(&json).map_err(|e| BindingError::Line {
            line: line_with(script, "-- pgdrift:read "),
            problem: format!("the read options are not valid JSON ({e})"),
        })?,
        None => ReadOptions::default(),
    };
    let mut to = from.clone();
    for (object, digest) in to_changes {
        if digest == "-" {
            to.objects.remove(&object);
        } else {
            to.objects.insert(object, digest);
        }
    }
    let to_fingerprint = to_fingerprint.unwrap_or_default();
    for (state, header) in [(&from, &from_fingerprint), (&to, &to_fingerprint)] {
        let computed = state.fingerprint();
        if &computed != header {
            return Err(BindingError::Inconsistent {
                header: header.clone(),
                computed,
            });
        }
    }
    Ok(Parsed {
        version: version.unwrap_or_default(),
        options,
        from_fingerprint,
        to_fingerprint,
        from,
        to,
        recorded_checksum,
        actual_checksum: checksum(script),
    })
}

/// The header's values: from-state, to-state, read options, digests version, checksum.
fn read_header(lines: &[&str]) -> Result<[Option<String>; 5], BindingError> {
    let mut header: [Option<String>; 5] = Default::default();
    for (i, line) in lines.iter().enumerate() {
        let (slot, value) = if let Some(sum) = line.strip_prefix(CHECKSUM_LINE) {
            (4, sum)
        } else if let Some(rest) = line.strip_prefix("-- pgdrift:") {
            let (word, value) = rest.split_once(' ').unwrap_or((rest, ""));
            match word {
                "from-state" => (0, value),
                "to-state" => (1, value),
                "read" => (2, value),
                "digests" => (3, value),
                _ => continue,
            }
        } else {
            continue;
        };
        if header[slot].is_some() {
            return Err(BindingError::Line {
                line: i + 1,
                problem: format!("`{line}`: this header line is given twice"),
            });
        }
        header[slot] = Some(value.trim().to_string());
    }
    Ok(header)
}

/// FROM's digests and TO's differences, from the state block starting at line index `at`.
type ToChanges = Vec<(String, String)>;
fn read_states(lines: &[&str], at: usize) -> Result<(State, ToChanges), BindingError> {
    let (mut from, mut to) = (State::default(), Vec::new());
    for (i, line) in lines.iter().enumerate().skip(at) {
        let Some(rest) = line.strip_prefix("-- pgdrift:") else {
            continue;
        };
        let (word, value) = rest.split_once(' ').unwrap_or((rest, ""));
        if word != "from" && word != "to" {
            continue;
        }
        let (digest, object) = value.split_once(' ').ok_or_else(|| BindingError::Line {
            line: i + 1,
            problem: "a state line needs a digest and an object".into(),
        })?;
        if word == "from" {
            from.objects.insert(object.to_string(), digest.to_string());
        } else {
            to.push((object.to_string(), digest.to_string()));
        }
    }
    Ok((from, to))
}

/// 1-based line of the first line starting with `prefix`.
fn line_with(script: &str, prefix: &str) -> usize {
    script
        .lines()
        .position(|l| l.starts_with(prefix))
        .map_or(0, |i| i + 1)
}
