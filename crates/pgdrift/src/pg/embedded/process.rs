//! The server process: started from a keeper thread that lives as long as the server (the
//! server gets SIGQUIT if that thread, or pgdrift, dies), stopped and deleted on drop, at
//! process exit and on Ctrl-C, and swept up on a later start if pgdrift was killed outright.

use super::EmbeddedError;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// How long a server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// The name prefix of every embedded server's directory in the temp dir.
pub(crate) const DIR_PREFIX: &str = "pgdrift-embedded-";
/// The file in that directory holding the pid of the pgdrift process that owns it.
pub(crate) const OWNER_FILE: &str = "owner.pid";

struct Entry {
    id: u64,
    stop: Sender<Sender<()>>,
}

static REGISTRY: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
static NEXT_ID: Mutex<u64> = Mutex::new(0);
static AT_EXIT: Once = Once::new();

/// A running server; stopping it deletes its directory.
#[derive(Debug)]
pub(crate) struct Handle {
    id: u64,
    pub pid: u32,
}

/// What to run: the command (already pointed at `data`), its directory and log.
pub(crate) struct Launch {
    pub cmd: Command,
    pub root: PathBuf,
    pub data: PathBuf,
    pub log: PathBuf,
}

/// Starts the server and waits until it accepts connections.
pub(crate) fn launch(launch: Launch) -> Result<Handle, EmbeddedError> {
    register_exit_cleanup();
    let Launch {
        mut cmd,
        root,
        data,
        log,
    } = launch;
    set_parent_death_signal(&mut cmd);
    let (ready_tx, ready_rx) = channel::<Result<u32, EmbeddedError>>();
    let (stop_tx, stop_rx) = channel::<Sender<()>>();
    let keeper_root = root.clone();
    std::thread::Builder::new()
        .name("pgdrift-embedded-server".into())
        .spawn(move || {
            let mut child = match cmd.spawn() {
                Ok(child) => child,
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&keeper_root);
                    let _ =
                        ready_tx.send(Err(start_error(format!("cannot run postgres: {e}"), &log)));
                    return;
                }
            };
            if let Err(e) = wait_ready(&mut child, &data, &log) {
                shutdown(&mut child);
                let _ = std::fs::remove_dir_all(&keeper_root);
                let _ = ready_tx.send(Err(e));
                return;
            }
            let _ = ready_tx.send(Ok(child.id()));
            let reply = stop_rx.recv().ok();
            shutdown(&mut child);
            let _ = std::fs::remove_dir_all(&keeper_root);
            if let Some(reply) = reply {
                let _ = reply.send(());
            }
        })
        .map_err(|e| EmbeddedError::Io {
            what: "start a thread for the server".into(),
            path: root.clone(),
            reason: e.to_string(),
        })?;
    let pid = ready_rx.recv().map_err(|_| EmbeddedError::Start {
        reason: "the server's keeper thread ended unexpectedly".into(),
        log: String::new(),
    })??;
    let id = {
        let mut next = NEXT_ID.lock().unwrap_or_else(|p| p.into_inner());
        *next += 1;
        *next
    };
    REGISTRY
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Entry { id, stop: stop_tx });
    Ok(Handle { id, pid })
}

impl Handle {
    /// Stops the server and deletes its directory; waits until both are done.
    pub(crate) fn stop(&self) {
        let _stopping = STOPPING.lock().unwrap_or_else(|p| p.into_inner());
        let entry = {
            let mut reg = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
            reg.iter()
                .position(|e| e.id == self.id)
                .map(|i| reg.remove(i))
        };
        if let Some(entry) = entry {
            stop_entry(entry);
        }
    }
}

fn stop_entry(entry: Entry) {
    let (done_tx, done_rx) = channel();
    if entry.stop.send(done_tx).is_ok() {
        let _ = done_rx.recv_timeout(Duration::from_secs(30));
    }
}

/// Held while servers are being stopped, so that a second caller (the interrupt handler
/// while the main thread is already stopping them) waits until they are gone.
static STOPPING: Mutex<()> = Mutex::new(());

/// Stops every embedded server this process started, and returns once they are stopped and
/// deleted. Safe to call more than once, from any thread.
pub fn stop_all() {
    let _stopping = STOPPING.lock().unwrap_or_else(|p| p.into_inner());
    let entries: Vec<Entry> =
        std::mem::take(&mut *REGISTRY.lock().unwrap_or_else(|p| p.into_inner()));
    for entry in entries {
        stop_entry(entry);
    }
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// On Ctrl-C (and SIGTERM/SIGHUP): undoes what must not outlive pgdrift
/// ([`crate::pg::cleanup`]), stops every embedded server, then exits with 130.
/// The binary calls this once at start; a second call is harmless.
pub fn install_interrupt_cleanup() {
    let _ = ctrlc::set_handler(|| {
        if DEFER_FIRST.load(Ordering::SeqCst) && !STOP_REQUESTED.swap(true, Ordering::SeqCst) {
            return;
        }
        INTERRUPTED.store(true, Ordering::SeqCst);
        crate::pg::cleanup::run_all();
        stop_all();
        std::process::exit(130);
    });
}

static DEFER_FIRST: AtomicBool = AtomicBool::new(false);
static STOP_REQUESTED: AtomicBool = AtomicBool::new(false);

/// From now on, the first Ctrl-C (or SIGTERM/SIGHUP) only asks to stop ([`stop_requested`]):
/// the caller finishes what is in flight and ends by itself; a second one stops at once.
pub fn defer_first_interrupt() {
    DEFER_FIRST.store(true, Ordering::SeqCst);
}

/// True once a first Ctrl-C arrived after [`defer_first_interrupt`].
pub fn stop_requested() -> bool {
    STOP_REQUESTED.load(Ordering::SeqCst)
}

/// True once Ctrl-C (or SIGTERM/SIGHUP) arrived: work failing from then on failed because
/// of it.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

extern "C" fn stop_all_at_exit() {
    stop_all();
}

#[allow(unsafe_code)]
fn register_exit_cleanup() {
    AT_EXIT.call_once(|| {
        // SAFETY: registers a plain `extern "C"` function with no arguments; it only takes
        // a mutex and signals threads, which is allowed while `exit` runs handlers.
        unsafe {
            nix::libc::atexit(stop_all_at_exit);
        }
    });
}

#[allow(unsafe_code)]
fn set_parent_death_signal(cmd: &mut Command) {
    // SAFETY: the closure runs between fork and exec and calls only prctl(2), which is
    // async-signal-safe; it runs after the uid switch, so the setting survives it.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGQUIT).map_err(std::io::Error::from)
        });
    }
}

/// Waits for `postmaster.pid` to say `ready`, or for the server to die.
fn wait_ready(child: &mut Child, data: &Path, log: &Path) -> Result<(), EmbeddedError> {
    let started = Instant::now();
    let pid_file = data.join("postmaster.pid");
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(start_error(format!("postgres exited with {status}"), log));
        }
        if let Ok(text) = std::fs::read_to_string(&pid_file) {
            if text.lines().nth(7).is_some_and(|l| l.trim() == "ready") {
                return Ok(());
            }
        }
        if started.elapsed() > START_TIMEOUT {
            return Err(start_error(
                format!("not ready after {}s", START_TIMEOUT.as_secs()),
                log,
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn start_error(reason: String, log: &Path) -> EmbeddedError {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(15).collect();
    EmbeddedError::Start {
        reason,
        log: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
    }
}

/// Immediate shutdown (the directory is deleted next, so nothing needs to be flushed).
fn shutdown(child: &mut Child) {
    let pid = Pid::from_raw(child.id() as i32);
    for (signal, wait) in [(Signal::SIGQUIT, 10), (Signal::SIGKILL, 10)] {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = kill(pid, signal);
        let deadline = Instant::now() + Duration::from_secs(wait);
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let _ = child.wait();
}

/// Deletes the directories of embedded servers whose pgdrift process is gone (killed before
/// it could clean up), stopping any server still running in them.
pub(crate) fn sweep_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(DIR_PREFIX) {
            continue;
        }
        let dir = entry.path();
        let owner = read_pid(&dir.join(OWNER_FILE));
        if owner.is_none_or(is_alive) {
            continue;
        }
        if let Some(server) =
            read_pid(&dir.join("data").join("postmaster.pid")).filter(|p| is_alive(*p))
        {
            let _ = kill(Pid::from_raw(server), Signal::SIGQUIT);
            let deadline = Instant::now() + Duration::from_secs(5);
            while is_alive(server) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn read_pid(path: &Path) -> Option<i32> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn is_alive(pid: i32) -> bool {
    pid > 0
        && match kill(Pid::from_raw(pid), None) {
            Ok(()) => true,
            Err(e) => e == nix::errno::Errno::EPERM,
        }
}
