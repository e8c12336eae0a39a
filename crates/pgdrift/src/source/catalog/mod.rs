//! Reading a live database's catalog into the model: one query per object kind for the
//! whole database (`queries/*.sql`), in read-only sessions that share one snapshot; then the
//! readers in `read/` turn rows into model objects. The reads take no table lock of their
//! own, with one exception: a stored expression the server writes back as SQL
//! (`pg_get_expr`, and the definitions only the server writes: views, trigger conditions,
//! policies) opens its table with a brief ACCESS SHARE lock, as `psql \d` does. The server
//! writes expressions on catalogs under 500 relations (`Deparse::Auto`) or when asked
//! (`Deparse::Server`); pgdrift's own deparser (`nodes/`) writes them otherwise, and always
//! for the audit.

mod acl;
mod locks;
mod nodes;
mod presence;
mod query;
pub(crate) use query::expand as expand_query;
mod read;
pub(crate) mod rows;
mod scope;
mod session;

pub use locks::{locked_tables, LockedTable};

use crate::model::{QualName, Snapshot, SourceInfo};
use crate::pg::{ConnInfo, ConnectError, Connection};
use futures_util::future::try_join_all;
use futures_util::TryStreamExt;
use nodes::Names;
use query::{Prepared, QueryId};
use read::{Decoded, Decoder};
use scope::Scope;
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio_postgres::types::{ToSql, Type};

/// What to read and how.
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// Schemas to read (glob patterns: `*`, `?`); empty reads every schema.
    pub schemas: Vec<String>,
    /// Schemas to leave out (glob patterns).
    pub exclude_schemas: Vec<String>,
    /// At most this many connections read in parallel (on big catalogs only).
    pub jobs: usize,
    /// `statement_timeout` for every catalog query.
    pub statement_timeout: Duration,
    /// `lock_timeout`: a catalog read waits at most this long for a lock.
    pub lock_timeout: Duration,
    /// Also measure the database's size (costs a `stat` per file on the server).
    pub database_size: bool,
    /// Also read each table's estimated row count (`reltuples`), for the plan's hazards.
    pub table_rows: bool,
    /// Relations in scope per extra connection: below this many, one connection reads all.
    pub relations_per_connection: i64,
    /// Who writes stored expressions (defaults, checks, index expressions) back as SQL.
    pub deparse: Deparse,
}

/// Who writes stored expressions back as SQL; both write the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deparse {
    /// pgdrift on catalogs of at least `CLIENT_DEPARSE_RELATIONS` relations, else the
    /// server (whose per-table cost only shows on big catalogs, while pgdrift first reads
    /// the names of every type, operator and function).
    #[default]
    Auto,
    /// pgdrift, falling back on the server for what it does not reproduce.
    Client,
    /// The server's `pg_get_expr` (which opens each table, taking a brief lock).
    Server,
}

/// From this many relations in scope, `Deparse::Auto` deparses on the client.
pub const CLIENT_DEPARSE_RELATIONS: i64 = 500;

impl Deparse {
    fn on_client(self, relations: i64) -> bool {
        match self {
            Deparse::Auto => relations >= CLIENT_DEPARSE_RELATIONS,
            Deparse::Client => true,
            Deparse::Server => false,
        }
    }
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            schemas: Vec::new(),
            exclude_schemas: Vec::new(),
            jobs: default_jobs(),
            statement_timeout: Duration::from_secs(300),
            lock_timeout: Duration::from_secs(10),
            database_size: false,
            table_rows: false,
            relations_per_connection: 5000,
            deparse: Deparse::Auto,
        }
    }
}

/// Parallel connections by default: this machine's CPUs, at most 4 (a server busier than
/// its client gains little from more).
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
}

/// Why a catalog could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("reading {what} from {target}: {message}")]
    Query {
        target: String,
        what: String,
        message: String,
    },
    #[error("reading the {query} query's column {column}: {reason}")]
    Decode {
        query: &'static str,
        column: &'static str,
        reason: String,
    },
    #[error("invalid schema pattern {pattern:?}: {reason}")]
    Pattern { pattern: String, reason: String },
    /// A read gave up waiting for a lock on a table another session holds; the tables are
    /// filled in once the read's transaction has ended (`with_lock_holders`).
    #[error("reading {what} from {target}: {}", locks::describe(tables))]
    Locked {
        target: String,
        what: String,
        tables: Vec<LockedTable>,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

impl InspectError {
    pub(crate) fn query(conn: &Connection, what: &str, e: &tokio_postgres::Error) -> InspectError {
        let mut message = crate::pg::connect::db_message(e);
        if let Some(db) = e.as_db_error() {
            if *db.code() == tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE {
                message.push_str(
                    "; pgdrift needs to read the system catalogs (PUBLIC may by default): \
                     ask for SELECT on that catalog, or inspect as a role that has it",
                );
            } else if *db.code() == tokio_postgres::error::SqlState::QUERY_CANCELED {
                message.push_str("; raise --statement-timeout if the catalog is very large");
            } else if *db.code() == tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE {
                return InspectError::Locked {
                    target: crate::pg::mask_urls(&conn.target),
                    what: what.to_string(),
                    tables: Vec::new(),
                };
            }
        }
        InspectError::Query {
            target: conn.target.clone(),
            what: what.to_string(),
            message: crate::pg::mask_urls(&message),
        }
    }
}

/// A catalog read from a live database, with facts about the database that are not part of
/// its schema.
#[derive(Debug, Clone)]
pub struct Inspected {
    pub snapshot: Snapshot,
    /// `pg_database_size`, when the role may read it.
    pub size_bytes: Option<i64>,
    /// How many connections read in parallel.
    pub connections: usize,
    /// Objects whose stored expressions the client could not deparse and the server did.
    pub server_deparsed: usize,
    /// Estimated rows per table, when asked for.
    pub table_rows: HashMap<QualName, f64>,
    /// How long each query took (from sending it, so queued time counts), in order of
    /// completion per connection; the last entry is the time spent building the model.
    pub timings: Vec<QueryTiming>,
}

/// How long one catalog query took.
#[derive(Debug, Clone)]
pub struct QueryTiming {
    pub query: &'static str,
    /// Which connection ran it (0 is the first).
    pub connection: usize,
    pub rows: usize,
    pub elapsed: Duration,
}

/// Reads the whole catalog of the database `info` points at.
pub async fn inspect(info: &ConnInfo, opts: &InspectOptions) -> Result<Inspected, InspectError> {
    let (include, exclude) = schema_filters(opts)?;
    let mut phases = Phases::default();
    let first = session::open_first(info, opts).await?;
    let snapshot = match opts.jobs > 1 {
        true => session::export_snapshot(&first, opts).await?,
        false => None,
    };
    phases.done("(connecting)");
    let parallel = snapshot.is_some();
    let mut scope = Scope::read(&first, include.as_deref(), &exclude, opts, parallel).await?;
    phases.done("(what to read)");
    let client_deparse = opts.deparse.on_client(scope.relations);
    let names = async {
        match client_deparse {
            true => Names::read(&first).await.map(Some),
            false => Ok(None),
        }
    };
    let more = async {
        match (snapshot, scope.extra_connections(opts)) {
            (Some(snapshot), extra) if extra > 0 => {
                session::open_more(info, &snapshot, extra, opts).await
            }
            _ => Vec::new(),
        }
    };
    let (names, more) = tokio::join!(names, more);
    scope.lookups.names = names?;
    phases.done("(names; more connections)");
    let mut conns = vec![first];
    conns.extend(more);
    let refs: Vec<&Connection> = conns.iter().collect();
    let result = read_on(&refs, &scope, opts, &[]).await;
    session::close(&conns).await;
    let result = match result {
        Err(e) => Err(e.with_lock_holders(&conns[0]).await),
        ok => ok,
    };
    result.map(|mut inspected| {
        inspected.timings.splice(0..0, phases.timings);
        inspected
    })
}

/// The steps before the catalog queries, timed one after the other.
#[derive(Debug)]
struct Phases {
    started: Instant,
    timings: Vec<QueryTiming>,
}

impl Default for Phases {
    fn default() -> Self {
        Phases {
            started: Instant::now(),
            timings: Vec::new(),
        }
    }
}

impl Phases {
    fn done(&mut self, what: &'static str) {
        self.timings.push(QueryTiming {
            query: what,
            connection: 0,
            rows: 0,
            elapsed: self.started.elapsed(),
        });
        self.started = Instant::now();
    }
}

/// Reads the whole catalog on `conn`, inside the transaction its caller has begun, which
/// must be `REPEATABLE READ, READ ONLY` (the caller may have read other things in the same
/// snapshot first). Sets the session's settings for the rest of that transaction and leaves
/// it open. One connection: for small catalogs, read many at a time.
pub async fn inspect_in_transaction(
    conn: &Connection,
    opts: &InspectOptions,
) -> Result<Inspected, InspectError> {
    let (include, exclude) = schema_filters(opts)?;
    session::settings(conn, opts).await?;
    let mut scope = Scope::read(conn, include.as_deref(), &exclude, opts, false).await?;
    if opts.deparse.on_client(scope.relations) {
        scope.lookups.names = Some(Names::read(conn).await?);
    }
    read_on(&[conn], &scope, opts, &[]).await
}

/// [`inspect_in_transaction`] for a small database among many (the audit's): one statement
/// over the raw catalogs first finds the kinds of object the database holds none of, and
/// their queries are not sent (`presence`); the catalog read is the same. That statement,
/// the scope and (when deparsing on the client) the names go out in one round trip.
pub async fn inspect_small_in_transaction(
    conn: &Connection,
    opts: &InspectOptions,
) -> Result<Inspected, InspectError> {
    let (include, exclude) = schema_filters(opts)?;
    session::settings(conn, opts).await?;
    let started = Instant::now();
    let names = async {
        match opts.deparse {
            Deparse::Client => Names::read(conn).await.map(Some),
            _ => Ok(None),
        }
    };
    let (scope, absent, names) = tokio::join!(
        Scope::read(conn, include.as_deref(), &exclude, opts, false),
        presence::absent(conn),
        names
    );
    let (mut scope, absent, names) = (scope?, absent?, names?);
    let probed = QueryTiming {
        query: "(scope; kinds present; names)",
        connection: 0,
        rows: absent.len(),
        elapsed: started.elapsed(),
    };
    scope.lookups.names = match names {
        Some(names) => Some(names),
        None if opts.deparse.on_client(scope.relations) => Some(Names::read(conn).await?),
        None => None,
    };
    let mut inspected = read_on(&[conn], &scope, opts, &absent).await?;
    inspected.timings.insert(0, probed);
    Ok(inspected)
}

/// Reads everything in `scope` on `conns` (each in a transaction sharing one snapshot).
/// Queries in `skip` are not sent: their kinds are known to be absent.
async fn read_on(
    conns: &[&Connection],
    scope: &Scope,
    opts: &InspectOptions,
    skip: &[QueryId],
) -> Result<Inspected, InspectError> {
    let first = conns[0];
    let source = SourceInfo {
        database: first.database.clone(),
        server_version: first.version.text.clone(),
        server_version_num: first.version.num,
    };
    let mut prepared = query::prepare_all(first.version.major(), scope.lookups.names.is_some());
    prepared.retain(|q| !skip.contains(&q.id));
    let slices = scope.slices(slice_count(conns.len()));
    let result = run_all(conns, &slices, &prepared, scope).await;
    let size_bytes = match opts.database_size {
        true => database_size(first).await,
        false => None,
    };
    let table_rows = match opts.table_rows {
        true => table_rows(first).await,
        false => HashMap::new(),
    };
    let (mut decoded, mut timings) = result?;
    let started = Instant::now();
    let mut wanted = read::server_expressions_wanted(&decoded);
    let server_expressions = wanted.len();
    if !wanted.is_empty() {
        nodes::server_expressions(first, &mut wanted).await?;
        read::apply_server_expressions(&mut decoded, &wanted);
        timings.push(QueryTiming {
            query: "(expressions deparsed by the server)",
            connection: 0,
            rows: server_expressions,
            elapsed: started.elapsed(),
        });
    }
    let started = Instant::now();
    let catalog = read::assemble(decoded, &scope.lookups)?;
    timings.push(QueryTiming {
        query: "(building the model)",
        connection: 0,
        rows: 0,
        elapsed: started.elapsed(),
    });
    Ok(Inspected {
        snapshot: Snapshot::new(source, catalog),
        size_bytes,
        connections: conns.len(),
        server_deparsed: server_expressions,
        table_rows,
        timings,
    })
}

/// Estimated rows of the tables that have statistics (none when the role cannot read
/// them: the estimates only inform hazards).
async fn table_rows(conn: &Connection) -> HashMap<QualName, f64> {
    let rows = conn
        .client
        .query(
            "SELECT n.nspname::text, c.relname::text, c.reltuples::float8 \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'm') AND c.reltuples > 0",
            &[],
        )
        .await
        .unwrap_or_default();
    rows.iter()
        .map(|r| {
            (
                QualName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
                r.get(2),
            )
        })
        .collect()
}

/// The database's size on disk (it stats every file: not free on a big database).
async fn database_size(conn: &Connection) -> Option<i64> {
    conn.client
        .query_one(
            "SELECT CASE WHEN has_database_privilege(current_database(), 'CONNECT') \
             THEN pg_database_size(current_database()) END",
            &[],
        )
        .await
        .ok()?
        .get::<_, Option<i64>>(0)
}

/// How many slices the sliced queries run in on `connections` connections. Each slice
/// repeats its query's fixed cost (a pass over `pg_class` and a hash of the relations), so
/// slices only pay when one connection's share of the read is smaller than the heaviest
/// query whole: the columns are about a third of the read, so one slice per two
/// connections.
pub(crate) fn slice_count(connections: usize) -> usize {
    (connections / 2).max(1)
}

/// Runs every query, decoding rows as they stream in. A sliced query runs once per slice of
/// the relations. The jobs, heaviest first, go one at a time to whichever connection is
/// free next, so one that falls behind (a busier core) takes fewer of them. (Sending a
/// connection its next job before the last ends would save a round trip, but commits a
/// heavy job to a connection that may still be busy for long.) The light queries at the end
/// ([`Prepared::pipelined`]) go out together, in one round trip.
async fn run_all(
    conns: &[&Connection],
    slices: &[(u32, u32)],
    queries: &[Prepared],
    scope: &Scope,
) -> Result<(Vec<Decoded>, Vec<QueryTiming>), InspectError> {
    let mut jobs: VecDeque<Job<'_>> = VecDeque::new();
    for q in queries {
        let ranges: &[(u32, u32)] = match q.sharded {
            true => slices,
            false => &[(0, u32::MAX)],
        };
        for range in ranges {
            jobs.push_back((jobs.len(), q, *range));
        }
    }
    let jobs = Mutex::new(jobs);
    // The next job, and with a pipelined one every pipelined job queued after it.
    let next = || {
        let mut jobs = jobs.lock().unwrap_or_else(PoisonError::into_inner);
        let first = jobs.pop_front()?;
        let mut batch = vec![first];
        while first.1.pipelined && jobs.front().is_some_and(|j| j.1.pipelined) {
            batch.extend(jobs.pop_front());
        }
        Some(batch)
    };
    let lanes = conns
        .iter()
        .copied()
        .enumerate()
        .map(|(index, conn)| async move {
            let mut done = Vec::new();
            while let Some(batch) = next() {
                let runs = batch
                    .into_iter()
                    .map(|job| run_job(conn, index, job, scope));
                done.extend(try_join_all(runs).await?);
            }
            Ok::<_, InspectError>(done)
        });
    let mut done: Vec<_> = try_join_all(lanes).await?.into_iter().flatten().collect();
    // In job order, whichever connection ran each: the same input to the model every time.
    done.sort_by_key(|(job, _, _)| *job);
    let (decoded, mut timings): (Vec<Decoded>, Vec<_>) =
        done.into_iter().map(|(_, d, t)| (d, t)).unzip();
    // Timings per connection, in the order the queries ended.
    timings.sort_by_key(|(t, ended)| (t.connection, *ended));
    Ok((decoded, timings.into_iter().map(|(t, _)| t).collect()))
}

/// A job: its place in the queue, its query, and the slice of relations it reads.
type Job<'a> = (usize, &'a Prepared, (u32, u32));

/// Runs one job on `conn` (connection number `index`): its place in the queue, its decoded
/// rows, and its timing with when it ended.
async fn run_job(
    conn: &Connection,
    index: usize,
    (job, q, (lo, hi)): Job<'_>,
    scope: &Scope,
) -> Result<(usize, Decoded, (QueryTiming, Instant)), InspectError> {
    let started = Instant::now();
    let members = scope.members_of(q.members_of.as_deref());
    let params: [(&(dyn ToSql + Sync), Type); 4] = [
        (&scope.namespaces, Type::OID_ARRAY),
        (&members, Type::OID_ARRAY),
        (&lo, Type::OID),
        (&hi, Type::OID),
    ];
    let fail = |e: tokio_postgres::Error| InspectError::query(conn, q.name, &e);
    let stream = conn
        .client
        .query_typed_raw(&q.sql, params)
        .await
        .map_err(fail)?;
    futures_util::pin_mut!(stream);
    let mut decoder = Decoder::new(q.id, &scope.lookups);
    let mut rows = 0;
    while let Some(row) = stream.try_next().await.map_err(fail)? {
        decoder.push(&row)?;
        rows += 1;
    }
    let timing = QueryTiming {
        query: q.name,
        connection: index,
        rows,
        elapsed: started.elapsed(),
    };
    Ok((job, decoder.finish(), (timing, Instant::now())))
}

/// Glob patterns (`*`, `?`) as anchored regular expressions; `None` for no patterns.
/// The schemas to read (`None`: all) and those to leave out, as anchored regexes.
fn schema_filters(
    opts: &InspectOptions,
) -> Result<(Option<Vec<String>>, Vec<String>), InspectError> {
    let include = patterns_to_regexes(&opts.schemas)?;
    let exclude = patterns_to_regexes(&opts.exclude_schemas)?.unwrap_or_default();
    Ok((include, exclude))
}

fn patterns_to_regexes(patterns: &[String]) -> Result<Option<Vec<String>>, InspectError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    patterns
        .iter()
        .map(|p| {
            if p.is_empty() {
                return Err(InspectError::Pattern {
                    pattern: p.clone(),
                    reason: "a schema pattern cannot be empty".into(),
                });
            }
            let mut re = String::from("^");
            for c in p.chars() {
                match c {
                    '*' => re.push_str(".*"),
                    '?' => re.push('.'),
                    c if c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii() => re.push(c),
                    c => {
                        re.push('\\');
                        re.push(c);
                    }
                }
            }
            re.push('$');
            Ok(re)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::{patterns_to_regexes, slice_count};

    #[test]
    fn sliced_queries_are_split_once_per_two_connections() {
        let counts: Vec<usize> = (1..=5).map(slice_count).collect();
        assert_eq!(counts, vec![1, 1, 1, 2, 2]);
    }

    #[test]
    fn globs_become_anchored_regexes() {
        let got = patterns_to_regexes(&["tenant_*".into(), "a.b".into(), "x?".into()]).unwrap();
        assert_eq!(
            got,
            Some(vec!["^tenant_.*$".into(), "^a\\.b$".into(), "^x.$".into()])
        );
        assert_eq!(patterns_to_regexes(&[]).unwrap(), None);
        assert!(patterns_to_regexes(&["".into()]).is_err());
    }
}
