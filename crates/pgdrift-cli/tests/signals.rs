//! The private server never outlives pgdrift: Ctrl-C stops it and deletes its files; a
//! SIGKILL of pgdrift still takes the server down with it.
#![allow(clippy::zombie_processes)]

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Writes a file that keeps a replay busy for a minute.
fn slow_file(tmp: &Path) -> PathBuf {
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = tmp.join("slow.sql");
    std::fs::write(&file, "SELECT pg_sleep(60);\n").unwrap();
    file
}

/// Starts `pgdrift inspect` on a file that keeps the server busy, with its temporary
/// directory in `tmp`, and waits until its private server is up.
fn start_busy_inspect(tmp: &Path) -> (Child, PathBuf, i32) {
    let file = slow_file(tmp);
    let child = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args(["inspect", file.to_str().unwrap(), "--no-cache"])
        .env("TMPDIR", tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            Instant::now() < deadline,
            "the private server did not start"
        );
        let server = std::fs::read_dir(tmp)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("pgdrift-embedded-")
            });
        if let Some(dir) = server {
            let pid_file =
                std::fs::read_to_string(dir.join("data/postmaster.pid")).unwrap_or_default();
            if pid_file.lines().nth(7).is_some_and(|l| l.trim() == "ready") {
                let pid = pid_file.lines().next().unwrap().trim().parse().unwrap();
                // Give the replay time to reach the server.
                std::thread::sleep(Duration::from_millis(500));
                return (child, dir, pid);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn gone(pid: i32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if status.is_empty() || status.contains("State:\tZ") {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn ctrl_c_stops_the_private_server_and_deletes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, dir, server) = start_busy_inspect(tmp.path());
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let status =
        wait_exit(&mut child, Duration::from_secs(30)).expect("pgdrift did not exit on Ctrl-C");
    assert_eq!(status.code(), Some(130));
    assert!(
        gone(server, Duration::from_secs(10)),
        "the server outlived pgdrift"
    );
    assert!(!dir.exists(), "{} was left behind", dir.display());
}

#[test]
fn a_killed_pgdrift_takes_its_server_down() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut child, _dir, server) = start_busy_inspect(tmp.path());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        gone(server, Duration::from_secs(10)),
        "the server outlived a killed pgdrift"
    );
}

#[tokio::test]
async fn ctrl_c_drops_the_shadow_database_on_a_development_server() {
    let server = tokio::task::spawn_blocking(pgdrift::pg::embedded::EmbeddedServer::start)
        .await
        .unwrap()
        .unwrap();
    let admin = server.conninfo("postgres");
    let tmp = tempfile::tempdir().unwrap();
    let file = slow_file(tmp.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_pgdrift"))
        .args([
            "inspect",
            file.to_str().unwrap(),
            "--no-cache",
            "--dev-url",
            &admin.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let conn = pgdrift::pg::connect(&admin).await.unwrap();
    let shadows = || async {
        conn.client
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgdrift_shadow_%'",
                &[],
            )
            .await
            .unwrap()
            .get::<_, i64>(0)
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while shadows().await == 0 {
        assert!(Instant::now() < deadline, "no shadow database appeared");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let status =
        wait_exit(&mut child, Duration::from_secs(30)).expect("pgdrift did not exit on Ctrl-C");
    assert_eq!(status.code(), Some(130));
    assert_eq!(shadows().await, 0, "the shadow database outlived pgdrift");
}
