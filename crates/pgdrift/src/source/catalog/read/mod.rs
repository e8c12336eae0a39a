//! Readers: each catalog query's rows are decoded one by one as they stream in (into model
//! objects, or into raw records where they point at other objects by OID or column number);
//! `assemble` then resolves those references: columns by number, tables by OID, the
//! indexes behind constraints, identity sequences onto their columns.

mod access_methods;
mod casts;
mod collations;
mod columns;
mod constraints;
mod conversions;
mod database_settings;
mod default_privileges;
mod defaults;
mod event_triggers;
mod extensions;
mod foreign;
mod functions;
mod indexes;
mod languages;
pub(crate) mod lookup;
mod opclasses;
mod operators;
mod policies;
mod publications;
mod rules;
mod schemas;
mod sequences;
mod statistics;
mod subscriptions;
mod tables;
mod text_search;
mod transforms;
mod triggers;
mod ts_configurations;
mod ts_parsers;
mod ts_templates;
mod types;
mod views;

use super::nodes::{Cache, ServerExpressions};
use super::query::QueryId;
use super::rows::check_columns;
use super::InspectError;
use crate::model::{AccessMethod, OperatorClass, OperatorFamily};
use crate::model::{Cast, ForeignDataWrapper, ForeignServer, UserMapping};
use crate::model::{
    Catalog, Collation, DatabaseSetting, DefaultPrivilege, EventTrigger, ExtendedStatistics,
    Extension, Function, Object, Operator, Policy, Rule, Schema, TypeDef,
};
use crate::model::{Conversion, Language, Transform};
use crate::model::{Publication, Subscription};
use foreign::{mappings, servers, wrappers};
use lookup::Lookups;
use opclasses::{classes, families};
use std::collections::BTreeMap;
use tokio_postgres::Row;

/// What one query's rows decode into.
#[derive(Debug)]
pub(crate) enum Decoded {
    Schemas(Chunked<Schema>),
    Extensions(Chunked<Extension>),
    Types(Chunked<TypeDef>),
    Sequences(Chunked<sequences::Raw>),
    Tables(Chunked<tables::Raw>),
    Columns(Chunked<columns::Raw>),
    Defaults(Chunked<defaults::Raw>),
    Constraints(Chunked<constraints::Raw>),
    Indexes(Chunked<indexes::Raw>),
    Views(Chunked<views::Raw>),
    Functions(Chunked<Function>),
    Triggers(Chunked<triggers::Raw>),
    Policies(Chunked<Policy>),
    Operators(Chunked<Operator>),
    DefaultPrivileges(Chunked<DefaultPrivilege>),
    DatabaseSettings(Chunked<DatabaseSetting>),
    Rules(Chunked<Rule>),
    Statistics(Chunked<ExtendedStatistics>),
    Collations(Chunked<Collation>),
    EventTriggers(Chunked<EventTrigger>),
    ForeignDataWrappers(Chunked<ForeignDataWrapper>),
    ForeignServers(Chunked<ForeignServer>),
    UserMappings(Chunked<UserMapping>),
    Casts(Chunked<Cast>),
    TsDictionaries(Chunked<crate::model::TextSearchDictionary>),
    TsConfigurations(Chunked<crate::model::TextSearchConfiguration>),
    TsTemplates(Chunked<crate::model::TextSearchTemplate>),
    TsParsers(Chunked<crate::model::TextSearchParser>),
    Publications(Chunked<Publication>),
    Subscriptions(Chunked<Subscription>),
    Languages(Chunked<Language>),
    Transforms(Chunked<Transform>),
    Conversions(Chunked<Conversion>),
    AccessMethods(Chunked<AccessMethod>),
    OperatorFamilies(Chunked<OperatorFamily>),
    OperatorClasses(Chunked<OperatorClass>),
}

/// Decodes the rows of one query as they arrive.
#[derive(Debug)]
pub(crate) struct Decoder<'a> {
    lookups: &'a Lookups,
    checked: bool,
    out: Decoded,
    /// Stored expressions already deparsed by this query.
    cache: Cache,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(id: QueryId, lookups: &'a Lookups) -> Decoder<'a> {
        let out = match id {
            QueryId::Schemas => Decoded::Schemas(Chunked::default()),
            QueryId::Extensions => Decoded::Extensions(Chunked::default()),
            QueryId::Types => Decoded::Types(Chunked::default()),
            QueryId::Sequences => Decoded::Sequences(Chunked::default()),
            QueryId::Tables => Decoded::Tables(Chunked::default()),
            QueryId::Columns => Decoded::Columns(Chunked::default()),
            QueryId::Defaults => Decoded::Defaults(Chunked::default()),
            QueryId::Constraints => Decoded::Constraints(Chunked::default()),
            QueryId::Indexes => Decoded::Indexes(Chunked::default()),
            QueryId::Views => Decoded::Views(Chunked::default()),
            QueryId::Functions => Decoded::Functions(Chunked::default()),
            QueryId::Triggers => Decoded::Triggers(Chunked::default()),
            QueryId::Policies => Decoded::Policies(Chunked::default()),
            QueryId::Operators => Decoded::Operators(Chunked::default()),
            QueryId::DefaultPrivileges => Decoded::DefaultPrivileges(Chunked::default()),
            QueryId::DatabaseSettings => Decoded::DatabaseSettings(Chunked::default()),
            QueryId::Rules => Decoded::Rules(Chunked::default()),
            QueryId::Statistics => Decoded::Statistics(Chunked::default()),
            QueryId::Collations => Decoded::Collations(Chunked::default()),
            QueryId::EventTriggers => Decoded::EventTriggers(Chunked::default()),
            QueryId::ForeignDataWrappers => Decoded::ForeignDataWrappers(Chunked::default()),
            QueryId::ForeignServers => Decoded::ForeignServers(Chunked::default()),
            QueryId::UserMappings => Decoded::UserMappings(Chunked::default()),
            QueryId::Casts => Decoded::Casts(Chunked::default()),
            QueryId::TextSearchDictionaries => Decoded::TsDictionaries(Chunked::default()),
            QueryId::TextSearchConfigurations => Decoded::TsConfigurations(Chunked::default()),
            QueryId::TextSearchTemplates => Decoded::TsTemplates(Chunked::default()),
            QueryId::TextSearchParsers => Decoded::TsParsers(Chunked::default()),
            QueryId::Publications => Decoded::Publications(Chunked::default()),
            QueryId::Subscriptions => Decoded::Subscriptions(Chunked::default()),
            QueryId::Languages => Decoded::Languages(Chunked::default()),
            QueryId::Transforms => Decoded::Transforms(Chunked::default()),
            QueryId::Conversions => Decoded::Conversions(Chunked::default()),
            QueryId::AccessMethods => Decoded::AccessMethods(Chunked::default()),
            QueryId::OperatorFamilies => Decoded::OperatorFamilies(Chunked::default()),
            QueryId::OperatorClasses => Decoded::OperatorClasses(Chunked::default()),
        };
        Decoder {
            lookups,
            checked: false,
            out,
            cache: Cache::default(),
        }
    }

    /// Decodes one row.
    pub(crate) fn push(&mut self, row: &Row) -> Result<(), InspectError> {
        macro_rules! take {
            ($module:ident, $v:expr, $decode:expr) => {{
                if !self.checked {
                    check_columns($module::QUERY, row, $module::COLS)?;
                    self.checked = true;
                }
                $v.push($decode?);
            }};
        }
        let lookups = self.lookups;
        let cache = &mut self.cache;
        match &mut self.out {
            Decoded::Schemas(v) => take!(schemas, v, schemas::decode_schema(row)),
            Decoded::Extensions(v) => take!(extensions, v, extensions::decode(row)),
            Decoded::Types(v) => take!(types, v, types::decode(row, lookups)),
            Decoded::Sequences(v) => take!(sequences, v, sequences::decode(row)),
            Decoded::Tables(v) => take!(tables, v, tables::decode(row)),
            Decoded::Columns(v) => take!(columns, v, columns::decode(row, lookups)),
            Decoded::Defaults(v) => take!(defaults, v, defaults::decode(row, lookups, cache)),
            Decoded::Constraints(v) => {
                take!(constraints, v, constraints::decode(row, lookups, cache))
            }
            Decoded::Indexes(v) => take!(indexes, v, indexes::decode(row, lookups, cache)),
            Decoded::Views(v) => take!(views, v, views::decode(row)),
            Decoded::Functions(v) => take!(functions, v, functions::decode(row)),
            Decoded::Triggers(v) => take!(triggers, v, triggers::decode(row)),
            Decoded::Policies(v) => take!(policies, v, policies::decode(row)),
            Decoded::Operators(v) => take!(operators, v, operators::decode(row)),
            Decoded::DefaultPrivileges(v) => {
                take!(default_privileges, v, default_privileges::decode(row))
            }
            Decoded::DatabaseSettings(v) => {
                take!(database_settings, v, database_settings::decode(row))
            }
            Decoded::Rules(v) => take!(rules, v, rules::decode(row)),
            Decoded::Statistics(v) => take!(statistics, v, statistics::decode(row)),
            Decoded::Collations(v) => take!(collations, v, collations::decode(row)),
            Decoded::EventTriggers(v) => take!(event_triggers, v, event_triggers::decode(row)),
            Decoded::ForeignDataWrappers(v) => take!(wrappers, v, wrappers::decode(row)),
            Decoded::ForeignServers(v) => take!(servers, v, servers::decode(row)),
            Decoded::UserMappings(v) => take!(mappings, v, mappings::decode(row)),
            Decoded::Casts(v) => take!(casts, v, casts::decode(row)),
            Decoded::TsDictionaries(v) => {
                take!(text_search, v, text_search::decode_dictionary(row))
            }
            Decoded::TsConfigurations(v) => {
                take!(ts_configurations, v, ts_configurations::decode(row))
            }
            Decoded::TsTemplates(v) => take!(ts_templates, v, ts_templates::decode(row)),
            Decoded::TsParsers(v) => take!(ts_parsers, v, ts_parsers::decode(row)),
            Decoded::Publications(v) => take!(publications, v, publications::decode(row)),
            Decoded::Subscriptions(v) => take!(subscriptions, v, subscriptions::decode(row)),
            Decoded::Languages(v) => take!(languages, v, languages::decode(row)),
            Decoded::Transforms(v) => take!(transforms, v, transforms::decode(row)),
            Decoded::Conversions(v) => take!(conversions, v, conversions::decode(row)),
            Decoded::AccessMethods(v) => take!(access_methods, v, access_methods::decode(row)),
            Decoded::OperatorFamilies(v) => take!(families, v, families::decode(row)),
            Decoded::OperatorClasses(v) => take!(classes, v, classes::decode(row)),
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Decoded {
        self.out
    }
}

/// Everything decoded, merged over queries and slices.
#[derive(Debug, Default)]
struct Parts {
    schemas: Chunked<Schema>,
    extensions: Chunked<Extension>,
    types: Chunked<TypeDef>,
    sequences: Chunked<sequences::Raw>,
    tables: Chunked<tables::Raw>,
    columns: Chunked<columns::Raw>,
    defaults: Chunked<defaults::Raw>,
    constraints: Chunked<constraints::Raw>,
    indexes: Chunked<indexes::Raw>,
    views: Chunked<views::Raw>,
    functions: Chunked<Function>,
    triggers: Chunked<triggers::Raw>,
    policies: Chunked<Policy>,
    operators: Chunked<Operator>,
    default_privileges: Chunked<DefaultPrivilege>,
    database_settings: Chunked<DatabaseSetting>,
    rules: Chunked<Rule>,
    statistics: Chunked<ExtendedStatistics>,
    collations: Chunked<Collation>,
    event_triggers: Chunked<EventTrigger>,
    foreign_data_wrappers: Chunked<ForeignDataWrapper>,
    foreign_servers: Chunked<ForeignServer>,
    user_mappings: Chunked<UserMapping>,
    casts: Chunked<Cast>,
    ts_dictionaries: Chunked<crate::model::TextSearchDictionary>,
    ts_configurations: Chunked<crate::model::TextSearchConfiguration>,
    ts_templates: Chunked<crate::model::TextSearchTemplate>,
    ts_parsers: Chunked<crate::model::TextSearchParser>,
    publications: Chunked<Publication>,
    subscriptions: Chunked<Subscription>,
    languages: Chunked<Language>,
    transforms: Chunked<Transform>,
    conversions: Chunked<Conversion>,
    access_methods: Chunked<AccessMethod>,
    operator_families: Chunked<OperatorFamily>,
    operator_classes: Chunked<OperatorClass>,
}

impl Parts {
    fn add(&mut self, d: Decoded) {
        match d {
            Decoded::Schemas(v) => self.schemas.append(v),
            Decoded::Extensions(v) => self.extensions.append(v),
            Decoded::Types(v) => self.types.append(v),
            Decoded::Sequences(v) => self.sequences.append(v),
            Decoded::Tables(v) => self.tables.append(v),
            Decoded::Columns(v) => self.columns.append(v),
            Decoded::Defaults(v) => self.defaults.append(v),
            Decoded::Constraints(v) => self.constraints.append(v),
            Decoded::Indexes(v) => self.indexes.append(v),
            Decoded::Views(v) => self.views.append(v),
            Decoded::Functions(v) => self.functions.append(v),
            Decoded::Triggers(v) => self.triggers.append(v),
            Decoded::Policies(v) => self.policies.append(v),
            Decoded::Operators(v) => self.operators.append(v),
            Decoded::DefaultPrivileges(v) => self.default_privileges.append(v),
            Decoded::DatabaseSettings(v) => self.database_settings.append(v),
            Decoded::Rules(v) => self.rules.append(v),
            Decoded::Statistics(v) => self.statistics.append(v),
            Decoded::Collations(v) => self.collations.append(v),
            Decoded::EventTriggers(v) => self.event_triggers.append(v),
            Decoded::ForeignDataWrappers(v) => self.foreign_data_wrappers.append(v),
            Decoded::ForeignServers(v) => self.foreign_servers.append(v),
            Decoded::UserMappings(v) => self.user_mappings.append(v),
            Decoded::Casts(v) => self.casts.append(v),
            Decoded::TsDictionaries(v) => self.ts_dictionaries.append(v),
            Decoded::TsConfigurations(v) => self.ts_configurations.append(v),
            Decoded::TsTemplates(v) => self.ts_templates.append(v),
            Decoded::TsParsers(v) => self.ts_parsers.append(v),
            Decoded::Publications(v) => self.publications.append(v),
            Decoded::Subscriptions(v) => self.subscriptions.append(v),
            Decoded::Languages(v) => self.languages.append(v),
            Decoded::Transforms(v) => self.transforms.append(v),
            Decoded::Conversions(v) => self.conversions.append(v),
            Decoded::AccessMethods(v) => self.access_methods.append(v),
            Decoded::OperatorFamilies(v) => self.operator_families.append(v),
            Decoded::OperatorClasses(v) => self.operator_classes.append(v),
        }
    }
}

/// A list that grows by whole chunks, so that pushing never copies what it already holds
/// (catalog rows decode into large structs, by the hundred thousand).
#[derive(Debug)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new() }
    }
}

impl<T> Chunked<T> {
    fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < last.capacity() => last.push(item),
            _ => {
                // Chunks double up to a limit: small lists stay small, big ones never move.
                let held: usize = self.chunks.iter().map(Vec::len).sum();
                let mut chunk = Vec::with_capacity(held.clamp(16, 4096));
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
    }

    fn append(&mut self, other: Chunked<T>) {
        self.chunks.extend(other.chunks);
    }

    pub(super) fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.chunks.iter_mut().flatten()
    }
}

impl<T> IntoIterator for Chunked<T> {
    type Item = T;
    type IntoIter = ChunkedIntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        ChunkedIntoIter {
            remaining: self.len(),
            chunks: self.chunks.into_iter(),
            current: Vec::new().into_iter(),
        }
    }
}

/// A `Chunked` list's items, by value, with their exact count (so that what collects them
/// allocates once, instead of growing and copying large objects).
#[derive(Debug)]
pub(crate) struct ChunkedIntoIter<T> {
    chunks: std::vec::IntoIter<Vec<T>>,
    current: std::vec::IntoIter<T>,
    remaining: usize,
}

impl<T> Iterator for ChunkedIntoIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(item) = self.current.next() {
                self.remaining -= 1;
                return Some(item);
            }
            self.current = self.chunks.next()?.into_iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T> ExactSizeIterator for ChunkedIntoIter<T> {}

/// Keys a list of objects. Sorts the keys, not the (large) objects, then builds the map from
/// the sorted sequence in one pass.
pub(super) fn keyed<T: Object>(items: impl IntoIterator<Item = T>) -> BTreeMap<T::Key, T> {
    // Every list is allocated at its final size: growing one would copy the objects again.
    let items = items.into_iter();
    let mut slots: Vec<Option<T>> = Vec::with_capacity(items.size_hint().0);
    slots.extend(items.map(Some));
    let mut order: Vec<(T::Key, usize)> = Vec::with_capacity(slots.len());
    order.extend(slots.iter().flatten().map(Object::key).zip(0..));
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Each object moves once more, straight to its place in key order; the map is built
    // from the list in place (already sorted, so its own sort only checks the order).
    let mut sorted: Vec<(T::Key, T)> = Vec::with_capacity(order.len());
    sorted.extend(
        order
            .into_iter()
            .filter_map(|(key, i)| Some((key, slots[i].take()?))),
    );
    sorted.into_iter().collect()
}

/// Builds the catalog from every query's decoded rows, resolving cross-references. The
/// indexes are worked on by a second thread, beside the rest.
pub(crate) fn assemble(decoded: Vec<Decoded>, lookups: &Lookups) -> Result<Catalog, InspectError> {
    let mut parts = Parts::default();
    for d in decoded {
        parts.add(d);
    }
    let (sequences, identity) = sequences::split(parts.sequences);
    let mut columns = columns::group(parts.columns, parts.defaults, identity, lookups)?;
    let table_names = tables::names(&parts.tables);
    let columns_ref = &columns;
    let (indexes, named, triggers, sequences) = std::thread::scope(|s| {
        let indexes = s.spawn(|| indexes::resolve(parts.indexes, columns_ref, lookups));
        let named = constraints::name(parts.constraints, columns_ref, &table_names, lookups);
        let triggers = triggers::resolve(parts.triggers, columns_ref);
        let sequences = sequences.resolve(columns_ref, &table_names);
        (joined(indexes), named, triggers, sequences)
    });
    let mut indexes = indexes?;
    let constraints = constraints::take_indexes(named?, &mut indexes);
    let (indexes, catalog) = std::thread::scope(|s| {
        let indexes = s.spawn(|| indexes.into_map());
        let catalog = Catalog {
            schemas: keyed(parts.schemas),
            extensions: keyed(parts.extensions),
            types: keyed(parts.types),
            sequences: sequences?,
            constraints: keyed(constraints),
            indexes: BTreeMap::new(),
            triggers: keyed(triggers?),
            functions: keyed(parts.functions),
            policies: keyed(parts.policies),
            operators: keyed(parts.operators),
            default_privileges: keyed(parts.default_privileges),
            database_settings: keyed(parts.database_settings),
            rules: keyed(parts.rules),
            extended_statistics: keyed(parts.statistics),
            collations: keyed(parts.collations),
            event_triggers: keyed(parts.event_triggers),
            foreign_data_wrappers: keyed(parts.foreign_data_wrappers),
            foreign_servers: keyed(parts.foreign_servers),
            user_mappings: keyed(parts.user_mappings),
            casts: keyed(parts.casts),
            text_search_dictionaries: keyed(parts.ts_dictionaries),
            text_search_configurations: keyed(parts.ts_configurations),
            text_search_templates: keyed(parts.ts_templates),
            text_search_parsers: keyed(parts.ts_parsers),
            publications: keyed(parts.publications),
            subscriptions: keyed(parts.subscriptions),
            languages: keyed(parts.languages),
            transforms: keyed(parts.transforms),
            conversions: keyed(parts.conversions),
            access_methods: keyed(parts.access_methods),
            operator_families: keyed(parts.operator_families),
            operator_classes: keyed(parts.operator_classes),
            tables: keyed(tables::attach(parts.tables, &mut columns)),
            views: keyed(views::attach(parts.views, &mut columns)),
        };
        Ok::<_, InspectError>((joined(indexes), catalog))
    })?;
    Ok(Catalog { indexes, ..catalog })
}

/// What a scoped thread returned (a panic there is re-raised here).
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The stored expressions the client left to the server, by object.
pub(crate) fn server_expressions_wanted(decoded: &[Decoded]) -> ServerExpressions {
    let mut wanted = ServerExpressions::default();
    for d in decoded {
        match d {
            Decoded::Defaults(v) => {
                for raw in v.iter().filter(|r| r.server_expr) {
                    wanted.defaults.insert(raw.key(), None);
                }
            }
            Decoded::Constraints(v) => {
                for raw in v.iter().filter(|r| r.server_expr) {
                    wanted.checks.insert(raw.oid, None);
                }
            }
            Decoded::Indexes(v) => {
                for raw in v.iter().filter(|r| r.server_expr) {
                    wanted.indexes.insert(raw.oid, (None, None));
                }
            }
            _ => {}
        }
    }
    wanted
}

/// Puts the server's deparsed expressions in place.
pub(crate) fn apply_server_expressions(decoded: &mut [Decoded], got: &ServerExpressions) {
    for d in decoded {
        match d {
            Decoded::Defaults(v) => {
                for raw in v.iter_mut().filter(|r| r.server_expr) {
                    let text = got.defaults.get(&raw.key()).cloned().flatten();
                    raw.set_expression(text.unwrap_or_default());
                }
            }
            Decoded::Constraints(v) => {
                for raw in v.iter_mut().filter(|r| r.server_expr) {
                    let text = got.checks.get(&raw.oid).cloned().flatten();
                    raw.set_expression(text.unwrap_or_default());
                }
            }
            Decoded::Indexes(v) => {
                for raw in v.iter_mut().filter(|r| r.server_expr) {
                    let (e, p) = got.indexes.get(&raw.oid).cloned().unwrap_or_default();
                    raw.set_expressions(e, p);
                }
            }
            _ => {}
        }
    }
}

/// Sorted copy of an optional text array (options lists are compared as sets).
pub(super) fn sorted(v: Option<Vec<String>>) -> Vec<String> {
    let mut v = v.unwrap_or_default();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_items_come_back_in_order_with_their_exact_count() {
        let mut list = Chunked::default();
        for i in 0..10_000 {
            list.push(i);
        }
        let mut more = Chunked::default();
        more.push(10_000);
        list.append(more);
        assert!(list.chunks.len() > 2);
        assert_eq!(list.len(), 10_001);
        let mut items = list.into_iter();
        assert_eq!(items.len(), 10_001);
        assert_eq!(items.next(), Some(0));
        assert_eq!(items.size_hint(), (10_000, Some(10_000)));
        let rest: Vec<i32> = items.collect();
        assert_eq!(rest, (1..=10_000).collect::<Vec<_>>());
    }

    #[test]
    fn keyed_orders_objects_by_key() {
        let mut list = Chunked::default();
        for name in ["b", "c", "a"] {
            list.push(Schema {
                schema: name.into(),
                name: name.into(),
                owner: "postgres".into(),
                comment: None,
                privileges: Default::default(),
            });
        }
        let map = keyed(list);
        let names: Vec<&str> = map.values().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(map.iter().all(|(k, v)| *k == v.key()));
    }
}
