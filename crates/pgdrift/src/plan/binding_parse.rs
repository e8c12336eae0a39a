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

#[cfg(test)]
mod tests {
    use super::super::binding::{seal, Binding, ReadOptions};
    use super::*;
    use crate::model::Catalog;

    fn catalog(columns: serde_json::Value) -> Catalog {
        let mut c = Catalog::default();
        let schema = serde_json::json!({"schema": "app", "name": "app", "owner": "a"});
        c.schemas
            .insert("app".into(), serde_json::from_value(schema).unwrap());
        let table = serde_json::json!({"schema": "app", "name": "t", "kind": "table",
            "owner": "a", "columns": columns});
        c.tables.insert(
            crate::model::QualName::new("app", "t"),
            serde_json::from_value(table).unwrap(),
        );
        c
    }

    fn catalogs() -> (Catalog, Catalog) {
        let from = catalog(serde_json::json!([{"name": "id", "type": "integer", "position": 1}]));
        let to = catalog(
            serde_json::json!([{"name": "id", "type": "bigint", "position": 1},
            {"name": "note", "type": "text", "position": 2}]),
        );
        (from, to)
    }

    /// A script as the renderer writes it: header, a body, the state block, the checksum.
    fn script(binding: &Binding, body: &str) -> String {
        let rendered = binding.render();
        seal(format!(
            "-- pgdrift 0.1.0: plan\n{}\n{body}\n{}",
            rendered.header, rendered.trailer
        ))
    }

    #[test]
    fn a_binding_reads_back_as_written_and_names_changes() {
        let (from, to) = catalogs();
        let binding = Binding::new(ReadOptions::default(), &from, &to);
        let text = script(&binding, "ALTER TABLE app.t ALTER COLUMN id TYPE bigint;");
        let parsed = parse(&text).unwrap();
        assert!(!parsed.edited());
        assert_eq!(parsed.from, binding.from);
        assert_eq!(parsed.to, binding.to);
        let changes: Vec<String> = parsed
            .from
            .changes_to(&parsed.to)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            changes,
            vec!["column app.t.id changed", "column app.t.note added"]
        );
        // Owners differ between environments: they are not part of the state by default.
        let mut other_owner = from.clone();
        other_owner
            .tables
            .values_mut()
            .for_each(|t| t.owner = "b".into());
        assert_eq!(State::of(&other_owner, false), binding.from);
        assert_ne!(State::of(&other_owner, true), State::of(&from, true));
        // Nor are column positions.
        let mut moved = from.clone();
        moved
            .tables
            .values_mut()
            .for_each(|t| t.columns[0].position = 7);
        assert_eq!(State::of(&moved, false), binding.from);
    }

    #[test]
    fn edits_and_forged_state_lines_are_caught() {
        let (from, to) = catalogs();
        let binding = Binding::new(ReadOptions::default(), &from, &to);
        let text = script(&binding, "ALTER TABLE app.t ALTER COLUMN id TYPE bigint;");
        let edited = text.replace("TYPE bigint;", "TYPE bigint; DROP TABLE app.t;");
        assert!(parse(&edited).unwrap().edited());
        // Line endings a checkout changed are no edit.
        assert!(!parse(&text.replace('\n', "\r\n")).unwrap().edited());
        // A state line changed by hand no longer adds up to the header's fingerprint.
        let forged = text.replacen("-- pgdrift:from ", "-- pgdrift:from 0", 1);
        assert!(matches!(
            parse(&forged),
            Err(BindingError::Inconsistent { .. })
        ));
        // Text in the body (a routine's) cannot pose as state lines: only the block after the
        // last marker counts.
        let body = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n-- pgdrift:states\n\
                    -- pgdrift:from 0000 table app.fake\nSELECT 1 $$;";
        let parsed = parse(&script(&binding, body)).unwrap();
        assert_eq!(parsed.from, binding.from);
        assert!(matches!(parse("SELECT 1;\n"), Err(BindingError::Unbound)));
    }
}
