//! The cached template cluster: `initdb` runs once per server build into the user's cache
//! directory; every embedded server starts from a copy of it.

use super::binaries::PgBinaries;
use super::fsutil::{chown_tree, copy_tree};
use super::{EmbeddedError, RunAs};
use sha2::{Digest, Sha256};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Changes whenever the way templates are made changes, so old caches are not reused.
const TEMPLATE_LAYOUT: &str = "pgdrift-template-1: -U postgres -A trust -E UTF8 --locale=C";

/// The cache directory pgdrift uses: `PGDRIFT_CACHE_DIR`, else the user's cache dir.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PGDRIFT_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("pgdrift")
}

/// The template data directory for `bins`, made now if it is not cached yet.
pub(crate) fn template_for(
    bins: &PgBinaries,
    run_as: Option<&RunAs>,
) -> Result<PathBuf, EmbeddedError> {
    let key = {
        let mut h = Sha256::new();
        h.update(bins.bindir.as_os_str().as_encoded_bytes());
        h.update(bins.version_text.as_bytes());
        h.update(TEMPLATE_LAYOUT.as_bytes());
        h.finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let templates = cache_dir().join("templates");
    let home = templates.join(format!("pg{}-{key}", bins.major()));
    let data = home.join("data");
    if home.join("COMPLETE").exists() {
        return Ok(data);
    }
    let io = |what: &str, path: &Path, e: std::io::Error| EmbeddedError::Io {
        what: what.to_string(),
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(&templates)
        .map_err(|e| io("create the cache directory", &templates, e))?;
    let scratch = tempfile::Builder::new()
        .prefix("pgdrift-initdb-")
        .tempdir()
        .map_err(|e| io("create a temporary directory", &std::env::temp_dir(), e))?;
    run_initdb(bins, scratch.path(), run_as)?;
    let staging = tempfile::Builder::new()
        .prefix(".staging-")
        .tempdir_in(&templates)
        .map_err(|e| io("create a staging directory", &templates, e))?;
    let staged_data = staging.path().join("data");
    copy_tree(&scratch.path().join("data"), &staged_data)
        .map_err(|e| io("copy the new cluster", &staged_data, e))?;
    std::fs::write(staging.path().join("COMPLETE"), &bins.version_text)
        .map_err(|e| io("mark the template complete", staging.path(), e))?;
    let staging = staging.keep();
    if std::fs::rename(&staging, &home).is_err() {
        // Another process finished the same template first; use theirs.
        let _ = std::fs::remove_dir_all(&staging);
        if !home.join("COMPLETE").exists() {
            return Err(EmbeddedError::Io {
                what: "install the template cluster".into(),
                path: home,
                reason: "a directory of that name exists but is incomplete; delete it".into(),
            });
        }
    }
    Ok(data)
}

fn run_initdb(bins: &PgBinaries, dir: &Path, run_as: Option<&RunAs>) -> Result<(), EmbeddedError> {
    let data = dir.join("data");
    let mut cmd = Command::new(bins.initdb());
    cmd.arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "-N",
        ])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    if let Some(user) = run_as {
        chown_tree(dir, user.uid, user.gid).map_err(|e| EmbeddedError::Io {
            what: format!("give the scratch directory to user {}", user.name),
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    let out = cmd.output().map_err(|e| EmbeddedError::Initdb {
        binary: bins.initdb(),
        output: e.to_string(),
    })?;
    if !out.status.success() {
        let mut output = String::from_utf8_lossy(&out.stderr).into_owned();
        output.push_str(&String::from_utf8_lossy(&out.stdout));
        return Err(EmbeddedError::Initdb {
            binary: bins.initdb(),
            output: output.trim().to_string(),
        });
    }
    Ok(())
}
