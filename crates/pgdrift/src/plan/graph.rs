//! What each object depends on, read from the catalog: the objects its definition names
//! (types of columns, functions in defaults and checks, tables in a view's query, the
//! parent of a partition, the table of an index ...). Used to order creations (dependencies
//! first) and drops (dependents first), and to find what must be recreated around an object
//! that is dropped and created again.

use super::refs::qualified_names;
use crate::diff::{Change, Subject};
use crate::model::{with_kinds, Object};
use crate::model::{
    Catalog, Column, Constraint, ConstraintKind, DefaultPrivilege, Function, Index, Operator,
    Policy, QualName, Sequence, Table, Trigger, TypeDef, TypeKind, View,
};
use rustc_hash::FxHashMap as HashMap;

macro_rules! nodes {
    (
        [$($a:ident: $af:ident: $ak:ty => $at:ty, $a1:literal, $an:literal, $ap:ident;)*]
        $col:ident: $c1:literal, $cn:literal, $cp:ident;
        [$($b:ident: $bf:ident: $bk:ty => $bt:ty, $b1:literal, $bn:literal, $bp:ident;)*]
    ) => {
        /// An object as a node of the dependency graph: one variant per keyed kind of the
        /// registry, in its order (which is the order of recreation), then the two nodes that
        /// are parts of a table rather than objects of their own.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Node {
            $($a($ak),)*
            $($b($bk),)*
            /// A column default set after its table exists (one that calls a routine).
            Default(QualName, String),
            /// `ALTER SEQUENCE ... OWNED BY`, once the owning table exists.
            SequenceOwner(QualName),
        }

        impl Node {
            /// The node of a change's object (columns are parts of their table: none).
            pub fn of_change(c: &Change<'_>) -> Option<Node> {
                Some(match c.subject {
                    $(Subject::$a(p) => Node::$a(p.current().key()),)*
                    Subject::$col(_) => return None,
                    $(Subject::$b(p) => Node::$b(p.current().key()),)*
                })
            }

            /// True when `catalog` holds the object (a default: its column has one).
            pub fn in_catalog(&self, catalog: &Catalog) -> bool {
                match self {
                    $(Node::$a(k) => catalog.$af.contains_key(k),)*
                    $(Node::$b(k) => catalog.$bf.contains_key(k),)*
                    Node::SequenceOwner(k) => catalog.sequences.contains_key(k),
                    Node::Default(t, col) => catalog
                        .tables
                        .get(t)
                        .and_then(|t| t.column(col))
                        .is_some_and(|c| c.default.is_some()),
                }
            }
        }
    };
}
with_kinds!(nodes);

/// Objects of a catalog by schema-qualified name, to resolve the names found in text.
#[derive(Debug)]
pub struct Names<'a> {
    catalog: &'a Catalog,
    by_name: HashMap<(&'a str, &'a str), Vec<Node>>,
    /// Primary key and unique constraints and unique indexes, by table.
    keys: HashMap<(&'a str, &'a str), Vec<Node>>,
}

impl<'a> Names<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        let mut by_name: HashMap<(&'a str, &'a str), Vec<Node>> = HashMap::default();
        for k in catalog.tables.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::Table(k.clone()));
        }
        for k in catalog.views.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::View(k.clone()));
        }
        for k in catalog.sequences.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::Sequence(k.clone()));
        }
        for k in catalog.types.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::Type(k.clone()));
        }
        for k in catalog.functions.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::Function(k.clone()));
        }
        for k in catalog.collations.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::Collation(k.clone()));
        }
        // Named in `'s.d'::regdictionary` literals.
        for k in catalog.text_search_dictionaries.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::TextSearchDictionary(k.clone()));
        }
        // Named in `'s.c'::regconfig` literals.
        for k in catalog.text_search_configurations.keys() {
            by_name
                .entry((&k.schema, &k.name))
                .or_default()
                .push(Node::TextSearchConfiguration(k.clone()));
        }
        let mut keys: HashMap<(&'a str, &'a str), Vec<Node>> = HashMap::default();
        for (k, c) in &catalog.constraints {
            if matches!(
                c.kind,
                ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. }
            ) {
                keys.entry((&k.schema, &k.table))
                    .or_default()
                    .push(Node::Constraint(k.clone()));
            }
        }
        for (k, i) in &catalog.indexes {
            if i.unique {
                keys.entry((&i.schema, &i.table))
                    .or_default()
                    .push(Node::Index(k.clone()));
            }
        }
        Names {
            catalog,
            by_name,
            keys,
        }
    }

    /// The objects named in `text`.
    pub fn refs(&self, text: &str, out: &mut Vec<Node>) {
        if !text.contains('.') {
            return;
        }
        for (schema, name) in qualified_names(text) {
            if let Some(nodes) = self.by_name.get(&(schema.as_ref(), name.as_ref())) {
                out.extend(nodes.iter().cloned());
            }
        }
    }

    /// The node of the relation (table or view) `schema.name`, if the catalog has it.
    pub fn relation(&self, schema: &str, name: &str) -> Option<Node> {
        self.by_name.get(&(schema, name)).and_then(|nodes| {
            nodes
                .iter()
                .find(|n| matches!(n, Node::Table(_) | Node::View(_)))
                .cloned()
        })
    }

    fn schema(&self, schema: &str, out: &mut Vec<Node>) {
        if self.catalog.schemas.contains_key(schema) {
            out.push(Node::Schema(schema.to_string()));
        }
    }

    /// The catalog the names are of.
    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    /// The primary key and unique constraints, then the unique indexes, of table
    /// `schema.table`, each in key order.
    pub fn table_keys(&self, schema: &str, table: &str) -> Vec<Node> {
        let mut out = Vec::new();
        self.keys_of(schema, table, &mut out);
        out
    }

    /// The primary key and unique constraints and unique indexes of a table: what a foreign
    /// key to it, or a view grouping by its key, needs.
    fn keys_of(&self, schema: &str, table: &str, out: &mut Vec<Node>) {
        if let Some(nodes) = self.keys.get(&(schema, table)) {
            out.extend(nodes.iter().cloned());
        }
    }

    pub fn type_deps(&self, t: &TypeDef) -> Vec<Node> {
        let mut out = Vec::new();
        self.schema(&t.schema, &mut out);
        match &t.kind {
            TypeKind::Enum { .. } => {}
            TypeKind::Domain {
                base_type,
                default,
                checks,
                collation,
                ..
            } => {
                self.refs(base_type, &mut out);
                if let Some(c) = collation {
                    self.refs(c, &mut out);
                }
                if let Some(d) = default {
                    self.refs(d, &mut out);
                }
                for c in checks {
                    self.refs(&c.expression, &mut out);
                }
            }
            TypeKind::Composite { attributes } => {
                for a in attributes {
                    self.refs(&a.type_name, &mut out);
                    if let Some(c) = &a.collation {
                        self.refs(c, &mut out);
                    }
                }
            }
            TypeKind::Range {
                subtype,
                canonical,
                subtype_diff,
                ..
            } => {
                self.refs(subtype, &mut out);
                for f in [canonical, subtype_diff].into_iter().flatten() {
                    self.refs(f, &mut out);
                }
            }
        }
        out
    }

    pub fn sequence_deps(&self, s: &Sequence) -> Vec<Node> {
        let mut out = Vec::new();
        self.schema(&s.schema, &mut out);
        out
    }

    /// What a column needs: its type, and its default unless that is set separately.
    pub fn column_deps(&self, c: &Column, with_default: bool, out: &mut Vec<Node>) {
        self.refs(&c.type_name, out);
        if let Some(collation) = &c.collation {
            self.refs(collation, out);
        }
        if with_default {
            if let Some(d) = &c.default {
                self.refs(d, out);
            }
        }
        if let Some(g) = &c.generated {
            self.refs(&g.expression, out);
        }
    }

    pub fn table_deps(&self, t: &Table, with_default: impl Fn(&Column) -> bool) -> Vec<Node> {
        let mut out = Vec::new();
        self.schema(&t.schema, &mut out);
        for c in &t.columns {
            self.column_deps(c, with_default(c), &mut out);
        }
        for p in t.partition_of.iter().chain(&t.inherits) {
            out.push(Node::Table(p.clone()));
        }
        if let Some(ty) = &t.of_type {
            out.push(Node::Type(ty.clone()));
        }
        if let Some(k) = &t.partition_key {
            self.refs(k, &mut out);
        }
        self.foreign_table_server(t.foreign_server.as_ref(), &mut out);
        self.table_access_method_deps(t, &mut out);
        out
    }

    pub fn constraint_deps(&self, c: &Constraint) -> Vec<Node> {
        let mut out = vec![Node::Table(QualName::new(&c.schema, &c.table))];
        match &c.kind {
            ConstraintKind::Check { expression, .. } => self.refs(expression, &mut out),
            ConstraintKind::Exclusion { definition, .. } => {
                self.refs(definition, &mut out);
                self.exclusion_opclass_deps(definition, &mut out);
            }
            ConstraintKind::ForeignKey { references, .. } => {
                out.push(Node::Table(references.clone()));
                self.keys_of(&references.schema, &references.name, &mut out);
            }
            ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. } => {}
        }
        out
    }

    pub fn index_deps(&self, i: &Index) -> Vec<Node> {
        let mut out = Vec::new();
        out.extend(self.relation(&i.schema, &i.table));
        for k in &i.keys {
            if let Some(e) = &k.expression {
                self.refs(e, &mut out);
            }
            for text in [&k.opclass, &k.collation].into_iter().flatten() {
                self.refs(text, &mut out);
            }
        }
        if let Some(p) = &i.predicate {
            self.refs(p, &mut out);
        }
        self.index_opclass_deps(i, &mut out);
        out
    }

    pub fn view_deps(&self, v: &View) -> Vec<Node> {
        let mut out = Vec::new();
        self.schema(&v.schema, &mut out);
        self.refs(&v.definition, &mut out);
        // A query may rely on a table's key (GROUP BY the key, other columns ungrouped).
        let tables: Vec<QualName> = out
            .iter()
            .filter_map(|n| match n {
                Node::Table(q) => Some(q.clone()),
                _ => None,
            })
            .collect();
        for t in tables {
            self.keys_of(&t.schema, &t.name, &mut out);
        }
        out
    }

    pub fn function_deps(&self, f: &Function) -> Vec<Node> {
        let mut out = Vec::new();
        self.schema(&f.schema, &mut out);
        self.language_ref(&f.language, &mut out);
        self.routine_transforms(f, &mut out);
        self.refs(&f.signature, &mut out);
        if let Some(r) = &f.returns {
            self.refs(r, &mut out);
        }
        if super::ddl::has_standard_body(f) {
            self.refs(&f.body, &mut out);
        }
        if let Some(a) = &f.aggregate {
            for text in [
                Some(&a.transition_function),
                Some(&a.state_type),
                a.final_function.as_ref(),
                a.combine_function.as_ref(),
                a.serial_function.as_ref(),
                a.deserial_function.as_ref(),
                a.moving_transition_function.as_ref(),
                a.moving_inverse_function.as_ref(),
                a.moving_state_type.as_ref(),
                a.moving_final_function.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                self.refs(text, &mut out);
            }
        }
        out
    }

    pub fn trigger_deps(&self, t: &Trigger) -> Vec<Node> {
        let mut out = Vec::new();
        out.extend(self.relation(&t.schema, &t.table));
        self.refs(&t.definition, &mut out);
        out
    }

    pub fn policy_deps(&self, p: &Policy) -> Vec<Node> {
        let mut out = vec![Node::Table(QualName::new(&p.schema, &p.table))];
        for e in [&p.using, &p.with_check].into_iter().flatten() {
            self.refs(e, &mut out);
        }
        out
    }

    pub fn operator_deps(&self, o: &Operator) -> Vec<Node> {
        let mut out = Vec::new();
        self.schema(&o.schema, &mut out);
        for text in [Some(&o.function), Some(&o.arguments), Some(&o.result)]
            .into_iter()
            .flatten()
        {
            self.refs(text, &mut out);
        }
        out
    }

    /// In-schema defaults need their schema.
    pub fn default_privilege_deps(&self, d: &DefaultPrivilege) -> Vec<Node> {
        let mut out = Vec::new();
        if let Some(s) = &d.schema {
            self.schema(s, &mut out);
        }
        out
    }

    /// Every object of the catalog with what it depends on: the whole graph, for finding
    /// the dependents of an object. The objects come in node order (kinds in the order of
    /// [`Node`]'s variants, each kind in key order, as the catalog's maps keep them).
    pub fn all_deps(&self) -> Vec<(Node, Vec<Node>)> {
        // Every map by name, so that a new kind fails to build here until its dependencies
        // are written (schemas, extensions, sequences and database settings depend on nothing
        // the plan orders).
        let Catalog {
            schemas: _,
            extensions: _,
            sequences: _,
            types,
            tables,
            constraints,
            indexes,
            views,
            functions,
            triggers,
            policies,
            operators,
            default_privileges,
            database_settings: _,
            rules,
            extended_statistics,
            collations,
            event_triggers,
            foreign_data_wrappers,
            foreign_servers,
            user_mappings,
            casts,
            text_search_dictionaries,
            text_search_configurations,
            text_search_templates,
            text_search_parsers,
            publications,
            subscriptions,
            languages,
            transforms,
            conversions,
            access_methods,
            operator_families,
            operator_classes,
        } = self.catalog;
        let mut out = Vec::new();
        for (k, t) in types {
            out.push((Node::Type(k.clone()), self.type_deps(t)));
        }
        // Defaults are nodes of their own, after every other kind here.
        let mut defaults = Vec::new();
        for (k, t) in tables {
            out.push((Node::Table(k.clone()), self.table_deps(t, |_| false)));
            let start = defaults.len();
            for col in &t.columns {
                if let Some(d) = &col.default {
                    let mut deps = Vec::new();
                    self.refs(d, &mut deps);
                    if !deps.is_empty() {
                        defaults.push((Node::Default(k.clone(), col.name.clone()), deps));
                    }
                }
            }
            defaults[start..].sort_by(|a, b| a.0.cmp(&b.0));
        }
        for (k, x) in constraints {
            out.push((Node::Constraint(k.clone()), self.constraint_deps(x)));
        }
        for (k, x) in indexes {
            out.push((Node::Index(k.clone()), self.index_deps(x)));
        }
        for (k, x) in views {
            out.push((Node::View(k.clone()), self.view_deps(x)));
        }
        for (k, x) in functions {
            out.push((Node::Function(k.clone()), self.function_deps(x)));
        }
        for (k, x) in triggers {
            out.push((Node::Trigger(k.clone()), self.trigger_deps(x)));
        }
        for (k, x) in policies {
            out.push((Node::Policy(k.clone()), self.policy_deps(x)));
        }
        for (k, x) in operators {
            out.push((Node::Operator(k.clone()), self.operator_deps(x)));
        }
        for (k, x) in default_privileges {
            out.push((
                Node::DefaultPrivilege(k.clone()),
                self.default_privilege_deps(x),
            ));
        }
        for (k, x) in rules {
            out.push((Node::Rule(k.clone()), self.rule_deps(x)));
        }
        for (k, x) in extended_statistics {
            out.push((Node::ExtendedStatistics(k.clone()), self.statistics_deps(x)));
        }
        for (k, x) in collations {
            out.push((Node::Collation(k.clone()), self.collation_deps(x)));
        }
        for (k, x) in event_triggers {
            out.push((Node::EventTrigger(k.clone()), self.event_trigger_deps(x)));
        }
        for (k, x) in foreign_data_wrappers {
            out.push((Node::ForeignDataWrapper(k.clone()), self.fdw_deps(x)));
        }
        for (k, x) in foreign_servers {
            out.push((Node::ForeignServer(k.clone()), self.server_deps(x)));
        }
        for (k, x) in user_mappings {
            out.push((Node::UserMapping(k.clone()), self.mapping_deps(x)));
        }
        for (k, x) in casts {
            out.push((Node::Cast(k.clone()), self.cast_deps(x)));
        }
        for (k, x) in text_search_dictionaries {
            let deps = self.ts_dictionary_deps(x);
            out.push((Node::TextSearchDictionary(k.clone()), deps));
        }
        for (k, x) in text_search_configurations {
            let deps = self.ts_configuration_deps(x);
            out.push((Node::TextSearchConfiguration(k.clone()), deps));
        }
        for (k, x) in text_search_templates {
            out.push((
                Node::TextSearchTemplate(k.clone()),
                self.ts_template_deps(x),
            ));
        }
        for (k, x) in text_search_parsers {
            out.push((Node::TextSearchParser(k.clone()), self.ts_parser_deps(x)));
        }
        for (k, x) in publications {
            out.push((Node::Publication(k.clone()), self.publication_deps(x)));
        }
        for (k, x) in subscriptions {
            out.push((Node::Subscription(k.clone()), self.subscription_deps(x)));
        }
        for (k, x) in languages {
            out.push((Node::Language(k.clone()), self.language_deps(x)));
        }
        for (k, x) in transforms {
            out.push((Node::Transform(k.clone()), self.transform_deps(x)));
        }
        for (k, x) in conversions {
            out.push((Node::Conversion(k.clone()), self.conversion_deps(x)));
        }
        for (k, x) in access_methods {
            out.push((Node::AccessMethod(k.clone()), self.access_method_deps(x)));
        }
        for (k, x) in operator_families {
            out.push((Node::OperatorFamily(k.clone()), self.family_deps(x)));
        }
        for (k, x) in operator_classes {
            out.push((Node::OperatorClass(k.clone()), self.class_deps(x)));
        }
        out.extend(defaults);
        out
    }
}

/// Who depends on whom, inverted: for each object, the objects whose definitions name it.
#[derive(Debug, Default)]
pub struct Dependents {
    /// Every object of the catalog.
    nodes: Vec<Node>,
    /// For each object depended on, the objects (indices into `nodes`, which are in node
    /// order) that depend on it, in order.
    map: HashMap<Node, Vec<u32>>,
}

impl Dependents {
    pub fn new(names: &Names) -> Self {
        let all = names.all_deps();
        let mut nodes = Vec::with_capacity(all.len());
        let mut map: HashMap<Node, Vec<u32>> = HashMap::default();
        map.reserve(all.len());
        for (i, (node, deps)) in all.into_iter().enumerate() {
            let i = u32::try_from(i).expect("fewer than 2^32 objects");
            for d in deps {
                if d != node {
                    let list = map.entry(d).or_default();
                    // Indices come in increasing order: a repeat is the last one.
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
            nodes.push(node);
        }
        debug_assert!(
            nodes.windows(2).all(|w| w[0] < w[1]),
            "all_deps lists objects in node order"
        );
        Dependents { nodes, map }
    }

    /// The objects that depend on `node`, in node order.
    pub fn of(&self, node: &Node) -> Vec<Node> {
        self.map.get(node).map_or_else(Vec::new, |v| {
            v.iter().map(|&i| self.nodes[i as usize].clone()).collect()
        })
    }
}
