//! Shared by the command-line tests: running the `pgdrift` binary as a user would (no
//! password in the environment, no colors) and reading what it printed.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `pgdrift args`, in `dir` when given.
pub fn pgdrift_in(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pgdrift"));
    cmd.args(args).env_remove("PGPASSWORD").env("NO_COLOR", "1");
    // Rollout state (`migrate apply`) in a directory of the test run's, not the user's.
    let state = std::env::temp_dir().join(format!("pgdrift-test-state-{}", std::process::id()));
    cmd.env("PGDRIFT_STATE_DIR", state);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.output().expect("run pgdrift")
}

/// Standard output, then standard error.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
