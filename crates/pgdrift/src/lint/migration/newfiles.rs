//! The files of a migrations directory that are new on a branch: added or changed since the
//! merge base with a git ref (`git diff --diff-filter=AM REF...HEAD`), plus those changed
//! but not committed and those not tracked yet. Paths come back canonical, to match the
//! directory's migrations whatever way the directory was named.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why the new files could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum NewFilesError {
    #[error("--base needs git: {0}")]
    NoGit(String),
    #[error("--base {base}: {} is not inside a git repository; run from a clone, or leave out --base (every file is then linted)", dir.display())]
    NotARepository { base: String, dir: PathBuf },
    #[error("--base {base}: git knows no commit by that name in {}; fetch it first (git fetch origin {base})", repo.display())]
    BadRef { base: String, repo: PathBuf },
    #[error("--base {base}: git {command} failed in {}: {message}", repo.display())]
    Git {
        base: String,
        command: String,
        repo: PathBuf,
        message: String,
    },
}

/// Runs git in `dir` with `args`: its output, or what it said.
fn git(dir: &Path, args: &[&str]) -> Result<Result<Vec<u8>, String>, NewFilesError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| NewFilesError::NoGit(e.to_string()))?;
    Ok(match out.status.success() {
        true => Ok(out.stdout),
        false => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
    })
}

/// `dir`, canonical, and the top of the git work tree it is in; `base` checked to name a
/// commit there.
fn repository(dir: &Path, base: &str) -> Result<(PathBuf, PathBuf), NewFilesError> {
    let dir = dir
        .canonicalize()
        .map_err(|_| NewFilesError::NotARepository {
            base: base.to_string(),
            dir: dir.to_path_buf(),
        })?;
    let top = match git(&dir, &["rev-parse", "--show-toplevel"])? {
        Ok(out) => PathBuf::from(String::from_utf8_lossy(&out).trim()),
        Err(_) => {
            return Err(NewFilesError::NotARepository {
                base: base.to_string(),
                dir,
            })
        }
    };
    let commit = format!("{base}^{{commit}}");
    if git(&top, &["rev-parse", "--verify", "--quiet", &commit])?.is_err() || base.starts_with('-')
    {
        return Err(NewFilesError::BadRef {
            base: base.to_string(),
            repo: top,
        });
    }
    Ok((dir, top))
}

/// The canonical paths of the files under `dir` added or changed since the merge base of
/// `base` and HEAD, changed in the work tree or index, or untracked (ignored ones left out).
pub fn changed_since(dir: &Path, base: &str) -> Result<HashSet<PathBuf>, NewFilesError> {
    let (dir, top) = repository(dir, base)?;
    let spec = dir.to_string_lossy().into_owned();
    let range = format!("{base}...HEAD");
    let lists: [&[&str]; 3] = [
        &[
            "diff",
            "--name-only",
            "-z",
            "--diff-filter=AM",
            &range,
            "--",
            &spec,
        ],
        &[
            "diff",
            "--name-only",
            "-z",
            "--diff-filter=AM",
            "HEAD",
            "--",
            &spec,
        ],
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--full-name",
            "--",
            &spec,
        ],
    ];
    let mut out = HashSet::new();
    for args in lists {
        let listed = git(&top, args)?.map_err(|message| NewFilesError::Git {
            base: base.to_string(),
            command: args[..2].join(" "),
            repo: top.clone(),
            message,
        })?;
        for name in listed.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let path = top.join(String::from_utf8_lossy(name).as_ref());
            out.insert(path.canonicalize().unwrap_or(path));
        }
    }
    Ok(out)
}
