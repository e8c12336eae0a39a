//! Existence tests by key: a boolean SQL expression that is true while the object named
//! by a node of the plan exists in the catalog. Names are compared as raw catalog names
//! (string literals), never parsed back from quoted text.

use super::lit;
use crate::model::{Kind, QualName, Signature, SubName};
use crate::plan::graph::Node;

/// `EXISTS (SELECT FROM <from> WHERE <cond>)`.
fn exists(from: &str, cond: String) -> String {
    format!("EXISTS (SELECT FROM {from} WHERE {cond})")
}

/// The object's oid and the catalog that holds it, for `node`'s object: a scalar subquery
/// (null while it does not exist). `None` for nodes without a lookup here.
pub fn oid(node: &Node) -> Option<(String, &'static str)> {
    let test = self::node(node)?;
    let body = test.strip_prefix("EXISTS (SELECT FROM ")?;
    Some((format!("(SELECT o.oid FROM {body}"), catalog(node)?))
}

/// The catalog table of `node`'s objects.
fn catalog(node: &Node) -> Option<&'static str> {
    Some(match node {
        Node::Schema(_) => "pg_namespace",
        Node::Extension(_) => "pg_extension",
        Node::Type(_) => "pg_type",
        Node::Sequence(_) | Node::Table(_) | Node::View(_) | Node::Index(_) => "pg_class",
        Node::Function(_) => "pg_proc",
        Node::Constraint(_) => "pg_constraint",
        Node::Trigger(_) => "pg_trigger",
        Node::Policy(_) => "pg_policy",
        Node::Rule(_) => "pg_rewrite",
        Node::ExtendedStatistics(_) => "pg_statistic_ext",
        Node::Collation(_) => "pg_collation",
        Node::Conversion(_) => "pg_conversion",
        Node::TextSearchDictionary(_) => "pg_ts_dict",
        Node::TextSearchConfiguration(_) => "pg_ts_config",
        Node::TextSearchTemplate(_) => "pg_ts_template",
        Node::TextSearchParser(_) => "pg_ts_parser",
        Node::EventTrigger(_) => "pg_event_trigger",
        Node::Publication(_) => "pg_publication",
        Node::Language(_) => "pg_language",
        Node::AccessMethod(_) => "pg_am",
        Node::ForeignDataWrapper(_) => "pg_foreign_data_wrapper",
        Node::ForeignServer(_) => "pg_foreign_server",
        _ => return None,
    })
}

/// An object of catalog table `table` (columns `<p>name`, `<p>namespace`) in a schema.
fn in_schema(table: &str, prefix: &str, key: &QualName) -> String {
    exists(
        &format!(
            "pg_catalog.{table} o JOIN pg_catalog.pg_namespace n ON n.oid = o.{prefix}namespace"
        ),
        format!(
            "n.nspname = {} AND o.{prefix}name = {}",
            lit(&key.schema),
            lit(&key.name)
        ),
    )
}

/// An object of catalog table `table` by its name column alone.
fn named(table: &str, column: &str, name: &str) -> String {
    exists(
        &format!("pg_catalog.{table} o"),
        format!("o.{column} = {}", lit(name)),
    )
}

/// A relation of one of `kinds` (`relkind` letters).
pub fn relation(key: &QualName, kinds: &str) -> String {
    relation_and(key, kinds, "")
}

/// A relation of one of `kinds` for which `extra` (over `o`) holds too.
fn relation_and(key: &QualName, kinds: &str, extra: &str) -> String {
    let list: Vec<String> = kinds.chars().map(|c| lit(&c.to_string())).collect();
    exists(
        "pg_catalog.pg_class o JOIN pg_catalog.pg_namespace n ON n.oid = o.relnamespace",
        format!(
            "n.nspname = {} AND o.relname = {} AND o.relkind IN ({}){extra}",
            lit(&key.schema),
            lit(&key.name),
            list.join(", ")
        ),
    )
}

/// Something attached to a table under its own name (constraint, trigger, policy, rule).
fn on_table(table: &str, rel: &str, name_col: &str, key: &SubName) -> String {
    exists(
        &format!(
            "pg_catalog.{table} o JOIN pg_catalog.pg_class c ON c.oid = o.{rel} \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        ),
        format!(
            "n.nspname = {} AND c.relname = {} AND o.{name_col} = {}",
            lit(&key.schema),
            lit(&key.table),
            lit(&key.name)
        ),
    )
}

/// A routine or operator by schema, name and argument types (as `oidvectortypes` prints).
fn routine(key: &Signature) -> String {
    exists(
        "pg_catalog.pg_proc o JOIN pg_catalog.pg_namespace n ON n.oid = o.pronamespace",
        format!(
            "n.nspname = {} AND o.proname = {} AND pg_catalog.oidvectortypes(o.proargtypes) = {}",
            lit(&key.schema),
            lit(&key.name),
            lit(&key.arguments)
        ),
    )
}

/// The kind of the steps that create and drop `node`'s object.
pub fn kind_of(node: &Node) -> Option<Kind> {
    Some(match node {
        Node::Schema(_) => Kind::Schema,
        Node::Extension(_) => Kind::Extension,
        Node::Type(_) => Kind::Type,
        Node::Sequence(_) => Kind::Sequence,
        Node::Function(_) => Kind::Function,
        Node::Table(_) => Kind::Table,
        Node::View(_) => Kind::View,
        Node::Constraint(_) => Kind::Constraint,
        Node::Index(_) => Kind::Index,
        Node::Trigger(_) => Kind::Trigger,
        Node::Policy(_) => Kind::Policy,
        Node::Rule(_) => Kind::Rule,
        Node::ExtendedStatistics(_) => Kind::ExtendedStatistics,
        Node::Collation(_) => Kind::Collation,
        Node::EventTrigger(_) => Kind::EventTrigger,
        Node::Publication(_) => Kind::Publication,
        Node::Language(_) => Kind::Language,
        Node::AccessMethod(_) => Kind::AccessMethod,
        Node::Conversion(_) => Kind::Conversion,
        Node::ForeignDataWrapper(_) => Kind::ForeignDataWrapper,
        Node::ForeignServer(_) => Kind::ForeignServer,
        Node::TextSearchDictionary(_) => Kind::TextSearchDictionary,
        Node::TextSearchConfiguration(_) => Kind::TextSearchConfiguration,
        Node::TextSearchTemplate(_) => Kind::TextSearchTemplate,
        Node::TextSearchParser(_) => Kind::TextSearchParser,
        _ => return None,
    })
}

/// True while `node`'s object exists; `None` for nodes without a test here.
pub fn node(node: &Node) -> Option<String> {
    Some(match node {
        Node::Schema(s) => named("pg_namespace", "nspname", s),
        Node::Extension(e) => named("pg_extension", "extname", e),
        Node::Type(k) => in_schema("pg_type", "typ", k),
        // Not one an identity column owns: a column that becomes an identity creates a
        // sequence under the name of the one it dropped.
        Node::Sequence(k) => relation_and(
            k,
            "S",
            " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d \
             WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass \
             AND d.objid = o.oid AND d.deptype = 'i')",
        ),
        Node::Function(k) => routine(k),
        Node::Table(k) => relation(k, "rpf"),
        Node::View(k) => relation(k, "vm"),
        Node::Index(k) => relation(k, "iI"),
        Node::Constraint(k) => on_table("pg_constraint", "conrelid", "conname", k),
        Node::Trigger(k) => on_table("pg_trigger", "tgrelid", "tgname", k),
        Node::Policy(k) => on_table("pg_policy", "polrelid", "polname", k),
        Node::Rule(k) => on_table("pg_rewrite", "ev_class", "rulename", k),
        Node::ExtendedStatistics(k) => in_schema("pg_statistic_ext", "stx", k),
        Node::Collation(k) => in_schema("pg_collation", "coll", k),
        Node::Conversion(k) => in_schema("pg_conversion", "con", k),
        Node::TextSearchDictionary(k) => in_schema("pg_ts_dict", "dict", k),
        Node::TextSearchConfiguration(k) => in_schema("pg_ts_config", "cfg", k),
        Node::TextSearchTemplate(k) => in_schema("pg_ts_template", "tmpl", k),
        Node::TextSearchParser(k) => in_schema("pg_ts_parser", "prs", k),
        Node::EventTrigger(k) => named("pg_event_trigger", "evtname", k),
        Node::Publication(k) => named("pg_publication", "pubname", k),
        Node::Language(k) => named("pg_language", "lanname", k),
        Node::AccessMethod(k) => named("pg_am", "amname", k),
        Node::ForeignDataWrapper(k) => named("pg_foreign_data_wrapper", "fdwname", k),
        Node::ForeignServer(k) => named("pg_foreign_server", "srvname", k),
        _ => return None,
    })
}

/// True while enum type `key` has label `label`.
pub fn enum_label(key: &QualName, label: &str) -> String {
    exists(
        "pg_catalog.pg_enum e JOIN pg_catalog.pg_type o ON o.oid = e.enumtypid \
         JOIN pg_catalog.pg_namespace n ON n.oid = o.typnamespace",
        format!(
            "n.nspname = {} AND o.typname = {} AND e.enumlabel = {}",
            lit(&key.schema),
            lit(&key.name),
            lit(label)
        ),
    )
}

/// An index left INVALID (by a concurrent build that failed or was cut off).
pub fn invalid_index(key: &QualName) -> String {
    relation_and(
        key,
        "iI",
        " AND EXISTS (SELECT FROM pg_catalog.pg_index x \
         WHERE x.indexrelid = o.oid AND NOT x.indisvalid)",
    )
}

/// A constraint that exists and is not validated yet (`NOT VALID`).
pub fn constraint_not_validated(key: &SubName) -> String {
    let test = on_table("pg_constraint", "conrelid", "conname", key);
    match test.strip_suffix(')') {
        Some(open) => format!("{open} AND NOT o.convalidated)"),
        None => test,
    }
}
