//! Functions, procedures, aggregates and window functions.

use super::kind::{Kind, Place, Placed};
use super::names::{Object, Signature};
use super::privilege::Privileges;
use super::serde_util::is_false;
use serde::{Deserialize, Serialize};

/// A routine, identified by schema, name and argument types (overloads are distinct objects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub schema: String,
    pub name: String,
    /// The input argument types, as PostgreSQL prints them (`integer, text`): with the schema
    /// and name, what identifies a routine.
    pub arguments: String,
    pub kind: FunctionKind,
    /// The full argument list with modes, names and defaults.
    pub signature: String,
    /// The result type (`integer`, `SETOF text`, `TABLE(a integer)`, `trigger`); none for procedures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    pub language: String,
    /// The types of `TRANSFORM FOR TYPE` clauses, as `format_type` writes them, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<String>,
    pub volatility: Volatility,
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_definer: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub leakproof: bool,
    pub parallel: Parallel,
    pub cost: f64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rows: f64,
    /// `SET name = value` clauses, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<String>,
    /// The body: source text for most languages, the parsed SQL-standard body
    /// (`BEGIN ATOMIC ... END`) as PostgreSQL prints it, or `file, symbol` for C.
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Aggregate>,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Privileges::is_default")]
    pub privileges: Privileges,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Object for Function {
    type Key = Signature;
    fn key(&self) -> Signature {
        Signature {
            schema: self.schema.clone(),
            name: self.name.clone(),
            arguments: self.arguments.clone(),
        }
    }
}

impl Placed for Function {
    fn place(&self) -> Place<'_> {
        Place::top(Kind::Function, &self.schema, &self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    Function,
    Procedure,
    Aggregate,
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parallel {
    Safe,
    Restricted,
    Unsafe,
}

/// What `CREATE AGGREGATE` said, for aggregates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    /// `normal`, `ordered_set` or `hypothetical`.
    pub kind: String,
    pub transition_function: String,
    pub state_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combine_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deserial_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_transition_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_inverse_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_state_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_final_function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_initial_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_operator: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub final_extra: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub moving_final_extra: bool,
    /// `FINALFUNC_MODIFY`: `read_only`, `shareable` or `read_write`.
    pub final_modify: String,
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub direct_arguments: i32,
}

fn is_zero_i32(x: &i32) -> bool {
    *x == 0
}
