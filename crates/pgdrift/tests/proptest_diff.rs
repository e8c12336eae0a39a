//! Convergence on random schemas: proptest draws two small schemas A and B from the same
//! pools of names (tables t1..t4 with columns c1..c6, enums e1..e2, indexes i1..i4, views
//! v1..v2, sequences s1..s2, all in schema `p`; schema `q` present or not), loads each into
//! a fresh database, plans A -> B on A's database and B -> A on B's, applies both plans and
//! requires that no difference is left — as `diff.rs` does for the hand-written fixtures.
//!
//! B is drawn as a blend of A and a second, independent schema, element by element, so the
//! two overlap a lot and the plans mostly alter objects rather than create and drop them.
//! A schema is a plain data structure (shrinkable); `render` resolves its references (a
//! column of a missing enum, an index on a missing table...) and writes SQL that loads on
//! PostgreSQL 14 to 18. A schema that does not load is a bug of the generator: the test fails.
//!
//! `PGDRIFT_PROPTEST_CASES=N` sets the number of cases (24 by default); proptest's own
//! `PROPTEST_RNG_SEED`, `PROPTEST_MAX_SHRINK_ITERS`... apply as usual.

mod common;

use pgdrift::diff::DiffOptions;
use pgdrift::model::Snapshot;
use pgdrift::pipeline::Target;
use pgdrift::plan::PlanOptions;
use pgdrift::report::script::{render_sql, ScriptContext};
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::fmt::Write as _;
use std::sync::OnceLock;

const TABLES: usize = 4;
const COLUMNS: usize = 6;
const MAX_COLUMNS: usize = 5;
const ENUMS: usize = 2;
const LABELS: [&str; 4] = ["a", "b", "c", "d"];
const INDEXES: usize = 4;
const VIEWS: usize = 2;
const SEQUENCES: usize = 2;

// ---------------------------------------------------------------------------------------
// The model of a generated schema.
// ---------------------------------------------------------------------------------------

/// A column type as drawn; `Enum(k)` names the k-th enum, whatever enums exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Integer,
    Bigint,
    Smallint,
    Text,
    Varchar(u16),
    Numeric(u8, u8),
    Boolean,
    Date,
    Timestamptz,
    Jsonb,
    Enum(usize),
    IntArray,
    TextArray,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ColumnKind {
    /// A plain column; `default` picks one of the type's default expressions.
    Plain {
        ty: Ty,
        not_null: bool,
        default: Option<u8>,
    },
    /// `bigint GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`.
    Identity { always: bool },
    /// `serial`.
    Serial,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    kind: ColumnKind,
    comment: Option<u8>,
}

/// Column references are slots (0..COLUMNS) resolved to the columns a table has.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    columns: Vec<Option<Column>>,
    primary_key: Option<usize>,
    unique: Option<(usize, Option<usize>)>,
    check: Option<(usize, u8)>,
    comment: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    table: usize,
    columns: (usize, Option<usize>),
    unique: bool,
    partial: bool,
    expression: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ForeignKey {
    table: usize,
    column: usize,
    /// Among the tables that have a primary key.
    references: usize,
    on_delete_cascade: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct View {
    table: usize,
    columns: Vec<usize>,
    filter: Option<usize>,
    /// For v2: select from v1 (when there is one) rather than from a table.
    over_view: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Sequence {
    /// `AS smallint | integer | bigint`, or none.
    as_type: Option<u8>,
    descending: bool,
    increment: i64,
    /// The bound nearest zero: MINVALUE when ascending, -MAXVALUE when descending.
    near: i64,
    span: i64,
    start_offset: i64,
    cache: i64,
    cycle: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Schema {
    /// Schema q: absent, or present (with a comment when true).
    q: Option<bool>,
    tables: Vec<Option<Table>>,
    enums: Vec<Option<Vec<&'static str>>>,
    indexes: Vec<Option<Index>>,
    foreign_keys: Vec<ForeignKey>,
    views: Vec<Option<View>>,
    sequences: Vec<Option<Sequence>>,
}

// ---------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------

fn ty() -> impl Strategy<Value = Ty> {
    prop_oneof![
        Just(Ty::Integer),
        Just(Ty::Bigint),
        Just(Ty::Smallint),
        Just(Ty::Text),
        prop::sample::select(vec![10u16, 20, 100]).prop_map(Ty::Varchar),
        (
            prop::sample::select(vec![5u8, 10]),
            prop::sample::select(vec![0u8, 2])
        )
            .prop_map(|(p, s)| Ty::Numeric(p, s)),
        Just(Ty::Boolean),
        Just(Ty::Date),
        Just(Ty::Timestamptz),
        Just(Ty::Jsonb),
        (0..ENUMS).prop_map(Ty::Enum),
        Just(Ty::IntArray),
        Just(Ty::TextArray),
    ]
}

fn column() -> impl Strategy<Value = Column> {
    let kind = prop_oneof![
        8 => (ty(), any::<bool>(), prop::option::of(0u8..3)).prop_map(|(ty, not_null, default)| {
            ColumnKind::Plain {
                ty,
                not_null,
                default,
            }
        }),
        1 => any::<bool>().prop_map(|always| ColumnKind::Identity { always }),
        1 => Just(ColumnKind::Serial),
    ];
    (kind, prop::option::weighted(0.2, 0u8..2)).prop_map(|(kind, comment)| Column { kind, comment })
}

fn table() -> impl Strategy<Value = Table> {
    (
        prop::collection::vec(prop::option::weighted(0.5, column()), COLUMNS),
        prop::option::weighted(0.6, 0..COLUMNS),
        prop::option::weighted(0.3, (0..COLUMNS, prop::option::of(0..COLUMNS))),
        prop::option::weighted(0.3, (0..COLUMNS, 0u8..3)),
        prop::option::weighted(0.3, 0u8..2),
    )
        .prop_map(|(columns, primary_key, unique, check, comment)| Table {
            columns,
            primary_key,
            unique,
            check,
            comment,
        })
}

fn labels() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(LABELS.to_vec(), 1..=LABELS.len()).prop_shuffle()
}

fn index() -> impl Strategy<Value = Index> {
    (
        0..TABLES,
        (0..COLUMNS, prop::option::of(0..COLUMNS)),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(table, columns, unique, partial, expression)| Index {
            table,
            columns,
            unique,
            partial,
            expression,
        })
}

fn foreign_key() -> impl Strategy<Value = ForeignKey> {
    (0..TABLES, 0..COLUMNS, 0..TABLES, any::<bool>()).prop_map(
        |(table, column, references, on_delete_cascade)| ForeignKey {
            table,
            column,
            references,
            on_delete_cascade,
        },
    )
}

fn view() -> impl Strategy<Value = View> {
    (
        0..TABLES,
        prop::sample::subsequence((0..COLUMNS).collect::<Vec<_>>(), 1..=3),
        prop::option::of(0..COLUMNS),
        any::<bool>(),
    )
        .prop_map(|(table, columns, filter, over_view)| View {
            table,
            columns,
            filter,
            over_view,
        })
}

fn sequence() -> impl Strategy<Value = Sequence> {
    (
        prop::option::of(0u8..3),
        any::<bool>(),
        1i64..=5,
        1i64..=50,
        100i64..=30_000,
        0i64..=100,
        prop::sample::select(vec![1i64, 10]),
        any::<bool>(),
    )
        .prop_map(
            |(as_type, descending, increment, near, span, start_offset, cache, cycle)| Sequence {
                as_type,
                descending,
                increment,
                near,
                span,
                start_offset,
                cache,
                cycle,
            },
        )
}

fn schema() -> impl Strategy<Value = Schema> {
    (
        prop::option::of(any::<bool>()),
        prop::collection::vec(prop::option::weighted(0.75, table()), TABLES),
        prop::collection::vec(prop::option::weighted(0.6, labels()), ENUMS),
        prop::collection::vec(prop::option::weighted(0.5, index()), INDEXES),
        prop::collection::vec(foreign_key(), 0..=3),
        prop::collection::vec(prop::option::weighted(0.4, view()), VIEWS),
        prop::collection::vec(prop::option::weighted(0.4, sequence()), SEQUENCES),
    )
        .prop_map(
            |(q, tables, enums, indexes, foreign_keys, views, sequences)| Schema {
                q,
                tables,
                enums,
                indexes,
                foreign_keys,
                views,
                sequences,
            },
        )
}

/// Which parts of B are its own rather than A's (`false`, what shrinking goes to, is A's).
#[derive(Clone)]
struct Blend(Vec<bool>);

impl std::fmt::Debug for Blend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bits: String = self.0.iter().map(|&b| if b { '1' } else { '0' }).collect();
        write!(f, "Blend({bits})")
    }
}

// Offsets of the parts in a blend.
const B_Q: usize = 0;
const B_TABLE: usize = B_Q + 1;
/// Per table: its presence, then its columns, then key, unique, check and comment.
const B_TABLE_PARTS: usize = 1 + COLUMNS + 4;
const B_ENUM: usize = B_TABLE + TABLES * B_TABLE_PARTS;
const B_INDEX: usize = B_ENUM + ENUMS;
const B_FOREIGN_KEYS: usize = B_INDEX + INDEXES;
const B_VIEW: usize = B_FOREIGN_KEYS + 1;
const B_SEQUENCE: usize = B_VIEW + VIEWS;
const B_LEN: usize = B_SEQUENCE + SEQUENCES;

fn blend() -> impl Strategy<Value = Blend> {
    prop::collection::vec(prop::bool::weighted(0.35), B_LEN).prop_map(Blend)
}

fn pick<T: Clone>(own: bool, a: &T, b: &T) -> T {
    if own {
        b.clone()
    } else {
        a.clone()
    }
}

/// B: each part from `b` where the blend says so, else from `a`.
fn blended(a: &Schema, b: &Schema, blend: &Blend) -> Schema {
    let own = |i: usize| blend.0[i];
    let tables = (0..TABLES)
        .map(|t| {
            let base = B_TABLE + t * B_TABLE_PARTS;
            let present = pick(own(base), &a.tables[t], &b.tables[t]);
            match (present, &a.tables[t], &b.tables[t]) {
                (None, _, _) => None,
                (Some(_), Some(ta), Some(tb)) => {
                    let parts = base + 1 + COLUMNS;
                    Some(Table {
                        columns: (0..COLUMNS)
                            .map(|c| pick(own(base + 1 + c), &ta.columns[c], &tb.columns[c]))
                            .collect(),
                        primary_key: pick(own(parts), &ta.primary_key, &tb.primary_key),
                        unique: pick(own(parts + 1), &ta.unique, &tb.unique),
                        check: pick(own(parts + 2), &ta.check, &tb.check),
                        comment: pick(own(parts + 3), &ta.comment, &tb.comment),
                    })
                }
                (Some(t), _, _) => Some(t),
            }
        })
        .collect();
    Schema {
        q: pick(own(B_Q), &a.q, &b.q),
        tables,
        enums: (0..ENUMS)
            .map(|i| pick(own(B_ENUM + i), &a.enums[i], &b.enums[i]))
            .collect(),
        indexes: (0..INDEXES)
            .map(|i| pick(own(B_INDEX + i), &a.indexes[i], &b.indexes[i]))
            .collect(),
        foreign_keys: pick(own(B_FOREIGN_KEYS), &a.foreign_keys, &b.foreign_keys),
        views: (0..VIEWS)
            .map(|i| pick(own(B_VIEW + i), &a.views[i], &b.views[i]))
            .collect(),
        sequences: (0..SEQUENCES)
            .map(|i| pick(own(B_SEQUENCE + i), &a.sequences[i], &b.sequences[i]))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Resolving references and rendering SQL.
// ---------------------------------------------------------------------------------------

/// A column type once enums are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    Integer,
    Bigint,
    Smallint,
    Text,
    Varchar(u16),
    Numeric(u8, u8),
    Boolean,
    Date,
    Timestamptz,
    Jsonb,
    /// The enum's number (1-based) and labels.
    Enum(usize, Vec<&'static str>),
    IntArray,
    TextArray,
}

impl Resolved {
    fn sql(&self) -> String {
        match self {
            Resolved::Integer => "integer".into(),
            Resolved::Bigint => "bigint".into(),
            Resolved::Smallint => "smallint".into(),
            Resolved::Text => "text".into(),
            Resolved::Varchar(n) => format!("varchar({n})"),
            Resolved::Numeric(p, s) => format!("numeric({p},{s})"),
            Resolved::Boolean => "boolean".into(),
            Resolved::Date => "date".into(),
            Resolved::Timestamptz => "timestamptz".into(),
            Resolved::Jsonb => "jsonb".into(),
            Resolved::Enum(k, _) => format!("p.e{k}"),
            Resolved::IntArray => "integer[]".into(),
            Resolved::TextArray => "text[]".into(),
        }
    }

    fn is_number(&self) -> bool {
        matches!(
            self,
            Resolved::Integer | Resolved::Bigint | Resolved::Smallint | Resolved::Numeric(..)
        )
    }

    fn is_text(&self) -> bool {
        matches!(self, Resolved::Text | Resolved::Varchar(_))
    }

    /// A default expression of this type; `sequence` is a standalone sequence, if any.
    fn default(&self, v: u8, sequence: Option<usize>) -> String {
        let v = usize::from(v);
        let one = |options: &[&str]| options[v % options.len()].to_string();
        match self {
            Resolved::Integer | Resolved::Bigint => match (v, sequence) {
                (2, Some(s)) => format!("nextval('p.s{s}')"),
                _ => one(&["0", "-1", "42"]),
            },
            Resolved::Smallint => one(&["0", "-1", "7"]),
            Resolved::Numeric(..) => one(&["0", "1.5", "100"]),
            Resolved::Text | Resolved::Varchar(_) => one(&["'x'", "''", "'it''s'"]),
            Resolved::Boolean => one(&["true", "false"]),
            Resolved::Date => one(&["CURRENT_DATE", "'2020-01-01'"]),
            Resolved::Timestamptz => one(&["now()", "'2020-01-01 00:00:00+00'"]),
            Resolved::Jsonb => one(&["'{}'", "'[]'", "'{\"k\": 1}'"]),
            Resolved::Enum(k, labels) => format!("'{}'::p.e{k}", labels[v % labels.len()]),
            Resolved::IntArray => one(&["'{}'", "'{1,2}'", "ARRAY[1]"]),
            Resolved::TextArray => one(&["'{}'", "ARRAY['x']", "'{a}'"]),
        }
    }
}

#[derive(Debug, Clone)]
enum RKind {
    Plain {
        ty: Resolved,
        not_null: bool,
        default: Option<u8>,
    },
    Identity {
        always: bool,
    },
    Serial,
}

#[derive(Debug, Clone)]
struct RColumn {
    name: String,
    kind: RKind,
    comment: Option<u8>,
    /// Retyped to match the key a foreign key references.
    retyped: bool,
}

impl RColumn {
    /// The column's type as a foreign key compares it.
    fn ty(&self) -> Resolved {
        match &self.kind {
            RKind::Plain { ty, .. } => ty.clone(),
            RKind::Identity { .. } => Resolved::Bigint,
            RKind::Serial => Resolved::Integer,
        }
    }
}

#[derive(Debug)]
struct RTable {
    name: String,
    columns: Vec<RColumn>,
    primary_key: Option<usize>,
    source: Table,
}

/// The column that slot `slot` stands for in a table with `n` columns.
fn slot(slot: usize, n: usize) -> usize {
    slot % n
}

fn comment_text(what: &str, v: u8) -> String {
    match v {
        0 => format!("'{what}'"),
        _ => format!("'{what}: it''s v{v}'"),
    }
}

/// A schema as SQL, and its tables as resolved.
#[derive(Debug)]
struct Rendered {
    sql: String,
    tables: Vec<RTable>,
}

/// Whether PostgreSQL can change a column of type `from` to type `to` at all (there is a
/// cast, assignment or explicit, I/O conversions to and from strings included).
///
/// Known planner bug (reported as "type change without a cast"): pgdrift plans
/// `ALTER COLUMN c TYPE to USING c::to` for every pair of types, which fails on any table,
/// even an empty one, when there is no such cast (`boolean` -> `bigint`, `date` ->
/// `integer`, `integer` -> `jsonb`, `p.e1` -> `p.e2`...). The generator keeps a column
/// that A and B share to pairs of types that convert both ways.
fn type_change_works(from: &Resolved, to: &Resolved) -> bool {
    use Resolved::*;
    match (from, to) {
        (Enum(a, _), Enum(b, _)) => a == b,
        _ if from == to => true,
        _ if from.is_text() || to.is_text() => true,
        _ if from.is_number() && to.is_number() => true,
        (Boolean, Integer) | (Integer, Boolean) => true,
        (Date, Timestamptz) | (Timestamptz, Date) => true,
        (Jsonb, Integer | Bigint | Smallint | Numeric(..) | Boolean) => true,
        (IntArray, TextArray) | (TextArray, IntArray) => true,
        _ => false,
    }
}

/// The SQL of a schema: everything it names resolved to what exists, so that it loads.
/// With `against` (the tables of the other side of the pair), a column that both sides
/// have never changes between types [`type_change_works`] rules out.
fn render(s: &Schema, against: Option<&[RTable]>) -> Rendered {
    let other_type = |table: &str, column: &str| -> Option<Resolved> {
        against?
            .iter()
            .find(|t| t.name == table)?
            .columns
            .iter()
            .find(|c| c.name == column)
            .map(RColumn::ty)
    };
    let converts = |table: &str, column: &str, ty: &Resolved| {
        other_type(table, column)
            .is_none_or(|o| type_change_works(&o, ty) && type_change_works(ty, &o))
    };
    let mut out = String::from("CREATE SCHEMA p;\n");
    if let Some(comment) = s.q {
        out.push_str("CREATE SCHEMA q;\n");
        if comment {
            out.push_str("COMMENT ON SCHEMA q IS 'schema q';\n");
        }
    }

    // Enums.
    let enums: Vec<(usize, Vec<&'static str>)> = s
        .enums
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.as_ref().map(|l| (i + 1, l.clone())))
        .collect();
    for (k, labels) in &enums {
        let labels: Vec<String> = labels.iter().map(|l| format!("'{l}'")).collect();
        let _ = writeln!(out, "CREATE TYPE p.e{k} AS ENUM ({});", labels.join(", "));
    }

    // Sequences.
    let mut first_sequence = None;
    for (i, seq) in s.sequences.iter().enumerate() {
        let Some(seq) = seq else { continue };
        let k = i + 1;
        first_sequence.get_or_insert(k);
        let (min, max, start, increment) = if seq.descending {
            let max = -seq.near;
            let min = max - seq.span;
            (min, max, max - seq.start_offset, -seq.increment)
        } else {
            let min = seq.near;
            let max = min + seq.span;
            (min, max, min + seq.start_offset, seq.increment)
        };
        let as_type = match seq.as_type {
            None => String::new(),
            Some(0) => " AS smallint".into(),
            Some(1) => " AS integer".into(),
            Some(_) => " AS bigint".into(),
        };
        let _ = writeln!(
            out,
            "CREATE SEQUENCE p.s{k}{as_type} INCREMENT BY {increment} MINVALUE {min} \
             MAXVALUE {max} START WITH {start} CACHE {}{};",
            seq.cache,
            if seq.cycle { " CYCLE" } else { "" }
        );
    }

    // Tables: columns with their types resolved, at most MAX_COLUMNS, at least one.
    let resolve_enum = |k: usize| -> Resolved {
        enums
            .iter()
            .find(|(n, _)| *n == k + 1)
            .or(enums.first())
            .map_or(Resolved::Text, |(n, l)| Resolved::Enum(*n, l.clone()))
    };
    let mut tables: Vec<RTable> = Vec::new();
    for (i, t) in s.tables.iter().enumerate() {
        let Some(t) = t else { continue };
        let mut columns: Vec<RColumn> = t
            .columns
            .iter()
            .enumerate()
            .filter_map(|(c, col)| col.as_ref().map(|col| (c, col)))
            .take(MAX_COLUMNS)
            .map(|(c, col)| RColumn {
                name: format!("c{}", c + 1),
                kind: match &col.kind {
                    ColumnKind::Plain {
                        ty,
                        not_null,
                        default,
                    } => RKind::Plain {
                        ty: match ty {
                            Ty::Integer => Resolved::Integer,
                            Ty::Bigint => Resolved::Bigint,
                            Ty::Smallint => Resolved::Smallint,
                            Ty::Text => Resolved::Text,
                            Ty::Varchar(n) => Resolved::Varchar(*n),
                            Ty::Numeric(p, s) => Resolved::Numeric(*p, *s),
                            Ty::Boolean => Resolved::Boolean,
                            Ty::Date => Resolved::Date,
                            Ty::Timestamptz => Resolved::Timestamptz,
                            Ty::Jsonb => Resolved::Jsonb,
                            Ty::Enum(k) => resolve_enum(*k),
                            Ty::IntArray => Resolved::IntArray,
                            Ty::TextArray => Resolved::TextArray,
                        },
                        not_null: *not_null,
                        default: *default,
                    },
                    ColumnKind::Identity { always } => RKind::Identity { always: *always },
                    ColumnKind::Serial => RKind::Serial,
                },
                comment: col.comment,
                retyped: false,
            })
            .collect();
        if columns.is_empty() {
            columns.push(RColumn {
                name: "c1".into(),
                kind: RKind::Plain {
                    ty: Resolved::Integer,
                    not_null: false,
                    default: None,
                },
                comment: None,
                retyped: false,
            });
        }
        let name = format!("t{}", i + 1);
        for c in &mut columns {
            if !converts(&name, &c.name, &c.ty()) {
                c.kind = match &c.kind {
                    RKind::Plain {
                        not_null, default, ..
                    } => RKind::Plain {
                        ty: Resolved::Text,
                        not_null: *not_null,
                        default: *default,
                    },
                    _ => RKind::Plain {
                        ty: Resolved::Text,
                        not_null: true,
                        default: None,
                    },
                };
            }
        }
        let primary_key = t.primary_key.map(|c| slot(c, columns.len()));
        tables.push(RTable {
            name,
            columns,
            primary_key,
            source: t.clone(),
        });
    }

    // Foreign keys: to a table's primary key, from a column of the same type. A plain
    // column that is no key takes the type of the key it references.
    let keyed: Vec<usize> = (0..tables.len())
        .filter(|&t| tables[t].primary_key.is_some())
        .collect();
    let mut foreign_keys: Vec<(usize, usize, usize, bool)> = Vec::new();
    if !tables.is_empty() && !keyed.is_empty() {
        for fk in &s.foreign_keys {
            let from = fk.table % tables.len();
            let to = keyed[fk.references % keyed.len()];
            let col = slot(fk.column, tables[from].columns.len());
            let key = tables[to].primary_key.expect("keyed");
            let key_ty = tables[to].columns[key].ty();
            let column = &tables[from].columns[col];
            if column.ty() != key_ty {
                let retypable = matches!(column.kind, RKind::Plain { .. })
                    && !column.retyped
                    && tables[from].primary_key != Some(col)
                    && converts(&tables[from].name, &column.name, &key_ty);
                if !retypable {
                    continue;
                }
                let column = &mut tables[from].columns[col];
                if let RKind::Plain { ty, .. } = &mut column.kind {
                    *ty = key_ty;
                }
                column.retyped = true;
            }
            tables[from].columns[col].retyped = true;
            let entry = (from, col, to, fk.on_delete_cascade);
            if !foreign_keys
                .iter()
                .any(|f| (f.0, f.1, f.2) == (from, col, to))
            {
                foreign_keys.push(entry);
            }
        }
    }

    for t in &tables {
        let n = t.columns.len();
        let mut lines: Vec<String> = Vec::new();
        for c in &t.columns {
            let line = match &c.kind {
                RKind::Plain {
                    ty,
                    not_null,
                    default,
                } => {
                    let mut line = format!("{} {}", c.name, ty.sql());
                    if *not_null {
                        line.push_str(" NOT NULL");
                    }
                    if let Some(v) = default {
                        let _ = write!(line, " DEFAULT {}", ty.default(*v, first_sequence));
                    }
                    line
                }
                RKind::Identity { always } => format!(
                    "{} bigint GENERATED {} AS IDENTITY",
                    c.name,
                    if *always { "ALWAYS" } else { "BY DEFAULT" }
                ),
                RKind::Serial => format!("{} serial", c.name),
            };
            lines.push(line);
        }
        if let Some(k) = t.primary_key {
            lines.push(format!("PRIMARY KEY ({})", t.columns[k].name));
        }
        if let Some((a, b)) = t.source.unique {
            let a = slot(a, n);
            let mut cols = vec![t.columns[a].name.clone()];
            if let Some(b) = b.map(|b| slot(b, n)).filter(|&b| b != a) {
                cols.push(t.columns[b].name.clone());
            }
            lines.push(format!("UNIQUE ({})", cols.join(", ")));
        }
        if let Some((c, v)) = t.source.check {
            // The first numeric column from the slot on, if any.
            let c = slot(c, n);
            if let Some(col) = (0..n)
                .map(|i| &t.columns[(c + i) % n])
                .find(|col| col.ty().is_number())
            {
                let cond = ["> 0", ">= 0", "<> 42"][usize::from(v) % 3];
                lines.push(format!("CHECK ({} {cond})", col.name));
            }
        }
        let _ = writeln!(
            out,
            "CREATE TABLE p.{} (\n    {}\n);",
            t.name,
            lines.join(",\n    ")
        );
        if let Some(v) = t.source.comment {
            let _ = writeln!(
                out,
                "COMMENT ON TABLE p.{} IS {};",
                t.name,
                comment_text("table", v)
            );
        }
        for c in &t.columns {
            if let Some(v) = c.comment {
                let _ = writeln!(
                    out,
                    "COMMENT ON COLUMN p.{}.{} IS {};",
                    t.name,
                    c.name,
                    comment_text("column", v)
                );
            }
        }
    }

    for (from, col, to, cascade) in &foreign_keys {
        let (f, t) = (&tables[*from], &tables[*to]);
        let _ = writeln!(
            out,
            "ALTER TABLE p.{} ADD FOREIGN KEY ({}) REFERENCES p.{} ({}){};",
            f.name,
            f.columns[*col].name,
            t.name,
            t.columns[t.primary_key.expect("keyed")].name,
            if *cascade { " ON DELETE CASCADE" } else { "" }
        );
    }

    // Indexes.
    if !tables.is_empty() {
        for (i, index) in s.indexes.iter().enumerate() {
            let Some(index) = index else { continue };
            let t = &tables[index.table % tables.len()];
            let n = t.columns.len();
            let a = slot(index.columns.0, n);
            let mut keys = vec![t.columns[a].name.clone()];
            if let Some(b) = index.columns.1.map(|b| slot(b, n)).filter(|&b| b != a) {
                keys.push(t.columns[b].name.clone());
            }
            if index.expression {
                if let Some(text) = t.columns.iter().find(|c| c.ty().is_text()) {
                    keys[0] = format!("lower({})", text.name);
                }
            }
            let mut sql = format!(
                "CREATE {}INDEX i{} ON p.{} ({})",
                if index.unique { "UNIQUE " } else { "" },
                i + 1,
                t.name,
                keys.join(", ")
            );
            if index.partial {
                let _ = write!(sql, " WHERE {} IS NOT NULL", t.columns[a].name);
            }
            let _ = writeln!(out, "{sql};");
        }
    }

    // Views: v1 over a table, v2 over v1 or a table.
    let mut v1_columns: Option<Vec<String>> = None;
    if !tables.is_empty() {
        for (i, view) in s.views.iter().enumerate() {
            let Some(view) = view else { continue };
            let (from, available): (String, Vec<String>) = match (&v1_columns, view.over_view) {
                (Some(cols), true) => ("p.v1".into(), cols.clone()),
                _ => {
                    let t = &tables[view.table % tables.len()];
                    (
                        format!("p.{}", t.name),
                        t.columns.iter().map(|c| c.name.clone()).collect(),
                    )
                }
            };
            let mut columns: Vec<String> = Vec::new();
            for &c in &view.columns {
                let name = &available[slot(c, available.len())];
                if !columns.contains(name) {
                    columns.push(name.clone());
                }
            }
            let mut sql = format!(
                "CREATE VIEW p.v{} AS SELECT {} FROM {from}",
                i + 1,
                columns.join(", ")
            );
            if let Some(f) = view.filter {
                let _ = write!(
                    sql,
                    " WHERE {} IS NOT NULL",
                    available[slot(f, available.len())]
                );
            }
            let _ = writeln!(out, "{sql};");
            if i == 0 {
                v1_columns = Some(columns);
            }
        }
    }
    Rendered { sql: out, tables }
}

// ---------------------------------------------------------------------------------------
// Running a pair.
// ---------------------------------------------------------------------------------------

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// What is left after a plan ran, indented under the message.
fn indented(remaining: &[String]) -> String {
    let lines: Vec<String> = remaining.iter().map(|l| format!("  {l}")).collect();
    lines.join("\n")
}

/// A fresh database with `sql` in it.
async fn load(sql: &str) -> (TestDb, Result<(), String>) {
    let db = TestDb::new().await;
    let result = db.connect().await.client.batch_execute(sql).await;
    let result = result.map_err(|e| {
        e.as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string())
    });
    (db, result)
}

/// The embedded server keeps test databases until the binary exits: drop ours as we go.
async fn drop_db(db: &TestDb) {
    if let Ok(admin) = pgdrift::pg::connect(&pgdrift::testing::admin_conninfo()).await {
        let _ = admin
            .client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                db.name()
            ))
            .await;
    }
}

/// Plans `from` -> `to`, applies the plan to `db` (which holds `from`) and checks that
/// nothing differs afterwards. On failure: the step or the differences left, and the script.
async fn converge(db: &TestDb, from: &Snapshot, to: &Snapshot) -> Result<(), String> {
    let options = PlanOptions {
        server_version_num: from.source.server_version_num,
        ..PlanOptions::default()
    };
    let conn = db.connect().await;
    let (inspect, diff_options) = (InspectOptions::default(), DiffOptions::default());
    let target = Target::new(&conn, db.conninfo(), &inspect, &diff_options);
    let c = target.converge(&from.catalog, &to.catalog, &options).await;
    let script = render_sql(
        &c.plan,
        &ScriptContext {
            allow_destructive: true,
            ..Default::default()
        },
    );
    let done = c
        .outcome
        .map_err(|e| format!("applying the plan failed: {e}\n-- plan:\n{script}"))?;
    if !done.remaining.is_empty() {
        return Err(format!(
            "differences left after applying the plan:\n{}\n-- plan:\n{script}",
            indented(&done.remaining)
        ));
    }
    Ok(())
}

/// Loads both schemas, converges A -> B and B -> A; the error says all that went wrong.
async fn run_pair(sql_a: &str, sql_b: &str) -> Result<(), String> {
    let ((a, loaded_a), (b, loaded_b)) = tokio::join!(load(sql_a), load(sql_b));
    let result = async {
        loaded_a.map_err(|e| format!("generator bug: A does not load: {e}"))?;
        loaded_b.map_err(|e| format!("generator bug: B does not load: {e}"))?;
        let opts = InspectOptions::default();
        let (ca, cb) = tokio::join!(common::read(&a, &opts), common::read(&b, &opts));
        let (forward, reverse) = tokio::join!(converge(&a, &ca, &cb), converge(&b, &cb, &ca));
        let mut errors = Vec::new();
        if let Err(e) = forward {
            errors.push(format!("==== A -> B: {e}"));
        }
        if let Err(e) = reverse {
            errors.push(format!("==== B -> A: {e}"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }
    .await;
    tokio::join!(drop_db(&a), drop_db(&b));
    result
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PGDRIFT_PROPTEST_CASES")
        .ok()
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("PGDRIFT_PROPTEST_CASES={v}: not a number"))
        })
        .unwrap_or(24);
    let mut config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    // A failure is worth a minimal pair: shrink longer than 4 x cases steps by default.
    if std::env::var_os("PROPTEST_MAX_SHRINK_ITERS").is_none() {
        config.max_shrink_iters = 2000;
    }
    if std::env::var_os("PROPTEST_MAX_SHRINK_TIME").is_none() {
        config.max_shrink_time = 600_000;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_schemas_converge_both_ways(a in schema(), other in schema(), blend in blend()) {
        let b = blended(&a, &other, &blend);
        let rendered_a = render(&a, None);
        let (sql_a, sql_b) = (&rendered_a.sql, render(&b, Some(&rendered_a.tables)).sql);
        if let Err(e) = runtime().block_on(run_pair(sql_a, &sql_b)) {
            return Err(TestCaseError::fail(format!(
                "\n==== A (from.sql):\n{sql_a}\n==== B (to.sql):\n{sql_b}\n{e}\n"
            )));
        }
    }
}

/// The renderer keeps every reference inside what exists.
#[test]
fn rendering_resolves_references() {
    let s = Schema {
        q: None,
        tables: vec![
            None,
            Some(Table {
                columns: vec![
                    None,
                    Some(Column {
                        kind: ColumnKind::Plain {
                            ty: Ty::Enum(1),
                            not_null: true,
                            default: Some(2),
                        },
                        comment: None,
                    }),
                    None,
                    None,
                    None,
                    None,
                ],
                primary_key: Some(3),
                unique: None,
                check: Some((0, 0)),
                comment: Some(1),
            }),
            None,
            None,
        ],
        enums: vec![Some(vec!["b", "a"]), None],
        indexes: vec![None, None, None, None],
        foreign_keys: vec![],
        views: vec![None, None],
        sequences: vec![None, None],
    };
    assert_eq!(
        render(&s, None).sql,
        "CREATE SCHEMA p;\n\
         CREATE TYPE p.e1 AS ENUM ('b', 'a');\n\
         CREATE TABLE p.t2 (\n    c2 p.e1 NOT NULL DEFAULT 'b'::p.e1,\n    PRIMARY KEY (c2)\n);\n\
         COMMENT ON TABLE p.t2 IS 'table: it''s v1';\n"
    );
}
