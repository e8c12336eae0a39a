//! Binding a plan to the states it was made for, so that `pgdrift apply` runs it only on a
//! database that still is what was reviewed, and proves the result.
//!
//! A state is the catalog as the diff compares it (after `--schema`/`--exclude` filters,
//! without migration tools' tables, owners left out unless compared): one digest per object
//! — per column, so that a column's change is named as such — and a fingerprint over all of
//! them. The fingerprint covers the WHOLE catalog, not only the objects the plan touches: a
//! plan's correctness depends on what surrounds them (a view created since on a column the
//! plan drops makes that step fail; a new trigger on a table the plan rewrites changes what
//! the rewrite does; a foreign key added since changes which deletes cascade), and a check
//! that lets such a change through would be a wrong "nothing changed". The per-object
//! digests let `apply` name exactly what changed since the plan was written.
//!
//! The script carries the binding as SQL comments: header lines (the fingerprints, the read
//! options, the script's own checksum) and, at its end, the per-object digests of FROM and
//! the objects of TO that differ from FROM.

use crate::diff::{DiffOptions, Filter};
use crate::model::{with_kinds, Catalog, Kind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write;

/// How the states were read: `apply` reads the database the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    /// `--schema` and `--exclude-schema` patterns.
    #[serde(default)]
    pub schemas: Vec<String>,
    #[serde(default)]
    pub exclude_schemas: Vec<String>,
    /// `--exclude` object patterns.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Migration tools' tracking tables compared too.
    #[serde(default)]
    pub include_trackers: bool,
    /// Owners compared too.
    #[serde(default)]
    pub compare_owners: bool,
}

impl ReadOptions {
    /// The diff's options these stand for.
    pub fn diff_options(&self) -> DiffOptions {
        DiffOptions {
            compare_owners: self.compare_owners,
        }
    }

    /// The object filter these stand for.
    pub fn filter(&self) -> Filter {
        Filter {
            exclude: self.exclude.clone(),
        }
    }
}

/// One object's digest, keyed by `kind name` (`table public.orders`,
/// `column public.orders.total`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub objects: BTreeMap<String, String>,
}

/// An object that differs between two states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateChange {
    /// `kind name`, as in [`State::objects`].
    pub object: String,
    /// `added`, `removed` or `changed`.
    pub how: &'static str,
}

impl std::fmt::Display for StateChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.object, self.how)
    }
}

/// The digest of one object as the diff compares it: its JSON, without the fields the diff
/// ignores (the owner, unless compared; a column's position; a table's columns, which have
/// digests of their own).
fn digest(mut value: serde_json::Value, compare_owners: bool) -> String {
    if let serde_json::Value::Object(map) = &mut value {
        if !compare_owners {
            map.remove("owner");
        }
        map.remove("position");
        if let Some(serde_json::Value::Array(columns)) = map.get_mut("columns") {
            for c in columns.iter_mut() {
                if let serde_json::Value::Object(c) = c {
                    c.remove("position");
                }
            }
        }
    }
    let hash = Sha256::digest(value.to_string().as_bytes());
    format!("{hash:x}")[..16].to_string()
}

/// The token a kind goes by in the state block (`table`, `default-privilege`).
fn token(kind: Kind) -> String {
    kind.info().singular.replace(' ', "-")
}

macro_rules! state_of {
    (
        [$($a:ident: $af:ident: $ak:ty => $at:ty, $a1:literal, $an:literal, $ap:ident;)*]
        $col:ident: $c1:literal, $cn:literal, $cp:ident;
        [$($b:ident: $bf:ident: $bk:ty => $bt:ty, $b1:literal, $bn:literal, $bp:ident;)*]
    ) => {
        impl State {
            /// The state of `catalog`, prepared the way the diff compares it.
            pub fn of(catalog: &Catalog, compare_owners: bool) -> State {
                let mut objects = BTreeMap::new();
                let mut add = |kind: Kind, key: String, value: serde_json::Value| {
                    let name = crate::report::script::one_line(&key);
                    objects.insert(format!("{} {name}", token(kind)), digest(value, compare_owners));
                };
                fn json<T: Serialize>(t: &T) -> serde_json::Value {
                    serde_json::to_value(t).unwrap_or(serde_json::Value::Null)
                }
                $(for (key, o) in &catalog.$af {
                    let mut value = json(o);
                    if Kind::$a == Kind::Table {
                        if let serde_json::Value::Object(map) = &mut value {
                            map.remove("columns");
                        }
                    }
                    add(Kind::$a, key.to_string(), value);
                })*
                for (key, t) in &catalog.tables {
                    for c in &t.columns {
                        add(Kind::$col, format!("{key}.{}", c.name), json(c));
                    }
                }
                $(for (key, o) in &catalog.$bf {
                    add(Kind::$b, key.to_string(), json(o));
                })*
                State { objects }
            }
        }
    };
}
with_kinds!(state_of);

impl State {
    /// The fingerprint of the whole state: `sha256:` and 64 hexadecimal digits.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        for (object, digest) in &self.objects {
            hasher.update(object.as_bytes());
            hasher.update(b"\t");
            hasher.update(digest.as_bytes());
            hasher.update(b"\n");
        }
        format!("sha256:{:x}", hasher.finalize())
    }

    /// What differs from `self` in `now`: objects added, removed and changed, in order.
    pub fn changes_to(&self, now: &State) -> Vec<StateChange> {
        let mut out = Vec::new();
        for (object, digest) in &self.objects {
            match now.objects.get(object) {
                None => out.push(StateChange {
                    object: object.clone(),
                    how: "removed",
                }),
                Some(d) if d != digest => out.push(StateChange {
                    object: object.clone(),
                    how: "changed",
                }),
                Some(_) => {}
            }
        }
        for object in now.objects.keys() {
            if !self.objects.contains_key(object) {
                out.push(StateChange {
                    object: object.clone(),
                    how: "added",
                });
            }
        }
        out.sort_by(|a, b| a.object.cmp(&b.object));
        out
    }
}

/// What binds a plan: the pgdrift version whose digests these are, how the states were
/// read, and the states before and after.
#[derive(Debug, Clone)]
pub struct Binding {
    pub version: String,
    pub options: ReadOptions,
    pub from: State,
    pub to: State,
}

/// The binding of a plan, rendered as SQL comments.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Lines for the script's header.
    pub header: String,
    /// The per-object state block, closing the script.
    pub trailer: String,
}

const PREFIX: &str = "-- pgdrift:";
/// The line that opens the state block (its last occurrence: a routine's body in the plan
/// cannot pose as the block).
pub const STATES_LINE: &str = "-- pgdrift:states";
/// The header line that carries the script's checksum.
pub const CHECKSUM_LINE: &str = "-- pgdrift:checksum ";

impl Binding {
    /// The binding of a plan from `from` to `to`, both prepared as the diff compared them.
    pub fn new(options: ReadOptions, from: &Catalog, to: &Catalog) -> Binding {
        Binding {
            version: crate::VERSION.to_string(),
            from: State::of(from, options.compare_owners),
            to: State::of(to, options.compare_owners),
            options,
        }
    }

    /// The binding of the way back: from TO to FROM.
    pub fn reversed(&self) -> Binding {
        Binding {
            version: self.version.clone(),
            options: self.options.clone(),
            from: self.to.clone(),
            to: self.from.clone(),
        }
    }

    /// The comment lines of the binding.
    pub fn render(&self) -> Rendered {
        let mut header = String::new();
        let _ = writeln!(header, "{PREFIX}from-state {}", self.from.fingerprint());
        let _ = writeln!(header, "{PREFIX}to-state {}", self.to.fingerprint());
        let options = serde_json::to_string(&self.options).unwrap_or_default();
        let _ = writeln!(
            header,
            "{PREFIX}read {}",
            crate::report::script::one_line(&options)
        );
        let _ = writeln!(header, "{PREFIX}digests {}", self.version);
        let mut trailer = format!(
            "\n{STATES_LINE}\n-- The states this plan was made for: `pgdrift apply` reads the \
             database and runs the plan only while it matches FROM,\n-- then checks the result \
             against TO. One digest per object.\n"
        );
        for (object, digest) in &self.from.objects {
            let _ = writeln!(trailer, "{PREFIX}from {digest} {object}");
        }
        for change in self.from.changes_to(&self.to) {
            match self.to.objects.get(&change.object) {
                Some(digest) => {
                    let _ = writeln!(trailer, "{PREFIX}to {digest} {}", change.object);
                }
                None => {
                    let _ = writeln!(trailer, "{PREFIX}to - {}", change.object);
                }
            }
        }
        Rendered { header, trailer }
    }
}

/// The checksum of a script: SHA-256 of its text without the checksum line, line endings
/// taken as `\n` (a checkout that turns them into `\r\n` does not edit the plan).
pub fn checksum(script: &str) -> String {
    let mut hasher = Sha256::new();
    let mut skipped = false;
    for line in script.split_inclusive('\n') {
        if !skipped && line.starts_with(CHECKSUM_LINE) {
            skipped = true;
            continue;
        }
        let line = line
            .strip_suffix("\r\n")
            .map_or(line.to_string(), |l| format!("{l}\n"));
        hasher.update(line.as_bytes());
    }
    format!("sha256:{:x}", hasher.finalize())
}

/// Puts the checksum line into a finished script, right after its first line.
pub fn seal(script: String) -> String {
    let sum = checksum(&script);
    match script.find('\n') {
        Some(end) => format!(
            "{}{CHECKSUM_LINE}{sum}\n{}",
            &script[..=end],
            &script[end + 1..]
        ),
        None => format!("{script}\n{CHECKSUM_LINE}{sum}\n"),
    }
}

pub use super::binding_parse::{parse, BindingError, Parsed};
