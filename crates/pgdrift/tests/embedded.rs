//! The embedded private server: starts from the local binaries, serves on a private socket,
//! runs unprivileged under root, and leaves nothing behind.

use pgdrift::pg::connect;
use pgdrift::pg::embedded::{cache_dir, EmbeddedServer, PgBinaries};
use std::path::Path;

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .contains("State:\tZ")
}

#[tokio::test]
async fn serves_and_leaves_nothing_behind() {
    let server = tokio::task::spawn_blocking(EmbeddedServer::start)
        .await
        .unwrap()
        .unwrap();
    let (dir, pid) = (server.dir().to_path_buf(), server.pid());
    assert!(dir.join("data").join("PG_VERSION").exists());
    let conn = connect(&server.conninfo("postgres")).await.unwrap();
    let row = conn
        .client
        .query_one(
            "SELECT current_setting('listen_addresses'), current_setting('fsync')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            row.get::<_, String>(0).as_str(),
            row.get::<_, String>(1).as_str()
        ),
        ("", "off")
    );
    assert_eq!(conn.version.major(), server.binaries().major());
    drop(conn);
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .unwrap();
    assert!(!dir.exists(), "{} was not deleted", dir.display());
    assert!(!alive(pid), "the server process {pid} still runs");
}

#[tokio::test]
async fn servers_run_side_by_side_from_one_cached_template() {
    let (a, b) = tokio::join!(
        tokio::task::spawn_blocking(EmbeddedServer::start),
        tokio::task::spawn_blocking(EmbeddedServer::start)
    );
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    assert_ne!(a.dir(), b.dir());
    let ca = connect(&a.conninfo("postgres")).await.unwrap();
    let cb = connect(&b.conninfo("postgres")).await.unwrap();
    ca.client
        .batch_execute("CREATE TABLE only_in_a (id int)")
        .await
        .unwrap();
    let n: i64 = cb
        .client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    let templates: Vec<_> = std::fs::read_dir(cache_dir().join("templates"))
        .unwrap()
        .flatten()
        .collect();
    assert!(
        templates.iter().any(|t| t.path().join("COMPLETE").exists()
            && t.file_name()
                .to_string_lossy()
                .starts_with(&format!("pg{}-", a.binaries().major()))),
        "no complete template for this version in {}",
        cache_dir().display()
    );
}

#[tokio::test]
async fn under_root_the_server_runs_as_an_unprivileged_user() {
    let server = tokio::task::spawn_blocking(EmbeddedServer::start)
        .await
        .unwrap()
        .unwrap();
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let uid: u32 = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(uid, 0, "the server must never run as root");
    if !nix::unistd::geteuid().is_root() {
        assert_eq!(uid, nix::unistd::geteuid().as_raw());
    }
}

#[tokio::test]
async fn leftovers_of_a_killed_run_are_swept_up() {
    // A directory whose owner process is gone, as a pgdrift killed with SIGKILL leaves it.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let stale = tempfile::Builder::new()
        .prefix("pgdrift-embedded-")
        .tempdir_in(std::env::temp_dir())
        .unwrap()
        .keep();
    std::fs::write(stale.join("owner.pid"), dead_pid.to_string()).unwrap();
    let server = tokio::task::spawn_blocking(EmbeddedServer::start)
        .await
        .unwrap()
        .unwrap();
    assert!(!stale.exists(), "{} was not swept", stale.display());
    assert!(server.dir().exists());
}

#[test]
fn a_directory_without_server_binaries_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let err = PgBinaries::in_dir(dir.path()).unwrap_err();
    assert!(err.contains("no `postgres`"), "{err}");
    let found = PgBinaries::candidates();
    assert!(
        !found.is_empty(),
        "the tests need PostgreSQL server binaries"
    );
    assert!(
        found.windows(2).all(|w| w[0].version >= w[1].version),
        "newest first"
    );
}

/// A test binary creates hundreds of databases: each is dropped when its test is done with it,
/// or the embedded server's directory grows by gigabytes until the binary exits.
#[tokio::test]
async fn a_test_database_is_dropped_when_its_test_is_done_with_it() {
    use pgdrift::testing::{admin_conninfo, TestDb};
    let db = TestDb::with_sql("CREATE TABLE t (id int)").await;
    let name = db.name().to_string();
    let admin = connect(&admin_conninfo()).await.unwrap();
    let count = || async {
        admin
            .client
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname = $1",
                &[&name],
            )
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    assert_eq!(count().await, 1);
    drop(db);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while count().await == 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "{name} still exists 30 s after its TestDb was dropped"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
