//! Foreign data wrappers, foreign servers and user mappings. A wrapper is created after its
//! handler and validator functions, a server after its wrapper (or the extension that
//! brings it), a mapping after its server, and foreign tables after their server; drops go
//! the other way. Everything changes in place but a server's wrapper or type: a new one
//! drops and creates the server again, a manual step when foreign tables or user mappings
//! use it. A secret option's value is never written: a manual step says what to set.

use super::super::ddl::{self, AclTarget};
use super::super::graph::{Names, Node};
use super::super::order::Phase;
use super::super::planner::{Decide, Pass};
use super::super::{ManualStep, Step};
use super::skeleton::{planned_basics, PlainCreate, PlainDrop, Planned};
use crate::diff::{field, Change, Op, Pair};
use crate::model::{
    ForeignDataWrapper, ForeignServer, GenericOption, Kind, Object, Privileges, UserMapping,
};
use crate::sql::QualIdent;

/// Fields of a server that change without recreating it.
pub const SERVER_IN_PLACE: &[&str] = &[
    field!(ForeignServer, version),
    field!(ForeignServer, options),
    field!(ForeignServer, owner),
    field!(ForeignServer, comment),
    field!(ForeignServer, privileges),
];

impl Names<'_> {
    /// What a wrapper needs: its handler and validator functions.
    pub fn fdw_deps(&self, w: &ForeignDataWrapper) -> Vec<Node> {
        let mut out = Vec::new();
        for f in [&w.handler, &w.validator].into_iter().flatten() {
            self.refs(&QualIdent(&f.schema, &f.name).to_string(), &mut out);
        }
        out
    }

    /// What a server needs: its wrapper, or the extension of the same name that brings it.
    pub fn server_deps(&self, s: &ForeignServer) -> Vec<Node> {
        let c = self.catalog();
        if c.foreign_data_wrappers.contains_key(&s.wrapper) {
            return vec![Node::ForeignDataWrapper(s.wrapper.clone())];
        }
        match c.extensions.contains_key(&s.wrapper) {
            true => vec![Node::Extension(s.wrapper.clone())],
            false => Vec::new(),
        }
    }

    /// What a user mapping needs: its server.
    pub fn mapping_deps(&self, m: &UserMapping) -> Vec<Node> {
        match self.catalog().foreign_servers.contains_key(&m.server) {
            true => vec![Node::ForeignServer(m.server.clone())],
            false => Vec::new(),
        }
    }

    /// The server of a foreign table, for its dependencies.
    pub fn foreign_table_server(&self, server: Option<&String>, out: &mut Vec<Node>) {
        if let Some(s) = server.filter(|s| self.catalog().foreign_servers.contains_key(*s)) {
            out.push(Node::ForeignServer(s.clone()));
        }
    }
}

/// The `ALTER target OPTIONS` step of an in-place change, if the options changed.
fn options_step(
    c: &Change<'_>,
    kind: Kind,
    target: &str,
    from: &[GenericOption],
    to: &[GenericOption],
) -> Vec<Step> {
    let sql = ddl::alter_options(target, from, to);
    sql.map(|s| Step::new(s, kind, Op::Alter, &c.name))
        .into_iter()
        .collect()
}

impl Planned for ForeignDataWrapper {
    planned_basics!(ForeignDataWrapper, fdw_deps);

    fn comment_target(&self) -> String {
        ddl::fdw_target(self)
    }

    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        Some((AclTarget::object(ddl::fdw_target(self)), &self.privileges))
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let target = ddl::fdw_target(to);
        let mut clauses = Vec::new();
        if from.handler != to.handler {
            clauses.push(ddl::fdw_function_clause("HANDLER", to.handler.as_ref()));
        }
        if from.validator != to.validator {
            clauses.push(ddl::fdw_function_clause("VALIDATOR", to.validator.as_ref()));
        }
        let mut steps: Vec<Step> = match clauses.is_empty() {
            true => Vec::new(),
            false => {
                let sql = format!("ALTER {target} {}", clauses.join(" "));
                vec![Step::new(sql, Kind::ForeignDataWrapper, Op::Alter, &c.name)]
            }
        };
        steps.extend(options_step(
            c,
            Kind::ForeignDataWrapper,
            &target,
            &from.options,
            &to.options,
        ));
        steps
    }
}

impl PlainCreate for ForeignDataWrapper {
    fn create_sql(&self) -> String {
        ddl::create_fdw(self)
    }
}

impl PlainDrop for ForeignDataWrapper {
    fn drop_sql(&self) -> String {
        ddl::drop_fdw(self)
    }
}

impl Planned for ForeignServer {
    planned_basics!(ForeignServer, server_deps);

    fn comment_target(&self) -> String {
        ddl::server_target(self)
    }

    fn acl(&self) -> Option<(AclTarget, &Privileges)> {
        let target = format!("FOREIGN {}", ddl::server_target(self));
        Some((AclTarget::object(target), &self.privileges))
    }

    /// Version and options; a new wrapper or type recreates it (the recreation pass).
    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let mut steps = Vec::new();
        if from.version != to.version {
            let sql = ddl::server_version(to);
            steps.push(Step::new(sql, Kind::ForeignServer, Op::Alter, &c.name));
        }
        let target = ddl::server_target(to);
        steps.extend(options_step(
            c,
            Kind::ForeignServer,
            &target,
            &from.options,
            &to.options,
        ));
        steps
    }
}

impl PlainCreate for ForeignServer {
    fn create_sql(&self) -> String {
        ddl::create_server(self)
    }
}

impl PlainDrop for ForeignServer {
    fn drop_sql(&self) -> String {
        ddl::drop_server(self)
    }
}

impl Planned for UserMapping {
    const KIND: Kind = Kind::UserMapping;

    fn node(&self) -> Node {
        Node::UserMapping(self.key())
    }

    fn deps(&self, names: &Names<'_>) -> Vec<Node> {
        names.mapping_deps(self)
    }

    /// User mappings take no comment.
    fn comment_target(&self) -> String {
        ddl::mapping_target(self)
    }

    fn comment(&self) -> Option<&str> {
        None
    }

    fn alter(c: &Change<'_>, from: &Self, to: &Self) -> Vec<Step> {
        let target = ddl::mapping_target(to);
        options_step(c, Kind::UserMapping, &target, &from.options, &to.options)
    }
}

impl PlainCreate for UserMapping {
    fn create_sql(&self) -> String {
        ddl::create_mapping(self)
    }
}

impl PlainDrop for UserMapping {
    fn drop_sql(&self) -> String {
        ddl::drop_mapping(self)
    }
}

impl<'a> Pass<'_, '_, 'a> {
    pub fn foreign_data_wrapper(&mut self, c: &Change<'a>, p: Pair<'a, ForeignDataWrapper>) {
        self.foreign_object(c, p, |w| (ddl::fdw_target(w), &w.options));
    }

    pub fn foreign_server(&mut self, c: &Change<'a>, p: Pair<'a, ForeignServer>) {
        self.foreign_object(c, p, |s| (ddl::server_target(s), &s.options));
    }

    pub fn user_mapping(&mut self, c: &Change<'a>, p: Pair<'a, UserMapping>) {
        self.foreign_object(c, p, |m| (ddl::mapping_target(m), &m.options));
    }

    /// Creates, drops (late, after what uses it) or alters a foreign-data object, then
    /// leaves its secret options to a manual step.
    fn foreign_object<T: PlainCreate + PlainDrop>(
        &mut self,
        c: &Change<'a>,
        p: Pair<'a, T>,
        parts: impl Fn(&T) -> (String, &Vec<GenericOption>),
    ) {
        let none = Vec::new();
        let (from, to) = match p {
            Pair::Created(x) => {
                self.create_planned(x, None);
                (&none, x)
            }
            Pair::Dropped(x) => return self.drop_planned(x, Phase::LateDrop, None),
            Pair::Altered { from, to } => {
                self.alter_planned(c, from, to);
                (parts(from).1, to)
            }
        };
        let (target, options) = parts(to);
        self.secret_manual(T::KIND, &c.name, &target, from, options);
    }

    /// The manual step for the secret options of `to` that differ from `from`'s (of
    /// foreign-data objects, foreign tables and their columns).
    pub(super) fn secret_manual(
        &mut self,
        kind: Kind,
        name: &str,
        target: &str,
        from: &[GenericOption],
        to: &[GenericOption],
    ) {
        let items = ddl::secret_options(from, to);
        if items.is_empty() {
            return;
        }
        let reason = format!(
            "its options hold secrets, and pgdrift writes no secret into a script; set them \
             by hand: ALTER {target} OPTIONS ({})",
            items.join(", ")
        );
        self.manual(kind, name.to_string(), reason);
    }
}

impl Decide<'_, '_, '_> {
    /// A server whose wrapper or type changes is recreated, unless foreign tables or user
    /// mappings use it: then it is a manual step.
    pub(super) fn server_seeds(&mut self, node: Node, seeds: &mut Vec<(Node, String)>) {
        let dropped = &self.dropped_tables;
        let users: Vec<String> = self
            .dependents()
            .of(&node)
            .iter()
            .filter_map(|d| match d {
                Node::Table(t) if !dropped.contains(t) => Some(format!("foreign table {t}")),
                Node::UserMapping(m) => Some(format!("user mapping for {m}")),
                _ => None,
            })
            .collect();
        let Node::ForeignServer(key) = &node else {
            return;
        };
        let mut users = users;
        let secret = |s: &ForeignServer| s.options.iter().any(GenericOption::is_secret);
        if self.diff.to.foreign_servers.get(key).is_some_and(secret) {
            users.push("its secret options (which no script writes)".to_string());
        }
        if users.is_empty() {
            seeds.push((node, "its wrapper or type changed".to_string()));
            return;
        }
        let reason = format!(
            "its wrapper or type changed, and a server cannot be altered so: it must be dropped \
             and created again, but {} use it; drop them, recreate the server, and create \
             them again",
            users.join(", ")
        );
        self.out.manual.push(ManualStep {
            kind: Kind::ForeignServer,
            object: key.to_string(),
            reason,
        });
    }
}
