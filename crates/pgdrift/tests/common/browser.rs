//! Headless Chromium for the HTML tests: finding it, and running it with a time limit and its
//! own profile, its log shown when it fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome"];

/// How long one Chromium run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(60);

pub fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    BROWSERS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs the browser headless on `target` (a URL) with `args`, its profile and log in `dir`;
/// its standard output. A failure shows the end of the browser's log.
pub fn run(browser: &Path, dir: &Path, args: &[&str], target: &str) -> String {
    let log = dir.join("chromium.log");
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(args)
        .arg(target)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("the browser's log"))
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", browser.display()));
    wait_for(child).unwrap_or_else(|e| {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "{} {args:?} {target}: {e}\n{}",
            browser.display(),
            tail.join("\n")
        )
    })
}

/// The standard output of `child` once it exits successfully; killed after [`TIMEOUT`].
fn wait_for(mut child: Child) -> Result<String, String> {
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).map(|_| out)
    });
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) if status.success() => break,
            Some(status) => return Err(format!("failed: {status}")),
            None if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("took more than {TIMEOUT:?}, killed"));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let out = reader
        .join()
        .map_err(|_| "the reader panicked".to_string())?;
    out.map_err(|e| format!("reading its output: {e}"))
}
